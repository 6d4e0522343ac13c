/* fmt_int.h - private interface between fmt.c and its renderers.
 * Owns: column selection (human order, --format-param fields=, property
 * order) and the per-format entry points fmt_render() dispatches to. */
#ifndef ESXMOCK_FMT_INT_H
#define ESXMOCK_FMT_INT_H

#include "fmt.h"

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

/* A growing output string; 'oom' is sticky. */
struct fmt_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

/* Renderers append the whole output to b (fmt_render() writes it out only
 * when nothing failed). */
void fmt_render_simple(const struct fmt_result *r, const struct fmt_opts *o,
		       struct fmt_buf *b);
void fmt_render_table(const struct fmt_result *r, const struct fmt_opts *o,
		      struct fmt_buf *b);
void fmt_render_xml(const struct fmt_result *r, struct fmt_buf *b);
void fmt_render_csv(const struct fmt_result *r, const struct fmt_opts *o,
		    struct fmt_buf *b);
void fmt_render_keyvalue(const struct fmt_result *r, struct fmt_buf *b);
void fmt_render_json(const struct fmt_result *r, struct fmt_buf *b);

void fmt_buf_put(struct fmt_buf *b, const char *s, size_t n);
void fmt_buf_puts(struct fmt_buf *b, const char *s);
void fmt_buf_printf(struct fmt_buf *b, const char *f, ...)
    __attribute__((format(printf, 2, 3)));

#endif
