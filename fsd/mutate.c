/* mutate.c - namespace changes: make (mknod, mkdir, create, symlink),
 * unlink, rmdir, rename (see mutate.h).
 * Owns the POSIX checks of those operations and their journal lines. */
#include "mutate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inval.h"
#include "limits.h"

static void mut_now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

/* A directory's entries changed: new mtime and ctime. */
static void mut_dir_changed(struct tree_node *dir, const struct timespec *now)
{
	dir->mtime = dir->ctime = *now;
	dir->flags |= TREE_F_DIR_CHANGED;
}

/* Behind the kernel's back: forget dir/name and dir's listing. */
static void mut_tell_entry(struct state *s, const struct mut_who *w,
			   struct tree_node *dir, const char *name)
{
	if (!w->behind || !dir->nlookup)
		return;
	inval_entry(state_inval(s), dir->ino, name);
	inval_inode(state_inval(s), dir->ino);
}

static void mut_tell_inode(struct state *s, const struct mut_who *w,
			   struct tree_node *n)
{
	if (w->behind && n->nlookup)
		inval_inode(state_inval(s), n->ino);
}

/* The directory a name is made or removed in: -ENOENT, -ENOTDIR. */
static int mut_check_dir(const struct tree_node *dir)
{
	if (!dir)
		return -ENOENT;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (dir->flags & TREE_F_UNLINKED)
		return -ENOENT;
	return 0;
}

static int mut_check_name(const char *name)
{
	if (!name[0])
		return -ENOENT;
	if (strlen(name) > LIMIT_NAME_MAX)
		return -ENAMETOOLONG;
	if (strchr(name, '/'))
		return -EINVAL;
	return 0;
}

static bool mut_is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

int mut_make(struct state *s, const struct mut_who *w, struct tree_node *dir,
	     const char *name, mode_t mode, dev_t rdev, const char *target,
	     struct tree_node **out)
{
	struct tree *t = state_tree(s);
	struct tree_node *n, *old;
	struct timespec now;
	int rc;

	*out = NULL;
	if ((rc = mut_check_dir(dir)) || (rc = mut_check_name(name)))
		return rc;
	if (mut_is_dot(name))
		return -EEXIST;
	if (tree_lookup(t, dir, name, &old) == 0)
		return -EEXIST;
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFLNK:
		if (!target)
			return -EINVAL;
		if (strlen(target) >= LIMIT_PATH_MAX)
			return -ENAMETOOLONG;
		break;
	default:
		return -EINVAL;
	}
	if (state_broken(s))
		return -EIO;
	if ((rc = state_touch(s, dir)))
		return rc;
	if (S_ISDIR(mode) && (dir->mode & S_ISGID))
		mode |= S_ISGID;
	rc = tree_node_create(t, name, mode, &n);
	if (rc)
		return rc;
	if ((rc = state_adopt(s, n))) {
		tree_free_if_unused(t, n);
		return rc;
	}
	n->uid = w->uid;
	n->gid = (dir->mode & S_ISGID) ? dir->gid : w->gid;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		n->rdev = rdev;
	if (S_ISLNK(mode)) {
		n->target = strdup(target);
		if (!n->target) {
			rc = -ENOMEM;
			goto fail;
		}
		n->size = strlen(target);
	}
	mut_now(&now);
	n->atime = n->mtime = n->ctime = now;
	if ((rc = tree_attach(t, dir, n, name)))
		goto fail;
	mut_dir_changed(dir, &now);
	state_log(s, n);
	state_log(s, dir);
	rc = state_log_commit(s);
	mut_tell_entry(s, w, dir, name);
	*out = n;
	return rc;
fail:
	/* the node goes unjournaled (its record with it) */
	tree_free_if_unused(t, n);
	return rc;
}

/* unlink and rmdir: n leaves dir. */
static int mut_remove(struct state *s, const struct mut_who *w,
		      struct tree_node *dir, struct tree_node *n)
{
	struct timespec now;
	int rc;

	if (state_broken(s))
		return -EIO;
	if ((rc = state_touch(s, dir)) || (rc = state_touch(s, n)))
		return rc;
	mut_tell_entry(s, w, dir, n->name);
	tree_detach(state_tree(s), n);
	mut_now(&now);
	n->ctime = now;
	mut_dir_changed(dir, &now);
	state_log(s, n);
	state_log(s, dir);
	rc = state_log_commit(s);
	mut_tell_inode(s, w, n);
	tree_free_if_unused(state_tree(s), n);
	return rc;
}

int mut_unlink(struct state *s, const struct mut_who *w, struct tree_node *dir,
	       const char *name)
{
	struct tree_node *n;
	int rc;

	if ((rc = mut_check_dir(dir)) || (rc = mut_check_name(name)))
		return rc;
	if (mut_is_dot(name))
		return -EISDIR;
	if ((rc = tree_lookup(state_tree(s), dir, name, &n)))
		return rc;
	if (S_ISDIR(n->mode))
		return -EISDIR;
	return mut_remove(s, w, dir, n);
}

int mut_rmdir(struct state *s, const struct mut_who *w, struct tree_node *dir,
	      const char *name)
{
	struct tree_node *n;
	int rc;

	if ((rc = mut_check_dir(dir)) || (rc = mut_check_name(name)))
		return rc;
	if (!strcmp(name, "."))
		return -EINVAL;
	if (!strcmp(name, ".."))
		return -ENOTEMPTY;
	if ((rc = tree_lookup(state_tree(s), dir, name, &n)))
		return rc;
	if (!S_ISDIR(n->mode))
		return -ENOTDIR;
	if (n->ino == TREE_ROOT_INO)
		return -EBUSY;
	if (n->n_children)
		return -ENOTEMPTY;
	return mut_remove(s, w, dir, n);
}

/* true when a is d or one of d's ancestors (moving a into d loops). */
static bool mut_is_ancestor(struct tree *t, const struct tree_node *a,
			    const struct tree_node *d)
{
	while (d) {
		if (d == a)
			return true;
		if (d->ino == TREE_ROOT_INO)
			return false;
		d = tree_get(t, d->parent);
	}
	return false;
}

static int mut_rename_check(struct tree *t, struct tree_node *dir,
			    struct tree_node *src, struct tree_node *newdir,
			    struct tree_node *dst, unsigned flags)
{
	if (S_ISDIR(src->mode) && mut_is_ancestor(t, src, newdir))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE) {
		if (!dst)
			return -ENOENT;
		if (S_ISDIR(dst->mode) && mut_is_ancestor(t, dst, dir))
			return -EINVAL;
		return 0;
	}
	if (!dst)
		return 0;
	if (flags & RENAME_NOREPLACE)
		return -EEXIST;
	if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
		return -ENOTDIR;
	if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
		return -EISDIR;
	if (S_ISDIR(dst->mode) && dst->n_children)
		return -ENOTEMPTY;
	return 0;
}

int mut_rename(struct state *s, const struct mut_who *w, struct tree_node *dir,
	       const char *name, struct tree_node *newdir, const char *newname,
	       unsigned flags)
{
	struct tree *t = state_tree(s);
	struct tree_node *src, *dst = NULL;
	char oldname[LIMIT_NAME_MAX + 1];
	struct timespec now;
	int rc;

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if ((rc = mut_check_dir(dir)) || (rc = mut_check_dir(newdir)) ||
	    (rc = mut_check_name(name)) || (rc = mut_check_name(newname)))
		return rc;
	if (mut_is_dot(name) || mut_is_dot(newname))
		return -EBUSY;
	if ((rc = tree_lookup(t, dir, name, &src)))
		return rc;
	rc = tree_lookup(t, newdir, newname, &dst);
	if (rc && rc != -ENOENT)
		return rc;
	if (src == dst)
		return 0; /* the same file: nothing happens */
	if ((rc = mut_rename_check(t, dir, src, newdir, dst, flags)))
		return rc;
	if (state_broken(s))
		return -EIO;
	if ((rc = state_touch(s, src)) || (rc = state_touch(s, dir)) ||
	    (rc = state_touch(s, newdir)) ||
	    (dst && (rc = state_touch(s, dst))))
		return rc;
	mut_tell_entry(s, w, dir, name);
	mut_tell_entry(s, w, newdir, newname);
	snprintf(oldname, sizeof(oldname), "%s", name);
	tree_detach(t, src);
	if (dst)
		tree_detach(t, dst);
	rc = tree_attach(t, newdir, src, newname);
	if (!rc && dst && (flags & RENAME_EXCHANGE))
		rc = tree_attach(t, dir, dst, oldname);
	if (rc) {
		/* out of memory for a name: put things back as they were */
		tree_detach(t, src);
		tree_attach(t, dir, src, oldname);
		if (dst)
			tree_attach(t, newdir, dst, newname);
		return rc;
	}
	mut_now(&now);
	src->ctime = now;
	if (dst)
		dst->ctime = now;
	mut_dir_changed(dir, &now);
	mut_dir_changed(newdir, &now);
	state_log(s, src);
	if (dst)
		state_log(s, dst);
	state_log(s, dir);
	if (newdir != dir)
		state_log(s, newdir);
	rc = state_log_commit(s);
	mut_tell_inode(s, w, src);
	if (dst && !(flags & RENAME_EXCHANGE)) {
		mut_tell_inode(s, w, dst);
		tree_free_if_unused(t, dst);
	}
	return rc;
}
