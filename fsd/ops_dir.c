/* ops_dir.c - FUSE handlers for directories: opendir, readdir,
 * readdirplus (full attributes), releasedir. */
#include "ops_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void fsd_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct fsd_dirh *dh = NULL;
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_OPENDIR, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && !S_ISDIR(n->mode))
		rc = -ENOTDIR;
	if (!rc && !(dh = calloc(1, sizeof(*dh))))
		rc = -ENOMEM;
	if (!rc)
		rc = tree_dir_snapshot(n, &dh->inos, &dh->n);
	if (rc) {
		free(dh);
		ops_reply_err(fsd, req, rc);
		return;
	}
	dh->ino = ino;
	fi->fh = (uint64_t)(uintptr_t)dh;
	/* The listing of an unchanged directory stays valid: let the kernel
	 * cache it across opens. */
	if (!(n->flags & (TREE_F_DIR_CHANGED | TREE_F_WATCHED))) {
		fi->cache_readdir = 1;
		fi->keep_cache = 1;
	}
	if (fuse_reply_open(req, fi) == -ENOENT) {
		/* the opener was interrupted: nobody will release dh */
		free(dh->inos);
		free(dh);
	}
}

/* Entry i of an open directory: 0 ".", 1 "..", then the snapshot. NULL
 * for a child removed since opendir. */
static struct tree_node *dir_entry(struct fsd *fsd, const struct fsd_dirh *dh,
				   const struct tree_node *dir, size_t i,
				   const char **name)
{
	struct tree_node *c;

	if (i == 0) {
		*name = ".";
		return (struct tree_node *)dir;
	}
	if (i == 1) {
		*name = "..";
		return tree_get(fsd->tree, dir->parent);
	}
	c = tree_get(fsd->tree, dh->inos[i - 2]);
	if (!c || (c->flags & TREE_F_UNLINKED))
		return NULL;
	*name = c->name;
	return c;
}

static void ops_readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size,
			       off_t off, struct fuse_file_info *fi, bool plus)
{
	struct fsd *fsd = ops_fsd(req);
	struct fsd_dirh *dh = (struct fsd_dirh *)(uintptr_t)fi->fh;
	struct tree_node *dir = tree_get(fsd->tree, ino);
	char *buf;
	size_t pos = 0, i;
	int rc;

	rc = fsd_hook(fsd, req, plus ? FSD_OP_READDIRPLUS : FSD_OP_READDIR, dir,
		      NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && (!dir || !dh || off < 0))
		rc = dir ? -EINVAL : -ENOENT;
	if (!rc && !(buf = malloc(size ? size : 1)))
		rc = -ENOMEM;
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	for (i = (size_t)off; i < dh->n + 2; i++) {
		const char *name = NULL;
		struct tree_node *c = dir_entry(fsd, dh, dir, i, &name);
		bool dot = i < 2;
		size_t ent;

		if (!c)
			continue;
		if (plus) {
			struct fuse_entry_param e;

			if (dot) { /* the kernel skips . and .. in plus */
				memset(&e, 0, sizeof(e));
				e.attr.st_ino = c->ino;
				e.attr.st_mode = c->mode;
			} else {
				ops_entry_of(c, &e);
			}
			ent = fuse_add_direntry_plus(req, buf + pos, size - pos,
						     name, &e, (off_t)(i + 1));
		} else {
			struct stat st;

			memset(&st, 0, sizeof(st));
			st.st_ino = c->ino;
			st.st_mode = c->mode;
			ent = fuse_add_direntry(req, buf + pos, size - pos,
						name, &st, (off_t)(i + 1));
		}
		if (ent > size - pos)
			break;
		if (plus && !dot)
			tree_ref(c, 1);
		pos += ent;
	}
	fuse_reply_buf(req, buf, pos);
	free(buf);
}

void fsd_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	ops_readdir_common(req, ino, size, off, fi, false);
}

void fsd_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	ops_readdir_common(req, ino, size, off, fi, true);
}

void fsd_op_releasedir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct fsd_dirh *dh = (struct fsd_dirh *)(uintptr_t)fi->fh;

	(void)ino;
	fsd->stats.ops[FSD_OP_RELEASEDIR]++;
	if (dh) {
		free(dh->inos);
		free(dh);
	}
	fuse_reply_err(req, 0);
}
