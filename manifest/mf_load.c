/* mf_load.c - mf_load(): the manifest stack, one source after the other.
 * Owns the top-level document keys, the per-source duplicate-path check and
 * the lifetime of struct mf_manifest (mf_manifest_free). */
#include "mf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include "mf_hash.h"

/* Paths seen in the current source (strings borrowed from its JSON). */
struct mf_seen {
	const char *path;
	size_t idx;
	UT_hash_handle hh;
};

static const char *const mf_top_keys[] = {
    "version", "comment", "users", "groups", "defaults", "entries",
};

static int mf_top_check(struct mf_ctx *c, struct json_object *root)
{
	char kp[MF_PTR_MAX], qb[MF_QBUF];
	struct json_object *v;

	/* the version first: a newer document may have keys we do not know */
	if (!json_object_object_get_ex(root, "version", &v))
		return mf_fail(c, "", "missing required key 'version'");
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != MF_VERSION)
		return mf_fail(c, "/version",
			       "unsupported version %s (this esxmock reads "
			       "version %d)",
			       json_object_to_json_string(v), MF_VERSION);
	json_object_object_foreach(root, key, val)
	{
		bool known = false;

		(void)val;
		for (size_t i = 0;
		     i < sizeof(mf_top_keys) / sizeof(mf_top_keys[0]); i++)
			known = known || strcmp(key, mf_top_keys[i]) == 0;
		if (!known) {
			mf_ptr_join(kp, sizeof(kp), "", key);
			return mf_fail(c, kp, "unknown key '%s'",
				       mf_q(qb, sizeof(qb), key, strlen(key)));
		}
	}
	if (json_object_object_get_ex(root, "comment", &v) &&
	    !json_object_is_type(v, json_type_string))
		return mf_fail(c, "/comment", "'comment' must be a string");
	return 0;
}

static int mf_entries(struct mf_ctx *c, struct json_object *arr)
{
	struct mf_seen *seen = NULL, *tab = NULL;
	const char **paths = NULL;
	size_t *idx = NULL, n, n_rec = 0;
	char ip[MF_PTR_MAX], qb[MF_QBUF];
	int rc = 0;

	if (!json_object_is_type(arr, json_type_array))
		return mf_fail(c, "/entries", "'entries' must be an array");
	n = json_object_array_length(arr);
	tab = calloc(n ? n : 1, sizeof(*tab));
	paths = calloc(n ? n : 1, sizeof(*paths));
	idx = calloc(n ? n : 1, sizeof(*idx));
	if (!tab || !paths || !idx) {
		rc = mf_oom(c, "/entries");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct mf_draft d;
		struct mf_seen *s = NULL;

		snprintf(ip, sizeof(ip), "/entries/%zu", i);
		rc = mf_draft_parse(c, ip, json_object_array_get_idx(arr, i),
				    &d);
		if (rc == 0) {
			HASH_FIND_STR(seen, d.path, s);
			if (s) {
				snprintf(ip, sizeof(ip), "/entries/%zu/path",
					 i);
				rc = mf_fail(c, ip,
					     "duplicate path '%s' (also at "
					     "/entries/%zu)",
					     mf_q(qb, sizeof(qb), d.path,
						  strlen(d.path)),
					     s->idx);
			}
		}
		if (rc == 0) {
			tab[i].path = d.path;
			tab[i].idx = i;
			HASH_ADD_KEYPTR(hh, seen, tab[i].path,
					strlen(tab[i].path), &tab[i]);
			rc = tab[i].hh.tbl ? mf_tree_apply(c, ip, &d)
					   : mf_oom(c, ip);
		}
		if (rc == 0 && !d.del) {
			paths[n_rec] = d.path;
			idx[n_rec++] = i;
		}
		mf_draft_release(&d);
		if (rc)
			goto out;
	}
	rc = mf_tree_layer_end(c, paths, idx, n_rec);
out:
	HASH_CLEAR(hh, seen);
	free(tab);
	free(paths);
	free(idx);
	return rc;
}

/* One source: parse, check, apply. */
static int mf_load_one(struct mf_ctx *c, const struct mf_source *src)
{
	struct json_object *root = NULL, *v;
	char *fbuf = NULL;
	const char *buf = src->buf;
	size_t len = src->len;
	int rc;

	if (!buf) {
		rc = mf_read_file(c, src->name, &fbuf, &len);
		if (rc)
			return rc;
		buf = fbuf;
	}
	rc = mf_json_parse(c, buf, len, &root);
	if (rc)
		goto out;
	rc = mf_top_check(c, root);
	if (rc)
		goto out;
	if (json_object_object_get_ex(root, "users", &v) &&
	    (rc = mf_idtab_parse(c, "/users", v, &c->users)))
		goto out;
	if (json_object_object_get_ex(root, "groups", &v) &&
	    (rc = mf_idtab_parse(c, "/groups", v, &c->groups)))
		goto out;
	if (json_object_object_get_ex(root, "defaults", &v) &&
	    (rc = mf_defaults_parse(c, "/defaults", v)))
		goto out;
	if (json_object_object_get_ex(root, "entries", &v))
		rc = mf_entries(c, v);
out:
	mf_defaults_release(c);
	json_object_put(root);
	free(fbuf);
	c->doc = NULL;
	c->doc_len = 0;
	return rc;
}

static void mf_ident_free(struct mf_ident *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void mf_manifest_free(struct mf_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_entries; i++)
		mf_entry_release(&m->entries[i]);
	free(m->entries);
	mf_ident_free(m->users, m->n_users);
	mf_ident_free(m->groups, m->n_groups);
	for (size_t i = 0; i < m->n_origins; i++)
		free(m->origins[i]);
	free(m->origins);
	free(m);
}

int mf_load(const struct mf_source *srcs, size_t n, struct mf_manifest **out,
	    struct mf_error *err)
{
	struct mf_error scratch;
	struct mf_ctx c;
	struct mf_manifest *m = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	c.err = err ? err : &scratch;
	memset(c.err, 0, sizeof(*c.err));
	if (out)
		*out = NULL;
	if (!out || !srcs || n == 0)
		return mf_fail(&c, "", "no manifest to load");
	c.origins = calloc(n, sizeof(*c.origins));
	if (!c.origins)
		return mf_oom(&c, "");
	c.n_origins = n;
	for (size_t i = 0; i < n; i++) {
		c.origins[i] = strdup(srcs[i].name ? srcs[i].name : "<buffer>");
		if (!c.origins[i]) {
			rc = mf_oom(&c, "");
			goto fail;
		}
	}
	if (mf_idtab_init_users(&c.users) || mf_idtab_init_groups(&c.groups) ||
	    mf_tree_init(&c)) {
		rc = mf_oom(&c, "");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		c.layer = i;
		c.file = c.origins[i];
		if (!srcs[i].name && !srcs[i].buf) {
			rc = mf_fail(&c, "",
				     "source has neither a name nor a "
				     "buffer");
			goto fail;
		}
		rc = mf_load_one(&c, &srcs[i]);
		if (rc)
			goto fail;
	}
	c.file = NULL;
	m = calloc(1, sizeof(*m));
	if (!m || mf_tree_finish(&c, m)) {
		rc = mf_oom(&c, "");
		goto fail;
	}
	m->users = c.users.v;
	m->n_users = c.users.n;
	m->groups = c.groups.v;
	m->n_groups = c.groups.n;
	memset(&c.users, 0, sizeof(c.users));
	memset(&c.groups, 0, sizeof(c.groups));
	m->origins = c.origins;
	m->n_origins = c.n_origins;
	*out = m;
	return 0;
fail:
	mf_manifest_free(m);
	mf_tree_release(&c);
	mf_idtab_release(&c.users);
	mf_idtab_release(&c.groups);
	for (size_t i = 0; i < c.n_origins; i++)
		free(c.origins[i]);
	free(c.origins);
	return rc;
}
