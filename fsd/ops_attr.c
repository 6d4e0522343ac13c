/* ops_attr.c - FUSE handlers for names and attributes: lookup, forget,
 * getattr, readlink, statfs, access (xattrs: ops_xattr.c). */
#include "ops_int.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "exec.h"
#include "state.h"

void fsd_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *dir = tree_get(fsd->tree, parent), *n = NULL;
	struct fuse_entry_param e;
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_LOOKUP, dir, name);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc)
		rc = dir ? tree_lookup(fsd->tree, dir, name, &n) : -ENOENT;
	if (rc == -ENOENT && (n = exec_hidden_lookup(fsd, dir, name)))
		rc = 0; /* /.esxmock: found by lookup, never listed */
	if (rc == -ENOENT && dir && !(dir->flags & TREE_F_WATCHED)) {
		/* Negative entry: the kernel caches "no such name". The
		 * writable layer must invalidate it when it creates one. */
		memset(&e, 0, sizeof(e));
		e.entry_timeout = fsd->tree->neg_timeout;
		ops_reply_entry(fsd, req, &e);
		return;
	}
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	ops_entry_of(n, &e);
	tree_ref(n, 1);
	ops_reply_entry(fsd, req, &e);
}

void fsd_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct fsd *fsd = ops_fsd(req);

	fsd->stats.ops[FSD_OP_FORGET]++;
	tree_forget(fsd->tree, ino, nlookup);
	fuse_reply_none(req);
}

void fsd_op_forget_multi(fuse_req_t req, size_t count,
			 struct fuse_forget_data *forgets)
{
	struct fsd *fsd = ops_fsd(req);
	size_t i;

	fsd->stats.ops[FSD_OP_FORGET]++;
	for (i = 0; i < count; i++)
		tree_forget(fsd->tree, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

void fsd_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct stat st;
	int rc;

	(void)fi;
	rc = fsd_hook(fsd, req, FSD_OP_GETATTR, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	tree_stat(n, &st);
	ops_reply_attr(fsd, req, &st, n->attr_timeout);
}

void fsd_op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_READLINK, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && !S_ISLNK(n->mode))
		rc = -EINVAL;
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	ops_reply_readlink(fsd, req, n->target);
}

void fsd_op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct fsd *fsd = ops_fsd(req);
	struct statvfs sv;

	(void)ino;
	fsd->stats.ops[FSD_OP_STATFS]++;
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = LIMIT_STATFS_BSIZE;
	sv.f_frsize = LIMIT_STATFS_BSIZE;
	sv.f_blocks = (fsd->tree->total_bytes + LIMIT_STATFS_BSIZE - 1) /
		      LIMIT_STATFS_BSIZE;
	sv.f_files = fsd->tree->n_live;
	sv.f_namemax = LIMIT_NAME_MAX;
	/* free space: what the state dir's file system has for new bytes */
	if (fsd->state) {
		unsigned long bfree = 0, ffree = 0;

		state_space(fsd->state, LIMIT_STATFS_BSIZE, &bfree, &ffree);
		sv.f_bfree = bfree;
		sv.f_ffree = ffree;
	}
	sv.f_bavail = sv.f_bfree;
	sv.f_favail = sv.f_ffree;
	sv.f_blocks += sv.f_bfree;
	sv.f_files += sv.f_ffree;
	ops_reply_statfs(fsd, req, &sv);
}

/* Only reached without default_permissions (-o can't remove it, but a
 * later mode might): existence only, the modes are the kernel's. */
void fsd_op_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_ACCESS, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	(void)mask;
	if (!rc && !n)
		rc = -ENOENT;
	ops_reply_err(fsd, req, rc);
}
