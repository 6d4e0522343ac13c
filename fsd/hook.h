/* hook.h - how FUSE handlers reach the rule engine and the access log.
 * Owns the pre-op hook, the write filter and the reply wrappers through
 * which every handler replies (so each op's result reaches the log).
 *
 * HOW A HANDLER USES IT (every data-path handler, three steps):
 *
 *   (a) Pre-op hook, first statement: fsd_hook() for the common case, or
 *       fsd_hook_ex() with a struct hook_args when the op has more to say
 *       (open flags, offset/length, rename's second path, setattr bits).
 *         rc == FSD_HOOK_TAKEN  the hook replied (or will): return now;
 *         rc <  0               fail the op with rc (through ops_reply_err);
 *         rc == 0               go on.
 *       The hook starts a per-request context when a rule matched or the
 *       access log wants the op; with no rules and logging off it only
 *       counts the op (no allocation, no path building).
 *
 *   (b) Write filter, write handler only, after (a) returned 0:
 *         size_t len = size;
 *         rc = hook_write_filter(fsd, req, buf, &len, off);
 *         rc <  0                 reply rc (e.g. -EIO, or -ENOSPC once a
 *                                 "fail after N bytes" rule is used up);
 *         rc == HOOK_WRITE_DISCARD  store nothing, ops_reply_write(size);
 *         rc == 0                 store the first len bytes (len may have
 *                                 been cut: ENOSPC mid-file stores what
 *                                 fits), then ops_reply_write(len).
 *       Captures (bytes kept for the test) happen inside the filter.
 *
 *   (c) Completion: reply ONLY through the ops_reply_* wrappers below
 *       (never fuse_reply_* directly). Each wrapper is the fuse_reply_*
 *       of the same name plus the completion call: the result (errno,
 *       bytes, duration) goes to the access log and the request context
 *       ends. When a rule delays or hangs the op, the wrapper keeps a copy
 *       of the reply and sends it later from an event callback (the op
 *       itself ran when it arrived; only its answer waits): the handler
 *       must not assume the reply was sent when the wrapper returns.
 *
 * Example, the write handler of the writable layer:
 *
 *	void fsd_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
 *			  size_t size, off_t off, struct fuse_file_info *fi)
 *	{
 *		struct fsd *fsd = ops_fsd(req);
 *		struct tree_node *n = tree_get(fsd->tree, ino);
 *		struct hook_args a = HOOK_ARGS(FSD_OP_WRITE, n, NULL);
 *		size_t len = size;
 *		int rc;
 *
 *		a.fi = fi;
 *		a.flags = fi->flags;
 *		a.off = off;
 *		a.len = size;
 *		rc = fsd_hook_ex(fsd, req, &a);
 *		if (rc == FSD_HOOK_TAKEN)
 *			return;
 *		if (!rc)
 *			rc = hook_write_filter(fsd, req, buf, &len, off);
 *		if (rc == HOOK_WRITE_DISCARD) {
 *			ops_reply_write(fsd, req, size);
 *			return;
 *		}
 *		if (!rc)
 *			rc = state_write(..., buf, len, off);  // stores len
 *		if (rc < 0)
 *			ops_reply_err(fsd, req, rc);
 *		else
 *			ops_reply_write(fsd, req, len);
 *	}
 *
 * Threading: everything runs on the one loop thread (see main.c); the
 * current request context is a member of struct hook, valid from the hook
 * to the reply of the same request. A handler that keeps req to answer
 * later itself (not through a rule) must call hook_detach() before
 * returning and hook_attach() before its late ops_reply_*.
 */
#ifndef ESXMOCK_FSD_HOOK_H
#define ESXMOCK_FSD_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/statvfs.h>

#include "fsd.h"

/* What the pre-op hook knows of an op. Zero what you don't have:
 * HOOK_ARGS(op, n, name) sets the three common members. */
struct hook_args {
	enum fsd_op op;
	/* The node concerned; for lookup and namespace ops (create, mknod,
	 * mkdir, symlink, link, unlink, rmdir, rename) the parent directory,
	 * with the child's name in name. May be NULL (unknown inode). */
	const struct tree_node *n;
	const char *name;
	/* rename: destination parent and name; link: n/name is the new
	 * name, n2 the existing node (name2 NULL). */
	const struct tree_node *n2;
	const char *name2;
	/* open, create: fi->flags; rename: its flags; setattr: to_set
	 * (FUSE_SET_ATTR_*). */
	int flags;
	/* read, write: offset and size; setattr with FUSE_SET_ATTR_SIZE and
	 * fallocate: off = the new size / offset, len = length. */
	uint64_t off;
	uint64_t len;
	struct fuse_file_info *fi; /* open, create, read, write...: or NULL */
};

#define HOOK_ARGS(op_, n_, name_)                                              \
	((struct hook_args){.op = (op_), .n = (n_), .name = (name_)})

/* Pre-op hook: see (a) above. fsd_hook() is fsd_hook_ex() with only op, n
 * and name. Both count the op in fsd->stats. */
int fsd_hook_ex(struct fsd *fsd, fuse_req_t req, const struct hook_args *a);

/* Write filter: see (b) above. */
#define HOOK_WRITE_DISCARD 2
int hook_write_filter(struct fsd *fsd, fuse_req_t req, const char *buf,
		      size_t *len, off_t off);

/* Read transforms (ops_file.c's read handler): true when a rule that fired
 * for this read rewrites its bytes (scripted content, short read, corrupt
 * bytes). Then hook_read_build() fills *out (malloc'ed, caller frees) with
 * what the caller must see for size bytes at off, given the stored bytes
 * of the node (stored/stored_len: the span content_span returned, already
 * read into memory), and its size (file_size). 0 or -ENOMEM. */
bool hook_read_rewrites(struct fsd *fsd, fuse_req_t req);
int hook_read_build(struct fsd *fsd, fuse_req_t req, uint64_t file_size,
		    const char *stored, size_t stored_len, off_t off,
		    size_t size, char **out, size_t *out_len);

/* A handler that answers req later by itself (not because of a rule):
 * hook_detach() before returning from the handler gives it the request's
 * context (NULL when there is none); hook_attach() before the late
 * ops_reply_* makes it current again. */
struct hook_req;
struct hook_req *hook_detach(struct fsd *fsd, fuse_req_t req);
void hook_attach(struct fsd *fsd, struct hook_req *hr);

/* The tree changed behind FUSE's back (files.put, state reset/restore,
 * manifest.load: nodes made, moved or freed outside a FUSE handler):
 * recomputes which nodes rules and log configs watch. FUSE creates and
 * renames need no call (their replies do it). Cheap without rules. */
void hook_tree_changed(struct fsd *fsd);

/* The engines behind the control channel's rules.* and log.* methods
 * (rpc_host.c puts them in struct rpc_host); NULL before hook_new. */
struct icpt;
struct alog;
struct icpt *hook_icpt(struct fsd *fsd);
struct alog *hook_alog(struct fsd *fsd);
/* The counters of "stats" (rules, held, log_events, log_dropped...): fills
 * up to max, returns how many. */
struct rpc_counter;
size_t hook_counters(struct fsd *fsd, struct rpc_counter *out, size_t max);

/* ---- reply wrappers (completion, (c) above) ------------------------------
 * Same arguments and meaning as the fuse_reply_* they wrap, plus fsd. */

/* err < 0: an error (counted in fsd->stats.errors); 0: success with no
 * data (unlink, rmdir, fsync, setxattr, release...). */
void ops_reply_err(struct fsd *fsd, fuse_req_t req, int err);
/* Replies -err without counting it as an error (an expected status such
 * as ENOSYS for opendir or ENODATA for getxattr). */
void ops_reply_status(struct fsd *fsd, fuse_req_t req, int err);
void ops_reply_entry(struct fsd *fsd, fuse_req_t req,
		     const struct fuse_entry_param *e);
void ops_reply_attr(struct fsd *fsd, fuse_req_t req, const struct stat *st,
		    double timeout);
void ops_reply_readlink(struct fsd *fsd, fuse_req_t req, const char *link);
void ops_reply_statfs(struct fsd *fsd, fuse_req_t req,
		      const struct statvfs *sv);
void ops_reply_xattr(struct fsd *fsd, fuse_req_t req, size_t count);
void ops_reply_write(struct fsd *fsd, fuse_req_t req, size_t count);
void ops_reply_buf(struct fsd *fsd, fuse_req_t req, const char *buf,
		   size_t size);
/* A held data reply is read into memory first (at most bv's size). */
void ops_reply_data(struct fsd *fsd, fuse_req_t req, struct fuse_bufvec *bv);
/* n: the node opened / created. When a rule or a log config watches its
 * reads or writes, the wrapper turns keep_cache off and direct_io on, so
 * every read(2)/write(2) reaches the daemon. Returns what fuse_reply_open
 * / fuse_reply_create return (-ENOENT: the caller was interrupted: free
 * the handle); when the reply is held, 0, and should the late reply fail
 * the hook calls ops_open_undo(fsd, fi) (ops_int.h) to free the handle. */
int ops_reply_open(struct fsd *fsd, fuse_req_t req, const struct tree_node *n,
		   struct fuse_file_info *fi);
int ops_reply_create(struct fsd *fsd, fuse_req_t req,
		     const struct fuse_entry_param *e,
		     struct fuse_file_info *fi);

/* ---- daemon wiring (main.c) ----------------------------------------------
 * Command-line options of the rules and the access log, taken out of argv
 * before main's getopt (like ctl_take_args): --access-log FILE,
 * --access-log-all[=metadata|data] (every operation the daemon receives;
 * the kernel keeps caching), --access-log-watch-all (also no caching: every
 * access of every path reaches the log), --access-log-ring N,
 * --access-log-data-bytes N, --access-log-exec / --no-access-log-exec,
 * --no-intercept (no rule engine and no access log at all: the baseline
 * bench/bench-rules.sh measures against). */
struct hook_config {
	const char *access_log; /* JSON-lines file, or NULL; borrowed */
	int log_all;            /* 0 off, 1 metadata, 2 metadata+data */
	bool watch_all;         /* and no kernel caching anywhere */
	bool log_exec;          /* every exec is logged (default: true) */
	size_t ring;            /* events kept in memory (0: the default) */
	size_t data_bytes;      /* data level: bytes kept (0: the default) */
	bool disabled;          /* --no-intercept: fsd->hook stays NULL */
};
void hook_config_init(struct hook_config *cfg);
/* Removes the options above from argv (*argc updated): 0, or -EINVAL with
 * a message in err. */
int hook_take_args(struct hook_config *cfg, int *argc, char **argv, char *err,
		   size_t errlen);
void hook_usage(FILE *f);

/* hook_new() after the event base exists and the tree is built: compiles
 * the manifest's log and intercept sections (errors name the manifest
 * entry, into err) and opens the access-log sinks. hook_free() after the
 * loop ends (held ops are answered EIO first). 0 or a negative errno. */
int hook_new(struct fsd *fsd, const struct hook_config *cfg, char *err,
	     size_t errlen);
void hook_free(struct fsd *fsd);
/* Answers every op a delay or hang still holds with EIO, before the daemon
 * unmounts; hook_free does it too, later. */
void hook_stop(struct fsd *fsd);

#endif
