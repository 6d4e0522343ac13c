/* ops_write.c - FUSE handlers that change files: create, setattr (chmod,
 * chown, truncate, utimens), write, fallocate, fsync, fsyncdir, flush,
 * copy_file_range. Owns decoding them into mutate.h calls and the one
 * reply of each. */
#include "ops_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content.h"
#include "exec.h"
#include "mutate.h"

static struct fsd_fh *ops_fh(struct fuse_file_info *fi)
{
	return fi ? (struct fsd_fh *)(uintptr_t)fi->fh : NULL;
}

void fsd_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		   mode_t mode, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *dir = tree_get(fsd->tree, parent), *n = NULL;
	struct hook_args a = HOOK_ARGS(FSD_OP_CREATE, dir, name);
	struct fuse_entry_param e;
	struct mut_who w;
	int rc;

	a.flags = fi->flags;
	a.fi = fi;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	ops_who_of(req, &w);
	if (!rc)
		rc = mut_make(fsd->state, &w, dir, name,
			      S_IFREG | (mode & 07777), 0, NULL, &n);
	/* The name appeared behind the kernel's back since it looked: an
	 * open(O_CREAT) without O_EXCL opens what is there. */
	if (rc == -EEXIST && !(fi->flags & O_EXCL) &&
	    tree_lookup(fsd->tree, dir, name, &n) == 0) {
		rc = S_ISDIR(n->mode) ? -EISDIR : 0;
		if (!rc)
			rc = ops_open_prepare(fsd, n, fi);
	} else if (!rc) {
		rc = ops_fh_new(fsd, req, n, fi);
	}
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	ops_entry_of(n, &e);
	tree_ref(n, 1);
	if (ops_reply_create(fsd, req, &e, fi) == -ENOENT) {
		ops_open_undo(fsd, fi);
		tree_forget(fsd->tree, n->ino, 1);
	}
}

/* FUSE_SET_ATTR_* -> mutate.h's bits. */
static void ops_attr_of(const struct stat *attr, int to_set, struct mut_attr *a)
{
	static const struct {
		int fuse;
		unsigned mut;
	} map[] = {
	    {FUSE_SET_ATTR_MODE, MUT_SET_MODE},
	    {FUSE_SET_ATTR_UID, MUT_SET_UID},
	    {FUSE_SET_ATTR_GID, MUT_SET_GID},
	    {FUSE_SET_ATTR_SIZE, MUT_SET_SIZE},
	    {FUSE_SET_ATTR_ATIME, MUT_SET_ATIME},
	    {FUSE_SET_ATTR_MTIME, MUT_SET_MTIME},
	    {FUSE_SET_ATTR_ATIME_NOW, MUT_SET_ATIME_NOW},
	    {FUSE_SET_ATTR_MTIME_NOW, MUT_SET_MTIME_NOW},
	    {FUSE_SET_ATTR_CTIME, MUT_SET_CTIME},
	};
	size_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (to_set & map[i].fuse)
			a->set |= map[i].mut;
	/* ATIME_NOW comes with ATIME set: "now" wins */
	if (a->set & MUT_SET_ATIME_NOW)
		a->set &= ~(unsigned)MUT_SET_ATIME;
	if (a->set & MUT_SET_MTIME_NOW)
		a->set &= ~(unsigned)MUT_SET_MTIME;
	a->mode = attr->st_mode & 07777;
	a->uid = attr->st_uid;
	a->gid = attr->st_gid;
	a->size = attr->st_size < 0 ? 0 : (uint64_t)attr->st_size;
	a->atime = attr->st_atim;
	a->mtime = attr->st_mtim;
	a->ctime = attr->st_ctim;
}

void fsd_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		    int to_set, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct hook_args a = HOOK_ARGS(FSD_OP_SETATTR, n, NULL);
	struct mut_attr ma;
	struct mut_who w;
	struct stat st;
	int rc;

	a.flags = to_set;
	a.fi = fi;
	if (to_set & FUSE_SET_ATTR_SIZE)
		a.off = (uint64_t)attr->st_size;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	ops_who_of(req, &w);
	ops_attr_of(attr, to_set, &ma);
	if (!rc)
		rc = mut_setattr(fsd->state, &w, n, &ma);
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	tree_stat(n, &st);
	ops_reply_attr(fsd, req, &st, n->attr_timeout);
}

void fsd_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		  off_t off, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct fsd_fh *fh = ops_fh(fi);
	struct hook_args a = HOOK_ARGS(FSD_OP_WRITE, n, NULL);
	size_t len = size, done = 0;
	int rc;

	a.fi = fi;
	a.flags = fi->flags;
	a.off = (uint64_t)off;
	a.len = size;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && (!n || !fh))
		rc = -EBADF;
	if (!rc && exec_write(fsd, req, fh, buf, size, off)) /* invoke */
		return;
	if (!rc)
		rc = hook_write_filter(fsd, req, buf, &len, off);
	if (rc == HOOK_WRITE_DISCARD) {
		ops_reply_write(fsd, req, size);
		return;
	}
	if (!rc && len)
		rc = mut_write(fsd->state, n, &fh->fd, &fh->fd_data, buf, len,
			       off, &done);
	if (rc < 0)
		ops_reply_err(fsd, req, rc);
	else
		ops_reply_write(fsd, req, done);
}

void fsd_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
		      off_t length, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct fsd_fh *fh = ops_fh(fi);
	struct hook_args a = HOOK_ARGS(FSD_OP_FALLOCATE, n, NULL);
	int rc;

	a.fi = fi;
	a.flags = mode;
	a.off = (uint64_t)offset;
	a.len = (uint64_t)length;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && (!n || !fh))
		rc = -EBADF;
	if (!rc)
		rc = mut_fallocate(fsd->state, n, &fh->fd, &fh->fd_data, mode,
				   offset, length);
	ops_reply_err(fsd, req, rc);
}

void fsd_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		  struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct fsd_fh *fh = ops_fh(fi);
	int rc, fd = -1;
	uint64_t fd_data = 0;

	(void)datasync;
	rc = fsd_hook(fsd, req, FSD_OP_FSYNC, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && fh)
		rc = mut_fsync(fsd->state, n, &fh->fd, &fh->fd_data);
	else if (!rc) {
		rc = mut_fsync(fsd->state, n, &fd, &fd_data);
		if (fd >= 0)
			close(fd);
	}
	ops_reply_err(fsd, req, rc);
}

void fsd_op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	int rc;

	(void)datasync;
	(void)fi;
	rc =
	    fsd_hook(fsd, req, FSD_OP_FSYNCDIR, tree_get(fsd->tree, ino), NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc)
		rc = state_sync(fsd->state, -1);
	ops_reply_err(fsd, req, rc);
}

/* close(2): every byte is in the data file already (written at write
 * time), so there is nothing to flush; opens set noflush, this answers a
 * kernel that asks anyway. */
void fsd_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);
}

/* The kernel copies through read and write instead (ENOSYS: it stops
 * asking), so rules and the data files see every byte. */
void fsd_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			    struct fuse_file_info *fi_in, fuse_ino_t ino_out,
			    off_t off_out, struct fuse_file_info *fi_out,
			    size_t len, int flags)
{
	(void)ino_in;
	(void)off_in;
	(void)fi_in;
	(void)ino_out;
	(void)off_out;
	(void)fi_out;
	(void)len;
	(void)flags;
	fuse_reply_err(req, ENOSYS);
}
