/* state.h - the mock CLIs' state files: esx.conf and small JSON files.
 * Owns: the read-only snapshot and locked read-modify-write helpers on top
 * of esxroot.h (flock + atomic replace), and the list of state file paths
 * (docs/state-files.md describes each one).
 *
 * Readers never lock: writers replace files by rename, so a reader sees
 * either the old or the new content. Writers hold an exclusive flock on the
 * file for the whole read-modify-write cycle, so concurrent writers never
 * lose each other's changes. When a change touches two files, lock them in
 * the order they are listed below.
 */
#ifndef ESXMOCK_STATE_H
#define ESXMOCK_STATE_H

#include "esxconf.h"

struct json_object;

#define STATE_ADVOPTS "/var/lib/esxmock/advanced-options.json"
#define STATE_ESXCONF "/etc/vmware/esx.conf"
#define STATE_HOST "/var/lib/esxmock/host.json"
#define STATE_STORAGE "/var/lib/esxmock/storage.json"
#define STATE_VIBS "/var/lib/esxmock/vibs.json"
#define STATE_PCI "/var/lib/esxmock/pci.json"
#define STATE_VMS "/var/lib/esxmock/vms.json"

/* Where a state file error happened, for messages: "<path>: <what>". */
struct state_err {
	char msg[512];
};

/* Reads and parses esx.conf (ESXi path STATE_ESXCONF under the root).
 * A missing file is an empty configuration. 0 or a negative errno. */
int state_conf_load(struct esxconf *c, struct state_err *err);

/* Locked update of esx.conf: fn edits c and returns 0 to write it back,
 * a positive value to leave the file unchanged (that value is returned),
 * or a negative errno (nothing written, returned as is). */
typedef int state_conf_fn(struct esxconf *c, void *arg);
int state_conf_update(state_conf_fn *fn, void *arg, struct state_err *err);

/* Reads a JSON state file. A missing file gives *out = NULL and 0; a file
 * that is not JSON gives -EINVAL with the parser's message and position in
 * err. The caller puts *out with json_object_put(). */
int state_json_load(const char *esxpath, struct json_object **out,
		    struct state_err *err);

/* Locked update of a JSON state file: *root is the parsed content (NULL
 * when the file is missing or empty); fn may replace it. Return values as
 * for state_conf_update(). Written back pretty-printed. */
typedef int state_json_fn(struct json_object **root, void *arg);
int state_json_update(const char *esxpath, state_json_fn *fn, void *arg,
		      struct state_err *err);

/* Array member 'key' of a JSON object, or NULL when absent/not an array. */
struct json_object *state_json_array(struct json_object *obj, const char *key);

#endif
