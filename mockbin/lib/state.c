/* state.c - esx.conf and JSON state files: parse on read, locked
 * read-modify-write with atomic replace on write (esxroot.h). */
#include "state.h"

#include "esxroot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static void set_err(struct state_err *err, const char *path, const char *what,
		    int e)
{
	if (!err)
		return;
	if (e)
		snprintf(err->msg, sizeof(err->msg), "'%s': %s: %s", path, what,
			 strerror(-e));
	else
		snprintf(err->msg, sizeof(err->msg), "'%s': %s", path, what);
}

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
	if (r == 0)
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
		return -ENOMEM;
	}
	r = esx_state_commit(&st, text, len);
	free(text);
	if (r < 0)
		set_err(err, STATE_ESXCONF, "cannot write", r);
	return r;
}

static int parse_json(const char *path, const char *text, size_t len,
		      struct json_object **out, struct state_err *err)
{
	struct json_tokener *tok;
	enum json_tokener_error je;
	size_t i = 0;

	*out = NULL;
	while (i < len && (text[i] == ' ' || text[i] == '\n' ||
			   text[i] == '\t' || text[i] == '\r'))
		i++;
	if (i == len)
		return 0;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	*out = json_tokener_parse_ex(tok, text, (int)len);
	je = json_tokener_get_error(tok);
	if (!*out || je != json_tokener_success) {
		int line = 1;
		size_t off = json_tokener_get_parse_end(tok);

		for (size_t k = 0; k < off && k < len; k++)
			line += text[k] == '\n';
		if (err)
			snprintf(err->msg, sizeof(err->msg),
				 "'%s': line %d: invalid JSON: %s", path, line,
				 je == json_tokener_continue
				     ? "unexpected end of file"
				     : json_tokener_error_desc(je));
		json_object_put(*out);
		*out = NULL;
		json_tokener_free(tok);
		return -EINVAL;
	}
	for (i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t' &&
		    text[i] != '\r') {
			int line = 1;

			for (size_t k = 0; k < i; k++)
				line += text[k] == '\n';
			if (err)
				snprintf(err->msg, sizeof(err->msg),
					 "'%s': line %d: invalid JSON: data "
					 "after the top-level value",
					 path, line);
			json_object_put(*out);
			*out = NULL;
			json_tokener_free(tok);
			return -EINVAL;
		}
	}
	json_tokener_free(tok);
	return 0;
}

int state_json_load(const char *esxpath, struct json_object **out,
		    struct state_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	r = esx_read_file(esxpath, &buf, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		set_err(err, esxpath, "cannot read", r);
		return r;
	}
	r = parse_json(esxpath, buf, len, out, err);
	free(buf);
	return r;
}

int state_json_update(const char *esxpath, state_json_fn *fn, void *arg,
		      struct state_err *err)
{
	struct esx_state st;
	struct json_object *root = NULL;
	const char *text;
	size_t len;
	int r;

	r = esx_state_open(&st, esxpath, 0644);
	if (r < 0) {
		set_err(err, esxpath, "cannot lock", r);
		return r;
	}
	r = parse_json(esxpath, st.data, st.len, &root, err);
	if (r == 0)
		r = fn(&root, arg);
	if (r != 0) {
		json_object_put(root);
		esx_state_close(&st);
		return r;
	}
	text = json_object_to_json_string_length(
	    root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		JSON_C_TO_STRING_NOSLASHESCAPE,
	    &len);
	if (!text) {
		json_object_put(root);
		esx_state_close(&st);
		return -ENOMEM;
	}
	{
		/* a trailing newline, as a text editor would leave it */
		char *buf = malloc(len + 2);

		if (!buf) {
			json_object_put(root);
			esx_state_close(&st);
			return -ENOMEM;
		}
		memcpy(buf, text, len);
		buf[len] = '\n';
		r = esx_state_commit(&st, buf, len + 1);
		free(buf);
	}
	json_object_put(root);
	if (r < 0)
		set_err(err, esxpath, "cannot write", r);
	return r;
}

struct json_object *state_json_array(struct json_object *obj, const char *key)
{
	struct json_object *a;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return NULL;
	return a;
}
