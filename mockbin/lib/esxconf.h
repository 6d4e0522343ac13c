/* esxconf.h - ESXi's /etc/vmware/esx.conf format: `key = "value"` lines.
 * Owns: struct esxconf, an ordered list of lines with a key index.
 *
 * Parsing keeps every line: well-formed settings become entries with a key
 * and a value, anything else (blank lines, comments, junk) is kept verbatim
 * as a keyless entry so that writing the file back loses nothing. An entry
 * nobody changed is written back byte for byte; a changed or new entry is
 * written in ESXi's canonical form `key = "value"`.
 *
 * Values: inside double quotes, `\"` and `\\` are escapes (the installer
 * reads the file with shell-like quoting); an unquoted value is taken as
 * the trimmed rest of the line. When a key appears several times, the last
 * occurrence wins for esxconf_get() and esxconf_set() updates that one.
 */
#ifndef ESXMOCK_ESXCONF_H
#define ESXMOCK_ESXCONF_H

#include <stdbool.h>
#include <stddef.h>

/* FNV-1a: unlike uthash's default (Jenkins) it has no switch fall-through,
 * which clang's -Wimplicit-fallthrough rejects in our sources. */
#define HASH_FUNCTION(keyptr, keylen, hashv) HASH_FNV(keyptr, keylen, hashv)
#include <uthash.h>

struct esxconf_entry {
	char *key;   /* NULL for a kept-verbatim line */
	char *value; /* NULL for a kept-verbatim line */
	char *raw;   /* original line without '\n', NULL once modified */
	struct esxconf_entry *prev, *next; /* file order (utlist) */
	UT_hash_handle hh;                 /* key index (keyed entries) */
};

struct esxconf {
	struct esxconf_entry *head;  /* file order */
	struct esxconf_entry *index; /* uthash head: last entry per key */
	size_t nkeys;                /* distinct keys */
	size_t njunk;                /* lines that were not settings */
	int first_junk_line;         /* 1-based line of the first one, or 0 */
};

/* Lines that are blank or start with '#' are not counted as junk. */
void esxconf_init(struct esxconf *c);
void esxconf_release(struct esxconf *c);

/* Parses text (need not be NUL-terminated) into an initialised, empty c.
 * Never fails on content; returns 0 or -ENOMEM. */
int esxconf_parse(struct esxconf *c, const char *text, size_t len);

/* The value of key, or NULL. Borrowed until the next change of c. */
const char *esxconf_get(const struct esxconf *c, const char *key);

/* Sets key to value, in place if the key exists, else appended at the end
 * (or after the last key sharing the longest '/'-prefix, so related keys
 * stay together). Returns 0 or -ENOMEM / -EINVAL (empty key, or a key or
 * value holding a newline). */
int esxconf_set(struct esxconf *c, const char *key, const char *value);

/* Removes every occurrence of key: 0, or -ENOENT when absent. */
int esxconf_del(struct esxconf *c, const char *key);

/* Removes every key starting with prefix; returns how many lines went. */
size_t esxconf_del_prefix(struct esxconf *c, const char *prefix);

/* Iterates over keyed entries in file order whose key starts with prefix
 * ("" for all): start with e = NULL, returns NULL at the end. */
const struct esxconf_entry *esxconf_next(const struct esxconf *c,
					 const struct esxconf_entry *e,
					 const char *prefix);

/* The file text: a malloc'd NUL-terminated buffer (caller frees), or NULL
 * on allocation failure. Every line ends with '\n'. */
char *esxconf_format(const struct esxconf *c, size_t *len);

/* Most children of one array the helpers below look at. */
#define ESXCONF_MAX_CHILDREN 4096

/* esx.conf arrays of ESXi's form "<prefix>child[NNNN]/...":
 * the indices present, ascending (at most max), and the first free one. */
size_t esxconf_children(const struct esxconf *conf, const char *prefix,
			int *idx, size_t max);
int esxconf_child_free(const struct esxconf *conf, const char *prefix);
/* The index of the child whose "<prefix>child[N]/<key>" equals value
 * (case-sensitive), or -1. */
int esxconf_child_find(const struct esxconf *conf, const char *prefix,
		       const char *key, const char *value);
/* esxconf_get/set with a printf-formatted key. */
const char *esxconf_getf(const struct esxconf *conf, const char *f, ...)
    __attribute__((format(printf, 2, 3)));
int esxconf_setf(struct esxconf *conf, const char *value, const char *f, ...)
    __attribute__((format(printf, 3, 4)));

#endif
