/* esxmockctl_exec.c - the command-interception subcommands of esxmockctl:
 * exec add|list|remove|clear (exec rules) and invocations
 * list|follow|answer (docs/interpose.md, proto/PROTOCOL.md).
 * Owns their option parsing and output; built on the client library.
 * Exit status: 0 ok, 1 the daemon answered with an error, 2 usage, 3
 * cannot talk to the daemon. */
#include "esxmockctl_exec.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "client.h"

#define EXIT_RPC 1
#define EXIT_USAGE 2
#define EXIT_CONN 3

struct xc_opts {
	const char *connect;
	const char *token;
	bool json;
	int timeout_ms;
	long long limit;    /* invocations list --limit; -1: not given */
	long long count;    /* invocations follow --count; 0: forever */
	const char *answer; /* invocations follow --answer JSON|@FILE */
};

static const char xc_common_help[] =
    "  -c, --connect HOST:PORT  daemon's control address (default "
    "$" CTLC_ENV_ADDRESS " or " CTLC_DEFAULT_ADDRESS ")\n"
    "  -t, --token TOKEN        control token (default $" CTLC_ENV_TOKEN ")\n"
    "  -j, --json               print JSON instead of text\n"
    "      --timeout MS         per-request timeout (default 30000; 0: "
    "none)\n"
    "  -h, --help               this text\n"
    "exit status: 0 ok, 1 the daemon answered with an error, 2 usage, "
    "3 cannot talk to the daemon\n";

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

enum { O_TIMEOUT = 256, O_LIMIT, O_COUNT, O_ANSWER };

static const struct option xc_longopts[] = {
    {"connect", required_argument, NULL, 'c'},
    {"token", required_argument, NULL, 't'},
    {"json", no_argument, NULL, 'j'},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {"limit", required_argument, NULL, O_LIMIT},
    {"count", required_argument, NULL, O_COUNT},
    {"answer", required_argument, NULL, O_ANSWER},
    {NULL, 0, NULL, 0},
};

static int xc_number(const char *what, const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno || !*s || *end || *out < 0) {
		fprintf(stderr, "esxmockctl: invalid %s '%s'\n", what, s);
		return -1;
	}
	return 0;
}

/* argv[0] is the verb. Returns the index of the first operand, -1 on a
 * usage error, -2 after --help. */
static int xc_parse(int argc, char **argv, struct xc_opts *o, const char *usage)
{
	long long n;
	int c;

	memset(o, 0, sizeof(*o));
	o->connect = ctlc_default_address();
	o->token = getenv(CTLC_ENV_TOKEN);
	o->timeout_ms = 30000;
	o->limit = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:t:jh", xc_longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'c':
			o->connect = optarg;
			break;
		case 't':
			o->token = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case O_TIMEOUT:
			if (xc_number("timeout", optarg, &n))
				return -1;
			o->timeout_ms = (int)n;
			break;
		case 'h':
			printf("%s%s", usage, xc_common_help);
			return -2;
		case O_LIMIT:
			if (xc_number("limit", optarg, &o->limit))
				return -1;
			break;
		case O_COUNT:
			if (xc_number("count", optarg, &o->count))
				return -1;
			break;
		case O_ANSWER:
			o->answer = optarg;
			break;
		default:
			fprintf(stderr,
				"esxmockctl: unknown or incomplete option "
				"'%s'\n%s",
				argv[optind - 1], usage);
			return -1;
		}
	}
	return optind;
}

static int xc_report(const char *cmd, int r, const struct ctlc_error *err)
{
	if (r == -EREMOTEIO) {
		if (err->errno_name[0])
			fprintf(stderr, "esxmockctl: %s: %s (%s)\n", cmd,
				err->message, err->errno_name);
		else
			fprintf(stderr, "esxmockctl: %s: %s (code %d)\n", cmd,
				err->message, err->code);
		return EXIT_RPC;
	}
	fprintf(stderr, "esxmockctl: %s: %s\n", cmd, err->message);
	return EXIT_CONN;
}

static int xc_open(const struct xc_opts *o, const char *cmd, struct ctlc **c)
{
	struct ctlc_error err;
	int r;

	if ((r = ctlc_connect(o->connect, o->timeout_ms, c, &err)) < 0) {
		fprintf(stderr, "esxmockctl: %s: %s\n", cmd, err.message);
		return EXIT_CONN;
	}
	if ((r = ctlc_hello(*c, o->token, NULL, &err)) < 0) {
		ctlc_close(*c);
		*c = NULL;
		return xc_report(cmd, r, &err);
	}
	return 0;
}

static int xc_call(struct ctlc *c, const char *cmd, const char *method,
		   struct json_object *params, struct json_object **res)
{
	struct ctlc_error err;
	int r = ctlc_call(c, method, params, res, &err);

	return r < 0 ? xc_report(cmd, r, &err) : 0;
}

static const char *js(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static long long ji(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return 0;
	return (long long)json_object_get_int64(v);
}

static const char *jtext(struct json_object *o)
{
	return json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void print_json(struct json_object *o)
{
	printf("%s\n", jtext(o));
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

/* JSON text given as an argument, "-" (stdin) or "@FILE"; must be an
 * object. NULL with a message naming what. */
static struct json_object *xc_object_arg(const char *cmd, const char *what,
					 const char *arg)
{
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *o;

	if (!strcmp(arg, "-"))
		o = json_object_from_fd(0);
	else if (arg[0] == '@')
		o = json_object_from_file(arg + 1);
	else
		o = json_tokener_parse_verbose(arg, &jerr);
	if (!o || !json_object_is_type(o, json_type_object)) {
		fprintf(
		    stderr,
		    "esxmockctl: %s: the %s '%s' is not a JSON object%s%s\n",
		    cmd, what, arg,
		    o || arg[0] == '@' || !strcmp(arg, "-") ? "" : ": ",
		    o || arg[0] == '@' || !strcmp(arg, "-")
			? ""
			: json_tokener_error_desc(jerr));
		json_object_put(o);
		return NULL;
	}
	return o;
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
	printf(" hits %lld nodes %lld", ji(r, "hits"), ji(r, "nodes"));
	if (js(r, "label")) {
		printf(" ");
		put_word(js(r, "label"));
	}
	if (json_object_object_get_ex(r, "match", &v))
		printf(" match %s", jtext(v));
	if (json_object_object_get_ex(r, "answer", &v))
		printf(" answer %s", jtext(v));
	printf("\n");
}

/* rule: exec add's rule (taken), parsed before connecting */
static int exec_do(struct ctlc *c, const struct xc_opts *o, const char *verb,
		   const char *arg, struct json_object *rule)
{
	struct json_object *p = rule, *res = NULL, *arr;
	const char *method, *show = NULL;
	char cmd[32];
	size_t i;
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
	r = xc_call(c, cmd, method, p, &res);
	json_object_put(p);
	if (!r && o->json) {
		print_json(res);
	} else if (!r && show) {
		printf("%s\n", js(res, show) ? js(res, show) : "");
	} else if (!r && json_object_object_get_ex(res, "rules", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++)
			print_rule_human(json_object_array_get_idx(arr, i));
	}
	json_object_put(res);
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
	    !(rule = xc_object_arg("exec add", "rule", argv[first])))
		return EXIT_USAGE;
	if ((r = xc_open(&o, "exec", &c))) {
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

	printf("#%lld ", ji(inv, "id"));
	put_word(js(inv, "path") ? js(inv, "path") : "?");
	printf(":");
	print_argv(inv);
	if (js(inv, "caller")) {
		printf(" (");
		put_word(js(inv, "caller"));
		printf(")");
	}
	printf(" pid %lld uid %lld", ji(inv, "pid"), ji(inv, "uid"));
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
			printf(" out %lld err %lld", ji(inv, "stdout_bytes"),
			       ji(inv, "stderr_bytes"));
	}
	if (json_object_object_get_ex(inv, "duration_ms", &v))
		printf(" %.1fms", json_object_get_double(v));
	printf("\n");
}

static int inv_list(struct ctlc *c, const struct xc_opts *o)
{
	struct json_object *p = NULL, *res = NULL, *arr;
	size_t i;
	int r;

	if (o->limit >= 0) {
		p = json_object_new_object();
		json_object_object_add(p, "limit",
				       json_object_new_int64(o->limit));
	}
	r = xc_call(c, "invocations list", "invocations.list", p, &res);
	json_object_put(p);
	if (!r && o->json) {
		print_json(res);
	} else if (!r && json_object_object_get_ex(res, "invocations", &arr)) {
		for (i = 0; i < json_object_array_length(arr); i++)
			print_inv_human(json_object_array_get_idx(arr, i));
	}
	json_object_put(res);
	return r;
}

/* The params of invocations answer ID ANSWER, or NULL after a message. */
static struct json_object *inv_answer_params(const char *id, const char *arg)
{
	struct json_object *p, *ans;
	long long n;

	if (xc_number("invocation id", id, &n) ||
	    !(ans = xc_object_arg("invocations answer", "answer", arg)))
		return NULL;
	p = json_object_new_object();
	json_object_object_add(p, "id", json_object_new_int64(n));
	json_object_object_add(p, "answer", ans);
	return p;
}

static int inv_answer(struct ctlc *c, const struct xc_opts *o,
		      struct json_object *p)
{
	struct json_object *res = NULL;
	int r;

	r = xc_call(c, "invocations answer", "invocations.answer", p, &res);
	json_object_put(p);
	if (!r && o->json)
		print_json(res);
	else if (!r)
		printf("%s\n", js(res, "style") ? js(res, "style") : "");
	json_object_put(res);
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

	if (o->answer &&
	    !(ans = xc_object_arg("invocations follow", "answer", o->answer))) {
		json_object_put(f.queued);
		return EXIT_USAGE;
	}
	ctlc_on_notify(c, inv_notify, &f);
	r = xc_call(c, "invocations follow", "invocations.follow", NULL, &res);
	json_object_put(res);
	if (!r) /* on stderr: scripts wait for it before running programs */
		fprintf(stderr, "esxmockctl: invocations follow: following\n");
	while (!r && (!o->count || done < o->count)) {
		if (!json_object_array_length(f.queued)) {
			int w = ctlc_wait_notify(c, -1, &err);

			if (w < 0 && w != -ETIMEDOUT)
				r = xc_report("invocations follow", w, &err);
			continue;
		}
		for (i = 0; !r && i < json_object_array_length(f.queued); i++) {
			inv = json_object_array_get_idx(f.queued, i);
			if (o->json)
				print_json(inv);
			else
				print_inv_human(inv);
			fflush(stdout);
			if (ans) {
				p = json_object_new_object();
				json_object_object_add(
				    p, "id",
				    json_object_new_int64(ji(inv, "id")));
				json_object_object_add(p, "answer",
						       json_object_get(ans));
				/* a gone invocation (timed out) is reported,
				 * not fatal; a lost connection is */
				int a = ctlc_call(c, "invocations.answer", p,
						  NULL, &err);

				if (a == -EREMOTEIO)
					xc_report("invocations follow", a,
						  &err);
				else if (a < 0)
					r = xc_report("invocations follow", a,
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
	if ((r = xc_open(&o, "invocations", &c))) {
		json_object_put(params);
		return r;
	}
	if (!strcmp(verb, "list")) {
		r = inv_list(c, &o);
	} else if (params) {
		r = inv_answer(c, &o, params);
	} else {
		ctlc_set_timeout(c, o.timeout_ms);
		r = inv_follow(c, &o);
	}
	ctlc_close(c);
	return r;
}
