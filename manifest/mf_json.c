/* mf_json.c - reading a manifest document and parsing it with json-c.
 * Owns the size cap, syntax-error positions (line:col) and the detection of
 * duplicate object keys, which json-c itself silently collapses. */
#include "mf_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

int mf_read_file(struct mf_ctx *c, const char *name, char **out,
		 size_t *out_len)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	int fd, rc;

	*out = NULL;
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		mf_fail(c, "", "cannot open: %s", strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		mf_fail(c, "", "cannot read: is a directory");
		return -EISDIR;
	}
	cap = (st.st_size > 0 && (uint64_t)st.st_size < MF_MAX_DOC_BYTES)
		  ? (size_t)st.st_size + 1
		  : 65536;
	for (;;) {
		ssize_t r;

		if (len == cap || !buf) {
			char *nb;

			if (buf)
				cap *= 2;
			if (cap > MF_MAX_DOC_BYTES + 1)
				cap = MF_MAX_DOC_BYTES + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				rc = -ENOMEM;
				mf_oom(c, "");
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			mf_fail(c, "", "cannot read: %s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > MF_MAX_DOC_BYTES) {
			rc = -EFBIG;
			mf_fail(c, "", "manifest is larger than %u MiB",
				MF_MAX_DOC_BYTES >> 20);
			goto fail;
		}
	}
	close(fd);
	*out = buf;
	*out_len = len;
	return 0;
fail:
	close(fd);
	free(buf);
	return rc;
}

/* Offset of the opening quote of the key whose ':' is at colon. */
static size_t mf_key_start(const char *buf, size_t colon)
{
	size_t i = colon;

	while (i > 0 && (buf[i - 1] == ' ' || buf[i - 1] == '\t' ||
			 buf[i - 1] == '\n' || buf[i - 1] == '\r'))
		i--;
	if (i == 0 || buf[i - 1] != '"')
		return colon;
	i--; /* closing quote */
	while (i > 0) {
		size_t bs = 0;

		i--;
		if (buf[i] != '"')
			continue;
		while (bs < i && buf[i - 1 - bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			return i;
	}
	return colon;
}

/* After a chunk ending in ':' the tokener waits for a value; if its current
 * object already holds the key just read, the document repeats a key.
 * json-c 0.16 publishes struct json_tokener; this reads it and nothing else
 * (see FORMAT.md "duplicate keys"). */
static bool mf_tok_dup_key(const struct json_tokener *tok, const char **key)
{
	const struct json_tokener_srec *s = &tok->stack[tok->depth];

	if (s->state != json_tokener_state_eatws ||
	    s->saved_state != json_tokener_state_object_value ||
	    !s->obj_field_name || !s->current ||
	    !json_object_is_type(s->current, json_type_object))
		return false;
	*key = s->obj_field_name;
	return json_object_object_get_ex(s->current, s->obj_field_name, NULL);
}

int mf_json_parse(struct mf_ctx *c, const char *buf, size_t len,
		  struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *root = NULL;
	enum json_tokener_error jerr = json_tokener_continue;
	size_t pos = 0, end = 0;
	const char *nul;
	char qb[MF_QBUF];
	int rc = 0;

	*out = NULL;
	c->doc = buf;
	c->doc_len = len;
	if (len > MF_MAX_DOC_BYTES)
		return mf_fail(c, "", "manifest is larger than %u MiB",
			       MF_MAX_DOC_BYTES >> 20);
	nul = memchr(buf, '\0', len);
	if (nul)
		return mf_fail_at(c, (size_t)(nul - buf),
				  "NUL byte in the document");
	tok = json_tokener_new_ex(MF_MAX_JSON_DEPTH);
	if (!tok)
		return mf_oom(c, "");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					JSON_TOKENER_ALLOW_TRAILING_CHARS |
					JSON_TOKENER_VALIDATE_UTF8);
	/* Feed the text in chunks that end after each ':' so the key check
	 * above runs once per object member. */
	while (pos < len) {
		const char *colon = memchr(buf + pos, ':', len - pos);
		size_t chunk =
		    colon ? (size_t)(colon - (buf + pos)) + 1 : len - pos;
		const char *key;

		root = json_tokener_parse_ex(tok, buf + pos, (int)chunk);
		jerr = json_tokener_get_error(tok);
		if (jerr != json_tokener_continue) {
			end = pos + json_tokener_get_parse_end(tok);
			break;
		}
		pos += chunk;
		if (colon && mf_tok_dup_key(tok, &key)) {
			rc = mf_fail_at(c, mf_key_start(buf, pos - 1),
					"duplicate key '%s'",
					mf_q(qb, sizeof(qb), key, strlen(key)));
			goto out;
		}
	}
	if (jerr == json_tokener_continue) {
		/* Numbers at the very end need a terminator to complete. */
		root = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
		if (jerr == json_tokener_continue ||
		    jerr == json_tokener_error_parse_eof || (!root && !jerr)) {
			rc = mf_fail_at(c, len, "unexpected end of document");
			goto out;
		}
	}
	if (jerr != json_tokener_success) {
		/* json-c stops on the offending byte */
		char at[8] = "";

		if (end < len && buf[end] > 0x20 && buf[end] < 0x7f)
			snprintf(at, sizeof(at), " '%c'", buf[end]);
		rc = mf_fail_at(c, end, "json syntax error: %s%s%s",
				json_tokener_error_desc(jerr),
				at[0] ? " at" : "", at);
		goto out;
	}
	for (size_t i = end; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r') {
			rc = mf_fail_at(c, i,
					"unexpected text after the document");
			goto out;
		}
	}
	if (!json_object_is_type(root, json_type_object)) {
		rc = mf_fail(c, "", "the document must be a JSON object");
		goto out;
	}
	*out = root;
	root = NULL;
out:
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}
