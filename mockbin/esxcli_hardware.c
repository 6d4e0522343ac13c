/* esxcli_hardware.c - `esxcli hardware`: platform get, cpu global get,
 * memory get, pci list. State: host.json ("platform", "cpu", "memory"
 * objects) and pci.json ("devices"), named by esxcli property names. */
#include "esxcli.h"
#include "modules.h"

#include <string.h>

#include <json-c/json.h>

static const struct fmt_field platform_fields[] = {
    {"UUID", "UUID", FMT_STRING, NULL, NULL},
    {"ProductName", "Product Name", FMT_STRING, NULL, NULL},
    {"VendorName", "Vendor Name", FMT_STRING, NULL, NULL},
    {"SerialNumber", "Serial Number", FMT_STRING, NULL, NULL},
    {"EnclosureSerialNumber", "Enclosure Serial Number", FMT_STRING, NULL,
     NULL},
    {"BIOSAssetTag", "BIOS Asset Tag", FMT_STRING, NULL, NULL},
    {"IPMISupported", "IPMI Supported", FMT_BOOL, NULL, NULL},
    {0}};
static const struct fmt_schema platform_schema = {
    "PlatformGet", platform_fields, "Platform Information"};

static const struct fmt_field cpu_fields[] = {
    {"CPUPackages", "CPU Packages", FMT_INT, NULL, NULL},
    {"CPUCores", "CPU Cores", FMT_INT, NULL, NULL},
    {"CPUThreads", "CPU Threads", FMT_INT, NULL, NULL},
    {"HyperthreadingActive", "Hyperthreading Active", FMT_BOOL, NULL, NULL},
    {"HyperthreadingSupported", "Hyperthreading Supported", FMT_BOOL, NULL,
     NULL},
    {"HyperthreadingEnabled", "Hyperthreading Enabled", FMT_BOOL, NULL, NULL},
    {"HVSupport", "HV Support", FMT_INT, NULL, NULL},
    {0}};
static const struct fmt_schema cpu_schema = {"Cpu", cpu_fields, NULL};

static const struct fmt_field mem_fields[] = {
    {"PhysicalMemory", "Physical Memory", FMT_INT, "Bytes", NULL},
    {"ReliableMemory", "Reliable Memory", FMT_INT, "Bytes", NULL},
    {"NUMANodeCount", "NUMA Node Count", FMT_INT, NULL, NULL},
    {0}};
static const struct fmt_schema mem_schema = {"Memory", mem_fields, NULL};

static const struct fmt_field pci_fields[] = {
    {"Address", "Address", FMT_STRING, NULL, NULL},
    {"Segment", "Segment", FMT_STRING, NULL, NULL},
    {"Bus", "Bus", FMT_STRING, NULL, NULL},
    {"Slot", "Slot", FMT_STRING, NULL, NULL},
    {"Function", "Function", FMT_STRING, NULL, NULL},
    {"VMkernelName", "VMkernel Name", FMT_STRING, NULL, NULL},
    {"VendorName", "Vendor Name", FMT_STRING, NULL, NULL},
    {"DeviceName", "Device Name", FMT_STRING, NULL, NULL},
    {"ConfiguredOwner", "Configured Owner", FMT_STRING, NULL, NULL},
    {"CurrentOwner", "Current Owner", FMT_STRING, NULL, NULL},
    {"VendorID", "Vendor ID", FMT_STRING, NULL, NULL},
    {"DeviceID", "Device ID", FMT_STRING, NULL, NULL},
    {"SubVendorID", "SubVendor ID", FMT_STRING, NULL, NULL},
    {"SubDeviceID", "SubDevice ID", FMT_STRING, NULL, NULL},
    {"DeviceClass", "Device Class", FMT_STRING, NULL, NULL},
    {"DeviceClassName", "Device Class Name", FMT_STRING, NULL, NULL},
    {"ProgrammingInterface", "Programming Interface", FMT_STRING, NULL, NULL},
    {"RevisionID", "Revision ID", FMT_STRING, NULL, NULL},
    {"InterruptLine", "Interrupt Line", FMT_STRING, NULL, NULL},
    {"IRQ", "IRQ", FMT_INT, NULL, NULL},
    {"InterruptVector", "Interrupt Vector", FMT_STRING, NULL, NULL},
    {"PCIPin", "PCI Pin", FMT_STRING, NULL, NULL},
    {"SpawnedBus", "Spawned Bus", FMT_STRING, NULL, NULL},
    {"Flags", "Flags", FMT_STRING, NULL, NULL},
    {"ModuleID", "Module ID", FMT_INT, NULL, NULL},
    {"ModuleName", "Module Name", FMT_STRING, NULL, NULL},
    {"Chassis", "Chassis", FMT_INT, NULL, NULL},
    {"PhysicalSlot", "Physical Slot", FMT_INT, NULL, NULL},
    {"SlotDescription", "Slot Description", FMT_STRING, NULL, NULL},
    {"DeviceLayerBusAddress", "Device Layer Bus Address", FMT_STRING, NULL,
     NULL},
    {"PassthruCapable", "Passthru Capable", FMT_BOOL, NULL, NULL},
    {"ParentDevice", "Parent Device", FMT_STRING, NULL, NULL},
    {"DependentDevice", "Dependent Device", FMT_STRING, NULL, NULL},
    {"ResetMethod", "Reset Method", FMT_STRING, NULL, NULL},
    {"FPTSharable", "FPT Sharable", FMT_BOOL, NULL, NULL},
    {0}};
static const struct fmt_schema pci_schema = {"PCIDevice", pci_fields,
					     "%Address%"};

/* A struct result from host.json's member 'key'. */
static int host_struct(struct cli_call *c, const char *key,
		       const struct fmt_schema *s)
{
	struct json_object *root = NULL;

	if (esxcli_json(c, STATE_HOST, &root))
		return 1;
	fmt_fill_json(fmt_set_struct(c->res, s), esxcli_jget(root, key));
	json_object_put(root);
	return 0;
}

static int hardware_platform_get(struct cli_call *c)
{
	return host_struct(c, "platform", &platform_schema);
}

static int hardware_cpu_global_get(struct cli_call *c)
{
	return host_struct(c, "cpu", &cpu_schema);
}

static int hardware_memory_get(struct cli_call *c)
{
	return host_struct(c, "memory", &mem_schema);
}

/* A device's Module ID is the id of its module in the module state (as
 * vmkload_mod and vsish show it; -1 while unloaded) unless pci.json gives
 * one. A ModuleName the module state does not know leaves it 0. */
static void pci_module_id(struct fmt_rec *rec, struct json_object *o,
			  const struct mod_list *mods)
{
	struct json_object *name = esxcli_jget(o, "ModuleName");
	const struct mod_info *m;

	if (esxcli_jget(o, "ModuleID") || !name)
		return;
	m = mod_list_find(mods, json_object_get_string(name));
	if (m) /* -1: the driver is not loaded */
		fmt_int(rec, "ModuleID", m->loaded ? (long long)m->id : -1);
}

static int hardware_pci_list(struct cli_call *c)
{
	const char *cls = cli_str(c, "class");
	struct json_object *root = NULL, *arr;
	struct mod_list mods = {NULL, 0};
	size_t n;

	if (esxcli_json(c, STATE_PCI, &root))
		return 1;
	/* a broken module state gives no ids here: vmkload_mod reports it */
	(void)mod_list_read(&mods);
	fmt_set_list(c->res, &pci_schema);
	arr = state_json_array(root, "devices");
	n = arr ? json_object_array_length(arr) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct json_object *v = esxcli_jget(o, "DeviceClass");

		if (cls && (!v || strcasecmp(json_object_get_string(v), cls)))
			continue;
		struct fmt_rec *rec = fmt_add(c->res);

		fmt_fill_json(rec, o);
		pci_module_id(rec, o, &mods);
	}
	mod_list_free(&mods);
	json_object_put(root);
	return 0;
}

static const struct cli_opt pci_list_opts[] = {
    {"class", "-c|--class", CLI_STR, false, false, NULL,
     "Filter the PCI devices based on their class code (e.g. 0x0200)."},
    {"mask", "-m|--mask", CLI_STR, false, false, NULL,
     "The mask applied to the class code filter."},
    {0}};

const struct cli_ns esxcli_hardware_ns[] = {
    {"hardware", "VMKernel hardware properties and commands for "
		 "configuring hardware."},
    {"hardware.cpu", "CPU information."},
    {"hardware.cpu.global", "Properties that apply to all CPUs on the system."},
    {"hardware.memory", "Memory information."},
    {"hardware.pci", "PCI information."},
    {"hardware.platform", "Platform information."},
    {0}};

const struct cli_cmd esxcli_hardware_cmds[] = {
    {"hardware.cpu.global", "get",
     "Get properties that are global to all CPUs.", NULL,
     hardware_cpu_global_get, FMT_LAYOUT_SIMPLE},
    {"hardware.memory", "get", "Get information about memory.", NULL,
     hardware_memory_get, FMT_LAYOUT_SIMPLE},
    {"hardware.pci", "list", "List all of the PCI devices on this host.",
     pci_list_opts, hardware_pci_list, FMT_LAYOUT_SIMPLE},
    {"hardware.platform", "get", "Get information about the platform", NULL,
     hardware_platform_get, FMT_LAYOUT_SIMPLE},
    {0}};
