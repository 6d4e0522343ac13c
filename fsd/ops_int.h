/* ops_int.h - FUSE handlers shared between the ops*.c files.
 * Owns nothing: declarations for the table in ops.c, and small helpers. */
#ifndef ESXMOCK_FSD_OPS_INT_H
#define ESXMOCK_FSD_OPS_INT_H

#include "fsd.h"
#include "hook.h"

static inline struct fsd *ops_fsd(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Fills a fuse_entry_param for node n (attributes, per-node timeouts). */
void ops_entry_of(const struct tree_node *n, struct fuse_entry_param *e);

/* Replies go through the ops_reply_* wrappers of hook.h. */

/* Frees the handle of an open whose reply was held by a rule and then
 * refused by the kernel (the caller was interrupted meanwhile); release
 * frees every handle through it too. */
void ops_open_undo(struct fsd *fsd, struct fuse_file_info *fi);

/* ops_file.c: a new open handle for n in fi (fd on n's bytes), and the
 * open-time work (O_TRUNC, cache flags) shared by open and create. */
int ops_fh_new(struct fsd *fsd, fuse_req_t req, struct tree_node *n,
	       struct fuse_file_info *fi);
int ops_open_prepare(struct fsd *fsd, struct tree_node *n,
		     struct fuse_file_info *fi);
/* Replies to a read with span sp (content.h): memory, a range of the fd
 * (libfuse reads it), or zeros; exec.c's read can use it too. */
struct content_span;
void ops_reply_span(struct fsd *fsd, fuse_req_t req,
		    const struct content_span *sp);

/* ops_ns.c, ops_write.c, ops_xattr.c: the writable layer's handlers */
struct mut_who;
void ops_who_of(fuse_req_t req, struct mut_who *w);
void fsd_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, dev_t rdev);
void fsd_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode);
void fsd_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		    const char *name);
void fsd_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void fsd_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void fsd_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		   fuse_ino_t newparent, const char *newname,
		   unsigned int flags);
void fsd_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		 const char *newname);
void fsd_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		   mode_t mode, struct fuse_file_info *fi);
void fsd_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		    int to_set, struct fuse_file_info *fi);
void fsd_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		  off_t off, struct fuse_file_info *fi);
void fsd_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
		      off_t length, struct fuse_file_info *fi);
void fsd_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		  struct fuse_file_info *fi);
void fsd_op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi);
void fsd_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fsd_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			    struct fuse_file_info *fi_in, fuse_ino_t ino_out,
			    off_t off_out, struct fuse_file_info *fi_out,
			    size_t len, int flags);
void fsd_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     const char *value, size_t size, int flags);
void fsd_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

/* ops_attr.c */
void fsd_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void fsd_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void fsd_op_forget_multi(fuse_req_t req, size_t count,
			 struct fuse_forget_data *forgets);
void fsd_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fsd_op_readlink(fuse_req_t req, fuse_ino_t ino);
void fsd_op_statfs(fuse_req_t req, fuse_ino_t ino);
void fsd_op_access(fuse_req_t req, fuse_ino_t ino, int mask);

/* ops_xattr.c */
void fsd_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     size_t size);
void fsd_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);

/* ops_dir.c */
void fsd_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fsd_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi);
void fsd_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi);
void fsd_op_releasedir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi);

/* ops_file.c */
void fsd_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fsd_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi);
void fsd_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);

#endif
