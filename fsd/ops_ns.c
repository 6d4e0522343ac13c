/* ops_ns.c - FUSE handlers that change names: mknod, mkdir, symlink,
 * unlink, rmdir, rename (with RENAME_NOREPLACE / RENAME_EXCHANGE), link.
 * Owns decoding them into mutate.h calls and the one reply of each. */
#include "ops_int.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "mutate.h"

void ops_who_of(fuse_req_t req, struct mut_who *w)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	memset(w, 0, sizeof(*w));
	w->uid = ctx->uid;
	w->gid = ctx->gid;
}

/* Replies with the new entry n (the kernel now holds a reference). */
static void ops_reply_new(struct fsd *fsd, fuse_req_t req, struct tree_node *n)
{
	struct fuse_entry_param e;

	ops_entry_of(n, &e);
	tree_ref(n, 1);
	ops_reply_entry(fsd, req, &e);
}

/* The common body of mknod, mkdir and symlink. */
static void ops_make(fuse_req_t req, enum fsd_op op, fuse_ino_t parent,
		     const char *name, mode_t mode, dev_t rdev,
		     const char *target)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *dir = tree_get(fsd->tree, parent), *n = NULL;
	struct hook_args a = HOOK_ARGS(op, dir, name);
	struct mut_who w;
	int rc;

	a.flags = (int)mode;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	ops_who_of(req, &w);
	if (!rc)
		rc =
		    mut_make(fsd->state, &w, dir, name, mode, rdev, target, &n);
	if (rc)
		ops_reply_err(fsd, req, rc);
	else
		ops_reply_new(fsd, req, n);
}

void fsd_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, dev_t rdev)
{
	/* a socket bound in the tree, a fifo, a device (root: the kernel
	 * checked CAP_MKNOD), or a plain file made without an open */
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	ops_make(req, FSD_OP_MKNOD, parent, name, mode, rdev, NULL);
}

void fsd_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode)
{
	ops_make(req, FSD_OP_MKDIR, parent, name, S_IFDIR | (mode & 07777), 0,
		 NULL);
}

void fsd_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		    const char *name)
{
	ops_make(req, FSD_OP_SYMLINK, parent, name, S_IFLNK | 0777, 0, link);
}

static void ops_remove(fuse_req_t req, enum fsd_op op, fuse_ino_t parent,
		       const char *name)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *dir = tree_get(fsd->tree, parent);
	struct mut_who w;
	int rc;

	rc = fsd_hook(fsd, req, op, dir, name);
	if (rc == FSD_HOOK_TAKEN)
		return;
	ops_who_of(req, &w);
	if (!rc)
		rc = op == FSD_OP_RMDIR ? mut_rmdir(fsd->state, &w, dir, name)
					: mut_unlink(fsd->state, &w, dir, name);
	ops_reply_err(fsd, req, rc);
}

void fsd_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ops_remove(req, FSD_OP_UNLINK, parent, name);
}

void fsd_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ops_remove(req, FSD_OP_RMDIR, parent, name);
}

void fsd_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		   fuse_ino_t newparent, const char *newname,
		   unsigned int flags)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *dir = tree_get(fsd->tree, parent);
	struct tree_node *ndir = tree_get(fsd->tree, newparent);
	struct hook_args a = HOOK_ARGS(FSD_OP_RENAME, dir, name);
	struct mut_who w;
	int rc;

	a.n2 = ndir;
	a.name2 = newname;
	a.flags = (int)flags;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	ops_who_of(req, &w);
	if (!rc)
		rc =
		    mut_rename(fsd->state, &w, dir, name, ndir, newname, flags);
	ops_reply_err(fsd, req, rc);
}

/* Hard links: dir/name becomes a link entry naming the node (tree.h,
 * mutate.h: mut_link); the reply is the node itself (one inode, its
 * nlink counts every name). See docs/state-dir.md. */
void fsd_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		 const char *newname)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino), *out = NULL;
	struct tree_node *dir = tree_get(fsd->tree, newparent);
	struct hook_args a = HOOK_ARGS(FSD_OP_LINK, dir, newname);
	struct mut_who w;
	int rc;

	a.n2 = n;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	ops_who_of(req, &w);
	if (!rc)
		rc = mut_link(fsd->state, &w, n, dir, newname, &out);
	if (rc)
		ops_reply_err(fsd, req, rc);
	else
		ops_reply_new(fsd, req, out);
}
