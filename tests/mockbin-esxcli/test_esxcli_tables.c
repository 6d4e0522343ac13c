/* test_esxcli_tables.c - consistency of the mock esxcli's command tables:
 * every command sits in a declared namespace whose ancestors are declared,
 * no duplicates, option names and aliases unique per command and well
 * formed, every option reachable by name, and the required
 * command list present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "esxcli.h"

static struct cli_prog prog;

static int setup(void **state)
{
	(void)state;
	return cli_prog_init(&prog, "esxcli", esxcli_all_cmds, esxcli_all_ns);
}

static int teardown(void **state)
{
	(void)state;
	cli_prog_release(&prog);
	return 0;
}

static bool ns_declared(const char *ns, size_t len)
{
	for (size_t i = 0; i < prog.nns; i++)
		if (strlen(prog.ns[i]->ns) == len &&
		    strncmp(prog.ns[i]->ns, ns, len) == 0)
			return true;
	return false;
}

static void test_tables_namespaces_declared(void **state)
{
	(void)state;
	for (size_t i = 0; i < prog.ncmds; i++) {
		const char *ns = prog.cmds[i]->ns;

		for (const char *p = ns;; p++) {
			if (*p == '.' || *p == '\0') {
				if (!ns_declared(ns, (size_t)(p - ns)))
					fail_msg("namespace \"%.*s\" of \"%s "
						 "%s\" is not declared",
						 (int)(p - ns), ns, ns,
						 prog.cmds[i]->verb);
			}
			if (!*p)
				break;
		}
	}
	for (size_t i = 0; i < prog.nns; i++) {
		const char *ns = prog.ns[i]->ns, *dot = strrchr(ns, '.');

		assert_non_null(prog.ns[i]->help);
		if (dot && !ns_declared(ns, (size_t)(dot - ns)))
			fail_msg("parent of namespace \"%s\" is not declared",
				 ns);
		if (i > 0 && strcmp(prog.ns[i - 1]->ns, ns) == 0)
			fail_msg("namespace \"%s\" declared twice", ns);
	}
}

static void test_tables_commands_unique(void **state)
{
	(void)state;
	for (size_t i = 1; i < prog.ncmds; i++)
		if (strcmp(prog.cmds[i - 1]->ns, prog.cmds[i]->ns) == 0 &&
		    strcmp(prog.cmds[i - 1]->verb, prog.cmds[i]->verb) == 0)
			fail_msg("command \"%s %s\" declared twice",
				 prog.cmds[i]->ns, prog.cmds[i]->verb);
	/* a verb may not shadow a child namespace */
	for (size_t i = 0; i < prog.ncmds; i++) {
		char full[256];

		snprintf(full, sizeof(full), "%s.%s", prog.cmds[i]->ns,
			 prog.cmds[i]->verb);
		if (ns_declared(full, strlen(full)))
			fail_msg("\"%s\" is both a command and a namespace",
				 full);
	}
}

static bool alias_ok(const char *a)
{
	/* "-x|--long", "--long" or "-x" */
	if (a[0] != '-')
		return false;
	for (const char *p = a; *p; p++)
		if (*p == ' ' || *p == '=')
			return false;
	return true;
}

static void test_tables_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < prog.ncmds; i++) {
		const struct cli_cmd *c = prog.cmds[i];

		assert_non_null(c->fn);
		assert_non_null(c->help);
		for (size_t a = 0; c->opts && c->opts[a].name; a++) {
			if (a >= CLI_MAX_OPTS)
				fail_msg("\"%s %s\": too many options", c->ns,
					 c->verb);
			if (!alias_ok(c->opts[a].aliases))
				fail_msg("\"%s %s\": bad aliases \"%s\"", c->ns,
					 c->verb, c->opts[a].aliases);
			for (size_t b = 0; b < a; b++) {
				if (strcmp(c->opts[a].name, c->opts[b].name) ==
				    0)
					fail_msg("\"%s %s\": option \"%s\" "
						 "twice",
						 c->ns, c->verb,
						 c->opts[a].name);
				/* no alias shared between two options */
				char x[64], y[64];
				const char *p = c->opts[a].aliases;

				while (*p) {
					size_t n = strcspn(p, "|");
					const char *q = c->opts[b].aliases;

					snprintf(x, sizeof(x), "%.*s", (int)n,
						 p);
					while (*q) {
						size_t m = strcspn(q, "|");

						snprintf(y, sizeof(y), "%.*s",
							 (int)m, q);
						if (strcmp(x, y) == 0)
							fail_msg("\"%s %s\": "
								 "alias %s "
								 "twice",
								 c->ns, c->verb,
								 x);
						q += m + (q[m] ? 1 : 0);
					}
					p += n + (p[n] ? 1 : 0);
				}
			}
		}
	}
}

static void test_tables_required_commands(void **state)
{
	static const char *const want[][2] = {
	    {"system.version", "get"},
	    {"system.hostname", "get"},
	    {"system.hostname", "set"},
	    {"system.uuid", "get"},
	    {"system.settings.advanced", "list"},
	    {"system.settings.advanced", "set"},
	    {"system.maintenanceMode", "get"},
	    {"system.maintenanceMode", "set"},
	    {"system.module", "list"},
	    {"system.module", "load"},
	    {"system.module", "set"},
	    {"network.ip.interface", "list"},
	    {"network.ip.interface.ipv4", "get"},
	    {"network.ip.interface.ipv4", "set"},
	    {"network.nic", "list"},
	    {"network.nic", "get"},
	    {"network.vswitch.standard", "list"},
	    {"network.vswitch.standard", "add"},
	    {"network.vswitch.standard", "remove"},
	    {"network.vswitch.standard.portgroup", "list"},
	    {"network.vswitch.standard.portgroup", "add"},
	    {"network.vswitch.standard.portgroup", "remove"},
	    {"network.firewall", "get"},
	    {"network.firewall", "set"},
	    {"storage.core.device", "list"},
	    {"storage.core.adapter", "list"},
	    {"storage.filesystem", "list"},
	    {"storage.vmfs.extent", "list"},
	    {"software.vib", "list"},
	    {"software.vib", "get"},
	    {"hardware.platform", "get"},
	    {"hardware.cpu.global", "get"},
	    {"hardware.memory", "get"},
	    {"hardware.pci", "list"},
	    {"vm.process", "list"},
	    {"esxcli.command", "list"},
	};

	(void)state;
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		bool found = false;

		for (size_t i = 0; i < prog.ncmds && !found; i++)
			found = strcmp(prog.cmds[i]->ns, want[w][0]) == 0 &&
				strcmp(prog.cmds[i]->verb, want[w][1]) == 0;
		if (!found)
			fail_msg("missing command \"%s %s\"", want[w][0],
				 want[w][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tables_namespaces_declared),
	    cmocka_unit_test(test_tables_commands_unique),
	    cmocka_unit_test(test_tables_options),
	    cmocka_unit_test(test_tables_required_commands),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
