/* state.h - the state files of every mock CLI: esx.conf and JSON files.
 * Owns: parsing with located errors, the read-only snapshot and the locked
 * read-modify-write on top of esxroot.h (flock + atomic replace), the
 * pretty output (json-c's, and Python's json.dumps for configstorecli),
 * and the list of state file paths (docs/state-files.md describes each).
 *
 * Readers never lock: writers replace files by rename, so a reader sees
 * either the old or the new content. Writers hold an exclusive flock on the
 * file for the whole read-modify-write cycle, so concurrent writers never
 * lose each other's changes. When a change touches two files, lock them in
 * the order they are listed below.
 */
#ifndef ESXMOCK_STATE_H
#define ESXMOCK_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "esxconf.h"
#include "esxroot.h"

#define STATE_ADVOPTS "/var/lib/esxmock/advanced-options.json"
#define STATE_ESXCONF "/etc/vmware/esx.conf"
#define STATE_HOST "/var/lib/esxmock/host.json"
#define STATE_STORAGE "/var/lib/esxmock/storage.json"
#define STATE_VIBS "/var/lib/esxmock/vibs.json"
#define STATE_PCI "/var/lib/esxmock/pci.json"
#define STATE_VMS "/var/lib/esxmock/vms.json"
#define STATE_MODULES "/var/lib/esxmock/modules.json"
#define STATE_VSI "/var/lib/esxmock/vsi.json"
#define STATE_CONFIGSTORE "/var/lib/esxmock/configstore.json"
#define STATE_VSIP "/var/lib/esxmock/vsip.json"

/* What went wrong, for messages. msg is complete: "'<path>': <what>", for a
 * JSON syntax error "'<path>': line L, column C: invalid JSON: <reason>".
 * A syntax error also fills line, column (1-based) and reason, so a caller
 * can word its own message; they are 0 / "" otherwise. */
struct state_err {
	char msg[512];
	int line, column;
	char reason[96];
};

/* ---- JSON ---- */

/* Parses len bytes of strict JSON (what Python's json accepts, one value,
 * whitespace around it) named 'name' in errors. -EBADMSG on a syntax error
 * (blank text included). The caller puts *root with json_object_put(). */
int state_json_parse(const char *name, const char *text, size_t len,
		     json_object **root, struct state_err *err);

/* Reads and parses a JSON file (ESXi path; relative paths are host paths)
 * without locking. A missing file is -ENOENT with err set; a blank file
 * gives 0 with *root NULL (a document not written yet). */
int state_json_read(const char *esxpath, json_object **root,
		    struct state_err *err);

/* A JSON state file under its exclusive lock, parsed; root is NULL when the
 * file was missing or blank. The caller may replace root. */
struct state_doc {
	struct esx_state st;
	json_object *root;
	char name[256]; /* the ESXi path, for messages */
};

int state_json_lock(struct state_doc *d, const char *esxpath,
		    struct state_err *err);
/* Writes d->root (json-c pretty: 2-space indent, "key": value, '/' not
 * escaped, a final newline) and unlocks; frees root either way. */
int state_json_commit(struct state_doc *d, struct state_err *err);
/* Unlocks without writing; frees root. Safe after state_json_commit(). */
void state_json_release(struct state_doc *d);

/* The same cycle through a callback: fn edits *root (NULL when the file is
 * missing or blank; it may replace it) and returns 0 to write it back, a
 * positive value to leave the file unchanged (that value is returned), or
 * a negative errno (nothing written, returned as is, err left empty). */
typedef int state_json_fn(json_object **root, void *arg);
int state_json_update(const char *esxpath, state_json_fn *fn, void *arg,
		      struct state_err *err);

/* Serialises like Python's json.dumps(o, indent=indent) (separators
 * ", " / ": ", ensure_ascii: non-ASCII as \uXXXX, key order kept).
 * indent < 0 means the compact single-line form. Caller frees; ends the
 * process when out of memory. */
char *state_json_dump_py(json_object *o, int indent);

/* Checked getters for the schema walkers: the member 'key' of object o
 * with the wanted type, else dflt (absent, another type, o not an object). */
const char *state_json_str(json_object *o, const char *key, const char *dflt);
long long state_json_int(json_object *o, const char *key, long long dflt);
bool state_json_bool(json_object *o, const char *key, bool dflt);
/* Array member 'key' of a JSON object, or NULL when absent/not an array. */
json_object *state_json_array(json_object *o, const char *key);

/* ---- esx.conf ---- */

/* Reads and parses esx.conf (ESXi path STATE_ESXCONF under the root).
 * A missing file is an empty configuration. 0 or a negative errno. */
int state_conf_load(struct esxconf *c, struct state_err *err);

/* Locked update of esx.conf: fn edits c; return values as for
 * state_json_update(). */
typedef int state_conf_fn(struct esxconf *c, void *arg);
int state_conf_update(state_conf_fn *fn, void *arg, struct state_err *err);

#endif
