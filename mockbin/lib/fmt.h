/* fmt.h - the result model of a mock esxcli command and its formatters.
 * Owns: struct fmt_result (what a command returns: nothing, a primitive, one
 * structure or a list of structures, each structure typed by a schema) and
 * the renderers: ESXi's human layouts ("simple" key: value blocks, tables)
 * and --formatter=xml, csv, keyvalue, json (docs/esx-cli-reference.md
 * sections 2.5 to 2.9).
 *
 * A schema lists a structure's fields in human display order; fields
 * without a display name are hidden from the human layouts but present in
 * the machine formats, which sort fields by property name as ESXi does.
 * Setters never fail: an allocation failure is remembered in the result and
 * reported by fmt_render() (-ENOMEM), so handlers stay linear.
 */
#ifndef ESXMOCK_FMT_H
#define ESXMOCK_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum fmt_type {
	FMT_STRING = 1,
	FMT_INT,
	FMT_BOOL,
	FMT_STRLIST, /* list of strings */
	FMT_STRUCT,  /* nested structure, schema in 'sub' */
};

struct fmt_schema;

struct fmt_field {
	const char *prop;    /* property name (machine formats) */
	const char *display; /* human name; NULL = hidden from human layouts */
	enum fmt_type type;
	const char *unit; /* human layouts print "value unit" ("Bytes") */
	const struct fmt_schema *sub; /* FMT_STRUCT */
};

struct fmt_schema {
	const char *type_name;          /* XML typeName, keyvalue path */
	const struct fmt_field *fields; /* ends with a zeroed entry */
	const char *header; /* simple layout: literal, or "%Field%" for the
			       value of a field (display or property name) */
};

/* The human layout a command asks for (ESXi's "formatter" hint). */
enum fmt_layout {
	FMT_LAYOUT_NONE = 0, /* print nothing on success */
	FMT_LAYOUT_SIMPLE,
	FMT_LAYOUT_TABLE,
};

struct fmt_rec;

struct fmt_value {
	bool set;
	char *s;
	long long i;
	bool b;
	char **items; /* FMT_STRLIST */
	size_t nitems;
	struct fmt_rec *sub; /* FMT_STRUCT */
};

struct fmt_rec {
	const struct fmt_schema *schema;
	size_t nfields;
	struct fmt_value *v; /* parallel to schema->fields */
	bool *oom;           /* the owning result's failure flag */
};

enum fmt_shape {
	FMT_SHAPE_NONE = 0,
	FMT_SHAPE_PRIM,
	FMT_SHAPE_STRUCT,
	FMT_SHAPE_LIST,
};

struct fmt_result {
	enum fmt_shape shape;
	enum fmt_type prim_type; /* FMT_STRING, FMT_INT or FMT_BOOL */
	struct fmt_value prim;
	const struct fmt_schema *schema; /* STRUCT and LIST */
	struct fmt_rec **recs;
	size_t nrecs, cap;
	bool oom;
};

void fmt_result_init(struct fmt_result *r);
void fmt_result_release(struct fmt_result *r);

/* Shapes. Each replaces what the result held before. */
void fmt_prim_str(struct fmt_result *r, const char *s);
void fmt_prim_int(struct fmt_result *r, long long i);
void fmt_prim_bool(struct fmt_result *r, bool b);
struct fmt_rec *fmt_set_struct(struct fmt_result *r,
			       const struct fmt_schema *s);
void fmt_set_list(struct fmt_result *r, const struct fmt_schema *s);
/* Appends a record to a list result (NULL only when out of memory). */
struct fmt_rec *fmt_add(struct fmt_result *r);

/* Field setters by property name; an unknown name or a type mismatch is a
 * programming error and aborts. A NULL string leaves the field unset (it
 * prints as empty). */
void fmt_str(struct fmt_rec *rec, const char *prop, const char *val);
void fmt_strf(struct fmt_rec *rec, const char *prop, const char *f, ...)
    __attribute__((format(printf, 3, 4)));
void fmt_int(struct fmt_rec *rec, const char *prop, long long val);
void fmt_bool(struct fmt_rec *rec, const char *prop, bool val);
void fmt_list_add(struct fmt_rec *rec, const char *prop, const char *item);
/* Splits 'csv' on commas (trimming spaces) into a string list. */
void fmt_list_split(struct fmt_rec *rec, const char *prop, const char *csv);
struct fmt_rec *fmt_sub(struct fmt_rec *rec, const char *prop);

/* Fills rec from a JSON object whose members are named like the schema's
 * properties ("MACAddress": "..."); members of other names are ignored,
 * missing ones stay unset. Strings, numbers and booleans convert to the
 * field's type where they can; a string list also accepts one string. */
struct json_object;
void fmt_fill_json(struct fmt_rec *rec, struct json_object *obj);

/* Index of a field by property name, or -1. */
int fmt_field_index(const struct fmt_schema *s, const char *prop);
/* The string form of a field as the human layouts show it (caller frees;
 * NULL when out of memory). */
char *fmt_value_text(const struct fmt_field *f, const struct fmt_value *v);

enum fmt_kind {
	FMT_KIND_HUMAN = 0, /* the command's own layout */
	FMT_KIND_XML,
	FMT_KIND_CSV,
	FMT_KIND_KEYVALUE,
	FMT_KIND_JSON,
	FMT_KIND_SIMPLE, /* --debug formatters forcing a layout */
	FMT_KIND_TABLE,
};

struct fmt_opts {
	enum fmt_kind kind;
	enum fmt_layout layout; /* the command's hint */
	bool show_header;       /* --format-param show-header (default true) */
	const char *fields;     /* --format-param fields=..., or NULL */
};

/* Renders r. Returns 0, or -ENOMEM when a setter or the renderer ran out of
 * memory (nothing is printed then). */
int fmt_render(const struct fmt_result *r, const struct fmt_opts *o, FILE *out);

#endif
