/* hook_int.h - the hook's private state, shared by hook*.c only.
 * Owns struct hook (one per daemon, fsd->hook), struct hook_req (one per
 * request the rules or the access log care about), the watch map and the
 * interned per-path log configs. */
#ifndef ESXMOCK_FSD_HOOK_INT_H
#define ESXMOCK_FSD_HOOK_INT_H

#include "icpt_hash.h" /* first: before tree.h includes <uthash.h> */

#include <time.h>

#include "alog.h"
#include "caller.h"
#include "hook.h"
#include "icpt.h"

/* A per-path log config (manifest "log" section), interned by its text. */
struct hook_logcfg {
	char *text; /* the section's compact JSON: the intern key */
	int level;  /* 0 off, 1 metadata, 2 metadata+data */
	uint32_t ops;
	size_t data_bytes;
	UT_hash_handle hh;
};

/* Why a node is watched (bits of struct hook_watch.why). */
enum hook_why {
	HOOK_W_RULE = 1u << 0,   /* a rule matches its path */
	HOOK_W_DIR = 1u << 1,    /* a rule may match a name inside it */
	HOOK_W_PARENT = 1u << 2, /* a child is watched (lookups of it) */
	HOOK_W_LOG = 1u << 3,    /* a log config applies */
};

/* One watched node. */
struct hook_watch {
	uint64_t ino;
	uint32_t why; /* enum hook_why */
	uint32_t ops; /* ops of the rules matching the node's path */
	const struct hook_logcfg *log; /* manifest log config, or NULL */
	const struct tree_node *node;  /* the node it was made for */
	bool mark;                     /* scratch of hook_watch_all */
	UT_hash_handle hh;
};

/* A reply kept by a delay or hang (or just described, on its way out). */
enum hook_reply_kind {
	HOOK_R_ERR = 0,
	HOOK_R_ENTRY,
	HOOK_R_ATTR,
	HOOK_R_READLINK,
	HOOK_R_STATFS,
	HOOK_R_XATTR,
	HOOK_R_WRITE,
	HOOK_R_BUF,
	HOOK_R_DATA,
	HOOK_R_OPEN,
	HOOK_R_CREATE,
};

struct hook_reply {
	enum hook_reply_kind kind;
	int err;      /* ERR: negative errno or 0 */
	bool counted; /* ERR: counted as an error */
	struct fuse_entry_param e;
	struct stat st;
	double timeout;
	struct statvfs sv;
	size_t count;
	const char *buf; /* BUF (owned when held), READLINK */
	size_t size;
	struct fuse_bufvec *bv; /* DATA (never held: read into buf) */
	struct fuse_file_info fi;
	const struct tree_node *n; /* OPEN: the node opened */
	char *owned;               /* the copy a held reply owns */
};

struct hook_req {
	struct hook *h;
	fuse_req_t req;
	enum icpt_op op;
	struct timespec mono, wall; /* arrival */
	char *path, *path2;
	struct fsd_caller caller;
	bool has_flags, has_range;
	int flags;
	uint64_t off, len;
	uint64_t ino; /* the node (0: unknown) */
	struct icpt_verdict v;
	char rules[256]; /* ids of the rules that fired, comma-separated */
	/* access log */
	bool log;
	int log_level;
	size_t data_bytes;
	char *data; /* data level: the first bytes read or written */
	size_t data_len;
	int64_t bytes;
	/* holding */
	bool held;      /* the reply is kept in reply */
	bool hang_wait; /* a hang is not released yet */
	bool interrupted;
	int release_err; /* from rules.release or the hang timeout */
	uint64_t hold_handle;
	struct timespec delay_until;
	struct event *timer;
	struct hook_reply reply;
	struct hook_req *prev, *next; /* h->held list */
};

struct hook {
	struct fsd *fsd;
	struct hook_config cfg;
	struct icpt *icpt;
	struct alog *alog;
	struct caller_cache *callers;
	struct hook_req *cur;     /* the request between its hook and reply */
	bool active;              /* anything to do at all (fast path) */
	struct hook_watch *watch; /* uthash on ino */
	struct hook_logcfg *logcfgs; /* uthash on text */
	size_t n_logcfgs;
	bool ns_always; /* namespace ops always evaluated (regex/any rules) */
	struct hook_logcfg all_cfg; /* --access-log-all */
	struct hook_req *held_first;
	size_t n_held;
	uint64_t skipped_holds; /* hangs/delays over ICPT_HELD_MAX */
	uint64_t events, invals;
};

/* hook.c */
void hook_update_active(struct hook *h);

/* hook_watch.c: loads the manifest's log and intercept sections (err names
 * the entry), computes which nodes are watched after a rule change and
 * invalidates what the kernel cached of newly watched nodes. */
int hook_load_manifest(struct hook *h, char *err, size_t errlen);
void hook_watch_all(struct hook *h);
struct hook_watch *hook_watch_of(const struct hook *h,
				 const struct tree_node *n);
void hook_watch_free(struct hook *h);
/* A node created or moved at run time (path is its new path). */
void hook_watch_node(struct hook *h, struct tree_node *n, const char *path);
int hook_logcfg_parse(struct hook *h, const char *text,
		      const struct hook_logcfg **out, char *err, size_t errlen);
void hook_logcfgs_free(struct hook *h);

/* hook_inval.c: queues the kernel invalidation of a node that became
 * watched; the barrier behind icpt_barrier (rules.add answers once the
 * kernel forgot). */
void hook_inval_node(struct hook *h, const struct tree_node *n);
bool hook_inval_barrier(void *arg, void (*done)(void *arg), void *done_arg);

/* hook_reply.c: the request's end (log event, free). */
void hook_req_free(struct hook_req *hr);
void hook_held_free_all(struct hook *h);

#endif
