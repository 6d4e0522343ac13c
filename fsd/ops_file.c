/* ops_file.c - FUSE handlers for regular files: open (records the exec
 * flag and the caller), read (inline, host file, zeros), release. */
#include "ops_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content.h"

void fsd_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct fsd_caller caller;
	struct fsd_fh *fh = NULL;
	int rc, fd = -1;

	rc = fsd_hook(fsd, req, FSD_OP_OPEN, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && S_ISDIR(n->mode))
		rc = -EISDIR;
	if (!rc &&
	    ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC)))
		rc = -EROFS;
	if (!rc && !S_ISREG(n->mode))
		rc = -ENXIO; /* devices and fifos are opened by the kernel */
	if (!rc && content_needs_fd(&n->content)) {
		fd = content_open(&n->content);
		if (fd < 0) {
			log_msg(&fsd->log, LOG_LV_WARN,
				"cannot open content '%s': %s",
				n->content.host_path, strerror(-fd));
			rc = -EIO;
		}
	}
	if (!rc && !(fh = calloc(1, sizeof(*fh))))
		rc = -ENOMEM;
	if (rc) {
		if (fd >= 0)
			close(fd);
		ops_reply_err(fsd, req, rc);
		return;
	}
	fsd_caller_of(req, &caller);
	fh->ino = ino;
	fh->fd = fd;
	fh->flags = fi->flags;
	fh->exec = (fi->flags & FSD_OPEN_EXEC) != 0;
	fh->pid = caller.pid;
	LOG_DEBUG(&fsd->log, "ino %llu flags 0x%x exec %d pid %d",
		  (unsigned long long)ino, fi->flags, fh->exec,
		  (int)caller.pid);
	fi->fh = (uint64_t)(uintptr_t)fh;
	if (!(n->flags & TREE_F_CONTENT_CHANGED))
		fi->keep_cache = 1;
	fi->noflush = 1; /* read-only: close needs no FLUSH round trip */
	if (fuse_reply_open(req, fi) == -ENOENT) {
		if (fh->fd >= 0)
			close(fh->fd);
		free(fh);
	}
}

void fsd_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct fsd_fh *fh = (struct fsd_fh *)(uintptr_t)fi->fh;
	struct content_span sp;
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_READ, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && (!n || !fh))
		rc = -EBADF;
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	content_span(n, fh->fd, off, size, &sp);
	if (sp.len == 0) {
		fuse_reply_buf(req, NULL, 0);
	} else if (sp.mem) {
		fuse_reply_buf(req, sp.mem, sp.len);
	} else if (sp.fd >= 0) {
		struct fuse_bufvec bv = FUSE_BUFVEC_INIT(sp.len);

		bv.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
		bv.buf[0].fd = sp.fd;
		bv.buf[0].pos = sp.off;
		fuse_reply_data(req, &bv, 0);
	} else {
		char *zeros = calloc(1, sp.len);

		if (!zeros) {
			ops_reply_err(fsd, req, -ENOMEM);
			return;
		}
		fuse_reply_buf(req, zeros, sp.len);
		free(zeros);
	}
}

void fsd_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct fsd_fh *fh = (struct fsd_fh *)(uintptr_t)fi->fh;

	(void)ino;
	fsd->stats.ops[FSD_OP_RELEASE]++;
	if (fh) {
		if (fh->fd >= 0)
			close(fh->fd);
		free(fh);
	}
	fuse_reply_err(req, 0);
}
