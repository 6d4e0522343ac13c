/* esxcfg-advcfg.c - the mock esxcfg-advcfg: get, set, reset and list the
 * VMkernel advanced options (advopt.h: catalog + esx.conf /adv keys), add
 * and delete /UserVars options, kernel boot options (esx.conf
 * /vmkernel/<name>), the DCUI welcome message (/Annotations/WelcomeMessage)
 * and the system UUID. Messages follow docs/esx-cli-reference.md 5; the
 * choices it leaves open are in docs/state-files.md. */
#include "advopt.h"
#include "esxconf.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WELCOME_OPT "/Annotations/WelcomeMessage"
#define KERNEL_PREFIX "/vmkernel/"

static const char usage_text[] =
    "Usage: esxcfg-advcfg <options> [<adv cfg Path>]\n"
    "   -g|--get                Get the value of the VMkernel advanced\n"
    "                           configuration option\n"
    "   -s|--set <value>        Set the value of the VMkernel advanced\n"
    "                           configuration option\n"
    "   -d|--default            Reset a VMkernel advanced configuration "
    "option\n"
    "                           to default\n"
    "   -l|--list               List all VMkernel advanced config options\n"
    "   -q|--quiet              Suppress output\n"
    "   -k|--set-kernel <value> Set a VMkernel load time option value.\n"
    "   -j|--get-kernel         Get a VMkernel load time option value.\n"
    "   -c|--del-kernel         Delete a VMkernel load time option.\n"
    "   -m|--set-message <msg>  Set DCUI welcome message.\n"
    "   -G|--get-message        Get DCUI welcome message.\n"
    "   -u|--uuid               Ensure the VMkernel system UUID is set and\n"
    "                           print it.\n"
    "   -A|--add-option <name>  Add a user specified VMkernel advanced "
    "option\n"
    "                           (under /UserVars/).\n"
    "   -T|--add-type <type>    Type of the option: string or int\n"
    "   -E|--add-desc <desc>    Description of the option.\n"
    "   -F|--add-default <val>  Default value for the option.\n"
    "   -N|--add-min <min>      Minimum value for int option.\n"
    "   -M|--add-max <max>      Maximum value for int option.\n"
    "   -H|--add-hidden         Whether the new option should be hidden.\n"
    "   -L|--del-option <name>  Delete a user specified VMkernel option.\n"
    "   -h|--help               Show this message.\n";

enum op {
	OP_NONE = 0,
	OP_GET,
	OP_SET,
	OP_DEFAULT,
	OP_LIST,
	OP_SET_KERNEL,
	OP_GET_KERNEL,
	OP_DEL_KERNEL,
	OP_SET_MESSAGE,
	OP_GET_MESSAGE,
	OP_UUID,
	OP_ADD,
	OP_DEL,
};

struct args {
	enum op op;
	bool quiet, hidden;
	const char *value; /* -s, -k, -m */
	const char *name;  /* -A, -L */
	const char *type, *desc, *def, *min, *max;
	const char *path; /* the operand */
};

struct ctx {
	const struct args *a;
	char msg[512];
	char out[1024]; /* what to print on success */
	int status;     /* exit status decided inside a locked update */
};

/* A failed state-file access: its message, or the errno's; exit status 1. */
static int state_fail(const struct state_err *err, int r)
{
	fprintf(stderr, "Error: %s\n", *err->msg ? err->msg : strerror(-r));
	return 1;
}

static void err_out(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

static int load_opts(struct advopt_set *set, const struct esxconf *conf)
{
	struct state_err err = {.msg = ""};

	if (advopt_load(set, conf, &err) < 0) {
		fprintf(stderr, "Error: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void value_line(struct ctx *x, const struct advopt *o)
{
	if (o->is_int)
		snprintf(x->out, sizeof(x->out), "Value of %s is %lld\n",
			 advopt_leaf(o->path), o->ival);
	else
		snprintf(x->out, sizeof(x->out), "Value of %s is %s\n",
			 advopt_leaf(o->path), o->sval);
}

/* -s, -d, -m: one locked esx.conf update. */
static int set_fn(struct esxconf *conf, void *arg)
{
	struct ctx *x = arg;
	const char *path =
	    x->a->op == OP_SET_MESSAGE ? WELCOME_OPT : x->a->path;
	struct advopt_set set;
	struct advopt *o;
	int r = 0;

	if (load_opts(&set, conf) < 0)
		return 1;
	o = advopt_find(&set, path);
	if (!o) {
		fprintf(stderr, "Unable to find option %s\n", path);
		r = 1;
	} else if (x->a->op == OP_DEFAULT) {
		advopt_reset(conf, o);
		value_line(x, o);
	} else if (advopt_store(conf, o, x->a->value, x->msg, sizeof(x->msg)) <
		   0) {
		err_out(x->msg);
		r = 1;
	} else if (x->a->op == OP_SET) {
		value_line(x, o);
	}
	advopt_release(&set);
	return r;
}

/* esx.conf and the options with their values, read-only; errors printed. */
static int load_all(struct esxconf *conf, struct advopt_set *set)
{
	struct state_err err = {.msg = ""};

	if (state_conf_load(conf, &err) < 0) {
		fprintf(stderr, "Error: %s\n", err.msg);
		return -1;
	}
	if (load_opts(set, conf) < 0) {
		esxconf_release(conf);
		return -1;
	}
	return 0;
}

static int op_get(const struct args *a, const char *path, bool message)
{
	struct advopt_set set;
	struct esxconf conf;
	const struct advopt *o;
	int rc = 0;

	if (load_all(&conf, &set) < 0)
		return 1;
	o = advopt_find(&set, path);
	if (!o) {
		fprintf(stderr, "Unable to find option %s\n", path);
		rc = 1;
	} else if (message) {
		if (!a->quiet)
			printf("%s\n", o->sval);
	} else if (!a->quiet) {
		struct ctx x = {a, "", "", 0};

		value_line(&x, o);
		fputs(x.out, stdout);
	}
	advopt_release(&set);
	esxconf_release(&conf);
	return rc;
}

static int op_list(void)
{
	struct advopt_set set;
	struct esxconf conf;

	if (load_all(&conf, &set) < 0)
		return 1;
	for (size_t i = 0; i < set.n; i++) {
		const struct advopt *o = &set.v[i];

		if (!o->hidden)
			printf("%s [%s] : %s\n", o->path,
			       o->is_int ? "Integer" : "String", o->desc);
	}
	advopt_release(&set);
	esxconf_release(&conf);
	return 0;
}

static int update(struct ctx *x, state_conf_fn *fn)
{
	struct state_err err = {.msg = ""};
	int r = state_conf_update(fn, x, &err);

	if (r < 0)
		return state_fail(&err, r);
	if (r > 0)
		return 1;
	if (!x->a->quiet)
		fputs(x->out, stdout);
	return 0;
}

/* Kernel boot options live in esx.conf as /vmkernel/<name>. */
static int kernel_fn(struct esxconf *conf, void *arg)
{
	struct ctx *x = arg;
	char key[300];

	snprintf(key, sizeof(key), "%s%s", KERNEL_PREFIX, x->a->path);
	if (x->a->op == OP_DEL_KERNEL) {
		if (esxconf_del(conf, key) < 0) {
			fprintf(stderr, "Unable to find kernel option %s\n",
				x->a->path);
			return 1;
		}
		return 0;
	}
	snprintf(x->out, sizeof(x->out), "%s = %s\n", x->a->path, x->a->value);
	return esxconf_set(conf, key, x->a->value);
}

static int op_get_kernel(const struct args *a)
{
	struct esxconf conf;
	struct state_err err = {.msg = ""};
	char key[300];
	const char *v;
	int rc = 0;

	if (state_conf_load(&conf, &err) < 0) {
		fprintf(stderr, "Error: %s\n", err.msg);
		return 1;
	}
	snprintf(key, sizeof(key), "%s%s", KERNEL_PREFIX, a->path);
	v = esxconf_get(&conf, key);
	if (!v) {
		fprintf(stderr, "Unable to find kernel option %s\n", a->path);
		rc = 1;
	} else if (!a->quiet) {
		printf("%s = %s\n", a->path, v);
	}
	esxconf_release(&conf);
	return rc;
}

/* -u: prints /system/uuid, creating one (ESXi's form) when missing. */
static int uuid_fn(struct esxconf *conf, void *arg)
{
	struct ctx *x = arg;
	const char *u = esxconf_get(conf, "/system/uuid");
	unsigned char b[16] = {0};
	char gen[64];
	int fd;

	if (u && *u) {
		snprintf(x->out, sizeof(x->out), "%s\n", u);
		return 0;
	}
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	close(fd);
	snprintf(gen, sizeof(gen),
		 "%02x%02x%02x%02x-%02x%02x%02x%02x-%02x%02x-%02x%02x%02x%02x"
		 "%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	snprintf(x->out, sizeof(x->out), "%s\n", gen);
	return esxconf_set(conf, "/system/uuid", gen);
}

static const char *user_path(const char *name, char *buf, size_t n)
{
	if (strncasecmp(name, "/UserVars/", 10) == 0)
		snprintf(buf, n, "/UserVars/%s", name + 10);
	else
		snprintf(buf, n, "/UserVars/%s", name);
	return buf;
}

static int op_add(const struct args *a)
{
	struct advopt def = {0};
	struct state_err err = {.msg = ""};
	char path[300];
	const char *type = a->type ? a->type : "int";
	int r;

	def.path = (char *)user_path(a->name, path, sizeof(path));
	if (strcmp(type, "int") && strcmp(type, "string")) {
		fprintf(stderr, "Invalid option type %s: use int or string\n",
			type);
		return 1;
	}
	def.is_int = strcmp(type, "int") == 0;
	if (def.is_int) {
		if (!a->def || !a->min || !a->max ||
		    !advopt_parse_int(a->def, &def.idef) ||
		    !advopt_parse_int(a->min, &def.min) ||
		    !advopt_parse_int(a->max, &def.max) || def.min > def.max ||
		    def.idef < def.min || def.idef > def.max) {
			fprintf(stderr,
				"Integer options need a default (-F), a "
				"minimum (-N) and a maximum (-M) with min <= "
				"default <= max\n");
			return 1;
		}
	}
	def.sdef = (char *)(a->def ? a->def : "");
	def.desc = (char *)(a->desc ? a->desc : "");
	def.hidden = a->hidden;
	r = advopt_add_user(&def, &err);
	if (r == -EEXIST) {
		fprintf(stderr, "Option %s already exists\n", path);
		return 1;
	}
	if (r < 0)
		return state_fail(&err, r);
	return 0;
}

static int op_del(const struct args *a)
{
	struct state_err err = {.msg = ""};
	char path[300];
	int r =
	    advopt_remove_user(user_path(a->name, path, sizeof(path)), &err);

	if (r == -ENOENT || r == -EPERM) {
		fprintf(stderr, "Unable to find user option %s\n", path);
		return 1;
	}
	if (r < 0)
		return state_fail(&err, r);
	return 0;
}

static int set_op(struct args *a, enum op op)
{
	if (a->op != OP_NONE && a->op != op) {
		fputs("Error: only one operation may be given\n", stderr);
		fputs(usage_text, stderr);
		return -1;
	}
	a->op = op;
	return 0;
}

/* The options: the operation each selects (OP_NONE: a modifier), where its
 * argument goes, or which switch it sets. getopt's tables are built from
 * this one. */
#define ADV_NOWHERE SIZE_MAX
struct adv_flag {
	const char *name;
	char ch;
	enum op op;
	size_t arg;  /* offsetof(struct args, <const char *>), or ADV_NOWHERE */
	size_t flag; /* offsetof(struct args, <bool>), or ADV_NOWHERE */
};
#define ARG(f) offsetof(struct args, f)
#define NOA ADV_NOWHERE
static const struct adv_flag adv_flags[] = {
    {"get", 'g', OP_GET, NOA, NOA},
    {"set", 's', OP_SET, ARG(value), NOA},
    {"default", 'd', OP_DEFAULT, NOA, NOA},
    {"list", 'l', OP_LIST, NOA, NOA},
    {"quiet", 'q', OP_NONE, NOA, ARG(quiet)},
    {"set-kernel", 'k', OP_SET_KERNEL, ARG(value), NOA},
    {"get-kernel", 'j', OP_GET_KERNEL, NOA, NOA},
    {"del-kernel", 'c', OP_DEL_KERNEL, NOA, NOA},
    {"set-message", 'm', OP_SET_MESSAGE, ARG(value), NOA},
    {"get-message", 'G', OP_GET_MESSAGE, NOA, NOA},
    {"uuid", 'u', OP_UUID, NOA, NOA},
    {"add-option", 'A', OP_ADD, ARG(name), NOA},
    {"add-type", 'T', OP_NONE, ARG(type), NOA},
    {"add-desc", 'E', OP_NONE, ARG(desc), NOA},
    {"add-default", 'F', OP_NONE, ARG(def), NOA},
    {"add-min", 'N', OP_NONE, ARG(min), NOA},
    {"add-max", 'M', OP_NONE, ARG(max), NOA},
    {"add-hidden", 'H', OP_NONE, NOA, ARG(hidden)},
    {"del-option", 'L', OP_DEL, ARG(name), NOA},
};
#undef ARG
#undef NOA
#define ADV_NFLAGS (sizeof(adv_flags) / sizeof(adv_flags[0]))

static int apply_flag(struct args *a, const struct adv_flag *f)
{
	if (f->op != OP_NONE && set_op(a, f->op) < 0)
		return -1;
	if (f->arg != ADV_NOWHERE)
		*(const char **)((char *)a + f->arg) = optarg;
	if (f->flag != ADV_NOWHERE)
		*(bool *)((char *)a + f->flag) = true;
	return 0;
}

static int parse(int argc, char **argv, struct args *a)
{
	struct option longopts[ADV_NFLAGS + 2];
	char optstring[2 * ADV_NFLAGS + 2], *o = optstring;
	size_t i;
	int ch;

	for (i = 0; i < ADV_NFLAGS; i++) {
		bool has_arg = adv_flags[i].arg != ADV_NOWHERE;

		longopts[i] =
		    (struct option){adv_flags[i].name,
				    has_arg ? required_argument : no_argument,
				    NULL, adv_flags[i].ch};
		*o++ = adv_flags[i].ch;
		if (has_arg)
			*o++ = ':';
	}
	longopts[i++] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[i] = (struct option){NULL, 0, NULL, 0};
	*o++ = 'h';
	*o = '\0';
	opterr = 1;
	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) !=
	       -1) {
		if (ch == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		}
		for (i = 0; i < ADV_NFLAGS && adv_flags[i].ch != ch; i++)
			;
		if (i == ADV_NFLAGS) { /* getopt printed the problem */
			fputs(usage_text, stderr);
			return -1;
		}
		if (apply_flag(a, &adv_flags[i]) < 0)
			return -1;
	}
	if (optind < argc)
		a->path = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "Error: unexpected argument '%s'\n",
			argv[optind]);
		fputs(usage_text, stderr);
		return -1;
	}
	return 0;
}

static bool needs_path(enum op op)
{
	return op == OP_GET || op == OP_SET || op == OP_DEFAULT ||
	       op == OP_SET_KERNEL || op == OP_GET_KERNEL ||
	       op == OP_DEL_KERNEL;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	struct ctx x = {&a, "", "", 0};

	/* getopt's messages name the program as run: keep the base name */
	if (argc > 0 && strrchr(argv[0], '/'))
		argv[0] = strrchr(argv[0], '/') + 1;
	if (parse(argc, argv, &a) < 0)
		return 1;
	if (a.op == OP_NONE) {
		fputs(usage_text, stderr);
		return 1;
	}
	if (needs_path(a.op) && !a.path) {
		fputs("Error: no option name specified\n", stderr);
		fputs(usage_text, stderr);
		return 1;
	}
	switch (a.op) {
	case OP_GET:
		return op_get(&a, a.path, false);
	case OP_GET_MESSAGE:
		return op_get(&a, WELCOME_OPT, true);
	case OP_SET:
	case OP_DEFAULT:
	case OP_SET_MESSAGE:
		return update(&x, set_fn);
	case OP_LIST:
		return a.quiet ? 0 : op_list();
	case OP_SET_KERNEL:
	case OP_DEL_KERNEL:
		return update(&x, kernel_fn);
	case OP_GET_KERNEL:
		return op_get_kernel(&a);
	case OP_UUID:
		return update(&x, uuid_fn);
	case OP_ADD:
		return op_add(&a);
	case OP_DEL:
		return op_del(&a);
	case OP_NONE:
		break;
	}
	return 1;
}
