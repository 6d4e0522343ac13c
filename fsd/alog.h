/* alog.h - the access log: typed events in a bounded ring (overflow drops
 * the oldest and counts it), read by sequence-number cursor with filters,
 * streamed to followers, and optionally appended to a JSON-lines file.
 * Owns struct alog and every struct alog_rec. No FUSE types here; events
 * come from hook.c, readers are rpc_log.c. Single-threaded (the loop). */
#ifndef ESXMOCK_FSD_ALOG_H
#define ESXMOCK_FSD_ALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "icpt.h"

struct json_object;
struct event_base;
struct alog;

/* What an "invoke" event adds (the exec broker, docs/interpose.md
 * "Access log"). Everything borrowed. */
struct alog_invoke {
	pid_t ppid;
	const char *caller; /* the parent's process name, or NULL */
	const char *argv;   /* argc strings, each NUL-terminated */
	size_t argv_len;    /* bytes behind argv, NULs included */
	size_t argc;
	bool argv_truncated;    /* more args or bytes than ALOG_ARGV_* */
	const char *style;      /* "static"... or NULL (never decided) */
	const char *image_rule; /* the image default involved, or NULL */
	bool image;             /* the deciding rule is an image default */
	int exit_code;          /* -1: not known (killed, or no report) */
	int signal;             /* the killing signal, or 0 */
	int64_t out_bytes, err_bytes; /* -1: not captured */
	const void *out, *err;        /* logged output (log_output), or NULL */
	size_t out_len, err_len;
};

/* One event as handed to alog_append (everything borrowed). */
struct alog_event {
	struct timespec mono, wall; /* when the op arrived */
	enum icpt_op op;
	const char *path;  /* absolute tree path, or NULL (unknown inode) */
	const char *path2; /* rename: the new path */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	const char *process; /* or NULL */
	bool has_flags;
	int flags;
	bool has_range; /* read, write, truncate, fallocate */
	uint64_t off, len;
	int64_t bytes;        /* bytes read or written; -1: not applicable */
	int err;              /* 0, or the positive errno answered */
	const char *rules;    /* ids of the rules that fired: "r1,r3" */
	uint64_t duration_ns; /* arrival to answer */
	const void *data;     /* data level: the first bytes, or NULL */
	size_t data_len;
	const struct alog_invoke *invoke; /* op "invoke" only, else NULL */
};

/* A stored invoke event's own part (strings NULL when absent). */
struct alog_rec_invoke {
	pid_t ppid;
	bool argv_truncated, image;
	int exit_code, signal;
	int64_t out_bytes, err_bytes;
	size_t argc, argv_len;
	size_t out_len, err_len; /* bytes behind out_b64, err_b64 */
	char *argv;              /* argc NUL-terminated strings */
	char *caller, *style, *image_rule, *out_b64, *err_b64;
};

/* A stored event. Strings are NUL-terminated, NULL when absent. */
struct alog_rec {
	uint64_t seq;
	struct timespec mono, wall;
	enum icpt_op op;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool has_flags, has_range;
	int flags;
	uint64_t off, len;
	int64_t bytes;
	int err;
	uint64_t duration_ns;
	size_t data_len; /* bytes behind data_b64 */
	char *path, *path2, *process, *rules, *data_b64;
	struct alog_rec_invoke *invoke; /* op "invoke" only, else NULL */
};

/* Which events a reader wants. Zeroed = all. */
struct alog_filter {
	char *path;   /* glob (as rules, "**" allowed), or NULL */
	uint32_t ops; /* bits of enum icpt_op; 0 = all */
	bool has_pid;
	pid_t pid;
	char *process; /* glob on the process name, or NULL */
	enum {
		ALOG_RESULT_ANY = 0,
		ALOG_RESULT_OK,
		ALOG_RESULT_ERROR,
		ALOG_RESULT_ERRNO, /* exactly result_errno */
	} result;
	int result_errno;
	char *rule; /* an id among the event's rules, or NULL */
	void *glob; /* compiled path (private) */
};

/* Fills f from an object's members path, op (string or array), pid,
 * process, result ("ok", "error", or an errno name) and rule; other
 * members are ignored (the caller checked them). 0, or -EINVAL with a
 * message naming the member in err, or -ENOMEM. */
int alog_filter_parse(struct json_object *o, struct alog_filter *f, char *err,
		      size_t errlen);
void alog_filter_release(struct alog_filter *f);
bool alog_filter_match(const struct alog_filter *f, const struct alog_rec *r);

/* cap: events kept (0: ALOG_RING_DEFAULT). NULL on ENOMEM. */
struct alog *alog_new(size_t cap);
void alog_free(struct alog *a);

/* Appends a JSON line per event to path (created 0644, appended to);
 * flushed every ALOG_FLUSH_MS by a timer on base, and at alog_free.
 * 0, or a negative errno with a message in err. */
int alog_open_file(struct alog *a, const char *path, struct event_base *base,
		   char *err, size_t errlen);

/* Stores ev (copied), gives it the next seq, writes it to the file and
 * hands it to every follower whose filter matches. Returns the seq, or 0
 * when it could not be stored (no memory: counted as a drop). */
uint64_t alog_append(struct alog *a, const struct alog_event *ev);

struct alog_stats {
	uint64_t first_seq; /* oldest event kept (0 when empty) */
	uint64_t last_seq;  /* newest event ever given a seq (0: none) */
	uint64_t count;     /* events kept */
	uint64_t cap;
	uint64_t dropped; /* overwritten before anyone could be sure to
			     have read them, or lost to no memory */
	uint64_t cleared; /* removed by alog_clear */
	uint64_t file_errors;
};
void alog_stats(const struct alog *a, struct alog_stats *st);

/* Calls fn for up to limit events with seq > since that match f (NULL:
 * all), oldest first. *next is the cursor for the following call: the seq
 * of the last event examined (matching or not), so each event is seen
 * exactly once across calls; *missed counts events after since that were
 * dropped before this call. Returns how many were passed to fn. */
size_t alog_fetch(const struct alog *a, uint64_t since,
		  const struct alog_filter *f, size_t limit,
		  void (*fn)(void *arg, const struct alog_rec *r), void *arg,
		  uint64_t *next, uint64_t *missed);

/* Forgets every stored event (seqs keep growing). Returns how many. */
uint64_t alog_clear(struct alog *a);

/* Followers: fn(arg, rec) for every new matching event, until
 * alog_unfollow. f is copied (its strings owned by the follower from
 * then on). Returns a handle (>= 1), or 0 (too many followers / ENOMEM:
 * f is released then). */
uint64_t alog_follow(struct alog *a, struct alog_filter *f,
		     void (*fn)(void *arg, const struct alog_rec *r),
		     void *arg);
void alog_unfollow(struct alog *a, uint64_t handle);
/* The arg of the first live follower for which match(arg, ctx) holds, or
 * NULL. */
void *alog_follow_find(const struct alog *a,
		       bool (*match)(void *arg, void *ctx), void *ctx);

/* The event as a JSON object (docs/rules.md "Access log events"); NULL on
 * ENOMEM. */
struct json_object *alog_rec_json(const struct alog_rec *r);

#endif
