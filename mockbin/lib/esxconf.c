/* esxconf.c - parse, edit and write back ESXi's esx.conf.
 * Lines are kept in a doubly linked list (file order, utlist) with a uthash
 * index on the key; untouched lines keep their original bytes. */
#include "esxconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utlist.h>

void esxconf_init(struct esxconf *c)
{
	memset(c, 0, sizeof(*c));
}

static void entry_free(struct esxconf_entry *e)
{
	free(e->key);
	free(e->value);
	free(e->raw);
	free(e);
}

void esxconf_release(struct esxconf *c)
{
	struct esxconf_entry *e, *tmp;

	HASH_CLEAR(hh, c->index);
	DL_FOREACH_SAFE(c->head, e, tmp)
	{
		DL_DELETE(c->head, e);
		entry_free(e);
	}
	esxconf_init(c);
}

/* Points the index at e for its key (the last occurrence wins). */
static void index_put(struct esxconf *c, struct esxconf_entry *e)
{
	struct esxconf_entry *old = NULL;

	HASH_FIND_STR(c->index, e->key, old);
	if (old)
		HASH_DELETE(hh, c->index, old);
	else
		c->nkeys++;
	HASH_ADD_KEYPTR(hh, c->index, e->key, strlen(e->key), e);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Splits one line into key and value. Returns 1 for a setting, 0 for a
 * line to keep verbatim, -ENOMEM. */
static int split_line(const char *s, size_t n, char **key, char **value)
{
	const char *end = s + n, *eq, *k0, *k1, *v;
	char *out;
	size_t o = 0;

	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	eq = memchr(s, '=', (size_t)(end - s));
	if (!eq || *s == '#')
		return 0;
	k0 = s;
	k1 = eq;
	while (k1 > k0 && isspace((unsigned char)k1[-1]))
		k1--;
	if (k1 == k0)
		return 0;
	for (const char *p = k0; p < k1; p++)
		if (isspace((unsigned char)*p) || *p == '"')
			return 0;
	v = eq + 1;
	while (v < end && isspace((unsigned char)*v))
		v++;
	out = malloc((size_t)(end - v) + 1);
	if (!out)
		return -ENOMEM;
	if (v < end && *v == '"') {
		const char *p = v + 1;

		while (p < end && *p != '"') {
			if (*p == '\\' && p + 1 < end &&
			    (p[1] == '"' || p[1] == '\\'))
				p++;
			out[o++] = *p++;
		}
		/* unterminated quote, or text after the closing quote */
		if (p >= end || p + 1 != end) {
			free(out);
			return 0;
		}
	} else {
		memcpy(out, v, (size_t)(end - v));
		o = (size_t)(end - v);
	}
	out[o] = '\0';
	*key = dup_n(k0, (size_t)(k1 - k0));
	if (!*key) {
		free(out);
		return -ENOMEM;
	}
	*value = out;
	return 1;
}

static bool is_comment_or_blank(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	return n == 0 || *s == '#';
}

int esxconf_parse(struct esxconf *c, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct esxconf_entry *e = calloc(1, sizeof(*e));
		int r;

		line++;
		if (!e)
			return -ENOMEM;
		e->raw = dup_n(p, n);
		if (!e->raw) {
			free(e);
			return -ENOMEM;
		}
		r = split_line(p, n, &e->key, &e->value);
		if (r < 0) {
			entry_free(e);
			return r;
		}
		DL_APPEND(c->head, e);
		if (r == 1) {
			index_put(c, e);
		} else if (!is_comment_or_blank(p, n)) {
			c->njunk++;
			if (!c->first_junk_line)
				c->first_junk_line = line;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

const char *esxconf_get(const struct esxconf *c, const char *key)
{
	struct esxconf_entry *e = NULL;

	HASH_FIND_STR(c->index, key, e);
	return e ? e->value : NULL;
}

static size_t common_dir_prefix(const char *a, const char *b)
{
	size_t i = 0, last = 0;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			last = i + 1;
		i++;
	}
	return last;
}

/* The entry after which a new key goes: the last of the entries sharing
 * the longest directory prefix with it, or NULL (append at the end). */
static struct esxconf_entry *insert_point(struct esxconf *c, const char *key)
{
	struct esxconf_entry *e, *best = NULL;
	size_t best_len = 1; /* sharing only the leading '/' is not enough */

	DL_FOREACH(c->head, e)
	{
		size_t n;

		if (!e->key)
			continue;
		n = common_dir_prefix(e->key, key);
		if (n > best_len || (n == best_len && best)) {
			best = e;
			best_len = n;
		}
	}
	return best;
}

int esxconf_set(struct esxconf *c, const char *key, const char *value)
{
	struct esxconf_entry *e = NULL, *after;
	char *v;

	if (!*key || strchr(key, '\n') || strchr(value, '\n') ||
	    strpbrk(key, " \t\"="))
		return -EINVAL;
	v = strdup(value);
	if (!v)
		return -ENOMEM;
	HASH_FIND_STR(c->index, key, e);
	if (e) {
		free(e->value);
		e->value = v;
		free(e->raw);
		e->raw = NULL;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strdup(key))) {
		free(e);
		free(v);
		return -ENOMEM;
	}
	e->value = v;
	after = insert_point(c, key);
	if (after)
		DL_APPEND_ELEM(c->head, after, e);
	else
		DL_APPEND(c->head, e);
	index_put(c, e);
	return 0;
}

static void remove_entry(struct esxconf *c, struct esxconf_entry *e)
{
	struct esxconf_entry *ix = NULL;

	HASH_FIND_STR(c->index, e->key, ix);
	if (ix == e) {
		HASH_DELETE(hh, c->index, e);
		c->nkeys--;
	}
	DL_DELETE(c->head, e);
	entry_free(e);
}

int esxconf_del(struct esxconf *c, const char *key)
{
	struct esxconf_entry *e, *tmp;
	int found = 0;

	DL_FOREACH_SAFE(c->head, e, tmp)
	{
		if (e->key && strcmp(e->key, key) == 0) {
			remove_entry(c, e);
			found = 1;
		}
	}
	return found ? 0 : -ENOENT;
}

size_t esxconf_del_prefix(struct esxconf *c, const char *prefix)
{
	struct esxconf_entry *e, *tmp;
	size_t n = 0, plen = strlen(prefix);

	DL_FOREACH_SAFE(c->head, e, tmp)
	{
		if (e->key && strncmp(e->key, prefix, plen) == 0) {
			remove_entry(c, e);
			n++;
		}
	}
	return n;
}

const struct esxconf_entry *esxconf_next(const struct esxconf *c,
					 const struct esxconf_entry *e,
					 const char *prefix)
{
	size_t plen = strlen(prefix);

	e = e ? e->next : c->head;
	for (; e; e = e->next)
		if (e->key && strncmp(e->key, prefix, plen) == 0)
			return e;
	return NULL;
}

/* Canonical line for a changed entry: key = "value" with \" and \\. */
static size_t canonical_len(const struct esxconf_entry *e)
{
	size_t n = strlen(e->key) + 5;

	for (const char *p = e->value; *p; p++)
		n += (*p == '"' || *p == '\\') ? 2 : 1;
	return n;
}

static char *put_canonical(char *o, const struct esxconf_entry *e)
{
	size_t k = strlen(e->key);

	memcpy(o, e->key, k);
	o += k;
	memcpy(o, " = \"", 4);
	o += 4;
	for (const char *p = e->value; *p; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '"';
	return o;
}

char *esxconf_format(const struct esxconf *c, size_t *len)
{
	const struct esxconf_entry *e;
	size_t n = 0;
	char *buf, *o;

	for (e = c->head; e; e = e->next)
		n += (e->raw ? strlen(e->raw) : canonical_len(e)) + 1;
	buf = malloc(n + 1);
	if (!buf)
		return NULL;
	o = buf;
	for (e = c->head; e; e = e->next) {
		if (e->raw) {
			size_t k = strlen(e->raw);

			memcpy(o, e->raw, k);
			o += k;
		} else {
			o = put_canonical(o, e);
		}
		*o++ = '\n';
	}
	*o = '\0';
	if (len)
		*len = (size_t)(o - buf);
	return buf;
}

/* ---- "child[NNNN]" arrays and formatted keys ---- */

/* The N of "<prefix>child[NNNN]/..." or -1. */
static int child_index(const char *key, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(key, prefix, n) != 0 || strncmp(key + n, "child[", 6))
		return -1;
	v = strtol(key + n + 6, &end, 10);
	if (end == key + n + 6 || *end != ']' || v < 0 || v > 9999)
		return -1;
	return (int)v;
}

size_t esxconf_children(const struct esxconf *conf, const char *prefix,
			int *idx, size_t max)
{
	const struct esxconf_entry *e = NULL;
	size_t n = 0;

	while ((e = esxconf_next(conf, e, prefix))) {
		int k = child_index(e->key, prefix);
		size_t j;

		if (k < 0)
			continue;
		for (j = 0; j < n && idx[j] != k; j++)
			;
		if (j < n || n == max)
			continue;
		/* insert sorted */
		for (j = n; j > 0 && idx[j - 1] > k; j--)
			idx[j] = idx[j - 1];
		idx[j] = k;
		n++;
	}
	return n;
}

int esxconf_child_free(const struct esxconf *conf, const char *prefix)
{
	int idx[ESXCONF_MAX_CHILDREN];
	size_t n = esxconf_children(conf, prefix, idx, ESXCONF_MAX_CHILDREN);
	int k = 0;

	for (size_t i = 0; i < n && idx[i] == k; i++)
		k++;
	return k;
}

int esxconf_child_find(const struct esxconf *conf, const char *prefix,
		       const char *key, const char *value)
{
	int idx[ESXCONF_MAX_CHILDREN];
	size_t n = esxconf_children(conf, prefix, idx, ESXCONF_MAX_CHILDREN);

	for (size_t i = 0; i < n; i++) {
		const char *v =
		    esxconf_getf(conf, "%schild[%04d]/%s", prefix, idx[i], key);

		if (v && strcmp(v, value) == 0)
			return idx[i];
	}
	return -1;
}

const char *esxconf_getf(const struct esxconf *conf, const char *f, ...)
{
	char key[512];
	va_list ap;

	va_start(ap, f);
	vsnprintf(key, sizeof(key), f, ap);
	va_end(ap);
	return esxconf_get(conf, key);
}

int esxconf_setf(struct esxconf *conf, const char *value, const char *f, ...)
{
	char key[512];
	va_list ap;

	va_start(ap, f);
	vsnprintf(key, sizeof(key), f, ap);
	va_end(ap);
	return esxconf_set(conf, key, value);
}
