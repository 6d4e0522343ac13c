/* esxcli_util.c - what the esxcli namespace files share: the list of all
 * command tables, state access with ESXi-style fault reporting, and the
 * esx.conf "child[NNNN]" arrays. */
#include "esxcli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

const struct cli_cmd *const esxcli_all_cmds[] = {
    esxcli_esxcli_cmds,   esxcli_hardware_cmds,
    esxcli_network_cmds,  esxcli_vswitch_cmds,
    esxcli_software_cmds, esxcli_storage_cmds,
    esxcli_system_cmds,   esxcli_module_cmds,
    esxcli_vm_cmds,       NULL};
const struct cli_ns *const esxcli_all_ns[] = {
    esxcli_esxcli_ns,   esxcli_hardware_ns,
    esxcli_network_ns,  esxcli_vswitch_ns,
    esxcli_software_ns, esxcli_storage_ns,
    esxcli_system_ns,   esxcli_module_ns,
    esxcli_vm_ns,       NULL};

int esxcli_conf(struct cli_call *c, struct esxconf *conf)
{
	struct state_err err = {.msg = ""};

	if (state_conf_load(conf, &err) < 0)
		return cli_fault(c, "Runtime error: %s", err.msg);
	return 0;
}

int esxcli_conf_update(struct cli_call *c, state_conf_fn *fn, void *arg)
{
	struct state_err err = {.msg = ""};
	int r = state_conf_update(fn, arg, &err);

	if (r > 0)
		return 1;
	if (r < 0) {
		if (!*err.msg)
			snprintf(err.msg, sizeof(err.msg), "'%s': %s",
				 STATE_ESXCONF, strerror(-r));
		return cli_fault(c, "Runtime error: %s", err.msg);
	}
	return 0;
}

int esxcli_json(struct cli_call *c, const char *path, struct json_object **root)
{
	struct state_err err = {.msg = ""};
	int r = state_json_read(path, root, &err);

	if (r < 0 && r != -ENOENT) /* a missing file lists nothing */
		return cli_fault(c, "Runtime error: %s", err.msg);
	return 0;
}

int esxcli_json_update(struct cli_call *c, const char *path, state_json_fn *fn,
		       void *arg)
{
	struct state_err err = {.msg = ""};
	int r = state_json_update(path, fn, arg, &err);

	if (r > 0)
		return 1;
	if (r < 0) {
		if (!*err.msg)
			snprintf(err.msg, sizeof(err.msg), "'%s': %s", path,
				 strerror(-r));
		return cli_fault(c, "Runtime error: %s", err.msg);
	}
	return 0;
}

struct json_object *esxcli_jget(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, key, &v))
		return v;
	return NULL;
}

const char *esxcli_jstr(struct json_object *o, const char *key, const char *def)
{
	struct json_object *v = esxcli_jget(o, key);
	const char *s = v ? json_object_get_string(v) : NULL;

	return s ? s : def;
}

int esxcli_done(struct cli_call *c)
{
	fmt_prim_bool(c->res, true);
	return 0;
}

bool esxcli_cbool(const char *v, bool def)
{
	bool b;

	return v && cli_parse_bool(v, &b) == 0 ? b : def;
}

long long esxcli_cint(const char *v, long long def)
{
	char *end;
	long long r;

	if (!v || !*v)
		return def;
	errno = 0;
	r = strtoll(v, &end, 10);
	return *end || errno ? def : r;
}
