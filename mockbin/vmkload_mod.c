/* vmkload_mod.c - mock of ESXi's VMkernel module loader: -l list, load with
 * parameters, -u unload, -s show info. All state goes through the module
 * API (lib/modules.h), shared with esxcli `system module`. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules.h"
#include "strbuf.h"

#define VMKLOAD_EXIT_FAIL 1

enum vmkload_action {
	VMKLOAD_LOAD = 0,
	VMKLOAD_LIST,
	VMKLOAD_UNLOAD,
	VMKLOAD_SHOW,
};

static const char vmkload_usage[] =
    "Usage: vmkload_mod [options] <module-name> [<parameter>=<value> ...]\n"
    "Load, unload, list or describe VMkernel modules. Modules are loaded\n"
    "from /usr/lib/vmware/vmkmod.\n"
    "\n"
    "  -l|--list            List the loaded modules.\n"
    "  -u|--unload          Unload the named module.\n"
    "  -s|--showinfo        Show information about the named module\n"
    "                       (version, license, parameters).\n"
    "  -f|--force           Unload even if the module is in use.\n"
    "  -e|--exportsym       Export the global symbols of the module.\n"
    "  -v|--verbose <level> Set the verbosity level.\n"
    "  -h|--help            Print this message.\n";

/* VMkernel status text of an errno from the module API; NULL for the
 * errors of the state file itself (bad JSON, I/O). */
static const char *vmk_status(int r)
{
	switch (r) {
	case -ENOENT:
		return "Not found";
	case -EEXIST:
		return "Already exists";
	case -EBUSY:
		return "Busy";
	case -EALREADY:
		return "Not loaded";
	default:
		return NULL;
	}
}

/* Errors of the state file are the mock's, not ESXi's: they name the file
 * and where. */
static int report(const char *what, const char *name, int r)
{
	const char *status = vmk_status(r);

	if (status)
		fprintf(stderr, "vmkload_mod: Can not %s module %s: %s\n", what,
			name, status);
	else
		fprintf(stderr, "vmkload_mod: %s\n",
			*mod_error() ? mod_error() : strerror(-r));
	return VMKLOAD_EXIT_FAIL;
}

static int do_list(void)
{
	struct mod_list l;
	size_t i;
	int r = mod_list_read(&l);

	if (r < 0)
		return report("list", "", r);
	printf("%-25s%4s %s\n", "Name", "Used", "Size (kb)");
	for (i = 0; i < l.n; i++)
		if (l.v[i].loaded)
			printf("%-25s%4u%10u\n", l.v[i].name, l.v[i].use_count,
			       l.v[i].size_kb);
	mod_list_free(&l);
	return 0;
}

static int do_show(const char *name)
{
	struct mod_info m;
	size_t i;
	int r = mod_get(name, &m);

	if (r < 0)
		return report("show", name, r);
	printf("vmkload_mod module information\n");
	printf(" input file: %s\n", m.file);
	if (*m.version)
		printf(" Version: %s\n", m.version);
	printf(" Build Type: %s\n", m.build_type);
	if (*m.license)
		printf(" License: %s\n", m.license);
	for (i = 0; i < m.n_provides; i++) {
		char *at = strchr(m.provides[i], '@');

		if (at)
			*at = '#';
		printf(" Name-space: %s\n", m.provides[i]);
	}
	printf(" Required name-spaces:\n");
	/* vmkload_mod writes name-space versions with '#', esxcli with '@' */
	for (i = 0; i < m.n_requires; i++) {
		char *at = strchr(m.requires[i], '@');

		if (at)
			*at = '#';
		printf("  %s\n", m.requires[i]);
	}
	printf(" Parameters:\n");
	for (i = 0; i < m.n_params; i++) {
		printf("  %s: %s\n", m.params[i].name, m.params[i].type);
		if (*m.params[i].description)
			printf("    %s\n", m.params[i].description);
	}
	mod_info_free(&m);
	return 0;
}

static int do_load(const char *name, int argc, char **argv)
{
	struct strbuf opts;
	char *o;
	int i, r;

	strbuf_init(&opts);
	for (i = 0; i < argc; i++) {
		if (i)
			strbuf_putc(&opts, ' ');
		strbuf_puts(&opts, argv[i]);
	}
	o = strbuf_xtake(&opts);
	r = mod_load(name, argc ? o : NULL, false);
	free(o);
	if (r < 0)
		return report("load", name, r);
	printf("Module %s loaded successfully\n", name);
	return 0;
}

static int do_unload(const char *name, bool force)
{
	int r = mod_unload(name, force);

	if (r < 0)
		return report("unload", name, r);
	printf("Module %s successfully unloaded\n", name);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"list", no_argument, NULL, 'l'},
	    {"unload", no_argument, NULL, 'u'},
	    {"showinfo", no_argument, NULL, 's'},
	    {"force", no_argument, NULL, 'f'},
	    {"exportsym", no_argument, NULL, 'e'},
	    {"verbose", required_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum vmkload_action act = VMKLOAD_LOAD;
	bool force = false;
	int c, nact = 0;

	opterr = 0; /* messages name the program, not argv[0] */
	while ((c = getopt_long(argc, argv, ":lusfev:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'l':
			act = VMKLOAD_LIST;
			nact++;
			break;
		case 'u':
			act = VMKLOAD_UNLOAD;
			nact++;
			break;
		case 's':
			act = VMKLOAD_SHOW;
			nact++;
			break;
		case 'f':
			force = true;
			break;
		case 'e':
		case 'v':
			break;
		case 'h':
			fputs(vmkload_usage, stdout);
			return 0;
		case ':':
			fprintf(stderr,
				"vmkload_mod: option '%s' requires an "
				"argument\n",
				argv[optind - 1]);
			fputs(vmkload_usage, stderr);
			return VMKLOAD_EXIT_FAIL;
		default:
			if (optopt)
				fprintf(stderr,
					"vmkload_mod: invalid option -- '%c'\n",
					optopt);
			else
				fprintf(stderr,
					"vmkload_mod: unrecognized option "
					"'%s'\n",
					argv[optind - 1]);
			fputs(vmkload_usage, stderr);
			return VMKLOAD_EXIT_FAIL;
		}
	}
	if (nact > 1) {
		fprintf(stderr,
			"vmkload_mod: options -l, -u and -s are exclusive\n");
		fputs(vmkload_usage, stderr);
		return VMKLOAD_EXIT_FAIL;
	}
	if (act == VMKLOAD_LIST) {
		if (optind < argc) {
			fputs(vmkload_usage, stderr);
			return VMKLOAD_EXIT_FAIL;
		}
		return do_list();
	}
	if (optind >= argc) {
		fputs(vmkload_usage, stderr);
		return VMKLOAD_EXIT_FAIL;
	}
	if (act != VMKLOAD_LOAD && optind + 1 < argc) {
		fputs(vmkload_usage, stderr);
		return VMKLOAD_EXIT_FAIL;
	}
	switch (act) {
	case VMKLOAD_SHOW:
		return do_show(argv[optind]);
	case VMKLOAD_UNLOAD:
		return do_unload(argv[optind], force);
	default:
		return do_load(argv[optind], argc - optind - 1,
			       argv + optind + 1);
	}
}
