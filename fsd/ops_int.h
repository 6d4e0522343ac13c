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
 * refused by the kernel (the caller was interrupted meanwhile). */
void ops_open_undo(struct fsd *fsd, struct fuse_file_info *fi);

/* ops_attr.c */
void fsd_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void fsd_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void fsd_op_forget_multi(fuse_req_t req, size_t count,
			 struct fuse_forget_data *forgets);
void fsd_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fsd_op_readlink(fuse_req_t req, fuse_ino_t ino);
void fsd_op_statfs(fuse_req_t req, fuse_ino_t ino);
void fsd_op_access(fuse_req_t req, fuse_ino_t ino, int mask);
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
