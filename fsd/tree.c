/* tree.c - the inode table built from a manifest (see tree.h).
 * Owns node allocation, the ino index, children hashes, paths and stat. */
#include "tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "content.h"
#include "limits.h"

mode_t tree_mode_of_type(enum mf_type type)
{
	static const mode_t fmt[] = {
	    [MF_DIR] = S_IFDIR,   [MF_REG] = S_IFREG, [MF_LNK] = S_IFLNK,
	    [MF_CHR] = S_IFCHR,   [MF_BLK] = S_IFBLK, [MF_FIFO] = S_IFIFO,
	    [MF_SOCK] = S_IFSOCK,
	};

	if ((size_t)type >= sizeof(fmt) / sizeof(fmt[0]))
		return 0;
	return fmt[type];
}

struct tree_node *tree_get(const struct tree *t, uint64_t ino)
{
	if (ino == 0 || ino >= t->n_slots)
		return NULL;
	return t->nodes[ino];
}

/* Allocates a node in the next free slot with default metadata. */
static struct tree_node *tree_node_new(struct tree *t, const char *name)
{
	struct tree_node *n;

	if (t->n_slots == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct tree_node **nodes =
		    realloc(t->nodes, cap * sizeof(*nodes));

		if (!nodes)
			return NULL;
		t->nodes = nodes;
		t->cap = cap;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->ino = t->n_slots;
	n->generation = 1;
	n->entry_timeout = LIMIT_TIMEOUT_LONG;
	n->attr_timeout = LIMIT_TIMEOUT_LONG;
	n->nlink = 1;
	t->nodes[t->n_slots++] = n;
	t->n_live++;
	return n;
}

static void tree_node_free(struct tree *t, struct tree_node *n)
{
	if (n->st && t->release_st)
		t->release_st(t->release_arg, n);
	t->nodes[n->ino] = NULL;
	t->n_live--;
	content_release(&n->content);
	free(n->name);
	free(n->target);
	free(n->log_cfg);
	free(n->intercept_cfg);
	free(n);
}

int tree_lookup(const struct tree *t, const struct tree_node *dir,
		const char *name, struct tree_node **out)
{
	int rc = tree_lookup_entry(t, dir, name, out);

	if (!rc)
		*out = tree_entry_node(*out);
	return rc;
}

int tree_lookup_entry(const struct tree *t, const struct tree_node *dir,
		      const char *name, struct tree_node **out)
{
	struct tree_node *c = NULL;
	size_t len = strlen(name);

	(void)t;
	*out = NULL;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len > LIMIT_NAME_MAX)
		return -ENAMETOOLONG;
	HASH_FIND(hh, dir->children, name, len, c);
	if (!c)
		return -ENOENT;
	*out = c;
	return 0;
}

int tree_resolve(const struct tree *t, const char *path, struct tree_node **out)
{
	char comp[LIMIT_NAME_MAX + 1];
	struct tree_node *n = tree_get(t, TREE_ROOT_INO);
	const char *p = path;
	int rc;

	*out = NULL;
	if (!path || path[0] != '/')
		return -EINVAL;
	if (strlen(path) >= LIMIT_PATH_MAX)
		return -ENAMETOOLONG;
	while (*p) {
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len > LIMIT_NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, p, len);
		comp[len] = '\0';
		rc = tree_lookup(t, n, comp, &n);
		if (rc)
			return rc;
		p += len;
	}
	*out = n;
	return 0;
}

int tree_path(const struct tree *t, const struct tree_node *n, char *buf,
	      size_t len)
{
	size_t pos = len;

	if (len < 2)
		return -ENAMETOOLONG;
	buf[--pos] = '\0';
	while (n && n->ino != TREE_ROOT_INO) {
		size_t nl = strlen(n->name);

		if (nl + 1 > pos)
			return -ENAMETOOLONG;
		pos -= nl;
		memcpy(buf + pos, n->name, nl);
		buf[--pos] = '/';
		n = tree_get(t, n->parent);
	}
	if (pos == len - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, len - pos);
	return 0;
}

void tree_stat(const struct tree_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	/* an unlinked node (still open) has no name left */
	st->st_nlink = (n->flags & TREE_F_UNLINKED) ? 0 : n->nlink + n->n_links;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_rdev = n->rdev;
	st->st_size =
	    (off_t)(n->size > n->stat_min_size ? n->size : n->stat_min_size);
	st->st_blksize = LIMIT_STATFS_BSIZE;
	if (S_ISREG(n->mode) && n->content.kind != MF_SRC_SPARSE)
		st->st_blocks = (blkcnt_t)((st->st_size + 511) / 512);
	else if (S_ISLNK(n->mode) || S_ISDIR(n->mode))
		st->st_blocks = 0;
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
}

void tree_ref(struct tree_node *n, uint64_t count)
{
	n->nlookup += count;
}

void tree_forget(struct tree *t, uint64_t ino, uint64_t count)
{
	struct tree_node *n = tree_get(t, ino);

	if (!n)
		return;
	n->nlookup = count > n->nlookup ? 0 : n->nlookup - count;
	tree_free_if_unused(t, n);
}

bool tree_free_if_unused(struct tree *t, struct tree_node *n)
{
	if (n->nlookup || n->links ||
	    (n->flags & (TREE_F_NEW | TREE_F_UNLINKED)) !=
		(TREE_F_NEW | TREE_F_UNLINKED))
		return false;
	tree_node_free(t, n);
	return true;
}

int tree_node_create(struct tree *t, const char *name, mode_t mode,
		     struct tree_node **out)
{
	struct tree_node *n;

	*out = NULL;
	if (strlen(name) > LIMIT_NAME_MAX)
		return -ENAMETOOLONG;
	n = tree_node_new(t, name);
	if (!n)
		return -ENOMEM;
	n->mode = mode;
	n->flags = TREE_F_NEW | TREE_F_UNLINKED;
	n->parent = 0;
	if (S_ISDIR(mode))
		n->nlink = 2;
	*out = n;
	return 0;
}

int tree_attach(struct tree *t, struct tree_node *dir, struct tree_node *n,
		const char *name)
{
	size_t len = strlen(name);

	(void)t;
	if (len > LIMIT_NAME_MAX)
		return -ENAMETOOLONG;
	if (strcmp(n->name, name)) {
		char *copy = strdup(name);

		if (!copy)
			return -ENOMEM;
		free(n->name);
		n->name = copy;
	}
	n->parent = dir->ino;
	n->dir_seq = ++dir->next_seq;
	HASH_ADD_KEYPTR(hh, dir->children, n->name, len, n);
	dir->n_children++;
	if (S_ISDIR(n->mode))
		dir->nlink++;
	n->flags &= ~(uint32_t)TREE_F_UNLINKED;
	if (n->link_to) {
		n->link_next = n->link_to->links;
		n->link_to->links = n;
		n->link_to->n_links++;
	}
	return 0;
}

void tree_detach(struct tree *t, struct tree_node *n)
{
	struct tree_node *dir = tree_get(t, n->parent);

	if ((n->flags & TREE_F_UNLINKED) || n->ino == TREE_ROOT_INO)
		return;
	if (dir) {
		HASH_DELETE(hh, dir->children, n);
		dir->n_children--;
		if (S_ISDIR(n->mode) && dir->nlink > 2)
			dir->nlink--;
	}
	n->flags |= TREE_F_UNLINKED;
	if (n->link_to) {
		struct tree_node **pp = &n->link_to->links;

		while (*pp && *pp != n)
			pp = &(*pp)->link_next;
		if (*pp) {
			*pp = n->link_next;
			n->link_to->n_links--;
		}
		n->link_next = NULL;
	}
}

struct tree_node *tree_dir_next(const struct tree_node *dir, uint64_t seq)
{
	struct tree_node *c;

	/* Children are appended in dir_seq order: a linear scan. ESXi's
	 * largest directories hold a few hundred entries. */
	for (c = dir->children; c; c = c->hh.next)
		if (c->dir_seq > seq)
			return c;
	return NULL;
}

/* Fills n's metadata and content from manifest entry e. */
static int tree_fill(struct tree *t, struct tree_node *n,
		     const struct mf_entry *e, const struct tree_opts *opts,
		     char *err, size_t errlen)
{
	struct timespec host_mtime = {0, 0};
	size_t i;
	int rc;

	n->mode = tree_mode_of_type(e->type) | (e->mode & 07777);
	if (!(n->mode & S_IFMT)) {
		snprintf(err, errlen, "%s: entry '%s': unknown type %d",
			 e->origin ? e->origin : "<manifest>", e->path,
			 (int)e->type);
		return -EINVAL;
	}
	/* Directories: nlink = 2 + subdirectories. A directory's entry comes
	 * before its children (entries are sorted), so none are counted yet. */
	if (S_ISDIR(n->mode) && n->nlink < 2)
		n->nlink = 2;
	n->uid = e->uid;
	n->gid = e->gid;
	if (e->type == MF_CHR || e->type == MF_BLK)
		n->rdev = makedev(e->rdev_major, e->rdev_minor);
	if (e->type == MF_LNK) {
		n->target = strdup(e->target ? e->target : "");
		if (!n->target)
			return -ENOMEM;
		n->size = strlen(n->target);
	}
	if (e->type == MF_REG) {
		rc = content_resolve(e, opts, &n->content, &n->size,
				     &host_mtime, err, errlen);
		if (rc)
			return rc;
		t->total_bytes += n->size;
	}
	if (e->log_json && !(n->log_cfg = strdup(e->log_json)))
		return -ENOMEM;
	if (e->intercept_json &&
	    !(n->intercept_cfg = strdup(e->intercept_json)))
		return -ENOMEM;
	if (e->has_mtime)
		n->mtime = e->mtime;
	else if (host_mtime.tv_sec)
		n->mtime = host_mtime;
	else
		n->mtime = opts->default_time;
	n->atime = n->ctime = n->mtime;
	n->origin = NULL;
	for (i = 0; e->origin && i < t->n_origins; i++)
		if (!strcmp(t->origins[i], e->origin))
			n->origin = t->origins[i];
	return 0;
}

/* Parent directory node of absolute path p (not "/"). */
static int tree_parent_of(struct tree *t, const char *p, struct tree_node **out)
{
	char buf[LIMIT_PATH_MAX];
	const char *slash = strrchr(p, '/');
	size_t len = (size_t)(slash - p);

	if (len == 0)
		return tree_resolve(t, "/", out);
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return tree_resolve(t, buf, out);
}

static int tree_add_entry(struct tree *t, const struct mf_entry *e,
			  const struct tree_opts *opts, char *err,
			  size_t errlen)
{
	const char *origin = e->origin ? e->origin : "<manifest>";
	struct tree_node *parent, *n, *dup;
	const char *name;
	int rc;

	if (!e->path || e->path[0] != '/') {
		snprintf(err, errlen, "%s: entry '%s': path is not absolute",
			 origin, e->path ? e->path : "");
		return -EINVAL;
	}
	if (!strcmp(e->path, "/")) {
		n = tree_get(t, TREE_ROOT_INO);
		if (e->type != MF_DIR) {
			snprintf(err, errlen,
				 "%s: entry '/': the root must be a directory",
				 origin);
			return -EINVAL;
		}
		return tree_fill(t, n, e, opts, err, errlen);
	}
	rc = tree_parent_of(t, e->path, &parent);
	if (rc || !S_ISDIR(parent->mode)) {
		snprintf(err, errlen, "%s: entry '%s': parent is %s", origin,
			 e->path, rc ? "missing" : "not a directory");
		return -EINVAL;
	}
	name = strrchr(e->path, '/') + 1;
	if (!*name || strlen(name) > LIMIT_NAME_MAX) {
		snprintf(err, errlen, "%s: entry '%s': bad last component",
			 origin, e->path);
		return -EINVAL;
	}
	HASH_FIND(hh, parent->children, name, strlen(name), dup);
	if (dup) {
		snprintf(err, errlen, "%s: entry '%s': duplicate path", origin,
			 e->path);
		return -EINVAL;
	}
	n = tree_node_new(t, name);
	if (!n)
		goto nomem;
	n->parent = parent->ino;
	n->dir_seq = ++parent->next_seq;
	HASH_ADD_KEYPTR(hh, parent->children, n->name, strlen(n->name), n);
	parent->n_children++;
	rc = tree_fill(t, n, e, opts, err, errlen);
	if (rc == -ENOMEM && !*err)
		goto nomem;
	if (!rc && S_ISDIR(n->mode))
		parent->nlink++;
	return rc;
nomem:
	snprintf(err, errlen, "%s: entry '%s': out of memory", origin, e->path);
	return -ENOMEM;
}

int tree_build(const struct mf_manifest *m, const struct tree_opts *opts,
	       struct tree **out, char *err, size_t errlen)
{
	struct tree *t;
	struct tree_node *root;
	size_t i;
	int rc = -ENOMEM;

	*out = NULL;
	err[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (!t)
		goto nomem;
	t->neg_timeout = LIMIT_TIMEOUT_LONG;
	if (m->n_origins) {
		t->origins = calloc(m->n_origins, sizeof(*t->origins));
		if (!t->origins)
			goto nomem;
		for (i = 0; i < m->n_origins; i++) {
			t->origins[i] =
			    strdup(m->origins[i] ? m->origins[i] : "");
			if (!t->origins[i])
				goto nomem;
			t->n_origins++;
		}
	}
	t->cap = m->n_entries + 16;
	t->nodes = calloc(t->cap, sizeof(*t->nodes));
	if (!t->nodes)
		goto nomem;
	t->n_slots = 1; /* slot 0 stays NULL: there is no inode 0 */
	root = tree_node_new(t, "");
	if (!root)
		goto nomem;
	root->parent = TREE_ROOT_INO;
	root->mode = S_IFDIR | 0755;
	root->nlink = 2;
	root->mtime = root->atime = root->ctime = opts->default_time;
	root->nlookup = 1; /* the kernel holds the root forever */
	for (i = 0; i < m->n_entries; i++) {
		rc = tree_add_entry(t, &m->entries[i], opts, err, errlen);
		if (rc)
			goto fail;
	}
	*out = t;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory building the tree");
	rc = -ENOMEM;
fail:
	tree_free(t);
	return rc;
}

void tree_free(struct tree *t)
{
	size_t i;

	if (!t)
		return;
	/* Hash tables first: a table's bookkeeping lives in its children. */
	for (i = 0; i < t->n_slots; i++)
		if (t->nodes[i])
			HASH_CLEAR(hh, t->nodes[i]->children);
	for (i = 0; i < t->n_slots; i++)
		if (t->nodes[i])
			tree_node_free(t, t->nodes[i]);
	for (i = 0; i < t->n_origins; i++)
		free(t->origins[i]);
	free(t->origins);
	free(t->nodes);
	free(t);
}
