/* mutate.h - changing the tree: every write-side operation on nodes, with
 * the checks and errnos of a POSIX file system, recorded by the state
 * layer (one journal line per operation). No FUSE types: the FUSE handlers
 * (ops_write.c, ops_ns.c, ops_xattr.c) and the control channel
 * (rpc_files_write.c) call the same functions.
 *
 * Permission checks are the kernel's (default_permissions): these
 * functions check what a file system checks itself (existence, types,
 * emptiness, rename loops, flags). A change made behind the kernel's back
 * (who->behind: the control channel) also queues the invalidations the
 * kernel needs (inval.h). All return 0 or a negative errno; -EIO when the
 * state directory cannot record changes any more.
 */
#ifndef ESXMOCK_FSD_MUTATE_H
#define ESXMOCK_FSD_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "state.h"
#include "tree.h"

/* Who makes the change. */
struct mut_who {
	uid_t uid;   /* owner of what it creates */
	gid_t gid;   /* group, unless the directory is setgid */
	bool behind; /* not through FUSE: invalidate the kernel's caches */
};

/* Makes dir/name. mode's S_IFMT says what: S_IFREG, S_IFDIR, S_IFLNK
 * (target), S_IFCHR/S_IFBLK (rdev), S_IFIFO, S_IFSOCK; its permission
 * bits are used as they are (the kernel applied the umask). -EEXIST,
 * -ENOENT (dir gone), -ENOTDIR, -ENAMETOOLONG, -EINVAL. */
int mut_make(struct state *s, const struct mut_who *w, struct tree_node *dir,
	     const char *name, mode_t mode, dev_t rdev, const char *target,
	     struct tree_node **out);
/* unlink: -ENOENT, -EISDIR. rmdir: -ENOENT, -ENOTDIR, -ENOTEMPTY, -EBUSY
 * (the root). */
int mut_unlink(struct state *s, const struct mut_who *w, struct tree_node *dir,
	       const char *name);
int mut_rmdir(struct state *s, const struct mut_who *w, struct tree_node *dir,
	      const char *name);
/* rename(2)/renameat2(2); flags: 0, RENAME_NOREPLACE, RENAME_EXCHANGE.
 * -ENOENT, -EEXIST, -EINVAL (flags, a directory into itself), -ENOTDIR,
 * -EISDIR, -ENOTEMPTY, -EBUSY (the root). */
int mut_rename(struct state *s, const struct mut_who *w, struct tree_node *dir,
	       const char *name, struct tree_node *newdir, const char *newname,
	       unsigned flags);

/* link(2): dir/name becomes another name of n (a link entry, tree.h).
 * -EPERM (a directory), -EEXIST, -ENOENT (n or dir gone), -EXDEV (n or
 * dir outside the tree: the hidden /.esxmock nodes), -EMLINK, -ENOTDIR,
 * -ENAMETOOLONG. *out: n. Unlinking n's own name while link entries
 * remain moves n into one of their places (its inode number stays). */
int mut_link(struct state *s, const struct mut_who *w, struct tree_node *n,
	     struct tree_node *dir, const char *name, struct tree_node **out);

enum mut_set {
	MUT_SET_MODE = 1u << 0,
	MUT_SET_UID = 1u << 1,
	MUT_SET_GID = 1u << 2,
	MUT_SET_SIZE = 1u << 3,
	MUT_SET_ATIME = 1u << 4, /* to atime */
	MUT_SET_MTIME = 1u << 5, /* to mtime */
	MUT_SET_ATIME_NOW = 1u << 6,
	MUT_SET_MTIME_NOW = 1u << 7,
	MUT_SET_CTIME = 1u << 8, /* to ctime */
};
struct mut_attr {
	unsigned set; /* enum mut_set */
	mode_t mode;  /* permission bits (07777) */
	uid_t uid;
	gid_t gid;
	uint64_t size;
	struct timespec atime, mtime, ctime;
};
/* chmod, chown, truncate, utimens. -EISDIR/-EINVAL (size of a non-file),
 * -EFBIG, -ENOSPC. */
int mut_setattr(struct state *s, const struct mut_who *w, struct tree_node *n,
		const struct mut_attr *a);

/* The bytes of n through an open handle: *fd / *fd_data are the handle's
 * (content.h: content_fd_sync); they follow n's data file. mut_write
 * stores len bytes at off (*done: how many, short on ENOSPC). */
int mut_write(struct state *s, struct tree_node *n, int *fd, uint64_t *fd_data,
	      const char *buf, size_t len, off_t off, size_t *done);
/* fallocate(2) on n's data file: its errors (EOPNOTSUPP...) pass on. */
int mut_fallocate(struct state *s, struct tree_node *n, int *fd,
		  uint64_t *fd_data, int mode, off_t off, off_t len);
/* Flushes n's data file and the journal (fsync(2), fdatasync(2)). */
int mut_fsync(struct state *s, struct tree_node *n, int *fd, uint64_t *fd_data);

/* Control channel: dir/name becomes a regular file holding len bytes
 * (made with perm bits mode when missing; an existing file keeps its
 * mode). -EISDIR, -EINVAL (not a regular file). */
int mut_put(struct state *s, const struct mut_who *w, struct tree_node *dir,
	    const char *name, const void *data, size_t len, mode_t mode,
	    struct tree_node **out);

/* Path helpers for the control channel. Absolute paths; intermediate
 * symlinks are followed (at most 40, then -ELOOP), the last component
 * only when follow. mut_parent splits path into its directory node and
 * last name (name has LIMIT_NAME_MAX + 1 bytes; -EINVAL for "/", "." and
 * ".."). mut_mkdirs makes the missing directories of path with mode, like
 * mkdir -p. */
int mut_resolve(struct tree *t, const char *path, bool follow,
		struct tree_node **out);
int mut_parent(struct tree *t, const char *path, struct tree_node **dir,
	       char *name);
int mut_mkdirs(struct state *s, const struct mut_who *w, const char *path,
	       mode_t mode);

#endif
