/* mf_tree.c - the tree being built while sources are layered.
 * Owns the path -> node hash (uthash), defaults application, modify /
 * replace / delete semantics, implicit parents and the final sorted array. */
#include "mf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mf_hash.h"

struct mf_node {
	struct mf_entry e;
	size_t layer;  /* source that last defined it */
	bool implicit; /* created as a missing parent */
	UT_hash_handle hh;
};

void mf_entry_release(struct mf_entry *e)
{
	free(e->path);
	free(e->target);
	free(e->log_json);
	free(e->intercept_json);
	mf_content_release(&e->content);
	memset(e, 0, sizeof(*e));
}

static struct mf_node *mf_node_find(struct mf_ctx *c, const char *path)
{
	struct mf_node *n = NULL;

	HASH_FIND_STR(c->tree, path, n);
	return n;
}

static struct mf_node *mf_node_add(struct mf_ctx *c, const char *path)
{
	struct mf_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->e.path = strdup(path);
	if (!n->e.path) {
		free(n);
		return NULL;
	}
	HASH_ADD_KEYPTR(hh, c->tree, n->e.path, strlen(n->e.path), n);
	if (!n->hh.tbl) {
		free(n->e.path);
		free(n);
		return NULL;
	}
	c->n_nodes++;
	return n;
}

static void mf_node_del(struct mf_ctx *c, struct mf_node *n)
{
	HASH_DEL(c->tree, n);
	mf_entry_release(&n->e);
	free(n);
	c->n_nodes--;
}

static bool mf_below(const char *path, const char *dir, size_t dlen)
{
	return strncmp(path, dir, dlen) == 0 && path[dlen] == '/';
}

/* A node below dir (dir != "/"), or NULL. */
static struct mf_node *mf_first_below(struct mf_ctx *c, const char *dir)
{
	size_t dlen = strlen(dir);
	struct mf_node *n, *tmp;

	HASH_ITER(hh, c->tree, n, tmp)
	{
		if (mf_below(n->e.path, dir, dlen))
			return n;
	}
	return NULL;
}

static struct mf_node *mf_implicit_dir(struct mf_ctx *c, const char *path)
{
	struct mf_node *n = mf_node_add(c, path);

	if (!n)
		return NULL;
	n->e.type = MF_DIR;
	n->e.mode = 0755;
	n->e.origin = c->origins[c->layer];
	n->layer = c->layer;
	n->implicit = true;
	return n;
}

int mf_tree_init(struct mf_ctx *c)
{
	return mf_implicit_dir(c, "/") ? 0 : -ENOMEM;
}

void mf_tree_release(struct mf_ctx *c)
{
	struct mf_node *n, *tmp;

	HASH_ITER(hh, c->tree, n, tmp)
	{
		mf_node_del(c, n);
	}
}

static int mf_delete(struct mf_ctx *c, const char *jptr, struct mf_draft *d,
		     struct mf_node *node)
{
	char kp[MF_PTR_MAX], qb[MF_QBUF];
	struct mf_node *n, *tmp;
	size_t dlen;

	mf_ptr_join(kp, sizeof(kp), jptr, "delete");
	if (!node)
		return mf_fail(c, kp,
			       "cannot delete '%s': no earlier manifest "
			       "defines it",
			       mf_q(qb, sizeof(qb), d->path, strlen(d->path)));
	if (strcmp(d->path, "/") == 0)
		return mf_fail(c, kp, "cannot delete '/'");
	dlen = strlen(d->path);
	HASH_ITER(hh, c->tree, n, tmp)
	{
		if (n != node && mf_below(n->e.path, d->path, dlen))
			mf_node_del(c, n);
	}
	mf_node_del(c, node);
	return 0;
}

/* Which keys a type accepts beyond the common ones. */
static int mf_check_kinds(struct mf_ctx *c, const char *jptr,
			  const struct mf_draft *d, enum mf_type type,
			  const char *path)
{
	static const struct {
		unsigned int field;
		const char *key, *what;
		unsigned int types; /* 1u << enum mf_type */
	} rules[] = {
	    {MF_F_CONTENT, "content", "a file", 1u << MF_REG},
	    {MF_F_SIZE, "size", "a file", 1u << MF_REG},
	    {MF_F_TARGET, "target", "a symlink", 1u << MF_LNK},
	    {MF_F_RDEV, "rdev", "a chardev or blockdev",
	     (1u << MF_CHR) | (1u << MF_BLK)},
	};
	char kp[MF_PTR_MAX], qb[MF_QBUF];

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if ((d->set & rules[i].field) &&
		    !(rules[i].types & (1u << type))) {
			mf_ptr_join(kp, sizeof(kp), jptr, rules[i].key);
			return mf_fail(c, kp,
				       "'%s' is only valid for %s, and '%s' is "
				       "a %s",
				       rules[i].key, rules[i].what,
				       mf_q(qb, sizeof(qb), path, strlen(path)),
				       mf_type_name(type));
		}
	}
	return 0;
}

/* content + size of a draft into a file entry (both given as a unit). */
static void mf_take_content(struct mf_entry *e, struct mf_draft *d)
{
	mf_content_release(&e->content);
	e->has_size = (d->set & MF_F_SIZE) != 0;
	if (d->set & MF_F_CONTENT) {
		e->content = d->content;
		memset(&d->content, 0, sizeof(d->content));
	} else if (d->set & MF_F_SIZE) {
		e->content.kind = MF_SRC_SPARSE;
		e->content.size = d->size;
	}
	switch (e->content.kind) {
	case MF_SRC_INLINE:
		e->size = e->content.len;
		break;
	case MF_SRC_SPARSE:
		e->size = e->content.size;
		break;
	default:
		e->size = 0;
		break;
	}
}

static int mf_strmove(char **dst, char **src)
{
	free(*dst);
	*dst = *src;
	*src = NULL;
	return 0;
}

/* The draft's explicit fields onto e (fresh or existing). */
static void mf_take_fields(struct mf_entry *e, struct mf_draft *d)
{
	if (d->set & MF_F_MODE)
		e->mode = d->mode;
	if (d->set & MF_F_OWNER)
		e->uid = d->uid;
	if (d->set & MF_F_GROUP)
		e->gid = d->gid;
	if (d->set & MF_F_TARGET)
		mf_strmove(&e->target, &d->target);
	if (d->set & MF_F_RDEV) {
		e->rdev_major = d->rdev_major;
		e->rdev_minor = d->rdev_minor;
	}
	if (d->set & MF_F_MTIME) {
		e->has_mtime = true;
		e->mtime = d->mtime;
	}
	if (d->set & MF_F_LOG)
		mf_strmove(&e->log_json, &d->log_json);
	if (d->set & MF_F_INTERCEPT)
		mf_strmove(&e->intercept_json, &d->intercept_json);
	if (e->type == MF_REG && (d->set & (MF_F_CONTENT | MF_F_SIZE)))
		mf_take_content(e, d);
}

/* Defaults of the current source, in order, for fields the entry lacks. */
static int mf_apply_defaults(struct mf_ctx *c, struct mf_entry *e,
			     unsigned int given, unsigned int *applied)
{
	char *comps[MF_MAX_PATH / 2 + 1];
	char copy[MF_MAX_PATH + 1];
	const struct mf_default *log = NULL, *icpt = NULL;
	size_t n;

	if (!c->n_defs)
		return 0;
	snprintf(copy, sizeof(copy), "%s", e->path);
	n = mf_path_split(copy, comps, sizeof(comps) / sizeof(comps[0]));
	for (size_t i = 0; i < c->n_defs; i++) {
		const struct mf_default *df = &c->defs[i];
		unsigned int f = df->set & ~given;

		if (!f || (df->type && df->type != e->type) ||
		    !mf_glob_match(df->comps, df->n_comps, comps, n))
			continue;
		*applied |= f;
		if (f & MF_F_MODE)
			e->mode = df->mode;
		if (f & MF_F_OWNER)
			e->uid = df->uid;
		if (f & MF_F_GROUP)
			e->gid = df->gid;
		if (f & MF_F_MTIME) {
			e->has_mtime = true;
			e->mtime = df->mtime;
		}
		if (f & MF_F_LOG)
			log = df;
		if (f & MF_F_INTERCEPT)
			icpt = df;
	}
	if (log && !(e->log_json = strdup(log->log_json)))
		return -ENOMEM;
	if (icpt && !(e->intercept_json = strdup(icpt->intercept_json)))
		return -ENOMEM;
	return 0;
}

static mode_t mf_default_mode(enum mf_type t)
{
	return t == MF_DIR ? 0755 : t == MF_LNK ? 0777 : 0644;
}

/* A new definition of d->path (new path, replace, type change, or a path
 * that so far existed only as an implicit parent). */
static int mf_define(struct mf_ctx *c, const char *jptr, struct mf_draft *d,
		     struct mf_node *node)
{
	char kp[MF_PTR_MAX], qb[MF_QBUF];
	struct mf_entry e;
	enum mf_type type;
	struct mf_node *below;
	unsigned int applied = 0;
	int rc;

	type = (d->set & MF_F_TYPE) ? d->type : node ? node->e.type : 0;
	if (!type)
		return mf_fail(c, jptr, "new path '%s' needs a 'type'",
			       mf_q(qb, sizeof(qb), d->path, strlen(d->path)));
	mf_ptr_join(kp, sizeof(kp), jptr, "type");
	if (type != MF_DIR && strcmp(d->path, "/") == 0)
		return mf_fail(c, kp, "'/' must be a directory");
	rc = mf_check_kinds(c, jptr, d, type, d->path);
	if (rc)
		return rc;
	if (type == MF_LNK && !(d->set & MF_F_TARGET))
		return mf_fail(c, jptr, "symlink '%s' needs a 'target'",
			       mf_q(qb, sizeof(qb), d->path, strlen(d->path)));
	if (node && node->e.type == MF_DIR && type != MF_DIR &&
	    (below = mf_first_below(c, d->path)))
		return mf_fail(c, kp,
			       "'%s' cannot become a %s: '%s' is below it",
			       d->path, mf_type_name(type), below->e.path);
	memset(&e, 0, sizeof(e));
	e.type = type;
	e.path = node ? node->e.path : strdup(d->path);
	if (!e.path)
		return mf_oom(c, jptr);
	if (mf_apply_defaults(c, &e, d->set, &applied)) {
		if (!node)
			free(e.path);
		free(e.log_json);
		return mf_oom(c, jptr);
	}
	if (!((d->set | applied) & MF_F_MODE))
		e.mode = mf_default_mode(type);
	mf_take_fields(&e, d);
	if (!node) {
		node = calloc(1, sizeof(*node));
		if (!node) {
			mf_entry_release(&e);
			return mf_oom(c, jptr);
		}
		node->e = e;
		HASH_ADD_KEYPTR(hh, c->tree, node->e.path, strlen(node->e.path),
				node);
		if (!node->hh.tbl) {
			mf_entry_release(&node->e);
			free(node);
			return mf_oom(c, jptr);
		}
		c->n_nodes++;
	} else {
		node->e.path = NULL; /* kept in e */
		mf_entry_release(&node->e);
		node->e = e;
	}
	node->e.origin = c->origins[c->layer];
	node->layer = c->layer;
	node->implicit = false;
	return 0;
}

int mf_tree_apply(struct mf_ctx *c, const char *jptr, struct mf_draft *d)
{
	struct mf_node *node = mf_node_find(c, d->path);
	char qb[MF_QBUF];
	int rc;

	if (d->del)
		return mf_delete(c, jptr, d, node);
	if (d->replace && !node)
		return mf_fail(c, jptr,
			       "cannot replace '%s': no earlier manifest "
			       "defines it",
			       mf_q(qb, sizeof(qb), d->path, strlen(d->path)));
	if (!node || node->implicit || d->replace ||
	    ((d->set & MF_F_TYPE) && d->type != node->e.type))
		return mf_define(c, jptr, d, node);
	/* modification of an earlier layer's entry: given fields only */
	rc = mf_check_kinds(c, jptr, d, node->e.type, d->path);
	if (rc)
		return rc;
	mf_take_fields(&node->e, d);
	node->e.origin = c->origins[c->layer];
	node->layer = c->layer;
	return 0;
}

int mf_tree_layer_end(struct mf_ctx *c, const char *const *paths,
		      const size_t *idx, size_t n)
{
	char buf[MF_MAX_PATH + 1], kp[MF_PTR_MAX], qb[MF_QBUF];

	for (size_t i = 0; i < n; i++) {
		if (!mf_node_find(c, paths[i]))
			continue; /* deleted later in the same source */
		snprintf(buf, sizeof(buf), "%s", paths[i]);
		while (strcmp(buf, "/") != 0) {
			char *slash = strrchr(buf, '/');
			struct mf_node *p;

			if (slash == buf)
				slash[1] = '\0';
			else
				*slash = '\0';
			p = mf_node_find(c, buf);
			if (p && p->e.type != MF_DIR) {
				snprintf(kp, sizeof(kp), "/entries/%zu/path",
					 idx[i]);
				return mf_fail(c, kp,
					       "parent '%s' of '%s' is not a "
					       "directory (it is a %s)",
					       buf,
					       mf_q(qb, sizeof(qb), paths[i],
						    strlen(paths[i])),
					       mf_type_name(p->e.type));
			}
			if (p)
				break;
			if (!mf_implicit_dir(c, buf))
				return mf_oom(c, "");
		}
	}
	return 0;
}

static int mf_entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mf_entry *)a)->path,
		      ((const struct mf_entry *)b)->path);
}

int mf_tree_finish(struct mf_ctx *c, struct mf_manifest *m)
{
	struct mf_node *n, *tmp;
	size_t i = 0;

	m->entries = calloc(c->n_nodes ? c->n_nodes : 1, sizeof(*m->entries));
	if (!m->entries)
		return -ENOMEM;
	HASH_ITER(hh, c->tree, n, tmp)
	{
		HASH_DEL(c->tree, n);
		m->entries[i++] = n->e;
		free(n);
	}
	m->n_entries = i;
	c->n_nodes = 0;
	qsort(m->entries, m->n_entries, sizeof(*m->entries), mf_entry_cmp);
	return 0;
}

const struct mf_entry *mf_find(const struct mf_manifest *m, const char *path)
{
	struct mf_entry key;

	if (!m || !path || !m->n_entries)
		return NULL;
	key.path = (char *)path;
	return bsearch(&key, m->entries, m->n_entries, sizeof(*m->entries),
		       mf_entry_cmp);
}
