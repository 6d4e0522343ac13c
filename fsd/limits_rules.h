/* limits_rules.h - caps and defaults of the rule engine, the access log and
 * the caller cache. Named constants only; no code. */
#ifndef ESXMOCK_FSD_LIMITS_RULES_H
#define ESXMOCK_FSD_LIMITS_RULES_H

/* Rules alive at once (manifest and run time together). */
#define ICPT_RULES_MAX 100000
/* Actions in one rule, and rules whose actions stack on one op. */
#define ICPT_ACTIONS_MAX 16
#define ICPT_FIRED_MAX 16
/* An id or a label: printable, at most this long. */
#define ICPT_ID_MAX 64
#define ICPT_LABEL_MAX 256
/* Scripted content of one action (bytes). */
#define ICPT_CONTENT_MAX (16 * 1024 * 1024)
/* Captured write bytes kept per rule by default, and at most. */
#define ICPT_CAPTURE_DEFAULT (1024 * 1024)
#define ICPT_CAPTURE_MAX (64 * 1024 * 1024)
/* Captured write segments listed per rule ({path, offset, length}). */
#define ICPT_CAPTURE_SEGS_MAX 4096
/* Delays and hang timeouts (milliseconds). */
#define ICPT_DELAY_MAX_MS (10 * 60 * 1000)
#define ICPT_HANG_DEFAULT_MS (60 * 1000)
#define ICPT_HANG_MAX_MS (60 * 60 * 1000)
/* Requests held at once by hangs and delays; over it, a rule's hang or
 * delay is skipped (the op answers at once) and counted. */
#define ICPT_HELD_MAX 4096
/* rules.wait callers waiting at once. */
#define ICPT_WAITERS_MAX 1024

/* Access log: events kept in memory by default and at most, data bytes
 * kept per event at the data level (default and maximum). */
#define ALOG_RING_DEFAULT 65536
#define ALOG_RING_MAX (16 * 1024 * 1024)
#define ALOG_DATA_DEFAULT 64
#define ALOG_DATA_MAX 65536
/* log.fetch: events per answer by default and at most. */
#define ALOG_FETCH_DEFAULT 1000
#define ALOG_FETCH_MAX 100000
/* Followers (log.follow subscriptions) at once. */
#define ALOG_FOLLOWERS_MAX 256
/* The JSON-lines file is flushed this often (milliseconds). */
#define ALOG_FLUSH_MS 200
/* Invoke events: argv kept (args, bytes), and output kept per stream when
 * an exec answer asks for log_output (default and maximum bytes). */
#define ALOG_ARGV_MAX_ARGS 256
#define ALOG_ARGV_MAX_BYTES 4096
#define ALOG_OUTPUT_DEFAULT 4096
#define ALOG_OUTPUT_MAX 65536

/* Caller cache: pids remembered, and how long a process name stays valid
 * (a name can change at execve; execs seen in the tree drop it at once). */
#define CALLER_CACHE_MAX 4096
#define CALLER_TTL_MS 100

#endif
