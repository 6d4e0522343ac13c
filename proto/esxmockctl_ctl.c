/* esxmockctl_ctl.c - the control-channel subcommands of esxmockctl (hello,
 * stats, files, call), built on the client library.
 * Owns their option parsing and human/JSON output; exit status 0 ok, 1 the
 * server answered with an error, 2 usage, 3 connection or protocol error. */
#include "esxmockctl_ctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "b64.h"
#include "esxmockctl_common.h"

/* Options every control subcommand takes. */
struct cc_opts {
	struct ectl_opts com;
	/* subcommand-specific */
	bool follow, nofollow, long_fmt, base64, recursive, parents;
	long long offset, length, limit;
	const char *out;
	const char *mode, *owner, *group;
};

static const char cc_common_help[] = ECTL_HELP_ADDRESS ECTL_HELP_JSON_RESULT
    ECTL_HELP_TIMEOUT ECTL_HELP_HELP ECTL_HELP_EXIT;

enum {
	OPT_OFFSET = 256,
	OPT_LENGTH,
	OPT_LIMIT,
	OPT_NOFOLLOW,
	OPT_MODE,
	OPT_OWNER,
	OPT_GROUP,
};

static const struct option cc_longopts[] = {
    {"follow", no_argument, NULL, 'L'},
    {"no-follow", no_argument, NULL, OPT_NOFOLLOW},
    {"long", no_argument, NULL, 'l'},
    {"base64", no_argument, NULL, 'b'},
    {"offset", required_argument, NULL, OPT_OFFSET},
    {"length", required_argument, NULL, OPT_LENGTH},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"output", required_argument, NULL, 'o'},
    {"recursive", no_argument, NULL, 'r'},
    {"parents", no_argument, NULL, 'p'},
    {"mode", required_argument, NULL, OPT_MODE},
    {"owner", required_argument, NULL, OPT_OWNER},
    {"group", required_argument, NULL, OPT_GROUP},
    {NULL, 0, NULL, 0},
};

/* One of the files options. */
static int cc_opt(void *ctx, int c, const char *arg)
{
	struct cc_opts *o = ctx;

	switch (c) {
	case 'L':
		o->follow = true;
		break;
	case OPT_NOFOLLOW:
		o->nofollow = true;
		break;
	case 'l':
		o->long_fmt = true;
		break;
	case 'b':
		o->base64 = true;
		break;
	case 'o':
		o->out = arg;
		break;
	case 'r':
		o->recursive = true;
		break;
	case 'p':
		o->parents = true;
		break;
	case OPT_MODE:
		o->mode = arg;
		break;
	case OPT_OWNER:
		o->owner = arg;
		break;
	case OPT_GROUP:
		o->group = arg;
		break;
	case OPT_OFFSET:
		return ectl_number("offset", arg, &o->offset);
	case OPT_LENGTH:
		return ectl_number("length", arg, &o->length);
	case OPT_LIMIT:
		return ectl_number("limit", arg, &o->limit);
	}
	return 0;
}

/* Parses argv (argv[0]: the subcommand words before options). Returns the
 * index of the first operand, -1 on a usage error, -2 after --help. */
static int cc_parse(int argc, char **argv, struct cc_opts *o, const char *usage)
{
	const struct ectl_parser p = {
	    .usage = usage,
	    .help = cc_common_help,
	    .shortopts = "Llbo:rp",
	    .longopts = cc_longopts,
	    .opt = cc_opt,
	    .ctx = o,
	};

	memset(o, 0, sizeof(*o));
	o->length = o->limit = -1;
	return ectl_parse(argc, argv, &o->com, &p);
}

static const char *cc_str(struct json_object *o, const char *k)
{
	return ectl_jstr(o, k, "");
}

/* ---- hello, stats, call ----------------------------------------------------
 */

static const char hello_usage[] =
    "usage: esxmockctl hello [options]\n"
    "Connects, authenticates and prints the daemon's version and methods.\n";

int esxmockctl_hello(int argc, char **argv)
{
	struct json_object *res = NULL, *m;
	struct cc_opts o;
	struct ctlc *c;
	size_t i;
	int r = cc_parse(argc, argv, &o, hello_usage);

	if (r < 0)
		return r == -2 ? 0 : EXIT_USAGE;
	if (r < argc) {
		fprintf(stderr, "esxmockctl: hello: unexpected '%s'\n%s",
			argv[r], hello_usage);
		return EXIT_USAGE;
	}
	if ((r = ectl_open(&o.com, "hello", 0, &c, &res)))
		return r;
	if (o.com.json) {
		ectl_print_json(res, false);
	} else {
		printf("%s %s, protocol %lld, auth %s\nmethods:",
		       cc_str(res, "server"), cc_str(res, "version"),
		       ectl_jint(res, "protocol"), cc_str(res, "auth"));
		json_object_object_get_ex(res, "methods", &m);
		for (i = 0; m && i < json_object_array_length(m); i++)
			printf(" %s", json_object_get_string(
					  json_object_array_get_idx(m, i)));
		printf("\n");
	}
	json_object_put(res);
	ctlc_close(c);
	return 0;
}

/* Prints an object as "prefix.key: value" lines. */
static void cc_print_flat(struct json_object *o, const char *prefix)
{
	char key[256];

	json_object_object_foreach(o, k, v)
	{
		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "",
			 k);
		if (json_object_is_type(v, json_type_object))
			cc_print_flat(v, key);
		else
			printf("%s: %s\n", key,
			       v ? json_object_get_string(v) : "null");
	}
}

static void stats_print(struct json_object *res, const void *arg)
{
	(void)arg;
	cc_print_flat(res, "");
}

static const char stats_usage[] =
    "usage: esxmockctl stats [options]\n"
    "Prints the daemon's counters: control channel, memory, operations.\n";

int esxmockctl_stats(int argc, char **argv)
{
	struct cc_opts o;
	struct ctlc *c;
	int r = cc_parse(argc, argv, &o, stats_usage);

	if (r < 0)
		return r == -2 ? 0 : EXIT_USAGE;
	if (r < argc) {
		fprintf(stderr, "esxmockctl: stats: unexpected '%s'\n%s",
			argv[r], stats_usage);
		return EXIT_USAGE;
	}
	if ((r = ectl_open(&o.com, "stats", 0, &c, NULL)))
		return r;
	r = ectl_call_print(c, &o.com, "stats", "stats", NULL, stats_print,
			    NULL);
	ctlc_close(c);
	return r;
}

static const char call_usage[] =
    "usage: esxmockctl call [options] METHOD [PARAMS-JSON]\n"
    "Calls any method (see 'esxmockctl hello' for the list) and prints its\n"
    "result as JSON (indented unless --json). Example:\n"
    "  esxmockctl call files.stat '{\"path\":\"/etc/motd\"}'\n";

int esxmockctl_call(int argc, char **argv)
{
	struct json_object *res = NULL;
	struct ctlc_error err;
	struct cc_opts o;
	struct ctlc *c;
	int r = cc_parse(argc, argv, &o, call_usage);
	const char *method, *params;

	if (r < 0)
		return r == -2 ? 0 : EXIT_USAGE;
	if (r >= argc || argc - r > 2) {
		fprintf(stderr, "esxmockctl: call: %s\n%s",
			r >= argc ? "missing METHOD" : "too many arguments",
			call_usage);
		return EXIT_USAGE;
	}
	method = argv[r];
	params = r + 1 < argc ? argv[r + 1] : NULL;
	if ((r = ectl_open(&o.com, "call", 0, &c, NULL)))
		return r;
	r = ctlc_call_json(c, method, params, &res, &err);
	if (r == -EINVAL) {
		fprintf(stderr, "esxmockctl: call: %s\n", err.message);
		r = EXIT_USAGE;
	} else if (r < 0) {
		r = ectl_report(method, r, &err);
	} else {
		ectl_print_json(res, !o.com.json);
		json_object_put(res);
	}
	ctlc_close(c);
	return r;
}

/* ---- files --------------------------------------------------------------- */

static const char files_usage[] =
    "usage: esxmockctl files get [options] PATH   print a file's content\n"
    "       esxmockctl files stat [options] PATH  print a path's "
    "attributes\n"
    "       esxmockctl files list [options] PATH  list a directory\n"
    "       esxmockctl files put [options] PATH [FILE|-]  write a file\n"
    "       esxmockctl files rm [-r] PATH         remove a path\n"
    "       esxmockctl files mkdir [-p] [--mode M] PATH  make a directory\n"
    "       esxmockctl files ln TARGET PATH       make a symlink\n"
    "       esxmockctl files chmod MODE PATH      change a path's mode\n"
    "The tree as the daemon serves it (manifest plus state); "
    "'esxmockctl files VERB --help' for each.\n";

static const char files_get_usage[] =
    "usage: esxmockctl files get [options] PATH\n"
    "Prints a regular file's bytes (files.get), fetched in parts.\n"
    "  --offset N, --length N   a range (default: the whole file)\n"
    "  -o, --output FILE        write there instead of stdout\n"
    "  -b, --base64             print base64\n"
    "      --no-follow          do not follow a symlink in the last "
    "component\n";

static const char files_stat_usage[] =
    "usage: esxmockctl files stat [options] PATH\n"
    "Prints a path's attributes (files.stat), owner and group by name.\n"
    "  -L, --follow             describe the target of a symlink\n";

static const char files_list_usage[] =
    "usage: esxmockctl files list [options] PATH\n"
    "Lists a directory (files.list).\n"
    "  -l, --long               ls -l style\n"
    "  --limit N, --offset N    a page of the entries\n"
    "      --no-follow          do not follow a symlink to a directory\n";

static const char files_put_usage[] =
    "usage: esxmockctl files put [options] PATH [FILE|-]\n"
    "Creates or replaces the regular file PATH with the bytes of FILE\n"
    "(default or '-': standard input), any bytes (files.put). Missing\n"
    "parent directories are made.\n"
    "  --mode MODE              octal bits, e.g. 0644 (default: 0644 for a\n"
    "                           new file, unchanged otherwise)\n"
    "  --owner NAME|UID         owner (a name of the daemon's user table)\n"
    "  --group NAME|GID         group (a name of its group table)\n";

static const char files_rm_usage[] =
    "usage: esxmockctl files rm [options] PATH\n"
    "Removes a file, symlink, device, fifo or empty directory "
    "(files.remove).\n"
    "  -r, --recursive          a directory and everything below it\n";

static const char files_mkdir_usage[] =
    "usage: esxmockctl files mkdir [options] PATH\n"
    "Makes a directory (files.mkdir).\n"
    "  -p, --parents            make missing parents, no error if it "
    "exists\n"
    "  --mode MODE              octal bits (default 0755)\n";

static const char files_ln_usage[] =
    "usage: esxmockctl files ln [options] TARGET PATH\n"
    "Makes PATH a symlink to TARGET, stored verbatim (files.symlink).\n"
    "  -p, --parents            make missing parent directories\n";

static const char files_chmod_usage[] =
    "usage: esxmockctl files chmod [options] MODE PATH\n"
    "Changes a path's permission bits, octal, setuid/setgid/sticky\n"
    "included, e.g. 4755 (files.chmod; a symlink is followed).\n"
    "  --owner NAME|UID, --group NAME|GID   also change owner, group\n";

/* "-rwsr-xr-x" from a type name and an octal mode string. */
static void cc_mode_str(const char *type, const char *mode, char out[11])
{
	unsigned long m = strtoul(mode, NULL, 8);
	static const char rwx[] = "rwxrwxrwx";
	int i;

	out[0] = !strcmp(type, "dir")        ? 'd'
		 : !strcmp(type, "symlink")  ? 'l'
		 : !strcmp(type, "chardev")  ? 'c'
		 : !strcmp(type, "blockdev") ? 'b'
		 : !strcmp(type, "fifo")     ? 'p'
		 : !strcmp(type, "socket")   ? 's'
					     : '-';
	for (i = 0; i < 9; i++)
		out[1 + i] = m & (0400u >> i) ? rwx[i] : '-';
	if (m & 04000)
		out[3] = m & 0100 ? 's' : 'S';
	if (m & 02000)
		out[6] = m & 0010 ? 's' : 'S';
	if (m & 01000)
		out[9] = m & 0001 ? 't' : 'T';
	out[10] = '\0';
}

static void cc_time_str(long long sec, char *buf, size_t n)
{
	time_t t = (time_t)sec;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static int files_get(struct ctlc *c, const struct cc_opts *o, const char *path)
{
	long long off = o->offset, left = o->length;
	struct json_object *p, *res = NULL;
	struct ctlc_error err;
	FILE *out = stdout;
	const char *data;
	bool eof = false;
	size_t n, bad;
	void *bytes;
	int r = 0;

	if (o->out && !(out = fopen(o->out, "wb"))) {
		fprintf(stderr,
			"esxmockctl: files get: cannot write '%s': %s\n",
			o->out, strerror(errno));
		return EXIT_USAGE;
	}
	while (!eof && left != 0) {
		p = json_object_new_object();
		json_object_object_add(p, "path", json_object_new_string(path));
		json_object_object_add(p, "offset", json_object_new_int64(off));
		json_object_object_add(
		    p, "length",
		    json_object_new_int64(left < 0 || left > 4194304 ? 4194304
								     : left));
		if (o->nofollow)
			json_object_object_add(p, "follow",
					       json_object_new_boolean(false));
		if (o->base64)
			json_object_object_add(
			    p, "encoding", json_object_new_string("base64"));
		r = ctlc_call(c, "files.get", p, &res, &err);
		json_object_put(p);
		if (r < 0) {
			r = ectl_report("files get", r, &err);
			break;
		}
		if (o->com.json) {
			ectl_print_json(res, false);
		} else {
			data = cc_str(res, "data");
			if (!o->base64 &&
			    !strcmp(cc_str(res, "encoding"), "base64")) {
				bytes =
				    b64_decode(data, strlen(data), &n, &bad);
				if (!bytes) {
					fprintf(stderr,
						"esxmockctl: files get: the "
						"daemon sent invalid base64\n");
					json_object_put(res);
					r = EXIT_CONN;
					break;
				}
				fwrite(bytes, 1, n, out);
				free(bytes);
			} else {
				fwrite(data, 1, strlen(data), out);
				if (o->base64)
					fputc('\n', out);
			}
		}
		n = (size_t)ectl_jint(res, "length");
		eof = json_object_get_boolean(
			  json_object_object_get(res, "eof")) ||
		      n == 0;
		off += (long long)n;
		if (left > 0)
			left -= (long long)n;
		json_object_put(res);
	}
	if (out != stdout && fclose(out) && !r) {
		fprintf(stderr, "esxmockctl: files get: writing '%s': %s\n",
			o->out, strerror(errno));
		r = EXIT_USAGE;
	}
	return r;
}

static void files_print_stat(struct json_object *r, const void *arg)
{
	char mode[11], when[32];
	const char *type = cc_str(r, "type");

	(void)arg;
	cc_mode_str(type, cc_str(r, "mode"), mode);
	cc_time_str(ectl_jint(r, "mtime"), when, sizeof(when));
	printf("path: %s\n", cc_str(r, "path"));
	if (!strcmp(type, "symlink"))
		printf("type: symlink -> %s\n", cc_str(r, "target"));
	else
		printf("type: %s\n", type);
	printf("mode: %s (%s)\n", cc_str(r, "mode"), mode);
	printf("owner: %s (%lld)\ngroup: %s (%lld)\n", cc_str(r, "user"),
	       ectl_jint(r, "uid"), cc_str(r, "group"), ectl_jint(r, "gid"));
	printf("size: %lld\n", ectl_jint(r, "size"));
	if (json_object_object_get_ex(r, "rdev_major", NULL))
		printf("device: %lld, %lld\n", ectl_jint(r, "rdev_major"),
		       ectl_jint(r, "rdev_minor"));
	printf("mtime: %s.%09lld UTC\n", when, ectl_jint(r, "mtime_nsec"));
}

static void files_print_entry(struct json_object *e, bool long_fmt)
{
	char mode[11], when[32], *raw = NULL;
	const char *name = cc_str(e, "name"), *type = cc_str(e, "type");
	size_t n, bad;

	if (!*name && *cc_str(e, "name_base64")) {
		raw = b64_decode(cc_str(e, "name_base64"),
				 strlen(cc_str(e, "name_base64")), &n, &bad);
		name = raw ? raw : "?";
	}
	if (!long_fmt) {
		printf("%s\n", name);
		free(raw);
		return;
	}
	cc_mode_str(type, cc_str(e, "mode"), mode);
	cc_time_str(ectl_jint(e, "mtime"), when, sizeof(when));
	when[16] = '\0'; /* minutes, as ls */
	printf("%s %-8s %-8s %10lld %s %s", mode, cc_str(e, "user"),
	       cc_str(e, "group"), ectl_jint(e, "size"), when, name);
	if (!strcmp(type, "symlink"))
		printf(" -> %s", cc_str(e, "target"));
	printf("\n");
	free(raw);
}

static int files_stat(struct ctlc *c, const struct cc_opts *o, char **args)
{
	struct json_object *p = json_object_new_object();
	int r;

	json_object_object_add(p, "path", json_object_new_string(args[0]));
	if (o->follow)
		json_object_object_add(p, "follow",
				       json_object_new_boolean(true));
	r = ectl_call_print(c, &o->com, "files stat", "files.stat", p,
			    files_print_stat, NULL);
	json_object_put(p);
	return r;
}

static int files_list(struct ctlc *c, const struct cc_opts *o, char **args)
{
	struct json_object *p = json_object_new_object(), *res = NULL, *ents;
	struct ctlc_error err;
	size_t i;
	int r;

	json_object_object_add(p, "path", json_object_new_string(args[0]));
	if (o->nofollow)
		json_object_object_add(p, "follow",
				       json_object_new_boolean(false));
	if (o->limit >= 0)
		json_object_object_add(p, "limit",
				       json_object_new_int64(o->limit));
	if (o->offset)
		json_object_object_add(p, "offset",
				       json_object_new_int64(o->offset));
	r = ctlc_call(c, "files.list", p, &res, &err);
	json_object_put(p);
	if (r < 0)
		return ectl_report("files list", r, &err);
	if (o->com.json) {
		ectl_print_json(res, false);
		json_object_put(res);
		return 0;
	}
	ents = json_object_object_get(res, "entries");
	for (i = 0; ents && i < json_object_array_length(ents); i++)
		files_print_entry(json_object_array_get_idx(ents, i),
				  o->long_fmt);
	if (json_object_get_boolean(json_object_object_get(res, "truncated")))
		fprintf(stderr,
			"esxmockctl: files list: %lld of %lld entries shown "
			"(use --offset/--limit)\n",
			(long long)(ents ? json_object_array_length(ents) : 0),
			ectl_jint(res, "total"));
	json_object_put(res);
	return 0;
}

static int files_get_verb(struct ctlc *c, const struct cc_opts *o, char **args)
{
	return files_get(c, o, args[0]);
}

/* Adds --owner/--group to p: a number as uid/gid, else a name as
 * user/group (resolved by the daemon). */
static void files_add_owner(struct json_object *p, const struct cc_opts *o)
{
	const char *v[2] = {o->owner, o->group};
	const char *num[2] = {"uid", "gid"}, *name[2] = {"user", "group"};
	long long n;
	char *end;
	int i;

	for (i = 0; i < 2; i++) {
		if (!v[i])
			continue;
		errno = 0;
		n = strtoll(v[i], &end, 10);
		if (*v[i] && !*end && !errno && n >= 0)
			json_object_object_add(p, num[i],
					       json_object_new_int64(n));
		else
			json_object_object_add(p, name[i],
					       json_object_new_string(v[i]));
	}
}

/* Calls a changing method with p (taken) and prints the outcome: the
 * JSON result, or a line "PRE<path>POST". */
/* The line around the path files_change prints. */
struct files_line {
	const char *pre, *post;
};

static void files_print_line(struct json_object *res, const void *arg)
{
	const struct files_line *l = arg;

	printf("%s%s%s\n", l->pre, cc_str(res, "path"), l->post);
}

static int files_change(struct ctlc *c, const struct cc_opts *o,
			const char *cmd, const char *method,
			struct json_object *p, const char *pre,
			const char *post)
{
	const struct files_line l = {pre, post};
	int r =
	    ectl_call_print(c, &o->com, cmd, method, p, files_print_line, &l);

	json_object_put(p);
	return r;
}

static struct json_object *files_params(const char *path)
{
	struct json_object *p = json_object_new_object();

	json_object_object_add(p, "path", json_object_new_string(path));
	return p;
}

static int files_put(struct ctlc *c, const struct cc_opts *o, char **args)
{
	const char *file = args[1] ? args[1] : "-";
	struct json_object *p;
	char *bytes, *b64, post[48];
	size_t len = 0, blen;
	FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;

	if (!f) {
		fprintf(stderr, "esxmockctl: files put: cannot read '%s': %s\n",
			file, strerror(errno));
		return EXIT_USAGE;
	}
	bytes = ectl_slurp(f, &len);
	if (f != stdin)
		fclose(f);
	if (!bytes) {
		fprintf(stderr, "esxmockctl: files put: cannot read '%s'\n",
			strcmp(file, "-") ? file : "<stdin>");
		return EXIT_USAGE;
	}
	b64 = b64_encode(bytes, len, &blen);
	free(bytes);
	if (!b64) {
		fprintf(stderr, "esxmockctl: files put: out of memory\n");
		return EXIT_CONN;
	}
	p = files_params(args[0]);
	json_object_object_add(p, "base64",
			       json_object_new_string_len(b64, (int)blen));
	free(b64);
	if (o->mode)
		json_object_object_add(p, "mode",
				       json_object_new_string(o->mode));
	files_add_owner(p, o);
	snprintf(post, sizeof(post), ": %zu bytes written", len);
	return files_change(c, o, "files put", "files.put", p, "", post);
}

static int files_rm(struct ctlc *c, const struct cc_opts *o, char **args)
{
	struct json_object *p = files_params(args[0]);

	if (o->recursive)
		json_object_object_add(p, "recursive",
				       json_object_new_boolean(true));
	return files_change(c, o, "files rm", "files.remove", p, "removed ",
			    "");
}

static int files_mkdir(struct ctlc *c, const struct cc_opts *o, char **args)
{
	struct json_object *p = files_params(args[0]);

	if (o->parents)
		json_object_object_add(p, "parents",
				       json_object_new_boolean(true));
	if (o->mode)
		json_object_object_add(p, "mode",
				       json_object_new_string(o->mode));
	return files_change(c, o, "files mkdir", "files.mkdir", p, "created ",
			    "");
}

static int files_ln(struct ctlc *c, const struct cc_opts *o, char **args)
{
	struct json_object *p = files_params(args[1]);
	char post[4200];

	json_object_object_add(p, "target", json_object_new_string(args[0]));
	if (o->parents)
		json_object_object_add(p, "parents",
				       json_object_new_boolean(true));
	snprintf(post, sizeof(post), " -> %s", args[0]);
	return files_change(c, o, "files ln", "files.symlink", p, "", post);
}

static int files_chmod(struct ctlc *c, const struct cc_opts *o, char **args)
{
	struct json_object *p = files_params(args[1]);
	char post[64];

	json_object_object_add(p, "mode", json_object_new_string(args[0]));
	files_add_owner(p, o);
	snprintf(post, sizeof(post), " to %s", args[0]);
	return files_change(c, o, "files chmod", "files.chmod", p, "changed ",
			    post);
}

/* The files verbs: operand counts, usage, handler. */
static const struct files_verb {
	const char *name;
	int min, max;
	const char *operands;
	const char *usage;
	int (*run)(struct ctlc *c, const struct cc_opts *o, char **args);
} files_verbs[] = {
    {"get", 1, 1, "PATH", files_get_usage, files_get_verb},
    {"stat", 1, 1, "PATH", files_stat_usage, files_stat},
    {"list", 1, 1, "PATH", files_list_usage, files_list},
    {"put", 1, 2, "PATH", files_put_usage, files_put},
    {"rm", 1, 1, "PATH", files_rm_usage, files_rm},
    {"mkdir", 1, 1, "PATH", files_mkdir_usage, files_mkdir},
    {"ln", 2, 2, "TARGET and PATH", files_ln_usage, files_ln},
    {"chmod", 2, 2, "MODE and PATH", files_chmod_usage, files_chmod},
};

int esxmockctl_files(int argc, char **argv)
{
	const struct files_verb *v = NULL;
	char *args[2] = {NULL, NULL};
	struct cc_opts o;
	struct ctlc *c;
	size_t i;
	int r, n;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("%s%s", files_usage, cc_common_help);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (i = 0; i < sizeof(files_verbs) / sizeof(files_verbs[0]); i++)
		if (!strcmp(argv[1], files_verbs[i].name))
			v = &files_verbs[i];
	if (!v) {
		fprintf(stderr, "esxmockctl: files: unknown command '%s'\n%s",
			argv[1], files_usage);
		return EXIT_USAGE;
	}
	r = cc_parse(argc - 1, argv + 1, &o, v->usage);
	if (r < 0)
		return r == -2 ? 0 : EXIT_USAGE;
	n = argc - 1 - r;
	if (n < v->min || n > v->max) {
		fprintf(stderr, "esxmockctl: files %s: %s%s\n%s", v->name,
			n < v->min ? "missing " : "too many arguments: give ",
			v->operands, v->usage);
		return EXIT_USAGE;
	}
	for (i = 0; i < (size_t)n; i++)
		args[i] = argv[1 + r + i];
	if ((r = ectl_open(&o.com, "files", 0, &c, NULL)))
		return r;
	r = v->run(c, &o, args);
	ctlc_close(c);
	return r;
}

/* ---- overlay (manifest.load) ---------------------------------------------
 */

static const char overlay_usage[] =
    "usage: esxmockctl overlay [options] FILE|-\n"
    "Applies an overlay manifest (manifest/FORMAT.md) to the running tree\n"
    "(the daemon's manifest.load): what it sets, adds or deletes becomes a\n"
    "run-time change (state diff shows it, state reset undoes it). FILE is\n"
    "read here and sent inline ('-': standard input); an invalid overlay\n"
    "changes nothing and the error names the file, line and JSON pointer.\n";

static void overlay_print(struct json_object *res, const void *arg)
{
	(void)arg;
	printf("%s: %lld created, %lld replaced, %lld modified, %lld removed\n",
	       cc_str(res, "name"), ectl_jint(res, "created"),
	       ectl_jint(res, "replaced"), ectl_jint(res, "modified"),
	       ectl_jint(res, "removed"));
}

int esxmockctl_overlay(int argc, char **argv)
{
	struct json_object *p;
	struct cc_opts o;
	struct ctlc *c;
	const char *file;
	char *text;
	size_t len = 0;
	FILE *f;
	int r = cc_parse(argc, argv, &o, overlay_usage);

	if (r < 0)
		return r == -2 ? 0 : EXIT_USAGE;
	if (r + 1 != argc) {
		fprintf(stderr, "esxmockctl: overlay: %s\n%s",
			r >= argc ? "missing FILE" : "too many arguments",
			overlay_usage);
		return EXIT_USAGE;
	}
	file = argv[r];
	f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "esxmockctl: overlay: cannot read '%s': %s\n",
			file, strerror(errno));
		return EXIT_USAGE;
	}
	text = ectl_slurp(f, &len);
	if (f != stdin)
		fclose(f);
	if (!text) {
		fprintf(stderr, "esxmockctl: overlay: cannot read '%s'\n",
			file);
		return EXIT_USAGE;
	}
	p = json_object_new_object();
	json_object_object_add(p, "manifest",
			       json_object_new_string_len(text, (int)len));
	json_object_object_add(
	    p, "name",
	    json_object_new_string(strcmp(file, "-") ? file : "<stdin>"));
	free(text);
	if ((r = ectl_open(&o.com, "overlay", 0, &c, NULL))) {
		json_object_put(p);
		return r;
	}
	r = ectl_call_print(c, &o.com, "overlay", "manifest.load", p,
			    overlay_print, NULL);
	json_object_put(p);
	ctlc_close(c);
	return r;
}
