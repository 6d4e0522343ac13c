/* icpt.h - the rule engine: a rule is match + trigger + actions, compiled
 * once when added (globs split, regexes compiled, content decoded) and
 * evaluated against each op with per-rule state (counters, seeded PRNG).
 * Owns struct icpt, every struct icpt_rule, the list of requests held by
 * hang actions and the rules.wait waiters. No FUSE types here: the FUSE
 * side is hook.c, the control side rpc_rules.c. The rule format is in
 * docs/rules.md.
 *
 * Single-threaded (the daemon's loop). Rule pointers handed out by
 * icpt_eval() are valid until the next call that removes rules.
 */
#ifndef ESXMOCK_FSD_ICPT_H
#define ESXMOCK_FSD_ICPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "limits_rules.h"

struct json_object;
struct event_base;
struct caller_cache;
struct icpt;
struct icpt_rule;

/* Operations as rules and the access log name them. */
enum icpt_op {
	ICPT_OP_LOOKUP = 0,
	ICPT_OP_GETATTR,
	ICPT_OP_READLINK,
	ICPT_OP_ACCESS,
	ICPT_OP_STATFS,
	ICPT_OP_OPEN,
	ICPT_OP_EXEC, /* an open carrying the exec flag (also an "open") */
	ICPT_OP_READ,
	ICPT_OP_WRITE,
	ICPT_OP_FLUSH,
	ICPT_OP_RELEASE,
	ICPT_OP_FSYNC,
	ICPT_OP_CREATE,
	ICPT_OP_MKNOD,
	ICPT_OP_MKDIR,
	ICPT_OP_SYMLINK,
	ICPT_OP_LINK,
	ICPT_OP_UNLINK,
	ICPT_OP_RMDIR,
	ICPT_OP_RENAME,
	ICPT_OP_READDIR,
	ICPT_OP_TRUNCATE,
	ICPT_OP_CHMOD,
	ICPT_OP_CHOWN,
	ICPT_OP_UTIMENS,
	ICPT_OP_SETXATTR,
	ICPT_OP_GETXATTR,
	ICPT_OP_LISTXATTR,
	ICPT_OP_REMOVEXATTR,
	ICPT_OP_FALLOCATE,
	ICPT_OP_INVOKE, /* access log only: an invocation the exec broker
			  handled (rules cannot match it) */
	ICPT_OP_COUNT
};

#define ICPT_OPS_ALL ((1u << ICPT_OP_COUNT) - 1)
#define ICPT_BIT(op) (1u << (op))
/* Ops whose answers the kernel caches (entry and attribute timeouts). */
#define ICPT_OPS_META                                                          \
	(ICPT_BIT(ICPT_OP_LOOKUP) | ICPT_BIT(ICPT_OP_GETATTR) |                \
	 ICPT_BIT(ICPT_OP_READLINK) | ICPT_BIT(ICPT_OP_ACCESS))
/* Ops that page caching would hide (direct_io on open). */
#define ICPT_OPS_DATA (ICPT_BIT(ICPT_OP_READ) | ICPT_BIT(ICPT_OP_WRITE))
/* Ops on a name inside a directory (the node is the parent). */
#define ICPT_OPS_NAMESPACE                                                     \
	(ICPT_BIT(ICPT_OP_LOOKUP) | ICPT_BIT(ICPT_OP_CREATE) |                 \
	 ICPT_BIT(ICPT_OP_MKNOD) | ICPT_BIT(ICPT_OP_MKDIR) |                   \
	 ICPT_BIT(ICPT_OP_SYMLINK) | ICPT_BIT(ICPT_OP_LINK) |                  \
	 ICPT_BIT(ICPT_OP_UNLINK) | ICPT_BIT(ICPT_OP_RMDIR) |                  \
	 ICPT_BIT(ICPT_OP_RENAME))

/* "lookup", "getattr", ... indexed by enum icpt_op. */
extern const char *const icpt_op_names[ICPT_OP_COUNT];
/* An op name or a group ("all", "meta", "data", "namespace", "setattr",
 * "xattr", "dir") -> its bits: 0, or -EINVAL for an unknown name. */
int icpt_ops_parse(const char *name, uint32_t *bits);
/* "EIO" or "5" -> 5; 0 or -EINVAL. */
int icpt_errno_parse(const char *name, int *err);
/* The errno's name ("EIO"), or "E<n>" in buf. */
const char *icpt_errno_name(int err, char *buf, size_t n);

/* The caller of an op. name and exe are looked up (and cached) only when a
 * rule asks, through cache; NULL cache: such conditions never hold. */
struct icpt_caller {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	struct caller_cache *cache;
};

/* One op as the engine sees it. */
struct icpt_call {
	enum icpt_op op; /* the op it is logged as */
	uint32_t ops;    /* every op it counts as (an exec is also an open) */
	const char *path;
	const char *path2; /* rename: the destination, else NULL */
	int flags;         /* open flags (O_*, 0x20 for exec) */
	bool has_flags;    /* open, create, and reads/writes on a handle */
	uint64_t off, len;
	const struct icpt_caller *caller;
};

/* What the rules that fired decide for one op. */
struct icpt_verdict {
	int err;           /* negative errno to fail the op with, or 0 */
	uint64_t delay_ms; /* hold the answer this long (delays add up) */
	bool hang;         /* hold the answer until released */
	uint64_t hang_timeout_ms;
	int hang_timeout_err; /* answer on timeout: 0 = as planned */
	bool rewrites_read;   /* content, short_read or corrupt fired */
	bool filters_write;   /* discard, capture or fail_after fired */
	bool log;             /* a log action fired */
	int log_level;        /* 1 metadata, 2 data */
	size_t log_data_bytes;
	size_t n_fired;
	struct icpt_rule *fired[ICPT_FIRED_MAX]; /* in evaluation order */
};

/* ---- the rule set ------------------------------------------------------ */

/* base: for rules.wait timeouts (may be NULL: waits never time out).
 * NULL on ENOMEM. */
struct icpt *icpt_new(struct event_base *base);
/* Frees every rule; waiters are answered -ESHUTDOWN, held requests are
 * released with -EIO first. */
void icpt_free(struct icpt *ic);

/* Where a rule came from (listed by rules.list, used by rules.clear). */
enum icpt_origin {
	ICPT_FROM_API = 0,
	ICPT_FROM_MANIFEST,
};

/* Compiles a rule from its JSON object (see docs/rules.md). fixed_path:
 * the manifest entry's path, for rules of an "intercept" section (match
 * must then give no path or regex), else NULL. On error: -EINVAL (or
 * -ENOMEM) with a message naming the member ("match.ops[1]: unknown op
 * 'reed'") in err. */
int icpt_rule_compile(struct json_object *obj, const char *fixed_path,
		      struct icpt_rule **out, char *err, size_t errlen);
void icpt_rule_free(struct icpt_rule *r);

/* Adds r (taken over, also on error) last in evaluation order; gives it
 * an id ("r<n>") when it has none. -EEXIST (id taken), -ENOSPC (too many
 * rules). */
int icpt_add(struct icpt *ic, struct icpt_rule *r, enum icpt_origin origin);
/* Removes one rule by id: 0 or -ENOENT. Its waiters get -ENOENT; its held
 * requests are released as planned. */
int icpt_remove(struct icpt *ic, const char *id);
/* Removes the rules of the API (all: also the manifest's). Returns how
 * many went. */
size_t icpt_clear(struct icpt *ic, bool all);

size_t icpt_count(const struct icpt *ic);
struct icpt_rule *icpt_find(const struct icpt *ic, const char *id);
/* Rules in evaluation order; stop when fn returns non-zero. */
int icpt_each(const struct icpt *ic,
	      int (*fn)(void *arg, const struct icpt_rule *r), void *arg);

const char *icpt_rule_id(const struct icpt_rule *r);
uint64_t icpt_rule_hits(const struct icpt_rule *r);
/* The rule as listed: its JSON (id, label, match, trigger, action as
 * given) plus origin, calls, hits, held and capture counters. NULL on
 * ENOMEM. */
struct json_object *icpt_rule_json(const struct icpt_rule *r);
/* The bytes captured by r's capture actions, and their segments
 * [{path, offset, length}] (JSON, NULL on ENOMEM). */
struct json_object *icpt_rule_capture_json(const struct icpt_rule *r,
					   bool with_data);

/* Which kernel caches a rule must bypass, for a node at path: bits of
 * ICPT_OPS_* the rule may act on there (0: the rule never matches the
 * path), and whether it may match a path directly inside the directory
 * dir_path (namespace ops on names that do not exist yet). */
uint32_t icpt_rule_watch(const struct icpt_rule *r, const char *path);
bool icpt_rule_watch_dir(const struct icpt_rule *r, const char *dir_path);
/* Path-independent rules (no path, no regex) watch every node. */
bool icpt_rule_any_path(const struct icpt_rule *r);
bool icpt_rule_is_regex(const struct icpt_rule *r);
bool icpt_rule_hangs(const struct icpt_rule *r);
uint32_t icpt_rule_ops(const struct icpt_rule *r);
/* The path of an exact-path rule, else NULL. */
const char *icpt_rule_exact_path(const struct icpt_rule *r);
/* What every rule watches at path (exact rules through the index):
 * icpt_rule_watch ORed over the rules; *dir also for the directories
 * (is_dir) whose names a non-exact rule may match. */
uint32_t icpt_watch_path(const struct icpt *ic, const char *path, bool is_dir,
			 bool *dir);

/* Called after every add, remove or clear (hook.c recomputes the watched
 * nodes): r is the rule added, or NULL after removals. */
void icpt_on_change(struct icpt *ic,
		    void (*fn)(void *arg, const struct icpt_rule *added),
		    void *arg);

/* A rule change reaches the kernel's caches asynchronously (hook.c queues
 * invalidations): icpt_barrier() calls done(arg) once everything queued
 * so far is delivered and returns true, or returns false when nothing is
 * pending (done is not called). fn is the hook's; NULL: always false. */
void icpt_set_barrier(struct icpt *ic,
		      bool (*fn)(void *fn_arg, void (*done)(void *arg),
				 void *arg),
		      void *fn_arg);
bool icpt_barrier(struct icpt *ic, void (*done)(void *arg), void *arg);

/* ---- evaluation -------------------------------------------------------- */

/* Monotonic milliseconds (the clock of trigger windows). */
uint64_t icpt_now_ms(void);

/* true when no rule exists (the hook's fast path). */
bool icpt_empty(const struct icpt *ic);
/* Runs every rule against c, in order (docs/rules.md "Evaluation"),
 * advancing counters and PRNGs of the rules whose match holds, and fills
 * v. now_ms: monotonic milliseconds. */
void icpt_eval(struct icpt *ic, const struct icpt_call *c, uint64_t now_ms,
	       struct icpt_verdict *v);

/* Read transforms of the rules in v (call only when v->rewrites_read):
 * what a read of size bytes at off returns, given the stored bytes
 * [off, off + stored_len) of a file of file_size bytes. *out is
 * malloc'ed (caller frees). 0 or -ENOMEM. */
int icpt_read_build(const struct icpt_verdict *v, uint64_t file_size,
		    const char *stored, size_t stored_len, uint64_t off,
		    size_t size, char **out, size_t *out_len);

/* Write actions of the rules in v on a write of *len bytes at off of
 * path: captures, then fail_after (may cut *len, or fail), then discard.
 * Returns a negative errno, 0 (store *len bytes) or ICPT_WRITE_DISCARD. */
#define ICPT_WRITE_DISCARD 2
int icpt_write_filter(const struct icpt_verdict *v, const char *path,
		      const char *buf, size_t *len, uint64_t off);

/* ---- held requests and waiters ----------------------------------------- */

/* A request held by a hang action of rule r: release(arg, err) is called
 * once by icpt_release (err: 0 = answer as planned, or a negative errno to
 * answer instead) unless icpt_hold_end() ends the hold first. Returns a
 * handle (>= 1), or 0 when too many requests are held (the hang is then
 * skipped). */
uint64_t icpt_hold(struct icpt *ic, struct icpt_rule *r,
		   void (*release)(void *arg, int err), void *arg);
void icpt_hold_end(struct icpt *ic, uint64_t handle);
/* Releases up to max (0: all) held requests of rule id (NULL: of every
 * rule), oldest first, with err. Returns how many; -ENOENT when id names
 * no rule. */
int icpt_release(struct icpt *ic, const char *id, int err, size_t max);
size_t icpt_held(const struct icpt *ic);

/* rules.wait: calls done(arg, 0) once rule id has fired at least hits
 * times, done(arg, -ETIMEDOUT) after timeout_ms (0: no timeout),
 * done(arg, -ENOENT) if the rule goes away, -ESHUTDOWN at icpt_free.
 * Returns 1 when already reached (done is not called), 0 when waiting
 * (*handle set for icpt_wait_cancel), -ENOENT (no such rule), -EAGAIN
 * (too many waiters), -ENOMEM. done may be called from inside icpt_eval
 * (on the loop thread). */
int icpt_wait(struct icpt *ic, const char *id, uint64_t hits,
	      uint64_t timeout_ms, void (*done)(void *arg, int err), void *arg,
	      uint64_t *handle);
void icpt_wait_cancel(struct icpt *ic, uint64_t handle);

#endif
