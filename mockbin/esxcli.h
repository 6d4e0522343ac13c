/* esxcli.h - the command tables of the mock esxcli/localcli, one pair per
 * top-level namespace file, and helpers the handlers share.
 * Owns: nothing at run time; the tables are constant data (cli.h rows).
 */
#ifndef ESXMOCK_ESXCLI_H
#define ESXMOCK_ESXCLI_H

#include "cli.h"
#include "esxconf.h"
#include "state.h"

struct json_object;

extern const struct cli_cmd esxcli_esxcli_cmds[];
extern const struct cli_ns esxcli_esxcli_ns[];
extern const struct cli_cmd esxcli_hardware_cmds[];
extern const struct cli_ns esxcli_hardware_ns[];
extern const struct cli_cmd esxcli_network_cmds[];
extern const struct cli_ns esxcli_network_ns[];
extern const struct cli_cmd esxcli_vswitch_cmds[];
extern const struct cli_ns esxcli_vswitch_ns[];
extern const struct cli_cmd esxcli_software_cmds[];
extern const struct cli_ns esxcli_software_ns[];
extern const struct cli_cmd esxcli_storage_cmds[];
extern const struct cli_ns esxcli_storage_ns[];
extern const struct cli_cmd esxcli_system_cmds[];
extern const struct cli_ns esxcli_system_ns[];
extern const struct cli_cmd esxcli_module_cmds[];
extern const struct cli_ns esxcli_module_ns[];
extern const struct cli_cmd esxcli_vm_cmds[];
extern const struct cli_ns esxcli_vm_ns[];

/* Every table, NULL-terminated, for cli_prog_init(). */
extern const struct cli_cmd *const esxcli_all_cmds[];
extern const struct cli_ns *const esxcli_all_ns[];

/* Loads esx.conf; on failure prints the error as a command fault and
 * returns 1 (the handler's exit status), else 0. */
int esxcli_conf(struct cli_call *c, struct esxconf *conf);

/* Locked esx.conf update through fn (state_conf_update). A negative errno
 * from fn or the write is printed as a fault naming esx.conf; a positive
 * value from fn means fn printed its own fault. Returns 0 or 1. */
int esxcli_conf_update(struct cli_call *c, state_conf_fn *fn, void *arg);

/* Loads a JSON state file; *root may be NULL (missing file). Returns 0, or
 * 1 after printing the error. */
int esxcli_json(struct cli_call *c, const char *path,
		struct json_object **root);

/* Locked JSON update, error handling as esxcli_conf_update(). */
int esxcli_json_update(struct cli_call *c, const char *path, state_json_fn *fn,
		       void *arg);

/* A member of a JSON object, or NULL. */
struct json_object *esxcli_jget(struct json_object *o, const char *key);

/* A member of a JSON object as text (numbers and booleans converted), or
 * def when missing or null. */
const char *esxcli_jstr(struct json_object *o, const char *key,
			const char *def);

/* Result of a mutating command: ESXi's set/add/remove methods return the
 * boolean true, which only the machine formatters show. */
int esxcli_done(struct cli_call *c);

/* Boolean / integer esx.conf values with a default. */
bool esxcli_cbool(const char *v, bool def);
long long esxcli_cint(const char *v, long long def);

#endif
