/* advopt.c - the advanced option catalog (JSON) joined with esx.conf's
 * /adv values; validation of new values; user-defined option edits. */
#include "advopt.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

static const char *jstr(struct json_object *o, const char *k, const char *def)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, k, &v) &&
	    !json_object_is_type(v, json_type_null))
		return json_object_get_string(v);
	return def;
}

static long long jint(struct json_object *o, const char *k, long long def)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, k, &v) &&
	    !json_object_is_type(v, json_type_null))
		return (long long)json_object_get_int64(v);
	return def;
}

static bool jbool(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) &&
	       json_object_get_boolean(v);
}

static void opt_free(struct advopt *o)
{
	free(o->path);
	free(o->sval);
	free(o->sdef);
	free(o->valid);
	free(o->desc);
	free(o->impact);
}

void advopt_release(struct advopt_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		opt_free(&s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

bool advopt_parse_int(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return *s && !*end && errno == 0;
}

/* Fills o from one catalog entry and its esx.conf value. */
static int opt_from_json(struct advopt *o, struct json_object *j,
			 const struct esxconf *conf)
{
	const char *path = jstr(j, "Path", NULL), *v = NULL;
	char key[512];

	if (!path || path[0] != '/')
		return -EINVAL;
	o->path = strdup(path);
	o->is_int = strcmp(jstr(j, "Type", "integer"), "string") != 0;
	o->idef = jint(j, "DefaultIntValue", 0);
	o->min = jint(j, "MinValue", 0);
	o->max = jint(j, "MaxValue", 0);
	o->sdef = strdup(jstr(j, "DefaultStringValue", ""));
	o->valid = strdup(jstr(j, "ValidCharacters", ""));
	o->desc = strdup(jstr(j, "Description", ""));
	o->impact = strdup(jstr(j, "Impact", "none"));
	o->host_specific = jbool(j, "HostSpecific");
	o->hidden = jbool(j, "Hidden");
	o->user_defined = jbool(j, "UserDefined");
	if (!o->path || !o->sdef || !o->valid || !o->desc || !o->impact)
		return -ENOMEM;
	snprintf(key, sizeof(key), "%s%s", ADVOPT_CONF_PREFIX, o->path);
	if (conf) {
		v = esxconf_get(conf, key);
		if (!v) {
			/* esx.conf keys may differ in case from the catalog */
			const struct esxconf_entry *e = NULL;

			while ((e = esxconf_next(conf, e, ADVOPT_CONF_PREFIX)))
				if (strcasecmp(e->key, key) == 0)
					v = e->value;
		}
	}
	o->ival = o->idef;
	o->is_set = v != NULL;
	if (v && o->is_int && !advopt_parse_int(v, &o->ival))
		o->ival = o->idef; /* a junk value reads as the default */
	o->sval = strdup(v && !o->is_int ? v : o->sdef);
	return o->sval ? 0 : -ENOMEM;
}

int advopt_load(struct advopt_set *s, const struct esxconf *conf,
		struct state_err *err)
{
	struct json_object *root = NULL, *arr;
	size_t n;
	int r;

	memset(s, 0, sizeof(*s));
	r = state_json_read(STATE_ADVOPTS, &root, err);
	if (r < 0 && r != -ENOENT)
		return r;
	arr = state_json_array(root, "options");
	n = arr ? json_object_array_length(arr) : 0;
	s->v = calloc(n ? n : 1, sizeof(*s->v));
	if (!s->v) {
		json_object_put(root);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *j = json_object_array_get_idx(arr, i);

		if (!j || !json_object_is_type(j, json_type_object))
			continue;
		r = opt_from_json(&s->v[s->n], j, conf);
		if (r == -EINVAL) {
			opt_free(&s->v[s->n]);
			memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
			if (err)
				snprintf(err->msg, sizeof(err->msg),
					 "'%s': /options/%zu: missing or "
					 "relative \"Path\"",
					 STATE_ADVOPTS, i);
			continue; /* skip the bad entry, keep the rest */
		}
		s->n++;
		if (r < 0) {
			json_object_put(root);
			advopt_release(s);
			return r;
		}
	}
	json_object_put(root);
	return 0;
}

struct advopt *advopt_find(const struct advopt_set *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++) {
		const char *p = s->v[i].path;

		if (strcasecmp(p, path) == 0 ||
		    (path[0] != '/' && strcasecmp(p + 1, path) == 0))
			return &s->v[i];
	}
	return NULL;
}

const char *advopt_leaf(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

bool advopt_is_default(const struct advopt *o)
{
	if (o->is_int)
		return o->ival == o->idef;
	return strcmp(o->sval, o->sdef) == 0;
}

/* Removes every spelling of the option's key from conf. */
static void conf_del_any_case(struct esxconf *conf, const char *key)
{
	const struct esxconf_entry *e = NULL;
	char *found;

	for (;;) {
		found = NULL;
		e = NULL;
		while ((e = esxconf_next(conf, e, ADVOPT_CONF_PREFIX)))
			if (strcasecmp(e->key, key) == 0 &&
			    strcmp(e->key, key) != 0)
				found = e->key;
		if (!found)
			break;
		found = strdup(found);
		if (!found)
			return;
		esxconf_del(conf, found);
		free(found);
	}
	esxconf_del(conf, key);
}

int advopt_store(struct esxconf *conf, struct advopt *o, const char *value,
		 char *msg, size_t n)
{
	char key[512];
	long long v = 0;
	char *dup;
	int r;

	if (o->is_int) {
		if (!advopt_parse_int(value, &v)) {
			snprintf(msg, n,
				 "Invalid value '%s' for integer option %s",
				 value, o->path);
			return -EINVAL;
		}
		if (v < o->min || v > o->max) {
			snprintf(msg, n,
				 "Value %lld for option %s is out of range "
				 "(%lld - %lld)",
				 v, o->path, o->min, o->max);
			return -ERANGE;
		}
	} else if (strchr(value, '\n')) {
		snprintf(msg, n, "Invalid value for string option %s", o->path);
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "%s%s", ADVOPT_CONF_PREFIX, o->path);
	conf_del_any_case(conf, key);
	r = esxconf_set(conf, key, value);
	if (r < 0) {
		snprintf(msg, n, "cannot store option %s: %s", o->path,
			 strerror(-r));
		return r;
	}
	if (o->is_int) {
		o->ival = v;
	} else {
		dup = strdup(value);
		if (!dup)
			return -ENOMEM;
		free(o->sval);
		o->sval = dup;
	}
	o->is_set = true;
	return 0;
}

void advopt_reset(struct esxconf *conf, struct advopt *o)
{
	char key[512];
	char *dup;

	snprintf(key, sizeof(key), "%s%s", ADVOPT_CONF_PREFIX, o->path);
	conf_del_any_case(conf, key);
	o->ival = o->idef;
	dup = strdup(o->sdef);
	if (dup) {
		free(o->sval);
		o->sval = dup;
	}
	o->is_set = false;
}

/* ---- user-defined options ----------------------------------------- */

static int find_json(struct json_object *arr, const char *path)
{
	size_t n = arr ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *p =
		    jstr(json_object_array_get_idx(arr, i), "Path", "");

		if (strcasecmp(p, path) == 0)
			return (int)i;
	}
	return -1;
}

static int add_fn(struct json_object **root, void *arg)
{
	const struct advopt *d = arg;
	struct json_object *arr, *o;

	if (!*root)
		*root = json_object_new_object();
	if (!*root)
		return -ENOMEM;
	arr = state_json_array(*root, "options");
	if (!arr) {
		arr = json_object_new_array();
		if (!arr)
			return -ENOMEM;
		json_object_object_add(*root, "options", arr);
	}
	if (find_json(arr, d->path) >= 0)
		return -EEXIST;
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "Path", json_object_new_string(d->path));
	json_object_object_add(
	    o, "Type",
	    json_object_new_string(d->is_int ? "integer" : "string"));
	if (d->is_int) {
		json_object_object_add(o, "DefaultIntValue",
				       json_object_new_int64(d->idef));
		json_object_object_add(o, "MinValue",
				       json_object_new_int64(d->min));
		json_object_object_add(o, "MaxValue",
				       json_object_new_int64(d->max));
	} else {
		json_object_object_add(
		    o, "DefaultStringValue",
		    json_object_new_string(d->sdef ? d->sdef : ""));
		json_object_object_add(o, "ValidCharacters",
				       json_object_new_string("**"));
	}
	json_object_object_add(o, "Description",
			       json_object_new_string(d->desc ? d->desc : ""));
	json_object_object_add(o, "HostSpecific",
			       json_object_new_boolean(d->host_specific));
	json_object_object_add(
	    o, "Impact",
	    json_object_new_string(d->impact ? d->impact : "none"));
	json_object_object_add(o, "Hidden", json_object_new_boolean(d->hidden));
	json_object_object_add(o, "UserDefined", json_object_new_boolean(1));
	json_object_array_add(arr, o);
	return 0;
}

int advopt_add_user(const struct advopt *def, struct state_err *err)
{
	return state_json_update(STATE_ADVOPTS, add_fn, (void *)def, err);
}

static int remove_fn(struct json_object **root, void *arg)
{
	struct json_object *arr = state_json_array(*root, "options");
	int i = find_json(arr, arg);

	if (i < 0)
		return -ENOENT;
	if (!jbool(json_object_array_get_idx(arr, (size_t)i), "UserDefined"))
		return -EPERM;
	json_object_array_del_idx(arr, (size_t)i, 1);
	return 0;
}

struct conf_del_arg {
	const char *key;
};

static int conf_del_fn(struct esxconf *c, void *arg)
{
	const struct conf_del_arg *a = arg;

	conf_del_any_case(c, a->key);
	return 0;
}

int advopt_remove_user(const char *path, struct state_err *err)
{
	char key[512];
	struct conf_del_arg a = {key};
	int r;

	r = state_json_update(STATE_ADVOPTS, remove_fn, (void *)path, err);
	if (r < 0)
		return r;
	snprintf(key, sizeof(key), "%s%s", ADVOPT_CONF_PREFIX, path);
	return state_conf_update(conf_del_fn, &a, err);
}
