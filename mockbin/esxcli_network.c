/* esxcli_network.c - `esxcli network` ip interface, nic and firewall (the
 * vswitch namespace is in esxcli_network_vswitch.c). State: esx.conf
 * /net/vmkernelnic/child[N]/..., /net/pnic/child[N]/..., /firewall/...
 * (docs/state-files.md). */
#include "esxcli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VMK "/net/vmkernelnic/"
#define PNIC "/net/pnic/"
#define VSW "/net/vswitch/"

static const char *or_default(const char *v, const char *def)
{
	return v ? v : def;
}

/* The vSwitch holding portgroup pg, or "". */
static const char *portset_of(const struct esxconf *conf, const char *pg)
{
	int sw[ESXCONF_MAX_CHILDREN];
	size_t n = esxconf_children(conf, VSW, sw, ESXCONF_MAX_CHILDREN);
	char prefix[128];

	for (size_t i = 0; pg && i < n; i++) {
		snprintf(prefix, sizeof(prefix), VSW "child[%04d]/portgroup/",
			 sw[i]);
		if (esxconf_child_find(conf, prefix, "name", pg) >= 0)
			return or_default(
			    esxconf_getf(conf, VSW "child[%04d]/name", sw[i]),
			    "");
	}
	return "";
}

/* ---- network ip interface list ------------------------------------ */

static const struct fmt_field ipif_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"MACAddress", "MAC Address", FMT_STRING, NULL, NULL},
    {"Enabled", "Enabled", FMT_BOOL, NULL, NULL},
    {"Portset", "Portset", FMT_STRING, NULL, NULL},
    {"Portgroup", "Portgroup", FMT_STRING, NULL, NULL},
    {"NetstackInstance", "Netstack Instance", FMT_STRING, NULL, NULL},
    {"VDSName", "VDS Name", FMT_STRING, NULL, NULL},
    {"VDSUUID", "VDS UUID", FMT_STRING, NULL, NULL},
    {"VDSPort", "VDS Port", FMT_STRING, NULL, NULL},
    {"VDSConnection", "VDS Connection", FMT_INT, NULL, NULL},
    {"OpaqueNetworkID", "Opaque Network ID", FMT_STRING, NULL, NULL},
    {"OpaqueNetworkType", "Opaque Network Type", FMT_STRING, NULL, NULL},
    {"ExternalID", "External ID", FMT_STRING, NULL, NULL},
    {"MTU", "MTU", FMT_INT, NULL, NULL},
    {"TSOMSS", "TSO MSS", FMT_INT, NULL, NULL},
    {"RXDispQueueSize", "RXDispQueue Size", FMT_INT, NULL, NULL},
    {"PortID", "Port ID", FMT_INT, NULL, NULL},
    {0}};
static const struct fmt_schema ipif_schema = {"NetworkInterface", ipif_fields,
					      "%Name%"};

static int network_ip_interface_list(struct cli_call *c)
{
	int idx[ESXCONF_MAX_CHILDREN];
	struct esxconf conf;
	size_t n;

	if (esxcli_conf(c, &conf))
		return 1;
	fmt_set_list(c->res, &ipif_schema);
	n = esxconf_children(&conf, VMK, idx, ESXCONF_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++) {
		struct fmt_rec *r = fmt_add(c->res);
		int k = idx[i];
		const char *pg =
		    esxconf_getf(&conf, VMK "child[%04d]/portgroup", k);
		const char *dvs =
		    esxconf_getf(&conf, VMK "child[%04d]/dvsName", k);

		fmt_str(
		    r, "Name",
		    or_default(esxconf_getf(&conf, VMK "child[%04d]/name", k),
			       ""));
		fmt_str(r, "MACAddress",
			or_default(
			    esxconf_getf(&conf, VMK "child[%04d]/mac", k), ""));
		fmt_bool(r, "Enabled",
			 esxcli_cbool(
			     esxconf_getf(&conf, VMK "child[%04d]/enable", k),
			     true));
		fmt_str(r, "Portset", dvs ? "" : portset_of(&conf, pg));
		fmt_str(r, "Portgroup", dvs ? "N/A" : or_default(pg, ""));
		fmt_str(r, "NetstackInstance",
			or_default(
			    esxconf_getf(&conf,
					 VMK "child[%04d]/netstackInstance", k),
			    "defaultTcpipStack"));
		fmt_str(r, "VDSName", or_default(dvs, "N/A"));
		fmt_str(r, "VDSUUID",
			or_default(
			    esxconf_getf(&conf, VMK "child[%04d]/dvsUuid", k),
			    "N/A"));
		fmt_str(r, "VDSPort",
			or_default(
			    esxconf_getf(&conf, VMK "child[%04d]/dvsPort", k),
			    "N/A"));
		fmt_int(
		    r, "VDSConnection",
		    esxcli_cint(
			esxconf_getf(&conf, VMK "child[%04d]/dvsConnection", k),
			-1));
		fmt_str(r, "OpaqueNetworkID", "N/A");
		fmt_str(r, "OpaqueNetworkType", "N/A");
		fmt_str(r, "ExternalID", "N/A");
		fmt_int(
		    r, "MTU",
		    esxcli_cint(esxconf_getf(&conf, VMK "child[%04d]/mtu", k),
				1500));
		fmt_int(r, "TSOMSS",
			esxcli_cint(
			    esxconf_getf(&conf, VMK "child[%04d]/tsoMss", k),
			    65535));
		fmt_int(r, "RXDispQueueSize",
			esxcli_cint(
			    esxconf_getf(&conf,
					 VMK "child[%04d]/rxDispQueueSize", k),
			    4));
		fmt_int(r, "PortID",
			esxcli_cint(
			    esxconf_getf(&conf, VMK "child[%04d]/portId", k),
			    33554436 + 2LL * k));
	}
	esxconf_release(&conf);
	return 0;
}

/* ---- network ip interface ipv4 get|set ---------------------------- */

static const struct fmt_field ipv4_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"IPv4Address", "IPv4 Address", FMT_STRING, NULL, NULL},
    {"IPv4Netmask", "IPv4 Netmask", FMT_STRING, NULL, NULL},
    {"IPv4Broadcast", "IPv4 Broadcast", FMT_STRING, NULL, NULL},
    {"AddressType", "Address Type", FMT_STRING, NULL, NULL},
    {"Gateway", "Gateway", FMT_STRING, NULL, NULL},
    {"DHCPDNS", "DHCP DNS", FMT_BOOL, NULL, NULL},
    {0}};
static const struct fmt_schema ipv4_schema = {"IPv4Interface", ipv4_fields,
					      NULL};

static void broadcast_of(const char *addr, const char *mask, char *out,
			 size_t n)
{
	struct in_addr a, m;

	*out = '\0';
	if (!addr || !mask || inet_pton(AF_INET, addr, &a) != 1 ||
	    inet_pton(AF_INET, mask, &m) != 1)
		return;
	a.s_addr = (a.s_addr & m.s_addr) | ~m.s_addr;
	inet_ntop(AF_INET, &a, out, (socklen_t)n);
}

static void ipv4_record(struct fmt_rec *r, const struct esxconf *conf, int k)
{
	const char *addr = esxconf_getf(conf, VMK "child[%04d]/ipv4address", k);
	const char *mask = esxconf_getf(conf, VMK "child[%04d]/ipv4netmask", k);
	bool dhcp =
	    esxcli_cbool(esxconf_getf(conf, VMK "child[%04d]/dhcp", k), false);
	char bcast[INET_ADDRSTRLEN];
	bool none = !dhcp && (!addr || !*addr);

	broadcast_of(addr, mask, bcast, sizeof(bcast));
	fmt_str(r, "Name",
		or_default(esxconf_getf(conf, VMK "child[%04d]/name", k), ""));
	fmt_str(r, "IPv4Address", or_default(addr, ""));
	fmt_str(r, "IPv4Netmask", or_default(mask, ""));
	fmt_str(r, "IPv4Broadcast", bcast);
	fmt_str(r, "AddressType", dhcp ? "DHCP" : none ? "NONE" : "STATIC");
	fmt_str(r, "Gateway",
		or_default(esxconf_getf(conf, VMK "child[%04d]/ipv4gateway", k),
			   ""));
	fmt_bool(r, "DHCPDNS",
		 esxcli_cbool(esxconf_getf(conf, VMK "child[%04d]/dhcpDns", k),
			      false));
}

static int network_ip_interface_ipv4_get(struct cli_call *c)
{
	const char *want = cli_str(c, "interfacename");
	const char *ns = cli_str(c, "netstack");
	int idx[ESXCONF_MAX_CHILDREN];
	struct esxconf conf;
	size_t n;
	bool found = false;

	if (esxcli_conf(c, &conf))
		return 1;
	fmt_set_list(c->res, &ipv4_schema);
	n = esxconf_children(&conf, VMK, idx, ESXCONF_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++) {
		const char *name =
		    esxconf_getf(&conf, VMK "child[%04d]/name", idx[i]);
		const char *nsi = or_default(
		    esxconf_getf(&conf, VMK "child[%04d]/netstackInstance",
				 idx[i]),
		    "defaultTcpipStack");

		if ((want && (!name || strcmp(name, want))) ||
		    (ns && strcmp(ns, nsi)))
			continue;
		found = true;
		ipv4_record(fmt_add(c->res), &conf, idx[i]);
	}
	esxconf_release(&conf);
	if (want && !found)
		return cli_fault(c, "Unable to find vmknic %s", want);
	return 0;
}

static bool is_ipv4(const char *s)
{
	struct in_addr a;

	return s && inet_pton(AF_INET, s, &a) == 1;
}

struct ipv4_set_arg {
	struct cli_call *c;
};

static int ipv4_set_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct ipv4_set_arg *)arg)->c;
	const char *name = cli_str(c, "interfacename");
	const char *type = cli_str(c, "type");
	const char *ip = cli_str(c, "ipv4"), *mask = cli_str(c, "netmask");
	const char *gw = cli_str(c, "gateway");
	int k = esxconf_child_find(conf, VMK, "name", name);
	int r = 0;

	if (k < 0) {
		cli_fault(c, "Unable to find vmknic %s", name);
		return 1;
	}
	if (strcmp(type, "static") == 0) {
		if (!ip || !mask) {
			cli_fault(c, "Error: --ipv4 and --netmask are "
				     "required when the type is static.");
			return 1;
		}
		if (!is_ipv4(ip) || !is_ipv4(mask) || (gw && !is_ipv4(gw))) {
			cli_fault(c, "Error: Invalid IPv4 address: %s",
				  !is_ipv4(ip)     ? ip
				  : !is_ipv4(mask) ? mask
						   : gw);
			return 1;
		}
		r = esxconf_setf(conf, ip, VMK "child[%04d]/ipv4address", k);
		if (!r)
			r = esxconf_setf(conf, mask,
					 VMK "child[%04d]/ipv4netmask", k);
		if (!r)
			r = esxconf_setf(conf, "false", VMK "child[%04d]/dhcp",
					 k);
		if (!r && gw)
			r = esxconf_setf(conf, gw,
					 VMK "child[%04d]/ipv4gateway", k);
	} else if (strcmp(type, "dhcp") == 0) {
		r = esxconf_setf(conf, "true", VMK "child[%04d]/dhcp", k);
	} else {
		r = esxconf_setf(conf, "false", VMK "child[%04d]/dhcp", k);
		if (!r)
			r = esxconf_setf(conf, "",
					 VMK "child[%04d]/ipv4address", k);
		if (!r)
			r = esxconf_setf(conf, "",
					 VMK "child[%04d]/ipv4netmask", k);
	}
	if (!r && cli_given(c, "peerdns"))
		r = esxconf_setf(
		    conf, cli_bool(c, "peerdns", false) ? "true" : "false",
		    VMK "child[%04d]/dhcpDns", k);
	return r;
}

static int network_ip_interface_ipv4_set(struct cli_call *c)
{
	struct ipv4_set_arg a = {c};

	if (esxcli_conf_update(c, ipv4_set_fn, &a))
		return 1;
	return esxcli_done(c);
}

/* ---- network nic list|get ------------------------------------------ */

static const struct fmt_field nic_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"PCIDevice", "PCI Device", FMT_STRING, NULL, NULL},
    {"Driver", "Driver", FMT_STRING, NULL, NULL},
    {"AdminStatus", "Admin Status", FMT_STRING, NULL, NULL},
    {"LinkStatus", "Link Status", FMT_STRING, NULL, NULL},
    {"Speed", "Speed", FMT_INT, NULL, NULL},
    {"Duplex", "Duplex", FMT_STRING, NULL, NULL},
    {"MACAddress", "MAC Address", FMT_STRING, NULL, NULL},
    {"MTU", "MTU", FMT_INT, NULL, NULL},
    {"Description", "Description", FMT_STRING, NULL, NULL},
    {"DPUId", NULL, FMT_STRING, NULL, NULL},
    {"Link", NULL, FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema nic_schema = {"Nic", nic_fields, NULL};

#define PGET(k, key) esxconf_getf(&conf, PNIC "child[%04d]/" key, k)

static int network_nic_list(struct cli_call *c)
{
	int idx[ESXCONF_MAX_CHILDREN];
	struct esxconf conf;
	size_t n;

	if (esxcli_conf(c, &conf))
		return 1;
	fmt_set_list(c->res, &nic_schema);
	n = esxconf_children(&conf, PNIC, idx, ESXCONF_MAX_CHILDREN);
	for (size_t i = 0; i < n; i++) {
		struct fmt_rec *r = fmt_add(c->res);
		int k = idx[i];
		const char *link = or_default(PGET(k, "linkStatus"), "Up");

		fmt_str(r, "Name", or_default(PGET(k, "name"), ""));
		fmt_str(r, "PCIDevice", or_default(PGET(k, "pciDevice"), ""));
		fmt_str(r, "Driver", or_default(PGET(k, "driver"), ""));
		fmt_str(r, "AdminStatus",
			or_default(PGET(k, "adminStatus"), "Up"));
		fmt_str(r, "LinkStatus", link);
		fmt_int(r, "Speed",
			strcmp(link, "Up") == 0
			    ? esxcli_cint(PGET(k, "speed"), 0)
			    : 0);
		fmt_str(r, "Duplex",
			strcmp(link, "Up") == 0
			    ? or_default(PGET(k, "duplex"), "Full")
			    : "Half");
		fmt_str(r, "MACAddress", or_default(PGET(k, "mac"), ""));
		fmt_int(r, "MTU", esxcli_cint(PGET(k, "mtu"), 1500));
		fmt_str(r, "Description",
			or_default(PGET(k, "description"), ""));
		fmt_str(r, "DPUId", or_default(PGET(k, "dpuId"), "N/A"));
		fmt_str(r, "Link", link);
	}
	esxconf_release(&conf);
	return 0;
}

static const struct fmt_field drv_fields[] = {
    {"BusInfo", "Bus Info", FMT_STRING, NULL, NULL},
    {"Driver", "Driver", FMT_STRING, NULL, NULL},
    {"FirmwareVersion", "Firmware Version", FMT_STRING, NULL, NULL},
    {"Version", "Version", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema drv_schema = {"NicDriverInfo", drv_fields, NULL};

static const struct fmt_field nicinfo_fields[] = {
    {"AdvertisedAutoNegotiation", "Advertised Auto Negotiation", FMT_BOOL, NULL,
     NULL},
    {"AdvertisedLinkModes", "Advertised Link Modes", FMT_STRLIST, NULL, NULL},
    {"AutoNegotiation", "Auto Negotiation", FMT_BOOL, NULL, NULL},
    {"CableType", "Cable Type", FMT_STRING, NULL, NULL},
    {"CurrentMessageLevel", "Current Message Level", FMT_INT, NULL, NULL},
    {"DriverInfo", "Driver Info", FMT_STRUCT, NULL, &drv_schema},
    {"LinkDetected", "Link Detected", FMT_BOOL, NULL, NULL},
    {"LinkStatus", "Link Status", FMT_STRING, NULL, NULL},
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"PHYAddress", "PHYAddress", FMT_INT, NULL, NULL},
    {"PauseAutonegotiate", "Pause Autonegotiate", FMT_BOOL, NULL, NULL},
    {"PauseRX", "Pause RX", FMT_BOOL, NULL, NULL},
    {"PauseTX", "Pause TX", FMT_BOOL, NULL, NULL},
    {"SupportedPorts", "Supported Ports", FMT_STRLIST, NULL, NULL},
    {"SupportsAutoNegotiation", "Supports Auto Negotiation", FMT_BOOL, NULL,
     NULL},
    {"SupportsPause", "Supports Pause", FMT_BOOL, NULL, NULL},
    {"SupportsWakeon", "Supports Wakeon", FMT_BOOL, NULL, NULL},
    {"Transceiver", "Transceiver", FMT_STRING, NULL, NULL},
    {"VirtualAddress", "Virtual Address", FMT_STRING, NULL, NULL},
    {"Wakeon", "Wakeon", FMT_STRLIST, NULL, NULL},
    {0}};
static const struct fmt_schema nicinfo_schema = {"NicInfo", nicinfo_fields,
						 NULL};

static int network_nic_get(struct cli_call *c)
{
	const char *name = cli_str(c, "nicname");
	struct esxconf conf;
	struct fmt_rec *r, *d;
	const char *pci;
	char bus[64];
	int k;

	if (esxcli_conf(c, &conf))
		return 1;
	k = esxconf_child_find(&conf, PNIC, "name", name);
	if (k < 0) {
		esxconf_release(&conf);
		return cli_fault(c, "Unable to find NIC %s", name);
	}
	r = fmt_set_struct(c->res, &nicinfo_schema);
	fmt_bool(r, "AdvertisedAutoNegotiation",
		 esxcli_cbool(PGET(k, "autoNegotiation"), true));
	fmt_list_split(r, "AdvertisedLinkModes",
		       or_default(PGET(k, "advertisedLinkModes"), "Auto"));
	fmt_bool(r, "AutoNegotiation",
		 esxcli_cbool(PGET(k, "autoNegotiation"), true));
	fmt_str(r, "CableType", or_default(PGET(k, "cableType"), ""));
	fmt_int(r, "CurrentMessageLevel", 0);
	d = fmt_sub(r, "DriverInfo");
	/* ESXi prints the bus address with ':' before the function */
	pci = or_default(PGET(k, "pciDevice"), "");
	snprintf(bus, sizeof(bus), "%s", pci);
	if (strrchr(bus, '.'))
		*strrchr(bus, '.') = ':';
	fmt_str(d, "BusInfo", bus);
	fmt_str(d, "Driver", or_default(PGET(k, "driver"), ""));
	fmt_str(d, "FirmwareVersion",
		or_default(PGET(k, "firmwareVersion"), ""));
	fmt_str(d, "Version", or_default(PGET(k, "driverVersion"), ""));
	fmt_bool(r, "LinkDetected",
		 strcmp(or_default(PGET(k, "linkStatus"), "Up"), "Up") == 0);
	fmt_str(r, "LinkStatus", or_default(PGET(k, "linkStatus"), "Up"));
	fmt_str(r, "Name", name);
	fmt_int(r, "PHYAddress", 0);
	fmt_bool(r, "PauseAutonegotiate", false);
	fmt_bool(r, "PauseRX", false);
	fmt_bool(r, "PauseTX", false);
	fmt_list_split(r, "SupportedPorts",
		       or_default(PGET(k, "supportedPorts"), "TP"));
	fmt_bool(r, "SupportsAutoNegotiation", true);
	fmt_bool(r, "SupportsPause", true);
	fmt_bool(r, "SupportsWakeon",
		 strcmp(or_default(PGET(k, "wakeon"), "None"), "None") != 0);
	fmt_str(r, "Transceiver", or_default(PGET(k, "transceiver"), ""));
	fmt_str(
	    r, "VirtualAddress",
	    or_default(PGET(k, "virtualMac"), or_default(PGET(k, "mac"), "")));
	fmt_list_split(r, "Wakeon", or_default(PGET(k, "wakeon"), "None"));
	esxconf_release(&conf);
	return 0;
}

/* ---- network firewall ---------------------------------------------- */

static const struct fmt_field fw_fields[] = {
    {"DefaultAction", "Default Action", FMT_STRING, NULL, NULL},
    {"Enabled", "Enabled", FMT_BOOL, NULL, NULL},
    {"Loaded", "Loaded", FMT_BOOL, NULL, NULL},
    {0}};
static const struct fmt_schema fw_schema = {"Firewall", fw_fields, NULL};

static int network_firewall_get(struct cli_call *c)
{
	struct esxconf conf;
	struct fmt_rec *r;

	if (esxcli_conf(c, &conf))
		return 1;
	r = fmt_set_struct(c->res, &fw_schema);
	fmt_str(
	    r, "DefaultAction",
	    or_default(esxconf_get(&conf, "/firewall/defaultAction"), "DROP"));
	fmt_bool(r, "Enabled",
		 esxcli_cbool(esxconf_get(&conf, "/firewall/enabled"), true));
	fmt_bool(r, "Loaded",
		 esxcli_cbool(esxconf_get(&conf, "/firewall/loaded"), true));
	esxconf_release(&conf);
	return 0;
}

struct fw_set_arg {
	struct cli_call *c;
};

static int fw_set_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct fw_set_arg *)arg)->c;
	int r = 0;

	if (cli_given(c, "defaultaction"))
		r = esxconf_set(conf, "/firewall/defaultAction",
				cli_bool(c, "defaultaction", false) ? "PASS"
								    : "DROP");
	if (!r && cli_given(c, "enabled"))
		r = esxconf_set(conf, "/firewall/enabled",
				cli_bool(c, "enabled", true) ? "true"
							     : "false");
	return r;
}

static int network_firewall_set(struct cli_call *c)
{
	struct fw_set_arg a = {c};

	if (esxcli_conf_update(c, fw_set_fn, &a))
		return 1;
	return esxcli_done(c);
}

static const struct fmt_field rs_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"Enabled", "Enabled", FMT_BOOL, NULL, NULL},
    {0}};
static const struct fmt_schema rs_schema = {"Ruleset", rs_fields, NULL};

#define FW_SERVICES "/firewall/services/"

/* The ruleset name of a "/firewall/services/<name>/enabled" key, or 0. */
static size_t ruleset_name(const char *key, const char **name)
{
	const char *s = key + strlen(FW_SERVICES), *slash = strchr(s, '/');

	if (!slash || strcmp(slash, "/enabled") != 0)
		return 0;
	*name = s;
	return (size_t)(slash - s);
}

static int network_firewall_ruleset_list(struct cli_call *c)
{
	const char *want = cli_str(c, "rulesetid");
	const struct esxconf_entry *e = NULL;
	struct esxconf conf;
	bool found = false;

	if (esxcli_conf(c, &conf))
		return 1;
	fmt_set_list(c->res, &rs_schema);
	while ((e = esxconf_next(&conf, e, FW_SERVICES))) {
		const char *name;
		size_t n = ruleset_name(e->key, &name);
		struct fmt_rec *r;

		if (!n || (want &&
			   (strlen(want) != n || strncmp(want, name, n) != 0)))
			continue;
		found = true;
		r = fmt_add(c->res);
		fmt_strf(r, "Name", "%.*s", (int)n, name);
		fmt_bool(r, "Enabled", esxcli_cbool(e->value, false));
	}
	esxconf_release(&conf);
	if (want && !found)
		return cli_fault(c, "Invalid Ruleset Id: %s", want);
	return 0;
}

static int rs_set_fn(struct esxconf *conf, void *arg)
{
	struct cli_call *c = ((struct fw_set_arg *)arg)->c;
	const char *id = cli_str(c, "rulesetid");
	int r = 0;

	if (!esxconf_getf(conf, FW_SERVICES "%s/enabled", id)) {
		cli_fault(c, "Invalid Ruleset Id: %s", id);
		return 1;
	}
	if (cli_given(c, "enabled"))
		r = esxconf_setf(
		    conf, cli_bool(c, "enabled", false) ? "true" : "false",
		    FW_SERVICES "%s/enabled", id);
	if (!r && cli_given(c, "allowedall"))
		r = esxconf_setf(
		    conf, cli_bool(c, "allowedall", false) ? "true" : "false",
		    FW_SERVICES "%s/allowedall", id);
	return r;
}

static int network_firewall_ruleset_set(struct cli_call *c)
{
	struct fw_set_arg a = {c};

	if (esxcli_conf_update(c, rs_set_fn, &a))
		return 1;
	return esxcli_done(c);
}

/* ---- tables --------------------------------------------------------- */

static const struct cli_opt ipv4_get_opts[] = {
    {"interfacename", "-i|--interface-name", CLI_STR, false, false, NULL,
     "The name of the VMkernel network interface."},
    {"netstack", "-N|--netstack", CLI_STR, false, false, NULL,
     "The network stack instance; if unspecified, use the default "
     "netstack instance"},
    {0}};

static const struct cli_opt ipv4_set_opts[] = {
    {"gateway", "-g|--gateway", CLI_STR, false, false, NULL,
     "The IPv4 address of the gateway for this VMkernel network "
     "interface."},
    {"interfacename", "-i|--interface-name", CLI_STR, true, false, NULL,
     "The name of the VMkernel network interface to set IPv4 settings "
     "for. This name must be an interface listed in the interface list "
     "command."},
    {"ipv4", "-I|--ipv4", CLI_STR, false, false, NULL,
     "The static IPv4 address for this interface."},
    {"netmask", "-N|--netmask", CLI_STR, false, false, NULL,
     "The static IPv4 netmask for this interface."},
    {"peerdns", "-P|--peer-dns", CLI_BOOL, false, false, NULL,
     "A boolean value to indicate if the system should use the DNS "
     "settings published via DHCP for this interface."},
    {"type", "-t|--type", CLI_STR, true, false, "dhcp|none|static",
     "IPv4 Address type :\n"
     "    dhcp: Use DHCP to aquire IPv4 setting for this interface.\n"
     "    none: Remove IPv4 settings form this interface.\n"
     "    static: Set Static IPv4 addresss for this interface. Requires "
     "--ipv4 and --netmask options."},
    {0}};

static const struct cli_opt nic_get_opts[] = {
    {"nicname", "-n|--nic-name", CLI_STR, true, false, NULL,
     "The name of the NIC to get information for."},
    {0}};

static const struct cli_opt fw_set_opts[] = {
    {"defaultaction", "-d|--default-action", CLI_BOOL, false, false, NULL,
     "Set to true to set defaultaction PASS, set to false to DROP."},
    {"enabled", "-e|--enabled", CLI_BOOL, false, false, NULL,
     "Set to true to enable the firewall, set to false to disable the "
     "firewall."},
    {0}};

static const struct cli_opt rs_list_opts[] = {
    {"rulesetid", "-r|--ruleset-id", CLI_STR, false, false, NULL,
     "List configuration for specifc ruleset"},
    {0}};

static const struct cli_opt rs_set_opts[] = {
    {"allowedall", "-a|--allowed-all", CLI_BOOL, false, false, NULL,
     "Set to true to allowed all ip, set to false to use allowed ip "
     "list."},
    {"enabled", "-e|--enabled", CLI_BOOL, false, false, NULL,
     "Set to true to enable ruleset, set to false to disable it."},
    {"rulesetid", "-r|--ruleset-id", CLI_STR, true, false, NULL,
     "The label of the ruleset."},
    {0}};

const struct cli_ns esxcli_network_ns[] = {
    {"network",
     "Operations that pertain to the maintenance of networking on an ESX "
     "host. This includes a wide variety of commands to manipulate "
     "virtual networking components (vswitch, portgroup, etc) as well as "
     "local host IP, DNS and general host networking settings."},
    {"network.firewall", "A set of commands for firewall related "
			 "operations"},
    {"network.firewall.ruleset",
     "Commands to list and update firewall rulesets"},
    {"network.ip", "Operations that can be performed on vmknics"},
    {"network.ip.interface",
     "Commands to configure IP interfaces for the VMkernel."},
    {"network.ip.interface.ipv4",
     "Commands to configure IPv4 settings for a given VMkernel network "
     "interface."},
    {"network.nic",
     "Operations having to do with the configuration of Network Interface "
     "Card and getting and updating the NIC settings."},
    {0}};

const struct cli_cmd esxcli_network_cmds[] = {
    {"network.firewall", "get", "Get the firewall status.", NULL,
     network_firewall_get, FMT_LAYOUT_SIMPLE},
    {"network.firewall", "set",
     "Set firewall enabled status and default action.", fw_set_opts,
     network_firewall_set, FMT_LAYOUT_NONE},
    {"network.firewall.ruleset", "list", "List the rulesets in firewall.",
     rs_list_opts, network_firewall_ruleset_list, FMT_LAYOUT_TABLE},
    {"network.firewall.ruleset", "set",
     "Set firewall ruleset status (allowedAll flag and enabled status).",
     rs_set_opts, network_firewall_ruleset_set, FMT_LAYOUT_NONE},
    {"network.ip.interface", "list",
     "List the VMkernel network interfaces currently known to the "
     "system.",
     NULL, network_ip_interface_list, FMT_LAYOUT_SIMPLE},
    {"network.ip.interface.ipv4", "get",
     "Get IPv4 settings for VMkernel network interfaces.", ipv4_get_opts,
     network_ip_interface_ipv4_get, FMT_LAYOUT_TABLE},
    {"network.ip.interface.ipv4", "set",
     "Configure IPv4 setting for a given VMkernel network interface.",
     ipv4_set_opts, network_ip_interface_ipv4_set, FMT_LAYOUT_NONE},
    {"network.nic", "get", "Get the generic configuration of a network device",
     nic_get_opts, network_nic_get, FMT_LAYOUT_SIMPLE},
    {"network.nic", "list",
     "This command will list the Physical NICs currently installed and "
     "loaded on the system.",
     NULL, network_nic_list, FMT_LAYOUT_TABLE},
    {0}};
