/* esxmockctl.c - the esxmock command-line tool: one table of subcommands.
 * Owns: argv dispatch only; each subcommand lives with the module it drives. */
#include <stdio.h>
#include <string.h>

#include "esxmockctl_ctl.h"
#include "esxmockctl_exec.h"
#include "esxmockctl_state.h"
#include "esxmockctl_rules.h"
#include "mf_cli.h"

struct ctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the subcommand name */
	const char *help;
};

static const struct ctl_cmd ctl_cmds[] = {
    {"manifest", mf_cli_main,
     "import-listing, validate: work with manifest files"},
    {"hello", esxmockctl_hello, "check the daemon's control channel"},
    {"stats", esxmockctl_stats, "print the daemon's counters"},
    {"files", esxmockctl_files,
     "get, stat, list, put, rm, mkdir, ln, chmod: the tree the daemon "
     "serves"},
    {"call", esxmockctl_call, "call any control method with JSON params"},
    {"overlay", esxmockctl_overlay,
     "apply an overlay manifest to the running tree (manifest.load)"},
    {"rules", esxmockctl_rules,
     "add, list, remove, clear, release, wait, captured: intercept rules"},
    {"log", esxmockctl_log, "print (or --follow) access-log events; clear"},
    {"state", esxmockctl_state,
     "diff, reset, snapshot, restore, snapshots, forget: the writable layer"},
    {"exec", esxmockctl_exec,
     "add, list, remove, clear: exec rules (command interception)"},
    {"invocations", esxmockctl_invocations,
     "list, follow, answer: intercepted program runs"},
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: esxmockctl COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		fprintf(f, "  %-12s %s\n", ctl_cmds[i].name, ctl_cmds[i].help);
	fprintf(f,
		"\nRun 'esxmockctl COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (!strcmp(argv[1], ctl_cmds[i].name))
			return ctl_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "esxmockctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
