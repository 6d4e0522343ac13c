/* mf_entry.c - one "entries" element or "defaults" element: JSON -> draft.
 * Owns the key tables (unknown keys are errors), JSON types of each key and
 * the checks that need only the element itself (size vs content). */
#include "mf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

typedef int mf_key_fn(struct mf_ctx *c, const char *kp, struct json_object *v,
		      struct mf_draft *d);

static int mf_str(struct mf_ctx *c, const char *kp, struct json_object *v,
		  const char *key)
{
	if (json_object_is_type(v, json_type_string))
		return 0;
	return mf_fail(c, kp, "'%s' must be a string", key);
}

static int mf_k_path(struct mf_ctx *c, const char *kp, struct json_object *v,
		     struct mf_draft *d)
{
	int rc = mf_str(c, kp, v, "path");

	if (rc)
		return rc;
	rc = mf_check_path(c, kp, json_object_get_string(v),
			   (size_t)json_object_get_string_len(v));
	if (rc)
		return rc;
	d->path = json_object_get_string(v);
	return 0;
}

static int mf_k_type(struct mf_ctx *c, const char *kp, struct json_object *v,
		     struct mf_draft *d)
{
	int rc = mf_str(c, kp, v, "type");

	return rc ? rc
		  : mf_parse_type(c, kp, json_object_get_string(v), &d->type);
}

static int mf_k_mode(struct mf_ctx *c, const char *kp, struct json_object *v,
		     struct mf_draft *d)
{
	if (!json_object_is_type(v, json_type_string))
		return mf_fail(c, kp,
			       "'mode' must be a string of octal digits like "
			       "\"0644\"");
	return mf_parse_mode(c, kp, json_object_get_string(v), &d->mode);
}

static int mf_k_owner(struct mf_ctx *c, const char *kp, struct json_object *v,
		      struct mf_draft *d)
{
	unsigned int id;
	int rc;

	if (!json_object_is_type(v, json_type_string))
		return mf_fail(c, kp,
			       "'owner' must be a string (a user name or a "
			       "number like \"500\")");
	rc = mf_resolve_owner(c, kp, json_object_get_string(v), false, &id);
	d->uid = (uid_t)id;
	return rc;
}

static int mf_k_group(struct mf_ctx *c, const char *kp, struct json_object *v,
		      struct mf_draft *d)
{
	unsigned int id;
	int rc;

	if (!json_object_is_type(v, json_type_string))
		return mf_fail(c, kp,
			       "'group' must be a string (a group name or a "
			       "number like \"100\")");
	rc = mf_resolve_owner(c, kp, json_object_get_string(v), true, &id);
	d->gid = (gid_t)id;
	return rc;
}

static int mf_k_target(struct mf_ctx *c, const char *kp, struct json_object *v,
		       struct mf_draft *d)
{
	size_t len;
	int rc = mf_str(c, kp, v, "target");

	if (rc)
		return rc;
	len = (size_t)json_object_get_string_len(v);
	if (len == 0)
		return mf_fail(c, kp, "symlink target is empty");
	if (len > MF_MAX_PATH)
		return mf_fail(c, kp, "symlink target is longer than %d bytes",
			       MF_MAX_PATH);
	if (memchr(json_object_get_string(v), '\0', len))
		return mf_fail(c, kp, "symlink target contains a NUL byte");
	d->target = strdup(json_object_get_string(v));
	return d->target ? 0 : mf_oom(c, kp);
}

static int mf_k_rdev(struct mf_ctx *c, const char *kp, struct json_object *v,
		     struct mf_draft *d)
{
	if (!json_object_is_type(v, json_type_string))
		return mf_fail(c, kp, "'rdev' must be a string like \"1:3\"");
	return mf_parse_rdev(c, kp, json_object_get_string(v), &d->rdev_major,
			     &d->rdev_minor);
}

static int mf_k_size(struct mf_ctx *c, const char *kp, struct json_object *v,
		     struct mf_draft *d)
{
	return mf_get_u64(c, kp, v, "size", &d->size);
}

static int mf_k_mtime(struct mf_ctx *c, const char *kp, struct json_object *v,
		      struct mf_draft *d)
{
	return mf_parse_mtime(c, kp, v, &d->mtime);
}

static int mf_k_content(struct mf_ctx *c, const char *kp, struct json_object *v,
			struct mf_draft *d)
{
	return mf_parse_content(c, kp, v, &d->content);
}

static int mf_k_log(struct mf_ctx *c, const char *kp, struct json_object *v,
		    struct mf_draft *d)
{
	return mf_json_text(c, kp, "log", v, &d->log_json);
}

static int mf_k_intercept(struct mf_ctx *c, const char *kp,
			  struct json_object *v, struct mf_draft *d)
{
	return mf_json_text(c, kp, "intercept", v, &d->intercept_json);
}

static int mf_bool(struct mf_ctx *c, const char *kp, struct json_object *v,
		   const char *key, bool *out)
{
	if (!json_object_is_type(v, json_type_boolean))
		return mf_fail(c, kp, "'%s' must be true or false", key);
	*out = json_object_get_boolean(v);
	return 0;
}

static int mf_k_delete(struct mf_ctx *c, const char *kp, struct json_object *v,
		       struct mf_draft *d)
{
	return mf_bool(c, kp, v, "delete", &d->del);
}

static int mf_k_replace(struct mf_ctx *c, const char *kp, struct json_object *v,
			struct mf_draft *d)
{
	return mf_bool(c, kp, v, "replace", &d->replace);
}

static int mf_k_comment(struct mf_ctx *c, const char *kp, struct json_object *v,
			struct mf_draft *d)
{
	(void)d;
	return mf_str(c, kp, v, "comment");
}

enum { MF_IN_ENTRY = 1, MF_IN_DEFAULT = 2 };

static const struct mf_key {
	const char *name;
	unsigned int field; /* enum mf_field bit, 0 for path/comment */
	unsigned int where;
	mf_key_fn *fn;
} mf_keys[] = {
    {"path", 0, MF_IN_ENTRY, mf_k_path},
    {"type", MF_F_TYPE, MF_IN_ENTRY | MF_IN_DEFAULT, mf_k_type},
    {"mode", MF_F_MODE, MF_IN_ENTRY | MF_IN_DEFAULT, mf_k_mode},
    {"owner", MF_F_OWNER, MF_IN_ENTRY | MF_IN_DEFAULT, mf_k_owner},
    {"group", MF_F_GROUP, MF_IN_ENTRY | MF_IN_DEFAULT, mf_k_group},
    {"target", MF_F_TARGET, MF_IN_ENTRY, mf_k_target},
    {"rdev", MF_F_RDEV, MF_IN_ENTRY, mf_k_rdev},
    {"size", MF_F_SIZE, MF_IN_ENTRY, mf_k_size},
    {"mtime", MF_F_MTIME, MF_IN_ENTRY | MF_IN_DEFAULT, mf_k_mtime},
    {"content", MF_F_CONTENT, MF_IN_ENTRY, mf_k_content},
    {"log", MF_F_LOG, MF_IN_ENTRY | MF_IN_DEFAULT, mf_k_log},
    {"intercept", MF_F_INTERCEPT, MF_IN_ENTRY | MF_IN_DEFAULT, mf_k_intercept},
    {"delete", MF_F_DELETE, MF_IN_ENTRY, mf_k_delete},
    {"replace", MF_F_REPLACE, MF_IN_ENTRY, mf_k_replace},
    {"comment", 0, MF_IN_ENTRY | MF_IN_DEFAULT, mf_k_comment},
};

#define MF_NKEYS (sizeof(mf_keys) / sizeof(mf_keys[0]))

static const char *mf_field_key(unsigned int bit)
{
	for (size_t i = 0; i < MF_NKEYS; i++)
		if (mf_keys[i].field == bit)
			return mf_keys[i].name;
	return "?";
}

/* Runs the key table over an object; "match" is left to the caller. */
static int mf_fields(struct mf_ctx *c, const char *jptr, struct json_object *v,
		     unsigned int where, struct mf_draft *d)
{
	char kp[MF_PTR_MAX], qb[MF_QBUF];

	json_object_object_foreach(v, key, val)
	{
		const struct mf_key *k = NULL;
		int rc;

		mf_ptr_join(kp, sizeof(kp), jptr, key);
		if (where == MF_IN_DEFAULT && strcmp(key, "match") == 0)
			continue;
		for (size_t i = 0; i < MF_NKEYS; i++) {
			if (strcmp(mf_keys[i].name, key) == 0 &&
			    (mf_keys[i].where & where)) {
				k = &mf_keys[i];
				break;
			}
		}
		if (!k)
			return mf_fail(c, kp, "unknown key '%s'%s",
				       mf_q(qb, sizeof(qb), key, strlen(key)),
				       where == MF_IN_DEFAULT ? " in a default"
							      : "");
		rc = k->fn(c, kp, val, d);
		if (rc)
			return rc;
		d->set |= k->field;
	}
	return 0;
}

/* size and content together must agree (FORMAT.md "content"). */
static int mf_size_vs_content(struct mf_ctx *c, const char *jptr,
			      struct mf_draft *d)
{
	char kp[MF_PTR_MAX];
	uint64_t want;

	if (!(d->set & MF_F_SIZE) || !(d->set & MF_F_CONTENT))
		return 0;
	mf_ptr_join(kp, sizeof(kp), jptr, "size");
	switch (d->content.kind) {
	case MF_SRC_INLINE:
		want = d->content.len;
		break;
	case MF_SRC_SPARSE:
		want = d->content.size;
		break;
	case MF_SRC_EMPTY:
		want = 0;
		break;
	default:
		return mf_fail(c, kp,
			       "'size' cannot be combined with '%s' content "
			       "(the host file's size is used)",
			       d->content.kind == MF_SRC_FILE ? "file"
							      : "shadow");
	}
	if (d->size != want)
		return mf_fail(c, kp,
			       "size %llu does not match the content's %llu "
			       "bytes",
			       (unsigned long long)d->size,
			       (unsigned long long)want);
	return 0;
}

int mf_draft_parse(struct mf_ctx *c, const char *jptr, struct json_object *v,
		   struct mf_draft *d)
{
	int rc;

	memset(d, 0, sizeof(*d));
	if (!json_object_is_type(v, json_type_object))
		return mf_fail(c, jptr, "an entry must be an object");
	rc = mf_fields(c, jptr, v, MF_IN_ENTRY, d);
	if (rc)
		return rc;
	if (!d->path)
		return mf_fail(c, jptr, "missing required key 'path'");
	if (!d->del)
		d->set &= ~(unsigned int)MF_F_DELETE;
	if (!d->replace)
		d->set &= ~(unsigned int)MF_F_REPLACE;
	if (d->del) {
		unsigned int other = d->set & ~(unsigned int)MF_F_DELETE;

		if (other) {
			char kp[MF_PTR_MAX];
			const char *k = mf_field_key(other & -other);

			mf_ptr_join(kp, sizeof(kp), jptr, k);
			return mf_fail(
			    c, kp, "'delete' cannot be combined with '%s'", k);
		}
	}
	return mf_size_vs_content(c, jptr, d);
}

void mf_draft_release(struct mf_draft *d)
{
	free(d->target);
	free(d->log_json);
	free(d->intercept_json);
	mf_content_release(&d->content);
	memset(d, 0, sizeof(*d));
}

static int mf_default_parse(struct mf_ctx *c, const char *jptr,
			    struct json_object *v, struct mf_default *df)
{
	struct mf_draft d;
	struct json_object *m;
	char kp[MF_PTR_MAX], qb[MF_QBUF];
	const char *pat;
	int rc;

	memset(df, 0, sizeof(*df));
	if (!json_object_is_type(v, json_type_object))
		return mf_fail(c, jptr, "a default must be an object");
	memset(&d, 0, sizeof(d));
	rc = mf_fields(c, jptr, v, MF_IN_DEFAULT, &d);
	if (rc)
		goto out;
	if (!json_object_object_get_ex(v, "match", &m)) {
		rc = mf_fail(c, jptr, "missing required key 'match'");
		goto out;
	}
	mf_ptr_join(kp, sizeof(kp), jptr, "match");
	if (!json_object_is_type(m, json_type_string)) {
		rc = mf_fail(c, kp, "'match' must be a string");
		goto out;
	}
	pat = json_object_get_string(m);
	rc = mf_glob_compile(pat, &df->comps, &df->n_comps);
	if (rc == -ENOMEM) {
		rc = mf_oom(c, kp);
		goto out;
	}
	if (rc) {
		rc = mf_fail(c, kp,
			     "invalid glob '%s': must be absolute, without "
			     "'//' or a trailing '/'",
			     mf_q(qb, sizeof(qb), pat, strlen(pat)));
		goto out;
	}
	df->match = strdup(pat);
	if (!df->match) {
		rc = mf_oom(c, kp);
		goto out;
	}
	df->type = (d.set & MF_F_TYPE) ? d.type : 0;
	df->set = d.set & ~(unsigned int)MF_F_TYPE;
	df->mode = d.mode;
	df->uid = d.uid;
	df->gid = d.gid;
	df->mtime = d.mtime;
	df->log_json = d.log_json;
	df->intercept_json = d.intercept_json;
	d.log_json = d.intercept_json = NULL;
out:
	mf_draft_release(&d);
	return rc;
}

int mf_defaults_parse(struct mf_ctx *c, const char *jptr, struct json_object *v)
{
	char ip[MF_PTR_MAX];
	size_t n;

	if (!json_object_is_type(v, json_type_array))
		return mf_fail(c, jptr, "'defaults' must be an array");
	n = json_object_array_length(v);
	c->defs = calloc(n ? n : 1, sizeof(*c->defs));
	if (!c->defs)
		return mf_oom(c, jptr);
	for (size_t i = 0; i < n; i++) {
		int rc;

		snprintf(ip, sizeof(ip), "%s/%zu", jptr, i);
		rc = mf_default_parse(c, ip, json_object_array_get_idx(v, i),
				      &c->defs[i]);
		c->n_defs = i + 1; /* release frees the partial one too */
		if (rc)
			return rc;
	}
	return 0;
}

void mf_defaults_release(struct mf_ctx *c)
{
	for (size_t i = 0; i < c->n_defs; i++) {
		struct mf_default *df = &c->defs[i];

		free(df->match);
		mf_glob_free(df->comps, df->n_comps);
		free(df->log_json);
		free(df->intercept_json);
	}
	free(c->defs);
	c->defs = NULL;
	c->n_defs = 0;
}
