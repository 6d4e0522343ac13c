/* fsd.h - struct fsd, the one context of esxfsd, and what ops share.
 * Owns the daemon's configuration, session, event loop handles, file and
 * directory handles, the op enum and the rule-engine hook point. */
#ifndef ESXMOCK_FSD_H
#define ESXMOCK_FSD_H

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctl.h"
#include "limits.h"
#include "log.h"
#include "manifest.h"
#include "tree.h"

struct event_base;
struct event;
struct state;
struct inval;
struct fsd_state_glue;
struct hook;
struct exec_broker;
struct exec_fh;

/* Every operation esxfsd serves, in the order of fsd_op_names[]. Used for
 * the per-op counters now, and by the rule engine and the access log. */
enum fsd_op {
	FSD_OP_INIT = 0,
	FSD_OP_LOOKUP,
	FSD_OP_FORGET,
	FSD_OP_GETATTR,
	FSD_OP_SETATTR,
	FSD_OP_READLINK,
	FSD_OP_MKNOD,
	FSD_OP_MKDIR,
	FSD_OP_UNLINK,
	FSD_OP_RMDIR,
	FSD_OP_SYMLINK,
	FSD_OP_RENAME,
	FSD_OP_LINK,
	FSD_OP_OPEN,
	FSD_OP_READ,
	FSD_OP_WRITE,
	FSD_OP_RELEASE,
	FSD_OP_FSYNC,
	FSD_OP_OPENDIR,
	FSD_OP_READDIR,
	FSD_OP_READDIRPLUS,
	FSD_OP_RELEASEDIR,
	FSD_OP_FSYNCDIR,
	FSD_OP_STATFS,
	FSD_OP_SETXATTR,
	FSD_OP_GETXATTR,
	FSD_OP_LISTXATTR,
	FSD_OP_REMOVEXATTR,
	FSD_OP_ACCESS,
	FSD_OP_CREATE,
	FSD_OP_FALLOCATE,
	FSD_OP_COPY_FILE_RANGE,
	FSD_OP_COUNT
};

/* "lookup", "getattr", ... indexed by enum fsd_op (defined in ops.c). */
extern const char *const fsd_op_names[FSD_OP_COUNT];

/* Command line, resolved: paths are absolute. Strings are owned. */
struct fsd_config {
	char *mountpoint;
	char *manifests[LIMIT_MANIFESTS]; /* -m, in order; none = embedded */
	size_t n_manifests;
	char *content_root; /* NULL when not given */
	char *shadow_root;
	char *pid_file;
	bool foreground;
	bool debug;
	struct fuse_args fuse_args; /* argv for fuse_session_new (-o ...) */
	/* The manifest stack the tree was built from (main.c load_tree):
	 * -m files (names borrowed from manifests[]; stack_paths[]: their
	 * absolute paths, owned, NULL if unknown) or the embedded buffers
	 * (names in stack_names[]). manifest.load (state_overlay.c) layers
	 * an overlay on it. */
	struct mf_source stack[LIMIT_MANIFESTS];
	char *stack_paths[LIMIT_MANIFESTS];
	char stack_names[LIMIT_MANIFESTS][64];
	size_t n_stack;
};

/* Per-op counters (the control channel's "stats"). */
struct fsd_stats {
	uint64_t ops[FSD_OP_COUNT];
	uint64_t errors;
};

/* The one context. Lives in main(); reaches FUSE handlers as userdata and
 * libevent callbacks as their arg. Single-threaded: no member is locked. */
struct fsd {
	struct fsd_config cfg;
	struct fsd_log log;
	struct tree *tree;
	struct fuse_session *se;
	struct fuse_buf fbuf; /* receive buffer, reused for every request */
	struct event_base *base;
	struct event *fuse_ev;
	struct event *sig_ev[3]; /* SIGINT, SIGTERM, SIGHUP */
	bool mounted;
	bool initialized; /* INIT answered: the mount is usable */
	bool no_opendir;  /* kernel skips OPENDIR/RELEASEDIR (ENOSYS reply) */
	bool ready_sent;  /* the starter process was told "ready" */
	int ready_fd;     /* write end of the daemonise pipe, or -1 */
	int exit_status;
	struct timespec start_time;
	struct fsd_stats stats;
	struct hook *hook;        /* rules and access log (hook.h), or NULL */
	struct exec_broker *exec; /* command interception (exec.h), or NULL */
	/* control channel (rpc_host.c): options, server, transport */
	struct ctl_config ctl_cfg;
	struct rpc_server *rpc;
	struct ctl *ctl;
	struct fsd_names *names; /* the manifest's user/group tables */
	/* writable layer (state_host.c): the state dir, the kernel cache
	 * invalidation queue, and their options and signal event */
	struct state *state;
	struct inval *inval;
	struct fsd_state_glue *stg;
};

/* An open regular file (fi->fh). */
struct fsd_fh {
	uint64_t ino;
	int fd;           /* content fd (host file or data file), or -1 */
	uint64_t fd_data; /* data file id fd is open on, 0: host content;
			     content_fd_sync() keeps fd on the node's bytes */
	int flags;
	bool exec;          /* opened for execution (FSD_OPEN_EXEC seen) */
	pid_t pid;          /* caller of the open */
	struct exec_fh *xh; /* the exec broker's data (exec.h), or NULL */
};

/* The kernel's FMODE_EXEC as esxfsd sees it in fi->flags of an open
 * caused by execve() (MACHINE-NOTES: 0x8020 for an exec, 0x8000 for cat). */
#define FSD_OPEN_EXEC 0x20

/* Who made a request (fuse_req_ctx). */
struct fsd_caller {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};
void fsd_caller_of(fuse_req_t req, struct fsd_caller *out);

/* The rule engine's place, called as the first statement of every
 * data-path op with the node concerned (the parent for lookup and
 * namespace ops, with name). Returns 0 to go on, a negative errno to fail
 * the op with, or FSD_HOOK_TAKEN when the hook replied to req itself (or
 * kept req to reply later from an event callback: a deferred reply).
 * Counts the op. See hook.h (fsd_hook_ex, the write filter, and the
 * ops_reply_* wrappers every handler replies through). */
#define FSD_HOOK_TAKEN 1
int fsd_hook(struct fsd *fsd, fuse_req_t req, enum fsd_op op,
	     const struct tree_node *n, const char *name);

/* The FUSE operations table (ops.c). */
const struct fuse_lowlevel_ops *fsd_ops(void);

/* Event loop (loop.c), on fsd->base: signal events (before mounting),
 * then the /dev/fuse read event (after mounting); fsd_loop_run dispatches
 * until unmount or a signal. 0 or a negative errno. */
int fsd_loop_signals(struct fsd *fsd);
int fsd_loop_watch_fuse(struct fsd *fsd);
int fsd_loop_run(struct fsd *fsd);
void fsd_loop_teardown(struct fsd *fsd);
/* Called once the mount is usable: writes the pid file, tells the starter
 * process (daemon mode) that the mount is ready. */
void fsd_ready(struct fsd *fsd);

#endif
