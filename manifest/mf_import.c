/* mf_import.c - reads an ESXi file listing into validated rows.
 * Owns the two listing formats (manifest/FORMAT.md "Listing formats"): a
 * JSON array of stat rows, possibly with a trailing comma or without the
 * "[ ]" wrapper, and the {"format": "esxmock-listing"} document. */
#include "mf_import_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#define MFI_JSON_DEPTH 16 /* rows are objects in an array in an object */
#define MFI_FORMAT_NAME "esxmock-listing"
#define MFI_FORMAT_VERSION 1

int mfi_fail(struct mf_error *err, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

/* Bounded, printable copy of s for messages. */
static const char *mfi_q(char *buf, size_t n, const char *s)
{
	size_t i, o = 0;

	for (i = 0; s[i] && o + 5 < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	if (s[i])
		o += (size_t)snprintf(buf + o, n - o, "...");
	buf[o < n ? o : n - 1] = '\0';
	return buf;
}

static void mfi_linecol(const char *buf, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* ---- one row ---------------------------------------------------------- */

/* Per-row parse state: raw strings kept for the hstat/stat cross-check. */
struct mfi_rowctx {
	struct mfi_row *r;
	const char *hstat, *stat;
	struct mf_error *err;
	size_t idx;
	const char *rows_ptr; /* "" or "/rows" */
	struct mf_import_report *rep;
	FILE *warn;
};

static int mfi_row_fail(struct mfi_rowctx *c, const char *key, const char *fmt,
			...) __attribute__((format(printf, 3, 4)));

static int mfi_row_fail(struct mfi_rowctx *c, const char *key, const char *fmt,
			...)
{
	char msg[400], qb[120];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err->jpath, sizeof(c->err->jpath), "%s/%zu%s%s",
		 c->rows_ptr, c->idx, key ? "/" : "", key ? key : "");
	if (c->r->path)
		return mfi_fail(c->err, -EINVAL, "row %zu ('%s'): %s", c->idx,
				mfi_q(qb, sizeof(qb), c->r->path), msg);
	return mfi_fail(c->err, -EINVAL, "row %zu: %s", c->idx, msg);
}

static int mfi_want_string(struct mfi_rowctx *c, const char *key,
			   struct json_object *v, const char **out)
{
	size_t len;

	if (!json_object_is_type(v, json_type_string))
		return mfi_row_fail(c, key, "'%s' must be a string", key);
	*out = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (strlen(*out) != len)
		return mfi_row_fail(c, key, "'%s' contains a NUL byte", key);
	return 0;
}

static int mfi_want_int(struct mfi_rowctx *c, const char *key,
			struct json_object *v, long long min, long long max,
			long long *out)
{
	int64_t x;

	if (!json_object_is_type(v, json_type_int))
		return mfi_row_fail(c, key, "'%s' must be an integer", key);
	errno = 0;
	x = json_object_get_int64(v);
	if (errno || x < min || x > max)
		return mfi_row_fail(c, key, "'%s' is out of range (%lld..%lld)",
				    key, min, max);
	*out = x;
	return 0;
}

/* Normalises a listing path: collapses "//", drops "." components and a
 * trailing "/", strips a leading "./" of relative paths ("." becomes "");
 * rejects ".." (the importer cannot resolve it without the real tree). */
static int mfi_norm_path(struct mfi_rowctx *c, const char *s, char **out)
{
	size_t len = strlen(s), o = 0, i = 0;
	bool abs = s[0] == '/';
	char *p;

	if (!len)
		return mfi_row_fail(c, "path", "empty path");
	if (len > MFI_MAX_PATH)
		return mfi_row_fail(c, "path", "path longer than %d bytes",
				    MFI_MAX_PATH);
	p = malloc(len + 2);
	if (!p)
		return mfi_fail(c->err, -ENOMEM, "out of memory");
	while (i < len) {
		size_t start, clen;

		while (i < len && s[i] == '/')
			i++;
		start = i;
		while (i < len && s[i] != '/')
			i++;
		clen = i - start;
		if (!clen || (clen == 1 && s[start] == '.'))
			continue;
		if (clen == 2 && s[start] == '.' && s[start + 1] == '.') {
			free(p);
			return mfi_row_fail(c, "path",
					    "'..' component in path");
		}
		if (clen > MFI_MAX_NAME) {
			free(p);
			return mfi_row_fail(c, "path",
					    "path component longer than %d "
					    "bytes",
					    MFI_MAX_NAME);
		}
		if (abs || o)
			p[o++] = '/';
		memcpy(p + o, s + start, clen);
		o += clen;
	}
	if (abs && !o)
		p[o++] = '/';
	p[o] = '\0';
	*out = p;
	return 0;
}

static int mfi_key_path(struct mfi_rowctx *c, struct json_object *v)
{
	const char *s = NULL;
	int rc = mfi_want_string(c, "path", v, &s);

	return rc ? rc : mfi_norm_path(c, s, &c->r->path);
}

static int mfi_key_hstat(struct mfi_rowctx *c, struct json_object *v)
{
	return mfi_want_string(c, "hstat", v, &c->hstat);
}

static int mfi_key_stat(struct mfi_rowctx *c, struct json_object *v)
{
	return mfi_want_string(c, "stat", v, &c->stat);
}

static int mfi_key_name(struct mfi_rowctx *c, const char *key,
			struct json_object *v, char **out)
{
	const char *s = NULL;
	int rc = mfi_want_string(c, key, v, &s);

	if (rc)
		return rc;
	if (!*s)
		return mfi_row_fail(c, key, "empty '%s'", key);
	*out = strdup(s);
	return *out ? 0 : mfi_fail(c->err, -ENOMEM, "out of memory");
}

static int mfi_key_owner(struct mfi_rowctx *c, struct json_object *v)
{
	return mfi_key_name(c, "owner", v, &c->r->owner);
}

static int mfi_key_group(struct mfi_rowctx *c, struct json_object *v)
{
	return mfi_key_name(c, "group", v, &c->r->group);
}

static int mfi_key_uid(struct mfi_rowctx *c, struct json_object *v)
{
	return mfi_want_int(c, "uid", v, 0, 4294967294LL, &c->r->uid);
}

static int mfi_key_gid(struct mfi_rowctx *c, struct json_object *v)
{
	return mfi_want_int(c, "gid", v, 0, 4294967294LL, &c->r->gid);
}

static int mfi_key_size(struct mfi_rowctx *c, struct json_object *v)
{
	return mfi_want_int(c, "size", v, 0, LLONG_MAX, &c->r->size);
}

static int mfi_key_mtime(struct mfi_rowctx *c, struct json_object *v)
{
	c->r->has_mtime = true;
	return mfi_want_int(c, "mtime", v, LLONG_MIN, LLONG_MAX, &c->r->mtime);
}

static int mfi_key_target(struct mfi_rowctx *c, struct json_object *v)
{
	const char *s = NULL;
	int rc = mfi_want_string(c, "target", v, &s);

	if (rc)
		return rc;
	if (!*s || strlen(s) > MFI_MAX_PATH)
		return mfi_row_fail(c, "target", "'target' must be 1-%d bytes",
				    MFI_MAX_PATH);
	c->r->target = strdup(s);
	return c->r->target ? 0 : mfi_fail(c->err, -ENOMEM, "out of memory");
}

static int mfi_key_rdev(struct mfi_rowctx *c, struct json_object *v)
{
	const char *s = NULL;
	unsigned long maj, min;
	char *end;
	int rc = mfi_want_string(c, "rdev", v, &s);

	if (rc)
		return rc;
	errno = 0;
	maj = strtoul(s, &end, 10);
	if (end == s || *end != ':' || s[0] == '-')
		goto bad;
	s = end + 1;
	min = strtoul(s, &end, 10);
	if (end == s || *end || s[0] == '-' || errno || maj > 4095 ||
	    min > 1048575)
		goto bad;
	c->r->has_rdev = true;
	c->r->rdev_major = (unsigned int)maj;
	c->r->rdev_minor = (unsigned int)min;
	return 0;
bad:
	return mfi_row_fail(c, "rdev",
			    "'rdev' must be \"MAJOR:MINOR\" in decimal "
			    "(major <= 4095, minor <= 1048575)");
}

struct mfi_key {
	const char *name;
	int (*fn)(struct mfi_rowctx *c, struct json_object *v);
	bool required;
};

/* Legacy rows carry the first five; the esxmock-listing format adds the
 * rest (scripts/esx-file-listing.sh). */
static const struct mfi_key mfi_keys[] = {
    {"hstat", mfi_key_hstat, true},  {"stat", mfi_key_stat, true},
    {"owner", mfi_key_owner, true},  {"group", mfi_key_group, true},
    {"path", mfi_key_path, true},    {"uid", mfi_key_uid, false},
    {"gid", mfi_key_gid, false},     {"size", mfi_key_size, false},
    {"mtime", mfi_key_mtime, false}, {"target", mfi_key_target, false},
    {"rdev", mfi_key_rdev, false},
};
#define MFI_NKEYS (sizeof(mfi_keys) / sizeof(mfi_keys[0]))

/* The type letter of ls -l / stat %A. */
static const struct {
	char letter;
	enum mf_type type;
} mfi_types[] = {
    {'d', MF_DIR}, {'-', MF_REG},  {'l', MF_LNK},  {'c', MF_CHR},
    {'b', MF_BLK}, {'p', MF_FIFO}, {'s', MF_SOCK},
};

/* Permission letters of stat %A positions 1..9: the letter for "bit set",
 * plus the setuid/setgid/sticky variants of the x positions. */
static const struct {
	char on;
	mode_t bit;
	char xs, xS; /* with x / without x, 0 when not an x position */
	mode_t special;
} mfi_perm[9] = {
    {'r', S_IRUSR, 0, 0, 0},           {'w', S_IWUSR, 0, 0, 0},
    {'x', S_IXUSR, 's', 'S', S_ISUID}, {'r', S_IRGRP, 0, 0, 0},
    {'w', S_IWGRP, 0, 0, 0},           {'x', S_IXGRP, 's', 'S', S_ISGID},
    {'r', S_IROTH, 0, 0, 0},           {'w', S_IWOTH, 0, 0, 0},
    {'x', S_IXOTH, 't', 'T', S_ISVTX},
};

static int mfi_parse_hstat(struct mfi_rowctx *c, mode_t *mode)
{
	const char *h = c->hstat;
	size_t i;

	if (strlen(h) != 10)
		goto bad;
	c->r->type = 0;
	for (i = 0; i < sizeof(mfi_types) / sizeof(mfi_types[0]); i++)
		if (h[0] == mfi_types[i].letter)
			c->r->type = mfi_types[i].type;
	if (!c->r->type)
		return mfi_row_fail(c, "hstat",
				    "unknown file type letter '%c' in hstat "
				    "'%s' (expected one of d - l c b p s)",
				    h[0], h);
	*mode = 0;
	for (i = 0; i < 9; i++) {
		char ch = h[i + 1];

		if (ch == '-')
			continue;
		if (ch == mfi_perm[i].on)
			*mode |= mfi_perm[i].bit;
		else if (mfi_perm[i].xs && ch == mfi_perm[i].xs)
			*mode |= mfi_perm[i].bit | mfi_perm[i].special;
		else if (mfi_perm[i].xs && ch == mfi_perm[i].xS)
			*mode |= mfi_perm[i].special;
		else
			goto bad;
	}
	return 0;
bad:
	return mfi_row_fail(c, "hstat",
			    "bad hstat '%s': expected 10 characters like "
			    "'drwxr-xr-x' (type letter, then rwx with s/S/t/T)",
			    h);
}

static int mfi_parse_stat(struct mfi_rowctx *c, mode_t *mode)
{
	const char *s = c->stat;
	size_t i, n = strlen(s);

	if (n < 1 || n > 4)
		goto bad;
	*mode = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			goto bad;
		*mode = (*mode << 3) | (mode_t)(s[i] - '0');
	}
	return 0;
bad:
	return mfi_row_fail(c, "stat",
			    "bad stat '%s': expected 1-4 octal digits like "
			    "'755' or '1777'",
			    s);
}

/* Checks the row as a whole once every key is read. */
static int mfi_row_finish(struct mfi_rowctx *c)
{
	struct mfi_row *r = c->r;
	mode_t hmode = 0, smode = 0;
	int rc;

	rc = mfi_parse_hstat(c, &hmode);
	if (!rc)
		rc = mfi_parse_stat(c, &smode);
	if (rc)
		return rc;
	r->mode = smode;
	if (hmode != smode) {
		c->rep->mode_conflicts++;
		if (c->warn && c->rep->mode_conflicts <= MFI_MAX_WARN)
			fprintf(c->warn,
				"import: warning: row %zu ('%s'): hstat '%s' "
				"means %04o but stat says %04o: using stat\n",
				c->idx, r->path, c->hstat, (unsigned)hmode,
				(unsigned)smode);
	}
	if (r->target && r->type != MF_LNK)
		return mfi_row_fail(c, "target",
				    "'target' on a row that is not a symlink");
	if (r->has_rdev && r->type != MF_CHR && r->type != MF_BLK)
		return mfi_row_fail(c, "rdev",
				    "'rdev' on a row that is not a device");
	if (r->size >= 0 && r->type == MF_DIR)
		r->size = -1; /* a directory's st_size means nothing here */
	/* busybox stat prints UNKNOWN for an id without a name */
	if (r->uid >= 0 && !strcmp(r->owner, "UNKNOWN")) {
		free(r->owner);
		if (asprintf(&r->owner, "%lld", r->uid) < 0) {
			r->owner = NULL;
			return mfi_fail(c->err, -ENOMEM, "out of memory");
		}
	}
	if (r->gid >= 0 && !strcmp(r->group, "UNKNOWN")) {
		free(r->group);
		if (asprintf(&r->group, "%lld", r->gid) < 0) {
			r->group = NULL;
			return mfi_fail(c->err, -ENOMEM, "out of memory");
		}
	}
	return 0;
}

static int mfi_row_parse(struct mfi_rowctx *c, struct json_object *o)
{
	unsigned int seen = 0;
	size_t k;
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return mfi_row_fail(c, NULL, "expected an object, got %s",
				    json_type_to_name(json_object_get_type(o)));
	/* "path" first, so later messages can name it */
	{
		struct json_object *p;

		if (json_object_object_get_ex(o, "path", &p)) {
			rc = mfi_key_path(c, p);
			if (rc)
				return rc;
		}
	}
	json_object_object_foreach(o, key, val)
	{
		for (k = 0; k < MFI_NKEYS; k++)
			if (!strcmp(key, mfi_keys[k].name))
				break;
		if (k == MFI_NKEYS)
			return mfi_row_fail(c, key, "unknown key '%s'", key);
		seen |= 1u << k;
		if (!strcmp(key, "path"))
			continue;
		rc = mfi_keys[k].fn(c, val);
		if (rc)
			return rc;
	}
	for (k = 0; k < MFI_NKEYS; k++)
		if (mfi_keys[k].required && !(seen & (1u << k)))
			return mfi_row_fail(c, NULL, "missing key '%s'",
					    mfi_keys[k].name);
	return mfi_row_finish(c);
}

/* ---- the document ------------------------------------------------------ */

/* Parses one JSON value at buf[*off]; *off moves past it. */
static int mfi_parse_value(struct json_tokener *tok, const char *buf,
			   size_t len, size_t *off, const char *name,
			   struct json_object **out, struct mf_error *err)
{
	enum json_tokener_error jerr;
	size_t end;

	json_tokener_reset(tok);
	*out = json_tokener_parse_ex(tok, buf + *off, (int)(len - *off));
	jerr = json_tokener_get_error(tok);
	end = *off + json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue || (!*out && jerr == 0)) {
		mfi_linecol(buf, len, &err->line, &err->col);
		snprintf(err->file, sizeof(err->file), "%s", name);
		return mfi_fail(err, -EINVAL,
				"unexpected end of input (truncated "
				"listing?)");
	}
	if (jerr != json_tokener_success) {
		mfi_linecol(buf, end, &err->line, &err->col);
		snprintf(err->file, sizeof(err->file), "%s", name);
		return mfi_fail(err, -EINVAL, "JSON syntax error: %s",
				json_tokener_error_desc(jerr));
	}
	*off = end;
	return 0;
}

static size_t mfi_skip_ws(const char *buf, size_t len, size_t off)
{
	while (off < len && (buf[off] == ' ' || buf[off] == '\t' ||
			     buf[off] == '\n' || buf[off] == '\r'))
		off++;
	return off;
}

/* Reads the whole input: "[rows]", "{wrapper}", "{row}" or a sequence of
 * rows separated by commas or whitespace (no "[ ]"). *seq tells which. */
static int mfi_parse_doc(const char *buf, size_t len, const char *name,
			 struct json_object **out, bool *seq,
			 struct mf_error *err)
{
	struct json_tokener *tok;
	struct json_object *arr = NULL, *v;
	size_t off = 0;
	int rc = 0;

	*out = NULL;
	*seq = false;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		off = 3; /* UTF-8 byte order mark */
	off = mfi_skip_ws(buf, len, off);
	if (off == len) {
		snprintf(err->file, sizeof(err->file), "%s", name);
		return mfi_fail(err, -EINVAL, "empty listing");
	}
	if (memchr(buf, '\0', len)) {
		snprintf(err->file, sizeof(err->file), "%s", name);
		mfi_linecol(
		    buf, (size_t)((const char *)memchr(buf, '\0', len) - buf),
		    &err->line, &err->col);
		return mfi_fail(err, -EINVAL, "NUL byte in the listing");
	}
	tok = json_tokener_new_ex(MFI_JSON_DEPTH);
	if (!tok)
		return mfi_fail(err, -ENOMEM, "out of memory");
	rc = mfi_parse_value(tok, buf, len, &off, name, &v, err);
	if (rc)
		goto out;
	off = mfi_skip_ws(buf, len, off);
	if (off == len) {
		*out = v;
		goto out;
	}
	if (!json_object_is_type(v, json_type_object)) {
		json_object_put(v);
		mfi_linecol(buf, off, &err->line, &err->col);
		snprintf(err->file, sizeof(err->file), "%s", name);
		rc =
		    mfi_fail(err, -EINVAL, "unexpected text after the listing");
		goto out;
	}
	/* a sequence of row objects without "[ ]" */
	*seq = true;
	arr = json_object_new_array();
	if (!arr || json_object_array_add(arr, v)) {
		json_object_put(v);
		rc = mfi_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		if (off < len && buf[off] == ',')
			off = mfi_skip_ws(buf, len, off + 1);
		if (off == len)
			break;
		rc = mfi_parse_value(tok, buf, len, &off, name, &v, err);
		if (rc)
			goto out;
		if (json_object_array_add(arr, v)) {
			json_object_put(v);
			rc = mfi_fail(err, -ENOMEM, "out of memory");
			goto out;
		}
		off = mfi_skip_ws(buf, len, off);
	}
	*out = arr;
	arr = NULL;
out:
	json_object_put(arr);
	json_tokener_free(tok);
	return rc;
}

static const char *const mfi_wrapper_keys[] = {
    "format", "version", "rows", "host", "captured", "root", "tool", "comment",
};

/* {"format": "esxmock-listing", "version": 1, "rows": [...], ...} */
static int mfi_wrapper(struct json_object *doc, struct json_object **rows,
		       struct mf_error *err)
{
	struct json_object *v;
	size_t i;

	json_object_object_foreach(doc, key, val)
	{
		(void)val;
		for (i = 0;
		     i < sizeof(mfi_wrapper_keys) / sizeof(mfi_wrapper_keys[0]);
		     i++)
			if (!strcmp(key, mfi_wrapper_keys[i]))
				break;
		if (i ==
		    sizeof(mfi_wrapper_keys) / sizeof(mfi_wrapper_keys[0])) {
			snprintf(err->jpath, sizeof(err->jpath), "/%s", key);
			return mfi_fail(err, -EINVAL,
					"unknown key '%s' in the listing "
					"header",
					key);
		}
	}
	if (!json_object_object_get_ex(doc, "format", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), MFI_FORMAT_NAME)) {
		snprintf(err->jpath, sizeof(err->jpath), "/format");
		return mfi_fail(err, -EINVAL,
				"'format' must be \"%s\" (or give a JSON "
				"array of rows)",
				MFI_FORMAT_NAME);
	}
	if (!json_object_object_get_ex(doc, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != MFI_FORMAT_VERSION) {
		snprintf(err->jpath, sizeof(err->jpath), "/version");
		return mfi_fail(err, -EINVAL,
				"'version' must be %d (this importer reads "
				"%s version %d)",
				MFI_FORMAT_VERSION, MFI_FORMAT_NAME,
				MFI_FORMAT_VERSION);
	}
	if (!json_object_object_get_ex(doc, "rows", rows) ||
	    !json_object_is_type(*rows, json_type_array)) {
		snprintf(err->jpath, sizeof(err->jpath), "/rows");
		return mfi_fail(err, -EINVAL, "'rows' must be an array");
	}
	return 0;
}

static int mfi_read_rows(struct json_object *rows, const char *rows_ptr,
			 struct mfi_set *set, struct mf_import_report *rep,
			 FILE *warn, struct mf_error *err)
{
	size_t i, n = json_object_array_length(rows);
	int rc;

	if (n > MFI_MAX_ROWS)
		return mfi_fail(err, -E2BIG, "more than %u rows", MFI_MAX_ROWS);
	rep->rows = n;
	for (i = 0; i < n; i++) {
		struct mfi_row r = {
		    .uid = -1, .gid = -1, .size = -1, .index = i};
		struct mfi_rowctx c = {.r = &r,
				       .err = err,
				       .idx = i,
				       .rows_ptr = rows_ptr,
				       .rep = rep,
				       .warn = warn};

		rc = mfi_row_parse(&c, json_object_array_get_idx(rows, i));
		if (!rc)
			rc = mfi_set_push(set, &r);
		if (rc) {
			mfi_row_release(&r);
			return rc;
		}
	}
	return 0;
}

static int mfi_check_loads(const char *text, size_t len, size_t *n,
			   struct mf_error *err)
{
	struct mf_source src = {
	    .name = "import output", .buf = text, .len = len};
	struct mf_manifest *m = NULL;
	struct mf_error lerr = {0};
	char eb[1200];
	int rc;

	rc = mf_load(&src, 1, &m, &lerr);
	if (rc) {
		/* a bug in the importer, not in the listing */
		return mfi_fail(err, rc,
				"internal error: the generated manifest does "
				"not load: %s",
				mf_error_str(&lerr, eb, sizeof(eb)));
	}
	*n = m->n_entries;
	mf_manifest_free(m);
	return 0;
}

int mf_import_listing(const char *buf, size_t len, const char *name, char **out,
		      size_t *out_len, struct mf_import_report *rep, FILE *warn,
		      struct mf_error *err)
{
	struct json_object *doc = NULL, *rows = NULL, *p;
	struct mfi_set set = {0};
	const char *rows_ptr = "";
	bool seq;
	int rc;

	*out = NULL;
	*out_len = 0;
	memset(rep, 0, sizeof(*rep));
	memset(err, 0, sizeof(*err));
	rc = mfi_parse_doc(buf, len, name, &doc, &seq, err);
	if (rc)
		goto out;
	if (json_object_is_type(doc, json_type_array)) {
		rows = doc;
	} else if (json_object_is_type(doc, json_type_object) &&
		   (json_object_object_get_ex(doc, "format", &p) ||
		    json_object_object_get_ex(doc, "rows", &p))) {
		rc = mfi_wrapper(doc, &rows, err);
		if (rc)
			goto out_named;
		rows_ptr = "/rows";
		rep->rich = true;
	} else if (json_object_is_type(doc, json_type_object)) {
		/* a lone row: treat as a one-row sequence */
		rows = json_object_new_array();
		if (!rows ||
		    json_object_array_add(rows, json_object_get(doc))) {
			rc = mfi_fail(err, -ENOMEM, "out of memory");
			goto out;
		}
		json_object_put(doc);
		doc = rows;
	} else {
		rc = mfi_fail(err, -EINVAL,
			      "expected a JSON array of rows or an object, "
			      "got %s",
			      json_type_to_name(json_object_get_type(doc)));
		goto out_named;
	}
	(void)seq;
	rc = mfi_read_rows(rows, rows_ptr, &set, rep, warn, err);
	if (!rc)
		rc = mfi_rows_dedupe(&set, rep, warn, err);
	if (!rc)
		rc = mfi_links_assign(&set, rep);
	if (!rc)
		rc = mfi_emit(&set, name, out, out_len, err);
	if (!rc)
		rc = mfi_check_loads(*out, *out_len, &rep->entries, err);
	if (rc) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
out_named:
	/* set-level errors name "/N": in the esxmock-listing format the rows
	 * live under "/rows" */
	if (rc && rep->rich && err->jpath[0] == '/' && err->jpath[1] >= '0' &&
	    err->jpath[1] <= '9') {
		size_t n = strlen(err->jpath);

		if (n + 5 < sizeof(err->jpath)) {
			memmove(err->jpath + 5, err->jpath, n + 1);
			memcpy(err->jpath, "/rows", 5);
		}
	}
	if (rc && !err->file[0])
		snprintf(err->file, sizeof(err->file), "%s", name);
out:
	json_object_put(doc);
	mfi_set_release(&set);
	return rc;
}
