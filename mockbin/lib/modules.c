/* modules.c - the VMkernel module state file (modules.h): schema checks with
 * JSON-pointer errors, the merge with module files found in MOD_DIR, and the
 * locked load/unload/set operations. */
#include "modules.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "esxroot.h"
#include "strbuf.h"
#include "state.h"

static struct state_err mod_err;

const char *mod_error(void)
{
	return mod_err.msg;
}

/* Sets the message "module 'NAME' WHAT" and returns r. */
static int fail(int r, const char *name, const char *what)
{
	snprintf(mod_err.msg, sizeof(mod_err.msg), "module '%s' %s", name,
		 what);
	return r;
}

/* Module names are file names in MOD_DIR: no '/', not "." or "..". */
static bool name_ok(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < 128;
}

static bool module_file_exists(const char *name)
{
	char esxp[256], host[4096];
	struct stat sb;

	snprintf(esxp, sizeof(esxp), "%s/%s", MOD_DIR, name);
	if (esx_path(host, sizeof(host), esxp) < 0)
		return false;
	return stat(host, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* ---- schema: JSON record -> struct mod_info ---- */

struct walk {
	char ptr[128];
	int bad;
};

static char *get_s(struct walk *w, json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    json_object_is_type(v, json_type_null))
		return xstrdup("");
	if (!json_object_is_type(v, json_type_string)) {
		if (!w->bad)
			snprintf(mod_err.msg, sizeof(mod_err.msg),
				 "'%s': %s/%s: expected a string",
				 STATE_MODULES, w->ptr, key);
		w->bad = 1;
		return xstrdup("");
	}
	return xstrdup(json_object_get_string(v));
}

static unsigned int get_u(struct walk *w, json_object *o, const char *key)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < 0 || n > 0x7fffffff) {
		if (!w->bad)
			snprintf(mod_err.msg, sizeof(mod_err.msg),
				 "'%s': %s/%s: expected a non-negative integer",
				 STATE_MODULES, w->ptr, key);
		w->bad = 1;
		return 0;
	}
	return (unsigned int)n;
}

static bool get_b(struct walk *w, json_object *o, const char *key, bool dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return dflt;
	if (!json_object_is_type(v, json_type_boolean)) {
		if (!w->bad)
			snprintf(mod_err.msg, sizeof(mod_err.msg),
				 "'%s': %s/%s: expected true or false",
				 STATE_MODULES, w->ptr, key);
		w->bad = 1;
		return dflt;
	}
	return json_object_get_boolean(v);
}

static char **get_strv(struct walk *w, json_object *o, const char *key,
		       size_t *n)
{
	json_object *v, *e;
	char **out;
	size_t i;

	*n = 0;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_array)) {
		if (!w->bad)
			snprintf(mod_err.msg, sizeof(mod_err.msg),
				 "'%s': %s/%s: expected an array of strings",
				 STATE_MODULES, w->ptr, key);
		w->bad = 1;
		return NULL;
	}
	*n = json_object_array_length(v);
	out = xmalloc(sizeof(*out) * (*n + 1));
	for (i = 0; i < *n; i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string)) {
			if (!w->bad)
				snprintf(mod_err.msg, sizeof(mod_err.msg),
					 "'%s': %s/%s/%zu: expected a string",
					 STATE_MODULES, w->ptr, key, i);
			w->bad = 1;
		}
		out[i] = xstrdup(json_object_get_string(e));
	}
	return out;
}

static void defaults(struct mod_info *m, const char *name)
{
	char file[256];

	memset(m, 0, sizeof(*m));
	snprintf(file, sizeof(file), "%s/%s", MOD_DIR, name);
	m->name = xstrdup(name);
	m->enabled = true;
	m->file = xstrdup(file);
	m->version = xstrdup("");
	m->license = xstrdup("");
	m->build_type = xstrdup("release");
	m->vib = xstrdup("");
	m->acceptance = xstrdup("");
	m->options = xstrdup("");
}

static int from_json(json_object *o, size_t idx, struct mod_info *m)
{
	struct walk w = {.bad = 0};
	json_object *pv, *p;
	size_t i;

	snprintf(w.ptr, sizeof(w.ptr), "/modules/%zu", idx);
	memset(m, 0, sizeof(*m));
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(mod_err.msg, sizeof(mod_err.msg),
			 "'%s': %s: expected an object", STATE_MODULES, w.ptr);
		return -EBADMSG;
	}
	m->name = get_s(&w, o, "name");
	if (!w.bad && !name_ok(m->name)) {
		snprintf(mod_err.msg, sizeof(mod_err.msg),
			 "'%s': %s/name: missing or invalid module name",
			 STATE_MODULES, w.ptr);
		w.bad = 1;
	}
	m->loaded = get_b(&w, o, "loaded", false);
	m->enabled = get_b(&w, o, "enabled", true);
	m->id = get_u(&w, o, "id");
	m->use_count = get_u(&w, o, "used");
	m->size_kb = get_u(&w, o, "size_kb");
	m->file = get_s(&w, o, "file");
	if (!*m->file) {
		free(m->file);
		m->file = xmalloc(strlen(MOD_DIR) + strlen(m->name) + 2);
		sprintf(m->file, "%s/%s", MOD_DIR, m->name);
	}
	m->version = get_s(&w, o, "version");
	m->license = get_s(&w, o, "license");
	m->build_type = get_s(&w, o, "build_type");
	if (!*m->build_type) {
		free(m->build_type);
		m->build_type = xstrdup("release");
	}
	m->vib = get_s(&w, o, "vib");
	m->acceptance = get_s(&w, o, "acceptance");
	m->options = get_s(&w, o, "options");
	m->provides = get_strv(&w, o, "provides", &m->n_provides);
	m->requires = get_strv(&w, o, "requires", &m->n_requires);
	if (json_object_object_get_ex(o, "params", &pv)) {
		if (!json_object_is_type(pv, json_type_array)) {
			if (!w.bad)
				snprintf(mod_err.msg, sizeof(mod_err.msg),
					 "'%s': %s/params: expected an array",
					 STATE_MODULES, w.ptr);
			w.bad = 1;
		} else {
			m->n_params = json_object_array_length(pv);
			m->params =
			    xmalloc(sizeof(*m->params) * (m->n_params + 1));
			for (i = 0; i < m->n_params; i++) {
				struct walk pw = {.bad = 0};

				p = json_object_array_get_idx(pv, i);
				snprintf(pw.ptr, sizeof(pw.ptr),
					 "/modules/%zu/params/%zu", idx, i);
				if (!json_object_is_type(p, json_type_object)) {
					snprintf(mod_err.msg,
						 sizeof(mod_err.msg),
						 "'%s': %s: expected an object",
						 STATE_MODULES, pw.ptr);
					pw.bad = 1;
				}
				m->params[i].name = get_s(&pw, p, "name");
				m->params[i].type = get_s(&pw, p, "type");
				m->params[i].description =
				    get_s(&pw, p, "description");
				if (pw.bad && !w.bad)
					w.bad = 1;
			}
		}
	}
	if (w.bad) {
		mod_info_free(m);
		return -EBADMSG;
	}
	return 0;
}

void mod_info_free(struct mod_info *m)
{
	size_t i;

	if (!m)
		return;
	free(m->name);
	free(m->file);
	free(m->version);
	free(m->license);
	free(m->build_type);
	free(m->vib);
	free(m->acceptance);
	free(m->options);
	for (i = 0; i < m->n_provides; i++)
		free(m->provides[i]);
	free(m->provides);
	for (i = 0; i < m->n_requires; i++)
		free(m->requires[i]);
	free(m->requires);
	for (i = 0; i < m->n_params; i++) {
		free(m->params[i].name);
		free(m->params[i].type);
		free(m->params[i].description);
	}
	free(m->params);
	memset(m, 0, sizeof(*m));
}

void mod_list_free(struct mod_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		mod_info_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct mod_info *mod_list_find(const struct mod_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* The "modules" array of a parsed state file, or NULL with mod_err set. */
static json_object *modules_array(json_object *root, int *r)
{
	json_object *a;

	*r = 0;
	if (!root)
		return NULL;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "modules", &a) ||
	    !json_object_is_type(a, json_type_array)) {
		snprintf(mod_err.msg, sizeof(mod_err.msg),
			 "'%s': /modules: expected an array of module records",
			 STATE_MODULES);
		*r = -EBADMSG;
		return NULL;
	}
	return a;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of regular files in MOD_DIR, sorted; NULL-terminated. */
static char **scan_mod_dir(size_t *n)
{
	char host[4096];
	struct dirent *de;
	char **v = NULL;
	DIR *d;

	*n = 0;
	if (esx_path(host, sizeof(host), MOD_DIR) < 0)
		return NULL;
	d = opendir(host);
	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (!name_ok(de->d_name) || de->d_name[0] == '.')
			continue;
		if (!module_file_exists(de->d_name))
			continue;
		v = xrealloc(v, sizeof(*v) * (*n + 1));
		v[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

int mod_list_read(struct mod_list *out)
{
	json_object *root = NULL, *a;
	char **files;
	size_t i, nf, n = 0;
	int r;

	out->v = NULL;
	out->n = 0;
	mod_err.msg[0] = '\0';
	r = state_json_read(STATE_MODULES, &root, &mod_err);
	if (r < 0 && r != -ENOENT)
		return r;
	a = modules_array(root, &r);
	if (r < 0) {
		json_object_put(root);
		return r;
	}
	if (a)
		n = json_object_array_length(a);
	out->v = xmalloc(sizeof(*out->v) * (n + 1));
	for (i = 0; i < n; i++) {
		r = from_json(json_object_array_get_idx(a, i), i,
			      &out->v[out->n]);
		if (r < 0) {
			json_object_put(root);
			mod_list_free(out);
			return r;
		}
		out->n++;
	}
	json_object_put(root);
	files = scan_mod_dir(&nf);
	for (i = 0; i < nf; i++) {
		if (!mod_list_find(out, files[i])) {
			out->v =
			    xrealloc(out->v, sizeof(*out->v) * (out->n + 1));
			defaults(&out->v[out->n++], files[i]);
		}
		free(files[i]);
	}
	free(files);
	return 0;
}

int mod_get(const char *name, struct mod_info *out)
{
	struct mod_list l;
	size_t i;
	int r;

	memset(out, 0, sizeof(*out));
	if (!name_ok(name))
		return fail(-ENOENT, name ? name : "", "not found");
	r = mod_list_read(&l);
	if (r < 0)
		return r;
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].name, name) == 0) {
			*out = l.v[i];
			memset(&l.v[i], 0, sizeof(l.v[i]));
			break;
		}
	}
	mod_list_free(&l);
	if (!out->name)
		return fail(-ENOENT, name, "not found");
	return 0;
}

/* ---- locked mutations ---- */

struct mod_txn {
	struct state_doc doc;
	json_object *arr;
	json_object *rec; /* the module's record (borrowed from doc.root) */
};

/* Locks the state file and finds (or, when the module file exists,
 * creates) the record of 'name'. */
static int txn_open(struct mod_txn *t, const char *name)
{
	json_object *e;
	const char *n;
	size_t i, len;
	int r;

	mod_err.msg[0] = '\0';
	t->rec = NULL;
	if (!name_ok(name))
		return fail(-ENOENT, name ? name : "", "not found");
	r = state_json_lock(&t->doc, STATE_MODULES, &mod_err);
	if (r < 0)
		return r;
	if (!t->doc.root) {
		t->doc.root = json_object_new_object();
		json_object_object_add(t->doc.root, "modules",
				       json_object_new_array());
	}
	t->arr = modules_array(t->doc.root, &r);
	if (r < 0) {
		state_json_release(&t->doc);
		return r;
	}
	len = json_object_array_length(t->arr);
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(t->arr, i);
		n = state_json_str(e, "name", NULL);
		if (n && strcmp(n, name) == 0) {
			struct mod_info chk;

			r = from_json(e, i, &chk);
			if (r < 0) {
				state_json_release(&t->doc);
				return r;
			}
			mod_info_free(&chk);
			t->rec = e;
			return 0;
		}
	}
	if (!module_file_exists(name)) {
		state_json_release(&t->doc);
		return fail(-ENOENT, name, "not found");
	}
	e = json_object_new_object();
	json_object_object_add(e, "name", json_object_new_string(name));
	json_object_object_add(e, "loaded", json_object_new_boolean(0));
	json_object_object_add(e, "enabled", json_object_new_boolean(1));
	json_object_array_add(t->arr, e);
	t->rec = e;
	return 0;
}

static void set_int(json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static void set_bool(json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

static void set_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static unsigned int next_id(json_object *arr)
{
	size_t i, n = json_object_array_length(arr);
	long long max = 0, id;
	json_object *e;

	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		if (!state_json_bool(e, "loaded", false))
			continue;
		id = state_json_int(e, "id", 0);
		if (id > max)
			max = id;
	}
	return (unsigned int)max + 1;
}

/* A loaded module needs a size for vmkload_mod -l: the record's, else the
 * module file's size in KiB, at least 4. */
static long long load_size(const char *name, json_object *rec)
{
	char esxp[256], host[4096];
	long long kb = state_json_int(rec, "size_kb", 0);
	struct stat sb;

	if (kb > 0)
		return kb;
	snprintf(esxp, sizeof(esxp), "%s/%s", MOD_DIR, name);
	kb = 4;
	if (esx_path(host, sizeof(host), esxp) == 0 && stat(host, &sb) == 0 &&
	    (sb.st_size + 1023) / 1024 > kb)
		kb = (sb.st_size + 1023) / 1024;
	return kb;
}

int mod_load(const char *name, const char *options, bool force)
{
	struct mod_txn t;
	int r = txn_open(&t, name);

	if (r < 0)
		return r;
	if (state_json_bool(t.rec, "loaded", false) && !force) {
		state_json_release(&t.doc);
		return fail(-EEXIST, name, "is already loaded");
	}
	if (!state_json_bool(t.rec, "loaded", false)) {
		set_int(t.rec, "id", next_id(t.arr));
		set_int(t.rec, "size_kb", load_size(name, t.rec));
		set_bool(t.rec, "loaded", true);
	}
	if (options)
		set_str(t.rec, "options", options);
	return state_json_commit(&t.doc, &mod_err);
}

int mod_unload(const char *name, bool force)
{
	struct mod_txn t;
	int r = txn_open(&t, name);

	if (r < 0)
		return r;
	if (!state_json_bool(t.rec, "loaded", false)) {
		state_json_release(&t.doc);
		return fail(-EALREADY, name, "is not loaded");
	}
	if (state_json_int(t.rec, "used", 0) > 0 && !force) {
		state_json_release(&t.doc);
		return fail(-EBUSY, name, "is in use");
	}
	set_bool(t.rec, "loaded", false);
	set_int(t.rec, "id", 0);
	set_int(t.rec, "used", 0);
	return state_json_commit(&t.doc, &mod_err);
}

int mod_set_enabled(const char *name, bool enabled)
{
	struct mod_txn t;
	int r = txn_open(&t, name);

	if (r < 0)
		return r;
	set_bool(t.rec, "enabled", enabled);
	return state_json_commit(&t.doc, &mod_err);
}

int mod_set_options(const char *name, const char *options, bool append)
{
	struct mod_txn t;
	struct strbuf b;
	const char *old;
	char *s;
	int r = txn_open(&t, name);

	if (r < 0)
		return r;
	strbuf_init(&b);
	old = state_json_str(t.rec, "options", "");
	if (append && *old) {
		strbuf_puts(&b, old);
		if (options && *options)
			strbuf_putc(&b, ' ');
	}
	strbuf_puts(&b, options ? options : "");
	s = strbuf_xtake(&b);
	set_str(t.rec, "options", s);
	free(s);
	return state_json_commit(&t.doc, &mod_err);
}
