/* vsish_tree.c - VSI node tree over a flat JSON map: path resolution,
 * directory listing from path prefixes, the struct/-p output formats of
 * vsish and the rules of `set` (integers, strings, config options with
 * min/max, write-only action nodes). */
#include "vsish_tree.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

int vsi_path_resolve(const char *cwd, const char *in, char *out, size_t n)
{
	char tmp[VSI_PATH_MAX * 2];
	size_t len = 0, clen;
	const char *p, *e;

	if (in[0] == '/')
		snprintf(tmp, sizeof(tmp), "%s", in);
	else if (snprintf(tmp, sizeof(tmp), "%s/%s", cwd, in) >=
		 (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if (n < 2)
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (p = tmp; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		clen = (size_t)(e - p);
		if (clen == 1 && p[0] == '.') {
			/* stay */
		} else if (clen == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
		} else {
			if (len + clen + 2 > n)
				return -ENAMETOOLONG;
			out[len++] = '/';
			memcpy(out + len, p, clen);
			len += clen;
			out[len] = '\0';
		}
		p = e;
	}
	if (len == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	return 0;
}

json_object *vsi_nodes(json_object *root, struct vsi_err *err)
{
	json_object *nodes;

	if (root && json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "nodes", &nodes) &&
	    json_object_is_type(nodes, json_type_object))
		return nodes;
	err->state = true;
	snprintf(err->msg, sizeof(err->msg),
		 "'%s': /nodes: expected an object mapping paths to nodes",
		 STATE_VSI);
	return NULL;
}

/* Length of key without trailing slashes (a key "/a/b/" declares an empty
 * directory). */
static size_t key_len(const char *key)
{
	size_t n = strlen(key);

	while (n > 1 && key[n - 1] == '/')
		n--;
	return n;
}

static bool is_dir_key(const char *key)
{
	size_t n = strlen(key);

	return n > 1 && key[n - 1] == '/';
}

/* Does 'key' lie strictly below directory 'dir' ("/" or "/a/b")? */
static const char *below(const char *key, const char *dir)
{
	size_t dl = strcmp(dir, "/") == 0 ? 0 : strlen(dir);

	if (strncmp(key, dir, dl) != 0 || key[dl] != '/' || !key[dl + 1])
		return NULL;
	return key + dl + 1;
}

/* Kind of the first plen bytes of path (a component boundary). */
static enum vsi_kind classify(json_object *nodes, const char *path, size_t plen,
			      json_object **leaf)
{
	enum vsi_kind k = VSI_MISSING;
	size_t kl;

	json_object_object_foreach(nodes, key, val)
	{
		kl = key_len(key);
		if (strncmp(key, path, plen) != 0)
			continue;
		if (kl == plen) {
			if (is_dir_key(key))
				return VSI_DIR;
			*leaf = val;
			return VSI_LEAF;
		}
		if (kl > plen && key[plen] == '/')
			k = VSI_DIR;
	}
	return k;
}

enum vsi_kind vsi_lookup(json_object *nodes, const char *path,
			 json_object **leaf, char *missing, size_t n)
{
	enum vsi_kind k;
	json_object *dummy;
	const char *c, *e;

	*leaf = NULL;
	if (strcmp(path, "/") == 0)
		return VSI_DIR;
	k = classify(nodes, path, strlen(path), leaf);
	if (k != VSI_MISSING)
		return k;
	/* Find the first component that does not name a directory. */
	for (c = path + 1;; c = e + 1) {
		e = strchr(c, '/');
		if (!e)
			e = c + strlen(c);
		k = classify(nodes, path, (size_t)(e - path), &dummy);
		if (k == VSI_LEAF && *e == '/') {
			c = e + 1;
			e = strchr(c, '/');
			if (!e)
				e = c + strlen(c);
			break;
		}
		if (k != VSI_DIR || !*e)
			break;
	}
	snprintf(missing, n, "%.*s", (int)(e - c), c);
	return VSI_MISSING;
}

void vsi_list(json_object *nodes, const char *dir, struct strbuf *out)
{
	json_object *seen = json_object_new_object();
	const char *rest;
	char name[256];
	size_t cl;
	bool sub;

	json_object_object_foreach(nodes, key, val)
	{
		(void)val;
		rest = below(key, dir);
		if (!rest)
			continue;
		cl = strcspn(rest, "/");
		if (cl == 0 || cl >= sizeof(name))
			continue;
		memcpy(name, rest, cl);
		name[cl] = '\0';
		sub = rest[cl] == '/';
		if (json_object_object_get_ex(seen, name, NULL))
			continue;
		json_object_object_add(seen, name,
				       json_object_new_boolean(sub));
	}
	json_object_object_foreach(seen, k, v)
	{
		strbuf_puts(out, k);
		if (json_object_get_boolean(v))
			strbuf_putc(out, '/');
		strbuf_putc(out, '\n');
	}
	json_object_put(seen);
}

static void state_err(struct vsi_err *err, const char *path, const char *what)
{
	struct strbuf b;
	const char *p;
	char *s;

	strbuf_init(&b);
	for (p = path; *p; p++) {
		if (*p == '/')
			strbuf_puts(&b, "~1");
		else if (*p == '~')
			strbuf_puts(&b, "~0");
		else
			strbuf_putc(&b, *p);
	}
	s = strbuf_xtake(&b);
	err->state = true;
	snprintf(err->msg, sizeof(err->msg), "'%s': /nodes/%s: %s", STATE_VSI,
		 s, what);
	free(s);
}

static bool is_struct(json_object *o)
{
	return json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, "fields", NULL);
}

static bool is_action(json_object *o)
{
	return json_object_is_type(o, json_type_object) &&
	       state_json_bool(o, "action", false);
}

static void fmt_scalar(json_object *v, bool hex, bool parse, struct strbuf *out)
{
	switch (json_object_get_type(v)) {
	case json_type_int:
		if (hex)
			strbuf_printf(
			    out, "0x%llx",
			    (unsigned long long)json_object_get_int64(v));
		else
			strbuf_printf(out, "%lld",
				      (long long)json_object_get_int64(v));
		break;
	case json_type_boolean:
		strbuf_putc(out, json_object_get_boolean(v) ? '1' : '0');
		break;
	case json_type_double:
		strbuf_printf(out, "%g", json_object_get_double(v));
		break;
	case json_type_string:
		if (parse)
			strbuf_putc(out, '"');
		strbuf_puts(out, json_object_get_string(v));
		if (parse)
			strbuf_putc(out, '"');
		break;
	default:
		strbuf_puts(out, parse ? "\"\"" : "");
	}
}

static int fmt_struct(json_object *node, const char *path, bool parse,
		      int depth, struct strbuf *out, struct vsi_err *err);

/* One field of a struct: {"name", "label", "value", "hex"}. */
static int fmt_field(json_object *f, const char *path, bool parse, int depth,
		     struct strbuf *out, struct vsi_err *err)
{
	const char *name = state_json_str(f, "name", NULL);
	const char *label = state_json_str(f, "label", name);
	json_object *v = NULL;

	if (!json_object_is_type(f, json_type_object) || !name ||
	    !json_object_object_get_ex(f, "value", &v)) {
		state_err(err, path,
			  "each struct field needs \"name\" and \"value\"");
		return -EINVAL;
	}
	strbuf_pad(out, (size_t)(3 * depth));
	if (parse)
		strbuf_printf(out, "\"%s\" : ", name);
	else
		strbuf_printf(out, "%s:", label);
	if (is_struct(v)) {
		if (fmt_struct(v, path, parse, depth, out, err) < 0)
			return -EINVAL;
	} else if (json_object_is_type(v, json_type_object) ||
		   json_object_is_type(v, json_type_array)) {
		state_err(err, path,
			  "a field value must be a scalar or a struct");
		return -EINVAL;
	} else {
		fmt_scalar(v, state_json_bool(f, "hex", false), parse, out);
	}
	if (parse)
		strbuf_putc(out, ',');
	strbuf_putc(out, '\n');
	return 0;
}

/* Writes "Title {\n fields... }" (human) or "{\n "n" : v,... }" (-p), with
 * the closing brace indented to depth-1 and no final newline. */
static int fmt_struct(json_object *node, const char *path, bool parse,
		      int depth, struct strbuf *out, struct vsi_err *err)
{
	json_object *fields;
	const char *title = state_json_str(node, "title", "");
	size_t i, nf;

	if (!json_object_object_get_ex(node, "fields", &fields) ||
	    !json_object_is_type(fields, json_type_array)) {
		state_err(err, path, "\"fields\" must be an array");
		return -EINVAL;
	}
	if (!parse && *title)
		strbuf_printf(out, "%s ", title);
	strbuf_puts(out, "{\n");
	nf = json_object_array_length(fields);
	for (i = 0; i < nf; i++)
		if (fmt_field(json_object_array_get_idx(fields, i), path, parse,
			      depth + 1, out, err) < 0)
			return -EINVAL;
	strbuf_pad(out, (size_t)(3 * depth));
	strbuf_putc(out, '}');
	return 0;
}

int vsi_format(json_object *node, const char *path, bool parse,
	       struct strbuf *out, struct vsi_err *err)
{
	size_t i, n;
	json_object *e;

	err->state = false;
	if (is_action(node)) {
		snprintf(err->msg, sizeof(err->msg), "Not supported");
		return -EINVAL;
	}
	if (is_struct(node)) {
		if (fmt_struct(node, path, parse, 0, out, err) < 0)
			return -EINVAL;
		strbuf_putc(out, '\n');
		return 0;
	}
	switch (json_object_get_type(node)) {
	case json_type_array:
		n = json_object_array_length(node);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(node, i);
			if (is_struct(e)) {
				if (fmt_struct(e, path, parse, 0, out, err) < 0)
					return -EINVAL;
			} else if (json_object_is_type(e, json_type_object) ||
				   json_object_is_type(e, json_type_array)) {
				state_err(err, path,
					  "list items must be scalars or "
					  "structs");
				return -EINVAL;
			} else {
				fmt_scalar(e, false, parse, out);
			}
			strbuf_putc(out, '\n');
		}
		return 0;
	case json_type_object:
		state_err(err, path,
			  "an object node needs \"fields\" (a struct) or "
			  "\"action\": true");
		return -EINVAL;
	case json_type_null:
		state_err(err, path, "null is not a node value");
		return -EINVAL;
	default:
		fmt_scalar(node, false, parse, out);
		strbuf_putc(out, '\n');
		return 0;
	}
}

/* ---- set ---- */

static char *join_args(int argc, char **argv)
{
	struct strbuf b;
	int i;

	strbuf_init(&b);
	for (i = 0; i < argc; i++) {
		if (i)
			strbuf_putc(&b, ' ');
		strbuf_puts(&b, argv[i]);
	}
	return strbuf_xtake(&b);
}

static int parse_int(const char *s, long long *v)
{
	char *end;

	errno = 0;
	if (!*s)
		return -EINVAL;
	if (s[0] == '-')
		*v = strtoll(s, &end, 0);
	else
		*v = (long long)strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static int bad_param(struct vsi_err *err)
{
	err->state = false;
	snprintf(err->msg, sizeof(err->msg), "Bad parameter");
	return -EINVAL;
}

/* New value for an existing scalar of the same JSON type. */
static int scalar_from(json_object *old, const char *text, json_object **nv,
		       struct vsi_err *err)
{
	long long v;

	switch (json_object_get_type(old)) {
	case json_type_int:
		if (parse_int(text, &v) < 0)
			return bad_param(err);
		*nv = json_object_new_int64(v);
		return 0;
	case json_type_boolean:
		if (parse_int(text, &v) < 0 || (v != 0 && v != 1))
			return bad_param(err);
		*nv = json_object_new_boolean(v != 0);
		return 0;
	case json_type_string:
		*nv = json_object_new_string(text);
		return 0;
	default:
		return bad_param(err);
	}
}

static json_object *field_by_name(json_object *fields, const char *name)
{
	size_t i, n = json_object_array_length(fields);
	json_object *f;
	const char *fn;

	for (i = 0; i < n; i++) {
		f = json_object_array_get_idx(fields, i);
		fn = state_json_str(f, "name", NULL);
		if (fn && strcmp(fn, name) == 0)
			return f;
	}
	return NULL;
}

static int set_struct(json_object *node, const char *path, const char *text,
		      struct vsi_err *err)
{
	const char *target = state_json_str(node, "set", NULL);
	json_object *fields, *f, *old, *nv = NULL, *lim;
	long long v;

	if (!target) {
		err->state = false;
		snprintf(err->msg, sizeof(err->msg), "Not supported");
		return -EINVAL;
	}
	if (!json_object_object_get_ex(node, "fields", &fields) ||
	    !json_object_is_type(fields, json_type_array) ||
	    !(f = field_by_name(fields, target)) ||
	    !json_object_object_get_ex(f, "value", &old)) {
		state_err(err, path,
			  "\"set\" names a field that is not in \"fields\"");
		return -EINVAL;
	}
	if (scalar_from(old, text, &nv, err) < 0)
		return -EINVAL;
	if (json_object_is_type(nv, json_type_int)) {
		v = json_object_get_int64(nv);
		lim = field_by_name(fields, "min");
		if (lim && state_json_int(lim, "value", LLONG_MIN) > v)
			goto range;
		lim = field_by_name(fields, "max");
		if (lim && json_object_object_get_ex(lim, "value", NULL) &&
		    state_json_int(lim, "value", LLONG_MAX) < v)
			goto range;
	}
	json_object_object_add(f, "value", nv);
	return 0;
range:
	json_object_put(nv);
	return bad_param(err);
}

int vsi_set(json_object *nodes, const char *path, int argc, char **argv,
	    struct vsi_err *err)
{
	json_object *node, *nv = NULL;
	char *text;
	int r = 0;

	err->state = false;
	if (!json_object_object_get_ex(nodes, path, &node)) {
		snprintf(err->msg, sizeof(err->msg), "Not supported");
		return -EINVAL;
	}
	if (argc < 1)
		return bad_param(err);
	text = join_args(argc, argv);
	if (is_action(node)) {
		json_object_object_add(node, "lastValue",
				       json_object_new_string(text));
		json_object_object_add(
		    node, "count",
		    json_object_new_int64(state_json_int(node, "count", 0) +
					  1));
	} else if (is_struct(node)) {
		r = set_struct(node, path, text, err);
	} else if (json_object_is_type(node, json_type_array) ||
		   json_object_is_type(node, json_type_object) ||
		   json_object_is_type(node, json_type_null)) {
		snprintf(err->msg, sizeof(err->msg), "Not supported");
		r = -EINVAL;
	} else {
		r = scalar_from(node, text, &nv, err);
		if (r == 0)
			json_object_object_add(nodes, path, nv);
	}
	free(text);
	return r;
}
