/* vmkfstools.c - mock of ESXi's vmkfstools: option parsing and messages for
 * -c/-i/-X/-U/-E (vmkfstools_disk.c) and -P [-h] (vmkfstools_fs.c). One
 * command per run, the vmfsPath last, as on ESXi. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "vmkfstools_disk.h"
#include "vmkfstools_fs.h"

#define VMKFS_EXIT_FAIL 1

enum vmkfs_cmd {
	VMKFS_NONE = 0,
	VMKFS_CREATE,
	VMKFS_CLONE,
	VMKFS_EXTEND,
	VMKFS_DELETE,
	VMKFS_RENAME,
	VMKFS_QUERYFS,
};

struct vmkfs_args {
	enum vmkfs_cmd cmd;
	int ncmds;
	const char *size;    /* -c / -X */
	const char *src;     /* -i / -E */
	const char *format;  /* -d */
	const char *adapter; /* -a */
	bool human;          /* -h */
	const char *path;    /* vmfsPath */
};

static const char vmkfs_usage[] =
    "OPTIONS FOR FILE SYSTEMS:\n"
    "\n"
    "vmkfstools -C --createfs [vmfs5|vmfs6|vfat]\n"
    "               -S --setfsname fsName\n"
    "           -Z --spanfs span-partition\n"
    "           -G --growfs grown-partition\n"
    "   deviceName\n"
    "\n"
    "           -P --queryfs -h --humanreadable\n"
    "           -T --upgradevmfs\n"
    "   vmfsPath\n"
    "\n"
    "OPTIONS FOR VIRTUAL DISKS:\n"
    "\n"
    "vmkfstools -c --createvirtualdisk #[bBsSkKmMgGtT]\n"
    "               -d --diskformat [zeroedthick|\n"
    "                                thin|\n"
    "                                eagerzeroedthick]\n"
    "               -a --adaptertype [buslogic|lsilogic|ide|lsisas|pvscsi]\n"
    "           -U --deletevirtualdisk\n"
    "           -E --renamevirtualdisk srcDisk\n"
    "           -i --clonevirtualdisk srcDisk\n"
    "               -d --diskformat [zeroedthick|\n"
    "                                thin|\n"
    "                                eagerzeroedthick]\n"
    "           -X --extendvirtualdisk #[bBsSkKmMgGtT]\n"
    "               [-d --diskformat eagerzeroedthick]\n"
    "   vmfsPath\n";

static int usage_fail(const char *msg)
{
	if (msg)
		fprintf(stderr, "%s\n", msg);
	fputs(vmkfs_usage, stderr);
	return VMKFS_EXIT_FAIL;
}

static void set_cmd(struct vmkfs_args *a, enum vmkfs_cmd c)
{
	if (a->cmd != c)
		a->ncmds++;
	a->cmd = c;
}

static int parse_args(int argc, char **argv, struct vmkfs_args *a)
{
	static const struct option longopts[] = {
	    {"createvirtualdisk", required_argument, NULL, 'c'},
	    {"diskformat", required_argument, NULL, 'd'},
	    {"adaptertype", required_argument, NULL, 'a'},
	    {"clonevirtualdisk", required_argument, NULL, 'i'},
	    {"extendvirtualdisk", required_argument, NULL, 'X'},
	    {"deletevirtualdisk", no_argument, NULL, 'U'},
	    {"renamevirtualdisk", required_argument, NULL, 'E'},
	    {"queryfs", no_argument, NULL, 'P'},
	    {"humanreadable", no_argument, NULL, 'h'},
	    {"verbose", required_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'H'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:d:a:i:X:UE:Phv:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			set_cmd(a, VMKFS_CREATE);
			a->size = optarg;
			break;
		case 'X':
			set_cmd(a, VMKFS_EXTEND);
			a->size = optarg;
			break;
		case 'i':
			set_cmd(a, VMKFS_CLONE);
			a->src = optarg;
			break;
		case 'E':
			set_cmd(a, VMKFS_RENAME);
			a->src = optarg;
			break;
		case 'U':
			set_cmd(a, VMKFS_DELETE);
			break;
		case 'P':
			set_cmd(a, VMKFS_QUERYFS);
			break;
		case 'd':
			a->format = optarg;
			break;
		case 'a':
			a->adapter = optarg;
			break;
		case 'h':
			a->human = true;
			break;
		case 'v':
			break;
		case 'H':
			fputs(vmkfs_usage, stdout);
			exit(0);
		case ':':
			fprintf(stderr, "Option %s requires an argument\n",
				argv[optind - 1]);
			return -EINVAL;
		default:
			fprintf(stderr, "Unknown option %s\n",
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind + 1 == argc)
		a->path = argv[optind];
	else if (optind + 1 < argc)
		return -E2BIG;
	return 0;
}

static int check_format(const struct vmkfs_args *a, enum vd_format *f)
{
	int r;

	*f = VD_ZEROEDTHICK;
	if (!a->format)
		return 0;
	r = vd_parse_format(a->format, f);
	if (r == -ENOTSUP) {
		fprintf(stderr,
			"Disk format '%s' is not supported by esxmock\n",
			a->format);
		return r;
	}
	if (r < 0)
		fprintf(stderr, "Invalid disk format '%s'\n", a->format);
	return r;
}

static int check_size(const char *s, uint64_t *bytes)
{
	if (vd_parse_size(s, bytes) < 0) {
		fprintf(stderr, "Invalid size '%s'\n", s);
		return -EINVAL;
	}
	return 0;
}

static int check_adapter(const char *a)
{
	static const char *const ok[] = {"buslogic", "lsilogic", "ide",
					 "lsisas", "pvscsi"};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(a, ok[i]) == 0)
			return 0;
	fprintf(stderr, "Invalid adapter type '%s'\n", a);
	return -EINVAL;
}

static int cmd_create(const struct vmkfs_args *a)
{
	struct vd_create c = {0};
	struct vd_err e;

	if (check_size(a->size, &c.bytes) < 0 ||
	    check_format(a, &c.format) < 0 ||
	    (a->adapter && check_adapter(a->adapter) < 0))
		return VMKFS_EXIT_FAIL;
	c.adapter = a->adapter;
	if (c.format == VD_EAGERZEROEDTHICK)
		printf("Creating disk '%s' and zeroing it out...\n", a->path);
	if (vd_create(a->path, &c, &e) < 0) {
		fflush(stdout);
		fprintf(stderr, "%s\n", e.msg);
		return VMKFS_EXIT_FAIL;
	}
	printf("Create: 100%% done.\n");
	return 0;
}

static int cmd_clone(const struct vmkfs_args *a)
{
	enum vd_format f;
	struct vd_err e;

	if (check_format(a, &f) < 0)
		return VMKFS_EXIT_FAIL;
	if (a->adapter)
		printf("Option --adaptertype is deprecated and hence will be "
		       "ignored\n");
	if (vd_check(a->src, &e) < 0) {
		fflush(stdout);
		fprintf(stderr, "%s\n", e.msg);
		return VMKFS_EXIT_FAIL;
	}
	printf("Destination disk format: %s\n", vd_format_name(f));
	printf("Cloning disk '%s'...\n", a->src);
	fflush(stdout);
	if (vd_clone(a->src, a->path, f, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return VMKFS_EXIT_FAIL;
	}
	printf("Clone: 100%% done.\n");
	return 0;
}

static int cmd_extend(const struct vmkfs_args *a)
{
	struct vd_err e;
	enum vd_format f;
	uint64_t bytes;

	if (check_size(a->size, &bytes) < 0 || check_format(a, &f) < 0)
		return VMKFS_EXIT_FAIL;
	if (vd_extend(a->path, bytes, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return VMKFS_EXIT_FAIL;
	}
	return 0;
}

static int cmd_delete(const struct vmkfs_args *a)
{
	struct vd_err e;

	if (vd_delete(a->path, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return VMKFS_EXIT_FAIL;
	}
	return 0;
}

static int cmd_rename(const struct vmkfs_args *a)
{
	struct vd_err e;

	if (vd_rename(a->src, a->path, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return VMKFS_EXIT_FAIL;
	}
	return 0;
}

static int cmd_queryfs(const struct vmkfs_args *a)
{
	struct strbuf out;
	char err[512];

	strbuf_init(&out);
	if (vfs_query(a->path, a->human, &out, err, sizeof(err)) < 0) {
		strbuf_release(&out);
		fprintf(stderr, "%s\n", err);
		return VMKFS_EXIT_FAIL;
	}
	strbuf_xwrite(&out, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct vmkfs_args a;
	int r = parse_args(argc, argv, &a);

	if (r == -E2BIG)
		return usage_fail("Too many arguments");
	if (r < 0)
		return usage_fail(NULL);
	if (a.ncmds == 0)
		return usage_fail("No valid command specified");
	if (a.ncmds > 1)
		return usage_fail("Only one command may be given");
	if (!a.path)
		return usage_fail("No vmfsPath specified");
	switch (a.cmd) {
	case VMKFS_CREATE:
		return cmd_create(&a);
	case VMKFS_CLONE:
		return cmd_clone(&a);
	case VMKFS_EXTEND:
		return cmd_extend(&a);
	case VMKFS_DELETE:
		return cmd_delete(&a);
	case VMKFS_RENAME:
		return cmd_rename(&a);
	case VMKFS_QUERYFS:
		return cmd_queryfs(&a);
	default:
		return usage_fail("No valid command specified");
	}
}
