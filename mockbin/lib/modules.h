/* modules.h - the VMkernel module state of the mock host.
 * Owns: the state file STATE_MODULES (JSON, schema in docs/state-files.md)
 * and every read or change of it. Users: vmkload_mod, and esxcli/localcli
 * `system module list|get|load|set|parameters` (they never parse the file).
 *
 * Model: a module is known when it has a record in the state file or a
 * module file /usr/lib/vmware/vmkmod/<name> in the tree (a file without a
 * record gets default fields on first use). "loaded" is the running-kernel
 * state (vmkload_mod -l, esxcli "Is Loaded"); "enabled" is the boot-time
 * setting (esxcli system module set -e). Records keep the file's order.
 *
 * Locking: every mutating call takes the state file's exclusive lock for its
 * whole read-modify-write (esx_state_*), so concurrent programs lose nothing.
 * All functions return 0 or a negative errno:
 *   -ENOENT  no such module (no record and no module file)
 *   -EEXIST  mod_load: already loaded
 *   -EALREADY mod_unload: not loaded
 *   -EBUSY   mod_unload: use count > 0 and not forced
 *   -EBADMSG the state file is not valid JSON / not the expected schema
 *            (mod_error() then names the file and the JSON pointer)
 *   -ENOMEM, or any errno of the file operations.
 */
#ifndef ESXMOCK_MODULES_H
#define ESXMOCK_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "state.h"

/* ESXi paths (resolved under esx_root()). */
#define MOD_DIR "/usr/lib/vmware/vmkmod"

/* One parameter a module accepts (vmkload_mod -s, esxcli system module
 * parameters list). */
struct mod_param {
	char *name;
	char *type; /* "int", "uint", "charp", "bool", "array of int"... */
	char *description;
};

/* One module record. Strings are never NULL (empty when unknown). */
struct mod_info {
	char *name;
	bool loaded;
	bool enabled;
	unsigned int id;        /* module id while loaded (vmkload_mod) */
	unsigned int use_count; /* "Used" of vmkload_mod -l */
	unsigned int size_kb;   /* "Size (kb)" of vmkload_mod -l */
	char *file;             /* "/usr/lib/vmware/vmkmod/<name>" */
	char *version;    /* e.g. "Version 1.0.0.0, Build: 21224876, ..." */
	char *license;    /* "VMware", "GPLv2", "BSD"... */
	char *build_type; /* "release" */
	char *vib;        /* containing VIB name */
	char *acceptance; /* VIB acceptance level: "certified"... */
	char *options;    /* parameter string given at load / set, "" */
	char **provides;  /* provided namespaces, n_provides entries */
	size_t n_provides;
	char **requires; /* required namespaces */
	size_t n_requires;
	struct mod_param *params;
	size_t n_params;
};

struct mod_list {
	struct mod_info *v;
	size_t n;
};

/* Reads every record (modules with only a module file in MOD_DIR and no
 * record are appended, not loaded, enabled, with default fields).
 * Caller frees with mod_list_free(). A missing state file = empty list. */
int mod_list_read(struct mod_list *out);
void mod_list_free(struct mod_list *l);

/* Borrowed pointer into l, or NULL. */
const struct mod_info *mod_list_find(const struct mod_list *l,
				     const char *name);

/* Reads one module (record or module file); caller frees with
 * mod_info_free(). */
int mod_get(const char *name, struct mod_info *out);
void mod_info_free(struct mod_info *m);

/* Loads a module: needs a record or a module file; -EEXIST when loaded
 * (unless force, which then only updates options). options may be NULL
 * (keep the stored string) or the "k=v k2=v2" string given at load time.
 * Assigns the next free id and a non-zero size. */
int mod_load(const char *name, const char *options, bool force);

/* Unloads a loaded module; -EBUSY if its use count is non-zero unless
 * force. */
int mod_unload(const char *name, bool force);

/* esxcli system module set -e: the boot-time enabled flag. */
int mod_set_enabled(const char *name, bool enabled);

/* esxcli system module parameters set -p: replaces the option string
 * (append=true appends with one space, as `-a`). */
int mod_set_options(const char *name, const char *options, bool append);

/* Text of the last error of this process, e.g. "module 'foo' not found" or
 * "'/var/lib/esxmock/modules.json': /modules/3/name: expected a string";
 * "" when none. */
const char *mod_error(void);

#endif
