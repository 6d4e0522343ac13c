/* state.h - the writable layer's persistence: the state directory (journal
 * of changed nodes, data files), reset, snapshots, restore and diff.
 * Owns struct state and every struct state_node. Layout and crash-safety
 * argument: docs/state-dir.md.
 *
 * The in-memory tree stays authoritative for serving. A node changed at
 * run time gets a struct state_node (tree_node.st) and sits in the dirty
 * list: manifest nodes keep a copy of their manifest state (for reset),
 * nodes made at run time get a journal id. Every change is one journal
 * line (state_log_*), written before the FUSE reply; file bytes live in
 * data files written in place (pwrite), so a write costs no journal line.
 * Reset, snapshot, restore and diff visit the dirty list only: their cost
 * follows what changed, never the size of the tree.
 */
#ifndef ESXMOCK_FSD_STATE_H
#define ESXMOCK_FSD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "log.h"
#include "tree.h"

struct inval;
struct state;

struct state_xattr {
	char *name;
	char *value;
	size_t len;
};

/* A manifest node as the manifest built it (what reset puts back). */
struct state_undo {
	uint64_t parent;
	char *name;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	struct timespec atime, mtime, ctime;
};

struct state_node {
	struct state_node *prev, *next; /* dirty or detached list */
	struct tree_node *n;
	uint64_t id; /* made at run time: its journal id (#id); else 0 */
	char *ppath; /* manifest nodes: their manifest path (the REF) */
	struct state_undo undo; /* manifest nodes */
	uint64_t data;     /* data file id (data/ID), 0: manifest content */
	bool data_shared;  /* data file also in a snapshot: copy first */
	bool detached;     /* out of the state (unlinked, or dropped by a
			      reset); kept while the kernel refers to it */
	bool data_unowned; /* dropped by a reset/restore: the data file is
			      no longer this record's to delete */
	struct state_xattr *xattrs;
	size_t n_xattrs, xattr_bytes;
};

static inline uint64_t state_data_of(const struct tree_node *n)
{
	return n->st ? n->st->data : 0;
}

struct state_config {
	const char *dir; /* --state DIR, or NULL: a private temp dir */
	bool keep;       /* --keep-state: keep the temp dir at exit */
};

/* Counters for stats and tests. nodes_visited counts the nodes reset,
 * restore and snapshot touched: it follows the changes, not the tree. */
struct state_stats {
	uint64_t dirty;         /* nodes in the dirty list now */
	uint64_t journal_lines; /* lines in the journal file now */
	uint64_t journal_writes, compactions;
	uint64_t copyups, copyup_bytes;
	uint64_t resets, snapshots, restores;
	uint64_t nodes_visited;      /* total, by reset/snapshot/restore */
	uint64_t last_nodes_visited; /* by the last of them */
};

/* Opens (creating it when needed) the state directory, locks it, replays
 * its journal onto t (which must be the manifest's pristine tree), removes
 * what a crash left behind (orphan data files, temp files). Errors name the
 * directory or the journal line in err. */
int state_open(const struct state_config *cfg, struct tree *t,
	       const struct fsd_log *lg, struct state **out, char *err,
	       size_t errlen);
/* Closes everything; a private temp dir is removed unless kept. Frees
 * every state_node (clearing tree_node.st). NULL is fine. */
void state_close(struct state *s);
/* Where invalidations for changes behind the kernel's back go (set once
 * mounted); NULL before. */
void state_set_inval(struct state *s, struct inval *q);
struct inval *state_inval(const struct state *s);
const char *state_dir(const struct state *s);
struct tree *state_tree(const struct state *s);
void state_get_stats(const struct state *s, struct state_stats *out);
/* Free space and inodes of the state dir's file system, in blocks of
 * bsize (statfs of the mount). */
void state_space(const struct state *s, unsigned long bsize,
		 unsigned long *bfree, unsigned long *ffree);
/* true once a journal write failed: every later change fails with EIO. */
bool state_broken(const struct state *s);

/* ---- recording changes (mutate.c) -------------------------------------- */

/* The time stamp a change sets (CLOCK_REALTIME). */
void state_now(struct timespec *ts);
/* Writes all of buf to fd (retries EINTR and short writes): 0, -errno, or
 * -EIO when nothing more is written. */
int state_write_all(int fd, const char *buf, size_t len);

/* Call before changing anything of n: a manifest node gets its record and
 * its manifest state is saved; a run-time node must have been adopted.
 * 0 or -ENOMEM. */
int state_touch(struct state *s, struct tree_node *n);
/* Gives a node made by tree_node_create its record and journal id. */
int state_adopt(struct state *s, struct tree_node *n);
/* Adds n's current state to the operation's journal line: "set", or
 * "del" when n is unlinked. A run-time node that is unlinked leaves the
 * dirty list (its record stays, detached, while the kernel refers to it). */
void state_log(struct state *s, struct tree_node *n);
/* Writes the operation's line (one write(2)). 0, or -EIO when it could
 * not be written (the state is then broken: see state_broken). A line with
 * no records writes nothing. */
int state_log_commit(struct state *s);

/* Makes n's bytes a data file of its own, ready for writing: copies the
 * manifest content up (keep) or starts empty (!keep), or copies a data
 * file shared with a snapshot; journaled. No-op when already private.
 * 0, -ENOSPC, -EIO, -ENOMEM. */
int state_data_private(struct state *s, struct tree_node *n, bool keep);
/* Opens data file id read-write: an fd or a negative errno. */
int state_data_open(struct state *s, uint64_t id);
/* fsync(2) for the caller: the data file (fd >= 0), then the journal and
 * the data directory. 0 or a negative errno. */
int state_sync(struct state *s, int fd);

/* Extended attributes of n (run-time only: the manifest has none). */
const struct state_xattr *state_xattr_get(const struct tree_node *n,
					  const char *name);
/* flags: XATTR_CREATE / XATTR_REPLACE. Journals. 0, -EEXIST, -ENODATA,
 * -ENOSPC (too much on one node), -ERANGE, -ENOMEM, -EIO. */
int state_xattr_set(struct state *s, struct tree_node *n, const char *name,
		    const char *value, size_t len, int flags);
int state_xattr_remove(struct state *s, struct tree_node *n, const char *name);

/* ---- reset, snapshots, diff (state_snap.c, state_diff.c) --------------- */

/* Back to the manifest's tree. Kernel caches of what changed are
 * invalidated through the inval queue. 0, -EIO. */
int state_reset(struct state *s);
/* Saves the current changes as snapshot name (replacing none: -EEXIST).
 * -EINVAL: bad name. */
int state_snapshot(struct state *s, const char *name);
/* Replaces the current changes with snapshot name's. -ENOENT. */
int state_restore(struct state *s, const char *name);
int state_forget(struct state *s, const char *name);

struct state_snap_info {
	const char *name;
	size_t nodes;   /* changed nodes it holds */
	time_t created; /* seconds since the epoch */
	uint64_t bytes; /* bytes of its data files */
};
/* Calls fn for each snapshot in name order; stops at a non-zero return. */
int state_snapshots(struct state *s,
		    int (*fn)(void *arg, const struct state_snap_info *si),
		    void *arg);

/* One difference between the tree and the manifest. */
enum state_diff_kind {
	STATE_DIFF_ADDED,    /* not in the manifest */
	STATE_DIFF_DELETED,  /* in the manifest, gone */
	STATE_DIFF_RENAMED,  /* a manifest node now at another path */
	STATE_DIFF_MODIFIED, /* contents or metadata changed in place */
};
/* What changed: content, mode, owner, times, xattrs (bit set). */
enum state_diff_what {
	STATE_DW_CONTENT = 1u << 0,
	STATE_DW_MODE = 1u << 1,
	STATE_DW_OWNER = 1u << 2,
	STATE_DW_TIMES = 1u << 3,
	STATE_DW_XATTR = 1u << 4,
};
struct state_diff_entry {
	enum state_diff_kind kind;
	unsigned what;         /* enum state_diff_what, for MODIFIED/RENAMED */
	const char *path;      /* now (ADDED, RENAMED, MODIFIED); manifest path
				  for DELETED */
	const char *old_path;  /* RENAMED: the manifest path */
	mode_t mode, old_mode; /* type and permission bits */
	uid_t uid, old_uid;
	gid_t gid, old_gid;
	uint64_t size, old_size;
	uint64_t data; /* data file id, 0: none */
};
/* Calls fn for every change, in path order. 0, -ENOMEM, or fn's return. */
int state_diff(struct state *s,
	       int (*fn)(void *arg, const struct state_diff_entry *e),
	       void *arg);

#endif
