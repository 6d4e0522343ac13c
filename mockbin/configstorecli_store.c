/* configstorecli_store.c - configuration store records over a JSON state
 * file: lookup with named errors, masking of secret properties, JSON merge
 * patch for `update`, and locked writes for set/update/delete. */
#include "configstorecli_store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state.h"

/* ---- helpers ---- */

static int not_found(const struct cs_ref *ref, char *err, size_t n)
{
	if (ref->instance)
		snprintf(err, n,
			 "Not found: component '%s', group '%s', key '%s', "
			 "instance '%s'",
			 ref->component, ref->group, ref->key, ref->instance);
	else
		snprintf(err, n,
			 "Not found: component '%s', group '%s', key '%s'",
			 ref->component, ref->group, ref->key);
	return -ENOENT;
}

static int bad_state(const char *ptr, const char *what, char *err, size_t n)
{
	snprintf(err, n, "'%s': %s: %s", STATE_CONFIGSTORE, ptr, what);
	return -EBADMSG;
}

static json_object *member(json_object *o, const char *k)
{
	json_object *v;

	if (o && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, k, &v))
		return v;
	return NULL;
}

/* Finds the record of ref; -ENOENT / -EBADMSG. create: makes the missing
 * levels (for set). */
static int find_record(json_object *root, const struct cs_ref *ref, bool create,
		       json_object **rec, char *err, size_t n)
{
	const char *names[3] = {ref->component, ref->group, ref->key};
	char ptr[512] = "";
	json_object *cur = root, *next;
	size_t len = 0;
	int i;

	for (i = 0; i < 3; i++) {
		if (!json_object_is_type(cur, json_type_object))
			return bad_state(i ? ptr : "/", "expected an object",
					 err, n);
		len += (size_t)snprintf(ptr + len, sizeof(ptr) - len, "/%s",
					names[i]);
		if (len >= sizeof(ptr))
			len = sizeof(ptr) - 1;
		next = member(cur, names[i]);
		if (!next) {
			if (!create)
				return not_found(ref, err, n);
			next = json_object_new_object();
			json_object_object_add(cur, names[i], next);
		}
		cur = next;
	}
	if (!json_object_is_type(cur, json_type_object))
		return bad_state(ptr, "expected a key record object", err, n);
	if (member(cur, "value") && member(cur, "instances"))
		return bad_state(ptr,
				 "a record has \"value\" or \"instances\", "
				 "not both",
				 err, n);
	next = member(cur, "instances");
	if (next && !json_object_is_type(next, json_type_object))
		return bad_state(
		    ptr, "\"instances\" must map instance ids to values", err,
		    n);
	*rec = cur;
	return 0;
}

static int load_root(json_object **root, char *err, size_t n)
{
	struct state_err se;
	int r = state_json_read(STATE_CONFIGSTORE, root, &se);

	if (r == -ENOENT || (r == 0 && !*root)) {
		*root = json_object_new_object();
		return 0;
	}
	if (r < 0)
		snprintf(err, n, "%s", se.msg);
	return r;
}

void cs_mask(json_object *o, json_object *secrets)
{
	size_t i, n;

	if (!secrets || !json_object_is_type(secrets, json_type_array))
		return;
	if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			cs_mask(json_object_array_get_idx(o, i), secrets);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, val)
	{
		bool secret = false;

		n = json_object_array_length(secrets);
		for (i = 0; i < n; i++)
			if (strcmp(json_object_get_string(
				       json_object_array_get_idx(secrets, i)),
				   key) == 0)
				secret = true;
		if (secret && json_object_is_type(val, json_type_string))
			json_object_object_add(o, key,
					       json_object_new_string(CS_MASK));
		else
			cs_mask(val, secrets);
	}
}

static json_object *deep_copy(json_object *o)
{
	json_object *c = NULL;

	if (json_object_deep_copy(o, &c, NULL) < 0)
		return NULL;
	return c;
}

/* ---- get ---- */

int cs_get(const struct cs_ref *ref, enum cs_which which, bool unmask,
	   json_object **out, char *err, size_t errlen)
{
	json_object *root, *rec, *src, *v, *arr;
	int r;

	*out = NULL;
	r = load_root(&root, err, errlen);
	if (r < 0)
		return r;
	r = find_record(root, ref, false, &rec, err, errlen);
	if (r < 0)
		goto out;
	if (which != CS_CURRENT) {
		src = member(rec, which == CS_DEFAULT ? "default" : "schema");
		if (!src) {
			r = not_found(ref, err, errlen);
			goto out;
		}
		*out = deep_copy(src);
	} else if ((src = member(rec, "instances")) != NULL) {
		if (ref->instance) {
			v = member(src, ref->instance);
			if (!v) {
				r = not_found(ref, err, errlen);
				goto out;
			}
			*out = deep_copy(v);
		} else {
			arr = json_object_new_array();
			json_object_object_foreach(src, id, val)
			{
				(void)id;
				json_object_array_add(arr, deep_copy(val));
			}
			*out = arr;
		}
	} else if ((src = member(rec, "value")) != NULL) {
		if (ref->instance) {
			r = not_found(ref, err, errlen);
			goto out;
		}
		*out = deep_copy(src);
	} else {
		r = not_found(ref, err, errlen);
		goto out;
	}
	if (!unmask)
		cs_mask(*out, member(rec, "secrets"));
out:
	json_object_put(root);
	return r;
}

/* ---- writes ---- */

struct cs_txn {
	struct state_doc doc;
	json_object *rec;
};

static int txn_open(struct cs_txn *t, const struct cs_ref *ref, bool create,
		    char *err, size_t n)
{
	struct state_err se;
	int r = state_json_lock(&t->doc, STATE_CONFIGSTORE, &se);

	if (r < 0) {
		snprintf(err, n, "%s", se.msg);
		return r;
	}
	if (!t->doc.root)
		t->doc.root = json_object_new_object();
	r = find_record(t->doc.root, ref, create, &t->rec, err, n);
	if (r < 0)
		state_json_release(&t->doc);
	return r;
}

static int commit(struct cs_txn *t, char *err, size_t n)
{
	struct state_err se;
	int r = state_json_commit(&t->doc, &se);

	if (r < 0)
		snprintf(err, n, "%s", se.msg);
	return r;
}

int cs_set(const struct cs_ref *ref, json_object *value, char *err,
	   size_t errlen)
{
	json_object *inst;
	struct cs_txn t;
	int r = txn_open(&t, ref, true, err, errlen);

	if (r < 0) {
		json_object_put(value);
		return r;
	}
	inst = member(t.rec, "instances");
	if (ref->instance) {
		if (member(t.rec, "value")) {
			snprintf(
			    err, errlen,
			    "Key '%s' of group '%s' has a single instance: "
			    "no instance id expected",
			    ref->key, ref->group);
			r = -EINVAL;
			goto fail;
		}
		if (!inst) {
			inst = json_object_new_object();
			json_object_object_add(t.rec, "instances", inst);
		}
		json_object_object_add(inst, ref->instance, value);
	} else {
		if (inst) {
			snprintf(err, errlen,
				 "Key '%s' of group '%s' has multiple "
				 "instances: give an instance id with -i",
				 ref->key, ref->group);
			r = -EINVAL;
			goto fail;
		}
		json_object_object_add(t.rec, "value", value);
	}
	return commit(&t, err, errlen);
fail:
	json_object_put(value);
	state_json_release(&t.doc);
	return r;
}

json_object *cs_merge_patch(json_object *target, json_object *patch)
{
	json_object *cur;

	if (!json_object_is_type(patch, json_type_object)) {
		json_object_put(target);
		return json_object_get(patch);
	}
	if (!target || !json_object_is_type(target, json_type_object)) {
		json_object_put(target);
		target = json_object_new_object();
	}
	json_object_object_foreach(patch, key, val)
	{
		if (json_object_is_type(val, json_type_null)) {
			json_object_object_del(target, key);
			continue;
		}
		cur = member(target, key);
		json_object_get(cur);
		json_object_object_add(target, key, cs_merge_patch(cur, val));
	}
	return target;
}

int cs_update(const struct cs_ref *ref, json_object *patch, char *err,
	      size_t errlen)
{
	json_object *holder, *cur, *merged;
	const char *slot;
	struct cs_txn t;
	int r = txn_open(&t, ref, false, err, errlen);

	if (r < 0) {
		json_object_put(patch);
		return r;
	}
	holder = member(t.rec, "instances");
	if (holder && !ref->instance) {
		snprintf(err, errlen,
			 "Key '%s' of group '%s' has multiple instances: give "
			 "an instance id with -i",
			 ref->key, ref->group);
		r = -EINVAL;
		goto fail;
	}
	if (holder) {
		slot = ref->instance;
	} else {
		if (ref->instance) {
			r = not_found(ref, err, errlen);
			goto fail;
		}
		holder = t.rec;
		slot = "value";
	}
	cur = member(holder, slot);
	if (!cur) {
		r = not_found(ref, err, errlen);
		goto fail;
	}
	merged = cs_merge_patch(json_object_get(cur), patch);
	json_object_object_add(holder, slot, merged);
	json_object_put(patch);
	return commit(&t, err, errlen);
fail:
	json_object_put(patch);
	state_json_release(&t.doc);
	return r;
}

int cs_delete(const struct cs_ref *ref, bool all, char *err, size_t errlen)
{
	json_object *inst;
	struct cs_txn t;
	int r = txn_open(&t, ref, false, err, errlen);

	if (r < 0)
		return r;
	inst = member(t.rec, "instances");
	if (inst) {
		if (all) {
			json_object_object_add(t.rec, "instances",
					       json_object_new_object());
		} else if (!ref->instance) {
			snprintf(err, errlen,
				 "Key '%s' of group '%s' has multiple "
				 "instances: give -i <instance-id> or --all",
				 ref->key, ref->group);
			r = -EINVAL;
			goto fail;
		} else if (!member(inst, ref->instance)) {
			r = not_found(ref, err, errlen);
			goto fail;
		} else {
			json_object_object_del(inst, ref->instance);
		}
	} else {
		if (ref->instance || !member(t.rec, "value")) {
			r = not_found(ref, err, errlen);
			goto fail;
		}
		json_object_object_del(t.rec, "value");
	}
	return commit(&t, err, errlen);
fail:
	state_json_release(&t.doc);
	return r;
}
