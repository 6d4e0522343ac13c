/* configstorecli.c - mock of ESXi's configstorecli (a Python argparse
 * program on the host): `config current get|set|update|delete`,
 * `config default get`, `schema get`, JSON in (-infile) and out
 * (stdout or -outfile). Usage errors follow argparse (exit 2). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configstorecli_store.h"
#include "esxroot.h"
#include "strbuf.h"
#include "state.h"

#define CS_EXIT_FAIL 1
#define CS_EXIT_USAGE 2 /* argparse */
#define CS_INDENT 3

enum cs_opt_id {
	OPT_COMPONENT,
	OPT_GROUP,
	OPT_KEY,
	OPT_INSTANCE,
	OPT_NOMASK,
	OPT_INFILE,
	OPT_OUTFILE,
	OPT_ALL,
	OPT_OVERWRITE,
	OPT_HELP,
	OPT_COUNT,
};

struct cs_opt {
	enum cs_opt_id id;
	const char *shortname; /* "-c" */
	const char *longname;  /* "--component" */
	const char *metavar;   /* NULL: a flag */
	const char *help;
};

static const struct cs_opt cs_opts[] = {
    {OPT_HELP, "-h", "--help", NULL, "show this help message and exit"},
    {OPT_COMPONENT, "-c", "--component", "COMPONENT", "component name"},
    {OPT_GROUP, "-g", "--group", "GROUP", "group name"},
    {OPT_KEY, "-k", "--key", "KEY", "key name"},
    {OPT_INSTANCE, "-i", "--identifier", "IDENTIFIER",
     "instance identifier of a multi-instance key"},
    {OPT_NOMASK, "-n", "--nomask", NULL, "do not mask secret properties"},
    {OPT_INFILE, "-infile", "--infile", "INFILE", "input JSON file"},
    {OPT_OUTFILE, "-outfile", "--outfile", "OUTFILE", "output JSON file"},
    {OPT_ALL, NULL, "--all", NULL, "all instances"},
    {OPT_OVERWRITE, NULL, "--overwrite", NULL, "replace the existing value"},
};

struct cs_args {
	const char *val[OPT_COUNT];
	bool set[OPT_COUNT];
};

typedef int cs_cmd_fn(const char *prog, struct cs_args *a);

/* One command: words, the options it accepts (bitmask of 1 << id), which
 * are required, and a one-line description. */
struct cs_cmd {
	const char *words[3];
	unsigned int allowed;
	unsigned int required;
	cs_cmd_fn *fn;
	const char *help;
};

#define B(x) (1u << (x))
#define CGK (B(OPT_COMPONENT) | B(OPT_GROUP) | B(OPT_KEY))

static void print_json(FILE *f, json_object *v)
{
	char *s = state_json_dump_py(v, CS_INDENT);

	fprintf(f, "%s\n", s);
	free(s);
}

static int fail(const char *msg)
{
	fprintf(stderr, "Error: %s\n", msg);
	return CS_EXIT_FAIL;
}

static int write_outfile(const char *path, json_object *v)
{
	char host[PATH_MAX], msg[PATH_MAX + 64];
	FILE *f;
	int r = esx_path(host, sizeof(host), path);

	if (r == 0) {
		f = fopen(host, "w");
		if (f) {
			print_json(f, v);
			if (fclose(f) == 0)
				return 0;
		}
		r = -errno;
	}
	snprintf(msg, sizeof(msg), "Unable to write '%s': %s", path,
		 strerror(-r));
	return fail(msg);
}

static int read_infile(const char *path, json_object **v)
{
	struct state_err err;
	char msg[sizeof(err.msg) + 64];
	int r = state_json_read(path, v, &err);

	if (r == 0 && *v)
		return 0;
	if (r == 0) {
		snprintf(msg, sizeof(msg),
			 "Invalid JSON in input file: '%s' is empty", path);
		return fail(msg);
	}
	if (r == -EBADMSG && err.line)
		snprintf(msg, sizeof(msg),
			 "Invalid JSON in input file: '%s': line %d, column "
			 "%d: %s",
			 path, err.line, err.column, err.reason);
	else if (r == -EBADMSG)
		snprintf(msg, sizeof(msg), "Invalid JSON in input file: %s",
			 err.msg);
	else
		snprintf(msg, sizeof(msg), "Unable to read '%s': %s", path,
			 strerror(-r));
	return fail(msg);
}

static void ref_of(const struct cs_args *a, struct cs_ref *ref)
{
	ref->component = a->val[OPT_COMPONENT];
	ref->group = a->val[OPT_GROUP];
	ref->key = a->val[OPT_KEY];
	ref->instance = a->set[OPT_INSTANCE] ? a->val[OPT_INSTANCE] : NULL;
}

static int do_get(struct cs_args *a, enum cs_which which)
{
	char err[CS_ERR_MAX];
	struct cs_ref ref;
	json_object *v;
	int r;

	ref_of(a, &ref);
	r = cs_get(&ref, which, a->set[OPT_NOMASK], &v, err, sizeof(err));
	if (r < 0)
		return fail(err);
	if (a->set[OPT_OUTFILE])
		r = write_outfile(a->val[OPT_OUTFILE], v);
	else
		print_json(stdout, v);
	json_object_put(v);
	return r;
}

static int cmd_current_get(const char *prog, struct cs_args *a)
{
	(void)prog;
	return do_get(a, CS_CURRENT);
}

static int cmd_default_get(const char *prog, struct cs_args *a)
{
	(void)prog;
	return do_get(a, CS_DEFAULT);
}

static int cmd_schema_get(const char *prog, struct cs_args *a)
{
	(void)prog;
	return do_get(a, CS_SCHEMA);
}

/* set and update: the -infile document applied by 'write'. */
static int write_cmd(struct cs_args *a,
		     int (*write)(const struct cs_ref *, json_object *, char *,
				  size_t),
		     const char *done)
{
	char err[CS_ERR_MAX];
	struct cs_ref ref;
	json_object *v;
	int r;

	if (read_infile(a->val[OPT_INFILE], &v) != 0)
		return CS_EXIT_FAIL;
	ref_of(a, &ref);
	r = write(&ref, v, err, sizeof(err));
	if (r < 0)
		return fail(err);
	printf("%s: completed successfully\n", done);
	return 0;
}

static int cmd_set(const char *prog, struct cs_args *a)
{
	(void)prog;
	return write_cmd(a, cs_set, "Set");
}

static int cmd_update(const char *prog, struct cs_args *a)
{
	(void)prog;
	return write_cmd(a, cs_update, "Update");
}

static int cmd_delete(const char *prog, struct cs_args *a)
{
	char err[CS_ERR_MAX];
	struct cs_ref ref;
	int r;

	if (a->set[OPT_ALL] && a->set[OPT_INSTANCE]) {
		fprintf(stderr,
			"%s: error: argument --all: not allowed with argument "
			"-i/--identifier\n",
			prog);
		return CS_EXIT_USAGE;
	}
	ref_of(a, &ref);
	r = cs_delete(&ref, a->set[OPT_ALL], err, sizeof(err));
	if (r < 0)
		return fail(err);
	printf("Delete: completed successfully\n");
	return 0;
}

static const struct cs_cmd cs_cmds[] = {
    {{"config", "current", "get"},
     CGK | B(OPT_INSTANCE) | B(OPT_NOMASK) | B(OPT_OUTFILE),
     CGK,
     cmd_current_get,
     "Get the current value of a configuration key"},
    {{"config", "current", "set"},
     CGK | B(OPT_INSTANCE) | B(OPT_INFILE) | B(OPT_OVERWRITE),
     CGK | B(OPT_INFILE),
     cmd_set,
     "Set a configuration key from a JSON file"},
    {{"config", "current", "update"},
     CGK | B(OPT_INSTANCE) | B(OPT_INFILE),
     CGK | B(OPT_INFILE),
     cmd_update,
     "Update some properties of a configuration key from a JSON file"},
    {{"config", "current", "delete"},
     CGK | B(OPT_INSTANCE) | B(OPT_ALL),
     CGK,
     cmd_delete,
     "Delete a configuration key or instance"},
    {{"config", "default", "get"},
     CGK | B(OPT_OUTFILE),
     CGK,
     cmd_default_get,
     "Get the default value of a configuration key"},
    {{"schema", "get", NULL},
     CGK | B(OPT_OUTFILE),
     CGK,
     cmd_schema_get,
     "Get the schema of a configuration key"},
};

#define CS_NCMDS (sizeof(cs_cmds) / sizeof(cs_cmds[0]))

static const struct cs_opt *opt_by_id(enum cs_opt_id id)
{
	size_t i;

	for (i = 0; i < sizeof(cs_opts) / sizeof(cs_opts[0]); i++)
		if (cs_opts[i].id == id)
			return &cs_opts[i];
	return NULL;
}

static const char *opt_flag(const struct cs_opt *o)
{
	return o->shortname ? o->shortname : o->longname;
}

static void usage_line(FILE *f, const char *prog, const struct cs_cmd *c)
{
	size_t i;

	fprintf(f, "usage: %s [-h]", prog);
	for (i = 0; i < sizeof(cs_opts) / sizeof(cs_opts[0]); i++) {
		const struct cs_opt *o = &cs_opts[i];
		bool req = c->required & B(o->id);

		if (o->id == OPT_HELP || !(c->allowed & B(o->id)))
			continue;
		fprintf(f, " %s%s", req ? "" : "[", opt_flag(o));
		if (o->metavar)
			fprintf(f, " %s", o->metavar);
		fprintf(f, "%s", req ? "" : "]");
	}
	fputc('\n', f);
}

static void cmd_help(const char *prog, const struct cs_cmd *c)
{
	size_t i;

	usage_line(stdout, prog, c);
	printf("\n%s\n\noptional arguments:\n", c->help);
	for (i = 0; i < sizeof(cs_opts) / sizeof(cs_opts[0]); i++) {
		const struct cs_opt *o = &cs_opts[i];
		char spec[96];

		if (o->id != OPT_HELP && !(c->allowed & B(o->id)))
			continue;
		if (o->shortname && o->metavar)
			snprintf(spec, sizeof(spec), "%s %s, %s %s",
				 o->shortname, o->metavar, o->longname,
				 o->metavar);
		else if (o->shortname)
			snprintf(spec, sizeof(spec), "%s, %s", o->shortname,
				 o->longname);
		else
			snprintf(spec, sizeof(spec), "%s", o->longname);
		if (strlen(spec) <= 20)
			printf("  %-22s%s\n", spec, o->help);
		else
			printf("  %s\n%24s%s\n", spec, "", o->help);
	}
}

/* Whether command c's words begin with words[0..nwords). */
static bool cmd_starts_with(const struct cs_cmd *c, char **words, int nwords)
{
	int k;

	for (k = 0; k < nwords; k++)
		if (!c->words[k] || strcmp(c->words[k], words[k]))
			return false;
	return true;
}

/* The distinct words that may follow words[0..nwords) in the command
 * table, in table order: "config" after nothing, "current" after "config". */
static size_t next_words(char **words, int nwords, const char **seen)
{
	size_t i, j, ns = 0;

	for (i = 0; i < CS_NCMDS; i++) {
		const char *w;

		if (!cmd_starts_with(&cs_cmds[i], words, nwords) ||
		    !(w = cs_cmds[i].words[nwords]))
			continue;
		for (j = 0; j < ns; j++)
			if (strcmp(seen[j], w) == 0)
				break;
		if (j == ns)
			seen[ns++] = w;
	}
	return ns;
}

/* Help of a namespace ("configstorecli", "configstorecli config", ...):
 * lists the next words. */
static void ns_help(FILE *f, const char *prog, char **words, int nwords)
{
	const char *seen[CS_NCMDS];
	size_t j, ns = next_words(words, nwords, seen);

	fprintf(f, "usage: %s [-h] {", prog);
	for (j = 0; j < ns; j++)
		fprintf(f, "%s%s", j ? "," : "", seen[j]);
	fprintf(f, "} ...\n");
}

static int ns_error(const char *prog, char **words, int nwords, const char *bad)
{
	const char *seen[CS_NCMDS];
	size_t j, ns = next_words(words, nwords, seen);

	ns_help(stderr, prog, words, nwords);
	if (bad) {
		fprintf(stderr, "%s: error: argument {", prog);
		for (j = 0; j < ns; j++)
			fprintf(stderr, "%s%s", j ? "," : "", seen[j]);
		fprintf(stderr, "}: invalid choice: '%s' (choose from ", bad);
		for (j = 0; j < ns; j++)
			fprintf(stderr, "%s'%s'", j ? ", " : "", seen[j]);
		fprintf(stderr, ")\n");
	} else {
		fprintf(stderr,
			"%s: error: the following arguments are required: {",
			prog);
		for (j = 0; j < ns; j++)
			fprintf(stderr, "%s%s", j ? "," : "", seen[j]);
		fprintf(stderr, "}\n");
	}
	return CS_EXIT_USAGE;
}

static const struct cs_opt *opt_lookup(const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(cs_opts) / sizeof(cs_opts[0]); i++) {
		if ((cs_opts[i].shortname &&
		     strcmp(cs_opts[i].shortname, arg) == 0) ||
		    strcmp(cs_opts[i].longname, arg) == 0)
			return &cs_opts[i];
	}
	/* -outfile also spelled --outfile and so on; -component likewise */
	for (i = 0; i < sizeof(cs_opts) / sizeof(cs_opts[0]); i++)
		if (arg[0] == '-' && arg[1] != '-' &&
		    strcmp(cs_opts[i].longname + 2, arg + 1) == 0)
			return &cs_opts[i];
	return NULL;
}

static int run_cmd(const struct cs_cmd *c, char *prog, int argc, char **argv)
{
	struct cs_args a;
	struct strbuf missing;
	const struct cs_opt *o;
	char *eq, *m;
	int i;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < argc; i++) {
		const char *val = NULL;
		char name[64];

		snprintf(name, sizeof(name), "%s", argv[i]);
		eq = strchr(name, '=');
		if (name[0] == '-' && eq) {
			*eq = '\0';
			val = argv[i] + (eq - name) + 1;
		}
		o = name[0] == '-' ? opt_lookup(name) : NULL;
		if (!o || (o->id != OPT_HELP && !(c->allowed & B(o->id)))) {
			usage_line(stderr, prog, c);
			fprintf(stderr,
				"%s: error: unrecognized arguments: %s\n", prog,
				argv[i]);
			return CS_EXIT_USAGE;
		}
		if (o->id == OPT_HELP) {
			cmd_help(prog, c);
			return 0;
		}
		if (o->metavar && !val) {
			if (i + 1 >= argc ||
			    (argv[i + 1][0] == '-' && argv[i + 1][1])) {
				usage_line(stderr, prog, c);
				fprintf(stderr,
					"%s: error: argument %s%s%s: expected "
					"one argument\n",
					prog, o->shortname ? o->shortname : "",
					o->shortname ? "/" : "", o->longname);
				return CS_EXIT_USAGE;
			}
			val = argv[++i];
		}
		a.set[o->id] = true;
		a.val[o->id] = val;
	}
	strbuf_init(&missing);
	for (i = 0; i < OPT_COUNT; i++) {
		if ((c->required & B(i)) && !a.set[i]) {
			o = opt_by_id((enum cs_opt_id)i);
			strbuf_printf(&missing, "%s%s%s%s",
				      missing.len ? ", " : "",
				      o->shortname ? o->shortname : "",
				      o->shortname ? "/" : "", o->longname);
		}
	}
	if (missing.len) {
		m = strbuf_xtake(&missing);
		usage_line(stderr, prog, c);
		fprintf(stderr,
			"%s: error: the following arguments are required: %s\n",
			prog, m);
		free(m);
		return CS_EXIT_USAGE;
	}
	strbuf_release(&missing);
	return c->fn(prog, &a);
}

int main(int argc, char **argv)
{
	char prog[128] = "configstorecli";
	size_t i, len;
	int k, nwords = 0;
	char *words[3];

	for (k = 1; k < argc && nwords < 3; k++) {
		if (argv[k][0] == '-')
			break;
		words[nwords++] = argv[k];
		/* stop as soon as the words name a whole command */
		for (i = 0; i < CS_NCMDS; i++)
			if (cmd_starts_with(&cs_cmds[i], words, nwords) &&
			    (nwords == 3 || !cs_cmds[i].words[nwords]))
				goto found;
		/* does any command start with these words? */
		for (i = 0; i < CS_NCMDS; i++)
			if (cmd_starts_with(&cs_cmds[i], words, nwords))
				break;
		if (i == CS_NCMDS)
			return ns_error(prog, words, nwords - 1,
					words[nwords - 1]);
		len = strlen(prog);
		snprintf(prog + len, sizeof(prog) - len, " %s", argv[k]);
	}
	if (k < argc &&
	    (!strcmp(argv[k], "-h") || !strcmp(argv[k], "--help"))) {
		ns_help(stdout, prog, words, nwords);
		return 0;
	}
	return ns_error(prog, words, nwords, NULL);
found:
	len = strlen(prog);
	snprintf(prog + len, sizeof(prog) - len, " %s", argv[k]);
	return run_cmd(&cs_cmds[i], prog, argc - k - 1, argv + k + 1);
}
