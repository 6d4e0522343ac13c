/* state_diff.c - what the state changed relative to the manifest.
 * Owns turning the dirty list into sorted diff entries. */
#include "state_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

struct state_diff_item {
	struct state_diff_entry e;
	char *path, *old_path;
};

static int state_diff_cmp(const void *a, const void *b)
{
	const struct state_diff_item *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static bool state_ts_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Fills it from sn; false when sn differs in nothing any more. */
static bool state_diff_one(struct state *s, struct state_node *sn,
			   struct state_diff_item *it, char *buf, size_t len)
{
	struct tree_node *n = sn->n;
	struct tree_node *v = tree_entry_node(n); /* a hard link: its file */
	struct state_diff_entry *e = &it->e;
	bool gone = (n->flags & TREE_F_UNLINKED) != 0;

	memset(it, 0, sizeof(*it));
	e->mode = v->mode;
	e->uid = v->uid;
	e->gid = v->gid;
	e->size = v->size;
	e->data = state_data_of(v);
	if (sn->id) {
		if (gone || tree_path(s->t, n, buf, len))
			return false;
		e->kind = STATE_DIFF_ADDED;
		it->path = strdup(buf);
		return true;
	}
	e->old_mode = sn->undo.mode;
	e->old_uid = sn->undo.uid;
	e->old_gid = sn->undo.gid;
	e->old_size = sn->undo.size;
	if (gone) {
		e->kind = STATE_DIFF_DELETED;
		it->path = strdup(sn->ppath);
		return true;
	}
	if (tree_path(s->t, n, buf, len))
		return false;
	if (sn->data || n->size != sn->undo.size)
		e->what |= STATE_DW_CONTENT;
	if (n->mode != sn->undo.mode)
		e->what |= STATE_DW_MODE;
	if (n->uid != sn->undo.uid || n->gid != sn->undo.gid)
		e->what |= STATE_DW_OWNER;
	if (!state_ts_eq(&n->mtime, &sn->undo.mtime) ||
	    !state_ts_eq(&n->atime, &sn->undo.atime))
		e->what |= STATE_DW_TIMES;
	if (sn->n_xattrs)
		e->what |= STATE_DW_XATTR;
	if (strcmp(buf, sn->ppath)) {
		e->kind = STATE_DIFF_RENAMED;
		it->old_path = strdup(sn->ppath);
		if (!it->old_path)
			return false;
	} else if (!e->what) {
		return false;
	} else {
		e->kind = STATE_DIFF_MODIFIED;
	}
	it->path = strdup(buf);
	return true;
}

/* A manifest file deleted and a new one made at its path (what a tool's
 * write-a-temp-file-then-rename does) is one change: the file at that
 * path was modified. Merges such pairs (adjacent once sorted by path). */
static size_t state_diff_merge(struct state_diff_item *it, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		struct state_diff_item *a = &it[i], *b = &it[i + 1];
		struct state_diff_item *add, *del;

		if (i + 1 < n && !strcmp(a->path, b->path) &&
		    ((a->e.kind == STATE_DIFF_ADDED &&
		      b->e.kind == STATE_DIFF_DELETED) ||
		     (a->e.kind == STATE_DIFF_DELETED &&
		      b->e.kind == STATE_DIFF_ADDED))) {
			add = a->e.kind == STATE_DIFF_ADDED ? a : b;
			del = add == a ? b : a;
			add->e.kind = STATE_DIFF_MODIFIED;
			add->e.old_mode = del->e.old_mode;
			add->e.old_uid = del->e.old_uid;
			add->e.old_gid = del->e.old_gid;
			add->e.old_size = del->e.old_size;
			add->e.what = STATE_DW_CONTENT | STATE_DW_TIMES;
			if (add->e.mode != add->e.old_mode)
				add->e.what |= STATE_DW_MODE;
			if (add->e.uid != add->e.old_uid ||
			    add->e.gid != add->e.old_gid)
				add->e.what |= STATE_DW_OWNER;
			free(del->path);
			free(del->old_path);
			it[o++] = *add;
			i++;
			continue;
		}
		it[o++] = *a;
	}
	return o;
}

int state_diff(struct state *s,
	       int (*fn)(void *arg, const struct state_diff_entry *e),
	       void *arg)
{
	struct state_diff_item *items;
	struct state_node *sn;
	char buf[LIMIT_PATH_MAX];
	size_t n = 0, i;
	int rc = 0;

	items = calloc(s->stats.dirty + 1, sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (sn = s->dirty.next; sn != &s->dirty; sn = sn->next) {
		if (n > s->stats.dirty)
			break;
		if (!state_diff_one(s, sn, &items[n], buf, sizeof(buf)))
			continue;
		if (!items[n].path) {
			free(items[n].old_path);
			rc = -ENOMEM;
			break;
		}
		n++;
	}
	if (!rc) {
		qsort(items, n, sizeof(*items), state_diff_cmp);
		n = state_diff_merge(items, n);
		for (i = 0; i < n && !rc; i++) {
			items[i].e.path = items[i].path;
			items[i].e.old_path = items[i].old_path;
			rc = fn(arg, &items[i].e);
		}
	}
	for (i = 0; i < n; i++) {
		free(items[i].path);
		free(items[i].old_path);
	}
	free(items);
	return rc;
}
