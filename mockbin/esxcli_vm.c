/* esxcli_vm.c - `esxcli vm process list|kill`. State: vms.json, the
 * running VM processes ("vms": records named by esxcli property names);
 * kill removes the record, as the process goes away. */
#include "esxcli.h"

#include <errno.h>
#include <string.h>

#include <json-c/json.h>

static const struct fmt_field vm_fields[] = {
    {"WorldID", "World ID", FMT_INT, NULL, NULL},
    {"ProcessID", "Process ID", FMT_INT, NULL, NULL},
    {"VMXCartelID", "VMX Cartel ID", FMT_INT, NULL, NULL},
    {"UUID", "UUID", FMT_STRING, NULL, NULL},
    {"DisplayName", "Display Name", FMT_STRING, NULL, NULL},
    {"ConfigFile", "Config File", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema vm_schema = {"VirtualMachine", vm_fields,
					    "%Display Name%"};

static int vm_process_list(struct cli_call *c)
{
	struct json_object *root = NULL, *arr;
	size_t n;

	if (esxcli_json(c, STATE_VMS, &root))
		return 1;
	fmt_set_list(c->res, &vm_schema);
	arr = state_json_array(root, "vms");
	n = arr ? json_object_array_length(arr) : 0;
	for (size_t i = 0; i < n; i++)
		fmt_fill_json(fmt_add(c->res),
			      json_object_array_get_idx(arr, i));
	json_object_put(root);
	return 0;
}

struct kill_arg {
	struct cli_call *c;
	long long world;
};

static int kill_fn(struct json_object **root, void *arg)
{
	struct kill_arg *a = arg;
	struct json_object *arr = state_json_array(*root, "vms");
	size_t n = arr ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *w =
		    esxcli_jget(json_object_array_get_idx(arr, i), "WorldID");

		if (w && json_object_get_int64(w) == a->world) {
			json_object_array_del_idx(arr, i, 1);
			return 0;
		}
	}
	cli_fault(a->c,
		  "Unable to find a virtual machine with the world ID "
		  "%lld",
		  a->world);
	return 1;
}

static int vm_process_kill(struct cli_call *c)
{
	struct kill_arg a = {c, cli_long(c, "worldid", -1)};

	if (esxcli_json_update(c, STATE_VMS, kill_fn, &a))
		return 1;
	return esxcli_done(c);
}

static const struct cli_opt kill_opts[] = {
    {"type", "-t|--type", CLI_STR, true, false, "soft|hard|force",
     "The type of kill operation to attempt. There are three types of VM "
     "kills that can be attempted: [soft, hard, force]. Users should "
     "always attempt 'soft' kills first, which will give the VMX process "
     "a chance to shutdown cleanly (like kill or kill -SIGTERM). If that "
     "does not work move to 'hard' kills which will shutdown the process "
     "immediately (like kill -9 or kill -SIGKILL). 'force' should be used "
     "as a last resort attempt to kill the VM. If all three fail then a "
     "reboot is required."},
    {"worldid", "-w|--world-id", CLI_LONG, true, false, NULL,
     "The World ID of the Virtual Machine to kill. This can be obtained "
     "from the 'vm process list' command"},
    {0}};

const struct cli_ns esxcli_vm_ns[] = {
    {"vm", "A small number of operations that allow a user to Control "
	   "Virtual Machine operations."},
    {"vm.process", "Operations on running virtual machine processes"},
    {0}};

const struct cli_cmd esxcli_vm_cmds[] = {
    {"vm.process", "kill",
     "Used to forcibly kill Virtual Machines that are stuck and not "
     "responding to normal stop operations.",
     kill_opts, vm_process_kill, FMT_LAYOUT_NONE},
    {"vm.process", "list",
     "List the virtual machines on this system. This command currently "
     "will only list running VMs on the system.",
     NULL, vm_process_list, FMT_LAYOUT_SIMPLE},
    {0}};
