/* mf_import_rows.c - the importer's row set: sorting, exact duplicates,
 * conflicting duplicates and the relative rows that the capture command's
 * "*" glob adds (resolved only when one directory holds all of them). */
#include "mf_import_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void mfi_row_release(struct mfi_row *r)
{
	free(r->path);
	free(r->owner);
	free(r->group);
	free(r->target);
	free(r->link);
	memset(r, 0, sizeof(*r));
}

void mfi_set_release(struct mfi_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		mfi_row_release(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int mfi_set_push(struct mfi_set *s, struct mfi_row *r)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct mfi_row *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *r; /* the set now owns the strings */
	memset(r, 0, sizeof(*r));
	return 0;
}

size_t mfi_set_lower(const struct mfi_set *s, const char *prefix)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->v[mid].path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct mfi_row *mfi_set_find(const struct mfi_set *s, const char *path)
{
	size_t i = mfi_set_lower(s, path);

	return i < s->n && !strcmp(s->v[i].path, path) ? &s->v[i] : NULL;
}

static bool mfi_streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Names the first field in which a and b differ (for messages). */
static const char *mfi_row_diff(const struct mfi_row *a,
				const struct mfi_row *b)
{
	if (a->type != b->type)
		return "type";
	if (a->mode != b->mode)
		return "mode";
	if (!mfi_streq(a->owner, b->owner) || a->uid != b->uid)
		return "owner";
	if (!mfi_streq(a->group, b->group) || a->gid != b->gid)
		return "group";
	if (a->size != b->size)
		return "size";
	if (a->has_mtime != b->has_mtime || a->mtime != b->mtime)
		return "mtime";
	if (!mfi_streq(a->target, b->target))
		return "target";
	if (a->has_rdev != b->has_rdev || a->rdev_major != b->rdev_major ||
	    a->rdev_minor != b->rdev_minor)
		return "rdev";
	return NULL;
}

bool mfi_row_same(const struct mfi_row *a, const struct mfi_row *b)
{
	return !mfi_row_diff(a, b);
}

static int mfi_row_cmp(const void *pa, const void *pb)
{
	const struct mfi_row *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Drops exact duplicates of the sorted set in place; fails on a path listed
 * twice with different attributes (which one is right is unknowable). */
static int mfi_dedupe_sorted(struct mfi_set *s, size_t *dropped,
			     struct mf_error *err)
{
	size_t i, o = 0;

	for (i = 0; i < s->n; i++) {
		if (o && !strcmp(s->v[o - 1].path, s->v[i].path)) {
			const char *f = mfi_row_diff(&s->v[o - 1], &s->v[i]);

			if (f) {
				snprintf(err->jpath, sizeof(err->jpath), "/%zu",
					 s->v[i].index);
				return mfi_fail(
				    err, -EINVAL,
				    "rows %zu and %zu both list '%s' but "
				    "differ in %s",
				    s->v[o - 1].index, s->v[i].index,
				    s->v[i].path, f);
			}
			(*dropped)++;
			mfi_row_release(&s->v[i]);
			continue;
		}
		s->v[o++] = s->v[i];
	}
	s->n = o;
	return 0;
}

/* The directory D such that D/name exists for every relative name; counts
 * the candidates (resolution needs exactly one). Names are distinct and
 * sorted; "" stands for D itself. */
static size_t mfi_rel_candidates(const struct mfi_set *abs,
				 const struct mfi_set *rel, char **base)
{
	const char *probe = NULL;
	size_t i, j, plen, count = 0;
	char *buf;

	*base = NULL;
	for (i = 0; i < rel->n && !probe; i++)
		if (rel->v[i].path[0])
			probe = rel->v[i].path;
	if (!probe)
		return 0;
	plen = strlen(probe);
	buf = malloc(MFI_MAX_PATH * 2 + 4);
	if (!buf)
		return 0;
	for (i = 0; i < abs->n; i++) {
		const char *p = abs->v[i].path;
		size_t len = strlen(p), dlen;
		bool all = true;

		if (len <= plen || strcmp(p + len - plen, probe) ||
		    p[len - plen - 1] != '/')
			continue;
		dlen = len - plen - 1; /* D = p[0..dlen), "" for "/" */
		for (j = 0; j < rel->n && all; j++) {
			const char *r = rel->v[j].path;

			if (j && !strcmp(r, rel->v[j - 1].path))
				continue;
			if (!*r)
				snprintf(buf, MFI_MAX_PATH * 2 + 4, "%.*s",
					 (int)(dlen ? dlen : 1),
					 dlen ? p : "/");
			else
				snprintf(buf, MFI_MAX_PATH * 2 + 4, "%.*s/%s",
					 (int)dlen, p, r);
			all = mfi_set_find(abs, buf) != NULL;
		}
		if (!all)
			continue;
		if (!count++) {
			*base = strndup(dlen ? p : "/", dlen ? dlen : 1);
			if (!*base) {
				free(buf);
				return 0;
			}
		}
	}
	free(buf);
	if (count != 1) {
		free(*base);
		*base = NULL;
	}
	return count;
}

static void mfi_rel_warn_names(const struct mfi_set *rel, FILE *warn)
{
	size_t i, shown = 0;

	for (i = 0; i < rel->n && shown < MFI_MAX_WARN; i++) {
		if (i && !strcmp(rel->v[i].path, rel->v[i - 1].path))
			continue;
		fprintf(warn, "%s'%s'", shown ? ", " : "", rel->v[i].path);
		shown++;
	}
	if (shown == MFI_MAX_WARN && i < rel->n)
		fprintf(warn, ", ...");
	fprintf(warn, "\n");
}

static int mfi_rel_resolve(struct mfi_set *abs, struct mfi_set *rel,
			   struct mf_import_report *rep, FILE *warn)
{
	char *base = NULL, path[MFI_MAX_PATH * 2 + 4];
	size_t i;

	rep->rel_rows = rel->n;
	for (i = 0; i < rel->n; i++)
		if (!i || strcmp(rel->v[i].path, rel->v[i - 1].path))
			rep->rel_names++;
	if (!rel->n)
		return 0;
	rep->rel_candidates = mfi_rel_candidates(abs, rel, &base);
	if (!base) {
		rep->rel_dropped = rel->n;
		if (warn) {
			fprintf(warn,
				"import: warning: %zu relative rows dropped: "
				"%zu directories hold all of their %zu names "
				"(need exactly 1): ",
				rel->n, rep->rel_candidates, rep->rel_names);
			mfi_rel_warn_names(rel, warn);
		}
		return 0;
	}
	snprintf(rep->rel_base, sizeof(rep->rel_base), "%s", base);
	for (i = 0; i < rel->n; i++) {
		const struct mfi_row *a;
		const char *f;

		if (!rel->v[i].path[0])
			snprintf(path, sizeof(path), "%s", base);
		else
			snprintf(path, sizeof(path), "%s%s%s", base,
				 strcmp(base, "/") ? "/" : "", rel->v[i].path);
		a = mfi_set_find(abs, path);
		f = a ? mfi_row_diff(a, &rel->v[i]) : "existence";
		if (!f) {
			rep->rel_resolved++;
			continue;
		}
		rep->rel_conflict++;
		if (warn && rep->rel_conflict <= MFI_MAX_WARN)
			fprintf(warn,
				"import: warning: relative row %zu ('%s') "
				"resolves to '%s' but differs from it in %s: "
				"dropped, the absolute row is kept\n",
				rel->v[i].index, rel->v[i].path, path, f);
	}
	free(base);
	return 0;
}

/* Fails when a row lies below a path the listing gives as a non-directory
 * (the loader would refuse it; here the message can name both rows). */
static int mfi_check_parents(const struct mfi_set *s, struct mf_error *err)
{
	char parent[MFI_MAX_PATH + 1];

	for (size_t i = 0; i < s->n; i++) {
		const struct mfi_row *p;
		const char *slash = strrchr(s->v[i].path, '/');
		size_t plen = (size_t)(slash - s->v[i].path);

		if (!plen)
			continue; /* child of "/" (or "/" itself) */
		memcpy(parent, s->v[i].path, plen);
		parent[plen] = '\0';
		p = mfi_set_find(s, parent);
		if (p && p->type != MF_DIR) {
			snprintf(err->jpath, sizeof(err->jpath), "/%zu",
				 s->v[i].index);
			return mfi_fail(err, -EINVAL,
					"row %zu lists '%s' below '%s', which "
					"row %zu gives as a %s",
					s->v[i].index, s->v[i].path, parent,
					p->index, mf_type_name(p->type));
		}
	}
	return 0;
}

int mfi_rows_dedupe(struct mfi_set *s, struct mf_import_report *rep, FILE *warn,
		    struct mf_error *err)
{
	struct mfi_set abs = {0}, rel = {0};
	size_t i;
	int rc = 0;

	for (i = 0; i < s->n && !rc; i++)
		rc = mfi_set_push(s->v[i].path[0] == '/' ? &abs : &rel,
				  &s->v[i]);
	if (rc) {
		/* rows not moved yet are still in s; moved ones in abs/rel */
		mfi_set_release(&abs);
		mfi_set_release(&rel);
		return mfi_fail(err, rc, "out of memory");
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
	if (abs.n)
		qsort(abs.v, abs.n, sizeof(*abs.v), mfi_row_cmp);
	if (rel.n)
		qsort(rel.v, rel.n, sizeof(*rel.v), mfi_row_cmp);
	rc = mfi_dedupe_sorted(&abs, &rep->dup_exact, err);
	if (!rc)
		rc = mfi_rel_resolve(&abs, &rel, rep, warn);
	if (!rc)
		rc = mfi_check_parents(&abs, err);
	mfi_set_release(&rel);
	*s = abs;
	return rc;
}
