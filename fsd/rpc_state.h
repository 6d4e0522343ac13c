/* rpc_state.h - what the state.* methods and the writing files.* methods
 * (files.put, remove, mkdir, symlink, chmod) need from the daemon: a table
 * of operations with no tree or FUSE types (rpc_state.c and
 * rpc_files_write.c live in the FUSE-free esxctl library).
 * Owns nothing; fsd/state_host.c implements it over the writable layer. */
#ifndef ESXMOCK_FSD_RPC_STATE_H
#define ESXMOCK_FSD_RPC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One difference between the tree and the manifest (state.diff). */
struct rpc_state_change {
	const char *change;      /* "added", "deleted", "renamed", "modified" */
	const char *path;        /* now; the manifest path for "deleted" */
	const char *old_path;    /* "renamed": the manifest path, else NULL */
	const char *type;        /* "file", "dir", "symlink", ... */
	unsigned mode, old_mode; /* permission bits (07777) */
	uint32_t uid, gid, old_uid, old_gid;
	uint64_t size, old_size;
	bool content, mode_changed, owner, times, xattrs; /* what changed */
	uint64_t data; /* the data file id (state dir data/ID), 0: none */
};

struct rpc_state_snap {
	const char *name;
	uint64_t nodes;  /* changed nodes it holds */
	uint64_t bytes;  /* bytes of its data files */
	int64_t created; /* seconds since the epoch */
};

struct rpc_state_counts {
	const char *dir;        /* the state directory */
	uint64_t dirty;         /* changed nodes now */
	uint64_t last_visited;  /* nodes the last reset/restore/snapshot
				   touched (follows the changes, never the
				   tree's size) */
	uint64_t visited;       /* the same, in total */
	uint64_t journal_lines; /* lines in the journal now */
	uint64_t compactions, copyups, resets, snapshots, restores;
};

/* files.put: path gets len bytes; mode -1: 0644 for a new file, the old
 * mode otherwise; uid/gid -1: root for a new file, unchanged otherwise;
 * parents: make missing directories (0755). */
struct rpc_put {
	const char *path;
	const void *data;
	size_t len;
	int64_t mode, uid, gid;
	bool parents;
};

/* Every operation returns 0 or a negative errno; paths are absolute tree
 * paths, intermediate symlinks followed, the last component not. */
struct rpc_state_host {
	int (*put)(void *ctx, const struct rpc_put *p);
	/* recursive: a directory with everything below it */
	int (*remove)(void *ctx, const char *path, bool recursive);
	int (*mkdir)(void *ctx, const char *path, unsigned mode, bool parents);
	int (*symlink)(void *ctx, const char *path, const char *target,
		       bool parents);
	/* -1: leave that one alone */
	int (*chmod)(void *ctx, const char *path, int64_t mode, int64_t uid,
		     int64_t gid);
	int (*reset)(void *ctx);
	int (*snapshot)(void *ctx, const char *name);
	int (*restore)(void *ctx, const char *name);
	int (*forget)(void *ctx, const char *name);
	/* fn's non-zero return stops the walk and is returned */
	int (*snapshots)(void *ctx,
			 int (*fn)(void *arg, const struct rpc_state_snap *s),
			 void *arg);
	int (*diff)(void *ctx,
		    int (*fn)(void *arg, const struct rpc_state_change *c),
		    void *arg);
	void (*counts)(void *ctx, struct rpc_state_counts *out);
	/* true: done(arg) runs on the loop once the kernel has forgotten
	 * what the changes so far made stale (answer then); false: nothing
	 * pending, answer now. */
	bool (*barrier)(void *ctx, void (*done)(void *arg), void *arg);
};

/* For handlers of changing methods (rpc_state.c, rpc_files_write.c): the
 * result goes out once the kernel's caches are invalidated. Returns 0 with
 * *out = result (nothing pending), or RPC_DEFERRED (result answered
 * later; ownership taken). */
struct rpc_req;
struct json_object;
int rpc_state_answer(struct rpc_req *req, struct json_object *result,
		     struct json_object **out);
/* The host's state table, or NULL (then -ENOSYS). */
const struct rpc_state_host *rpc_state_of(struct rpc_req *req);

#endif
