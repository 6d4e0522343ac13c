/* esxcli_storage.c - `esxcli storage`: core device list, core adapter
 * list, filesystem list, vmfs extent list. State: storage.json, whose
 * records are named by the esxcli property names (docs/state-files.md). */
#include "esxcli.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static const struct fmt_field dev_fields[] = {
    {"Device", NULL, FMT_STRING, NULL, NULL},
    {"DisplayName", "Display Name", FMT_STRING, NULL, NULL},
    {"HasSettableDisplayName", "Has Settable Display Name", FMT_BOOL, NULL,
     NULL},
    {"Size", "Size", FMT_INT, NULL, NULL},
    {"DeviceType", "Device Type", FMT_STRING, NULL, NULL},
    {"MultipathPlugin", "Multipath Plugin", FMT_STRING, NULL, NULL},
    {"DevfsPath", "Devfs Path", FMT_STRING, NULL, NULL},
    {"Vendor", "Vendor", FMT_STRING, NULL, NULL},
    {"Model", "Model", FMT_STRING, NULL, NULL},
    {"Revision", "Revision", FMT_STRING, NULL, NULL},
    {"SCSILevel", "SCSI Level", FMT_INT, NULL, NULL},
    {"IsPseudo", "Is Pseudo", FMT_BOOL, NULL, NULL},
    {"Status", "Status", FMT_STRING, NULL, NULL},
    {"IsRDMCapable", "Is RDM Capable", FMT_BOOL, NULL, NULL},
    {"IsLocal", "Is Local", FMT_BOOL, NULL, NULL},
    {"IsRemovable", "Is Removable", FMT_BOOL, NULL, NULL},
    {"IsSSD", "Is SSD", FMT_BOOL, NULL, NULL},
    {"IsVVOLPE", "Is VVOL PE", FMT_BOOL, NULL, NULL},
    {"IsOffline", "Is Offline", FMT_BOOL, NULL, NULL},
    {"IsPerenniallyReserved", "Is Perennially Reserved", FMT_BOOL, NULL, NULL},
    {"QueueFullSampleSize", "Queue Full Sample Size", FMT_INT, NULL, NULL},
    {"QueueFullThreshold", "Queue Full Threshold", FMT_INT, NULL, NULL},
    {"ThinProvisioningStatus", "Thin Provisioning Status", FMT_STRING, NULL,
     NULL},
    {"AttachedFilters", "Attached Filters", FMT_STRING, NULL, NULL},
    {"VAAIStatus", "VAAI Status", FMT_STRING, NULL, NULL},
    {"OtherUIDs", "Other UIDs", FMT_STRING, NULL, NULL},
    {"IsSharedClusterwide", "Is Shared Clusterwide", FMT_BOOL, NULL, NULL},
    {"IsSAS", "Is SAS", FMT_BOOL, NULL, NULL},
    {"IsUSB", "Is USB", FMT_BOOL, NULL, NULL},
    {"IsBootDevice", "Is Boot Device", FMT_BOOL, NULL, NULL},
    {"DeviceMaxQueueDepth", "Device Max Queue Depth", FMT_INT, NULL, NULL},
    {"NoofoutstandingIOswithcompetingworlds",
     "No of outstanding IOs with competing worlds", FMT_INT, NULL, NULL},
    {"DriveType", "Drive Type", FMT_STRING, NULL, NULL},
    {"RAIDLevel", "RAID Level", FMT_STRING, NULL, NULL},
    {"NumberofPhysicalDrives", "Number of Physical Drives", FMT_STRING, NULL,
     NULL},
    {"ProtectionEnabled", "Protection Enabled", FMT_BOOL, NULL, NULL},
    {"PIActivated", "PI Activated", FMT_BOOL, NULL, NULL},
    {"PIType", "PI Type", FMT_INT, NULL, NULL},
    {"PIProtectionMask", "PI Protection Mask", FMT_STRING, NULL, NULL},
    {"SupportedGuardTypes", "Supported Guard Types", FMT_STRING, NULL, NULL},
    {"DIXEnabled", "DIX Enabled", FMT_BOOL, NULL, NULL},
    {"DIXGuardType", "DIX Guard Type", FMT_STRING, NULL, NULL},
    {"EmulatedDIXDIFEnabled", "Emulated DIX/DIF Enabled", FMT_BOOL, NULL, NULL},
    {0}};
static const struct fmt_schema dev_schema = {"Device", dev_fields, "%Device%"};

static const struct fmt_field hba_fields[] = {
    {"HBAName", "HBA Name", FMT_STRING, NULL, NULL},
    {"Driver", "Driver", FMT_STRING, NULL, NULL},
    {"LinkState", "Link State", FMT_STRING, NULL, NULL},
    {"UID", "UID", FMT_STRING, NULL, NULL},
    {"Capabilities", "Capabilities", FMT_STRING, NULL, NULL},
    {"Description", "Description", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema hba_schema = {"ScsiAdapter", hba_fields, NULL};

static const struct fmt_field fs_fields[] = {
    {"MountPoint", "Mount Point", FMT_STRING, NULL, NULL},
    {"VolumeName", "Volume Name", FMT_STRING, NULL, NULL},
    {"UUID", "UUID", FMT_STRING, NULL, NULL},
    {"Mounted", "Mounted", FMT_BOOL, NULL, NULL},
    {"Type", "Type", FMT_STRING, NULL, NULL},
    {"Size", "Size", FMT_INT, NULL, NULL},
    {"Free", "Free", FMT_INT, NULL, NULL},
    {0}};
static const struct fmt_schema fs_schema = {"FilesystemVolume", fs_fields,
					    NULL};

static const struct fmt_field ext_fields[] = {
    {"VolumeName", "Volume Name", FMT_STRING, NULL, NULL},
    {"VMFSUUID", "VMFS UUID", FMT_STRING, NULL, NULL},
    {"ExtentNumber", "Extent Number", FMT_INT, NULL, NULL},
    {"DeviceName", "Device Name", FMT_STRING, NULL, NULL},
    {"Partition", "Partition", FMT_INT, NULL, NULL},
    {0}};
static const struct fmt_schema ext_schema = {"VMFSExtent", ext_fields, NULL};

/* Lists the records of storage.json's array 'key' whose member 'match'
 * equals 'want' (all when want is NULL). Sets *found. */
static int list_records(struct cli_call *c, const char *key,
			const struct fmt_schema *s, const char *match,
			const char *want, bool *found)
{
	struct json_object *root = NULL, *arr;
	size_t n;

	if (esxcli_json(c, STATE_STORAGE, &root))
		return 1;
	fmt_set_list(c->res, s);
	arr = state_json_array(root, key);
	n = arr ? json_object_array_length(arr) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct json_object *v = esxcli_jget(o, match);

		if (want && (!v || strcmp(json_object_get_string(v), want)))
			continue;
		*found = true;
		fmt_fill_json(fmt_add(c->res), o);
	}
	json_object_put(root);
	return 0;
}

static int storage_core_device_list(struct cli_call *c)
{
	const char *want = cli_str(c, "device");
	bool found = false;

	if (list_records(c, "devices", &dev_schema, "Device", want, &found))
		return 1;
	if (want && !found)
		return cli_fault(c, "Unknown device %s", want);
	return 0;
}

static int storage_core_adapter_list(struct cli_call *c)
{
	bool found = false;

	return list_records(c, "adapters", &hba_schema, "HBAName", NULL,
			    &found);
}

/* storage.json "filesystems" (shared with vmkfstools -P): snake_case
 * records {volume_name, uuid, type, size, free, extents: ["dev:part"],
 * and optionally mount_point, mounted}. */
static int filesystems(struct cli_call *c, struct json_object **root,
		       struct json_object **arr, size_t *n)
{
	*root = NULL;
	*arr = NULL;
	*n = 0;
	if (esxcli_json(c, STATE_STORAGE, root))
		return 1;
	*arr = state_json_array(*root, "filesystems");
	*n = *arr ? json_object_array_length(*arr) : 0;
	return 0;
}

static int storage_filesystem_list(struct cli_call *c)
{
	struct json_object *root, *arr;
	size_t n = 0;

	if (filesystems(c, &root, &arr, &n))
		return 1;
	fmt_set_list(c->res, &fs_schema);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		const char *uuid = esxcli_jstr(o, "uuid", "");
		struct json_object *m = esxcli_jget(o, "mounted");
		struct fmt_rec *r = fmt_add(c->res);

		if (esxcli_jget(o, "mount_point"))
			fmt_str(r, "MountPoint",
				esxcli_jstr(o, "mount_point", ""));
		else
			fmt_strf(r, "MountPoint", "/vmfs/volumes/%s", uuid);
		fmt_str(r, "VolumeName", esxcli_jstr(o, "volume_name", ""));
		fmt_str(r, "UUID", uuid);
		fmt_bool(r, "Mounted", m ? json_object_get_boolean(m) : true);
		fmt_str(r, "Type", esxcli_jstr(o, "type", ""));
		fmt_int(r, "Size",
			json_object_get_int64(esxcli_jget(o, "size")));
		fmt_int(r, "Free",
			json_object_get_int64(esxcli_jget(o, "free")));
	}
	json_object_put(root);
	return 0;
}

/* One row per "device:partition" extent of each VMFS volume. */
static int storage_vmfs_extent_list(struct cli_call *c)
{
	struct json_object *root, *arr;
	size_t n = 0;

	if (filesystems(c, &root, &arr, &n))
		return 1;
	fmt_set_list(c->res, &ext_schema);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct json_object *ext = state_json_array(o, "extents");
		size_t ne = ext ? json_object_array_length(ext) : 0;

		if (strncmp(esxcli_jstr(o, "type", ""), "VMFS", 4) != 0)
			continue;
		for (size_t e = 0; e < ne; e++) {
			const char *d = json_object_get_string(
			    json_object_array_get_idx(ext, e));
			const char *colon = d ? strrchr(d, ':') : NULL;
			struct fmt_rec *r = fmt_add(c->res);

			fmt_str(r, "VolumeName",
				esxcli_jstr(o, "volume_name", ""));
			fmt_str(r, "VMFSUUID", esxcli_jstr(o, "uuid", ""));
			fmt_int(r, "ExtentNumber", (long long)e);
			if (colon) {
				fmt_strf(r, "DeviceName", "%.*s",
					 (int)(colon - d), d);
				fmt_int(r, "Partition", atoll(colon + 1));
			} else {
				fmt_str(r, "DeviceName", d ? d : "");
				fmt_int(r, "Partition", 0);
			}
		}
	}
	json_object_put(root);
	return 0;
}

static const struct cli_opt dev_list_opts[] = {
    {"device", "-d|--device", CLI_STR, false, false, NULL,
     "Filter the output of this command to only show a single device."},
    {"excludeoffline", "--exclude-offline", CLI_FLAG, false, false, NULL,
     "If set this flag will exclude the offline devices"},
    {"pereniallyreserved", "-p|--pe-only", CLI_FLAG, false, false, NULL,
     "List all the Protocol Endpoints on the system."},
    {0}};

const struct cli_ns esxcli_storage_ns[] = {
    {"storage", "VMware storage commands."},
    {"storage.core", "VMware core storage commands."},
    {"storage.core.adapter",
     "Operations on the SCSI Host Bus Adapters on the system."},
    {"storage.core.device", "Operations on the Logical Devices on the system."},
    {"storage.filesystem",
     "Operations pertaining to filesystems, also known as datastores, on "
     "the ESX host."},
    {"storage.vmfs", "VMFS operations."},
    {"storage.vmfs.extent", "Manage VMFS extents."},
    {0}};

const struct cli_cmd esxcli_storage_cmds[] = {
    {"storage.core.adapter", "list",
     "List all the SCSI Host Bus Adapters on the system.", NULL,
     storage_core_adapter_list, FMT_LAYOUT_TABLE},
    {"storage.core.device", "list",
     "List the devices currently registered with the PSA.", dev_list_opts,
     storage_core_device_list, FMT_LAYOUT_SIMPLE},
    {"storage.filesystem", "list",
     "List the volumes available to the host. This includes VMFS, NAS, "
     "VFAT and UFS partitions.",
     NULL, storage_filesystem_list, FMT_LAYOUT_TABLE},
    {"storage.vmfs.extent", "list",
     "List the VMFS extents available on the host.", NULL,
     storage_vmfs_extent_list, FMT_LAYOUT_TABLE},
    {0}};
