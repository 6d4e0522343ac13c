/* esxcli_network_vswitch.c - `esxcli network vswitch standard`: list, add,
 * remove, set, uplink add|remove, portgroup list|add|remove|set. State:
 * esx.conf /net/vswitch/child[N]/{name,numPorts,mtu,cdpStatus,...},
 * .../uplinks/child[M]/pnic and .../portgroup/child[M]/{name,vlanId}; the
 * vmknics of /net/vmkernelnic/ count as a portgroup's active clients. */
#include "esxcli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VSW "/net/vswitch/"
#define VMK "/net/vmkernelnic/"
#define PNIC "/net/pnic/"
#define VSW_MAX_PORTS "6400" /* ESXi 7/8 elastic portset size */

static const char *or_default(const char *v, const char *def)
{
	return v ? v : def;
}

/* vmknics attached to portgroup pg. */
static int active_clients(const struct esxconf *conf, const char *pg)
{
	int idx[ESXCONF_MAX_CHILDREN], n = 0;
	size_t k = esxconf_children(conf, VMK, idx, ESXCONF_MAX_CHILDREN);

	for (size_t i = 0; i < k; i++) {
		const char *p =
		    esxconf_getf(conf, VMK "child[%04d]/portgroup", idx[i]);

		if (p && strcmp(p, pg) == 0 &&
		    !esxconf_getf(conf, VMK "child[%04d]/dvsName", idx[i]))
			n++;
	}
	return n;
}

/* ---- list ------------------------------------------------------------ */

static const struct fmt_field vsw_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"Class", "Class", FMT_STRING, NULL, NULL},
    {"NumPorts", "Num Ports", FMT_INT, NULL, NULL},
    {"UsedPorts", "Used Ports", FMT_INT, NULL, NULL},
    {"ConfiguredPorts", "Configured Ports", FMT_INT, NULL, NULL},
    {"MTU", "MTU", FMT_INT, NULL, NULL},
    {"CDPStatus", "CDP Status", FMT_STRING, NULL, NULL},
    {"BeaconEnabled", "Beacon Enabled", FMT_BOOL, NULL, NULL},
    {"BeaconInterval", "Beacon Interval", FMT_INT, NULL, NULL},
    {"BeaconThreshold", "Beacon Threshold", FMT_INT, NULL, NULL},
    {"BeaconRequiredBy", "Beacon Required By", FMT_STRLIST, NULL, NULL},
    {"Uplinks", "Uplinks", FMT_STRLIST, NULL, NULL},
    {"Portgroups", "Portgroups", FMT_STRLIST, NULL, NULL},
    {0}};
static const struct fmt_schema vsw_schema = {"VirtualSwitch", vsw_fields,
					     "%Name%"};

static void vsw_record(struct fmt_rec *r, const struct esxconf *conf, int k)
{
	int sub[ESXCONF_MAX_CHILDREN];
	char prefix[128];
	size_t n;
	int used = 2;

	fmt_str(r, "Name",
		or_default(esxconf_getf(conf, VSW "child[%04d]/name", k), ""));
	fmt_str(r, "Class", "cswitch");
	fmt_int(r, "NumPorts",
		esxcli_cint(esxconf_getf(conf, VSW "child[%04d]/maxPorts", k),
			    atoi(VSW_MAX_PORTS)));
	fmt_int(r, "ConfiguredPorts",
		esxcli_cint(esxconf_getf(conf, VSW "child[%04d]/numPorts", k),
			    128));
	fmt_int(
	    r, "MTU",
	    esxcli_cint(esxconf_getf(conf, VSW "child[%04d]/mtu", k), 1500));
	fmt_str(r, "CDPStatus",
		or_default(esxconf_getf(conf, VSW "child[%04d]/cdpStatus", k),
			   "listen"));
	fmt_bool(r, "BeaconEnabled",
		 esxcli_cbool(
		     esxconf_getf(conf, VSW "child[%04d]/beacon/enabled", k),
		     false));
	fmt_int(
	    r, "BeaconInterval",
	    esxcli_cint(
		esxconf_getf(conf, VSW "child[%04d]/beacon/interval", k), 1));
	fmt_int(
	    r, "BeaconThreshold",
	    esxcli_cint(
		esxconf_getf(conf, VSW "child[%04d]/beacon/threshold", k), 3));
	fmt_list_split(r, "BeaconRequiredBy", "");
	fmt_list_split(r, "Uplinks", "");
	snprintf(prefix, sizeof(prefix), VSW "child[%04d]/uplinks/", k);
	n = esxconf_children(conf, prefix, sub, ESXCONF_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++) {
		const char *u =
		    esxconf_getf(conf, "%schild[%04d]/pnic", prefix, sub[i]);

		if (u) {
			fmt_list_add(r, "Uplinks", u);
			used++;
		}
	}
	fmt_list_split(r, "Portgroups", "");
	snprintf(prefix, sizeof(prefix), VSW "child[%04d]/portgroup/", k);
	n = esxconf_children(conf, prefix, sub, ESXCONF_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++) {
		const char *pg =
		    esxconf_getf(conf, "%schild[%04d]/name", prefix, sub[i]);

		if (pg) {
			fmt_list_add(r, "Portgroups", pg);
			used += active_clients(conf, pg);
		}
	}
	fmt_int(r, "UsedPorts", used);
}

static int network_vswitch_standard_list(struct cli_call *c)
{
	const char *want = cli_str(c, "vswitchname");
	int idx[ESXCONF_MAX_CHILDREN];
	struct esxconf conf;
	size_t n;

	if (esxcli_conf(c, &conf))
		return 1;
	fmt_set_list(c->res, &vsw_schema);
	n = esxconf_children(&conf, VSW, idx, ESXCONF_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++) {
		const char *name =
		    esxconf_getf(&conf, VSW "child[%04d]/name", idx[i]);

		if (want && (!name || strcmp(name, want)))
			continue;
		vsw_record(fmt_add(c->res), &conf, idx[i]);
	}
	esxconf_release(&conf);
	return 0;
}

/* ---- add / remove / set ------------------------------------------------ */

struct vsw_arg {
	struct cli_call *c;
};

static int vsw_find(const struct esxconf *conf, const char *name)
{
	return esxconf_child_find(conf, VSW, "name", name);
}

/* As vsw_find(), printing the fault when there is no such vSwitch. */
static int vsw_find_or_fault(struct cli_call *c, const struct esxconf *conf,
			     const char *name)
{
	int k = vsw_find(conf, name);

	if (k < 0)
		cli_fault(c, "Unable to find vswitch %s", name);
	return k;
}

static int vsw_add_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct vsw_arg *)arg)->c;
	const char *name = cli_str(c, "vswitchname");
	char ports[32];
	int k, r;

	if (strlen(name) > 31) {
		cli_fault(c,
			  "Error: Invalid vSwitch name %s: it must be "
			  "shorter than 32 characters.",
			  name);
		return 1;
	}
	if (vsw_find(conf, name) >= 0) {
		cli_fault(c, "A portset with this name already exists.");
		return 1;
	}
	k = esxconf_child_free(conf, VSW);
	snprintf(ports, sizeof(ports), "%lld", cli_long(c, "ports", 128));
	r = esxconf_setf(conf, name, VSW "child[%04d]/name", k);
	if (!r)
		r = esxconf_setf(conf, ports, VSW "child[%04d]/numPorts", k);
	if (!r)
		r = esxconf_setf(conf, "1500", VSW "child[%04d]/mtu", k);
	if (!r)
		r = esxconf_setf(conf, "listen", VSW "child[%04d]/cdpStatus",
				 k);
	return r;
}

static int network_vswitch_standard_add(struct cli_call *c)
{
	struct vsw_arg a = {c};

	if (esxcli_conf_update(c, vsw_add_fn, &a))
		return 1;
	return esxcli_done(c);
}

static int vsw_remove_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct vsw_arg *)arg)->c;
	const char *name = cli_str(c, "vswitchname");
	int sub[ESXCONF_MAX_CHILDREN];
	char prefix[128];
	int k = vsw_find_or_fault(c, conf, name);
	size_t n;

	if (k < 0)
		return 1;
	snprintf(prefix, sizeof(prefix), VSW "child[%04d]/portgroup/", k);
	n = esxconf_children(conf, prefix, sub, ESXCONF_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++) {
		const char *pg =
		    esxconf_getf(conf, "%schild[%04d]/name", prefix, sub[i]);

		if (pg && active_clients(conf, pg) > 0) {
			cli_fault(c, "The resource '%s' is in use.", name);
			return 1;
		}
	}
	snprintf(prefix, sizeof(prefix), VSW "child[%04d]/", k);
	esxconf_del_prefix(conf, prefix);
	return 0;
}

static int network_vswitch_standard_remove(struct cli_call *c)
{
	struct vsw_arg a = {c};

	if (esxcli_conf_update(c, vsw_remove_fn, &a))
		return 1;
	return esxcli_done(c);
}

static int vsw_set_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct vsw_arg *)arg)->c;
	const char *name = cli_str(c, "vswitchname");
	int k = vsw_find_or_fault(c, conf, name), r = 0;

	if (k < 0)
		return 1;
	if (cli_given(c, "mtu")) {
		long long mtu = cli_long(c, "mtu", 1500);
		char v[32];

		if (mtu < 1280 || mtu > 9000) {
			cli_fault(c,
				  "Invalid MTU %lld: the MTU must be "
				  "between 1280 and 9000.",
				  mtu);
			return 1;
		}
		snprintf(v, sizeof(v), "%lld", mtu);
		r = esxconf_setf(conf, v, VSW "child[%04d]/mtu", k);
	}
	if (!r && cli_given(c, "cdpstatus"))
		r = esxconf_setf(conf, cli_str(c, "cdpstatus"),
				 VSW "child[%04d]/cdpStatus", k);
	return r;
}

static int network_vswitch_standard_set(struct cli_call *c)
{
	struct vsw_arg a = {c};

	if (esxcli_conf_update(c, vsw_set_fn, &a))
		return 1;
	return esxcli_done(c);
}

/* ---- uplink add / remove ---------------------------------------------- */

/* The vSwitch index owning pnic u, or -1. */
static int uplink_owner(const struct esxconf *conf, const char *u)
{
	int idx[ESXCONF_MAX_CHILDREN];
	size_t n = esxconf_children(conf, VSW, idx, ESXCONF_MAX_CHILDREN);
	char prefix[128];

	for (size_t i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), VSW "child[%04d]/uplinks/",
			 idx[i]);
		if (esxconf_child_find(conf, prefix, "pnic", u) >= 0)
			return idx[i];
	}
	return -1;
}

static int uplink_add_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct vsw_arg *)arg)->c;
	const char *name = cli_str(c, "vswitchname");
	const char *u = cli_str(c, "uplinkname");
	int k = vsw_find_or_fault(c, conf, name), owner;
	char prefix[128];

	if (k < 0)
		return 1;
	if (esxconf_child_find(conf, PNIC, "name", u) < 0) {
		cli_fault(c, "Unable to find physical nic %s", u);
		return 1;
	}
	owner = uplink_owner(conf, u);
	if (owner == k) {
		cli_fault(c, "Uplink already exists: %s", u);
		return 1;
	}
	if (owner >= 0) {
		cli_fault(
		    c,
		    "Unable to add uplink %s to vswitch %s: it is "
		    "already used by vswitch %s",
		    u, name,
		    or_default(
			esxconf_getf(conf, VSW "child[%04d]/name", owner), ""));
		return 1;
	}
	snprintf(prefix, sizeof(prefix), VSW "child[%04d]/uplinks/", k);
	return esxconf_setf(conf, u, "%schild[%04d]/pnic", prefix,
			    esxconf_child_free(conf, prefix));
}

static int network_vswitch_standard_uplink_add(struct cli_call *c)
{
	struct vsw_arg a = {c};

	if (esxcli_conf_update(c, uplink_add_fn, &a))
		return 1;
	return esxcli_done(c);
}

static int uplink_remove_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct vsw_arg *)arg)->c;
	const char *name = cli_str(c, "vswitchname");
	const char *u = cli_str(c, "uplinkname");
	int k = vsw_find_or_fault(c, conf, name), j;
	char prefix[160];

	if (k < 0)
		return 1;
	snprintf(prefix, sizeof(prefix), VSW "child[%04d]/uplinks/", k);
	j = esxconf_child_find(conf, prefix, "pnic", u);
	if (j < 0) {
		cli_fault(c, "Unable to find uplink %s on vswitch %s", u, name);
		return 1;
	}
	snprintf(prefix, sizeof(prefix), VSW "child[%04d]/uplinks/child[%04d]/",
		 k, j);
	esxconf_del_prefix(conf, prefix);
	return 0;
}

static int network_vswitch_standard_uplink_remove(struct cli_call *c)
{
	struct vsw_arg a = {c};

	if (esxcli_conf_update(c, uplink_remove_fn, &a))
		return 1;
	return esxcli_done(c);
}

/* ---- portgroup ---------------------------------------------------------- */

static const struct fmt_field pg_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"VirtualSwitch", "Virtual Switch", FMT_STRING, NULL, NULL},
    {"ActiveClients", "Active Clients", FMT_INT, NULL, NULL},
    {"VLANID", "VLAN ID", FMT_INT, NULL, NULL},
    {0}};
static const struct fmt_schema pg_schema = {"PortGroup", pg_fields, NULL};

static int network_vswitch_standard_portgroup_list(struct cli_call *c)
{
	int idx[ESXCONF_MAX_CHILDREN], sub[ESXCONF_MAX_CHILDREN];
	struct esxconf conf;
	char prefix[128];
	size_t n, m;

	if (esxcli_conf(c, &conf))
		return 1;
	fmt_set_list(c->res, &pg_schema);
	n = esxconf_children(&conf, VSW, idx, ESXCONF_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++) {
		const char *sw =
		    esxconf_getf(&conf, VSW "child[%04d]/name", idx[i]);

		snprintf(prefix, sizeof(prefix), VSW "child[%04d]/portgroup/",
			 idx[i]);
		m = esxconf_children(&conf, prefix, sub, ESXCONF_MAX_CHILDREN);
		for (size_t j = 0; j < m; j++) {
			const char *pg = esxconf_getf(
			    &conf, "%schild[%04d]/name", prefix, sub[j]);
			struct fmt_rec *r;

			if (!pg)
				continue;
			r = fmt_add(c->res);
			fmt_str(r, "Name", pg);
			fmt_str(r, "VirtualSwitch", or_default(sw, ""));
			fmt_int(r, "ActiveClients", active_clients(&conf, pg));
			fmt_int(r, "VLANID",
				esxcli_cint(esxconf_getf(&conf,
							 "%schild[%04d]/vlanId",
							 prefix, sub[j]),
					    0));
		}
	}
	esxconf_release(&conf);
	return 0;
}

/* Finds portgroup pg on any vSwitch: its "<...>/portgroup/child[N]/"
 * prefix in out. Returns the vSwitch index or -1. */
static int pg_find(const struct esxconf *conf, const char *pg, char *out,
		   size_t n)
{
	int idx[ESXCONF_MAX_CHILDREN];
	size_t k = esxconf_children(conf, VSW, idx, ESXCONF_MAX_CHILDREN);
	char prefix[128];

	for (size_t i = 0; i < k; i++) {
		int j;

		snprintf(prefix, sizeof(prefix), VSW "child[%04d]/portgroup/",
			 idx[i]);
		j = esxconf_child_find(conf, prefix, "name", pg);
		if (j >= 0) {
			snprintf(out, n, "%schild[%04d]/", prefix, j);
			return idx[i];
		}
	}
	return -1;
}

static int pg_add_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct vsw_arg *)arg)->c;
	const char *pg = cli_str(c, "portgroupname");
	const char *name = cli_str(c, "vswitchname");
	int k = vsw_find_or_fault(c, conf, name), j, r;
	char prefix[160];

	if (k < 0)
		return 1;
	if (pg_find(conf, pg, prefix, sizeof(prefix)) >= 0) {
		cli_fault(c, "A portgroup with the name %s already exists", pg);
		return 1;
	}
	snprintf(prefix, sizeof(prefix), VSW "child[%04d]/portgroup/", k);
	j = esxconf_child_free(conf, prefix);
	r = esxconf_setf(conf, pg, "%schild[%04d]/name", prefix, j);
	if (!r)
		r = esxconf_setf(conf, "0", "%schild[%04d]/vlanId", prefix, j);
	return r;
}

static int network_vswitch_standard_portgroup_add(struct cli_call *c)
{
	struct vsw_arg a = {c};

	if (esxcli_conf_update(c, pg_add_fn, &a))
		return 1;
	return esxcli_done(c);
}

static int pg_remove_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct vsw_arg *)arg)->c;
	const char *pg = cli_str(c, "portgroupname");
	const char *name = cli_str(c, "vswitchname");
	int k = vsw_find_or_fault(c, conf, name);
	char prefix[160];

	if (k < 0)
		return 1;
	if (pg_find(conf, pg, prefix, sizeof(prefix)) != k) {
		cli_fault(c, "Unable to find portgroup %s on vswitch %s", pg,
			  name);
		return 1;
	}
	if (active_clients(conf, pg) > 0) {
		cli_fault(c, "The resource '%s' is in use.", pg);
		return 1;
	}
	esxconf_del_prefix(conf, prefix);
	return 0;
}

static int network_vswitch_standard_portgroup_remove(struct cli_call *c)
{
	struct vsw_arg a = {c};

	if (esxcli_conf_update(c, pg_remove_fn, &a))
		return 1;
	return esxcli_done(c);
}

static int pg_set_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct vsw_arg *)arg)->c;
	const char *pg = cli_str(c, "portgroupname");
	char prefix[160], v[32];
	long long vlan;

	if (pg_find(conf, pg, prefix, sizeof(prefix)) < 0) {
		cli_fault(c, "Unable to find portgroup %s", pg);
		return 1;
	}
	if (!cli_given(c, "vlanid"))
		return 0;
	vlan = cli_long(c, "vlanid", 0);
	if (vlan < 0 || vlan > 4095) {
		cli_fault(c,
			  "Invalid vlan id %lld: the vlan id must be in the "
			  "range (0 - 4095)",
			  vlan);
		return 1;
	}
	snprintf(v, sizeof(v), "%lld", vlan);
	return esxconf_setf(conf, v, "%svlanId", prefix);
}

static int network_vswitch_standard_portgroup_set(struct cli_call *c)
{
	struct vsw_arg a = {c};

	if (esxcli_conf_update(c, pg_set_fn, &a))
		return 1;
	return esxcli_done(c);
}

/* ---- tables ------------------------------------------------------------ */

static const struct cli_opt list_opts[] = {
    {"vswitchname", "-v|--vswitch-name", CLI_STR, false, false, NULL,
     "Limit the output of this command to only the vSwitch with the "
     "given name."},
    {0}};

static const struct cli_opt add_opts[] = {
    {"ports", "-P|--ports", CLI_LONG, false, false, NULL,
     "The number of ports this virtual switch will have."},
    {"vswitchname", "-v|--vswitch-name", CLI_STR, true, false, NULL,
     "The name of the virtual switch to create."},
    {0}};

static const struct cli_opt remove_opts[] = {
    {"vswitchname", "-v|--vswitch-name", CLI_STR, true, false, NULL,
     "The name of the virtual switch to remove."},
    {0}};

static const struct cli_opt set_opts[] = {
    {"cdpstatus", "-c|--cdp-status", CLI_STR, false, false,
     "down|listen|advertise|both",
     "The CDP status of the given virtual switch. It can be 'down', "
     "'listen', 'advertise' or 'both'"},
    {"mtu", "-m|--mtu", CLI_LONG, false, false, NULL,
     "The MTU size of the given virtual switch."},
    {"vswitchname", "-v|--vswitch-name", CLI_STR, true, false, NULL,
     "The name of virtual switch to apply the configurations."},
    {0}};

static const struct cli_opt uplink_opts[] = {
    {"uplinkname", "-u|--uplink-name", CLI_STR, true, false, NULL,
     "The name of the uplink to add or remove on the virtual switch."},
    {"vswitchname", "-v|--vswitch-name", CLI_STR, true, false, NULL,
     "The name of the virtual switch."},
    {0}};

static const struct cli_opt pg_opts[] = {
    {"portgroupname", "-p|--portgroup-name", CLI_STR, true, false, NULL,
     "The name of the port group."},
    {"vswitchname", "-v|--vswitch-name", CLI_STR, true, false, NULL,
     "The virtual switch of the port group."},
    {0}};

static const struct cli_opt pg_set_opts[] = {
    {"portgroupname", "-p|--portgroup-name", CLI_STR, true, false, NULL,
     "The name of the port group to set vlan id for."},
    {"vlanid", "-v|--vlan-id", CLI_LONG, false, false, NULL,
     "The vlan id for this port group. This value is in the range (0 - "
     "4095)"},
    {0}};

const struct cli_ns esxcli_vswitch_ns[] = {
    {"network.vswitch",
     "Commands to list and manipulate Virtual Switches on an ESX host."},
    {"network.vswitch.standard",
     "Commands to list and manipulate Legacy Virtual Switches on an ESX "
     "host."},
    {"network.vswitch.standard.portgroup",
     "Commands to list and manipulate Port Groups on an ESX host."},
    {"network.vswitch.standard.uplink",
     "Commands to add and remove uplinks from a virtual switch."},
    {0}};

const struct cli_cmd esxcli_vswitch_cmds[] = {
    {"network.vswitch.standard", "add",
     "Add a new virtual switch to the ESX networking system.", add_opts,
     network_vswitch_standard_add, FMT_LAYOUT_NONE},
    {"network.vswitch.standard", "list",
     "List the virtual switches current on the ESX host.", list_opts,
     network_vswitch_standard_list, FMT_LAYOUT_SIMPLE},
    {"network.vswitch.standard", "remove",
     "Remove a virtual switch from the ESX networking system.", remove_opts,
     network_vswitch_standard_remove, FMT_LAYOUT_NONE},
    {"network.vswitch.standard", "set",
     "This command sets the MTU size and CDP status of a given virtual "
     "switch.",
     set_opts, network_vswitch_standard_set, FMT_LAYOUT_NONE},
    {"network.vswitch.standard.portgroup", "add",
     "Allows the addition of a standard port group to a virtual switch.",
     pg_opts, network_vswitch_standard_portgroup_add, FMT_LAYOUT_NONE},
    {"network.vswitch.standard.portgroup", "list",
     "List all of the port groups currently on the system.", NULL,
     network_vswitch_standard_portgroup_list, FMT_LAYOUT_TABLE},
    {"network.vswitch.standard.portgroup", "remove",
     "Remove a port group from the given virtual switch", pg_opts,
     network_vswitch_standard_portgroup_remove, FMT_LAYOUT_NONE},
    {"network.vswitch.standard.portgroup", "set",
     "Set the vlan id for the given port group", pg_set_opts,
     network_vswitch_standard_portgroup_set, FMT_LAYOUT_NONE},
    {"network.vswitch.standard.uplink", "add",
     "Add an uplink to the given virtual switch.", uplink_opts,
     network_vswitch_standard_uplink_add, FMT_LAYOUT_NONE},
    {"network.vswitch.standard.uplink", "remove",
     "Remove an uplink from the given virtual switch.", uplink_opts,
     network_vswitch_standard_uplink_remove, FMT_LAYOUT_NONE},
    {0}};
