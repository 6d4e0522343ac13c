/* vds_vsipioctl.c - mock of ESXi's /usr/lib/vmware/vds-vsip/bin/
 * vds-vsipioctl: a sub-command table (getfilters, getrules, getaddrsets,
 * getmeminfo) over the state read by vds_vsipioctl_state.c. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "state.h"
#include "vds_vsipioctl_state.h"

#define VSIP_EXIT_FAIL 1

typedef int vsip_fn(json_object *root, const char *filter, struct strbuf *out,
		    char *err, size_t errlen);

struct vsip_cmd {
	const char *name;
	vsip_fn *fn;
	bool needs_filter; /* -f <filter> required */
	bool takes_filter;
	const char *help;
};

static int getmeminfo(json_object *root, const char *filter, struct strbuf *out,
		      char *err, size_t errlen)
{
	(void)filter;
	return vsip_getmeminfo(root, out, err, errlen);
}

static const struct vsip_cmd vsip_cmds[] = {
    {"getaddrsets", vsip_getaddrsets, true, true,
     "-f <filter>  show the address sets of a filter"},
    {"getfilters", vsip_getfilters, false, true,
     "[-f <filter>] list the firewall filters"},
    {"getmeminfo", getmeminfo, false, false,
     "             show the firewall memory heaps"},
    {"getrules", vsip_getrules, true, true,
     "-f <filter>  show the rules of a filter"},
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: vds-vsipioctl <command> [options]\n\nCommands:\n");
	for (i = 0; i < sizeof(vsip_cmds) / sizeof(vsip_cmds[0]); i++)
		fprintf(f, "  %-12s %s\n", vsip_cmds[i].name,
			vsip_cmds[i].help);
	fprintf(f, "\nOptions:\n"
		   "  -f, --filter <name>  filter name (see getfilters)\n"
		   "  -h, --help           print this help\n");
}

static int run(const struct vsip_cmd *c, const char *filter)
{
	struct state_err serr;
	char err[sizeof(serr.msg)];
	json_object *root = NULL;
	struct strbuf out;
	int r = state_json_read(STATE_VSIP, &root, &serr);

	if (r == -ENOENT) {
		root = json_object_new_object();
	} else if (r < 0) {
		fprintf(stderr, "vds-vsipioctl: %s\n", serr.msg);
		return VSIP_EXIT_FAIL;
	}
	strbuf_init(&out);
	r = c->fn(root, filter, &out, err, sizeof(err));
	json_object_put(root);
	if (r < 0) {
		strbuf_release(&out);
		fprintf(stderr, "%s%s\n",
			r == -EBADMSG ? "vds-vsipioctl: " : "", err);
		return VSIP_EXIT_FAIL;
	}
	strbuf_xwrite(&out, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct vsip_cmd *c = NULL;
	const char *filter = NULL;
	size_t i;
	int k;

	if (argc < 2) {
		usage(stderr);
		return VSIP_EXIT_FAIL;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(vsip_cmds) / sizeof(vsip_cmds[0]); i++)
		if (strcmp(vsip_cmds[i].name, argv[1]) == 0)
			c = &vsip_cmds[i];
	if (!c) {
		fprintf(stderr, "vds-vsipioctl: unknown command '%s'\n",
			argv[1]);
		usage(stderr);
		return VSIP_EXIT_FAIL;
	}
	for (k = 2; k < argc; k++) {
		if ((strcmp(argv[k], "-f") == 0 ||
		     strcmp(argv[k], "--filter") == 0) &&
		    c->takes_filter) {
			if (k + 1 >= argc) {
				fprintf(stderr,
					"vds-vsipioctl: option '%s' needs a "
					"filter name\n",
					argv[k]);
				return VSIP_EXIT_FAIL;
			}
			filter = argv[++k];
		} else if (strcmp(argv[k], "-h") == 0 ||
			   strcmp(argv[k], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr,
				"vds-vsipioctl: unexpected argument '%s'\n",
				argv[k]);
			usage(stderr);
			return VSIP_EXIT_FAIL;
		}
	}
	if (c->needs_filter && !filter) {
		fprintf(stderr, "vds-vsipioctl: %s needs -f <filter>\n",
			c->name);
		usage(stderr);
		return VSIP_EXIT_FAIL;
	}
	return run(c, filter);
}
