/* mutate.c - namespace changes: make (mknod, mkdir, create, symlink),
 * link, unlink, rmdir, rename (see mutate.h).
 * Owns the POSIX checks of those operations and their journal lines. */
#include "mutate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inval.h"
#include "limits.h"

/* Names of one file at most (link(2) then fails with EMLINK). */
#define MUT_LINK_MAX 65000

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
	state_now(&now);
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

/* n's own name goes while link entries name it: n takes the place of
 * its first link entry, which goes (its inode number stays what the
 * kernel knows under every name). Adds the entry's and its directory's
 * records to the operation's line; the caller logs n and n's old
 * directory. 0, -ENOMEM (nothing changed). */
static int mut_promote(struct state *s, const struct mut_who *w,
		       struct tree_node *n, const struct timespec *now)
{
	struct tree *t = state_tree(s);
	struct tree_node *a = n->links, *adir = tree_get(t, a->parent);
	struct tree_node *odir = tree_get(t, n->parent);
	char aname[LIMIT_NAME_MAX + 1], oname[LIMIT_NAME_MAX + 1];
	int rc;

	if ((rc = state_touch(s, adir)) || (rc = state_touch(s, n)))
		return rc;
	snprintf(aname, sizeof(aname), "%s", a->name);
	snprintf(oname, sizeof(oname), "%s", n->name);
	mut_tell_entry(s, w, adir, aname);
	tree_detach(t, a);
	tree_detach(t, n);
	if ((rc = tree_attach(t, adir, n, aname))) {
		tree_attach(t, odir, n, oname);
		tree_attach(t, adir, a, aname);
		return rc;
	}
	mut_dir_changed(adir, now);
	state_log(s, a);
	if (adir != odir)
		state_log(s, adir);
	tree_free_if_unused(t, a);
	return 0;
}

/* unlink and rmdir: the entry n (a node, or a link entry) leaves dir. */
static int mut_remove(struct state *s, const struct mut_who *w,
		      struct tree_node *dir, struct tree_node *n)
{
	struct tree_node *named = n->link_to;
	struct timespec now;
	int rc;

	if (state_broken(s))
		return -EIO;
	if ((rc = state_touch(s, dir)) || (rc = state_touch(s, n)) ||
	    (named && (rc = state_touch(s, named))))
		return rc;
	mut_tell_entry(s, w, dir, n->name);
	state_now(&now);
	if (n->links) {
		/* the file keeps its other names */
		if ((rc = mut_promote(s, w, n, &now)))
			return rc;
		n->ctime = now;
		mut_dir_changed(dir, &now);
		state_log(s, n);
		state_log(s, dir);
		rc = state_log_commit(s);
		mut_tell_inode(s, w, n);
		return rc;
	}
	tree_detach(state_tree(s), n);
	n->ctime = now;
	mut_dir_changed(dir, &now);
	state_log(s, n);
	state_log(s, dir);
	if (named) {
		named->ctime = now;
		state_log(s, named);
	}
	rc = state_log_commit(s);
	mut_tell_inode(s, w, named ? named : n);
	tree_free_if_unused(state_tree(s), n);
	return rc;
}

/* n is in the tree: reachable from the root (the hidden /.esxmock nodes
 * are not). */
static bool mut_in_tree(struct tree *t, const struct tree_node *n)
{
	while (n && n->ino != TREE_ROOT_INO) {
		if (n->flags & TREE_F_UNLINKED)
			return false;
		n = tree_get(t, n->parent);
	}
	return n != NULL;
}

int mut_link(struct state *s, const struct mut_who *w, struct tree_node *n,
	     struct tree_node *dir, const char *name, struct tree_node **out)
{
	struct tree *t = state_tree(s);
	struct tree_node *a, *old;
	struct timespec now;
	int rc;

	*out = NULL;
	if (!n)
		return -ENOENT;
	n = tree_entry_node(n);
	if ((rc = mut_check_dir(dir)) || (rc = mut_check_name(name)))
		return rc;
	if (mut_is_dot(name) || tree_lookup_entry(t, dir, name, &old) == 0)
		return -EEXIST;
	if (S_ISDIR(n->mode))
		return -EPERM;
	if (n->flags & TREE_F_UNLINKED)
		return n->ino == TREE_ROOT_INO ? -EPERM : -ENOENT;
	if (!mut_in_tree(t, n) || !mut_in_tree(t, dir))
		return -EXDEV;
	if (n->nlink + n->n_links >= MUT_LINK_MAX)
		return -EMLINK;
	if (state_broken(s))
		return -EIO;
	if ((rc = state_touch(s, dir)) || (rc = state_touch(s, n)))
		return rc;
	if ((rc = tree_node_create(t, name, n->mode, &a)))
		return rc;
	if ((rc = state_adopt(s, a))) {
		tree_free_if_unused(t, a);
		return rc;
	}
	a->link_to = n;
	a->uid = n->uid;
	a->gid = n->gid;
	state_now(&now);
	a->atime = a->mtime = a->ctime = now;
	if ((rc = tree_attach(t, dir, a, name))) {
		tree_free_if_unused(t, a);
		return rc;
	}
	n->ctime = now;
	mut_dir_changed(dir, &now);
	state_log(s, a);
	state_log(s, n);
	state_log(s, dir);
	rc = state_log_commit(s);
	mut_tell_entry(s, w, dir, name);
	mut_tell_inode(s, w, n);
	*out = n;
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
	if ((rc = tree_lookup_entry(state_tree(s), dir, name, &n)))
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
	if ((rc = tree_lookup_entry(t, dir, name, &src)))
		return rc;
	rc = tree_lookup_entry(t, newdir, newname, &dst);
	if (rc && rc != -ENOENT)
		return rc;
	if (dst && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (dst && tree_entry_node(src) == tree_entry_node(dst))
		return 0; /* the same file (or two of its names): nothing */
	if ((rc = mut_rename_check(t, dir, src, newdir, dst, flags)))
		return rc;
	if (state_broken(s))
		return -EIO;
	if ((rc = state_touch(s, src)) || (rc = state_touch(s, dir)) ||
	    (rc = state_touch(s, newdir)) ||
	    (dst && (rc = state_touch(s, dst))) ||
	    (dst && dst->link_to && (rc = state_touch(s, dst->link_to))))
		return rc;
	mut_tell_entry(s, w, dir, name);
	mut_tell_entry(s, w, newdir, newname);
	state_now(&now);
	if (dst && dst->links && !(flags & RENAME_EXCHANGE)) {
		/* the replaced file keeps its other names */
		if ((rc = mut_promote(s, w, dst, &now)))
			return rc;
		state_log(s, dst);
		mut_tell_inode(s, w, dst);
		dst = NULL;
	}
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
		state_log_commit(s); /* a promotion already done, if any */
		return rc;
	}
	src->ctime = now;
	if (dst)
		dst->ctime = now;
	if (dst && dst->link_to && !(flags & RENAME_EXCHANGE)) {
		dst->link_to->ctime = now; /* one name less */
		state_log(s, dst->link_to);
	}
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
		mut_tell_inode(s, w, tree_entry_node(dst));
		tree_free_if_unused(t, dst);
	}
	return rc;
}
