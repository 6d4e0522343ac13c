/* state.c - JSON state files and esx.conf: strict parsing with located
 * errors, unlocked reads, locked read-modify-write with atomic replace
 * (esxroot.h). Python-compatible output lives in state_py.c. */
#include "state.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_WS " \t\r\n"

static void set_err(struct state_err *err, const char *path, const char *what,
		    int e)
{
	if (!err)
		return;
	err->line = 0;
	err->column = 0;
	err->reason[0] = '\0';
	if (e)
		snprintf(err->msg, sizeof(err->msg), "'%s': %s: %s", path, what,
			 strerror(-e));
	else
		snprintf(err->msg, sizeof(err->msg), "'%s': %s", path, what);
}

static void syntax_err(struct state_err *err, const char *name,
		       const char *text, size_t off, const char *reason)
{
	int line = 1, col = 1;

	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	if (!err)
		return;
	err->line = line;
	err->column = col;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
	snprintf(err->msg, sizeof(err->msg),
		 "'%s': line %d, column %d: invalid JSON: %s", name, line, col,
		 reason);
}

static bool blank(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && text[i] && strchr(STATE_WS, text[i]))
		i++;
	return i == len;
}

int state_json_parse(const char *name, const char *text, size_t len,
		     json_object **root, struct state_err *err)
{
	struct json_tokener *tok;
	enum json_tokener_error je;
	json_object *o;
	size_t end;

	*root = NULL;
	if (len > (size_t)INT32_MAX) {
		set_err(err, name, "too large", 0);
		return -EFBIG;
	}
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	/* strict: what Python's json (configstorecli) would accept */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	je = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (je == json_tokener_continue) {
		json_object_put(o);
		syntax_err(err, name, text, end, "unexpected end of file");
		return -EBADMSG;
	}
	if (je != json_tokener_success) {
		json_object_put(o);
		syntax_err(err, name, text, end, json_tokener_error_desc(je));
		return -EBADMSG;
	}
	while (end < len && text[end] && strchr(STATE_WS, text[end]))
		end++;
	if (end < len) {
		json_object_put(o);
		syntax_err(err, name, text, end,
			   "data after the top-level value");
		return -EBADMSG;
	}
	*root = o;
	return 0;
}

/* Blank text is a document not written yet: 0 with *root NULL. */
static int parse_doc(const char *name, const char *text, size_t len,
		     json_object **root, struct state_err *err)
{
	*root = NULL;
	if (blank(text, len))
		return 0;
	return state_json_parse(name, text, len, root, err);
}

int state_json_read(const char *esxpath, json_object **root,
		    struct state_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	*root = NULL;
	r = esx_read_file(esxpath, &buf, &len);
	if (r < 0) {
		set_err(err, esxpath, "cannot read", r);
		return r;
	}
	r = parse_doc(esxpath, buf, len, root, err);
	free(buf);
	return r;
}

int state_json_lock(struct state_doc *d, const char *esxpath,
		    struct state_err *err)
{
	int r;

	d->root = NULL;
	snprintf(d->name, sizeof(d->name), "%s", esxpath);
	r = esx_state_open(&d->st, esxpath, 0644);
	if (r < 0) {
		set_err(err, esxpath, "cannot lock", r);
		return r;
	}
	r = parse_doc(esxpath, d->st.data, d->st.len, &d->root, err);
	if (r < 0)
		esx_state_close(&d->st);
	return r;
}

int state_json_commit(struct state_doc *d, struct state_err *err)
{
	const char *s;
	size_t len;
	char *buf;
	int r;

	s = json_object_to_json_string_length(
	    d->root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		JSON_C_TO_STRING_NOSLASHESCAPE,
	    &len);
	buf = s ? malloc(len + 2) : NULL;
	if (!buf) {
		state_json_release(d);
		set_err(err, d->name, "cannot write", -ENOMEM);
		return -ENOMEM;
	}
	memcpy(buf, s, len);
	buf[len++] = '\n'; /* as a text editor would leave it */
	r = esx_state_commit(&d->st, buf, len);
	free(buf);
	json_object_put(d->root);
	d->root = NULL;
	if (r < 0)
		set_err(err, d->name, "cannot write", r);
	return r;
}

void state_json_release(struct state_doc *d)
{
	esx_state_close(&d->st);
	json_object_put(d->root);
	d->root = NULL;
}

int state_json_update(const char *esxpath, state_json_fn *fn, void *arg,
		      struct state_err *err)
{
	struct state_doc d;
	int r = state_json_lock(&d, esxpath, err);

	if (r < 0)
		return r;
	r = fn(&d.root, arg);
	if (r != 0) {
		state_json_release(&d);
		return r;
	}
	return state_json_commit(&d, err);
}

const char *state_json_str(json_object *o, const char *key, const char *dflt)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return dflt;
}

long long state_json_int(json_object *o, const char *key, long long dflt)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_int))
		return (long long)json_object_get_int64(v);
	return dflt;
}

bool state_json_bool(json_object *o, const char *key, bool dflt)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	return dflt;
}

json_object *state_json_array(json_object *o, const char *key)
{
	json_object *a;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return NULL;
	return a;
}

/* ---- esx.conf ---- */

int state_conf_load(struct esxconf *c, struct state_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	esxconf_init(c);
	r = esx_read_file(STATE_ESXCONF, &buf, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		set_err(err, STATE_ESXCONF, "cannot read", r);
		return r;
	}
	r = esxconf_parse(c, buf, len);
	free(buf);
	if (r < 0) {
		esxconf_release(c);
		set_err(err, STATE_ESXCONF, "cannot parse", r);
	}
	return r;
}

int state_conf_update(state_conf_fn *fn, void *arg, struct state_err *err)
{
	struct esx_state st;
	struct esxconf c;
	char *text;
	size_t len;
	int r;

	r = esx_state_open(&st, STATE_ESXCONF, 0644);
	if (r < 0) {
		set_err(err, STATE_ESXCONF, "cannot lock", r);
		return r;
	}
	esxconf_init(&c);
	r = esxconf_parse(&c, st.data, st.len);
	if (r < 0)
		set_err(err, STATE_ESXCONF, "cannot parse", r);
	else
		r = fn(&c, arg);
	if (r != 0) {
		esxconf_release(&c);
		esx_state_close(&st);
		return r;
	}
	text = esxconf_format(&c, &len);
	esxconf_release(&c);
	if (!text) {
		esx_state_close(&st);
		set_err(err, STATE_ESXCONF, "cannot write", -ENOMEM);
		return -ENOMEM;
	}
	r = esx_state_commit(&st, text, len);
	free(text);
	if (r < 0)
		set_err(err, STATE_ESXCONF, "cannot write", r);
	return r;
}
