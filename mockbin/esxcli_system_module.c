/* esxcli_system_module.c - `esxcli system module`: list, get, load, set,
 * parameters list|set. All state goes through the module API (modules.h,
 * /var/lib/esxmock/modules.json), shared with vmkload_mod. */
#include "esxcli.h"

#include "modules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct fmt_field module_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"IsLoaded", "Is Loaded", FMT_BOOL, NULL, NULL},
    {"IsEnabled", "Is Enabled", FMT_BOOL, NULL, NULL},
    {0}};
static const struct fmt_schema module_schema = {"Module", module_fields, NULL};

static const struct fmt_field modinfo_fields[] = {
    {"Module", "Module", FMT_STRING, NULL, NULL},
    {"ModuleFile", "Module File", FMT_STRING, NULL, NULL},
    {"License", "License", FMT_STRING, NULL, NULL},
    {"Version", "Version", FMT_STRING, NULL, NULL},
    {"BuildType", "Build Type", FMT_STRING, NULL, NULL},
    {"ProvidedNamespaces", "Provided Namespaces", FMT_STRLIST, NULL, NULL},
    {"RequiredNamespaces", "Required Namespaces", FMT_STRLIST, NULL, NULL},
    {"ContainingVIB", "Containing VIB", FMT_STRING, NULL, NULL},
    {"VIBAcceptanceLevel", "VIB Acceptance Level", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema modinfo_schema = {"ModuleInfo", modinfo_fields,
						 NULL};

static const struct fmt_field param_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"Type", "Type", FMT_STRING, NULL, NULL},
    {"Value", "Value", FMT_STRING, NULL, NULL},
    {"Description", "Description", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema param_schema = {"Parameter", param_fields, NULL};

/* Prints the module API's failure; returns 1. */
static int mod_fault(struct cli_call *c, const char *name, int r)
{
	if (r == -ENOENT)
		return cli_fault(c, "Unable to find module %s", name);
	return cli_fault(c, "Runtime error: %s",
			 *mod_error() ? mod_error() : strerror(-r));
}

static int system_module_list(struct cli_call *c)
{
	struct mod_list l;
	bool fe = cli_given(c, "enabled"), fl = cli_given(c, "loaded");
	bool ve = cli_bool(c, "enabled", true),
	     vl = cli_bool(c, "loaded", true);
	int r = mod_list_read(&l);

	if (r < 0)
		return mod_fault(c, "", r);
	fmt_set_list(c->res, &module_schema);
	for (size_t i = 0; i < l.n; i++) {
		const struct mod_info *m = &l.v[i];
		struct fmt_rec *rec;

		if ((fe && m->enabled != ve) || (fl && m->loaded != vl))
			continue;
		rec = fmt_add(c->res);
		fmt_str(rec, "Name", m->name);
		fmt_bool(rec, "IsLoaded", m->loaded);
		fmt_bool(rec, "IsEnabled", m->enabled);
	}
	mod_list_free(&l);
	return 0;
}

static int system_module_get(struct cli_call *c)
{
	const char *name = cli_str(c, "module");
	struct mod_info m;
	struct fmt_rec *rec;
	int r = mod_get(name, &m);

	if (r < 0)
		return mod_fault(c, name, r);
	rec = fmt_set_struct(c->res, &modinfo_schema);
	fmt_str(rec, "Module", m.name);
	fmt_str(rec, "ModuleFile", m.file);
	fmt_str(rec, "License", m.license);
	fmt_str(rec, "Version", m.version);
	fmt_str(rec, "BuildType", m.build_type);
	fmt_list_split(rec, "ProvidedNamespaces", "");
	for (size_t i = 0; i < m.n_provides; i++)
		fmt_list_add(rec, "ProvidedNamespaces", m.provides[i]);
	fmt_list_split(rec, "RequiredNamespaces", "");
	for (size_t i = 0; i < m.n_requires; i++)
		fmt_list_add(rec, "RequiredNamespaces", m.requires[i]);
	fmt_str(rec, "ContainingVIB", m.vib);
	fmt_str(rec, "VIBAcceptanceLevel", m.acceptance);
	mod_info_free(&m);
	return 0;
}

static int system_module_load(struct cli_call *c)
{
	const char *name = cli_str(c, "module");
	int r = mod_load(name, NULL, cli_given(c, "force"));

	if (r == -ENOENT)
		return cli_fault(c, "Unable to load module %s/%s: Not found",
				 MOD_DIR, name);
	if (r == -EEXIST)
		return cli_fault(c, "Unable to load module %s/%s: Busy",
				 MOD_DIR, name);
	if (r < 0)
		return mod_fault(c, name, r);
	return esxcli_done(c);
}

static int system_module_set(struct cli_call *c)
{
	const char *name = cli_str(c, "module");
	int r = mod_set_enabled(name, cli_bool(c, "enabled", true));

	if (r < 0)
		return mod_fault(c, name, r);
	return esxcli_done(c);
}

/* The value of parameter 'name' in an option string "a=1 b=2", or "". */
static char *param_value(const char *opts, const char *name)
{
	size_t n = strlen(name);
	const char *p = opts;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=')
			return strndup(p + n + 1, strcspn(p + n + 1, " "));
		p = strchr(p, ' ');
	}
	return strdup("");
}

static int system_module_parameters_list(struct cli_call *c)
{
	const char *name = cli_str(c, "module");
	struct mod_info m;
	int r = mod_get(name, &m);

	if (r < 0)
		return mod_fault(c, name, r);
	fmt_set_list(c->res, &param_schema);
	for (size_t i = 0; i < m.n_params; i++) {
		struct fmt_rec *rec = fmt_add(c->res);
		char *v = param_value(m.options, m.params[i].name);

		fmt_str(rec, "Name", m.params[i].name);
		fmt_str(rec, "Type", m.params[i].type);
		fmt_str(rec, "Value", v ? v : "");
		fmt_str(rec, "Description", m.params[i].description);
		free(v);
	}
	mod_info_free(&m);
	return 0;
}

static int system_module_parameters_set(struct cli_call *c)
{
	const char *name = cli_str(c, "module");
	int r = mod_set_options(name, cli_str(c, "parameterstring"),
				cli_given(c, "append"));

	if (r < 0)
		return mod_fault(c, name, r);
	return esxcli_done(c);
}

static const struct cli_opt list_opts[] = {
    {"enabled", "-e|--enabled", CLI_BOOL, false, false, NULL,
     "List the enabled / disabled VMkernel modules."},
    {"loaded", "-l|--loaded", CLI_BOOL, false, false, NULL,
     "List the loaded / not loaded VMkernel modules."},
    {0}};

static const struct cli_opt module_opt[] = {
    {"module", "-m|--module", CLI_STR, true, false, NULL,
     "The name of the VMkernel module."},
    {0}};

static const struct cli_opt load_opts[] = {
    {"force", "-f|--force", CLI_FLAG, false, false, NULL,
     "Ignore the enabled/disabled state of this module and force it to "
     "load."},
    {"module", "-m|--module", CLI_STR, true, false, NULL,
     "The name of the VMkernel module to load."},
    {0}};

static const struct cli_opt set_opts[] = {
    {"enabled", "-e|--enabled", CLI_BOOL, true, false, NULL,
     "Set to true to enable the module, set to false to disable the "
     "module."},
    {"force", "-f|--force", CLI_FLAG, false, false, NULL,
     "Skip VMkernel module validity checks and set options for a module "
     "(or alias) with the given name."},
    {"module", "-m|--module", CLI_STR, true, false, NULL,
     "The name of the VMkernel module to set options for."},
    {0}};

static const struct cli_opt params_set_opts[] = {
    {"append", "-a|--append", CLI_FLAG, false, false, NULL,
     "Append the specified parameter string to the existing parameter "
     "string."},
    {"force", "-f|--force", CLI_FLAG, false, false, NULL,
     "Skip VMkernel module validity checks and set parameters for a "
     "module (or alias) with the given name."},
    {"module", "-m|--module", CLI_STR, true, false, NULL,
     "The name of the VMkernel module to set parameters for."},
    {"parameterstring", "-p|--parameter-string", CLI_STR, true, false, NULL,
     "The string containing the parameters for this module."},
    {0}};

const struct cli_ns esxcli_module_ns[] = {
    {"system.module",
     "Operations pertaining to the VMkernel modules (drivers, etc.)"},
    {"system.module.parameters", "Operations on VMkernel module parameters."},
    {0}};

const struct cli_cmd esxcli_module_cmds[] = {
    {"system.module", "get", "Show information for a VMkernel module.",
     module_opt, system_module_get, FMT_LAYOUT_SIMPLE},
    {"system.module", "list",
     "List the VMkernel modules that the system knows about.", list_opts,
     system_module_list, FMT_LAYOUT_TABLE},
    {"system.module", "load", "Load a VMkernel module with the given name.",
     load_opts, system_module_load, FMT_LAYOUT_NONE},
    {"system.module", "set",
     "Allow enabling and disabling of a VMkernel module.", set_opts,
     system_module_set, FMT_LAYOUT_NONE},
    {"system.module.parameters", "list",
     "List the parameters for a VMkernel module.", module_opt,
     system_module_parameters_list, FMT_LAYOUT_TABLE},
    {"system.module.parameters", "set",
     "Set the load parameters for a VMkernel module.", params_set_opts,
     system_module_parameters_set, FMT_LAYOUT_NONE},
    {0}};
