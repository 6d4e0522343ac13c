/* state_apply.c - puts folded journal records onto the manifest's tree:
 * replay at start, and the second half of a restore.
 * Owns the checks that a journal fits the manifest it is applied to. */
#include "state_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int state_apply_err(char *err, size_t errlen, const char *what,
			   const struct sj_rec *r, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int state_apply_err(char *err, size_t errlen, const char *what,
			   const struct sj_rec *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: line %zu: node '%s': %s", what, r->line,
		 r->ref, msg);
	return -EINVAL;
}

static bool state_apply_is_root(const struct sj_rec *r)
{
	return !strcmp(r->ref, "/");
}

/* A hard link record: a run-time node naming a live node of its type,
 * itself no link. Sets r->lnode for a manifest node. */
static int state_apply_link_check(struct state *s, struct sj_map *m,
				  struct sj_rec *r)
{
	struct sj_rec *pr;
	struct tree_node *n;

	if (r->ref[0] != '#' || r->type == 'd' || r->data)
		return -EINVAL;
	HASH_FIND_STR(m->recs, r->link, pr);
	if (pr && (pr->del || pr->link || pr->type != r->type))
		return -EINVAL;
	if (r->link[0] == '/') {
		if (tree_resolve(s->t, r->link, &n) ||
		    sj_mode_of(r->type) != (n->mode & S_IFMT))
			return -EINVAL;
		r->lnode = n;
		return 0;
	}
	return pr ? 0 : -EINVAL;
}

/* Phase 1: every REF and parent resolves, types agree, data files exist.
 * Nothing changes yet. */
static int state_apply_check(struct state *s, struct sj_map *m, int srcdatafd,
			     const char *what, char *err, size_t errlen)
{
	struct sj_rec *r, *tmp, *pr;
	struct tree_node *n;
	char name[32];
	struct stat st;

	HASH_ITER(hh, m->recs, r, tmp)
	{
		r->node = r->pnode = r->lnode = NULL;
		if (r->ref[0] == '/') {
			if (tree_resolve(s->t, r->ref, &n))
				return state_apply_err(err, errlen, what, r,
						       "'%s' is not in the "
						       "manifest",
						       r->ref);
			if (!r->del &&
			    sj_mode_of(r->type) != (n->mode & S_IFMT))
				return state_apply_err(
				    err, errlen, what, r,
				    "its type differs from the manifest's");
			if (r->del && state_apply_is_root(r))
				return state_apply_err(err, errlen, what, r,
						       "the root cannot be "
						       "deleted");
			r->node = n;
		}
		if (r->del)
			continue;
		if (r->parent[0] == '/') {
			if (tree_resolve(s->t, r->parent, &n) ||
			    !S_ISDIR(n->mode))
				return state_apply_err(
				    err, errlen, what, r,
				    "parent '%s' is not a manifest directory",
				    r->parent);
			r->pnode = n;
		} else {
			HASH_FIND_STR(m->recs, r->parent, pr);
			if (!pr || pr->del || pr->type != 'd')
				return state_apply_err(err, errlen, what, r,
						       "parent '%s' is not a "
						       "directory of the state",
						       r->parent);
		}
		if (r->link && state_apply_link_check(s, m, r))
			return state_apply_err(err, errlen, what, r,
					       "link '%s' does not name a "
					       "non-directory node of the same "
					       "type",
					       r->link);
		if (state_apply_is_root(r) && strcmp(r->parent, "/"))
			return state_apply_err(err, errlen, what, r,
					       "the root cannot move");
		if (r->data) {
			snprintf(name, sizeof(name), "%llu",
				 (unsigned long long)r->data);
			if (r->type != 'f')
				return state_apply_err(err, errlen, what, r,
						       "data for a non-file");
			if (fstatat(srcdatafd, name, &st, 0) < 0 ||
			    !S_ISREG(st.st_mode))
				return state_apply_err(err, errlen, what, r,
						       "data file 'data/%s' is "
						       "missing",
						       name);
		}
	}
	return 0;
}

/* Phase 2: the run-time nodes, detached, with their ids. */
static int state_apply_create(struct state *s, struct sj_map *m)
{
	struct sj_rec *r, *tmp, *pr;
	struct tree_node *n;
	unsigned long long id;
	int rc;

	HASH_ITER(hh, m->recs, r, tmp)
	{
		if (r->ref[0] != '#')
			continue;
		id = strtoull(r->ref + 1, NULL, 10);
		rc = tree_node_create(s->t, r->name,
				      sj_mode_of(r->type) | r->mode, &n);
		if (!rc && (rc = state_adopt(s, n)))
			tree_free_if_unused(s->t, n);
		if (rc)
			return rc;
		n->st->id = id;
		if (id >= s->next_id)
			s->next_id = id + 1;
		r->node = n;
	}
	/* hard links name their nodes (attached in phase 4) */
	HASH_ITER(hh, m->recs, r, tmp)
	{
		if (r->ref[0] != '#' || !r->link)
			continue;
		if (r->link[0] == '#') {
			HASH_FIND_STR(m->recs, r->link, pr);
			r->lnode = pr->node;
		}
		((struct tree_node *)r->node)->link_to = r->lnode;
	}
	return 0;
}

/* Moves the record's xattrs into the node's record. */
static int state_apply_xattrs(struct state_node *sn, struct sj_rec *r)
{
	struct state_xattr *x = NULL;
	size_t i;

	if (r->nx && !(x = calloc(r->nx, sizeof(*x))))
		return -ENOMEM;
	for (i = 0; i < sn->n_xattrs; i++) {
		free(sn->xattrs[i].name);
		free(sn->xattrs[i].value);
	}
	free(sn->xattrs);
	sn->xattrs = x;
	sn->n_xattrs = r->nx;
	sn->xattr_bytes = 0;
	for (i = 0; i < r->nx; i++) {
		x[i].name = r->x[i].name;
		x[i].value = r->x[i].value;
		x[i].len = r->x[i].len;
		sn->xattr_bytes += strlen(x[i].name) + x[i].len;
	}
	free(r->x);
	r->x = NULL;
	r->nx = 0;
	return 0;
}

/* Links a snapshot's data file into data/ and takes size and times. */
static int state_apply_data(struct state *s, struct tree_node *n, uint64_t id,
			    int srcdatafd)
{
	char name[32];
	struct stat st;

	snprintf(name, sizeof(name), "%llu", (unsigned long long)id);
	if (srcdatafd != s->datafd &&
	    linkat(srcdatafd, name, s->datafd, name, 0) < 0 && errno != EEXIST)
		return -errno;
	if (fstatat(s->datafd, name, &st, 0) < 0)
		return -errno;
	n->st->data = id;
	n->st->data_shared = st.st_nlink > 1;
	n->size = (uint64_t)st.st_size;
	/* bytes written after the last journal line moved the data file's
	 * times, not the record's */
	n->mtime = st.st_mtim;
	if (st.st_ctim.tv_sec > n->ctime.tv_sec ||
	    (st.st_ctim.tv_sec == n->ctime.tv_sec &&
	     st.st_ctim.tv_nsec > n->ctime.tv_nsec))
		n->ctime = st.st_ctim;
	return 0;
}

int state_apply(struct state *s, struct sj_map *m, int srcdatafd,
		const char *what, char *err, size_t errlen)
{
	struct sj_rec *r, *tmp, *pr;
	struct tree_node *n, *p, *dup;
	int rc;

	rc = state_apply_check(s, m, srcdatafd, what, err, errlen);
	if (rc)
		return rc;
	rc = state_apply_create(s, m);
	if (rc) {
		snprintf(err, errlen, "%s: out of memory", what);
		return rc;
	}
	/* Phase 3: manifest nodes get their records and leave their place */
	HASH_ITER(hh, m->recs, r, tmp)
	{
		if (r->ref[0] != '/')
			continue;
		n = r->node;
		if ((rc = state_touch(s, n))) {
			snprintf(err, errlen, "%s: out of memory", what);
			return rc;
		}
		if (!state_apply_is_root(r))
			tree_detach(s->t, n);
	}
	/* Phase 4: metadata, places, data */
	HASH_ITER(hh, m->recs, r, tmp)
	{
		n = r->node;
		s->stats.last_nodes_visited++;
		if (r->del)
			continue;
		n->mode = sj_mode_of(r->type) | r->mode;
		n->uid = r->uid;
		n->gid = r->gid;
		n->atime = r->atime;
		n->mtime = r->mtime;
		n->ctime = r->ctime;
		if (r->type == 'c' || r->type == 'b')
			n->rdev = makedev(r->rdev_major, r->rdev_minor);
		if (r->type == 'l' && r->ref[0] == '#') {
			free(n->target);
			n->target = r->target;
			r->target = NULL;
			n->size = strlen(n->target);
		}
		if ((rc = state_apply_xattrs(n->st, r))) {
			snprintf(err, errlen, "%s: out of memory", what);
			return rc;
		}
		if (r->data &&
		    (rc = state_apply_data(s, n, r->data, srcdatafd))) {
			snprintf(err, errlen,
				 "%s: line %zu: data file %llu: %s", what,
				 r->line, (unsigned long long)r->data,
				 strerror(-rc));
			return rc;
		}
		if (state_apply_is_root(r))
			continue;
		if (r->parent[0] == '#') {
			HASH_FIND_STR(m->recs, r->parent, pr);
			p = pr->node;
		} else {
			p = r->pnode;
		}
		HASH_FIND(hh, p->children, r->name, strlen(r->name), dup);
		if (dup)
			return state_apply_err(err, errlen, what, r,
					       "its name '%s' is taken twice",
					       r->name);
		if ((rc = tree_attach(s->t, p, n, r->name))) {
			snprintf(err, errlen, "%s: line %zu: %s", what, r->line,
				 strerror(-rc));
			return rc;
		}
	}
	s->stats.nodes_visited += s->stats.last_nodes_visited;
	return 0;
}
