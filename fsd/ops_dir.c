/* ops_dir.c - FUSE handlers for directories: opendir (ENOSYS when the
 * kernel can do without), readdir, readdirplus (full attributes),
 * releasedir. Listings need no per-open state: offsets are positions
 * built on tree_node.dir_seq (1 ".", 2 "..", 2 + dir_seq a child). */
#include "ops_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DIR_POS_DOT 1
#define DIR_POS_DOTDOT 2

void fsd_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_OPENDIR, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && !S_ISDIR(n->mode))
		rc = -ENOTDIR;
	if (!rc && fsd->no_opendir)
		rc = -ENOSYS; /* success for the kernel, and no more opendirs */
	if (rc == -ENOSYS) {
		ops_reply_status(fsd, req, rc);
		return;
	}
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	fi->fh = 0;
	/* The listing of an unchanged directory stays valid: let the kernel
	 * cache it across opens. */
	if (!(n->flags & (TREE_F_DIR_CHANGED | TREE_F_WATCHED))) {
		fi->cache_readdir = 1;
		fi->keep_cache = 1;
	}
	ops_reply_open(fsd, req, n, fi);
}

/* Adds one entry at position pos; returns its size, or 0 when it does not
 * fit (nothing added then). */
static size_t dir_add(fuse_req_t req, char *buf, size_t room, bool plus,
		      const char *name, const struct tree_node *c, bool dot,
		      off_t pos)
{
	size_t ent;

	if (plus) {
		struct fuse_entry_param e;

		if (dot) { /* the kernel skips . and .. in readdirplus */
			memset(&e, 0, sizeof(e));
			e.attr.st_ino = c->ino;
			e.attr.st_mode = c->mode;
		} else {
			ops_entry_of(c, &e);
		}
		ent = fuse_add_direntry_plus(req, buf, room, name, &e, pos);
	} else {
		struct stat st;

		memset(&st, 0, sizeof(st));
		st.st_ino = c->ino;
		st.st_mode = c->mode;
		ent = fuse_add_direntry(req, buf, room, name, &st, pos);
	}
	return ent > room ? 0 : ent;
}

static void ops_readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size,
			       off_t off, bool plus)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *dir = tree_get(fsd->tree, ino), *c, *parent;
	char *buf = NULL;
	size_t pos = 0, ent;
	int rc;

	rc = fsd_hook(fsd, req, plus ? FSD_OP_READDIRPLUS : FSD_OP_READDIR, dir,
		      NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !dir)
		rc = -ENOENT;
	if (!rc && !S_ISDIR(dir->mode))
		rc = -ENOTDIR;
	if (!rc && off < 0)
		rc = -EINVAL;
	if (!rc && !(buf = malloc(size ? size : 1)))
		rc = -ENOMEM;
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	if (off < DIR_POS_DOT) {
		ent = dir_add(req, buf + pos, size - pos, plus, ".", dir, true,
			      DIR_POS_DOT);
		if (!ent)
			goto out;
		pos += ent;
	}
	parent = tree_get(fsd->tree, dir->parent);
	if (off < DIR_POS_DOTDOT && parent) {
		ent = dir_add(req, buf + pos, size - pos, plus, "..", parent,
			      true, DIR_POS_DOTDOT);
		if (!ent)
			goto out;
		pos += ent;
	}
	c = tree_dir_next(
	    dir, off > DIR_POS_DOTDOT ? (uint64_t)off - DIR_POS_DOTDOT : 0);
	for (; c; c = c->hh.next) {
		if (c->flags & TREE_F_UNLINKED)
			continue;
		/* a link entry lists as the node it names */
		ent = dir_add(req, buf + pos, size - pos, plus, c->name,
			      tree_entry_node(c), false,
			      (off_t)(DIR_POS_DOTDOT + c->dir_seq));
		if (!ent)
			break;
		if (plus) /* the kernel now holds the entry */
			tree_ref(tree_entry_node(c), 1);
		pos += ent;
	}
out:
	ops_reply_buf(fsd, req, buf, pos);
	free(buf);
}

void fsd_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	(void)fi;
	ops_readdir_common(req, ino, size, off, false);
}

void fsd_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	(void)fi;
	ops_readdir_common(req, ino, size, off, true);
}

void fsd_op_releasedir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fsd *fsd = ops_fsd(req);

	(void)ino;
	(void)fi;
	fsd->stats.ops[FSD_OP_RELEASEDIR]++;
	fuse_reply_err(req, 0);
}
