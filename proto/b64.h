/* b64.h - RFC 4648 base64 (standard alphabet, padded): manifest "base64"
 * content, control-protocol data (files.get/put, rules, exec answers).
 * Owns nothing: pure functions shared by the manifest loader, esxfsd and
 * the client library (library esxb64, top-level CMakeLists.txt). */
#ifndef ESXMOCK_B64_H
#define ESXMOCK_B64_H

#include <stddef.h>

/* Encodes len bytes; returns a NUL-terminated string (caller frees) and its
 * length in *outlen, or NULL on ENOMEM. */
char *b64_encode(const void *data, size_t len, size_t *outlen);

/* Decodes strict padded base64 (no whitespace). Returns the bytes (caller
 * frees; a NUL is appended, not counted) and their count in *outlen, or
 * NULL with *bad set to the offset of the first invalid character (or
 * len when the length is not a multiple of 4, (size_t)-1 on ENOMEM). */
void *b64_decode(const char *s, size_t len, size_t *outlen, size_t *bad);

#endif
