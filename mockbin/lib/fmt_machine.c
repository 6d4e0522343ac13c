/* fmt_machine.c - esxcli's machine formatters: xml, csv, keyvalue, json
 * (docs/esx-cli-reference.md 2.6 to 2.9). All fields are emitted in
 * property-name order; csv honours --format-param fields=. */
#include "fmt_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- xml ---------------------------------------------------------- */

static void xml_indent(struct strbuf *b, int lvl)
{
	for (int i = 0; i < lvl; i++)
		strbuf_puts(b, "   ");
}

static void xml_text(struct strbuf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			strbuf_puts(b, "&amp;");
			break;
		case '<':
			strbuf_puts(b, "&lt;");
			break;
		case '>':
			strbuf_puts(b, "&gt;");
			break;
		case '"':
			strbuf_puts(b, "&quot;");
			break;
		default:
			strbuf_put(b, s, 1);
		}
	}
}

static void xml_prim(struct strbuf *b, int lvl, enum fmt_type t,
		     const struct fmt_value *v)
{
	xml_indent(b, lvl);
	if (t == FMT_INT) {
		strbuf_printf(b, "<integer>%lld</integer>\n", v->i);
	} else if (t == FMT_BOOL) {
		strbuf_printf(b, "<boolean>%s</boolean>\n",
			      v->b ? "true" : "false");
	} else {
		strbuf_puts(b, "<string>");
		xml_text(b, v->s);
		strbuf_puts(b, "</string>\n");
	}
}

static void xml_struct(struct strbuf *b, int lvl, const struct fmt_schema *s,
		       const struct fmt_rec *rec);

static void xml_value(struct strbuf *b, int lvl, const struct fmt_field *f,
		      const struct fmt_value *v)
{
	switch (f->type) {
	case FMT_STRLIST:
		xml_indent(b, lvl);
		strbuf_puts(b, "<list type=\"string\">\n");
		for (size_t i = 0; i < v->nitems; i++) {
			struct fmt_value item = {.set = true, .s = v->items[i]};

			xml_prim(b, lvl + 1, FMT_STRING, &item);
		}
		xml_indent(b, lvl);
		strbuf_puts(b, "</list>\n");
		break;
	case FMT_STRUCT:
		xml_struct(b, lvl, f->sub, v->sub);
		break;
	default:
		xml_prim(b, lvl, f->type, v);
	}
}

static void xml_struct(struct strbuf *b, int lvl, const struct fmt_schema *s,
		       const struct fmt_rec *rec)
{
	struct fmt_cols cols;

	xml_indent(b, lvl);
	strbuf_printf(b, "<structure typeName=\"%s\">\n", s->type_name);
	fmt_sorted(s, &cols);
	for (size_t c = 0; rec && c < cols.n; c++) {
		const struct fmt_field *f = &s->fields[cols.idx[c]];

		xml_indent(b, lvl + 1);
		strbuf_printf(b, "<field name=\"%s\">\n", f->prop);
		xml_value(b, lvl + 2, f, &rec->v[cols.idx[c]]);
		xml_indent(b, lvl + 1);
		strbuf_puts(b, "</field>\n");
	}
	xml_indent(b, lvl);
	strbuf_puts(b, "</structure>\n");
}

void fmt_render_xml(const struct fmt_result *r, struct strbuf *b)
{
	strbuf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		       "<output xmlns=\"http://www.vmware.com/Products/ESX/"
		       "5.0/esxcli\">\n<root>\n");
	switch (r->shape) {
	case FMT_SHAPE_PRIM:
		xml_prim(b, 1, r->prim_type, &r->prim);
		break;
	case FMT_SHAPE_STRUCT:
		if (r->nrecs)
			xml_struct(b, 1, r->schema, r->recs[0]);
		break;
	case FMT_SHAPE_LIST:
		strbuf_puts(b, "   <list type=\"structure\">\n");
		for (size_t i = 0; i < r->nrecs; i++)
			xml_struct(b, 2, r->schema, r->recs[i]);
		strbuf_puts(b, "   </list>\n");
		break;
	case FMT_SHAPE_NONE:
		break;
	}
	strbuf_puts(b, "</root>\n</output>\n");
}

/* ---- csv ---------------------------------------------------------- */

/* Newlines become the two characters \n (csv and keyvalue). */
static void put_escaped_nl(struct strbuf *b, const char *s, bool dquote)
{
	for (; s && *s; s++) {
		if (*s == '\n')
			strbuf_puts(b, "\\n");
		else if (*s == '"' && dquote)
			strbuf_puts(b, "\"\"");
		else
			strbuf_put(b, s, 1);
	}
}

static void csv_cell(struct strbuf *b, const char *s)
{
	if (s && strpbrk(s, ",\"")) {
		strbuf_puts(b, "\"");
		put_escaped_nl(b, s, true);
		strbuf_puts(b, "\"");
	} else {
		put_escaped_nl(b, s, false);
	}
	strbuf_puts(b, ",");
}

static void csv_value(struct strbuf *b, const struct fmt_field *f,
		      const struct fmt_value *v)
{
	struct strbuf list = STRBUF_INIT;

	switch (f->type) {
	case FMT_INT:
		strbuf_printf(b, "%lld,", v->i);
		break;
	case FMT_BOOL:
		strbuf_puts(b, v->b ? "true," : "false,");
		break;
	case FMT_STRLIST:
		/* each item followed by a comma, the whole cell quoted */
		for (size_t i = 0; i < v->nitems; i++) {
			strbuf_puts(&list, v->items[i]);
			strbuf_puts(&list, ",");
		}
		if (list.oom)
			b->oom = true;
		else if (v->nitems)
			csv_cell(b, list.s);
		else
			strbuf_puts(b, ",");
		strbuf_release(&list);
		break;
	case FMT_STRUCT: /* nested structures: empty cell (docs) */
		strbuf_puts(b, ",");
		break;
	default:
		csv_cell(b, v->s);
	}
}

void fmt_render_csv(const struct fmt_result *r, const struct fmt_opts *o,
		    struct strbuf *b)
{
	struct fmt_cols cols;

	if (r->shape == FMT_SHAPE_NONE)
		return;
	if (r->shape == FMT_SHAPE_PRIM) {
		struct fmt_field f = {.prop = "", .type = r->prim_type};

		csv_value(b, &f, &r->prim);
		strbuf_puts(b, "\n");
		return;
	}
	fmt_select(r->schema, o->fields, false, &cols);
	if (o->show_header) {
		for (size_t c = 0; c < cols.n; c++)
			csv_cell(b, r->schema->fields[cols.idx[c]].prop);
		strbuf_puts(b, "\n");
	}
	for (size_t i = 0; i < r->nrecs; i++) {
		for (size_t c = 0; c < cols.n; c++)
			csv_value(b, &r->schema->fields[cols.idx[c]],
				  &r->recs[i]->v[cols.idx[c]]);
		strbuf_puts(b, "\n");
	}
}

/* ---- keyvalue ----------------------------------------------------- */

static const char *type_word(enum fmt_type t)
{
	return t == FMT_INT ? "integer" : t == FMT_BOOL ? "boolean" : "string";
}

static void kv_prim(struct strbuf *b, const char *prefix, enum fmt_type t,
		    const struct fmt_value *v)
{
	strbuf_printf(b, "%s%s=", prefix, type_word(t));
	if (t == FMT_INT)
		strbuf_printf(b, "%lld", v->i);
	else if (t == FMT_BOOL)
		strbuf_puts(b, v->b ? "true" : "false");
	else
		put_escaped_nl(b, v->s, false);
	strbuf_puts(b, "\n");
}

static void kv_struct(struct strbuf *b, const char *prefix,
		      const struct fmt_schema *s, const struct fmt_rec *rec)
{
	struct fmt_cols cols;

	if (!rec)
		return;
	fmt_sorted(s, &cols);
	for (size_t c = 0; c < cols.n && !b->oom; c++) {
		const struct fmt_field *f = &s->fields[cols.idx[c]];
		const struct fmt_value *v = &rec->v[cols.idx[c]];
		char *p = NULL;

		if (f->type == FMT_STRUCT) {
			if (asprintf(&p, "%s%s.%s.", prefix, f->prop,
				     f->sub->type_name) < 0) {
				b->oom = true;
				return;
			}
			kv_struct(b, p, f->sub, v->sub);
		} else if (f->type == FMT_STRLIST) {
			if (v->nitems == 0)
				strbuf_printf(b, "%s%s.string[] = \n", prefix,
					      f->prop);
			for (size_t i = 0; i < v->nitems; i++) {
				strbuf_printf(b, "%s%s.string[%zu].string=",
					      prefix, f->prop, i);
				put_escaped_nl(b, v->items[i], false);
				strbuf_puts(b, "\n");
			}
		} else {
			if (asprintf(&p, "%s%s.", prefix, f->prop) < 0) {
				b->oom = true;
				return;
			}
			kv_prim(b, p, f->type, v);
		}
		free(p);
	}
}

void fmt_render_keyvalue(const struct fmt_result *r, struct strbuf *b)
{
	char *p = NULL;

	switch (r->shape) {
	case FMT_SHAPE_PRIM:
		kv_prim(b, "", r->prim_type, &r->prim);
		break;
	case FMT_SHAPE_STRUCT:
		if (asprintf(&p, "%s.", r->schema->type_name) < 0) {
			b->oom = true;
			return;
		}
		if (r->nrecs)
			kv_struct(b, p, r->schema, r->recs[0]);
		free(p);
		break;
	case FMT_SHAPE_LIST:
		for (size_t i = 0; i < r->nrecs; i++) {
			if (asprintf(&p, "structure[%zu].%s.", i,
				     r->schema->type_name) < 0) {
				b->oom = true;
				return;
			}
			kv_struct(b, p, r->schema, r->recs[i]);
			free(p);
		}
		break;
	case FMT_SHAPE_NONE:
		break;
	}
}

/* ---- json --------------------------------------------------------- */

static void json_string(struct strbuf *b, const char *s)
{
	strbuf_json_str(b, s ? s : "", s ? strlen(s) : 0, STRBUF_JSON_SLASH);
}

static void json_struct(struct strbuf *b, const struct fmt_schema *s,
			const struct fmt_rec *rec);

static void json_value(struct strbuf *b, const struct fmt_field *f,
		       const struct fmt_value *v)
{
	switch (f->type) {
	case FMT_INT:
		strbuf_printf(b, "%lld", v->i);
		break;
	case FMT_BOOL:
		strbuf_puts(b, v->b ? "true" : "false");
		break;
	case FMT_STRLIST:
		strbuf_puts(b, "[");
		for (size_t i = 0; i < v->nitems; i++) {
			if (i)
				strbuf_puts(b, ", ");
			json_string(b, v->items[i]);
		}
		strbuf_puts(b, "]");
		break;
	case FMT_STRUCT:
		json_struct(b, f->sub, v->sub);
		break;
	default:
		json_string(b, v->s);
	}
}

static void json_struct(struct strbuf *b, const struct fmt_schema *s,
			const struct fmt_rec *rec)
{
	struct fmt_cols cols;

	if (!rec) {
		strbuf_puts(b, "null");
		return;
	}
	fmt_sorted(s, &cols);
	strbuf_puts(b, "{");
	for (size_t c = 0; c < cols.n; c++) {
		const struct fmt_field *f = &s->fields[cols.idx[c]];

		if (c)
			strbuf_puts(b, ", ");
		json_string(b, f->prop);
		strbuf_puts(b, ": ");
		json_value(b, f, &rec->v[cols.idx[c]]);
	}
	strbuf_puts(b, "}");
}

void fmt_render_json(const struct fmt_result *r, struct strbuf *b)
{
	struct fmt_field f = {.prop = "", .type = r->prim_type};

	switch (r->shape) {
	case FMT_SHAPE_PRIM:
		json_value(b, &f, &r->prim);
		break;
	case FMT_SHAPE_STRUCT:
		json_struct(b, r->schema, r->nrecs ? r->recs[0] : NULL);
		break;
	case FMT_SHAPE_LIST:
		strbuf_puts(b, "[");
		for (size_t i = 0; i < r->nrecs; i++) {
			if (i)
				strbuf_puts(b, ", ");
			json_struct(b, r->schema, r->recs[i]);
		}
		strbuf_puts(b, "]");
		break;
	case FMT_SHAPE_NONE:
		return;
	}
	strbuf_puts(b, "\n");
}
