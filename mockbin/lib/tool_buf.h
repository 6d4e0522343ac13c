/* tool_buf.h - a growable text buffer for the mock tools' output builders.
 * Owns: nothing global. Allocation failure aborts the (short-lived) CLI with
 * a message: the tools have no way to continue without memory. */
#ifndef ESXMOCK_TOOL_BUF_H
#define ESXMOCK_TOOL_BUF_H

#include <stddef.h>

struct tbuf {
	char *p;
	size_t len, cap;
};

void tbuf_init(struct tbuf *b);
void tbuf_free(struct tbuf *b);
void tbuf_putc(struct tbuf *b, char c);
void tbuf_puts(struct tbuf *b, const char *s);
void tbuf_putn(struct tbuf *b, const char *s, size_t n);
void tbuf_pad(struct tbuf *b, size_t n); /* n spaces */
void tbuf_printf(struct tbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the NUL-terminated text and resets b; caller frees. */
char *tbuf_take(struct tbuf *b);

/* xmalloc-style helpers: die with "out of memory" on failure. */
void *tool_xmalloc(size_t n);
void *tool_xrealloc(void *p, size_t n);
char *tool_xstrdup(const char *s);

#endif
