/* mf_cli.c - "esxmockctl manifest ...": import-listing, validate,
 * materialize. Owns argv parsing and messages of these subcommands; the
 * work lives in mf_import.c, mf_load and mf_materialize.c. */
#include "mf_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "manifest.h"
#include "mf_import.h"
#include "mf_materialize.h"

#define MFC_MAX_INPUT (512u << 20) /* a listing or manifest file */

struct mfc_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

static int mfc_import(int argc, char **argv);
static int mfc_validate(int argc, char **argv);
static int mfc_materialize(int argc, char **argv);

static const struct mfc_cmd mfc_cmds[] = {
    {"import-listing", mfc_import, "[--quiet] LISTING.json|- > out.json",
     "convert an ESXi file listing into a manifest"},
    {"validate", mfc_validate,
     "[--shadow-root DIR] [--content-root DIR] FILE...",
     "load manifests as one stack and report errors"},
    {"materialize", mfc_materialize,
     "[--shadow-root DIR] [--content-root DIR] MANIFEST... DIR",
     "build a plain directory copy of a manifest stack"},
};
#define MFC_NCMDS (sizeof(mfc_cmds) / sizeof(mfc_cmds[0]))

static void mfc_usage(FILE *f)
{
	fprintf(f, "usage: esxmockctl manifest SUBCOMMAND [ARGS...]\n\n"
		   "subcommands:\n");
	for (size_t i = 0; i < MFC_NCMDS; i++)
		fprintf(f, "  %-15s %s\n", mfc_cmds[i].name, mfc_cmds[i].help);
	fprintf(f, "\nRun 'esxmockctl manifest SUBCOMMAND --help' for its "
		   "options. Formats: manifest/FORMAT.md.\n");
}

int mf_cli_main(int argc, char **argv)
{
	if (argc < 2) {
		mfc_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		mfc_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < MFC_NCMDS; i++)
		if (!strcmp(argv[1], mfc_cmds[i].name))
			return mfc_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "esxmockctl manifest: unknown subcommand '%s'\n",
		argv[1]);
	mfc_usage(stderr);
	return 2;
}

/* Reads a whole file ("-" = stdin) into a NUL-terminated buffer. */
static int mfc_read(const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *buf;
	int rc = 0;

	*out = NULL;
	if (!f)
		return -errno;
	buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n < cap) {
			if (ferror(f))
				rc = -EIO;
			break;
		}
		if (cap >= MFC_MAX_INPUT) {
			rc = -EFBIG;
			break;
		}
		cap *= 2;
		{
			char *nb = realloc(buf, cap + 1);

			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		return -ENOMEM;
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* ---- import-listing ----------------------------------------------------- */

static void mfc_import_help(FILE *f)
{
	fprintf(f,
		"usage: esxmockctl manifest import-listing [--quiet] "
		"LISTING.json|- > out.json\n"
		"       esxmockctl manifest import-listing --print-links\n\n"
		"Converts an ESXi file listing into a manifest (format v1) on "
		"stdout, one\n"
		"entry per line, sorted by path. It reads the legacy rows of\n"
		"  find / | xargs stat -c '{ \"hstat\": \"%%A\", \"stat\": "
		"\"%%a\", \"owner\": \"%%U\", \"group\": \"%%G\", \"path\": "
		"\"%%n\" },'\n"
		"(a trailing comma and a missing [ ] are tolerated) and the "
		"richer\n"
		"{\"format\": \"esxmock-listing\"} document of "
		"scripts/esx-file-listing.sh\n"
		"(symlink targets, sizes, mtimes, ids, device numbers).\n\n"
		"Exact duplicate rows are dropped; relative rows (from the "
		"capture's '*'\n"
		"glob) are resolved against the one directory holding all of "
		"them, or\n"
		"dropped; symlinks without a target get one from the table "
		"of known ESXi\n"
		"links (manifest/LINKS.md) or the placeholder '%s'.\n"
		"A report with counts per reason goes to stderr. Malformed "
		"rows are errors\n"
		"naming the row index; nothing is written then.\n\n"
		"options:\n"
		"  -q, --quiet        no report on stderr (warnings and "
		"errors still)\n"
		"      --print-links  print the known-links table as Markdown "
		"and exit\n"
		"  -h, --help         this help\n",
		MF_IMPORT_PLACEHOLDER);
}

static int mfc_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},
	    {"print-links", no_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mf_import_report rep;
	struct mf_error err;
	bool quiet = false;
	char *in = NULL, *out = NULL, eb[1200];
	size_t in_len = 0, out_len = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'L':
			mf_import_links_markdown(stdout);
			return 0;
		case 'h':
			mfc_import_help(stdout);
			return 0;
		default:
			mfc_import_help(stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "esxmockctl manifest import-listing: expected "
				"one LISTING file (or -)\n");
		mfc_import_help(stderr);
		return 2;
	}
	rc = mfc_read(argv[optind], &in, &in_len);
	if (rc) {
		fprintf(stderr, "esxmockctl: cannot read '%s': %s\n",
			argv[optind], strerror(-rc));
		return 1;
	}
	rc = mf_import_listing(in, in_len, argv[optind], &out, &out_len, &rep,
			       stderr, &err);
	free(in);
	if (rc) {
		fprintf(stderr, "esxmockctl: %s\n",
			mf_error_str(&err, eb, sizeof(eb)));
		return 1;
	}
	if (!quiet)
		mf_import_report_print(&rep, stderr);
	if (fwrite(out, 1, out_len, stdout) != out_len || fflush(stdout)) {
		fprintf(stderr, "esxmockctl: cannot write the manifest: %s\n",
			strerror(errno));
		free(out);
		return 1;
	}
	free(out);
	return 0;
}

/* ---- validate ---------------------------------------------------------- */

static void mfc_validate_help(FILE *f)
{
	fprintf(f,
		"usage: esxmockctl manifest validate [--shadow-root DIR] "
		"[--content-root DIR] FILE...\n\n"
		"Loads the manifests in order as one stack (later files "
		"override earlier\n"
		"ones), exactly as esxfsd -m FILE -m FILE... would, and prints "
		"'ok: N entries'\n"
		"or the first error as FILE:LINE:COL or FILE: /json/pointer: "
		"message.\n"
		"With --shadow-root (--content-root) it also checks that every "
		"\"shadow\"\n"
		"(\"file\") content source exists there as a regular file.\n"
		"Exit status: 0 valid, 1 invalid, 2 usage.\n");
}

/* Loads the n manifest files as one stack (later ones override earlier
 * ones). 0, or 1 (the exit status) after printing why on stderr. */
static int mfc_load_files(char **files, int n, struct mf_manifest **m)
{
	struct mf_source *srcs = calloc((size_t)n, sizeof(*srcs));
	struct mf_error err = {0};
	char eb[1200];
	int rc;

	if (!srcs)
		return 1;
	for (int i = 0; i < n; i++)
		srcs[i].name = files[i];
	rc = mf_load(srcs, (size_t)n, m, &err);
	free(srcs);
	if (rc) {
		fprintf(stderr, "%s\n", mf_error_str(&err, eb, sizeof(eb)));
		return 1;
	}
	return 0;
}

static int mfc_check_sources(const struct mf_manifest *m, const char *shadow,
			     const char *croot)
{
	size_t i, missing = 0;

	for (i = 0; i < m->n_entries; i++) {
		const struct mf_entry *e = &m->entries[i];
		char host[8192];
		struct stat st;

		if (e->type != MF_REG)
			continue;
		if (e->content.kind == MF_SRC_SHADOW && shadow)
			mf_shadow_host_path(shadow, e->content.path, host,
					    sizeof(host));
		else if (e->content.kind == MF_SRC_FILE && croot)
			snprintf(host, sizeof(host), "%s/%s", croot,
				 e->content.path);
		else
			continue;
		if (stat(host, &st) || !S_ISREG(st.st_mode)) {
			if (missing++ < 20)
				fprintf(stderr,
					"%s: '%s': content '%s' is missing "
					"(looked at '%s')\n",
					e->origin ? e->origin : "?", e->path,
					e->content.path, host);
		}
	}
	if (missing)
		fprintf(stderr, "error: %zu content sources missing\n",
			missing);
	return missing ? 1 : 0;
}

static int mfc_validate(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"shadow-root", required_argument, NULL, 's'},
	    {"content-root", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *shadow = NULL, *croot = NULL;
	struct mf_manifest *m = NULL;
	int c, rc, n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			shadow = optarg;
			break;
		case 'c':
			croot = optarg;
			break;
		case 'h':
			mfc_validate_help(stdout);
			return 0;
		default:
			mfc_validate_help(stderr);
			return 2;
		}
	}
	n = argc - optind;
	if (n < 1) {
		fprintf(stderr,
			"esxmockctl manifest validate: no FILE given\n");
		mfc_validate_help(stderr);
		return 2;
	}
	if (mfc_load_files(argv + optind, n, &m))
		return 1;
	rc = mfc_check_sources(m, shadow, croot);
	if (!rc)
		printf("ok: %zu entries\n", m->n_entries);
	mf_manifest_free(m);
	return rc;
}

/* ---- materialize ------------------------------------------------------- */

static void mfc_materialize_help(FILE *f)
{
	fprintf(f,
		"usage: esxmockctl manifest materialize [--shadow-root DIR] "
		"[--content-root DIR]\n"
		"                                       MANIFEST... DIR\n\n"
		"Loads the manifests as one stack and creates the tree as a "
		"plain directory\n"
		"DIR (which must not exist or be empty): directories, files "
		"with their\n"
		"content (shadow sources from --shadow-root, default "
		"$ESXMOCK_SHADOW_DIR,\n"
		"file sources from --content-root), symlinks, device nodes "
		"(mknod; an\n"
		"empty file when not permitted), fifos, sockets; then owners, "
		"modes\n"
		"(setuid/sticky included) and mtimes. Symlink modes cannot be "
		"represented\n"
		"on Linux and are counted. Useful for chroot checks and as the "
		"tmpfs\n"
		"baseline of benchmarks. Run as root to keep owners and "
		"devices.\n");
}

static int mfc_materialize(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"shadow-root", required_argument, NULL, 's'},
	    {"content-root", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mf_materialize_opts mo = {0};
	struct mf_materialize_stats st = {0};
	struct mf_manifest *m = NULL;
	int c, rc, n;

	mo.shadow_root = getenv("ESXMOCK_SHADOW_DIR");
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			mo.shadow_root = optarg;
			break;
		case 'c':
			mo.content_root = optarg;
			break;
		case 'h':
			mfc_materialize_help(stdout);
			return 0;
		default:
			mfc_materialize_help(stderr);
			return 2;
		}
	}
	n = argc - optind - 1;
	if (n < 1) {
		fprintf(stderr, "esxmockctl manifest materialize: expected "
				"MANIFEST... DIR\n");
		mfc_materialize_help(stderr);
		return 2;
	}
	if (mfc_load_files(argv + optind, n, &m))
		return 1;
	rc = mf_materialize(m, argv[argc - 1], &mo, &st, stderr);
	mf_manifest_free(m);
	if (rc) {
		fprintf(stderr,
			"esxmockctl: materialize into '%s' failed: %s\n",
			argv[argc - 1], strerror(-rc));
		return 1;
	}
	fprintf(stderr,
		"materialize: %zu entries into '%s': %zu dirs, %zu files "
		"(%zu bytes), %zu symlinks, %zu devices (%zu as empty "
		"files), %zu fifos, %zu sockets; %zu symlink modes not "
		"representable\n",
		st.entries, argv[argc - 1], st.dirs, st.files, st.bytes,
		st.symlinks, st.devices, st.devices_as_files, st.fifos,
		st.sockets, st.symlink_modes_lost);
	return 0;
}
