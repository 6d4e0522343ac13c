/* cli.c - esxcli's dispatcher: global options, namespace walk, command
 * option parsing, usage text and ESXi's parse errors. Follows the
 * behaviour of VMware's esxcli front-end (docs/esx-cli-reference.md 2.1 to
 * 2.4); choices where the reference is unsure are in docs/state-files.md
 * "esxcli front-end choices". */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CLI_HELP_COL 24 /* descriptions start at this column */
#define CLI_PATH_MAX 512
#define CLI_ERR_MAX 4096

static int cmp_cmd(const void *a, const void *b)
{
	const struct cli_cmd *x = *(const struct cli_cmd *const *)a;
	const struct cli_cmd *y = *(const struct cli_cmd *const *)b;
	int r = strcmp(x->ns, y->ns);

	return r ? r : strcmp(x->verb, y->verb);
}

static int cmp_ns(const void *a, const void *b)
{
	const struct cli_ns *x = *(const struct cli_ns *const *)a;
	const struct cli_ns *y = *(const struct cli_ns *const *)b;

	return strcmp(x->ns, y->ns);
}

int cli_prog_init(struct cli_prog *p, const char *name,
		  const struct cli_cmd *const *cmd_tables,
		  const struct cli_ns *const *ns_tables)
{
	size_t nc = 0, nn = 0;

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->out = stdout;
	p->err = stderr;
	for (size_t t = 0; cmd_tables[t]; t++)
		for (size_t i = 0; cmd_tables[t][i].ns; i++)
			nc++;
	for (size_t t = 0; ns_tables[t]; t++)
		for (size_t i = 0; ns_tables[t][i].ns; i++)
			nn++;
	p->cmds = calloc(nc ? nc : 1, sizeof(*p->cmds));
	p->ns = calloc(nn ? nn : 1, sizeof(*p->ns));
	if (!p->cmds || !p->ns) {
		cli_prog_release(p);
		return -ENOMEM;
	}
	for (size_t t = 0; cmd_tables[t]; t++)
		for (size_t i = 0; cmd_tables[t][i].ns; i++)
			p->cmds[p->ncmds++] = &cmd_tables[t][i];
	for (size_t t = 0; ns_tables[t]; t++)
		for (size_t i = 0; ns_tables[t][i].ns; i++)
			p->ns[p->nns++] = &ns_tables[t][i];
	qsort(p->cmds, p->ncmds, sizeof(*p->cmds), cmp_cmd);
	qsort(p->ns, p->nns, sizeof(*p->ns), cmp_ns);
	return 0;
}

void cli_prog_release(struct cli_prog *p)
{
	free(p->cmds);
	free(p->ns);
	p->cmds = NULL;
	p->ns = NULL;
	p->ncmds = p->nns = 0;
}

static const struct cli_ns *find_ns(const struct cli_prog *p, const char *ns)
{
	for (size_t i = 0; i < p->nns; i++)
		if (strcmp(p->ns[i]->ns, ns) == 0)
			return p->ns[i];
	return NULL;
}

static const struct cli_cmd *find_cmd(const struct cli_prog *p, const char *ns,
				      const char *verb)
{
	for (size_t i = 0; i < p->ncmds; i++)
		if (strcmp(p->cmds[i]->ns, ns) == 0 &&
		    strcmp(p->cmds[i]->verb, verb) == 0)
			return p->cmds[i];
	return NULL;
}

/* ---- usage -------------------------------------------------------- */

/* "  name" then the help at column 24, or on the next line when the name
 * is longer than 20 characters; help lines after the first are indented
 * to column 24 too. */
static void put_item(FILE *f, const char *name, const char *help,
		     const char *suffix)
{
	size_t n = strlen(name);
	const char *h = help ? help : "";

	fprintf(f, "  %s", name);
	if (n + 2 > CLI_HELP_COL - 2)
		fprintf(f, "\n%*s", CLI_HELP_COL, "");
	else
		fprintf(f, "%*s", (int)(CLI_HELP_COL - 2 - n), "");
	while (*h) {
		const char *nl = strchr(h, '\n');
		size_t len = nl ? (size_t)(nl - h) : strlen(h);

		fwrite(h, 1, len, f);
		h += len;
		if (*h == '\n')
			h++;
		if (*h)
			fprintf(f, "\n%*s", CLI_HELP_COL, "");
	}
	if (suffix)
		fprintf(f, "%s%s", *help ? " " : "", suffix);
	fputc('\n', f);
}

/* The namespace path with spaces: "network.ip" -> "network ip". */
static void spaced(char *d, size_t n, const char *ns)
{
	snprintf(d, n, "%s", ns);
	for (char *s = d; *s; s++)
		if (*s == '.')
			*s = ' ';
}

static bool is_child(const char *parent, const char *ns)
{
	size_t n = strlen(parent);

	if (n == 0)
		return strchr(ns, '.') == NULL;
	return strncmp(ns, parent, n) == 0 && ns[n] == '.' &&
	       strchr(ns + n + 1, '.') == NULL;
}

static void put_top_options(const struct cli_prog *p, FILE *f)
{
	fputs("Options:\n", f);
	put_item(f, "--formatter=FORMATTER",
		 "Override the formatter to use for a given command. "
		 "Available formatters: xml, csv, keyvalue.",
		 NULL);
	put_item(f, "--screen-width=SCREENWIDTH",
		 "Use the specified screen width when formatting text.", NULL);
	put_item(f, "--debug", "Enable debug or internal use options.", NULL);
	put_item(f, "--log-verbose", "Enable verbose logging.", NULL);
	if (p->localcli)
		put_item(f, "--plugin-dir=PLUGINDIR",
			 "Override the directory from which to load plugins.",
			 NULL);
	put_item(f, "-?, --help", "Display usage information.", NULL);
}

static void put_ns_usage(const struct cli_prog *p, const char *ns, FILE *f)
{
	char sp[CLI_PATH_MAX];
	bool any_ns = false, any_cmd = false;

	spaced(sp, sizeof(sp), ns);
	if (!*ns) {
		fprintf(f,
			"Usage: %s [options] {namespace}+ {cmd} [cmd "
			"options]\n\n",
			p->name);
		put_top_options(p, f);
		fputc('\n', f);
	} else {
		fprintf(f, "Usage: %s %s {cmd} [cmd options]\n\n", p->name, sp);
	}
	for (size_t i = 0; i < p->nns; i++) {
		const char *child = p->ns[i]->ns;

		if (!is_child(ns, child))
			continue;
		if (!any_ns)
			fputs("Available Namespaces:\n", f);
		any_ns = true;
		put_item(f, *ns ? child + strlen(ns) + 1 : child,
			 p->ns[i]->help, NULL);
	}
	for (size_t i = 0; i < p->ncmds; i++) {
		if (strcmp(p->cmds[i]->ns, ns) != 0)
			continue;
		if (!any_cmd)
			fputs(any_ns ? "\nAvailable Commands:\n"
				     : "Available Commands:\n",
			      f);
		any_cmd = true;
		put_item(f, p->cmds[i]->verb, p->cmds[i]->help, NULL);
	}
}

static const char *placeholder(enum cli_type t)
{
	switch (t) {
	case CLI_LONG:
		return "=<long>";
	case CLI_INT:
		return "=<int>";
	case CLI_BOOL:
		return "=<bool>";
	case CLI_FLAG:
		return "";
	default:
		return "=<str>";
	}
}

static size_t nopts(const struct cli_cmd *cmd)
{
	size_t n = 0;

	while (cmd->opts && cmd->opts[n].name)
		n++;
	return n;
}

static void put_cmd_usage(const struct cli_prog *p, const struct cli_cmd *cmd,
			  FILE *f)
{
	char sp[CLI_PATH_MAX];
	size_t n = nopts(cmd);
	const struct cli_opt *sorted[CLI_MAX_OPTS];

	spaced(sp, sizeof(sp), cmd->ns);
	fprintf(f, "Usage: %s %s %s [cmd options]\n\n", p->name, sp, cmd->verb);
	fputs("Description: \n", f);
	put_item(f, cmd->verb, cmd->help, NULL);
	fputs("\nCmd options:\n", f);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j > 0 &&
		       strcmp(sorted[j - 1]->name, cmd->opts[i].name) > 0) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = &cmd->opts[i];
	}
	for (size_t i = 0; i < n; i++) {
		char left[256];

		snprintf(left, sizeof(left), "%s%s", sorted[i]->aliases,
			 placeholder(sorted[i]->type));
		put_item(f, left, sorted[i]->help,
			 sorted[i]->required ? "(required)" : NULL);
	}
}

/* ---- command options ---------------------------------------------- */

static bool alias_is(const char *aliases, const char *word, size_t len)
{
	const char *a = aliases;

	while (*a) {
		const char *bar = strchr(a, '|');
		size_t n = bar ? (size_t)(bar - a) : strlen(a);

		if (n == len && strncmp(a, word, n) == 0)
			return true;
		a += n + (bar ? 1 : 0);
	}
	return false;
}

static int opt_index(const struct cli_cmd *cmd, const char *word, size_t len)
{
	for (size_t i = 0; cmd->opts && cmd->opts[i].name; i++)
		if (alias_is(cmd->opts[i].aliases, word, len))
			return (int)i;
	return -1;
}

static int name_index(const struct cli_call *c, const char *name)
{
	for (size_t i = 0; c->cmd->opts && c->cmd->opts[i].name; i++)
		if (strcmp(c->cmd->opts[i].name, name) == 0)
			return (int)i;
	fprintf(stderr, "cli: command \"%s %s\" has no option \"%s\"\n",
		c->cmd->ns, c->cmd->verb, name);
	abort();
}

int cli_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "true", "t", "yes", "y", "on"};
	static const char *const no[] = {"0", "false", "f", "no", "n", "off"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static bool parse_ll(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return *s && !*end && errno == 0;
}

static bool in_choices(const char *choices, const char *v)
{
	return alias_is(choices, v, strlen(v));
}

/* Checks one value against its option's type. */
static int check_value(const struct cli_opt *o, const char *typed,
		       const char *v, char *err, size_t n)
{
	long long ll;
	bool b;

	if ((o->type == CLI_LONG || o->type == CLI_INT) && !parse_ll(v, &ll)) {
		snprintf(err, n,
			 "While processing '%s'. Argument type mismatch. "
			 "Expecting integer value. Got '%s'",
			 typed, v);
		return -1;
	}
	if (o->type == CLI_BOOL && cli_parse_bool(v, &b) < 0) {
		snprintf(err, n,
			 "While processing '%s'. Argument type mismatch. "
			 "Expecting one of {0, 1, n[o], y[es], f[alse], "
			 "t[rue], off, on}. Got '%s'",
			 typed, v);
		return -1;
	}
	if (o->choices && !in_choices(o->choices, v)) {
		snprintf(err, n, "'%s' must be one of [%s]", v, o->choices);
		return -1;
	}
	return 0;
}

static int add_multi(struct cli_call *c, int k, const char *v)
{
	const char **m = realloc(c->multi[k], (c->nmulti[k] + 1) * sizeof(*m));

	if (!m)
		return -ENOMEM;
	m[c->nmulti[k]++] = v;
	c->multi[k] = m;
	return 0;
}

/* Parses args into c. Returns 0, or -1 with the message in err. */
static int parse_opts(struct cli_call *c, int n, char **args, char *err,
		      size_t errlen)
{
	const struct cli_cmd *cmd = c->cmd;
	size_t used = 0;

	for (int i = 0; i < n; i++) {
		const char *a = args[i], *eq, *v;
		char typed[256];
		size_t wlen;
		int k;

		if (a[0] != '-' || a[1] == '\0') {
			snprintf(err, errlen, "Invalid option %s", a);
			return -1;
		}
		eq = strchr(a, '=');
		wlen = eq ? (size_t)(eq - a) : strlen(a);
		k = opt_index(cmd, a, wlen);
		if (k < 0) {
			snprintf(err, errlen, "Invalid option %.*s", (int)wlen,
				 a);
			return -1;
		}
		if (cmd->opts[k].type == CLI_FLAG) {
			if (eq) {
				snprintf(err, errlen,
					 "'%.*s' is a flag and cannot accept "
					 "any values.",
					 (int)wlen, a);
				return -1;
			}
			v = "true";
		} else if (eq) {
			v = eq + 1;
		} else if (i + 1 < n) {
			v = args[++i];
		} else {
			snprintf(err, errlen, "%s must have value", a);
			return -1;
		}
		if (c->given[k] && !cmd->opts[k].multi &&
		    cmd->opts[k].type != CLI_FLAG) {
			snprintf(err, errlen, "Duplicated option %.*s",
				 (int)wlen, a);
			return -1;
		}
		/* messages name the option as typed, without "=value" */
		snprintf(typed, sizeof(typed), "%.*s", (int)wlen, a);
		if (check_value(&cmd->opts[k], typed, v, err, errlen) < 0)
			return -1;
		c->given[k] = true;
		c->val[k] = v;
		if (cmd->opts[k].multi && strcmp(v, "[") == 0) {
			/* the array form: -v [ a b c ] */
			while (++i < n && strcmp(args[i], "]") != 0) {
				if (check_value(&cmd->opts[k], typed, args[i],
						err, errlen) < 0)
					return -1;
				if (add_multi(c, k, args[i]) < 0) {
					snprintf(err, errlen, "out of memory");
					return -1;
				}
				c->val[k] = args[i];
			}
			if (i == n) {
				snprintf(err, errlen, "%s must have value",
					 typed);
				return -1;
			}
			continue;
		}
		if (cmd->opts[k].multi && add_multi(c, k, v) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	for (size_t k = 0; cmd->opts && cmd->opts[k].name; k++) {
		int w;

		if (!cmd->opts[k].required || c->given[k])
			continue;
		w = snprintf(err + used, errlen - used,
			     "%sMissing required parameter %s",
			     used ? "\n       " : "", cmd->opts[k].aliases);
		if (w > 0 && (size_t)w < errlen - used)
			used += (size_t)w;
	}
	return used ? -1 : 0;
}

bool cli_given(const struct cli_call *c, const char *name)
{
	return c->given[name_index(c, name)];
}

const char *cli_str(const struct cli_call *c, const char *name)
{
	return c->val[name_index(c, name)];
}

long long cli_long(const struct cli_call *c, const char *name, long long def)
{
	const char *v = cli_str(c, name);
	long long ll;

	return v && parse_ll(v, &ll) ? ll : def;
}

bool cli_bool(const struct cli_call *c, const char *name, bool def)
{
	const char *v = cli_str(c, name);
	bool b;

	return v && cli_parse_bool(v, &b) == 0 ? b : def;
}

size_t cli_multi(const struct cli_call *c, const char *name,
		 const char *const **vals)
{
	int k = name_index(c, name);

	*vals = c->multi[k];
	return c->nmulti[k];
}

int cli_fault(const struct cli_call *c, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vfprintf(c->prog->err, f, ap);
	va_end(ap);
	fputc('\n', c->prog->err);
	return 1;
}

/* ---- global options and dispatch ---------------------------------- */

struct cli_globals {
	struct fmt_opts fo;
	const char *formatter;
	bool debug;
};

static int optparse_error(const struct cli_prog *p, const char *msg,
			  const char *what)
{
	fprintf(p->err,
		"Usage: %s [options] {namespace}+ {cmd} [cmd options]\n\n"
		"%s: error: %s%s\n",
		p->name, p->name, msg, what);
	return 2;
}

static int set_formatter(const struct cli_prog *p, struct cli_globals *g)
{
	static const struct {
		const char *name;
		enum fmt_kind kind;
		bool debug;
	} kinds[] = {
	    {"xml", FMT_KIND_XML, false},
	    {"csv", FMT_KIND_CSV, false},
	    {"keyvalue", FMT_KIND_KEYVALUE, false},
	    {"json", FMT_KIND_JSON, false},
	    {"simple", FMT_KIND_SIMPLE, true},
	    {"table", FMT_KIND_TABLE, true},
	};

	if (!g->formatter)
		return 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(g->formatter, kinds[i].name) == 0 &&
		    (!kinds[i].debug || g->debug)) {
			g->fo.kind = kinds[i].kind;
			return 0;
		}
	}
	fprintf(p->err, "Error: Unable to find requested formatter: %s\n",
		g->formatter);
	return 1;
}

static int format_param(const struct cli_prog *p, struct cli_globals *g,
			const char *kv)
{
	bool b;

	if (strncmp(kv, "fields=", 7) == 0) {
		g->fo.fields = kv + 7;
	} else if (strncmp(kv, "show-header=", 12) == 0) {
		if (cli_parse_bool(kv + 12, &b) < 0) {
			fprintf(p->err,
				"Error: Invalid format parameter value %s\n",
				kv);
			return 1;
		}
		g->fo.show_header = b;
	}
	/* other keys (units, printf, wrap-last, header...) are accepted
	 * and ignored */
	return 0;
}

/* Value of a global option given as --opt=value or --opt value. */
static const char *gvalue(int n, char **args, int *i, size_t namelen)
{
	const char *a = args[*i];

	if (a[namelen] == '=')
		return a + namelen + 1;
	if (*i + 1 < n)
		return args[++*i];
	return NULL;
}

/* Global options that take a value (--opt=value or --opt value). */
enum gopt {
	GOPT_FORMATTER,
	GOPT_FORMAT_PARAM,
	GOPT_SCREEN_WIDTH,
	GOPT_PLUGIN_DIR
};

static const struct {
	const char *name;
	enum gopt id;
	bool localcli_only;
} gopts[] = {
    {"--formatter", GOPT_FORMATTER, false},
    {"--format-param", GOPT_FORMAT_PARAM, false},
    {"--screen-width", GOPT_SCREEN_WIDTH, false},
    {"--plugin-dir", GOPT_PLUGIN_DIR, true},
};

static int apply_gopt(const struct cli_prog *p, struct cli_globals *g,
		      enum gopt id, const char *v)
{
	long long w;

	switch (id) {
	case GOPT_FORMATTER:
		g->formatter = v;
		break;
	case GOPT_FORMAT_PARAM:
		return format_param(p, g, v);
	case GOPT_SCREEN_WIDTH:
		/* validated only: without a terminal nothing is wrapped */
		if (!parse_ll(v, &w) || w < 1 || w > 10000) {
			fprintf(p->err, "Error: Invalid screen width\n");
			return 1;
		}
		break;
	case GOPT_PLUGIN_DIR: /* accepted, plugins are built in */
		break;
	}
	return 0;
}

static int parse_globals(const struct cli_prog *p, int n, char **args, int *i,
			 struct cli_globals *g, bool *help)
{
	for (; *i < n && args[*i][0] == '-'; ++*i) {
		const char *a = args[*i], *v;
		size_t wl = strcspn(a, "="), k;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-?") == 0) {
			*help = true;
			continue;
		}
		if (strcmp(a, "--debug") == 0) {
			g->debug = true;
			continue;
		}
		if (strcmp(a, "--log-verbose") == 0)
			continue;
		if (strcmp(a, "--version") == 0) {
			fprintf(p->out, "Script '%s' version: 8.0.0\n",
				p->name);
			return -1; /* exit 0 */
		}
		for (k = 0; k < sizeof(gopts) / sizeof(gopts[0]); k++)
			if (strlen(gopts[k].name) == wl &&
			    strncmp(a, gopts[k].name, wl) == 0 &&
			    (!gopts[k].localcli_only || p->localcli))
				break;
		if (k == sizeof(gopts) / sizeof(gopts[0]))
			return optparse_error(p, "no such option: ", a);
		v = gvalue(n, args, i, wl);
		if (!v) {
			char msg[64];

			snprintf(msg, sizeof(msg), "%.*s option requires an ",
				 (int)wl, a);
			return optparse_error(p, msg, "argument");
		}
		if (apply_gopt(p, g, gopts[k].id, v))
			return 1;
	}
	return 0;
}

static int unknown(const struct cli_prog *p, int n, char **args, int start)
{
	fprintf(p->err, "Error: Unknown command or namespace");
	for (int i = start; i < n && args[i][0] != '-'; i++)
		fprintf(p->err, " %s", args[i]);
	fputc('\n', p->err);
	return 1;
}

static int run_cmd(const struct cli_prog *p, const struct cli_cmd *cmd,
		   struct cli_globals *g, int n, char **args)
{
	struct cli_call c;
	struct fmt_result res;
	char *err = NULL;
	int rc;

	for (int i = 0; i < n; i++) {
		if (strcmp(args[i], "--help") == 0 ||
		    strcmp(args[i], "-?") == 0) {
			put_cmd_usage(p, cmd, p->out);
			return 0;
		}
	}
	memset(&c, 0, sizeof(c));
	c.prog = p;
	c.cmd = cmd;
	err = malloc(CLI_ERR_MAX);
	if (!err) {
		fprintf(p->err, "Runtime error: out of memory\n");
		return 1;
	}
	if (parse_opts(&c, n, args, err, CLI_ERR_MAX) < 0) {
		fprintf(p->err, "Error: %s\n\n", err);
		put_cmd_usage(p, cmd, p->err);
		rc = 1;
		goto out;
	}
	fmt_result_init(&res);
	c.res = &res;
	rc = cmd->fn(&c);
	if (rc == 0) {
		g->fo.layout = cmd->layout;
		if (fmt_render(&res, &g->fo, p->out) < 0) {
			fprintf(p->err, "Runtime error: out of memory\n");
			rc = 1;
		}
	} else {
		rc = 1;
	}
	fmt_result_release(&res);
out:
	for (size_t k = 0; k < CLI_MAX_OPTS; k++)
		free(c.multi[k]);
	free(err);
	return rc;
}

int cli_run(const struct cli_prog *p, int n, char **args)
{
	struct cli_globals g = {.fo = {.show_header = true}};
	char path[CLI_PATH_MAX] = "", cand[CLI_PATH_MAX];
	const struct cli_cmd *cmd = NULL;
	bool help = false;
	int i = 0, start, rc;

	rc = parse_globals(p, n, args, &i, &g, &help);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (set_formatter(p, &g))
		return 1;
	if (help) {
		put_ns_usage(p, "", p->out);
		return 0;
	}
	start = i;
	while (i < n && args[i][0] != '-') {
		snprintf(cand, sizeof(cand), "%s%s%s", path, *path ? "." : "",
			 args[i]);
		if (strlen(cand) + 1 >= sizeof(cand))
			return unknown(p, n, args, start);
		if (find_ns(p, cand)) {
			memcpy(path, cand, sizeof(path));
			i++;
			continue;
		}
		cmd = find_cmd(p, path, args[i]);
		if (!cmd)
			return unknown(p, n, args, start);
		i++;
		break;
	}
	if (!cmd) {
		put_ns_usage(p, path, p->out);
		return 0;
	}
	return run_cmd(p, cmd, &g, n - i, args + i);
}
