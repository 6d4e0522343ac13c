/* esxmockctl_exec.c - the command-interception subcommands of esxmockctl:
 * exec add|list|remove|clear (exec rules) and invocations
 * list|follow|answer (docs/interpose.md, proto/PROTOCOL.md).
 * Owns their option parsing and output; built on the client library.
 * Exit status: 0 ok, 1 the daemon answered with an error, 2 usage, 3
 * cannot talk to the daemon. */
#include "esxmockctl_exec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "esxmockctl_common.h"

struct xc_opts {
	struct ectl_opts com;
	long long limit;    /* invocations list --limit; -1: not given */
	long long count;    /* invocations follow --count; 0: forever */
	const char *answer; /* invocations follow --answer JSON|@FILE */
};

static const char xc_common_help[] = ECTL_HELP_ADDRESS ECTL_HELP_JSON
    ECTL_HELP_TIMEOUT ECTL_HELP_HELP ECTL_HELP_EXIT;

static const char exec_usage[] =
    "usage: esxmockctl exec add [options] RULE-JSON|-|@FILE  add an exec "
    "rule\n"
    "       esxmockctl exec list [options]        rules (newest first), "
    "hits\n"
    "       esxmockctl exec remove [options] ID\n"
    "       esxmockctl exec clear [options]       the run-time rules (image "
    "rules stay)\n"
    "A rule: {\"id\"?, \"label\"?, \"match\": {\"path\", \"argv\"?, "
    "\"args\"?, \"env\"?, \"caller\"?},\n"
    "         \"answer\": {\"style\": static|passthrough|rewrite|fail|remote, "
    "...}}\n"
    "(docs/interpose.md). Example:\n"
    "  esxmockctl exec add '{\"match\":{\"path\":\"/bin/esxcli\",\"argv\":"
    "[\"system\",\"version\",\"get\"]},\n"
    "    \"answer\":{\"style\":\"static\",\"stdout\":\"VMware ESXi "
    "8.0.0\\n\"}}'\n";

static const char inv_usage[] =
    "usage: esxmockctl invocations list [options] [--limit N]  the last "
    "invocations\n"
    "       esxmockctl invocations follow [options] [--answer ANSWER] "
    "[--count N]\n"
    "           print remote invocations as they come; with --answer, "
    "answer each\n"
    "           (exit after N answered or printed; default: never). A "
    "follower that\n"
    "           does not answer keeps them waiting until their rule's "
    "timeout_ms.\n"
    "       esxmockctl invocations answer [options] ID ANSWER\n"
    "ANSWER: JSON text, - (stdin) or @FILE, an answer as in exec add, "
    "any style\n"
    "but remote: '{\"style\":\"static\",\"stdout\":\"hello\\n\","
    "\"exit\":0}'\n";

enum { O_LIMIT = 256, O_COUNT, O_ANSWER };

static const struct option xc_longopts[] = {
    {"limit", required_argument, NULL, O_LIMIT},
    {"count", required_argument, NULL, O_COUNT},
    {"answer", required_argument, NULL, O_ANSWER},
    {NULL, 0, NULL, 0},
};

/* One of the exec and invocations options. */
static int xc_opt(void *ctx, int c, const char *arg)
{
	struct xc_opts *o = ctx;

	switch (c) {
	case O_LIMIT:
		return ectl_number("limit", arg, &o->limit);
	case O_COUNT:
		return ectl_number("count", arg, &o->count);
	case O_ANSWER:
		o->answer = arg;
		break;
	}
	return 0;
}

/* argv[0] is the verb. Returns the index of the first operand, -1 on a
 * usage error, -2 after --help. */
static int xc_parse(int argc, char **argv, struct xc_opts *o, const char *usage)
{
	const struct ectl_parser p = {
	    .usage = usage,
	    .help = xc_common_help,
	    .longopts = xc_longopts,
	    .opt = xc_opt,
	    .ctx = o,
	};

	memset(o, 0, sizeof(*o));
	o->limit = -1;
	return ectl_parse(argc, argv, &o->com, &p);
}

static const char *js(struct json_object *o, const char *k)
{
	return ectl_jstr(o, k, NULL);
}

/* Untrusted bytes (argv, paths): control characters and backslashes as
 * \xNN; a word with spaces in single quotes. */
static void put_word(const char *s)
{
	const unsigned char *p;
	bool quote = !*s || strpbrk(s, " \t'\"") != NULL;

	if (quote)
		putchar('\'');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\' || *p == '\'')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	if (quote)
		putchar('\'');
}

/* ---- exec ------------------------------------------------------------------
 */

/* x1 image hits 3 nodes 1 "label" match {...} answer {...} */
static void print_rule_human(struct json_object *r)
{
	struct json_object *v;

	printf("%s", js(r, "id") ? js(r, "id") : "?");
	if (json_object_object_get_ex(r, "image", &v) &&
	    json_object_get_boolean(v))
		printf(" image");
	printf(" hits %lld nodes %lld", ectl_jint(r, "hits"),
	       ectl_jint(r, "nodes"));
	if (js(r, "label")) {
		printf(" ");
		put_word(js(r, "label"));
	}
	if (json_object_object_get_ex(r, "match", &v))
		printf(" match %s", ectl_json_text(v, false));
	if (json_object_object_get_ex(r, "answer", &v))
		printf(" answer %s", ectl_json_text(v, false));
	printf("\n");
}

/* rule: exec add's rule (taken), parsed before connecting */
static void exec_print_list(struct json_object *res, const void *arg)
{
	struct json_object *arr;
	size_t i;

	(void)arg;
	if (json_object_object_get_ex(res, "rules", &arr))
		for (i = 0; i < json_object_array_length(arr); i++)
			print_rule_human(json_object_array_get_idx(arr, i));
}

static int exec_do(struct ctlc *c, const struct xc_opts *o, const char *verb,
		   const char *arg, struct json_object *rule)
{
	struct json_object *p = rule;
	const char *method, *show = NULL;
	char cmd[32];
	int r;

	snprintf(cmd, sizeof(cmd), "exec %s", verb);
	if (!strcmp(verb, "add")) {
		method = "exec.add";
		show = "id";
	} else if (!strcmp(verb, "remove")) {
		p = json_object_new_object();
		json_object_object_add(p, "id", json_object_new_string(arg));
		method = "exec.remove";
		show = "id";
	} else if (!strcmp(verb, "clear")) {
		method = "exec.clear";
		show = "removed";
	} else {
		method = "exec.list";
	}
	r = ectl_call_print(c, &o->com, cmd, method, p,
			    show ? ectl_print_member : exec_print_list, show);
	json_object_put(p);
	return r;
}

int esxmockctl_exec(int argc, char **argv)
{
	static const char *const verbs[] = {"add", "list", "remove", "clear"};
	static const int nargs_of[] = {1, 0, 1, 0};
	struct json_object *rule = NULL;
	struct xc_opts o;
	struct ctlc *c;
	const char *verb;
	int first, nargs, r;
	size_t v;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		printf("%s%s", exec_usage, xc_common_help);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	verb = argv[1];
	for (v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
		if (!strcmp(verb, verbs[v]))
			break;
	if (v == sizeof(verbs) / sizeof(verbs[0])) {
		fprintf(stderr, "esxmockctl: exec: unknown command '%s'\n%s",
			verb, exec_usage);
		return EXIT_USAGE;
	}
	first = xc_parse(argc - 1, argv + 1, &o, exec_usage);
	if (first < 0)
		return first == -2 ? 0 : EXIT_USAGE;
	first += 1;
	nargs = argc - first;
	if (nargs != nargs_of[v]) {
		fprintf(stderr, "esxmockctl: exec %s: %s\n%s", verb,
			nargs > nargs_of[v] ? "too many arguments"
					    : "missing argument",
			exec_usage);
		return EXIT_USAGE;
	}
	if (!strcmp(verb, "add") &&
	    !(rule = ectl_json_arg("exec add", "rule", argv[first], 0)))
		return EXIT_USAGE;
	if ((r = ectl_open(&o.com, "exec", ECTL_HELLO_AS_CALL, &c, NULL))) {
		json_object_put(rule);
		return r;
	}
	r = exec_do(c, &o, verb, nargs ? argv[first] : NULL, rule);
	ctlc_close(c);
	return r;
}

/* ---- invocations -----------------------------------------------------------
 */

static void print_argv(struct json_object *inv)
{
	struct json_object *argv;
	size_t i;

	if (!json_object_object_get_ex(inv, "argv", &argv) ||
	    !json_object_is_type(argv, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(argv); i++) {
		putchar(' ');
		put_word(
		    json_object_get_string(json_object_array_get_idx(argv, i)));
	}
}

/* #7 /bin/vim-cmd: vim-cmd vmsvc/getallvms (sh) pid 412 uid 0 rule x2
 *    style static exit 0 out 10 err 0 3.1ms */
static void print_inv_human(struct json_object *inv)
{
	struct json_object *v;

	printf("#%lld ", ectl_jint(inv, "id"));
	put_word(js(inv, "path") ? js(inv, "path") : "?");
	printf(":");
	print_argv(inv);
	if (js(inv, "caller")) {
		printf(" (");
		put_word(js(inv, "caller"));
		printf(")");
	}
	printf(" pid %lld uid %lld", ectl_jint(inv, "pid"),
	       ectl_jint(inv, "uid"));
	if (js(inv, "rule"))
		printf(" rule %s", js(inv, "rule"));
	if (js(inv, "style"))
		printf(" style %s", js(inv, "style"));
	if (json_object_object_get_ex(inv, "signal", &v))
		printf(" signal %d", json_object_get_int(v));
	else if (json_object_object_get_ex(inv, "exit", &v))
		printf(" exit %d", json_object_get_int(v));
	if (json_object_object_get_ex(inv, "stdout_bytes", &v)) {
		if (json_object_get_int64(v) < 0)
			printf(" out - err -");
		else
			printf(" out %lld err %lld",
			       ectl_jint(inv, "stdout_bytes"),
			       ectl_jint(inv, "stderr_bytes"));
	}
	if (json_object_object_get_ex(inv, "duration_ms", &v))
		printf(" %.1fms", json_object_get_double(v));
	printf("\n");
}

static void inv_print_list(struct json_object *res, const void *arg)
{
	struct json_object *arr;
	size_t i;

	(void)arg;
	if (json_object_object_get_ex(res, "invocations", &arr))
		for (i = 0; i < json_object_array_length(arr); i++)
			print_inv_human(json_object_array_get_idx(arr, i));
}

static int inv_list(struct ctlc *c, const struct xc_opts *o)
{
	struct json_object *p = NULL;
	int r;

	if (o->limit >= 0) {
		p = json_object_new_object();
		json_object_object_add(p, "limit",
				       json_object_new_int64(o->limit));
	}
	r = ectl_call_print(c, &o->com, "invocations list", "invocations.list",
			    p, inv_print_list, NULL);
	json_object_put(p);
	return r;
}

/* The params of invocations answer ID ANSWER, or NULL after a message. */
static struct json_object *inv_answer_params(const char *id, const char *arg)
{
	struct json_object *p, *ans;
	long long n;

	if (ectl_number("invocation id", id, &n) ||
	    !(ans = ectl_json_arg("invocations answer", "answer", arg, 0)))
		return NULL;
	p = json_object_new_object();
	json_object_object_add(p, "id", json_object_new_int64(n));
	json_object_object_add(p, "answer", ans);
	return p;
}

static int inv_answer(struct ctlc *c, const struct xc_opts *o,
		      struct json_object *p)
{
	int r = ectl_call_print(c, &o->com, "invocations answer",
				"invocations.answer", p, ectl_print_member,
				"style");

	json_object_put(p);
	return r;
}

/* Notifications queue here; answers are sent from the main loop (a call
 * from inside the callback would nest in the client's read). */
struct inv_follow {
	const struct xc_opts *o;
	struct json_object *queued; /* invocation objects */
};

static void inv_notify(void *arg, const char *method, struct json_object *p)
{
	struct inv_follow *f = arg;
	struct json_object *inv;

	if (strcmp(method, "invocation") ||
	    !json_object_object_get_ex(p, "invocation", &inv))
		return;
	json_object_array_add(f->queued, json_object_get(inv));
}

static int inv_follow(struct ctlc *c, const struct xc_opts *o)
{
	struct inv_follow f = {.o = o, .queued = json_object_new_array()};
	struct json_object *ans = NULL, *res = NULL, *inv, *p;
	struct ctlc_error err;
	long long done = 0;
	size_t i;
	int r;

	if (o->answer && !(ans = ectl_json_arg("invocations follow", "answer",
					       o->answer, 0))) {
		json_object_put(f.queued);
		return EXIT_USAGE;
	}
	ctlc_on_notify(c, inv_notify, &f);
	r = ectl_call(c, "invocations follow", "invocations.follow", NULL,
		      &res);
	json_object_put(res);
	if (!r) /* on stderr: scripts wait for it before running programs */
		fprintf(stderr, "esxmockctl: invocations follow: following\n");
	while (!r && (!o->count || done < o->count)) {
		if (!json_object_array_length(f.queued)) {
			int w = ctlc_wait_notify(c, -1, &err);

			if (w < 0 && w != -ETIMEDOUT)
				r = ectl_report("invocations follow", w, &err);
			continue;
		}
		for (i = 0; !r && i < json_object_array_length(f.queued); i++) {
			inv = json_object_array_get_idx(f.queued, i);
			if (o->com.json)
				ectl_print_json(inv, false);
			else
				print_inv_human(inv);
			fflush(stdout);
			if (ans) {
				p = json_object_new_object();
				json_object_object_add(
				    p, "id",
				    json_object_new_int64(
					ectl_jint(inv, "id")));
				json_object_object_add(p, "answer",
						       json_object_get(ans));
				/* a gone invocation (timed out) is reported,
				 * not fatal; a lost connection is */
				int a = ctlc_call(c, "invocations.answer", p,
						  NULL, &err);

				if (a == -EREMOTEIO)
					ectl_report("invocations follow", a,
						    &err);
				else if (a < 0)
					r = ectl_report("invocations follow", a,
							&err);
				json_object_put(p);
			}
			done++;
		}
		json_object_array_del_idx(f.queued, 0,
					  json_object_array_length(f.queued));
	}
	json_object_put(ans);
	json_object_put(f.queued);
	return r;
}

int esxmockctl_invocations(int argc, char **argv)
{
	struct json_object *params = NULL;
	struct xc_opts o;
	struct ctlc *c;
	const char *verb;
	int first, nargs, want, r;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		printf("%s%s", inv_usage, xc_common_help);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	verb = argv[1];
	if (!strcmp(verb, "answer")) {
		want = 2;
	} else if (!strcmp(verb, "list") || !strcmp(verb, "follow")) {
		want = 0;
	} else {
		fprintf(stderr,
			"esxmockctl: invocations: unknown command '%s'\n%s",
			verb, inv_usage);
		return EXIT_USAGE;
	}
	first = xc_parse(argc - 1, argv + 1, &o, inv_usage);
	if (first < 0)
		return first == -2 ? 0 : EXIT_USAGE;
	first += 1;
	nargs = argc - first;
	if (nargs != want) {
		fprintf(stderr, "esxmockctl: invocations %s: %s\n%s", verb,
			nargs > want ? "too many arguments"
				     : "missing argument",
			inv_usage);
		return EXIT_USAGE;
	}
	if (want == 2 &&
	    !(params = inv_answer_params(argv[first], argv[first + 1])))
		return EXIT_USAGE;
	if ((r = ectl_open(&o.com, "invocations", ECTL_HELLO_AS_CALL, &c,
			   NULL))) {
		json_object_put(params);
		return r;
	}
	if (!strcmp(verb, "list")) {
		r = inv_list(c, &o);
	} else if (params) {
		r = inv_answer(c, &o, params);
	} else {
		ctlc_set_timeout(c, o.com.timeout_ms);
		r = inv_follow(c, &o);
	}
	ctlc_close(c);
	return r;
}
