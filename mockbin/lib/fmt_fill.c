/* fmt_fill.c - fills result records from JSON state objects whose member
 * names are the schema's property names (docs/state-files.md). */
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static void fill_string(struct fmt_rec *rec, const char *prop,
			struct json_object *v)
{
	if (json_object_is_type(v, json_type_null))
		return;
	fmt_str(rec, prop, json_object_get_string(v));
}

static void fill_int(struct fmt_rec *rec, const char *prop,
		     struct json_object *v)
{
	if (json_object_is_type(v, json_type_null))
		return;
	fmt_int(rec, prop, (long long)json_object_get_int64(v));
}

static void fill_bool(struct fmt_rec *rec, const char *prop,
		      struct json_object *v)
{
	const char *s;

	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		fmt_bool(rec, prop,
			 strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
	} else if (!json_object_is_type(v, json_type_null)) {
		fmt_bool(rec, prop, json_object_get_boolean(v));
	}
}

static void fill_list(struct fmt_rec *rec, const char *prop,
		      struct json_object *v)
{
	size_t n;

	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		fmt_list_split(rec, prop, ""); /* set, possibly empty */
		for (size_t i = 0; i < n; i++) {
			struct json_object *it =
			    json_object_array_get_idx(v, i);

			if (it && !json_object_is_type(it, json_type_null))
				fmt_list_add(rec, prop,
					     json_object_get_string(it));
		}
	} else if (json_object_is_type(v, json_type_string)) {
		fmt_list_add(rec, prop, json_object_get_string(v));
	}
}

void fmt_fill_json(struct fmt_rec *rec, struct json_object *obj)
{
	if (!rec || !obj || !json_object_is_type(obj, json_type_object))
		return;
	for (size_t i = 0; i < rec->nfields; i++) {
		const struct fmt_field *f = &rec->schema->fields[i];
		struct json_object *v;

		if (!json_object_object_get_ex(obj, f->prop, &v) || !v)
			continue;
		switch (f->type) {
		case FMT_STRING:
			fill_string(rec, f->prop, v);
			break;
		case FMT_INT:
			fill_int(rec, f->prop, v);
			break;
		case FMT_BOOL:
			fill_bool(rec, f->prop, v);
			break;
		case FMT_STRLIST:
			fill_list(rec, f->prop, v);
			break;
		case FMT_STRUCT:
			fmt_fill_json(fmt_sub(rec, f->prop), v);
			break;
		}
	}
}
