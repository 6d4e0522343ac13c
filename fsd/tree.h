/* tree.h - the inode table of the mounted tree, built from an mf_manifest.
 * Owns struct tree and every struct tree_node; no FUSE types here.
 *
 * Nodes are addressed by inode number: tree->nodes[ino], FUSE_ROOT_ID (1) is
 * "/", slot 0 is unused. A directory's children are a uthash table keyed by
 * name (iteration = insertion order, i.e. manifest order). Pointers to nodes
 * are stable until the node is freed (tree_forget of an unlinked node);
 * the node table itself may be reallocated by tree_node_new.
 *
 * Hooks for later layers, all per node:
 * - entry_timeout / attr_timeout: the rule engine shortens them for watched
 *   paths (TREE_F_WATCHED) and invalidates the kernel cache on change;
 * - TREE_F_CONTENT_CHANGED / TREE_F_DIR_CHANGED: the copy-on-write layer
 *   sets them so opens stop using keep_cache / cache_readdir;
 * - log_cfg / intercept_cfg: the manifest's reserved sections (JSON text);
 * - TREE_F_UNLINKED + nlookup: an unlinked node stays until the kernel
 *   forgets it; tree_forget frees it then.
 *
 * Hard links: a second name of a node is a link entry, a run-time node
 * whose link_to is the node it names (never a directory). It sits in its
 * directory's children like any node, but tree_lookup answers the node it
 * names, and the kernel never sees its own inode number. The named node
 * lists its attached link entries (links / link_next, n_links: part of its
 * nlink) and is never freed while it has any (mutate.c moves it into a
 * link entry's place when its own name goes).
 */
#ifndef ESXMOCK_FSD_TREE_H
#define ESXMOCK_FSD_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <uthash.h>

#include "manifest.h"

#define TREE_ROOT_INO 1

enum tree_flag {
	TREE_F_WATCHED = 1u << 0,         /* a rule or log config applies */
	TREE_F_CONTENT_CHANGED = 1u << 1, /* no keep_cache on open */
	TREE_F_DIR_CHANGED = 1u << 2,     /* no cache_readdir on opendir */
	TREE_F_UNLINKED = 1u << 3,        /* detached from its parent */
	TREE_F_NEW = 1u << 4, /* made at run time (not by the manifest): freed
				 once unlinked and forgotten by the kernel;
				 manifest nodes are never freed (reset) */
};

struct state_node;

/* Where a regular file's bytes come from, resolved at build time. */
struct tree_content {
	enum mf_src kind; /* EMPTY, INLINE, FILE, SHADOW, SPARSE */
	char *data;       /* INLINE: owned bytes (len of them) */
	size_t len;
	char *host_path; /* FILE/SHADOW: absolute host path, owned */
};

struct tree_node {
	uint64_t ino;
	uint64_t generation;
	uint64_t parent; /* ino of the parent; the root is its own parent */
	char *name;      /* owned; "" for the root */
	mode_t mode;     /* S_IFMT type bits | permission bits (07777) */
	uid_t uid;
	gid_t gid;
	dev_t rdev;
	uint64_t size;
	/* The size stat reports at least (0: none): the exec broker's
	 * watched nodes and /.esxmock/real aliases (exec.h). */
	uint64_t stat_min_size;
	struct timespec atime, mtime, ctime;
	char *target; /* symlinks: owned target text */
	struct tree_content content;
	char *log_cfg;       /* manifest "log" section, compact JSON, or NULL */
	char *intercept_cfg; /* manifest "intercept" section, or NULL */
	const char *origin; /* manifest that defined it: owned by struct tree */

	uint32_t flags; /* enum tree_flag */
	double entry_timeout, attr_timeout;
	uint64_t nlookup; /* kernel references (lookup count) */

	struct tree_node *children; /* uthash head (directories only) */
	size_t n_children;
	uint64_t next_seq; /* directories: the last dir_seq given out */
	uint64_t dir_seq;  /* position in the parent's listing, from 1; a
			      child added later gets a higher one, so readdir
			      offsets built on it survive insertions and
			      removals (readdir cookies) */
	nlink_t nlink;
	struct tree_node *link_to; /* a link entry: the node it names */
	struct tree_node *links;   /* the link entries naming this node */
	struct tree_node *link_next;
	uint32_t n_links;  /* attached link entries (added to nlink) */
	UT_hash_handle hh; /* membership in the parent's children */
	/* The copy-on-write layer's record of a changed node (state.h), NULL
	 * while the node is as the manifest built it. */
	struct state_node *st;
};

struct tree {
	struct tree_node **nodes; /* index = ino; NULL = free slot */
	size_t n_slots;           /* used slots, including slot 0 */
	size_t cap;
	size_t n_live;        /* allocated nodes */
	uint64_t total_bytes; /* sum of regular file sizes (statfs) */
	double neg_timeout;   /* how long the kernel may cache "no entry" */
	char **origins;       /* copies of the manifests' file names */
	size_t n_origins;
	/* Called when a node with st != NULL is freed (the state layer frees
	 * its record); NULL: nothing to do. */
	void (*release_st)(void *arg, struct tree_node *n);
	void *release_arg;
};

/* Where host content lives, and the time given to entries without mtime. */
struct tree_opts {
	const char *content_root; /* absolute, or NULL: "file" content fails */
	const char *shadow_root; /* absolute, or NULL: "shadow" content fails */
	struct timespec default_time;
};

/* Builds the tree from m. Host content ("file", "shadow") is stat'ed now:
 * a missing or unreadable file is an error naming the manifest entry. On
 * error returns a negative errno, writes the message to err and *out is
 * NULL. m may be freed once this returns. */
int tree_build(const struct mf_manifest *m, const struct tree_opts *opts,
	       struct tree **out, char *err, size_t errlen);
void tree_free(struct tree *t);

/* The node of ino, or NULL for an unknown or freed inode. */
struct tree_node *tree_get(const struct tree *t, uint64_t ino);

/* Child 'name' of directory 'dir': 0, -ENOENT, -ENOTDIR, -ENAMETOOLONG.
 * A link entry answers the node it names; tree_lookup_entry answers the
 * entry itself (what unlink and rename move). */
int tree_lookup(const struct tree *t, const struct tree_node *dir,
		const char *name, struct tree_node **out);
int tree_lookup_entry(const struct tree *t, const struct tree_node *dir,
		      const char *name, struct tree_node **out);

/* The node a directory entry stands for: itself, or what a link entry
 * names. */
static inline struct tree_node *tree_entry_node(struct tree_node *c)
{
	return c->link_to ? c->link_to : c;
}

/* Absolute path "/a/b" -> node: 0, -ENOENT, -ENOTDIR, -ENAMETOOLONG,
 * -EINVAL (not absolute). Does not follow symlinks. */
int tree_resolve(const struct tree *t, const char *path,
		 struct tree_node **out);

/* Writes the absolute path of n into buf: 0 or -ENAMETOOLONG. */
int tree_path(const struct tree *t, const struct tree_node *n, char *buf,
	      size_t len);

/* Fills *st from n (st_ino, mode, nlink, ids, rdev, size, blocks, times). */
void tree_stat(const struct tree_node *n, struct stat *st);

/* Kernel reference counting: +count on every reply that hands out an
 * entry (lookup, readdirplus), -count on forget. */
void tree_ref(struct tree_node *n, uint64_t count);
void tree_forget(struct tree *t, uint64_t ino, uint64_t count);

/* Run-time changes (the writable layer, mutate.h). A new node starts
 * detached (TREE_F_NEW | TREE_F_UNLINKED, no parent) with the given type
 * and mode bits; tree_attach links a detached node into dir under name
 * (which must be free: the caller checked), giving it the next dir_seq;
 * tree_detach unlinks it from its parent (it keeps its name). Directory
 * link counts follow, and so do the links list and n_links of the node a
 * link entry names (set link_to before attaching). tree_attach: 0, -ENOMEM,
 * -ENAMETOOLONG. */
int tree_node_create(struct tree *t, const char *name, mode_t mode,
		     struct tree_node **out);
int tree_attach(struct tree *t, struct tree_node *dir, struct tree_node *n,
		const char *name);
void tree_detach(struct tree *t, struct tree_node *n);
/* Frees n now if nothing refers to it any more (TREE_F_NEW, unlinked,
 * nlookup 0, no link entry names it); true when freed. */
bool tree_free_if_unused(struct tree *t, struct tree_node *n);

/* The first child of dir (listing order) whose dir_seq is > seq, or NULL;
 * tree_dir_next(dir, 0) is the first child. Continue with c->hh.next
 * (children are kept in dir_seq order). */
struct tree_node *tree_dir_next(const struct tree_node *dir, uint64_t seq);

/* S_IFMT bits of a manifest type. */
mode_t tree_mode_of_type(enum mf_type type);

#endif
