/* ops.c - the fuse_lowlevel_ops table, op names and init. Handlers live in
 * ops_attr.c, ops_dir.c, ops_file.c (read side), ops_ns.c, ops_write.c and
 * ops_xattr.c (write side); the hook point and the reply wrappers in
 * hook*.c. */
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
    .flush = fsd_op_flush,
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
