/* esxcli_main.c - main() of the mock esxcli and localcli: one binary, the
 * name it was run under (argv[0]) picks the personality. localcli differs
 * only in its name in messages and its --plugin-dir option
 * (docs/esx-cli-reference.md 2.1). */
#include "esxcli.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct cli_prog prog;
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;
	int rc;

	name = name ? name + 1 : (argc > 0 ? argv[0] : "esxcli");
	if (cli_prog_init(&prog, "esxcli", esxcli_all_cmds, esxcli_all_ns)) {
		fputs("Runtime error: out of memory\n", stderr);
		return 1;
	}
	if (strcmp(name, "localcli") == 0) {
		prog.name = "localcli";
		prog.localcli = true;
	}
	rc = cli_run(&prog, argc > 0 ? argc - 1 : 0, argv + (argc > 0));
	cli_prog_release(&prog);
	fflush(stdout);
	return rc;
}
