/* rpc.h - the JSON-RPC 2.0 layer of the control channel: envelope checks,
 * method tables, params checking, the one errno -> error mapping, deferred
 * replies and notifications.
 * Owns struct rpc_server, rpc_session, rpc_req and rpc_sub. No sockets here
 * (ctl.c feeds lines in and takes lines out) and no FUSE types: handlers
 * reach the daemon only through struct rpc_host.
 *
 * Adding a method (a later issue): one row in the rpc_<ns>_methods[] table
 * of fsd/rpc_<ns>.c, its handler, the host operation it needs in struct
 * rpc_host, and its entry in proto/methods.json and proto/PROTOCOL.md (the
 * ctl unit test fails until all three agree).
 *
 * A handler answers in exactly one of three ways:
 *   - return 0 with *result set (ownership passes to the rpc layer);
 *   - return a negative errno, after rpc_fail() to name the path, or after
 *     rpc_bad_param() / rpc_fail_code() for a protocol-level error;
 *   - return rpc_defer(req, cancel, arg) and later call rpc_req_done() or
 *     rpc_req_fail() exactly once (deferred reply, e.g. rules.wait).
 * While a request is deferred its session processes no further request
 * (replies stay in order); other sessions are unaffected. If the client goes
 * away first, cancel(arg) runs and req is freed by the rpc layer: the owner
 * must forget req there. With cancel == NULL the request is detached
 * instead, and the owner's later rpc_req_done() frees it, dropping the reply.
 *
 * Notifications: a handler creates a subscription with rpc_sub_new() (it
 * gets an id to return to the client) and pushes lines with
 * rpc_sub_notify() at any time later; each line is a whole JSON object, so
 * a notification never lands inside a reply. When the session closes,
 * cancel(arg) runs and the sub is freed by the rpc layer; an owner ending
 * the stream itself calls rpc_sub_free().
 */
#ifndef ESXMOCK_FSD_RPC_H
#define ESXMOCK_FSD_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct json_object;
struct icpt;
struct alog;
struct rpc_state_host;
struct rpc_server;
struct rpc_session;
struct rpc_req;
struct rpc_sub;

/* Returned by a handler (through rpc_defer) that will answer later. */
#define RPC_DEFERRED 1

/* ---- method tables ---------------------------------------------------- */

enum rpc_type {
	RPC_T_STRING = 1, /* a string without NUL characters */
	RPC_T_INT,        /* an integer (json-c int64) */
	RPC_T_BOOL,
	RPC_T_NUMBER, /* integer or double */
	RPC_T_OBJECT,
	RPC_T_ARRAY,
	RPC_T_ANY,
};

struct rpc_param {
	const char *name; /* NULL ends the list */
	enum rpc_type type;
	bool required;
};

enum rpc_method_flag {
	RPC_MUTATES = 1u << 0, /* changes daemon state (tree, rules, log) */
	RPC_NOAUTH = 1u << 1,  /* callable before a successful hello */
	RPC_STREAMS = 1u << 2, /* sends notifications after its reply */
};

/* *result: set on success (ownership passes to the rpc layer). params is an
 * object already checked against the method's rpc_param list (unknown
 * names, missing required ones and wrong types never reach a handler); it
 * is borrowed for the duration of the call only. */
typedef int rpc_method_fn(struct rpc_req *req, struct json_object *params,
			  struct json_object **result);

struct rpc_method {
	const char *name; /* "files.get"; NULL ends a table */
	rpc_method_fn *fn;
	unsigned flags;                 /* enum rpc_method_flag */
	const struct rpc_param *params; /* NULL: takes no params */
};

/* The built-in tables, one per fsd/rpc_<ns>.c, collected by rpc.c. */
extern const struct rpc_method rpc_misc_methods[];
extern const struct rpc_method rpc_files_methods[];
extern const struct rpc_method rpc_rules_methods[]; /* rules.* (issue 4) */
extern const struct rpc_method rpc_log_methods[];   /* log.* (issue 4) */
/* exec.*, invocations.* (issue 6): forwarded to rpc_host.exec_call */
extern const struct rpc_method rpc_exec_methods[];
extern const struct rpc_method rpc_state_methods[]; /* state.* (issue 3) */
extern const struct rpc_method rpc_files_write_methods[]; /* files.put... */
extern const struct rpc_method rpc_manifest_methods[];    /* manifest.load */

/* ---- what handlers need from the daemon -------------------------------- */

struct rpc_file_info {
	struct stat st;     /* type and mode, nlink, ids, size, times, ino */
	const char *target; /* symlinks: the target text, else NULL */
	const char *user;   /* owner and group names, or NULL when unknown */
	const char *group;
	/* every pointer is borrowed until the next call into the host */
};

/* Called once per directory entry; a non-zero return stops the listing and
 * is returned by list(). */
typedef int rpc_list_fn(void *arg, const char *name,
			const struct rpc_file_info *fi);

struct rpc_counter {
	const char *name; /* borrowed: a string literal of the daemon */
	uint64_t value;
};

/* manifest.load's request and outcome. In: path (a file the daemon
 * reads) or text/len (the manifest itself, named name). Out: what was
 * applied, or on failure (nothing changed) a message naming the manifest,
 * its line and column and the JSON pointer of the culprit (file, line,
 * col, pointer: also apart, "" / 0 when not known) or the tree path. */
struct rpc_overlay {
	const char *path;
	const char *text;
	size_t len;
	const char *name;
	uint64_t created, replaced, modified, removed;
	char message[1024];
	char file[256];
	int line, col;
	char pointer[256];
	char tree_path[256];
};

/* Every operation returns 0 or a negative errno. A NULL member makes the
 * methods needing it fail with ENOSYS (RPC_ERR_NOSYS). Paths are absolute
 * tree paths ("/etc/motd"); symlinks are not followed. */
struct rpc_host {
	void *ctx;
	int (*stat)(void *ctx, const char *path, struct rpc_file_info *fi);
	/* Reads up to len bytes at off of a regular file into buf; *got is
	 * the count (0 at or past the end). */
	int (*read)(void *ctx, const char *path, uint64_t off, void *buf,
		    size_t len, size_t *got);
	int (*list)(void *ctx, const char *path, rpc_list_fn *emit, void *arg);
	/* Fills up to max counters for stats; returns how many. */
	size_t (*counters)(void *ctx, struct rpc_counter *out, size_t max);
	/* The rule engine (fsd/icpt.h) and the access log (fsd/alog.h) of
	 * rules.* and log.* (rpc_rules.c, rpc_log.c), borrowed; NULL:
	 * those methods answer ENOSYS. */
	struct icpt *icpt;
	struct alog *alog;
	/* The writable layer (fsd/rpc_state.h) of state.* and the writing
	 * files.* methods (rpc_state.c, rpc_files_write.c); NULL: those
	 * methods answer ENOSYS. */
	const struct rpc_state_host *state;
	/* Command interception (fsd/exec.h): exec.* and invocations.* are
	 * handled by the broker with the handler contract above (method is
	 * the method's name); NULL: those methods answer ENOSYS. */
	int (*exec_call)(void *ctx, struct rpc_req *req, const char *method,
			 struct json_object *params,
			 struct json_object **result);
	/* manifest.load (rpc_manifest.c): layers an overlay manifest on the
	 * daemon's stack and applies what it sets as run-time changes. An
	 * error changes nothing; NULL: manifest.load answers ENOSYS. */
	int (*manifest_load)(void *ctx, struct rpc_overlay *ov);
	/* A user (group: a group) name to its id through the daemon's
	 * tables, for files.put/files.chmod's "user"/"group"; -ENOENT when
	 * unknown. NULL: names are refused. */
	int (*ident)(void *ctx, bool group, const char *name, int64_t *id);
};

/* ---- server ------------------------------------------------------------ */

/* Counters of the control channel, reported by stats. ctl.c maintains the
 * client ones, rpc.c the request ones. */
struct rpc_stats {
	uint64_t requests;        /* requests dispatched to a handler */
	uint64_t errors;          /* error replies of any kind */
	uint64_t notifications;   /* notification lines sent */
	uint64_t clients;         /* connected now (listener and dial-out) */
	uint64_t clients_total;   /* accepted or dialed since start */
	uint64_t clients_dropped; /* closed by a limit (output, stall, line) */
	uint64_t clients_refused; /* turned away: too many clients */
	uint64_t bytes_in, bytes_out;
	uint64_t out_queued;      /* bytes queued for all clients now */
	uint64_t out_queued_peak; /* the most ever queued at once */
};

/* host is copied (its ctx stays borrowed). NULL on ENOMEM. */
struct rpc_server *rpc_server_new(const struct rpc_host *host);
/* Frees the server; every session must have been freed before. */
void rpc_server_free(struct rpc_server *srv);

/* Requires hello {token} before any other method; NULL or "" disables
 * auth. 0 or -ENOMEM / -E2BIG (longer than CTL_TOKEN_MAX). */
int rpc_server_set_token(struct rpc_server *srv, const char *token);

/* Adds a table (NULL-name terminated, borrowed for the server's life) to
 * the dispatch, e.g. test-only methods. -EEXIST on a duplicate name. */
int rpc_server_add_methods(struct rpc_server *srv,
			   const struct rpc_method *table);

/* The method named name, or NULL. */
const struct rpc_method *rpc_server_find(const struct rpc_server *srv,
					 const char *name);

/* Calls fn for every dispatched method, built-in tables first. */
void rpc_server_each_method(const struct rpc_server *srv,
			    void (*fn)(void *arg, const struct rpc_method *m),
			    void *arg);

/* true when a token was set (hello must present it). */
bool rpc_server_needs_token(const struct rpc_server *srv);

struct rpc_stats *rpc_server_stats(struct rpc_server *srv);
const struct rpc_host *rpc_server_host(const struct rpc_server *srv);
/* Monotonic seconds since rpc_server_new. */
double rpc_server_uptime(const struct rpc_server *srv);

/* ---- sessions (one per connection) -------------------------------------- */

struct rpc_peer_ops {
	/* Queues one line (no newline) for the client. 0, or a negative
	 * errno when the line was dropped (client gone or over its cap). */
	int (*send)(void *peer, const char *line, size_t len);
	/* A deferred request was answered: the transport may feed the next
	 * line. Never called from inside rpc_session_feed(). */
	void (*resume)(void *peer);
	/* Asks the transport to close the connection once its queued output
	 * is written (e.g. after a wrong token). */
	void (*close)(void *peer);
};

/* ops is borrowed for the session's life. NULL on ENOMEM. */
struct rpc_session *rpc_session_new(struct rpc_server *srv,
				    const struct rpc_peer_ops *ops, void *peer);

/* Cancels a pending deferred request and every subscription (running
 * their cancel callbacks), then frees the session. */
void rpc_session_free(struct rpc_session *s);

/* Handles one request line (without its newline; a trailing CR is
 * ignored). Returns 0 when the reply is queued, RPC_DEFERRED when a handler
 * will answer later: feed nothing more until ops->resume. */
int rpc_session_feed(struct rpc_session *s, const char *line, size_t len);

/* true while a deferred request of s awaits its answer. */
bool rpc_session_busy(const struct rpc_session *s);

/* Checks token against the server's in constant time: 0 and the session
 * is authorized (also when no token is set), or -EACCES. */
int rpc_session_auth(struct rpc_session *s, const char *token);

/* Closes the session's connection once queued output is written. */
void rpc_session_close(struct rpc_session *s);

/* Sends a notification {"jsonrpc":"2.0","method":...,"params":...} on s;
 * params (may be NULL) is consumed. 0 or a negative errno. */
int rpc_session_notify(struct rpc_session *s, const char *method,
		       struct json_object *params);

/* Answers a pending deferred request with RPC_ERR_SHUTDOWN (daemon
 * stopping); cancel callbacks run as for a disconnect. */
void rpc_session_shutdown(struct rpc_session *s);

/* Formats and sends an error line with "id": null (transport-level
 * errors: line too long, too many clients). Also usable without a session:
 * rpc_error_line() writes the line into buf (NUL-terminated). */
int rpc_session_send_error(struct rpc_session *s, int code,
			   const char *message);
int rpc_error_line(int code, const char *message, char *buf, size_t n);

/* ---- request handles (for handlers) ----------------------------------- */

struct rpc_session *rpc_req_session(const struct rpc_req *req);
struct rpc_server *rpc_req_server(const struct rpc_req *req);
const struct rpc_host *rpc_req_host(const struct rpc_req *req);
const char *rpc_req_method(const struct rpc_req *req);

/* Records the subject path of an errno failure (data.path) and returns
 * err (a negative errno) so a handler can 'return rpc_fail(req, -e, p)'. */
int rpc_fail(struct rpc_req *req, int err, const char *path);

/* Like rpc_fail, with extra members for data (consumed; errno and path are
 * added to it). */
int rpc_fail_detail(struct rpc_req *req, int err, const char *path,
		    struct json_object *data);

/* Records an invalid-params error naming param; returns -EINVAL. */
int rpc_bad_param(struct rpc_req *req, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records an error with an explicit code (rpc_codes.h) and message; data
 * (may be NULL) is consumed. Returns -EPROTO. */
int rpc_fail_code(struct rpc_req *req, int code, struct json_object *data,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Marks req as answered later; returns RPC_DEFERRED for the handler to
 * return. cancel (may be NULL, see the top of this file) runs if the
 * session closes first. */
int rpc_defer(struct rpc_req *req, void (*cancel)(void *arg), void *arg);

/* Completes a deferred request: result (consumed) or a negative errno with
 * the details recorded by rpc_fail* on req. Frees req. */
void rpc_req_done(struct rpc_req *req, struct json_object *result);
void rpc_req_fail(struct rpc_req *req, int err);

/* ---- subscriptions ---------------------------------------------------- */

/* Creates a subscription on req's session; its id (>= 1, unique per
 * session) goes into the handler's result. NULL on ENOMEM. */
struct rpc_sub *rpc_sub_new(struct rpc_req *req, void (*cancel)(void *arg),
			    void *arg);
uint64_t rpc_sub_id(const struct rpc_sub *sub);
/* The session's subscription with this id, or NULL (unsubscribe). */
struct rpc_sub *rpc_sub_find(struct rpc_session *s, uint64_t id);
/* Sends {"method": method, "params": params} (params consumed; the
 * subscription id is added to it as "subscription"). 0 or a negative
 * errno (-EPIPE: the client's output is over its cap and it is being
 * dropped). */
int rpc_sub_notify(struct rpc_sub *sub, const char *method,
		   struct json_object *params);
/* Ends the subscription from the owner's side (cancel is not called). */
void rpc_sub_free(struct rpc_sub *sub);

/* ---- helpers shared by handlers and the transport ---------------------- */

/* Strict UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 * Returns the offset of the first bad byte, or len when all is valid. */
size_t rpc_utf8_check(const char *s, size_t len);

/* Param getters for params already type-checked by the table. */
const char *rpc_param_str(struct json_object *params, const char *name,
			  const char *dflt);
int64_t rpc_param_int(struct json_object *params, const char *name,
		      int64_t dflt);
bool rpc_param_bool(struct json_object *params, const char *name, bool dflt);

#endif
