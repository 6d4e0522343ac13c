/* ctl.h - the control channel's transport: TCP listener and dial-out on the
 * daemon's libevent loop, per-connection line framing and limits.
 * Owns struct ctl and every connection; speaks to rpc.h for the protocol.
 *
 * Everything runs on the one event_base given to ctl_new(): no threads, no
 * locks. A connection is closed through one function and freed from a
 * separate event after the current callback returns, so no callback ever
 * sees a freed connection (rpc cancel callbacks run at that point).
 */
#ifndef ESXMOCK_FSD_CTL_H
#define ESXMOCK_FSD_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct event_base;
struct rpc_server;
struct ctl;

enum ctl_log_level {
	CTL_LOG_INFO,
	CTL_LOG_WARN, /* a client dropped, accept or dial-out failing */
};

struct ctl_config {
	/* "HOST:PORT" to listen on (port 0: any free port), "none" for no
	 * listener. NULL means CTL_DEFAULT_LISTEN; if that port is taken the
	 * listener falls back to port 0 with a warning, while an explicit
	 * address that cannot be bound is an error. */
	const char *listen;
	const char *control_file; /* write "HOST:PORT\n" there, or NULL */
	const char *connect;      /* dial-out "HOST:PORT", or NULL */
	const char *token;        /* NULL or "": no authentication */
	unsigned max_clients;     /* 0: CTL_CLIENTS_MAX */
	unsigned stall_ms;        /* 0: CTL_STALL_MS */
	unsigned backoff_min_ms;  /* 0: CTL_BACKOFF_MIN_MS */
	unsigned backoff_max_ms;  /* 0: CTL_BACKOFF_MAX_MS */
	bool verbose;             /* log each connection and drop */
	/* Diagnostic lines ("control: listening on HOST:PORT", drops) go to
	 * log(log_arg, level, line) when set, else to stderr. */
	void (*log)(void *log_arg, enum ctl_log_level level, const char *line);
	void *log_arg;
};

/* Zeroes cfg and takes the token from ESXMOCK_TOKEN when set. */
void ctl_config_init(struct ctl_config *cfg);

/* Removes the control options from argv (in place, *argc updated) and
 * stores them in cfg: --control ADDR:PORT|none, --control-file PATH,
 * --control-token TOKEN, --control-connect HOST:PORT, each also as
 * --opt=VALUE. The strings stay borrowed from argv. Returns 0, or -EINVAL
 * with a message in err (missing value). */
int ctl_take_args(struct ctl_config *cfg, int *argc, char **argv, char *err,
		  size_t errlen);

/* Usage lines of those options, for the daemon's --help. */
void ctl_usage(FILE *f);

/* Starts listening and/or dialing on base (and ignores SIGPIPE unless the
 * process handles it already); announces the address
 * ("control: listening on HOST:PORT") and writes the control file. rpc is
 * borrowed and must outlive the ctl. On error returns a negative errno
 * with a message in err (naming the address). */
int ctl_new(struct event_base *base, struct rpc_server *rpc,
	    const struct ctl_config *cfg, struct ctl **out, char *err,
	    size_t errlen);

/* Answers pending deferred requests with RPC_ERR_SHUTDOWN, makes one
 * non-blocking attempt to write what is queued, closes every connection,
 * removes the control file. */
void ctl_free(struct ctl *ctl);

/* The listener's address "HOST:PORT" ("[::1]:7744" for IPv6): 0, or
 * -ENOENT when not listening. */
int ctl_address(const struct ctl *ctl, char *buf, size_t n);

#endif
