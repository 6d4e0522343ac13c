/* fmt_text.c - ESXi's human layouts: "simple" key: value blocks and tables
 * (docs/esx-cli-reference.md 2.5). Everything is appended to a fmt_buf. */
#include "fmt_int.h"

#include <stdlib.h>
#include <string.h>

static void indent(struct strbuf *b, int n)
{
	for (int i = 0; i < n; i++)
		strbuf_put(b, " ", 1);
}

static bool name_is(const char *name, const char *want, size_t n)
{
	return name && strlen(name) == n && strncmp(name, want, n) == 0;
}

/* "%Name%" headers take the value of that field (display or property
 * name); anything else is literal text. */
static void put_header(const struct fmt_rec *rec, struct strbuf *b)
{
	const char *h = rec->schema->header;
	size_t n = strlen(h);

	if (n > 2 && h[0] == '%' && h[n - 1] == '%') {
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct fmt_field *f = &rec->schema->fields[i];
			char *t;

			if (!name_is(f->prop, h + 1, n - 2) &&
			    !name_is(f->display, h + 1, n - 2))
				continue;
			t = fmt_value_text(f, &rec->v[i]);
			if (!t) {
				b->oom = true;
				return;
			}
			strbuf_puts(b, t);
			free(t);
			break;
		}
	} else {
		strbuf_puts(b, h);
	}
	strbuf_puts(b, "\n");
}

static void put_fields(const struct fmt_rec *rec, const struct fmt_cols *cols,
		       int ind, struct strbuf *b);

static void put_field(const struct fmt_rec *rec, int i, int ind,
		      struct strbuf *b)
{
	const struct fmt_field *f = &rec->schema->fields[i];
	const struct fmt_value *v = &rec->v[i];
	char *t;

	indent(b, ind);
	strbuf_puts(b, f->display ? f->display : f->prop);
	if (f->type == FMT_STRUCT) {
		strbuf_puts(b, ":\n");
		if (v->sub) {
			struct fmt_cols sc;

			fmt_select(f->sub, NULL, true, &sc);
			put_fields(v->sub, &sc, ind + 6, b);
		}
		return;
	}
	t = fmt_value_text(f, v);
	if (!t) {
		b->oom = true;
		return;
	}
	strbuf_puts(b, ": ");
	strbuf_puts(b, t);
	strbuf_puts(b, "\n");
	free(t);
}

static void put_fields(const struct fmt_rec *rec, const struct fmt_cols *cols,
		       int ind, struct strbuf *b)
{
	for (size_t c = 0; c < cols->n; c++)
		put_field(rec, cols->idx[c], ind, b);
}

static void put_prim(const struct fmt_result *r, struct strbuf *b)
{
	switch (r->prim_type) {
	case FMT_INT:
		strbuf_printf(b, "%lld\n", r->prim.i);
		break;
	case FMT_BOOL:
		strbuf_puts(b, r->prim.b ? "true\n" : "false\n");
		break;
	default:
		strbuf_puts(b, r->prim.s ? r->prim.s : "");
		strbuf_puts(b, "\n");
		break;
	}
}

void fmt_render_simple(const struct fmt_result *r, const struct fmt_opts *o,
		       struct strbuf *b)
{
	struct fmt_cols cols;

	if (r->shape == FMT_SHAPE_PRIM) {
		put_prim(r, b);
		return;
	}
	if (r->shape == FMT_SHAPE_NONE)
		return;
	fmt_select(r->schema, o->fields, true, &cols);
	for (size_t i = 0; i < r->nrecs; i++) {
		const struct fmt_rec *rec = r->recs[i];

		if (i > 0)
			strbuf_puts(b, "\n");
		if (rec->schema->header && o->show_header)
			put_header(rec, b);
		put_fields(rec, &cols, 3, b);
	}
}

static bool right_aligned(const struct fmt_field *f)
{
	return f->type == FMT_INT || f->type == FMT_BOOL;
}

static void rtrim_line(struct strbuf *b, size_t start)
{
	while (b->len > start && b->s && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	strbuf_puts(b, "\n");
}

/* One table line; cells[c] is the text of column c. */
static void put_row(const struct fmt_schema *s, const struct fmt_cols *cols,
		    char **cells, const size_t *w, struct strbuf *b)
{
	size_t start = b->len;

	for (size_t c = 0; c < cols->n; c++) {
		const struct fmt_field *f = &s->fields[cols->idx[c]];
		size_t n = strlen(cells[c]);

		if (c)
			strbuf_puts(b, "  ");
		if (right_aligned(f))
			indent(b, (int)(w[c] - n));
		strbuf_puts(b, cells[c]);
		if (!right_aligned(f) && c + 1 < cols->n)
			indent(b, (int)(w[c] - n));
	}
	rtrim_line(b, start);
}

static void put_dashes(const struct fmt_schema *s, const struct fmt_cols *cols,
		       const size_t *w, struct strbuf *b)
{
	size_t start = b->len;

	for (size_t c = 0; c < cols->n; c++) {
		const struct fmt_field *f = &s->fields[cols->idx[c]];
		size_t n = w[c];

		if (c)
			strbuf_puts(b, "  ");
		if (c + 1 == cols->n && !right_aligned(f))
			n = strlen(f->display ? f->display : f->prop);
		for (size_t i = 0; i < n; i++)
			strbuf_put(b, "-", 1);
	}
	rtrim_line(b, start);
}

void fmt_render_table(const struct fmt_result *r, const struct fmt_opts *o,
		      struct strbuf *b)
{
	const struct fmt_schema *s = r->schema;
	struct fmt_cols cols;
	size_t w[FMT_MAX_COLS], nrec = r->nrecs;
	char **cells, *head[FMT_MAX_COLS];

	if (nrec == 0)
		return;
	fmt_select(s, o->fields, true, &cols);
	if (cols.n == 0)
		return;
	cells = calloc(nrec * cols.n, sizeof(*cells));
	if (!cells) {
		b->oom = true;
		return;
	}
	for (size_t c = 0; c < cols.n; c++) {
		const struct fmt_field *f = &s->fields[cols.idx[c]];

		head[c] = (char *)(f->display ? f->display : f->prop);
		/* without the header row, only the cells size a column */
		w[c] = o->show_header ? strlen(head[c]) : 0;
	}
	for (size_t i = 0; i < nrec; i++) {
		for (size_t c = 0; c < cols.n; c++) {
			int fi = cols.idx[c];
			char *t =
			    fmt_value_text(&s->fields[fi], &r->recs[i]->v[fi]);

			if (!t) {
				b->oom = true;
				goto out;
			}
			cells[i * cols.n + c] = t;
			if (strlen(t) > w[c])
				w[c] = strlen(t);
		}
	}
	if (o->show_header) {
		put_row(s, &cols, head, w, b);
		put_dashes(s, &cols, w, b);
	}
	for (size_t i = 0; i < nrec; i++)
		put_row(s, &cols, cells + i * cols.n, w, b);
out:
	for (size_t i = 0; i < nrec * cols.n; i++)
		free(cells[i]);
	free(cells);
}
