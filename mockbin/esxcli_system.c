/* esxcli_system.c - `esxcli system`: version, hostname, uuid,
 * maintenanceMode, settings advanced. State: esx.conf (/system/uuid,
 * /adv/Misc/HostName, /net/dnsConfig/domainName, /adv/...), host.json
 * (version, maintenance mode), advanced-options.json (option catalog). */
#include "esxcli.h"

#include "advopt.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#define HOSTNAME_KEY "/adv/Misc/HostName"
#define DOMAIN_KEY "/net/dnsConfig/domainName"

/* ---- system version get ------------------------------------------- */

static const struct fmt_field version_fields[] = {
    {"Product", "Product", FMT_STRING, NULL, NULL},
    {"Version", "Version", FMT_STRING, NULL, NULL},
    {"Build", "Build", FMT_STRING, NULL, NULL},
    {"Update", "Update", FMT_STRING, NULL, NULL},
    {"Patch", "Patch", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema version_schema = {"VersionGet", version_fields,
						 NULL};

static int system_version_get(struct cli_call *c)
{
	struct json_object *root = NULL;

	if (esxcli_json(c, STATE_HOST, &root))
		return 1;
	fmt_fill_json(fmt_set_struct(c->res, &version_schema),
		      esxcli_jget(root, "version"));
	json_object_put(root);
	return 0;
}

/* ---- system hostname ---------------------------------------------- */

static const struct fmt_field hostname_fields[] = {
    {"DomainName", "Domain Name", FMT_STRING, NULL, NULL},
    {"FullyQualifiedDomainName", "Fully Qualified Domain Name", FMT_STRING,
     NULL, NULL},
    {"HostName", "Host Name", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema hostname_schema = {"FullyQualifiedHostName",
						  hostname_fields, NULL};

static int system_hostname_get(struct cli_call *c)
{
	struct esxconf conf;
	const char *host, *dom;
	struct fmt_rec *r;

	if (esxcli_conf(c, &conf))
		return 1;
	host = esxconf_get(&conf, HOSTNAME_KEY);
	dom = esxconf_get(&conf, DOMAIN_KEY);
	host = host && *host ? host : "localhost";
	dom = dom ? dom : "";
	r = fmt_set_struct(c->res, &hostname_schema);
	fmt_str(r, "DomainName", dom);
	fmt_str(r, "HostName", host);
	if (*dom)
		fmt_strf(r, "FullyQualifiedDomainName", "%s.%s", host, dom);
	else
		fmt_str(r, "FullyQualifiedDomainName", host);
	esxconf_release(&conf);
	return 0;
}

/* Host names: letters, digits and '-' (ESXi's --host help); domains the
 * same plus dots. */
static bool valid_label(const char *s, bool dots)
{
	if (!*s || *s == '-' || *s == '.')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' &&
		    !(dots && *s == '.'))
			return false;
	return true;
}

struct hostname_arg {
	struct cli_call *c;
	const char *host, *domain; /* NULL = keep */
};

static int hostname_set_fn(struct esxconf *conf, void *arg)
{
	struct hostname_arg *a = arg;
	int r = 0;

	if (a->host)
		r = esxconf_set(conf, HOSTNAME_KEY, a->host);
	if (r == 0 && a->domain)
		r = esxconf_set(conf, DOMAIN_KEY, a->domain);
	return r;
}

static int system_hostname_set(struct cli_call *c)
{
	struct hostname_arg a = {c, cli_str(c, "host"), cli_str(c, "domain")};
	const char *fqdn = cli_str(c, "fqdn");
	char host[256];

	if (fqdn && (a.host || a.domain))
		return cli_fault(c, "Error: The --fqdn option is mutually "
				    "exclusive with the --host and --domain "
				    "options.");
	if (!fqdn && !a.host && !a.domain)
		return cli_fault(c, "Error: At least one of --host, --domain "
				    "or --fqdn must be specified.");
	if (fqdn) {
		const char *dot = strchr(fqdn, '.');
		size_t n = dot ? (size_t)(dot - fqdn) : strlen(fqdn);

		if (n >= sizeof(host))
			n = sizeof(host) - 1;
		memcpy(host, fqdn, n);
		host[n] = '\0';
		a.host = host;
		a.domain = dot ? dot + 1 : "";
	}
	if (!valid_label(a.host ? a.host : "x", false))
		return cli_fault(c,
				 "Error: Invalid host name '%s'. It can only "
				 "contain letters, numbers and '-'.",
				 a.host);
	if (a.domain && *a.domain && !valid_label(a.domain, true))
		return cli_fault(c, "Error: Invalid domain name '%s'.",
				 a.domain);
	if (esxcli_conf_update(c, hostname_set_fn, &a))
		return 1;
	return esxcli_done(c);
}

/* ---- system uuid get ---------------------------------------------- */

static int system_uuid_get(struct cli_call *c)
{
	struct esxconf conf;
	const char *u;

	if (esxcli_conf(c, &conf))
		return 1;
	u = esxconf_get(&conf, "/system/uuid");
	fmt_prim_str(c->res, u ? u : "");
	esxconf_release(&conf);
	return 0;
}

/* ---- system maintenanceMode --------------------------------------- */

static int system_maintenancemode_get(struct cli_call *c)
{
	struct json_object *root = NULL, *v;
	bool on;

	if (esxcli_json(c, STATE_HOST, &root))
		return 1;
	v = esxcli_jget(root, "maintenanceMode");
	on = v && json_object_get_boolean(v);
	fmt_prim_str(c->res, on ? "Enabled" : "Disabled");
	json_object_put(root);
	return 0;
}

struct mm_arg {
	struct cli_call *c;
	bool enable;
};

static int mm_set_fn(struct json_object **root, void *arg)
{
	struct mm_arg *a = arg;
	struct json_object *v;

	if (!*root)
		*root = json_object_new_object();
	if (!*root)
		return -ENOMEM;
	if (!json_object_is_type(*root, json_type_object))
		return -EINVAL;
	v = esxcli_jget(*root, "maintenanceMode");
	if (v && json_object_get_boolean(v) == a->enable) {
		cli_fault(a->c, "Maintenance mode is already %s.",
			  a->enable ? "enabled" : "disabled");
		return 1;
	}
	json_object_object_add(*root, "maintenanceMode",
			       json_object_new_boolean(a->enable));
	return 0;
}

static int system_maintenancemode_set(struct cli_call *c)
{
	struct mm_arg a = {c, cli_bool(c, "enable", false)};

	if (esxcli_json_update(c, STATE_HOST, mm_set_fn, &a))
		return 1;
	return esxcli_done(c);
}

/* ---- system settings advanced ------------------------------------- */

static const struct fmt_field adv_fields[] = {
    {"Path", "Path", FMT_STRING, NULL, NULL},
    {"Type", "Type", FMT_STRING, NULL, NULL},
    {"IntValue", "Int Value", FMT_INT, NULL, NULL},
    {"DefaultIntValue", "Default Int Value", FMT_INT, NULL, NULL},
    {"MinValue", "Min Value", FMT_INT, NULL, NULL},
    {"MaxValue", "Max Value", FMT_INT, NULL, NULL},
    {"StringValue", "String Value", FMT_STRING, NULL, NULL},
    {"DefaultStringValue", "Default String Value", FMT_STRING, NULL, NULL},
    {"ValidCharacters", "Valid Characters", FMT_STRING, NULL, NULL},
    {"Description", "Description", FMT_STRING, NULL, NULL},
    {"HostSpecific", "Host Specific", FMT_BOOL, NULL, NULL},
    {"Impact", "Impact", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema adv_schema = {"SettingsAdvancedOption",
					     adv_fields, NULL};

static void adv_record(struct fmt_rec *r, const struct advopt *o)
{
	fmt_str(r, "Path", o->path);
	fmt_str(r, "Type", o->is_int ? "integer" : "string");
	fmt_int(r, "IntValue", o->is_int ? o->ival : 0);
	fmt_int(r, "DefaultIntValue", o->is_int ? o->idef : 0);
	fmt_int(r, "MinValue", o->is_int ? o->min : 0);
	fmt_int(r, "MaxValue", o->is_int ? o->max : 0);
	fmt_str(r, "StringValue", o->is_int ? "" : o->sval);
	fmt_str(r, "DefaultStringValue", o->is_int ? "" : o->sdef);
	fmt_str(r, "ValidCharacters", o->is_int ? "" : o->valid);
	fmt_str(r, "Description", o->desc);
	fmt_bool(r, "HostSpecific", o->host_specific);
	fmt_str(r, "Impact", o->impact);
}

static int adv_load(struct cli_call *c, struct advopt_set *set,
		    const struct esxconf *conf)
{
	struct state_err err = {.msg = ""};

	if (advopt_load(set, conf, &err) < 0)
		return cli_fault(c, "Runtime error: %s", err.msg);
	return 0;
}

/* "/Net" or "Net/" style tree prefixes match whole path components. */
static bool in_tree(const char *path, const char *tree)
{
	size_t n;

	while (*tree == '/')
		tree++;
	n = strlen(tree);
	while (n > 0 && tree[n - 1] == '/')
		n--;
	return n == 0 ||
	       (strncasecmp(path + 1, tree, n) == 0 && path[1 + n] == '/');
}

static int system_settings_advanced_list(struct cli_call *c)
{
	const char *opt = cli_str(c, "option"), *tree = cli_str(c, "tree");
	bool delta = cli_given(c, "delta");
	struct advopt_set set;
	struct esxconf conf;
	int rc = 0;

	if (esxcli_conf(c, &conf))
		return 1;
	if (adv_load(c, &set, &conf)) {
		esxconf_release(&conf);
		return 1;
	}
	fmt_set_list(c->res, &adv_schema);
	if (opt) {
		const struct advopt *o = advopt_find(&set, opt);

		if (!o)
			rc = cli_fault(c, "Unable to find option %s",
				       advopt_leaf(opt));
		else
			adv_record(fmt_add(c->res), o);
	} else {
		for (size_t i = 0; i < set.n; i++) {
			const struct advopt *o = &set.v[i];

			if (o->hidden || (delta && advopt_is_default(o)) ||
			    (tree && !in_tree(o->path, tree)))
				continue;
			adv_record(fmt_add(c->res), o);
		}
	}
	advopt_release(&set);
	esxconf_release(&conf);
	return rc;
}

struct adv_set_arg {
	struct cli_call *c;
};

static int adv_set_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct adv_set_arg *)arg)->c;
	const char *path = cli_str(c, "option");
	const char *iv = cli_str(c, "intvalue"),
		   *sv = cli_str(c, "stringvalue");
	struct advopt_set set;
	struct advopt *o;
	char msg[512];
	int r = 1;

	if (adv_load(c, &set, conf))
		return 1;
	o = advopt_find(&set, path);
	if (!o) {
		cli_fault(c, "Unable to find option %s", advopt_leaf(path));
	} else if (cli_given(c, "default")) {
		advopt_reset(conf, o);
		r = 0;
	} else if (!iv && !sv) {
		cli_fault(c, "Error: No value specified. Use --int-value, "
			     "--string-value or --default.");
	} else if (o->is_int && !iv) {
		cli_fault(c,
			  "Invalid Type: option %s is an integer option, "
			  "use --int-value",
			  o->path);
	} else if (!o->is_int && !sv) {
		cli_fault(c,
			  "Invalid Type: option %s is a string option, use "
			  "--string-value",
			  o->path);
	} else if (advopt_store(conf, o, o->is_int ? iv : sv, msg,
				sizeof(msg)) < 0) {
		cli_fault(c, "%s", msg);
	} else {
		r = 0;
	}
	advopt_release(&set);
	return r;
}

static int system_settings_advanced_set(struct cli_call *c)
{
	struct adv_set_arg a = {c};

	if (esxcli_conf_update(c, adv_set_fn, &a))
		return 1;
	return esxcli_done(c);
}

static int system_settings_advanced_add(struct cli_call *c)
{
	const char *name = cli_str(c, "option"), *type = cli_str(c, "type");
	struct advopt def = {0};
	struct state_err err = {.msg = ""};
	char path[300];
	int r;

	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return cli_fault(c,
					 "Invalid option name '%s'. Valid "
					 "characters: letters, digits and "
					 "underscore.",
					 name);
	snprintf(path, sizeof(path), "/UserVars/%s", name);
	def.path = path;
	def.is_int = strcmp(type, "integer") == 0;
	if (def.is_int) {
		if (!cli_given(c, "intdefault") || !cli_given(c, "min") ||
		    !cli_given(c, "max"))
			return cli_fault(c,
					 "Integer options need --int-default, "
					 "--min and --max.");
		def.idef = cli_long(c, "intdefault", 0);
		def.min = cli_long(c, "min", 0);
		def.max = cli_long(c, "max", 0);
		if (def.min > def.max || def.idef < def.min ||
		    def.idef > def.max)
			return cli_fault(c,
					 "Invalid range: the default must be "
					 "within --min and --max.");
	}
	def.sdef = (char *)cli_str(c, "stringdefault");
	def.desc = (char *)cli_str(c, "description");
	def.impact = (char *)cli_str(c, "impact");
	def.hidden = cli_given(c, "hidden");
	def.host_specific = cli_given(c, "hostspecific");
	r = advopt_add_user(&def, &err);
	if (r == -EEXIST)
		return cli_fault(c, "Option %s already exists.", path);
	if (r < 0)
		return cli_fault(c, "Runtime error: %s", err.msg);
	return esxcli_done(c);
}

static int system_settings_advanced_remove(struct cli_call *c)
{
	struct state_err err = {.msg = ""};
	char path[300];
	int r;

	snprintf(path, sizeof(path), "/UserVars/%s", cli_str(c, "option"));
	r = advopt_remove_user(path, &err);
	if (r == -ENOENT || r == -EPERM)
		return cli_fault(c, "Unable to find user defined option %s",
				 cli_str(c, "option"));
	if (r < 0)
		return cli_fault(c, "Runtime error: %s", err.msg);
	return esxcli_done(c);
}

/* ---- tables --------------------------------------------------------- */

static const struct cli_opt hostname_set_opts[] = {
    {"domain", "-d|--domain", CLI_STR, false, false, NULL,
     "The domain name to set for the ESX host. This option is mutually "
     "exclusive with the --fqdn option."},
    {"fqdn", "-f|--fqdn", CLI_STR, false, false, NULL,
     "Set the fully qualified domain name of the ESX host."},
    {"host", "-H|--host", CLI_STR, false, false, NULL,
     "The host name to set for the ESX host. This name should not contain "
     "the DNS domain name of the host and can only contain letters, "
     "numbers and '-'. NOTE this is not the fully qualified name, that can "
     "be set with the --fqdn option. This option is mutually exclusive "
     "with the --fqdn option."},
    {0}};

static const struct cli_opt mm_set_opts[] = {
    {"enable", "-e|--enable", CLI_BOOL, true, false, NULL,
     "enable maintenance mode"},
    {"timeout", "-t|--timeout", CLI_LONG, false, false, NULL,
     "Time to perform operation in seconds (default 0 seconds)"},
    {"vsanmode", "-m|--vsanmode", CLI_STR, false, false,
     "ensureObjectAccessibility|evacuateAllData|noAction",
     "Action the VSAN service must take before the host can enter "
     "maintenance mode (default ensureObjectAccessibility). Allowed "
     "values are:\n"
     "    ensureObjectAccessibility: Evacuate data from the disk to ensure "
     "object accessibility in the vSAN cluster, before entering "
     "maintenance mode.\n"
     "    evacuateAllData: Evacuate all data from the disk before entering "
     "maintenance mode.\n"
     "    noAction: Do not move vSAN data out of the disk before entering "
     "maintenance mode."},
    {0}};

static const struct cli_opt adv_list_opts[] = {
    {"delta", "-d|--delta", CLI_FLAG, false, false, NULL,
     "Only display options whose values differ from their default."},
    {"option", "-o|--option", CLI_STR, false, false, NULL,
     "Only get the information for a single VMkernel advanced option."},
    {"tree", "-t|--tree", CLI_STR, false, false, NULL,
     "Limit the list of advanced option to a specific sub tree."},
    {0}};

static const struct cli_opt adv_set_opts[] = {
    {"default", "-d|--default", CLI_FLAG, false, false, NULL,
     "Reset the option to its default value."},
    {"intvalue", "-i|--int-value", CLI_LONG, false, false, NULL,
     "If the option is an integer value use this option."},
    {"option", "-o|--option", CLI_STR, true, false, NULL,
     "The name of the option to set the value of. Example: "
     "\"/Misc/HostName\""},
    {"stringvalue", "-s|--string-value", CLI_STR, false, false, NULL,
     "If the option is a string use this option."},
    {0}};

static const struct cli_opt adv_add_opts[] = {
    {"description", "-d|--description", CLI_STR, false, false, NULL,
     "Description of the new option."},
    {"hidden", "-H|--hidden", CLI_FLAG, false, false, NULL,
     "Whether the option is hidden."},
    {"hostspecific", "-O|--host-specific", CLI_FLAG, false, false, NULL,
     "This indicates that the value of this option is always unique to a "
     "host."},
    {"impact", "-I|--impact", CLI_STR, false, false, "maintenance-mode|reboot",
     "This specifies the impact on the host when the value of the option "
     "is modified: \n"
     "    maintenance-mode: This indicates that the host must be in "
     "maintenance mode before the option value is modified.\n"
     "    reboot: This indicates that the host must be rebooted for the "
     "option value to take effect."},
    {"intdefault", "-i|--int-default", CLI_LONG, false, false, NULL,
     "The default value of the new option (integer option only, "
     "required)."},
    {"max", "-M|--max", CLI_LONG, false, false, NULL,
     "The maximum allowed value (integer option only, required)."},
    {"min", "-m|--min", CLI_LONG, false, false, NULL,
     "The minimum allowed value (integer option only, required)."},
    {"option", "-o|--option", CLI_STR, true, false, NULL,
     "The name of the new option. Valid characters: letters, digits and "
     "underscore."},
    {"stringdefault", "-s|--string-default", CLI_STR, false, false, NULL,
     "The default value of the new option (string option only). An empty "
     "string is assumed if not specified."},
    {"type", "-t|--type", CLI_STR, true, false, "integer|string",
     "The type of the new option. Supported values: \n"
     "    integer: Advanced option with integer value.\n"
     "    string: Advanced option with string value."},
    {0}};

static const struct cli_opt adv_remove_opts[] = {
    {"option", "-o|--option", CLI_STR, true, false, NULL,
     "The name of the option to remove (without the /UserVars/ prefix as "
     "it is implied)."},
    {0}};

const struct cli_ns esxcli_system_ns[] = {
    {"system", "VMKernel system properties and commands for configuring "
	       "properties of the kernel core system and related system "
	       "services."},
    {"system.hostname",
     "Operations pertaining the network name of the ESX host."},
    {"system.maintenanceMode",
     "System wide commands for controlling maintenance mode."},
    {"system.settings", "Configure system settings."},
    {"system.settings.advanced",
     "The advanced settings are a set of VMkernel options that specific "
     "configuration settings to be modified. These options are typically "
     "in place for specific workarounds or debugging."},
    {"system.uuid", "Get the system UUID."},
    {"system.version", "Commands to get version information."},
    {0}};

const struct cli_cmd esxcli_system_cmds[] = {
    {"system.hostname", "get",
     "Get the host, domain or fully qualified name of the ESX host.", NULL,
     system_hostname_get, FMT_LAYOUT_SIMPLE},
    {"system.hostname", "set",
     "This command allows the user to set the hostname, domain name or "
     "fully qualified domain name of the ESX host.",
     hostname_set_opts, system_hostname_set, FMT_LAYOUT_NONE},
    {"system.maintenanceMode", "get",
     "Get the maintenance mode state of the system.", NULL,
     system_maintenancemode_get, FMT_LAYOUT_SIMPLE},
    {"system.maintenanceMode", "set",
     "Enable or disable the maintenance mode of the system.", mm_set_opts,
     system_maintenancemode_set, FMT_LAYOUT_NONE},
    {"system.settings.advanced", "add",
     "Add a user defined advanced option to the /UserVars/ advanced "
     "option tree.",
     adv_add_opts, system_settings_advanced_add, FMT_LAYOUT_NONE},
    {"system.settings.advanced", "list",
     "List the advanced options available from the VMkernel.", adv_list_opts,
     system_settings_advanced_list, FMT_LAYOUT_SIMPLE},
    {"system.settings.advanced", "remove",
     "Remove a user defined advanced option from the /UserVars/ advanced "
     "option tree.",
     adv_remove_opts, system_settings_advanced_remove, FMT_LAYOUT_NONE},
    {"system.settings.advanced", "set", "Set the value of an advanced option.",
     adv_set_opts, system_settings_advanced_set, FMT_LAYOUT_NONE},
    {"system.uuid", "get", "Get the system UUID.", NULL, system_uuid_get,
     FMT_LAYOUT_SIMPLE},
    {"system.version", "get",
     "Display the product name, version and build information.", NULL,
     system_version_get, FMT_LAYOUT_SIMPLE},
    {0}};
