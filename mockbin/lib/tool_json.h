/* tool_json.h - JSON state files of the mock tools (vsish, configstorecli,
 * vds-vsipioctl, kernel modules): parsing with located errors, locked
 * read-modify-write, and Python-compatible pretty output.
 * json-c objects returned here belong to the caller (json_object_put).
 */
#ifndef ESXMOCK_TOOL_JSON_H
#define ESXMOCK_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "esxroot.h"

/* Room for one error message ("'FILE': line L, column C: problem"). */
#define TJ_ERR_MAX 512

/* Parses text (len bytes) named 'name' in errors. On a syntax error returns
 * -EBADMSG with err = "'NAME': line L, column C: <reason>". */
int tj_parse(const char *name, const char *text, size_t len, json_object **root,
	     char *err, size_t errlen);

/* Reads and parses the ESXi path without locking (writers replace files
 * atomically, so a reader sees one whole version). -ENOENT if missing; an
 * empty (or blank) file gives 0 with *root NULL, as tj_lock() does. */
int tj_read(const char *esxpath, json_object **root, char *err, size_t errlen);

/* A state file under its exclusive lock, parsed. root is NULL when the
 * file was missing or empty. */
struct tj_doc {
	struct esx_state st;
	json_object *root;
	char name[256]; /* the ESXi path, for messages */
};

int tj_lock(struct tj_doc *d, const char *esxpath, char *err, size_t errlen);
/* Writes d->root (pretty, 2-space indent, '/' unescaped) and unlocks. */
int tj_commit(struct tj_doc *d);
/* Unlocks without writing; frees root. Safe after tj_commit. */
void tj_release(struct tj_doc *d);

/* Serialises like Python's json.dumps(o, indent=indent) (separators
 * ", " / ": ", ensure_ascii: non-ASCII as \uXXXX, key order kept).
 * indent < 0 means the compact single-line form. Caller frees. */
char *tj_dump_py(json_object *o, int indent);

/* Checked getters for the schema walkers: the member 'key' of object o
 * with the wanted type, or NULL (absent or another type). */
const char *tj_str(json_object *o, const char *key, const char *dflt);
long long tj_int(json_object *o, const char *key, long long dflt);
bool tj_bool(json_object *o, const char *key, bool dflt);

#endif
