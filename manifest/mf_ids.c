/* mf_ids.c - ESXi's built-in users and groups and the name <-> id tables.
 * Owns the built-in table (sources in manifest/FORMAT.md "users and
 * groups"), the "users"/"groups" manifest sections and owner resolution. */
#include "mf_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* ESXi 8 /etc/passwd: root, daemon, nfsnobody, dcui and vpxuser with these
 * ids are confirmed by a captured "cat /etc/passwd" of an ESXi host. */
static const struct {
	const char *name;
	unsigned int id;
} mf_esx_users[] = {
    {"root", 0},      {"daemon", 2},        {"dcui", 100},
    {"vpxuser", 500}, {"nfsnobody", 65534},
};

/* ESXi 8 /etc/group: gids 0, 2, 100 and 65534 are the primary groups of the
 * users above; the names "root", "daemon" and "nfsnobody" follow the users;
 * "users" for gid 100 is a plausible guess (FORMAT.md says so). */
static const struct {
	const char *name;
	unsigned int id;
} mf_esx_groups[] = {
    {"root", 0},
    {"daemon", 2},
    {"users", 100},
    {"nfsnobody", 65534},
};

int mf_idtab_set(struct mf_idtab *t, const char *name, unsigned int id)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].name, name) == 0) {
			t->v[i].id = id;
			return 0;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct mf_ident *nv = realloc(t->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		t->v = nv;
		t->cap = cap;
	}
	t->v[t->n].name = strdup(name);
	if (!t->v[t->n].name)
		return -ENOMEM;
	t->v[t->n].id = id;
	t->n++;
	return 0;
}

int mf_idtab_init_users(struct mf_idtab *t)
{
	for (size_t i = 0; i < sizeof(mf_esx_users) / sizeof(mf_esx_users[0]);
	     i++) {
		int rc =
		    mf_idtab_set(t, mf_esx_users[i].name, mf_esx_users[i].id);
		if (rc)
			return rc;
	}
	return 0;
}

int mf_idtab_init_groups(struct mf_idtab *t)
{
	for (size_t i = 0; i < sizeof(mf_esx_groups) / sizeof(mf_esx_groups[0]);
	     i++) {
		int rc =
		    mf_idtab_set(t, mf_esx_groups[i].name, mf_esx_groups[i].id);
		if (rc)
			return rc;
	}
	return 0;
}

void mf_idtab_release(struct mf_idtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static bool mf_is_number(const char *s, unsigned int *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > MF_MAX_ID)
			return false;
	}
	*out = (unsigned int)v;
	return true;
}

static bool mf_name_ok(const char *s)
{
	size_t n = strlen(s);
	unsigned int dummy;

	if (n == 0 || n > MF_MAX_IDNAME || mf_is_number(s, &dummy))
		return false;
	for (const char *p = s; *p; p++) {
		char ch = *p;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		      ch == '.'))
			return false;
	}
	return s[0] != '-';
}

int mf_idtab_parse(struct mf_ctx *c, const char *jptr, struct json_object *v,
		   struct mf_idtab *t)
{
	char kp[MF_PTR_MAX], qb[MF_QBUF];

	if (!json_object_is_type(v, json_type_object))
		return mf_fail(c, jptr,
			       "'%s' must be an object mapping names to ids",
			       jptr + 1);
	json_object_object_foreach(v, key, val)
	{
		int64_t id;

		mf_ptr_join(kp, sizeof(kp), jptr, key);
		if (!mf_name_ok(key))
			return mf_fail(c, kp,
				       "invalid name '%s': 1-%d characters of "
				       "[A-Za-z0-9._-], not all digits",
				       mf_q(qb, sizeof(qb), key, strlen(key)),
				       MF_MAX_IDNAME);
		if (!json_object_is_type(val, json_type_int))
			return mf_fail(c, kp, "id of '%s' must be an integer",
				       key);
		id = json_object_get_int64(val);
		if (id < 0 || id > (int64_t)MF_MAX_ID)
			return mf_fail(c, kp,
				       "id %s of '%s' is out of range "
				       "(0..%u)",
				       json_object_to_json_string(val), key,
				       MF_MAX_ID);
		if (mf_idtab_set(t, key, (unsigned int)id))
			return mf_oom(c, kp);
	}
	return 0;
}

int mf_idtab_resolve(const struct mf_ident *v, size_t n, const char *s,
		     unsigned int *out)
{
	if (mf_is_number(s, out))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, s) == 0) {
			*out = v[i].id;
			return 0;
		}
	}
	return -ENOENT;
}

int mf_resolve_owner(struct mf_ctx *c, const char *jptr, const char *s,
		     bool group, unsigned int *out)
{
	const struct mf_idtab *t = group ? &c->groups : &c->users;
	char qb[MF_QBUF];

	if (mf_idtab_resolve(t->v, t->n, s, out) == 0)
		return 0;
	return mf_fail(c, jptr,
		       "unknown %s '%s' (not in the %s table and not a "
		       "number)",
		       group ? "group" : "user",
		       mf_q(qb, sizeof(qb), s, strlen(s)),
		       group ? "groups" : "users");
}

int mf_user_id(const struct mf_manifest *m, const char *name, uid_t *out)
{
	unsigned int id;

	if (!m || !name || mf_idtab_resolve(m->users, m->n_users, name, &id))
		return -ENOENT;
	*out = (uid_t)id;
	return 0;
}

int mf_group_id(const struct mf_manifest *m, const char *name, gid_t *out)
{
	unsigned int id;

	if (!m || !name || mf_idtab_resolve(m->groups, m->n_groups, name, &id))
		return -ENOENT;
	*out = (gid_t)id;
	return 0;
}

static const char *mf_id_name(const struct mf_ident *v, size_t n,
			      unsigned int id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].name;
	return NULL;
}

const char *mf_user_name(const struct mf_manifest *m, uid_t uid)
{
	return m ? mf_id_name(m->users, m->n_users, (unsigned int)uid) : NULL;
}

const char *mf_group_name(const struct mf_manifest *m, gid_t gid)
{
	return m ? mf_id_name(m->groups, m->n_groups, (unsigned int)gid) : NULL;
}
