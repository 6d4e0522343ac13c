/* state_py.c - JSON output as Python's json.dumps() writes it, for
 * configstorecli (the real one is a Python program). Part of state.h. */
#include "state.h"

#include <string.h>

#include "strbuf.h"

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

static void py_string(struct strbuf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	unsigned int cp;

	strbuf_putc(b, '"');
	while (i < len) {
		utf8_next(u, len, &i, &cp);
		switch (cp) {
		case '"':
			strbuf_puts(b, "\\\"");
			break;
		case '\\':
			strbuf_puts(b, "\\\\");
			break;
		case '\n':
			strbuf_puts(b, "\\n");
			break;
		case '\r':
			strbuf_puts(b, "\\r");
			break;
		case '\t':
			strbuf_puts(b, "\\t");
			break;
		case '\b':
			strbuf_puts(b, "\\b");
			break;
		case '\f':
			strbuf_puts(b, "\\f");
			break;
		default:
			if (cp < 0x20 || (cp >= 0x80 && cp < 0x10000)) {
				strbuf_printf(b, "\\u%04x", cp);
			} else if (cp >= 0x10000) {
				cp -= 0x10000;
				strbuf_printf(b, "\\u%04x\\u%04x",
					      0xd800 + (cp >> 10),
					      0xdc00 + (cp & 0x3ff));
			} else {
				strbuf_putc(b, (char)cp);
			}
		}
	}
	strbuf_putc(b, '"');
}

static void py_newline(struct strbuf *b, int indent, int depth)
{
	if (indent < 0)
		return;
	strbuf_putc(b, '\n');
	strbuf_pad(b, (size_t)(indent * depth));
}

static void py_value(struct strbuf *b, json_object *o, int indent, int depth)
{
	const char *sep = indent < 0 ? ", " : ",";
	size_t i, n;
	int first = 1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		strbuf_puts(b, "null");
		break;
	case json_type_boolean:
		strbuf_puts(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
	case json_type_double:
		strbuf_puts(b, json_object_to_json_string_ext(
				   o, JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		py_string(b, json_object_get_string(o),
			  (size_t)json_object_get_string_len(o));
		break;
	case json_type_array:
		n = json_object_array_length(o);
		if (n == 0) {
			strbuf_puts(b, "[]");
			break;
		}
		strbuf_putc(b, '[');
		for (i = 0; i < n; i++) {
			if (i)
				strbuf_puts(b, sep);
			py_newline(b, indent, depth + 1);
			py_value(b, json_object_array_get_idx(o, i), indent,
				 depth + 1);
		}
		py_newline(b, indent, depth);
		strbuf_putc(b, ']');
		break;
	case json_type_object:
		if (json_object_object_length(o) == 0) {
			strbuf_puts(b, "{}");
			break;
		}
		strbuf_putc(b, '{');
		json_object_object_foreach(o, key, val)
		{
			if (!first)
				strbuf_puts(b, sep);
			first = 0;
			py_newline(b, indent, depth + 1);
			py_string(b, key, strlen(key));
			strbuf_puts(b, ": ");
			py_value(b, val, indent, depth + 1);
		}
		py_newline(b, indent, depth);
		strbuf_putc(b, '}');
		break;
	}
}

char *state_json_dump_py(json_object *o, int indent)
{
	struct strbuf b;

	strbuf_init(&b);
	py_value(&b, o, indent, 0);
	return strbuf_xtake(&b);
}
