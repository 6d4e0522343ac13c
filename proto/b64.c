/* b64.c - RFC 4648 base64 encoder and strict decoder.
 * Owns nothing beyond the call. */
#include "b64.h"

#include <stdint.h>
#include <stdlib.h>

static const char b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *b64_encode(const void *data, size_t len, size_t *outlen)
{
	const unsigned char *p = data;
	size_t n = (len + 2) / 3 * 4, i, o = 0;
	char *out = malloc(n + 1);
	uint32_t v;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = b64_alpha[v >> 18 & 63];
		out[o++] = b64_alpha[v >> 12 & 63];
		out[o++] = b64_alpha[v >> 6 & 63];
		out[o++] = b64_alpha[v & 63];
	}
	if (i < len) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		out[o++] = b64_alpha[v >> 18 & 63];
		out[o++] = b64_alpha[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64_alpha[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return out;
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

void *b64_decode(const char *s, size_t len, size_t *outlen, size_t *bad)
{
	unsigned char *out;
	size_t i, o = 0, pad = 0;
	uint32_t v;
	int k, d;

	if (len % 4) {
		*bad = len;
		return NULL;
	}
	if (len && s[len - 1] == '=')
		pad = len >= 2 && s[len - 2] == '=' ? 2 : 1;
	out = malloc(len / 4 * 3 + 1);
	if (!out) {
		*bad = (size_t)-1;
		return NULL;
	}
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (k = 0; k < 4; k++) {
			if (i + (size_t)k >= len - pad && s[i + k] == '=') {
				d = 0;
			} else if ((d = b64_val(s[i + k])) < 0) {
				free(out);
				*bad = i + (size_t)k;
				return NULL;
			}
			v = v << 6 | (uint32_t)d;
		}
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	o -= pad;
	out[o] = '\0';
	*outlen = o;
	return out;
}
