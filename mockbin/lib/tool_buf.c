/* tool_buf.c - growable text buffer and checked allocation for the mock
 * tools. Out of memory ends the process with a message (exit 1). */
#include "tool_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("out of memory\n", stderr);
	exit(1);
}

void *tool_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *tool_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

char *tool_xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		oom();
	return p;
}

void tbuf_init(struct tbuf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void tbuf_free(struct tbuf *b)
{
	free(b->p);
	tbuf_init(b);
}

static void grow(struct tbuf *b, size_t more)
{
	size_t want = b->len + more + 1;

	if (want <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < want)
		b->cap *= 2;
	b->p = tool_xrealloc(b->p, b->cap);
}

void tbuf_putn(struct tbuf *b, const char *s, size_t n)
{
	grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void tbuf_putc(struct tbuf *b, char c)
{
	tbuf_putn(b, &c, 1);
}

void tbuf_puts(struct tbuf *b, const char *s)
{
	tbuf_putn(b, s, strlen(s));
}

void tbuf_pad(struct tbuf *b, size_t n)
{
	grow(b, n);
	memset(b->p + b->len, ' ', n);
	b->len += n;
	b->p[b->len] = '\0';
}

void tbuf_printf(struct tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *tbuf_take(struct tbuf *b)
{
	char *p = b->p;

	if (!p)
		p = tool_xstrdup("");
	tbuf_init(b);
	return p;
}
