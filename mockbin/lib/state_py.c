/* state_py.c - JSON output as Python's json.dumps() writes it, for
 * configstorecli (the real one is a Python program). Part of state.h. */
#include "state.h"

#include <string.h>

#include "strbuf.h"

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
		strbuf_json_str(b, json_object_get_string(o),
				(size_t)json_object_get_string_len(o),
				STRBUF_JSON_ASCII);
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
			strbuf_json_str(b, key, strlen(key), STRBUF_JSON_ASCII);
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
