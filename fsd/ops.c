/* ops.c - the fuse_lowlevel_ops table, op names, init, and the write-side
 * ops (EROFS until the writable-tree layer replaces them). The hook point
 * and the reply wrappers live in hook*.c. */
#include "ops_int.h"

#include <errno.h>
#include <string.h>

const char *const fsd_op_names[FSD_OP_COUNT] = {
    [FSD_OP_INIT] = "init",
    [FSD_OP_LOOKUP] = "lookup",
    [FSD_OP_FORGET] = "forget",
    [FSD_OP_GETATTR] = "getattr",
    [FSD_OP_SETATTR] = "setattr",
    [FSD_OP_READLINK] = "readlink",
    [FSD_OP_MKNOD] = "mknod",
    [FSD_OP_MKDIR] = "mkdir",
    [FSD_OP_UNLINK] = "unlink",
    [FSD_OP_RMDIR] = "rmdir",
    [FSD_OP_SYMLINK] = "symlink",
    [FSD_OP_RENAME] = "rename",
    [FSD_OP_LINK] = "link",
    [FSD_OP_OPEN] = "open",
    [FSD_OP_READ] = "read",
    [FSD_OP_WRITE] = "write",
    [FSD_OP_RELEASE] = "release",
    [FSD_OP_FSYNC] = "fsync",
    [FSD_OP_OPENDIR] = "opendir",
    [FSD_OP_READDIR] = "readdir",
    [FSD_OP_READDIRPLUS] = "readdirplus",
    [FSD_OP_RELEASEDIR] = "releasedir",
    [FSD_OP_FSYNCDIR] = "fsyncdir",
    [FSD_OP_STATFS] = "statfs",
    [FSD_OP_SETXATTR] = "setxattr",
    [FSD_OP_GETXATTR] = "getxattr",
    [FSD_OP_LISTXATTR] = "listxattr",
    [FSD_OP_REMOVEXATTR] = "removexattr",
    [FSD_OP_ACCESS] = "access",
    [FSD_OP_CREATE] = "create",
    [FSD_OP_FALLOCATE] = "fallocate",
    [FSD_OP_COPY_FILE_RANGE] = "copy_file_range",
};

void fsd_caller_of(fuse_req_t req, struct fsd_caller *out)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	out->pid = ctx->pid;
	out->uid = ctx->uid;
	out->gid = ctx->gid;
}

void ops_entry_of(const struct tree_node *n, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = n->ino;
	e->generation = n->generation;
	tree_stat(n, &e->attr);
	e->attr_timeout = n->attr_timeout;
	e->entry_timeout = n->entry_timeout;
}

static void fsd_op_init(void *userdata, struct fuse_conn_info *conn)
{
	struct fsd *fsd = userdata;

	fsd->stats.ops[FSD_OP_INIT]++;
	/* READDIRPLUS always (not "auto"): a find or ls -l then needs no
	 * LOOKUP per entry. Symlink targets never change behind the
	 * kernel's back. Content changes will be invalidated explicitly. */
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
	conn->want &= ~(unsigned)FUSE_CAP_READDIRPLUS_AUTO;
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	conn->want &= ~(unsigned)FUSE_CAP_AUTO_INVAL_DATA;
	conn->want &= ~(unsigned)(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
				  FUSE_CAP_SPLICE_MOVE);
	/* Directories need no daemon state: an ENOSYS reply to the first
	 * OPENDIR makes the kernel skip OPENDIR and RELEASEDIR for good and
	 * cache listings (a warm walk then costs no round trip at all).
	 * Rules on listings hook readdir, and a directory that changes
	 * behind the kernel must be invalidated (notify_inval_inode). */
	if (conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT) {
		conn->want |= FUSE_CAP_NO_OPENDIR_SUPPORT;
		fsd->no_opendir = true;
	}
	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
	/* max_readahead arrives as the kernel's maximum: keep it. */
	conn->time_gran = 1;
	fsd->initialized = true;
	LOG_DEBUG(&fsd->log, "proto %u.%u want 0x%x max_readahead %u",
		  conn->proto_major, conn->proto_minor, conn->want,
		  conn->max_readahead);
}

/* Write side: read-only for now. Each op runs the hook first (so a rule
 * can already fail it differently), then replies EROFS. */
static void ops_erofs(fuse_req_t req, enum fsd_op op, fuse_ino_t ino,
		      const char *name)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	int rc;

	rc = fsd_hook(fsd, req, op, n, name);
	if (rc == FSD_HOOK_TAKEN)
		return;
	ops_reply_err(fsd, req, rc ? rc : (n ? -EROFS : -ENOENT));
}

static void fsd_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			   int to_set, struct fuse_file_info *fi)
{
	(void)attr;
	(void)to_set;
	(void)fi;
	ops_erofs(req, FSD_OP_SETATTR, ino, NULL);
}

static void fsd_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
			 mode_t mode, dev_t rdev)
{
	(void)mode;
	(void)rdev;
	ops_erofs(req, FSD_OP_MKNOD, parent, name);
}

static void fsd_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
			 mode_t mode)
{
	(void)mode;
	ops_erofs(req, FSD_OP_MKDIR, parent, name);
}

static void fsd_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ops_erofs(req, FSD_OP_UNLINK, parent, name);
}

static void fsd_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ops_erofs(req, FSD_OP_RMDIR, parent, name);
}

static void fsd_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			   const char *name)
{
	(void)link;
	ops_erofs(req, FSD_OP_SYMLINK, parent, name);
}

static void fsd_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
			  fuse_ino_t newparent, const char *newname,
			  unsigned int flags)
{
	(void)newparent;
	(void)newname;
	(void)flags;
	ops_erofs(req, FSD_OP_RENAME, parent, name);
}

static void fsd_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
			const char *newname)
{
	(void)ino;
	ops_erofs(req, FSD_OP_LINK, newparent, newname);
}

static void fsd_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
			 size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)buf;
	(void)size;
	(void)off;
	(void)fi;
	ops_erofs(req, FSD_OP_WRITE, ino, NULL);
}

static void fsd_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
			 struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	int rc;

	(void)datasync;
	(void)fi;
	rc = fsd_hook(fsd, req, FSD_OP_FSYNC, tree_get(fsd->tree, ino), NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	ops_reply_err(fsd, req, rc); /* nothing to sync on a read-only tree */
}

static void fsd_op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
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
	ops_reply_err(fsd, req, rc);
}

static void fsd_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			    const char *value, size_t size, int flags)
{
	(void)name;
	(void)value;
	(void)size;
	(void)flags;
	ops_erofs(req, FSD_OP_SETXATTR, ino, NULL);
}

static void fsd_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	(void)name;
	ops_erofs(req, FSD_OP_REMOVEXATTR, ino, NULL);
}

static void fsd_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
			  mode_t mode, struct fuse_file_info *fi)
{
	(void)mode;
	(void)fi;
	ops_erofs(req, FSD_OP_CREATE, parent, name);
}

static void fsd_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
			     off_t offset, off_t length,
			     struct fuse_file_info *fi)
{
	(void)mode;
	(void)offset;
	(void)length;
	(void)fi;
	ops_erofs(req, FSD_OP_FALLOCATE, ino, NULL);
}

static void fsd_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in,
				   off_t off_in, struct fuse_file_info *fi_in,
				   fuse_ino_t ino_out, off_t off_out,
				   struct fuse_file_info *fi_out, size_t len,
				   int flags)
{
	(void)ino_in;
	(void)off_in;
	(void)fi_in;
	(void)off_out;
	(void)fi_out;
	(void)len;
	(void)flags;
	ops_erofs(req, FSD_OP_COPY_FILE_RANGE, ino_out, NULL);
}

static const struct fuse_lowlevel_ops fsd_ops_table = {
    .init = fsd_op_init,
    .lookup = fsd_op_lookup,
    .forget = fsd_op_forget,
    .forget_multi = fsd_op_forget_multi,
    .getattr = fsd_op_getattr,
    .setattr = fsd_op_setattr,
    .readlink = fsd_op_readlink,
    .mknod = fsd_op_mknod,
    .mkdir = fsd_op_mkdir,
    .unlink = fsd_op_unlink,
    .rmdir = fsd_op_rmdir,
    .symlink = fsd_op_symlink,
    .rename = fsd_op_rename,
    .link = fsd_op_link,
    .open = fsd_op_open,
    .read = fsd_op_read,
    .write = fsd_op_write,
    .release = fsd_op_release,
    .fsync = fsd_op_fsync,
    .opendir = fsd_op_opendir,
    .readdir = fsd_op_readdir,
    .readdirplus = fsd_op_readdirplus,
    .releasedir = fsd_op_releasedir,
    .fsyncdir = fsd_op_fsyncdir,
    .statfs = fsd_op_statfs,
    .setxattr = fsd_op_setxattr,
    .getxattr = fsd_op_getxattr,
    .listxattr = fsd_op_listxattr,
    .removexattr = fsd_op_removexattr,
    .access = fsd_op_access,
    .create = fsd_op_create,
    .fallocate = fsd_op_fallocate,
    .copy_file_range = fsd_op_copy_file_range,
};

const struct fuse_lowlevel_ops *fsd_ops(void)
{
	return &fsd_ops_table;
}
