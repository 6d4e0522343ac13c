/* esxcli_software.c - `esxcli software vib list|get`. State: vibs.json,
 * an array of VIB records named by esxcli property names; output is sorted
 * by VIB name as esxcli does. Unknown VIBs fail with esximage's
 * [NoMatchError] block. */
#include "esxcli.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static const struct fmt_field list_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"Version", "Version", FMT_STRING, NULL, NULL},
    {"Vendor", "Vendor", FMT_STRING, NULL, NULL},
    {"AcceptanceLevel", "Acceptance Level", FMT_STRING, NULL, NULL},
    {"InstallDate", "Install Date", FMT_STRING, NULL, NULL},
    {"Platforms", "Platforms", FMT_STRLIST, NULL, NULL},
    {"ID", NULL, FMT_STRING, NULL, NULL},
    {"Status", NULL, FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema list_schema = {"VIBSummaryExt", list_fields,
					      "%ID%"};

static const struct fmt_field get_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"Version", "Version", FMT_STRING, NULL, NULL},
    {"Type", "Type", FMT_STRING, NULL, NULL},
    {"Vendor", "Vendor", FMT_STRING, NULL, NULL},
    {"AcceptanceLevel", "Acceptance Level", FMT_STRING, NULL, NULL},
    {"Summary", "Summary", FMT_STRING, NULL, NULL},
    {"Description", "Description", FMT_STRING, NULL, NULL},
    {"ReferenceURLs", "ReferenceURLs", FMT_STRLIST, NULL, NULL},
    {"CreationDate", "Creation Date", FMT_STRING, NULL, NULL},
    {"Depends", "Depends", FMT_STRLIST, NULL, NULL},
    {"Conflicts", "Conflicts", FMT_STRLIST, NULL, NULL},
    {"Replaces", "Replaces", FMT_STRLIST, NULL, NULL},
    {"Provides", "Provides", FMT_STRLIST, NULL, NULL},
    {"MaintenanceModeRequired", "Maintenance Mode Required", FMT_BOOL, NULL,
     NULL},
    {"HardwarePlatformsRequired", "Hardware Platforms Required", FMT_STRLIST,
     NULL, NULL},
    {"LiveInstallAllowed", "Live Install Allowed", FMT_BOOL, NULL, NULL},
    {"LiveRemoveAllowed", "Live Remove Allowed", FMT_BOOL, NULL, NULL},
    {"StatelessReady", "Stateless Ready", FMT_BOOL, NULL, NULL},
    {"Overlay", "Overlay", FMT_BOOL, NULL, NULL},
    {"Tags", "Tags", FMT_STRLIST, NULL, NULL},
    {"Payloads", "Payloads", FMT_STRLIST, NULL, NULL},
    {"Platforms", "Platforms", FMT_STRLIST, NULL, NULL},
    {"ID", NULL, FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema get_schema = {"VIBExt", get_fields, "%ID%"};

static int cmp_name(const void *a, const void *b)
{
	struct json_object *x = *(struct json_object *const *)a;
	struct json_object *y = *(struct json_object *const *)b;

	return strcmp(esxcli_jstr(x, "Name", ""), esxcli_jstr(y, "Name", ""));
}

/* Loads vibs.json and its VIB records sorted by name (borrowed from *root;
 * the caller frees *v and puts *root). 0, or the fault's exit status. */
static int load_vibs(struct cli_call *c, struct json_object **root,
		     struct json_object ***v, size_t *n)
{
	struct json_object *arr;

	if (esxcli_json(c, STATE_VIBS, root))
		return 1;
	arr = state_json_array(*root, "vibs");
	*n = arr ? json_object_array_length(arr) : 0;
	*v = calloc(*n ? *n : 1, sizeof(**v));
	if (!*v) {
		json_object_put(*root);
		return cli_fault(c, "Runtime error: out of memory");
	}
	for (size_t i = 0; i < *n; i++)
		(*v)[i] = json_object_array_get_idx(arr, i);
	qsort(*v, *n, sizeof(**v), cmp_name);
	return 0;
}

static int software_vib_list(struct cli_call *c)
{
	struct json_object *root = NULL, **v;
	size_t n;

	if (load_vibs(c, &root, &v, &n))
		return 1;
	fmt_set_list(c->res, &list_schema);
	for (size_t i = 0; i < n; i++)
		fmt_fill_json(fmt_add(c->res), v[i]);
	free(v);
	json_object_put(root);
	return 0;
}

/* esxcli's VIB specification forms: name, name:version, vendor:name,
 * vendor:name:version. */
static bool vib_matches(struct json_object *o, const char *spec)
{
	const char *name = esxcli_jstr(o, "Name", ""),
		   *ver = esxcli_jstr(o, "Version", "");
	const char *vendor = esxcli_jstr(o, "Vendor", "");
	const char *c1 = strchr(spec, ':'),
		   *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	size_t l1 = c1 ? (size_t)(c1 - spec) : strlen(spec);

	if (!c1)
		return strcmp(spec, name) == 0;
	if (c2) /* vendor:name:version */
		return strncmp(spec, vendor, l1) == 0 && !vendor[l1] &&
		       strncmp(c1 + 1, name, (size_t)(c2 - c1 - 1)) == 0 &&
		       !name[c2 - c1 - 1] && strcmp(c2 + 1, ver) == 0;
	/* name:version or vendor:name */
	return (strncmp(spec, name, l1) == 0 && !name[l1] &&
		strcmp(c1 + 1, ver) == 0) ||
	       (strncmp(spec, vendor, l1) == 0 && !vendor[l1] &&
		strcmp(c1 + 1, name) == 0);
}

static int no_match(struct cli_call *c, const char *spec)
{
	return cli_fault(c,
			 " [NoMatchError]\n"
			 " No VIB matching VIB search specification '%s'.\n"
			 " Please refer to the log file for more details.",
			 spec);
}

static int software_vib_get(struct cli_call *c)
{
	const char *const *specs;
	size_t nspec = cli_multi(c, "vibname", &specs), n;
	struct json_object *root = NULL, **v;
	int rc = 0;

	if (load_vibs(c, &root, &v, &n))
		return 1;
	fmt_set_list(c->res, &get_schema);
	for (size_t s = 0; s < nspec && !rc; s++) {
		bool hit = false;

		for (size_t i = 0; i < n; i++)
			hit |= vib_matches(v[i], specs[s]);
		if (!hit)
			rc = no_match(c, specs[s]);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		bool want = nspec == 0;

		for (size_t s = 0; s < nspec && !want; s++)
			want = vib_matches(v[i], specs[s]);
		if (want)
			fmt_fill_json(fmt_add(c->res), v[i]);
	}
	free(v);
	json_object_put(root);
	return rc;
}

static const struct cli_opt list_opts[] = {
    {"rebootingimage", "--rebooting-image", CLI_FLAG, false, false, NULL,
     "Displays information for the ESXi image which becomes active after "
     "a reboot, or nothing if the pending-reboot image has not been "
     "created yet. If not specified, information from the current ESXi "
     "image in memory will be returned."},
    {0}};

static const struct cli_opt get_opts[] = {
    {"rebootingimage", "--rebooting-image", CLI_FLAG, false, false, NULL,
     "Displays information for the ESXi image which becomes active after "
     "a reboot, or nothing if the pending-reboot image has not been "
     "created yet. If not specified, information from the current ESXi "
     "image in memory will be returned."},
    {"vibname", "-n|--vibname", CLI_STR, false, true, NULL,
     "Specifies one or more installed VIBs to display more information "
     "about. If this option is not specified, then all of the installed "
     "VIBs will be displayed. Must be one of the following forms: name, "
     "name:version, vendor:name, or vendor:name:version."},
    {0}};

const struct cli_ns esxcli_software_ns[] = {
    {"software", "Manage the ESXi software image and packages"},
    {"software.vib",
     "Install, update, remove, or display individual VIB packages"},
    {0}};

const struct cli_cmd esxcli_software_cmds[] = {
    {"software.vib", "get",
     "Displays detailed information about one or more installed VIBs on "
     "the host and the managed DPU(s).",
     get_opts, software_vib_get, FMT_LAYOUT_SIMPLE},
    {"software.vib", "list",
     "Lists the installed VIB packages on the host and the managed "
     "DPU(s).",
     list_opts, software_vib_list, FMT_LAYOUT_TABLE},
    {0}};
