/* mf_validate.c - parsing and checking of scalar manifest fields.
 * Owns the rules for types, paths, modes, rdev, mtime, content sources and
 * base64 (manifest/FORMAT.md); every failure names the value and pointer. */
#include "mf_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "b64.h"

static const struct {
	const char *name;
	enum mf_type type;
} mf_types[] = {
    {"dir", MF_DIR},     {"file", MF_REG},     {"symlink", MF_LNK},
    {"chardev", MF_CHR}, {"blockdev", MF_BLK}, {"fifo", MF_FIFO},
    {"socket", MF_SOCK},
};

const char *mf_type_name(enum mf_type t)
{
	for (size_t i = 0; i < sizeof(mf_types) / sizeof(mf_types[0]); i++)
		if (mf_types[i].type == t)
			return mf_types[i].name;
	return "unknown";
}

int mf_parse_type(struct mf_ctx *c, const char *jptr, const char *s,
		  enum mf_type *out)
{
	char qb[MF_QBUF];

	for (size_t i = 0; i < sizeof(mf_types) / sizeof(mf_types[0]); i++) {
		if (strcmp(mf_types[i].name, s) == 0) {
			*out = mf_types[i].type;
			return 0;
		}
	}
	return mf_fail(c, jptr,
		       "unknown type '%s' (expected dir, file, symlink, "
		       "chardev, blockdev, fifo or socket)",
		       mf_q(qb, sizeof(qb), s, strlen(s)));
}

/* Shared by entry paths, "shadow" and "file" sources: components must be
 * non-empty, not "." or "..", at most MF_MAX_NAME bytes. */
static int mf_check_comps(struct mf_ctx *c, const char *jptr, const char *what,
			  const char *s, size_t len, size_t start)
{
	char qb[MF_QBUF], qc[MF_QBUF];
	size_t i = start;

	while (i <= len) {
		size_t j = i;

		while (j < len && s[j] != '/')
			j++;
		if (j == i) {
			if (j == len)
				return mf_fail(c, jptr, "%s '%s' ends with '/'",
					       what,
					       mf_q(qb, sizeof(qb), s, len));
			return mf_fail(c, jptr, "%s '%s' contains '//'", what,
				       mf_q(qb, sizeof(qb), s, len));
		}
		if ((j - i == 1 && s[i] == '.') ||
		    (j - i == 2 && s[i] == '.' && s[i + 1] == '.'))
			return mf_fail(c, jptr,
				       "%s '%s' contains a '%.*s' component",
				       what, mf_q(qb, sizeof(qb), s, len),
				       (int)(j - i), s + i);
		if (j - i > MF_MAX_NAME)
			return mf_fail(c, jptr,
				       "%s component '%s' is longer than %d "
				       "bytes",
				       what, mf_q(qc, 40, s + i, j - i),
				       MF_MAX_NAME);
		i = j + 1;
	}
	return 0;
}

static int mf_check_common(struct mf_ctx *c, const char *jptr, const char *what,
			   const char *s, size_t len)
{
	char qb[MF_QBUF];

	if (len == 0)
		return mf_fail(c, jptr, "%s is empty", what);
	if (memchr(s, '\0', len))
		return mf_fail(c, jptr, "%s '%s' contains a NUL byte", what,
			       mf_q(qb, sizeof(qb), s, len));
	if (len > MF_MAX_PATH)
		return mf_fail(c, jptr, "%s '%s' is longer than %d bytes", what,
			       mf_q(qb, 40, s, len), MF_MAX_PATH);
	return 0;
}

int mf_check_path(struct mf_ctx *c, const char *jptr, const char *s, size_t len)
{
	char qb[MF_QBUF];
	int rc = mf_check_common(c, jptr, "path", s, len);

	if (rc)
		return rc;
	if (s[0] != '/')
		return mf_fail(c, jptr, "path '%s' is not absolute",
			       mf_q(qb, sizeof(qb), s, len));
	if (len == 1)
		return 0;
	return mf_check_comps(c, jptr, "path", s, len, 1);
}

int mf_parse_mode(struct mf_ctx *c, const char *jptr, const char *s,
		  mode_t *out)
{
	char qb[MF_QBUF];
	size_t len = strlen(s);
	unsigned long v = 0;

	if (len == 0)
		return mf_fail(c, jptr, "mode is empty");
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '7')
			return mf_fail(c, jptr,
				       "invalid mode '%s': expected octal "
				       "digits like \"0644\"",
				       mf_q(qb, sizeof(qb), s, len));
		v = v * 8 + (unsigned long)(s[i] - '0');
		if (v > 07777)
			return mf_fail(c, jptr,
				       "invalid mode '%s': larger than 07777 "
				       "(permission bits only)",
				       mf_q(qb, sizeof(qb), s, len));
	}
	*out = (mode_t)v;
	return 0;
}

static bool mf_parse_dec(const char **p, unsigned long max, unsigned long *out)
{
	const char *s = *p;
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return false;
		s++;
	}
	*p = s;
	*out = v;
	return true;
}

int mf_parse_rdev(struct mf_ctx *c, const char *jptr, const char *s,
		  unsigned int *maj, unsigned int *min)
{
	char qb[MF_QBUF];
	const char *p = s;
	unsigned long a, b;

	/* Linux limits: 12-bit major, 20-bit minor */
	if (!mf_parse_dec(&p, 4095, &a) || *p != ':')
		goto bad;
	p++;
	if (!mf_parse_dec(&p, 1048575, &b) || *p)
		goto bad;
	*maj = (unsigned int)a;
	*min = (unsigned int)b;
	return 0;
bad:
	return mf_fail(c, jptr,
		       "invalid rdev '%s': expected \"MAJOR:MINOR\" "
		       "(major <= 4095, minor <= 1048575)",
		       mf_q(qb, sizeof(qb), s, strlen(s)));
}

static bool mf_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* RFC 3339: 2023-04-18T10:00:00[.frac](Z|+hh:mm|-hh:mm) */
static bool mf_rfc3339(const char *s, struct timespec *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	unsigned long y, mo, d, h, mi, se, oh = 0, om = 0;
	const char *p = s;
	long nsec = 0, off = 0;
	struct tm tm;
	time_t t;

	if (!mf_parse_dec(&p, 9999, &y) || p - s != 4 || *p++ != '-')
		return false;
	s = p;
	if (!mf_parse_dec(&p, 12, &mo) || p - s != 2 || *p++ != '-' || !mo)
		return false;
	s = p;
	if (!mf_parse_dec(&p, 31, &d) || p - s != 2 || !d)
		return false;
	if (d > (unsigned long)mdays[mo - 1] + (mo == 2 && mf_leap((long)y)))
		return false;
	if (*p != 'T' && *p != 't')
		return false;
	s = ++p;
	if (!mf_parse_dec(&p, 23, &h) || p - s != 2 || *p++ != ':')
		return false;
	s = p;
	if (!mf_parse_dec(&p, 59, &mi) || p - s != 2 || *p++ != ':')
		return false;
	s = p;
	if (!mf_parse_dec(&p, 59, &se) || p - s != 2)
		return false;
	if (*p == '.') {
		long scale = 100000000;

		if (*++p < '0' || *p > '9')
			return false;
		for (; *p >= '0' && *p <= '9'; p++) {
			nsec += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;

		s = p;
		if (!mf_parse_dec(&p, 23, &oh) || p - s != 2 || *p++ != ':')
			return false;
		s = p;
		if (!mf_parse_dec(&p, 59, &om) || p - s != 2)
			return false;
		off = sign * (long)(oh * 3600 + om * 60);
	} else {
		return false;
	}
	if (*p)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)se;
	t = timegm(&tm);
	out->tv_sec = t - off;
	out->tv_nsec = nsec;
	return true;
}

int mf_parse_mtime(struct mf_ctx *c, const char *jptr, struct json_object *v,
		   struct timespec *out)
{
	char qb[MF_QBUF];

	if (json_object_is_type(v, json_type_int)) {
		int64_t t = json_object_get_int64(v);

		if (t == INT64_MAX || t < -(INT64_C(1) << 40) ||
		    t > (INT64_C(1) << 40))
			return mf_fail(c, jptr, "mtime %s is out of range",
				       json_object_to_json_string(v));
		out->tv_sec = (time_t)t;
		out->tv_nsec = 0;
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);

		if (mf_rfc3339(s, out))
			return 0;
		return mf_fail(c, jptr,
			       "invalid mtime '%s': expected epoch seconds or "
			       "RFC 3339 like \"2023-04-18T10:00:00Z\"",
			       mf_q(qb, sizeof(qb), s, strlen(s)));
	}
	return mf_fail(c, jptr,
		       "mtime must be an integer or an RFC 3339 string");
}

int mf_get_u64(struct mf_ctx *c, const char *jptr, struct json_object *v,
	       const char *what, uint64_t *out)
{
	int64_t i;

	if (!json_object_is_type(v, json_type_int))
		return mf_fail(c, jptr, "%s must be a non-negative integer",
			       what);
	i = json_object_get_int64(v);
	if (i < 0)
		return mf_fail(c, jptr, "%s %s is negative", what,
			       json_object_to_json_string(v));
	if (i == INT64_MAX && json_object_get_uint64(v) > INT64_MAX)
		return mf_fail(c, jptr, "%s %s is too large", what,
			       json_object_to_json_string(v));
	*out = (uint64_t)i;
	return 0;
}

int mf_json_text(struct mf_ctx *c, const char *jptr, const char *what,
		 struct json_object *v, char **out)
{
	const char *s;

	if (!json_object_is_type(v, json_type_object))
		return mf_fail(c, jptr, "'%s' must be an object", what);
	s = json_object_to_json_string_ext(
	    v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	*out = s ? strdup(s) : NULL;
	if (!*out)
		return mf_oom(c, jptr);
	return 0;
}

static int mf_src_text(struct mf_ctx *c, const char *jptr,
		       struct json_object *v, struct mf_content *ct)
{
	if (!json_object_is_type(v, json_type_string))
		return mf_fail(c, jptr, "'text' must be a string");
	ct->len = (size_t)json_object_get_string_len(v);
	ct->data = malloc(ct->len + 1);
	if (!ct->data)
		return mf_oom(c, jptr);
	memcpy(ct->data, json_object_get_string(v), ct->len + 1);
	ct->kind = MF_SRC_INLINE;
	return 0;
}

static int mf_src_base64(struct mf_ctx *c, const char *jptr,
			 struct json_object *v, struct mf_content *ct)
{
	char qb[MF_QBUF], qc[16];
	size_t bad = 0;
	const char *s;
	size_t len;

	if (!json_object_is_type(v, json_type_string))
		return mf_fail(c, jptr, "'base64' must be a string");
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	/* strict: padding required, no whitespace */
	ct->data = b64_decode(s, len, &ct->len, &bad);
	if (!ct->data) {
		if (bad == (size_t)-1)
			return mf_oom(c, jptr);
		if (bad >= len)
			return mf_fail(c, jptr,
				       "invalid base64 '%s': length %zu is "
				       "not a multiple of 4",
				       mf_q(qb, 40, s, len), len);
		return mf_fail(c, jptr,
			       "invalid base64 '%s': bad character '%s' at "
			       "offset %zu",
			       mf_q(qb, 40, s, len),
			       mf_q(qc, sizeof(qc), s + bad, 1), bad);
	}
	ct->kind = MF_SRC_INLINE;
	return 0;
}

static int mf_src_file(struct mf_ctx *c, const char *jptr,
		       struct json_object *v, struct mf_content *ct)
{
	char qb[MF_QBUF];
	const char *s;
	size_t len;
	int rc;

	if (!json_object_is_type(v, json_type_string))
		return mf_fail(c, jptr, "'file' must be a string");
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	rc = mf_check_common(c, jptr, "content file", s, len);
	if (rc)
		return rc;
	if (s[0] == '/')
		return mf_fail(c, jptr,
			       "content file '%s' must be relative to "
			       "--content-root",
			       mf_q(qb, sizeof(qb), s, len));
	rc = mf_check_comps(c, jptr, "content file", s, len, 0);
	if (rc)
		return rc;
	ct->path = strdup(s);
	if (!ct->path)
		return mf_oom(c, jptr);
	ct->kind = MF_SRC_FILE;
	return 0;
}

static int mf_src_shadow(struct mf_ctx *c, const char *jptr,
			 struct json_object *v, struct mf_content *ct)
{
	static const char pfx[] = "/.shadow/";
	char qb[MF_QBUF];
	const char *s;
	size_t len;
	int rc;

	if (!json_object_is_type(v, json_type_string))
		return mf_fail(c, jptr, "'shadow' must be a string");
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	rc = mf_check_common(c, jptr, "shadow path", s, len);
	if (rc)
		return rc;
	if (len <= sizeof(pfx) - 1 || strncmp(s, pfx, sizeof(pfx) - 1) != 0)
		return mf_fail(c, jptr,
			       "shadow path '%s' must start with '/.shadow/'",
			       mf_q(qb, sizeof(qb), s, len));
	rc = mf_check_comps(c, jptr, "shadow path", s, len, 1);
	if (rc)
		return rc;
	ct->path = strdup(s);
	if (!ct->path)
		return mf_oom(c, jptr);
	ct->kind = MF_SRC_SHADOW;
	return 0;
}

static int mf_src_empty(struct mf_ctx *c, const char *jptr,
			struct json_object *v, struct mf_content *ct)
{
	if (!json_object_is_type(v, json_type_boolean) ||
	    !json_object_get_boolean(v))
		return mf_fail(c, jptr, "'empty' must be true");
	ct->kind = MF_SRC_EMPTY;
	return 0;
}

static int mf_src_sparse(struct mf_ctx *c, const char *jptr,
			 struct json_object *v, struct mf_content *ct)
{
	int rc = mf_get_u64(c, jptr, v, "sparse size", &ct->size);

	if (rc)
		return rc;
	ct->kind = MF_SRC_SPARSE;
	return 0;
}

static const struct {
	const char *key;
	int (*fn)(struct mf_ctx *, const char *, struct json_object *,
		  struct mf_content *);
} mf_sources[] = {
    {"text", mf_src_text},   {"base64", mf_src_base64},
    {"file", mf_src_file},   {"shadow", mf_src_shadow},
    {"empty", mf_src_empty}, {"sparse", mf_src_sparse},
};

int mf_parse_content(struct mf_ctx *c, const char *jptr, struct json_object *v,
		     struct mf_content *out)
{
	char kp[MF_PTR_MAX], qb[MF_QBUF];
	int n;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(v, json_type_object))
		return mf_fail(c, jptr,
			       "content must be an object with one of text, "
			       "base64, file, shadow, empty, sparse");
	n = json_object_object_length(v);
	if (n != 1)
		return mf_fail(c, jptr,
			       "content must have exactly one key (text, "
			       "base64, file, shadow, empty or sparse), not "
			       "%d",
			       n);
	json_object_object_foreach(v, key, val)
	{
		mf_ptr_join(kp, sizeof(kp), jptr, key);
		for (size_t i = 0;
		     i < sizeof(mf_sources) / sizeof(mf_sources[0]); i++) {
			if (strcmp(key, mf_sources[i].key) == 0) {
				int rc = mf_sources[i].fn(c, kp, val, out);

				if (rc)
					mf_content_release(out);
				return rc;
			}
		}
		return mf_fail(c, kp,
			       "unknown content source '%s' (expected text, "
			       "base64, file, shadow, empty or sparse)",
			       mf_q(qb, sizeof(qb), key, strlen(key)));
	}
	return -EINVAL;
}

void mf_content_release(struct mf_content *ct)
{
	free(ct->data);
	free(ct->path);
	memset(ct, 0, sizeof(*ct));
}
