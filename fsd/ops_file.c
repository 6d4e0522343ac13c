/* ops_file.c - FUSE handlers for regular files: open (records the exec
 * flag and the caller; O_TRUNC; read or write), read (inline, host file,
 * data file, zeros, or what a rule rewrites it to), release. */
#include "ops_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content.h"
#include "exec.h"
#include "mutate.h"

/* O_TRUNC (the kernel sends it with the open: atomic_o_trunc) and the
 * cache flags; n is a regular file. */
int ops_open_prepare(struct fsd *fsd, struct tree_node *n,
		     struct fuse_file_info *fi)
{
	struct mut_attr ma;
	struct mut_who w;

	memset(&w, 0, sizeof(w));
	if ((fi->flags & O_TRUNC) && (n->size || state_data_of(n))) {
		memset(&ma, 0, sizeof(ma));
		ma.set = MUT_SET_SIZE;
		ma.size = 0;
		return mut_setattr(fsd->state, &w, n, &ma);
	}
	return 0;
}

int ops_fh_new(struct fsd *fsd, fuse_req_t req, struct tree_node *n,
	       struct fuse_file_info *fi)
{
	struct fsd_caller caller;
	struct fsd_fh *fh = calloc(1, sizeof(*fh));
	int rc;

	if (!fh)
		return -ENOMEM;
	fh->fd = -1;
	rc = content_fd_sync(fsd->state, n, &fh->fd, &fh->fd_data);
	if (rc) {
		log_msg(&fsd->log, LOG_LV_WARN,
			"cannot open the content of "
			"inode %llu: %s",
			(unsigned long long)n->ino, strerror(-rc));
		free(fh);
		return -EIO;
	}
	fsd_caller_of(req, &caller);
	fh->ino = n->ino;
	fh->flags = fi->flags;
	fh->exec = (fi->flags & FSD_OPEN_EXEC) != 0;
	fh->pid = caller.pid;
	fi->fh = (uint64_t)(uintptr_t)fh;
	/* Writes through FUSE keep the kernel's page cache right; changes
	 * behind its back are invalidated (inval.h): the cache stays. */
	if (!(n->flags & TREE_F_CONTENT_CHANGED))
		fi->keep_cache = 1;
	fi->noflush = 1; /* bytes are stored at write time: no FLUSH */
	return 0;
}

void fsd_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct hook_args a = HOOK_ARGS(FSD_OP_OPEN, n, NULL);
	int rc;

	a.flags = fi->flags;
	a.fi = fi;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && S_ISDIR(n->mode))
		rc = -EISDIR;
	if (!rc && !S_ISREG(n->mode))
		rc = -ENXIO; /* devices and fifos are opened by the kernel */
	if (!rc && exec_open(fsd, req, n, fi)) /* exec.h: watched, hidden */
		return;
	if (!rc)
		rc = ops_open_prepare(fsd, n, fi);
	if (!rc)
		rc = ops_fh_new(fsd, req, n, fi);
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	LOG_DEBUG(&fsd->log, "ino %llu flags 0x%x exec %d pid %d",
		  (unsigned long long)ino, fi->flags,
		  (fi->flags & FSD_OPEN_EXEC) != 0,
		  (int)((struct fsd_fh *)(uintptr_t)fi->fh)->pid);
	if (ops_reply_open(fsd, req, n, fi) == -ENOENT)
		ops_open_undo(fsd, fi);
}

void ops_open_undo(struct fsd *fsd, struct fuse_file_info *fi)
{
	struct fsd_fh *fh = (struct fsd_fh *)(uintptr_t)fi->fh;

	if (fh) {
		exec_release(fsd, fh);
		if (fh->fd >= 0)
			close(fh->fd);
		free(fh);
	}
	fi->fh = 0;
}

void ops_reply_span(struct fsd *fsd, fuse_req_t req,
		    const struct content_span *sp)
{
	char *zeros;

	if (sp->len == 0) {
		ops_reply_buf(fsd, req, NULL, 0);
	} else if (sp->mem) {
		ops_reply_buf(fsd, req, sp->mem, sp->len);
	} else if (sp->fd >= 0) {
		struct fuse_bufvec bv = FUSE_BUFVEC_INIT(sp->len);

		bv.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
		bv.buf[0].fd = sp->fd;
		bv.buf[0].pos = sp->off;
		ops_reply_data(fsd, req, &bv);
	} else if (!(zeros = calloc(1, sp->len))) {
		ops_reply_err(fsd, req, -ENOMEM);
	} else {
		ops_reply_buf(fsd, req, zeros, sp->len);
		free(zeros);
	}
}

/* Reads the span into memory (host fd or zeros) when it is not there. */
static int read_span_mem(const struct content_span *sp, char **buf)
{
	ssize_t got;

	*buf = NULL;
	if (sp->mem || sp->len == 0)
		return 0;
	if (!(*buf = calloc(1, sp->len)))
		return -ENOMEM;
	if (sp->fd < 0)
		return 0;
	got = pread(sp->fd, *buf, sp->len, sp->off);
	if (got < 0) {
		free(*buf);
		*buf = NULL;
		return -EIO;
	}
	return 0;
}

/* The intercept part of read: a rule that fired for this read rewrites
 * what the caller sees (scripted content, short read, corrupt bytes); the
 * stored content is never changed. */
static void read_rewritten(struct fsd *fsd, fuse_req_t req,
			   const struct tree_node *n, const struct fsd_fh *fh,
			   off_t off, size_t size)
{
	struct content_span sp;
	char *stored = NULL, *out = NULL;
	size_t out_len = 0;
	int rc;

	content_span(n, fh->fd, off, size, &sp);
	rc = read_span_mem(&sp, &stored);
	if (!rc)
		rc =
		    hook_read_build(fsd, req, n->size, sp.mem ? sp.mem : stored,
				    sp.len, off, size, &out, &out_len);
	if (rc)
		ops_reply_err(fsd, req, rc);
	else
		ops_reply_buf(fsd, req, out, out_len);
	free(stored);
	free(out);
}

void fsd_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct fsd_fh *fh = (struct fsd_fh *)(uintptr_t)fi->fh;
	struct content_span sp;
	struct hook_args a = HOOK_ARGS(FSD_OP_READ, n, NULL);
	int rc;

	a.fi = fi;
	a.flags = fh ? fh->flags : 0;
	a.off = (uint64_t)off;
	a.len = size;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && (!n || !fh))
		rc = -EBADF;
	if (!rc && exec_read(fsd, req, n, fh, size, off))
		return;
	if (!rc) /* fh->fd follows the node's bytes (copy-up, restore) */
		rc = content_fd_sync(fsd->state, n, &fh->fd, &fh->fd_data);
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	if (hook_read_rewrites(fsd, req)) {
		read_rewritten(fsd, req, n, fh, off, size);
		return;
	}
	content_span(n, fh->fd, off, size, &sp);
	ops_reply_span(fsd, req, &sp);
}

void fsd_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);

	(void)ino;
	fsd->stats.ops[FSD_OP_RELEASE]++;
	ops_open_undo(fsd, fi);
	fuse_reply_err(req, 0);
}
