/* fmt.c - the result model (records typed by schemas), its setters, column
 * selection and the formatter dispatch. Renderers live in fmt_text.c
 * (human layouts) and fmt_machine.c (xml, csv, keyvalue, json). */
#include "fmt_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void fmt_result_init(struct fmt_result *r)
{
	memset(r, 0, sizeof(*r));
}

static void rec_free(struct fmt_rec *rec);

static void value_release(struct fmt_value *v)
{
	free(v->s);
	for (size_t i = 0; i < v->nitems; i++)
		free(v->items[i]);
	free(v->items);
	if (v->sub)
		rec_free(v->sub);
	memset(v, 0, sizeof(*v));
}

static void rec_free(struct fmt_rec *rec)
{
	for (size_t i = 0; i < rec->nfields; i++)
		value_release(&rec->v[i]);
	free(rec->v);
	free(rec);
}

static void result_clear(struct fmt_result *r)
{
	bool oom = r->oom;

	value_release(&r->prim);
	for (size_t i = 0; i < r->nrecs; i++)
		rec_free(r->recs[i]);
	free(r->recs);
	fmt_result_init(r);
	r->oom = oom;
}

void fmt_result_release(struct fmt_result *r)
{
	result_clear(r);
	r->oom = false;
}

static struct fmt_rec *rec_new(const struct fmt_schema *s, bool *oom)
{
	struct fmt_rec *rec = calloc(1, sizeof(*rec));
	size_t n = 0;

	while (s->fields[n].prop)
		n++;
	if (rec)
		rec->v = calloc(n ? n : 1, sizeof(*rec->v));
	if (!rec || !rec->v) {
		free(rec);
		*oom = true;
		return NULL;
	}
	rec->schema = s;
	rec->nfields = n;
	rec->oom = oom;
	return rec;
}

void fmt_prim_str(struct fmt_result *r, const char *s)
{
	result_clear(r);
	r->shape = FMT_SHAPE_PRIM;
	r->prim_type = FMT_STRING;
	r->prim.set = true;
	r->prim.s = strdup(s ? s : "");
	if (!r->prim.s)
		r->oom = true;
}

void fmt_prim_int(struct fmt_result *r, long long i)
{
	result_clear(r);
	r->shape = FMT_SHAPE_PRIM;
	r->prim_type = FMT_INT;
	r->prim.set = true;
	r->prim.i = i;
}

void fmt_prim_bool(struct fmt_result *r, bool b)
{
	result_clear(r);
	r->shape = FMT_SHAPE_PRIM;
	r->prim_type = FMT_BOOL;
	r->prim.set = true;
	r->prim.b = b;
}

struct fmt_rec *fmt_set_struct(struct fmt_result *r, const struct fmt_schema *s)
{
	struct fmt_rec *rec;

	result_clear(r);
	r->shape = FMT_SHAPE_STRUCT;
	r->schema = s;
	rec = fmt_add(r);
	return rec;
}

void fmt_set_list(struct fmt_result *r, const struct fmt_schema *s)
{
	result_clear(r);
	r->shape = FMT_SHAPE_LIST;
	r->schema = s;
}

struct fmt_rec *fmt_add(struct fmt_result *r)
{
	struct fmt_rec *rec;

	if (r->nrecs == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct fmt_rec **n = realloc(r->recs, cap * sizeof(*n));

		if (!n) {
			r->oom = true;
			return NULL;
		}
		r->recs = n;
		r->cap = cap;
	}
	rec = rec_new(r->schema, &r->oom);
	if (rec)
		r->recs[r->nrecs++] = rec;
	return rec;
}

int fmt_field_index(const struct fmt_schema *s, const char *prop)
{
	for (int i = 0; s->fields[i].prop; i++)
		if (strcmp(s->fields[i].prop, prop) == 0)
			return i;
	return -1;
}

static struct fmt_value *slot(struct fmt_rec *rec, const char *prop,
			      enum fmt_type type)
{
	int i;

	if (!rec)
		return NULL;
	i = fmt_field_index(rec->schema, prop);
	if (i < 0 || rec->schema->fields[i].type != type) {
		fprintf(stderr, "fmt: bad field \"%s\" for type \"%s\"\n", prop,
			rec->schema->type_name);
		abort();
	}
	return &rec->v[i];
}

void fmt_str(struct fmt_rec *rec, const char *prop, const char *val)
{
	struct fmt_value *v = slot(rec, prop, FMT_STRING);

	if (!v || !val)
		return;
	free(v->s);
	v->s = strdup(val);
	v->set = v->s != NULL;
	if (!v->s)
		*rec->oom = true;
}

void fmt_strf(struct fmt_rec *rec, const char *prop, const char *f, ...)
{
	struct fmt_value *v = slot(rec, prop, FMT_STRING);
	va_list ap;
	char *s = NULL;

	if (!v)
		return;
	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0) {
		*rec->oom = true;
		s = NULL;
	}
	va_end(ap);
	if (!s)
		return;
	free(v->s);
	v->s = s;
	v->set = true;
}

void fmt_int(struct fmt_rec *rec, const char *prop, long long val)
{
	struct fmt_value *v = slot(rec, prop, FMT_INT);

	if (!v)
		return;
	v->i = val;
	v->set = true;
}

void fmt_bool(struct fmt_rec *rec, const char *prop, bool val)
{
	struct fmt_value *v = slot(rec, prop, FMT_BOOL);

	if (!v)
		return;
	v->b = val;
	v->set = true;
}

static void list_push(struct fmt_rec *rec, struct fmt_value *v, const char *s,
		      size_t n)
{
	char **items = realloc(v->items, (v->nitems + 1) * sizeof(*items));
	char *d = NULL;

	if (items) {
		v->items = items;
		d = strndup(s, n);
	}
	if (!d) {
		*rec->oom = true;
		return;
	}
	v->items[v->nitems++] = d;
	v->set = true;
}

void fmt_list_add(struct fmt_rec *rec, const char *prop, const char *item)
{
	struct fmt_value *v = slot(rec, prop, FMT_STRLIST);

	if (v)
		list_push(rec, v, item, strlen(item));
}

void fmt_list_split(struct fmt_rec *rec, const char *prop, const char *csv)
{
	struct fmt_value *v = slot(rec, prop, FMT_STRLIST);
	const char *p = csv;

	if (!v)
		return;
	v->set = true;
	while (p && *p) {
		const char *comma = strchr(p, ','), *e;

		e = comma ? comma : p + strlen(p);
		while (p < e && isspace((unsigned char)*p))
			p++;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		if (e > p)
			list_push(rec, v, p, (size_t)(e - p));
		p = comma ? comma + 1 : NULL;
	}
}

struct fmt_rec *fmt_sub(struct fmt_rec *rec, const char *prop)
{
	struct fmt_value *v = slot(rec, prop, FMT_STRUCT);
	int i;

	if (!v)
		return NULL;
	if (!v->sub) {
		i = fmt_field_index(rec->schema, prop);
		v->sub = rec_new(rec->schema->fields[i].sub, rec->oom);
		v->set = v->sub != NULL;
	}
	return v->sub;
}

char *fmt_value_text(const struct fmt_field *f, const struct fmt_value *v)
{
	struct strbuf b = STRBUF_INIT;

	switch (f->type) {
	case FMT_STRING:
		if (v->set && v->s)
			strbuf_puts(&b, v->s);
		break;
	case FMT_INT:
		strbuf_printf(&b, "%lld", v->set ? v->i : 0);
		break;
	case FMT_BOOL:
		strbuf_puts(&b, v->set && v->b ? "true" : "false");
		break;
	case FMT_STRLIST:
		for (size_t i = 0; i < v->nitems; i++) {
			if (i)
				strbuf_puts(&b, ", ");
			strbuf_puts(&b, v->items[i]);
		}
		break;
	case FMT_STRUCT:
		break;
	}
	if (f->unit && f->type != FMT_STRUCT && f->type != FMT_STRLIST)
		strbuf_printf(&b, " %s", f->unit);
	return strbuf_take(&b);
}

/* Lowercase alphanumerics only: "Is SSD" and "isssd" compare equal. */
static void squash(char *d, size_t n, const char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < n; i++)
		if (isalnum((unsigned char)s[i]))
			d[o++] = (char)tolower((unsigned char)s[i]);
	d[o] = '\0';
}

static int find_squashed(const struct fmt_schema *s, const char *want)
{
	char a[128], b[128];

	for (int i = 0; s->fields[i].prop; i++) {
		const struct fmt_field *f = &s->fields[i];

		squash(a, sizeof(a), f->prop, strlen(f->prop));
		if (strcmp(a, want) == 0)
			return i;
		if (f->display) {
			squash(b, sizeof(b), f->display, strlen(f->display));
			if (strcmp(b, want) == 0)
				return i;
		}
	}
	return -1;
}

static int cmp_prop_schema(const struct fmt_schema *s, int a, int b)
{
	return strcmp(s->fields[a].prop, s->fields[b].prop);
}

void fmt_sorted(const struct fmt_schema *s, struct fmt_cols *cols)
{
	cols->n = 0;
	for (int i = 0; s->fields[i].prop && cols->n < FMT_MAX_COLS; i++)
		cols->idx[cols->n++] = i;
	/* insertion sort: schemas are small */
	for (size_t i = 1; i < cols->n; i++) {
		int x = cols->idx[i];
		size_t j = i;

		while (j > 0 && cmp_prop_schema(s, cols->idx[j - 1], x) > 0) {
			cols->idx[j] = cols->idx[j - 1];
			j--;
		}
		cols->idx[j] = x;
	}
}

void fmt_select(const struct fmt_schema *s, const char *fields, bool human,
		struct fmt_cols *cols)
{
	cols->n = 0;
	if (fields && *fields) {
		const char *p = fields;

		while (*p && cols->n < FMT_MAX_COLS) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			char want[128];
			int i;

			squash(want, sizeof(want), p, len);
			i = *want ? find_squashed(s, want) : -1;
			if (i >= 0)
				cols->idx[cols->n++] = i;
			p += len + (comma ? 1 : 0);
		}
		return;
	}
	if (!human) {
		fmt_sorted(s, cols);
		return;
	}
	for (int i = 0; s->fields[i].prop && cols->n < FMT_MAX_COLS; i++)
		if (s->fields[i].display)
			cols->idx[cols->n++] = i;
}

int fmt_render(const struct fmt_result *r, const struct fmt_opts *o, FILE *out)
{
	struct strbuf b = STRBUF_INIT;
	enum fmt_layout layout = o->layout;
	int rc;

	if (r->oom)
		return -ENOMEM;
	switch (o->kind) {
	case FMT_KIND_XML:
		fmt_render_xml(r, &b);
		break;
	case FMT_KIND_CSV:
		fmt_render_csv(r, o, &b);
		break;
	case FMT_KIND_KEYVALUE:
		fmt_render_keyvalue(r, &b);
		break;
	case FMT_KIND_JSON:
		fmt_render_json(r, &b);
		break;
	case FMT_KIND_SIMPLE:
	case FMT_KIND_TABLE:
	case FMT_KIND_HUMAN:
		if (o->kind == FMT_KIND_SIMPLE)
			layout = FMT_LAYOUT_SIMPLE;
		else if (o->kind == FMT_KIND_TABLE)
			layout = FMT_LAYOUT_TABLE;
		if (layout == FMT_LAYOUT_TABLE && r->shape != FMT_SHAPE_PRIM)
			fmt_render_table(r, o, &b);
		else if (layout != FMT_LAYOUT_NONE)
			fmt_render_simple(r, o, &b);
		break;
	}
	rc = strbuf_write(&b, out);
	strbuf_release(&b);
	return rc;
}
