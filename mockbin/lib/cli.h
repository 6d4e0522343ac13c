/* cli.h - esxcli's data-driven command tree and argument parser.
 * Owns: struct cli_prog (the sorted namespace and command tables of one
 * program), the parse of `esxcli [options] {namespace}+ {cmd} [cmd options]`,
 * usage/help output and ESXi's parse errors and exit codes
 * (docs/esx-cli-reference.md 2.1 to 2.4), and struct cli_call, what a
 * command handler gets: its parsed options and a result to fill (fmt.h).
 */
#ifndef ESXMOCK_CLI_H
#define ESXMOCK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fmt.h"

#define CLI_MAX_OPTS 24

enum cli_type {
	CLI_STR = 1,
	CLI_LONG, /* shown as <long> */
	CLI_INT,  /* shown as <int> */
	CLI_BOOL, /* 0 false f no n off / 1 true t yes y on */
	CLI_FLAG, /* no value */
};

struct cli_opt {
	const char *name;    /* parameter name; help lists options by it */
	const char *aliases; /* "-v|--vlan-id" or "--rebooting-image" */
	enum cli_type type;
	bool required;
	bool multi;          /* may be repeated (array parameter) */
	const char *choices; /* "dhcp|none|static": allowed values, or NULL */
	const char *help;
};

struct cli_call;
/* A handler returns 0 on success, or 1 after printing its error with
 * cli_fault() (or otherwise, on stderr). */
typedef int cli_fn(struct cli_call *c);

struct cli_cmd {
	const char *ns;   /* dotted namespace: "network.vswitch.standard" */
	const char *verb; /* "list" */
	const char *help;
	const struct cli_opt *opts; /* ends with a zeroed entry; may be NULL */
	cli_fn *fn;
	enum fmt_layout layout; /* the human formatter ESXi uses */
};

struct cli_ns {
	const char *ns; /* dotted: "network.vswitch" */
	const char *help;
};

struct cli_prog {
	const char *name; /* "esxcli" or "localcli" (messages, usage) */
	bool localcli;    /* accepts --plugin-dir */
	const struct cli_cmd **cmds; /* sorted by namespace, then verb */
	size_t ncmds;
	const struct cli_ns **ns; /* sorted */
	size_t nns;
	FILE *out, *err; /* stdout/stderr; tests substitute memstreams */
};

struct cli_call {
	const struct cli_prog *prog;
	const struct cli_cmd *cmd;
	const char *val[CLI_MAX_OPTS]; /* last value given, per option */
	const char **multi[CLI_MAX_OPTS];
	size_t nmulti[CLI_MAX_OPTS];
	bool given[CLI_MAX_OPTS];
	struct fmt_result *res;
};

/* Collects the NULL-terminated lists of command tables (each ending with a
 * zeroed row) and namespace tables into p, sorted. 0 or -ENOMEM. */
int cli_prog_init(struct cli_prog *p, const char *name,
		  const struct cli_cmd *const *cmd_tables,
		  const struct cli_ns *const *ns_tables);
void cli_prog_release(struct cli_prog *p);

/* Runs the program on argv (argv[0] excluded: args[0..n-1]); returns the
 * exit status: 0, 1 for parse and command errors, 2 for an unknown global
 * option (optparse's status). */
int cli_run(const struct cli_prog *p, int n, char **args);

/* Option values by parameter name. An unknown name aborts (a table bug). */
bool cli_given(const struct cli_call *c, const char *name);
const char *cli_str(const struct cli_call *c, const char *name);
long long cli_long(const struct cli_call *c, const char *name, long long def);
bool cli_bool(const struct cli_call *c, const char *name, bool def);
size_t cli_multi(const struct cli_call *c, const char *name,
		 const char *const **vals);

/* Prints a command failure on stderr as esxcli does for plugin faults (the
 * message as-is, no "Error:" prefix) and returns 1 for the handler. */
int cli_fault(const struct cli_call *c, const char *f, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses an esxcli boolean word; -EINVAL if it is none. */
int cli_parse_bool(const char *s, bool *out);

#endif
