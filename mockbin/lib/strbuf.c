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

/* ---- JSON strings ---- */

/* The code point at s[*i] (advancing *i), U+FFFD for a bad sequence. */
static void utf8_next(const unsigned char *s, size_t len, size_t *i,
		      unsigned int *cp)
{
	unsigned char c = s[*i];
	int n, k;

	if (c < 0x80) {
		*cp = c;
		n = 1;
	} else if ((c & 0xe0) == 0xc0) {
		*cp = c & 0x1f;
		n = 2;
	} else if ((c & 0xf0) == 0xe0) {
		*cp = c & 0x0f;
		n = 3;
	} else if ((c & 0xf8) == 0xf0) {
		*cp = c & 0x07;
		n = 4;
	} else {
		*cp = 0xfffd;
		(*i)++;
		return;
	}
	if (*i + (size_t)n > len) {
		*cp = 0xfffd;
		(*i)++;
		return;
	}
	for (k = 1; k < n; k++) {
		if ((s[*i + (size_t)k] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			(*i)++;
			return;
		}
		*cp = (*cp << 6) | (s[*i + (size_t)k] & 0x3f);
	}
	*i += (size_t)n;
}

void strbuf_json_str(struct strbuf *b, const char *s, size_t len,
		     unsigned flags)
{
	static const char *const esc[0x60] = {
	    ['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
	    ['\n'] = "\\n", ['\r'] = "\\r",  ['\t'] = "\\t"};
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	unsigned int cp;

	strbuf_putc(b, '"');
	while (i < len) {
		if (flags & STRBUF_JSON_ASCII)
			utf8_next(u, len, &i, &cp);
		else
			cp = u[i++];
		if (cp < 0x60 && esc[cp])
			strbuf_puts(b, esc[cp]);
		else if (cp == '/' && (flags & STRBUF_JSON_SLASH))
			strbuf_puts(b, "\\/");
		else if (cp < 0x20)
			strbuf_printf(b, "\\u%04x", cp);
		else if (cp < 0x80 || !(flags & STRBUF_JSON_ASCII))
			strbuf_putc(b, (char)cp);
		else if (cp < 0x10000)
			strbuf_printf(b, "\\u%04x", cp);
		else
			strbuf_printf(b, "\\u%04x\\u%04x",
				      0xd800 + ((cp - 0x10000) >> 10),
				      0xdc00 + ((cp - 0x10000) & 0x3ff));
	}
	strbuf_putc(b, '"');
}
