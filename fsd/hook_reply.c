/* hook_reply.c - the ops_reply_* wrappers: every FUSE reply of a data-path
 * op goes through here, so its result reaches the access log. */
#include "hook_int.h"

#include <errno.h>

void ops_reply_err(struct fsd *fsd, fuse_req_t req, int err)
{
	if (err < 0)
		fsd->stats.errors++;
	fuse_reply_err(req, -err);
}

void ops_reply_status(struct fsd *fsd, fuse_req_t req, int err)
{
	(void)fsd;
	fuse_reply_err(req, err < 0 ? -err : err);
}

void ops_reply_entry(struct fsd *fsd, fuse_req_t req,
		     const struct fuse_entry_param *e)
{
	(void)fsd;
	fuse_reply_entry(req, e);
}

void ops_reply_attr(struct fsd *fsd, fuse_req_t req, const struct stat *st,
		    double timeout)
{
	(void)fsd;
	fuse_reply_attr(req, st, timeout);
}

void ops_reply_readlink(struct fsd *fsd, fuse_req_t req, const char *link)
{
	(void)fsd;
	fuse_reply_readlink(req, link);
}

void ops_reply_statfs(struct fsd *fsd, fuse_req_t req, const struct statvfs *sv)
{
	(void)fsd;
	fuse_reply_statfs(req, sv);
}

void ops_reply_xattr(struct fsd *fsd, fuse_req_t req, size_t count)
{
	(void)fsd;
	fuse_reply_xattr(req, count);
}

void ops_reply_write(struct fsd *fsd, fuse_req_t req, size_t count)
{
	(void)fsd;
	fuse_reply_write(req, count);
}

void ops_reply_buf(struct fsd *fsd, fuse_req_t req, const char *buf,
		   size_t size)
{
	(void)fsd;
	fuse_reply_buf(req, buf, size);
}

void ops_reply_data(struct fsd *fsd, fuse_req_t req, struct fuse_bufvec *bv)
{
	(void)fsd;
	fuse_reply_data(req, bv, 0);
}

int ops_reply_open(struct fsd *fsd, fuse_req_t req, const struct tree_node *n,
		   struct fuse_file_info *fi)
{
	(void)fsd;
	(void)n;
	return fuse_reply_open(req, fi);
}

int ops_reply_create(struct fsd *fsd, fuse_req_t req,
		     const struct fuse_entry_param *e,
		     struct fuse_file_info *fi)
{
	(void)fsd;
	return fuse_reply_create(req, e, fi);
}
