/* mf_err.c - error reporting of the manifest loader.
 * Owns struct mf_error filling (file, line:col, JSON pointer, message). */
#include "mf_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *mf_error_str(const struct mf_error *err, char *buf, size_t n)
{
	size_t off = 0;
	int r;

	if (n == 0)
		return buf;
	buf[0] = '\0';
#define MF_APPEND(...)                                                         \
	do {                                                                   \
		r = snprintf(buf + off, n - off, __VA_ARGS__);                 \
		if (r < 0 || (size_t)r >= n - off)                             \
			return buf;                                            \
		off += (size_t)r;                                              \
	} while (0)
	if (err->file[0])
		MF_APPEND("%s: ", err->file);
	if (err->line > 0) {
		/* "file:3:7: " reads better than "file: 3:7: " */
		if (off >= 2)
			off -= 2;
		MF_APPEND(":%d:%d: ", err->line, err->col);
	}
	if (err->jpath[0])
		MF_APPEND("%s: ", err->jpath);
	MF_APPEND("%s", err->msg);
#undef MF_APPEND
	return buf;
}

static void mf_vset(struct mf_ctx *c, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void mf_vset(struct mf_ctx *c, const char *fmt, va_list ap)
{
	struct mf_error *e = c->err;

	memset(e, 0, sizeof(*e));
	snprintf(e->file, sizeof(e->file), "%s", c->file ? c->file : "");
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int mf_fail(struct mf_ctx *c, const char *jptr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mf_vset(c, fmt, ap);
	va_end(ap);
	snprintf(c->err->jpath, sizeof(c->err->jpath), "%s", jptr ? jptr : "");
	return -EINVAL;
}

int mf_oom(struct mf_ctx *c, const char *jptr)
{
	mf_fail(c, jptr, "out of memory");
	return -ENOMEM;
}

int mf_fail_at(struct mf_ctx *c, size_t offset, const char *fmt, ...)
{
	va_list ap;
	int line = 1, col = 1;

	va_start(ap, fmt);
	mf_vset(c, fmt, ap);
	va_end(ap);
	if (offset > c->doc_len)
		offset = c->doc_len;
	for (size_t i = 0; i < offset; i++) {
		if (c->doc[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	c->err->line = line;
	c->err->col = col;
	return -EINVAL;
}

void mf_ptr_join(char *out, size_t n, const char *base, const char *key)
{
	size_t o = strnlen(base, n - 1);

	/* called for every key of every entry: no snprintf here */
	memcpy(out, base, o);
	if (o + 1 < n)
		out[o++] = '/';
	for (const char *k = key; *k && o + 3 < n; k++) {
		if (*k == '~') {
			out[o++] = '~';
			out[o++] = '0';
		} else if (*k == '/') {
			out[o++] = '~';
			out[o++] = '1';
		} else {
			out[o++] = *k;
		}
	}
	out[o] = '\0';
}

const char *mf_q(char *buf, size_t n, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	size_t i;

	for (i = 0; i < len && o + 8 < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\\' || ch == '\'') {
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 15];
		} else {
			buf[o++] = (char)ch;
		}
	}
	if (i < len) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}
