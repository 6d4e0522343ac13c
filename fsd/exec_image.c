/* exec_image.c - image defaults: exec rules the manifest ships in its
 * entries' "intercept": {"exec": [...]} sections, loaded at mount time, and
 * how such a default combines with a test's answer (docs/interpose.md). */
#include "exec_int.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One rule of an entry's section: match.path defaults to the entry's
 * path, id to img<N>. A new object (the section is left alone). */
static json_object *image_spec(json_object *given, const char *path,
			       unsigned long long n)
{
	json_object *spec = NULL, *m;
	char id[32];

	if (json_object_deep_copy(given, &spec, NULL) || !spec)
		return NULL;
	if (!json_object_is_type(spec, json_type_object))
		return spec; /* exec_rule_parse says what is wrong */
	if (!json_object_object_get_ex(spec, "match", &m)) {
		m = json_object_new_object();
		json_object_object_add(spec, "match", m);
	}
	if (json_object_is_type(m, json_type_object) &&
	    !json_object_object_get_ex(m, "path", NULL))
		json_object_object_add(m, "path", json_object_new_string(path));
	if (!json_object_object_get_ex(spec, "id", NULL)) {
		snprintf(id, sizeof(id), "img%llu", n);
		json_object_object_add(spec, "id", json_object_new_string(id));
	}
	return spec;
}

static bool id_taken(const struct exec_broker *b, const char *id)
{
	const struct exec_rule *r;

	for (r = b->rules; r; r = r->next)
		if (!strcmp(r->id, id))
			return true;
	return false;
}

/* The rules of one entry's section; msg says what is wrong. */
static int load_entry(struct exec_broker *b, json_object *arr, const char *path,
		      unsigned long long *n, char *msg, size_t msglen)
{
	char e[400];
	size_t i;
	int rc;

	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(msg, msglen, "exec: expected an array of exec rules");
		return -EINVAL;
	}
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *spec =
		    image_spec(json_object_array_get_idx(arr, i), path, ++*n);
		struct exec_rule *r;

		if (!spec)
			return -ENOMEM;
		e[0] = '\0';
		rc = exec_rule_parse(b, spec, true, &r, e, sizeof(e));
		json_object_put(spec);
		if (!rc && id_taken(b, r->id)) {
			snprintf(e, sizeof(e), "/id: '%s' names another rule",
				 r->id);
			exec_rule_free(r);
			rc = -EINVAL;
		}
		if (!rc && b->n_rules >= EXEC_RULES_MAX) {
			snprintf(e, sizeof(e),
				 ": too many exec rules (at most "
				 "%d)",
				 EXEC_RULES_MAX);
			exec_rule_free(r);
			rc = -EINVAL;
		}
		if (rc) {
			snprintf(msg, msglen, "exec/%zu%s%s", i,
				 e[0] == '/' || e[0] == ':' ? "" : ": ", e);
			return rc;
		}
		r->next = b->rules; /* the first loaded ends up last */
		b->rules = r;
		b->n_rules++;
	}
	return 0;
}

int exec_image_load(struct exec_broker *b, char *err, size_t errlen)
{
	struct tree *t = b->fsd->tree;
	unsigned long long n = 0;
	char path[4096], msg[512];
	json_object *o, *arr;
	size_t ino;
	int rc = 0;

	for (ino = 1; t && ino < t->n_slots && !rc; ino++) {
		struct tree_node *node = t->nodes[ino];

		if (!node || !node->intercept_cfg ||
		    tree_path(t, node, path, sizeof(path)))
			continue;
		o = json_tokener_parse(node->intercept_cfg);
		if (o && json_object_is_type(o, json_type_object) &&
		    json_object_object_get_ex(o, "exec", &arr)) {
			if (b->shim_fd < 0) {
				snprintf(msg, sizeof(msg),
					 "exec: rules need the interpose "
					 "shim: '%s' cannot be opened",
					 b->shim_path);
				rc = -ENOENT;
			} else {
				rc = load_entry(b, arr, path, &n, msg,
						sizeof(msg));
			}
			if (rc)
				snprintf(err, errlen,
					 "%s: entry '%s': intercept: %s",
					 node->origin ? node->origin
						      : "<manifest>",
					 path, msg);
		}
		json_object_put(o);
	}
	if (!rc && n)
		exec_rules_recompute(b);
	return rc;
}

/* ---- an image default under a test's answer ------------------------------ */

static const char *style_of(json_object *ans)
{
	json_object *v;

	return json_object_object_get_ex(ans, "style", &v)
		   ? json_object_get_string(v)
		   : "";
}

static bool runs_program(const char *style)
{
	return !strcmp(style, "passthrough") || !strcmp(style, "rewrite");
}

/* dst[key] = test's member, else image's. */
static void take(json_object *dst, const char *key, json_object *image,
		 json_object *test)
{
	json_object *v;

	if (json_object_object_get_ex(test, key, &v) ||
	    json_object_object_get_ex(image, key, &v))
		json_object_object_add(dst, key, json_object_get(v));
}

json_object *exec_image_compose(json_object *image, json_object *test)
{
	const char *is = style_of(image), *ts = style_of(test);
	bool rewrite = !strcmp(is, "rewrite") || !strcmp(ts, "rewrite");
	json_object *out, *env, *xs, *v;
	size_t i;

	if (!runs_program(is) || !runs_program(ts))
		return json_object_get(
		    test); /* the test's program-less answer */
	out = json_object_new_object();
	env = json_object_new_object();
	xs = json_object_new_array();
	if (!out || !env || !xs) {
		json_object_put(out);
		json_object_put(env);
		json_object_put(xs);
		return NULL;
	}
	json_object_object_add(
	    out, "style",
	    json_object_new_string(rewrite ? "rewrite" : "passthrough"));
	take(out, "ld_library_path", image, test);
	take(out, "log_output", image, test);
	/* env: the image's, then the test's over it */
	if (json_object_object_get_ex(image, "env", &v)) {
		json_object_object_foreach(v, k, ev)
		    json_object_object_add(env, k, json_object_get(ev));
	}
	if (json_object_object_get_ex(test, "env", &v)) {
		json_object_object_foreach(v, k, ev)
		    json_object_object_add(env, k, json_object_get(ev));
	}
	if (json_object_object_length(env))
		json_object_object_add(out, "env", env);
	else
		json_object_put(env);
	if (!rewrite) {
		json_object_put(xs);
		return out;
	}
	/* transforms: the image's first, then the test's; exit: the test's */
	if (json_object_object_get_ex(image, "transforms", &v))
		for (i = 0; i < json_object_array_length(v); i++)
			json_object_array_add(
			    xs,
			    json_object_get(json_object_array_get_idx(v, i)));
	if (json_object_object_get_ex(test, "transforms", &v))
		for (i = 0; i < json_object_array_length(v); i++)
			json_object_array_add(
			    xs,
			    json_object_get(json_object_array_get_idx(v, i)));
	json_object_object_add(out, "transforms", xs);
	take(out, "exit", image, test);
	return out;
}
