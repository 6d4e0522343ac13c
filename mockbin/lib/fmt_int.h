/* fmt_int.h - private interface between fmt.c and its renderers.
 * Owns: column selection (human order, --format-param fields=, property
 * order) and the per-format entry points fmt_render() dispatches to. */
#ifndef ESXMOCK_FMT_INT_H
#define ESXMOCK_FMT_INT_H

#include "fmt.h"
#include "strbuf.h"

#define FMT_MAX_COLS 64

struct fmt_cols {
	size_t n;
	int idx[FMT_MAX_COLS];
};
/* The columns to show: the --format-param fields= selection when given
 * (matched on display or property name, ignoring case and anything not
 * alphanumeric), else the displayed fields in schema order (human) or all
 * fields by property name (machine formats). */
void fmt_select(const struct fmt_schema *s, const char *fields, bool human,
		struct fmt_cols *cols);
/* All fields of s sorted by property name (strcmp order, as ESXi). */
void fmt_sorted(const struct fmt_schema *s, struct fmt_cols *cols);

/* Renderers append the whole output to b (fmt_render() writes it out only
 * when nothing failed). */
void fmt_render_simple(const struct fmt_result *r, const struct fmt_opts *o,
		       struct strbuf *b);
void fmt_render_table(const struct fmt_result *r, const struct fmt_opts *o,
		      struct strbuf *b);
void fmt_render_xml(const struct fmt_result *r, struct strbuf *b);
void fmt_render_csv(const struct fmt_result *r, const struct fmt_opts *o,
		    struct strbuf *b);
void fmt_render_keyvalue(const struct fmt_result *r, struct strbuf *b);
void fmt_render_json(const struct fmt_result *r, struct strbuf *b);

#endif
