/* strbuf.c - growable text buffer with a sticky out-of-memory flag, and the
 * allocators that end the process on failure (x-functions). */
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(void)
{
	fputs("out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		die_oom();
	return p;
}

void strbuf_init(struct strbuf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = false;
}

void strbuf_release(struct strbuf *b)
{
	free(b->s);
	strbuf_init(b);
}

/* Room for 'more' bytes and the NUL; false (and oom set) when out of it. */
static bool grow(struct strbuf *b, size_t more)
{
	size_t want, cap;
	char *ns;

	if (b->oom)
		return false;
	if (more > SIZE_MAX / 2 - b->len - 1) {
		b->oom = true;
		return false;
	}
	want = b->len + more + 1;
	if (want <= b->cap)
		return true;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < want)
		cap *= 2;
	ns = realloc(b->s, cap);
	if (!ns) {
		b->oom = true;
		return false;
	}
	b->s = ns;
	b->cap = cap;
	return true;
}

void strbuf_put(struct strbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void strbuf_puts(struct strbuf *b, const char *s)
{
	strbuf_put(b, s, strlen(s));
}

void strbuf_putc(struct strbuf *b, char c)
{
	strbuf_put(b, &c, 1);
}

void strbuf_pad(struct strbuf *b, size_t n)
{
	if (!grow(b, n))
		return;
	memset(b->s + b->len, ' ', n);
	b->len += n;
	b->s[b->len] = '\0';
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *strbuf_take(struct strbuf *b)
{
	char *s = b->s;

	if (b->oom) {
		strbuf_release(b);
		return NULL;
	}
	if (!s)
		s = strdup("");
	strbuf_init(b);
	return s;
}

char *strbuf_xtake(struct strbuf *b)
{
	char *s = strbuf_take(b);

	if (!s)
		die_oom();
	return s;
}

int strbuf_write(const struct strbuf *b, FILE *f)
{
	if (b->oom)
		return -ENOMEM;
	if (b->len)
		fwrite(b->s, 1, b->len, f);
	return 0;
}

void strbuf_xwrite(struct strbuf *b, FILE *f)
{
	if (strbuf_write(b, f) < 0)
		die_oom();
	strbuf_release(b);
}
