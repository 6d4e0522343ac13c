/* test_cli.c - unit tests of the esxcli dispatcher (mockbin/lib/cli) on a
 * small command table: namespace walk and listings, option forms, every
 * parse error of docs/esx-cli-reference.md 2.4, usage text, global
 * options, and a result going through the formatters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What the last handler saw. */
static char seen[512];

static int h_echo(struct cli_call *c)
{
	const char *const *v;
	size_t n = cli_multi(c, "item", &v);

	snprintf(
	    seen, sizeof(seen), "name=%s vlan=%lld flag=%d on=%d n=%zu%s%s",
	    cli_str(c, "name") ? cli_str(c, "name") : "-",
	    cli_long(c, "vlan", -1), cli_given(c, "flag"),
	    cli_bool(c, "on", false), n, n ? " first=" : "", n ? v[0] : "");
	fmt_prim_bool(c->res, true);
	return 0;
}

static int h_fail(struct cli_call *c)
{
	return cli_fault(c, "Something went wrong for %s", "x");
}

static const struct fmt_field row_fields[] = {
    {"Name", "Name", FMT_STRING, NULL, NULL},
    {"VirtualSwitch", "Virtual Switch", FMT_STRING, NULL, NULL},
    {"ActiveClients", "Active Clients", FMT_INT, NULL, NULL},
    {"VLANID", "VLAN ID", FMT_INT, NULL, NULL},
    {0}};
static const struct fmt_schema row_schema = {"PortGroup", row_fields, NULL};

static int h_rows(struct cli_call *c)
{
	struct fmt_rec *r;

	fmt_set_list(c->res, &row_schema);
	r = fmt_add(c->res);
	fmt_str(r, "Name", "VM Network");
	fmt_str(r, "VirtualSwitch", "vSwitch0");
	fmt_int(r, "ActiveClients", 1);
	fmt_int(r, "VLANID", 0);
	r = fmt_add(c->res);
	fmt_str(r, "Name", "a,\"b\"");
	fmt_str(r, "VirtualSwitch", "vSwitch1");
	fmt_int(r, "ActiveClients", 12);
	fmt_int(r, "VLANID", 4095);
	return 0;
}

static const struct cli_opt echo_opts[] = {
    {"flag", "-f|--flag", CLI_FLAG, false, false, NULL, "A flag."},
    {"item", "-i|--item", CLI_STR, false, true, NULL, "Repeatable."},
    {"mode", "-m|--mode", CLI_STR, false, false, "fast|slow", "A mode."},
    {"name", "-n|--name", CLI_STR, true, false, NULL, "The name."},
    {"on", "-o|--on", CLI_BOOL, false, false, NULL, "A boolean."},
    {"vlan", "-v|--vlan-id", CLI_LONG, false, false, NULL,
     "The vlan id for this port group. This value is in the range (0 - "
     "4095)"},
    {"portgroupname", "-p|--portgroup-name", CLI_STR, false, false, NULL,
     "The name of the port group to set vlan id for."},
    {0}};

static const struct cli_opt two_required[] = {
    {"b", "-b|--bee", CLI_STR, true, false, NULL, "B."},
    {"a", "-a|--aye", CLI_STR, true, false, NULL, "A."},
    {0}};

static const struct cli_cmd cmds[] = {
    {"net.thing", "echo", "Echo the options.", echo_opts, h_echo,
     FMT_LAYOUT_NONE},
    {"net.thing", "fail", "Always fails.", NULL, h_fail, FMT_LAYOUT_NONE},
    {"net.thing", "rows", "List rows.", NULL, h_rows, FMT_LAYOUT_TABLE},
    {"net", "two", "Two required options.", two_required, h_echo,
     FMT_LAYOUT_NONE},
    {0}};

static const struct cli_ns nss[] = {
    {"net", "Network things."},
    {"net.thing", "A thing with a rather long description."},
    {"sys", "System things."},
    {0}};

static const struct cli_cmd *const cmd_tables[] = {cmds, NULL};
static const struct cli_ns *const ns_tables[] = {nss, NULL};

struct run {
	int rc;
	char *out, *err;
};

static struct run run_argv(const char *name, const char *args[])
{
	struct cli_prog p;
	struct run r;
	size_t no, ne;
	int n = 0;

	while (args[n])
		n++;
	assert_int_equal(cli_prog_init(&p, name, cmd_tables, ns_tables), 0);
	p.localcli = strcmp(name, "localcli") == 0;
	p.out = open_memstream(&r.out, &no);
	p.err = open_memstream(&r.err, &ne);
	seen[0] = '\0';
	r.rc = cli_run(&p, n, (char **)args);
	fclose(p.out);
	fclose(p.err);
	cli_prog_release(&p);
	return r;
}

#define RUN(...) run_argv("esxcli", (const char *[]){__VA_ARGS__, NULL})

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void test_cli_top_level_usage(void **state)
{
	struct run r = run_argv("esxcli", (const char *[]){NULL});

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(
	    r.out,
	    "Usage: esxcli [options] {namespace}+ {cmd} [cmd options]\n"
	    "\n"
	    "Options:\n"
	    "  --formatter=FORMATTER\n"
	    "                        Override the formatter to use for a "
	    "given command. Available formatters: xml, csv, keyvalue.\n"
	    "  --screen-width=SCREENWIDTH\n"
	    "                        Use the specified screen width when "
	    "formatting text.\n"
	    "  --debug               Enable debug or internal use options.\n"
	    "  --log-verbose         Enable verbose logging.\n"
	    "  -?, --help            Display usage information.\n"
	    "\n"
	    "Available Namespaces:\n"
	    "  net                   Network things.\n"
	    "  sys                   System things.\n");
	assert_string_equal(r.err, "");
	run_free(&r);
}

static void test_cli_namespace_listing(void **state)
{
	struct run r = RUN("net");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(
	    r.out, "Usage: esxcli net {cmd} [cmd options]\n"
		   "\n"
		   "Available Namespaces:\n"
		   "  thing                 A thing with a rather long "
		   "description.\n"
		   "\n"
		   "Available Commands:\n"
		   "  two                   Two required options.\n");
	run_free(&r);
	r = run_argv("localcli", (const char *[]){"net", "thing", NULL});
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out,
			    "Usage: localcli net thing {cmd} [cmd options]\n"
			    "\n"
			    "Available Commands:\n"
			    "  echo                  Echo the options.\n"
			    "  fail                  Always fails.\n"
			    "  rows                  List rows.\n");
	run_free(&r);
}

static void test_cli_option_forms(void **state)
{
	struct run r = RUN("net", "thing", "echo", "-n", "x", "--vlan-id=12",
			   "-f", "--on", "yes", "-i=a", "--item", "b");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(seen, "name=x vlan=12 flag=1 on=1 n=2 first=a");
	assert_string_equal(r.out, ""); /* layout none: nothing printed */
	run_free(&r);
	r = RUN("net", "thing", "echo", "-n", "x", "-i", "[", "p", "q", "]",
		"-i", "r");
	assert_int_equal(r.rc, 0);
	assert_string_equal(seen, "name=x vlan=-1 flag=0 on=0 n=3 first=p");
	run_free(&r);
	r = RUN("net", "thing", "echo", "-n", "x", "-i", "[", "p");
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "Error: -i must have value\n"));
	run_free(&r);
	r = RUN("--formatter=xml", "net", "thing", "echo", "--name=y");
	assert_int_equal(r.rc, 0);
	assert_string_equal(
	    r.out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		   "<output xmlns=\"http://www.vmware.com/Products/ESX/5.0/"
		   "esxcli\">\n<root>\n   <boolean>true</boolean>\n"
		   "</root>\n</output>\n");
	run_free(&r);
}

static const char echo_usage[] =
    "Usage: esxcli net thing echo [cmd options]\n"
    "\n"
    "Description: \n"
    "  echo                  Echo the options.\n"
    "\n"
    "Cmd options:\n"
    "  -f|--flag             A flag.\n"
    "  -i|--item=<str>       Repeatable.\n"
    "  -m|--mode=<str>       A mode.\n"
    "  -n|--name=<str>       The name. (required)\n"
    "  -o|--on=<bool>        A boolean.\n"
    "  -p|--portgroup-name=<str>\n"
    "                        The name of the port group to set vlan id "
    "for.\n"
    "  -v|--vlan-id=<long>   The vlan id for this port group. This value "
    "is in the range (0 - 4095)\n";

static void test_cli_command_help(void **state)
{
	struct run r = RUN("net", "thing", "echo", "--help");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, echo_usage);
	assert_string_equal(r.err, "");
	run_free(&r);
}

/* A parse error prints "Error: <msg>", an empty line and the usage. */
static void expect_parse_error(struct run r, const char *msg)
{
	char want[4096];

	snprintf(want, sizeof(want), "Error: %s\n\n%s", msg, echo_usage);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, want);
	run_free(&r);
}

static void test_cli_parse_errors(void **state)
{
	(void)state;
	expect_parse_error(RUN("net", "thing", "echo", "-n", "x", "--device"),
			   "Invalid option --device");
	expect_parse_error(RUN("net", "thing", "echo", "-n", "x", "word"),
			   "Invalid option word");
	expect_parse_error(RUN("net", "thing", "echo"),
			   "Missing required parameter -n|--name");
	expect_parse_error(
	    RUN("net", "thing", "echo", "-n", "x", "--vlan-id=LT-3100"),
	    "While processing '--vlan-id'. Argument type "
	    "mismatch. Expecting integer value. Got 'LT-3100'");
	expect_parse_error(
	    RUN("net", "thing", "echo", "-n", "x", "-o", "maybe"),
	    "While processing '-o'. Argument type mismatch. "
	    "Expecting one of {0, 1, n[o], y[es], f[alse], "
	    "t[rue], off, on}. Got 'maybe'");
	expect_parse_error(
	    RUN("net", "thing", "echo", "-n", "x", "--flag=true"),
	    "'--flag' is a flag and cannot accept any values.");
	expect_parse_error(RUN("net", "thing", "echo", "-n", "x", "--vlan-id"),
			   "--vlan-id must have value");
	expect_parse_error(RUN("net", "thing", "echo", "-n", "x", "-m", "warp"),
			   "'warp' must be one of [fast|slow]");
	expect_parse_error(
	    RUN("net", "thing", "echo", "-n", "x", "-v", "1", "-v", "2"),
	    "Duplicated option -v");
}

static void test_cli_missing_several(void **state)
{
	struct run r = RUN("net", "two");

	(void)state;
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err,
			    "Error: Missing required parameter -b|--bee\n"
			    "       Missing required parameter -a|--aye\n"
			    "\n"
			    "Usage: esxcli net two [cmd options]\n"
			    "\n"
			    "Description: \n"
			    "  two                   Two required options.\n"
			    "\n"
			    "Cmd options:\n"
			    "  -a|--aye=<str>        A. (required)\n"
			    "  -b|--bee=<str>        B. (required)\n");
	run_free(&r);
}

static void test_cli_unknown_words(void **state)
{
	struct run r = RUN("net", "thing", "frob", "-x", "1");

	(void)state;
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err,
			    "Error: Unknown command or namespace net thing "
			    "frob\n");
	run_free(&r);
	r = RUN("graphics", "host", "refresh");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "Error: Unknown command or namespace "
				   "graphics host refresh\n");
	run_free(&r);
}

static void test_cli_global_options(void **state)
{
	struct run r = RUN("--frob", "net");

	(void)state;
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.err, "Usage: esxcli [options] {namespace}+ "
				   "{cmd} [cmd options]\n\n"
				   "esxcli: error: no such option: --frob\n");
	run_free(&r);
	r = RUN("--plugin-dir", "/x", "net");
	assert_int_equal(r.rc, 2);
	run_free(&r);
	r = run_argv("localcli",
		     (const char *[]){"--plugin-dir", "/x", "net", NULL});
	assert_int_equal(r.rc, 0);
	run_free(&r);
	r = RUN("--formatter=yaml", "net", "thing", "rows");
	assert_int_equal(r.rc, 1);
	assert_string_equal(
	    r.err, "Error: Unable to find requested formatter: yaml\n");
	run_free(&r);
	r = RUN("--formatter=table", "net", "thing", "rows");
	assert_int_equal(r.rc, 1);
	run_free(&r);
	r = RUN("--screen-width=0", "net");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "Error: Invalid screen width\n");
	run_free(&r);
	r = RUN("--help", "net", "thing");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Available Namespaces:\n  net "));
	run_free(&r);
	r = RUN("--formatter");
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.err,
			    "Usage: esxcli [options] {namespace}+ {cmd} [cmd "
			    "options]\n\nesxcli: error: --formatter option "
			    "requires an argument\n");
	run_free(&r);
}

static void test_cli_fault(void **state)
{
	struct run r = RUN("net", "thing", "fail");

	(void)state;
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "Something went wrong for x\n");
	run_free(&r);
}

static void test_cli_formatters(void **state)
{
	struct run r = RUN("net", "thing", "rows");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(
	    r.out, "Name        Virtual Switch  Active Clients  VLAN ID\n"
		   "----------  --------------  --------------  -------\n"
		   "VM Network  vSwitch0                     1        0\n"
		   "a,\"b\"       vSwitch1                    12     4095\n");
	run_free(&r);
	r = RUN("--format-param=show-header=false", "net", "thing", "rows");
	assert_string_equal(r.out, "VM Network  vSwitch0   1     0\n"
				   "a,\"b\"       vSwitch1  12  4095\n");
	run_free(&r);
	r = RUN("--format-param", "fields=vlan id,NAME", "net", "thing",
		"rows");
	assert_string_equal(r.out, "VLAN ID  Name\n"
				   "-------  ----\n"
				   "      0  VM Network\n"
				   "   4095  a,\"b\"\n");
	run_free(&r);
	r = RUN("--formatter=csv", "net", "thing", "rows");
	assert_string_equal(r.out, "ActiveClients,Name,VLANID,VirtualSwitch,\n"
				   "1,VM Network,0,vSwitch0,\n"
				   "12,\"a,\"\"b\"\"\",4095,vSwitch1,\n");
	run_free(&r);
	r = RUN("--formatter=csv", "--format-param=fields==Name,VLANID", "net",
		"thing", "rows");
	assert_string_equal(r.out, "Name,VLANID,\n"
				   "VM Network,0,\n"
				   "\"a,\"\"b\"\"\",4095,\n");
	run_free(&r);
	r = RUN("--formatter=keyvalue", "net", "thing", "rows");
	assert_string_equal(r.out,
			    "structure[0].PortGroup.ActiveClients.integer=1\n"
			    "structure[0].PortGroup.Name.string=VM Network\n"
			    "structure[0].PortGroup.VLANID.integer=0\n"
			    "structure[0].PortGroup.VirtualSwitch.string="
			    "vSwitch0\n"
			    "structure[1].PortGroup.ActiveClients.integer=12\n"
			    "structure[1].PortGroup.Name.string=a,\"b\"\n"
			    "structure[1].PortGroup.VLANID.integer=4095\n"
			    "structure[1].PortGroup.VirtualSwitch.string="
			    "vSwitch1\n");
	run_free(&r);
	r = RUN("--formatter=json", "net", "thing", "rows");
	assert_string_equal(
	    r.out, "[{\"ActiveClients\": 1, \"Name\": \"VM Network\", "
		   "\"VLANID\": 0, \"VirtualSwitch\": \"vSwitch0\"}, "
		   "{\"ActiveClients\": 12, \"Name\": \"a,\\\"b\\\"\", "
		   "\"VLANID\": 4095, \"VirtualSwitch\": "
		   "\"vSwitch1\"}]\n");
	run_free(&r);
	r = RUN("--debug", "--formatter=simple", "net", "thing", "rows");
	assert_string_equal(r.out, "   Name: VM Network\n"
				   "   Virtual Switch: vSwitch0\n"
				   "   Active Clients: 1\n"
				   "   VLAN ID: 0\n"
				   "\n"
				   "   Name: a,\"b\"\n"
				   "   Virtual Switch: vSwitch1\n"
				   "   Active Clients: 12\n"
				   "   VLAN ID: 4095\n");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cli_top_level_usage),
	    cmocka_unit_test(test_cli_namespace_listing),
	    cmocka_unit_test(test_cli_option_forms),
	    cmocka_unit_test(test_cli_command_help),
	    cmocka_unit_test(test_cli_parse_errors),
	    cmocka_unit_test(test_cli_missing_several),
	    cmocka_unit_test(test_cli_unknown_words),
	    cmocka_unit_test(test_cli_global_options),
	    cmocka_unit_test(test_cli_fault),
	    cmocka_unit_test(test_cli_formatters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
