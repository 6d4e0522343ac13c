/* strbuf.h - the growable text buffer of the mock CLIs, and allocators that
 * end the process on failure. Owns nothing global.
 *
 * A buffer that fails to grow stops growing and remembers it ('oom' is
 * sticky): builders append without checking and look once at the end
 * (strbuf_take, strbuf_write). The x-functions instead end the short-lived
 * CLI with "out of memory" (exit 1), for code that has no way to go on. */
#ifndef ESXMOCK_STRBUF_H
#define ESXMOCK_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct strbuf {
	char *s; /* NUL-terminated once anything was appended; else NULL */
	size_t len, cap;
	bool oom;
};

#define STRBUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0, false                                              \
	}

void strbuf_init(struct strbuf *b);
void strbuf_release(struct strbuf *b);
void strbuf_put(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_putc(struct strbuf *b, char c);
void strbuf_pad(struct strbuf *b, size_t n); /* n spaces */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The text ("" when empty), or NULL when the buffer ran out of memory;
 * either way b is reset. Caller frees. */
char *strbuf_take(struct strbuf *b);
/* strbuf_take() that ends the process when out of memory. */
char *strbuf_xtake(struct strbuf *b);
/* Writes the text to f: 0, or -ENOMEM (nothing written) when the buffer
 * ran out of memory. b is left as is. */
int strbuf_write(const struct strbuf *b, FILE *f);
/* Writes the text to f and releases b; ends the process when the buffer
 * ran out of memory. */
void strbuf_xwrite(struct strbuf *b, FILE *f);

/* Appends s (len bytes) as a quoted JSON string: '"', '\\' and control
 * characters escaped (\n, \t... or \u00XX); with STRBUF_JSON_SLASH '/' as
 * \/ (esxcli's json formatter); with STRBUF_JSON_ASCII the UTF-8 text
 * decoded and everything above U+007F as \uXXXX or a surrogate pair, a bad
 * sequence as \ufffd (Python's ensure_ascii); else other bytes verbatim. */
#define STRBUF_JSON_SLASH 1u
#define STRBUF_JSON_ASCII 2u
void strbuf_json_str(struct strbuf *b, const char *s, size_t len,
		     unsigned flags);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s); /* NULL duplicates as "" */

#endif
