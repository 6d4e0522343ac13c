/* tool_json.c - JSON state files of the mock tools: located parse errors,
 * locked updates through esx_state, and a Python-compatible serialiser
 * (configstorecli prints what Python's json.dumps(indent=3) prints). */
#include "tool_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_buf.h"

static void locate(const char *text, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int tj_parse(const char *name, const char *text, size_t len, json_object **root,
	     char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *o;
	size_t end;
	int line, col;

	*root = NULL;
	if (!tok)
		return -ENOMEM;
	/* strict: what Python's json (configstorecli) would accept */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	if (jerr == json_tokener_success) {
		while (end < len && strchr(" \t\r\n", text[end]))
			end++;
		if (end < len) {
			json_object_put(o);
			o = NULL;
			locate(text, end, &line, &col);
			snprintf(
			    err, errlen,
			    "'%s': line %d, column %d: trailing data after "
			    "the JSON value",
			    name, line, col);
			json_tokener_free(tok);
			return -EBADMSG;
		}
		*root = o;
		json_tokener_free(tok);
		return 0;
	}
	locate(text, end, &line, &col);
	snprintf(err, errlen, "'%s': line %d, column %d: %s", name, line, col,
		 json_tokener_error_desc(jerr));
	json_tokener_free(tok);
	return -EBADMSG;
}

int tj_read(const char *esxpath, json_object **root, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int r = esx_read_file(esxpath, &buf, &len);

	*root = NULL;
	if (r < 0) {
		snprintf(err, errlen, "'%s': %s", esxpath, strerror(-r));
		return r;
	}
	if (strspn(buf, " \t\r\n") == len)
		r = 0; /* blank: no document yet */
	else
		r = tj_parse(esxpath, buf, len, root, err, errlen);
	free(buf);
	return r;
}

int tj_lock(struct tj_doc *d, const char *esxpath, char *err, size_t errlen)
{
	int r;

	d->root = NULL;
	snprintf(d->name, sizeof(d->name), "%s", esxpath);
	r = esx_state_open(&d->st, esxpath, 0644);
	if (r < 0) {
		snprintf(err, errlen, "'%s': %s", esxpath, strerror(-r));
		return r;
	}
	if (d->st.len == 0 || strspn(d->st.data, " \t\r\n") == d->st.len)
		return 0;
	r = tj_parse(esxpath, d->st.data, d->st.len, &d->root, err, errlen);
	if (r < 0)
		esx_state_close(&d->st);
	return r;
}

int tj_commit(struct tj_doc *d)
{
	const char *s;
	size_t len;
	char *buf;
	int r;

	s = json_object_to_json_string_ext(
	    d->root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			 JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	buf = malloc(len + 2);
	if (!buf) {
		tj_release(d);
		return -ENOMEM;
	}
	memcpy(buf, s, len);
	buf[len++] = '\n';
	r = esx_state_commit(&d->st, buf, len);
	free(buf);
	json_object_put(d->root);
	d->root = NULL;
	return r;
}

void tj_release(struct tj_doc *d)
{
	esx_state_close(&d->st);
	json_object_put(d->root);
	d->root = NULL;
}

/* ---- Python json.dumps ---- */

static int utf8_next(const unsigned char *s, size_t len, size_t *i,
		     unsigned int *cp)
{
	unsigned char c = s[*i];
	int n, k;

	if (c < 0x80) {
		*cp = c;
		n = 1;
	} else if ((c & 0xe0) == 0xc0) {
		*cp = c & 0x1f;
		n = 2;
	} else if ((c & 0xf0) == 0xe0) {
		*cp = c & 0x0f;
		n = 3;
	} else if ((c & 0xf8) == 0xf0) {
		*cp = c & 0x07;
		n = 4;
	} else {
		*cp = 0xfffd;
		(*i)++;
		return 0;
	}
	if (*i + (size_t)n > len) {
		*cp = 0xfffd;
		(*i)++;
		return 0;
	}
	for (k = 1; k < n; k++) {
		if ((s[*i + (size_t)k] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			(*i)++;
			return 0;
		}
		*cp = (*cp << 6) | (s[*i + (size_t)k] & 0x3f);
	}
	*i += (size_t)n;
	return 0;
}

static void py_string(struct tbuf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	unsigned int cp;

	tbuf_putc(b, '"');
	while (i < len) {
		utf8_next(u, len, &i, &cp);
		switch (cp) {
		case '"':
			tbuf_puts(b, "\\\"");
			break;
		case '\\':
			tbuf_puts(b, "\\\\");
			break;
		case '\n':
			tbuf_puts(b, "\\n");
			break;
		case '\r':
			tbuf_puts(b, "\\r");
			break;
		case '\t':
			tbuf_puts(b, "\\t");
			break;
		case '\b':
			tbuf_puts(b, "\\b");
			break;
		case '\f':
			tbuf_puts(b, "\\f");
			break;
		default:
			if (cp < 0x20 || (cp >= 0x80 && cp < 0x10000)) {
				tbuf_printf(b, "\\u%04x", cp);
			} else if (cp >= 0x10000) {
				cp -= 0x10000;
				tbuf_printf(b, "\\u%04x\\u%04x",
					    0xd800 + (cp >> 10),
					    0xdc00 + (cp & 0x3ff));
			} else {
				tbuf_putc(b, (char)cp);
			}
		}
	}
	tbuf_putc(b, '"');
}

static void py_newline(struct tbuf *b, int indent, int depth)
{
	if (indent < 0)
		return;
	tbuf_putc(b, '\n');
	tbuf_pad(b, (size_t)(indent * depth));
}

static void py_value(struct tbuf *b, json_object *o, int indent, int depth)
{
	const char *sep = indent < 0 ? ", " : ",";
	size_t i, n;
	int first = 1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		tbuf_puts(b, "null");
		break;
	case json_type_boolean:
		tbuf_puts(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
	case json_type_double:
		tbuf_puts(b, json_object_to_json_string_ext(
				 o, JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		py_string(b, json_object_get_string(o),
			  (size_t)json_object_get_string_len(o));
		break;
	case json_type_array:
		n = json_object_array_length(o);
		if (n == 0) {
			tbuf_puts(b, "[]");
			break;
		}
		tbuf_putc(b, '[');
		for (i = 0; i < n; i++) {
			if (i)
				tbuf_puts(b, sep);
			py_newline(b, indent, depth + 1);
			py_value(b, json_object_array_get_idx(o, i), indent,
				 depth + 1);
		}
		py_newline(b, indent, depth);
		tbuf_putc(b, ']');
		break;
	case json_type_object:
		if (json_object_object_length(o) == 0) {
			tbuf_puts(b, "{}");
			break;
		}
		tbuf_putc(b, '{');
		json_object_object_foreach(o, key, val)
		{
			if (!first)
				tbuf_puts(b, sep);
			first = 0;
			py_newline(b, indent, depth + 1);
			py_string(b, key, strlen(key));
			tbuf_puts(b, ": ");
			py_value(b, val, indent, depth + 1);
		}
		py_newline(b, indent, depth);
		tbuf_putc(b, '}');
		break;
	}
}

char *tj_dump_py(json_object *o, int indent)
{
	struct tbuf b;

	tbuf_init(&b);
	py_value(&b, o, indent, 0);
	return tbuf_take(&b);
}

const char *tj_str(json_object *o, const char *key, const char *dflt)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return dflt;
}

long long tj_int(json_object *o, const char *key, long long dflt)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_int))
		return (long long)json_object_get_int64(v);
	return dflt;
}

bool tj_bool(json_object *o, const char *key, bool dflt)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	return dflt;
}
