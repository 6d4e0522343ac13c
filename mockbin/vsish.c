/* vsish.c - mock of ESXi's VMkernel Sys Info shell: `vsish [-p] -e CMD ...`
 * runs one command, plain `vsish` reads commands from stdin with a prompt.
 * Commands come from a table; the node tree is vsish_tree.c. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "state.h"
#include "vsish_derive.h"
#include "vsish_tree.h"

/* Exit statuses: a failed command exits 2 (the code a vsish `set` of an
 * unsupported capability returns on a real host, see
 * docs/esx-cli-reference.md section 3); bad invocation exits 1. */
#define VSISH_EXIT_FAIL 2
#define VSISH_EXIT_USAGE 1
#define VSISH_MAX_WORDS 64

struct vsish {
	bool parse;             /* -p */
	char cwd[VSI_PATH_MAX]; /* interactive working directory */
	bool quit;
};

typedef int vsish_cmd_fn(struct vsish *sh, int argc, char **argv);

struct vsish_cmd {
	const char *name;
	const char *tag; /* the VSISHCmd<tag>Int() of error messages */
	vsish_cmd_fn *fn;
	const char *help;
};

static const char vsish_usage[] =
    "vsish: VMkernel Sys Info Shell\n"
    "Usage: vsish [-p] [-e <command> [<args>]]\n"
    "  -e, --execute    execute one command and exit\n"
    "  -p, --parseable  print values in the parseable format\n"
    "  -h, --help       print this help\n"
    "Without -e vsish reads commands from standard input.\n"
    "Type 'help' inside vsish for the list of commands.\n";

static const char vsish_cmd_help[] =
    "Commands:\n"
    "  ls [<path>]            list the children of a node\n"
    "  cd [<path>]            change the current node\n"
    "  pwd                    print the current node\n"
    "  get <path>             print the value of a leaf node\n"
    "  cat <path>             same as get\n"
    "  set <path> <value>...  set the value of a leaf node\n"
    "  help                   print this help\n"
    "  quit, exit             leave vsish\n";

/* Loads the tree read-only. Prints the state-file error and returns NULL. */
static json_object *load_tree(json_object **root)
{
	struct state_err err;
	struct vsi_err verr;
	json_object *nodes;
	int r = state_json_read(STATE_VSI, root, &err);

	if (r == -ENOENT || (r == 0 && !*root)) {
		*root = json_object_new_object();
		json_object_object_add(*root, "nodes",
				       json_object_new_object());
	} else if (r < 0) {
		fprintf(stderr, "vsish: %s\n", err.msg);
		return NULL;
	}
	nodes = vsi_nodes(*root, &verr);
	if (!nodes) {
		fprintf(stderr, "vsish: %s\n", verr.msg);
		json_object_put(*root);
		*root = NULL;
		return NULL;
	}
	vsi_derive(nodes);
	return nodes;
}

static int resolve(struct vsish *sh, const char *tag, const char *in, char *out)
{
	if (vsi_path_resolve(sh->cwd, in, out, VSI_PATH_MAX) < 0) {
		fprintf(stderr, "VSISHCmd%sInt():mal-formed path\n", tag);
		return -1;
	}
	return 0;
}

static void path_error(const char *tag, const char *missing)
{
	fprintf(stderr, "VSISHPath_Form():Extraneous '%s' in path.\n", missing);
	fprintf(stderr, "VSISHCmd%sInt():mal-formed path\n", tag);
}

static int op_failed(const char *tag, const char *verb, const struct vsi_err *e)
{
	if (e->state)
		fprintf(stderr, "vsish: %s\n", e->msg);
	else
		fprintf(stderr, "VSISHCmd%sInt():%s failed: %s\n", tag, verb,
			e->msg);
	return VSISH_EXIT_FAIL;
}

static int cmd_ls(struct vsish *sh, int argc, char **argv)
{
	char path[VSI_PATH_MAX], missing[256];
	json_object *root, *nodes, *leaf;
	struct strbuf out;
	const char *base;

	if (resolve(sh, "Ls", argc > 1 ? argv[1] : ".", path) < 0)
		return VSISH_EXIT_FAIL;
	nodes = load_tree(&root);
	if (!nodes)
		return VSISH_EXIT_FAIL;
	strbuf_init(&out);
	switch (vsi_lookup(nodes, path, &leaf, missing, sizeof(missing))) {
	case VSI_MISSING:
		json_object_put(root);
		path_error("Ls", missing);
		return VSISH_EXIT_FAIL;
	case VSI_LEAF:
		base = strrchr(path, '/') + 1;
		strbuf_printf(&out, "%s\n", base);
		break;
	case VSI_DIR:
		vsi_list(nodes, path, &out);
		break;
	}
	strbuf_xwrite(&out, stdout);
	json_object_put(root);
	return 0;
}

static int cmd_cd(struct vsish *sh, int argc, char **argv)
{
	char path[VSI_PATH_MAX], missing[256];
	json_object *root, *nodes, *leaf;
	enum vsi_kind k;

	if (resolve(sh, "Cd", argc > 1 ? argv[1] : "/", path) < 0)
		return VSISH_EXIT_FAIL;
	nodes = load_tree(&root);
	if (!nodes)
		return VSISH_EXIT_FAIL;
	k = vsi_lookup(nodes, path, &leaf, missing, sizeof(missing));
	json_object_put(root);
	if (k == VSI_MISSING) {
		path_error("Cd", missing);
		return VSISH_EXIT_FAIL;
	}
	if (k == VSI_LEAF) {
		fprintf(stderr, "VSISHCmdCdInt():Cd failed: Not a directory\n");
		return VSISH_EXIT_FAIL;
	}
	snprintf(sh->cwd, sizeof(sh->cwd), "%s", path);
	return 0;
}

static int cmd_pwd(struct vsish *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("%s%s\n", sh->cwd, strcmp(sh->cwd, "/") ? "/" : "");
	return 0;
}

static int cmd_get(struct vsish *sh, int argc, char **argv)
{
	char path[VSI_PATH_MAX], missing[256];
	json_object *root, *nodes, *leaf;
	struct vsi_err e;
	struct strbuf out;
	enum vsi_kind k;
	int r;

	if (argc < 2) {
		fprintf(stderr, "VSISHCmdGetInt():mal-formed path\n");
		return VSISH_EXIT_FAIL;
	}
	if (resolve(sh, "Get", argv[1], path) < 0)
		return VSISH_EXIT_FAIL;
	nodes = load_tree(&root);
	if (!nodes)
		return VSISH_EXIT_FAIL;
	k = vsi_lookup(nodes, path, &leaf, missing, sizeof(missing));
	if (k == VSI_MISSING) {
		json_object_put(root);
		path_error("Get", missing);
		return VSISH_EXIT_FAIL;
	}
	if (k == VSI_DIR) {
		json_object_put(root);
		fprintf(stderr, "VSISHCmdGetInt():Get failed: Not supported\n");
		return VSISH_EXIT_FAIL;
	}
	strbuf_init(&out);
	r = vsi_format(leaf, path, sh->parse, &out, &e);
	json_object_put(root);
	if (r < 0) {
		strbuf_release(&out);
		return op_failed("Get", "Get", &e);
	}
	strbuf_xwrite(&out, stdout);
	return 0;
}

static int cmd_set(struct vsish *sh, int argc, char **argv)
{
	char path[VSI_PATH_MAX], missing[256];
	struct state_err err;
	json_object *nodes, *leaf;
	struct vsi_err e;
	struct state_doc doc;
	enum vsi_kind k;
	int r;

	if (argc < 2) {
		fprintf(stderr, "VSISHCmdSetInt():mal-formed path\n");
		return VSISH_EXIT_FAIL;
	}
	if (resolve(sh, "Set", argv[1], path) < 0)
		return VSISH_EXIT_FAIL;
	/* a node derived from another program's state is set there */
	if (!(nodes = load_tree(&doc.root)))
		return VSISH_EXIT_FAIL;
	k = vsi_lookup(nodes, path, &leaf, missing, sizeof(missing));
	json_object_put(doc.root);
	if (k == VSI_MISSING) {
		path_error("Set", missing);
		return VSISH_EXIT_FAIL;
	}
	if (k == VSI_LEAF) {
		r = vsi_derived_set(path, argc - 2, argv + 2, &e);
		if (r <= 0)
			return r < 0 ? op_failed("Set", "Set", &e) : 0;
	}
	if (state_json_lock(&doc, STATE_VSI, &err) < 0) {
		fprintf(stderr, "vsish: %s\n", err.msg);
		return VSISH_EXIT_FAIL;
	}
	if (!doc.root) {
		doc.root = json_object_new_object();
		json_object_object_add(doc.root, "nodes",
				       json_object_new_object());
	}
	nodes = vsi_nodes(doc.root, &e);
	if (!nodes) {
		state_json_release(&doc);
		return op_failed("Set", "Set", &e);
	}
	k = vsi_lookup(nodes, path, &leaf, missing, sizeof(missing));
	if (k == VSI_MISSING) {
		state_json_release(&doc);
		path_error("Set", missing);
		return VSISH_EXIT_FAIL;
	}
	if (k == VSI_DIR) {
		state_json_release(&doc);
		fprintf(stderr, "VSISHCmdSetInt():Set failed: Not supported\n");
		return VSISH_EXIT_FAIL;
	}
	if (vsi_set(nodes, path, argc - 2, argv + 2, &e) < 0) {
		state_json_release(&doc);
		return op_failed("Set", "Set", &e);
	}
	r = state_json_commit(&doc, &err);
	if (r < 0) {
		fprintf(stderr, "vsish: %s\n", err.msg);
		return VSISH_EXIT_FAIL;
	}
	return 0;
}

static int cmd_help(struct vsish *sh, int argc, char **argv)
{
	(void)sh;
	(void)argc;
	(void)argv;
	fputs(vsish_cmd_help, stdout);
	return 0;
}

static int cmd_quit(struct vsish *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sh->quit = true;
	return 0;
}

static const struct vsish_cmd vsish_cmds[] = {
    {"cat", "Get", cmd_get, "same as get"},
    {"cd", "Cd", cmd_cd, "change the current node"},
    {"exit", "Quit", cmd_quit, "leave vsish"},
    {"get", "Get", cmd_get, "print a leaf"},
    {"help", "Help", cmd_help, "print the commands"},
    {"ls", "Ls", cmd_ls, "list a node"},
    {"pwd", "Pwd", cmd_pwd, "print the current node"},
    {"q", "Quit", cmd_quit, "leave vsish"},
    {"quit", "Quit", cmd_quit, "leave vsish"},
    {"set", "Set", cmd_set, "set a leaf"},
};

static int run_words(struct vsish *sh, int argc, char **argv)
{
	size_t i;

	if (argc == 0)
		return 0;
	for (i = 0; i < sizeof(vsish_cmds) / sizeof(vsish_cmds[0]); i++)
		if (strcmp(vsish_cmds[i].name, argv[0]) == 0)
			return vsish_cmds[i].fn(sh, argc, argv);
	fprintf(stderr, "Unknown command '%s'. Type 'help' for a list.\n",
		argv[0]);
	return VSISH_EXIT_FAIL;
}

/* Splits a line into words (blanks separate, "double quotes" group). */
static int split_words(char *line, char **w, int max)
{
	int n = 0;
	char *p = line, *o;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		if (n == max)
			return -1;
		w[n++] = o = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' &&
		       *p != '\r') {
			if (*p == '"') {
				p++;
				while (*p && *p != '"')
					*o++ = *p++;
				if (*p)
					p++;
			} else {
				*o++ = *p++;
			}
		}
		if (*p)
			p++;
		*o = '\0';
	}
	return n;
}

static void prompt(const struct vsish *sh)
{
	printf("%s%s> ", sh->cwd, strcmp(sh->cwd, "/") ? "/" : "");
	fflush(stdout);
}

static int interactive(struct vsish *sh)
{
	char *line = NULL, *w[VSISH_MAX_WORDS];
	size_t cap = 0;
	int n;

	for (;;) {
		prompt(sh);
		if (getline(&line, &cap, stdin) < 0) {
			if (isatty(STDIN_FILENO))
				putchar('\n');
			break;
		}
		n = split_words(line, w, VSISH_MAX_WORDS);
		if (n < 0) {
			fprintf(stderr, "vsish: too many words in command\n");
			continue;
		}
		run_words(sh, n, w);
		fflush(stdout);
		if (sh->quit)
			break;
	}
	free(line);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"execute", no_argument, NULL, 'e'},
	    {"parseable", no_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct vsish sh = {.parse = false, .cwd = "/", .quit = false};
	bool exec = false;
	int c;

	opterr = 0; /* messages name the program, not argv[0] */
	while ((c = getopt_long(argc, argv, "+eph", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			exec = true;
			break;
		case 'p':
			sh.parse = true;
			break;
		case 'h':
			fputs(vsish_usage, stdout);
			return 0;
		default:
			if (optopt)
				fprintf(stderr,
					"vsish: invalid option -- '%c'\n",
					optopt);
			else
				fprintf(stderr,
					"vsish: unrecognized option '%s'\n",
					argv[optind - 1]);
			fputs(vsish_usage, stderr);
			return VSISH_EXIT_USAGE;
		}
	}
	if (exec && optind >= argc) {
		fprintf(stderr, "vsish: -e needs a command\n");
		fputs(vsish_usage, stderr);
		return VSISH_EXIT_USAGE;
	}
	if (optind < argc)
		return run_words(&sh, argc - optind, argv + optind);
	return interactive(&sh);
}
