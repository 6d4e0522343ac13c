/* esxcli_esxcli.c - `esxcli esxcli command list`: every command of the
 * program's own table (dotted namespace, verb, description). */
#include "esxcli.h"

static const struct fmt_field cmd_fields[] = {
    {"Namespace", "Namespace", FMT_STRING, NULL, NULL},
    {"Command", "Command", FMT_STRING, NULL, NULL},
    {"Description", "Description", FMT_STRING, NULL, NULL},
    {0}};
static const struct fmt_schema cmd_schema = {"CommandInfo", cmd_fields, NULL};

static int esxcli_command_list(struct cli_call *c)
{
	fmt_set_list(c->res, &cmd_schema);
	for (size_t i = 0; i < c->prog->ncmds; i++) {
		const struct cli_cmd *cmd = c->prog->cmds[i];
		struct fmt_rec *r = fmt_add(c->res);

		fmt_str(r, "Namespace", cmd->ns);
		fmt_str(r, "Command", cmd->verb);
		fmt_str(r, "Description", cmd->help);
	}
	return 0;
}

const struct cli_ns esxcli_esxcli_ns[] = {
    {"esxcli", "Commands that operate on the esxcli system itself allowing "
	       "users to get additional information."},
    {"esxcli.command",
     "Commands that operate on the esxcli command tree and its "
     "commands."},
    {0}};

const struct cli_cmd esxcli_esxcli_cmds[] = {
    {"esxcli.command", "list", "List all of the esxcli commands.", NULL,
     esxcli_command_list, FMT_LAYOUT_TABLE},
    {0}};
