/* esxmockctl_rules.c - the rules and log subcommands of esxmockctl:
 * rules add|list|remove|clear|release|wait|captured, and log (fetch,
 * --follow, clear) with the human one-line-per-event form.
 * Owns their option parsing and output; built on the client library.
 * Exit status: 0 ok, 1 the daemon answered with an error, 2 usage, 3
 * cannot talk to the daemon. */
#include "esxmockctl_rules.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "b64.h"
#include "esxmockctl_common.h"

struct rc_opts {
	struct ectl_opts com;
	bool follow;
	bool all;
	long long count;      /* -1: not given */
	long long wait_ms;    /* rules wait --timeout-ms */
	long long since;      /* log --since */
	long long limit;      /* log --limit */
	long long pid;        /* -1: not given */
	const char *err_name; /* rules release --errno */
	const char *out;      /* rules captured -o */
	const char *path, *process, *result, *rule;
	struct json_object *ops; /* log --op, repeated */
};

static const char rc_common_help[] = ECTL_HELP_ADDRESS ECTL_HELP_JSON
    ECTL_HELP_TIMEOUT ECTL_HELP_HELP ECTL_HELP_EXIT;

enum {
	O_COUNT = 256,
	O_WAIT_MS,
	O_SINCE,
	O_LIMIT,
	O_PID,
	O_ERRNO,
	O_PATH,
	O_OP,
	O_PROCESS,
	O_RESULT,
	O_RULE,
	O_ALL,
};

static const struct option rc_longopts[] = {
    {"follow", no_argument, NULL, 'f'},
    {"count", required_argument, NULL, O_COUNT},
    {"timeout-ms", required_argument, NULL, O_WAIT_MS},
    {"since", required_argument, NULL, O_SINCE},
    {"limit", required_argument, NULL, O_LIMIT},
    {"pid", required_argument, NULL, O_PID},
    {"errno", required_argument, NULL, O_ERRNO},
    {"path", required_argument, NULL, O_PATH},
    {"op", required_argument, NULL, O_OP},
    {"process", required_argument, NULL, O_PROCESS},
    {"result", required_argument, NULL, O_RESULT},
    {"rule", required_argument, NULL, O_RULE},
    {"all", no_argument, NULL, O_ALL},
    {"output", required_argument, NULL, 'o'},
    {NULL, 0, NULL, 0},
};

static void rc_release(struct rc_opts *o)
{
	json_object_put(o->ops);
	o->ops = NULL;
}

/* One of the rules and log options. */
static int rc_opt(void *ctx, int c, const char *arg)
{
	struct rc_opts *o = ctx;

	switch (c) {
	case 'f':
		o->follow = true;
		break;
	case O_COUNT:
		return ectl_number("count", arg, &o->count);
	case O_WAIT_MS:
		return ectl_number("timeout-ms", arg, &o->wait_ms);
	case O_SINCE:
		return ectl_number("since", arg, &o->since);
	case O_LIMIT:
		return ectl_number("limit", arg, &o->limit);
	case O_PID:
		return ectl_number("pid", arg, &o->pid);
	case O_ERRNO:
		o->err_name = arg;
		break;
	case O_PATH:
		o->path = arg;
		break;
	case O_OP:
		if (!o->ops && !(o->ops = json_object_new_array()))
			return -1;
		json_object_array_add(o->ops, json_object_new_string(arg));
		break;
	case O_PROCESS:
		o->process = arg;
		break;
	case O_RESULT:
		o->result = arg;
		break;
	case O_RULE:
		o->rule = arg;
		break;
	case O_ALL:
		o->all = true;
		break;
	case 'o':
		o->out = arg;
		break;
	}
	return 0;
}

/* Returns the index of the first operand, -1 on a usage error, -2 after
 * --help. */
static int rc_parse(int argc, char **argv, struct rc_opts *o, const char *usage)
{
	const struct ectl_parser p = {
	    .usage = usage,
	    .help = rc_common_help,
	    .shortopts = "fo:",
	    .longopts = rc_longopts,
	    .opt = rc_opt,
	    .ctx = o,
	};

	memset(o, 0, sizeof(*o));
	o->count = o->wait_ms = o->limit = o->pid = -1;
	return ectl_parse(argc, argv, &o->com, &p);
}

static const char *js(struct json_object *o, const char *k)
{
	return ectl_jstr(o, k, NULL);
}

static bool jhas(struct json_object *o, const char *k)
{
	return json_object_object_get_ex(o, k, NULL);
}

/* ---- the human forms ------------------------------------------------------
 */

/* Paths and names are untrusted bytes: control characters and bytes that
 * are not printable ASCII are shown as \xNN. */
static void put_escaped(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

/* The part of an "invoke" event (an invocation the exec broker handled):
 *   argv 'esxcli' 'system' 'version' 'get' style static exit 0 out 17 err 5
 * (signal N instead of exit when killed; out/err "-" when not captured). */
static void print_invoke_human(struct json_object *e)
{
	struct json_object *argv = json_object_object_get(e, "argv");
	size_t i, n = argv ? json_object_array_length(argv) : 0;
	const char *s;

	printf(" argv");
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(argv, i));
		printf(" '");
		put_escaped(stdout, s ? s : "");
		printf("'");
	}
	if (jhas(e, "argv_truncated"))
		printf(" ...");
	printf(" style %s", js(e, "style") ? js(e, "style") : "none");
	if (jhas(e, "signal"))
		printf(" signal %lld", ectl_jint(e, "signal"));
	else if (jhas(e, "exit"))
		printf(" exit %lld", ectl_jint(e, "exit"));
	if (ectl_jint(e, "stdout_bytes") >= 0)
		printf(" out %lld", ectl_jint(e, "stdout_bytes"));
	else
		printf(" out -");
	if (ectl_jint(e, "stderr_bytes") >= 0)
		printf(" err %lld", ectl_jint(e, "stderr_bytes"));
	else
		printf(" err -");
	if (js(e, "image_rule"))
		printf(" image_rule %s", js(e, "image_rule"));
}

/* One event, one line:
 *   #12 19:25:47.755489 read /etc/motd pid 4242 (cat) uid 0
 *       off 0 len 131072 = EIO rule m1 12us */
static void print_event_human(struct json_object *e)
{
	const char *t = js(e, "time"), *res = js(e, "result"), *p;
	long long dur = ectl_jint(e, "duration_ns");

	printf("#%lld ", ectl_jint(e, "seq"));
	if (t && (p = strchr(t, 'T')))
		printf("%.*s ", (int)strcspn(p + 1, "Z"), p + 1);
	printf("%s ", js(e, "op") ? js(e, "op") : "?");
	put_escaped(stdout, js(e, "path") ? js(e, "path") : "?");
	if (js(e, "path2")) {
		printf(" -> ");
		put_escaped(stdout, js(e, "path2"));
	}
	printf(" pid %lld", ectl_jint(e, "pid"));
	if (js(e, "process")) {
		printf(" (");
		put_escaped(stdout, js(e, "process"));
		printf(")");
	}
	printf(" uid %lld", ectl_jint(e, "uid"));
	if (jhas(e, "flags"))
		printf(" flags 0x%llx", ectl_jint(e, "flags"));
	if (jhas(e, "offset"))
		printf(" off %lld len %lld", ectl_jint(e, "offset"),
		       ectl_jint(e, "length"));
	printf(" = %s", res ? res : "?");
	if (jhas(e, "bytes"))
		printf(" %lld bytes", ectl_jint(e, "bytes"));
	if (jhas(e, "argv"))
		print_invoke_human(e);
	if (js(e, "rule"))
		printf(" rule %s", jhas(e, "rules")
				       ? json_object_to_json_string_ext(
					     json_object_object_get(e, "rules"),
					     JSON_C_TO_STRING_PLAIN)
				       : js(e, "rule"));
	if (dur >= 1000000)
		printf(" %.1fms", (double)dur / 1e6);
	else
		printf(" %lldus", dur / 1000);
	if (js(e, "data"))
		printf(" data %s", js(e, "data"));
	if (js(e, "stdout_b64"))
		printf(" stdout %s", js(e, "stdout_b64"));
	if (js(e, "stderr_b64"))
		printf(" stderr %s", js(e, "stderr_b64"));
	printf("\n");
}

static void print_event(struct json_object *e, bool json)
{
	if (json)
		ectl_print_json(e, false);
	else
		print_event_human(e);
	fflush(stdout);
}

static void print_rule_human(struct json_object *r)
{
	struct json_object *v;

	printf("%s %s calls %lld hits %lld held %lld", js(r, "id"),
	       js(r, "origin") ? js(r, "origin") : "?", ectl_jint(r, "calls"),
	       ectl_jint(r, "hits"), ectl_jint(r, "held"));
	if (jhas(r, "captured_bytes"))
		printf(" captured %lld", ectl_jint(r, "captured_bytes"));
	if (jhas(r, "written_bytes"))
		printf(" written %lld", ectl_jint(r, "written_bytes"));
	if (js(r, "label")) {
		printf(" \"");
		put_escaped(stdout, js(r, "label"));
		printf("\"");
	}
	if (json_object_object_get_ex(r, "match", &v))
		printf(" match %s", json_object_to_json_string_ext(
					v, JSON_C_TO_STRING_PLAIN));
	if (json_object_object_get_ex(r, "trigger", &v))
		printf(" trigger %s", json_object_to_json_string_ext(
					  v, JSON_C_TO_STRING_PLAIN));
	if (json_object_object_get_ex(r, "action", &v))
		printf(" action %s", json_object_to_json_string_ext(
					 v, JSON_C_TO_STRING_PLAIN));
	printf("\n");
}

/* ---- rules ----------------------------------------------------------------
 */

static const char rules_usage[] =
    "usage: esxmockctl rules add [options] RULE-JSON|-   add a rule "
    "(docs/rules.md)\n"
    "       esxmockctl rules list [options] [ID]        rules and their "
    "counters\n"
    "       esxmockctl rules remove [options] ID\n"
    "       esxmockctl rules clear [options] [--all]    the API's rules "
    "(--all: also\n"
    "                                                   the manifest's)\n"
    "       esxmockctl rules release [options] [ID] [--errno E] [--count "
    "N]\n"
    "       esxmockctl rules wait [options] ID [--count N] [--timeout-ms "
    "MS]\n"
    "       esxmockctl rules captured [options] ID [-o FILE]\n"
    "Example: esxmockctl rules add '{\"id\":\"eio\",\"match\":{\"path\":"
    "\"/etc/motd\",\n"
    "         \"ops\":[\"read\"],\"process\":\"cat\"},\"action\":{\"fail\":"
    "\"EIO\"}}'\n";

static int rules_add(struct ctlc *c, const struct rc_opts *o, const char *arg)
{
	struct json_object *params, *res = NULL;
	int r;

	if (!(params = ectl_json_arg("rules add", "rule", arg, ECTL_ARG_TEXT)))
		return EXIT_USAGE;
	r = ectl_call(c, "rules add", "rules.add", params, &res);
	json_object_put(params);
	if (!r) {
		if (o->com.json)
			ectl_print_json(res, false);
		else
			printf("%s\n", js(res, "id"));
	}
	json_object_put(res);
	return r;
}

static void rules_print_list(struct json_object *res, const void *arg)
{
	struct json_object *arr;
	size_t i;

	(void)arg;
	if (json_object_object_get_ex(res, "rules", &arr))
		for (i = 0; i < json_object_array_length(arr); i++)
			print_rule_human(json_object_array_get_idx(arr, i));
}

static int rules_list(struct ctlc *c, const struct rc_opts *o, const char *id)
{
	struct json_object *params = NULL;
	int r;

	if (id) {
		params = json_object_new_object();
		json_object_object_add(params, "id",
				       json_object_new_string(id));
	}
	r = ectl_call_print(c, &o->com, "rules list", "rules.list", params,
			    rules_print_list, NULL);
	json_object_put(params);
	return r;
}

static int rules_simple(struct ctlc *c, const struct rc_opts *o,
			const char *cmd, const char *method,
			struct json_object *params, const char *show)
{
	int r = ectl_call_print(c, &o->com, cmd, method, params,
				show ? ectl_print_member : NULL, show);

	json_object_put(params);
	return r;
}

static int rules_captured(struct ctlc *c, const struct rc_opts *o,
			  const char *id)
{
	struct json_object *params = json_object_new_object(), *res = NULL;
	const char *data;
	size_t n, bad;
	char *bytes;
	FILE *f;
	int r;

	json_object_object_add(params, "id", json_object_new_string(id));
	r = ectl_call(c, "rules captured", "rules.captured", params, &res);
	json_object_put(params);
	if (r || o->com.json) {
		if (!r)
			ectl_print_json(res, false);
		json_object_put(res);
		return r;
	}
	data = js(res, "data") ? js(res, "data") : "";
	bytes = b64_decode(data, strlen(data), &n, &bad);
	if (!bytes) {
		fprintf(stderr, "esxmockctl: rules captured: bad base64\n");
		json_object_put(res);
		return EXIT_CONN;
	}
	f = o->out ? fopen(o->out, "wb") : stdout;
	if (!f || fwrite(bytes, 1, n, f) != n) {
		fprintf(stderr,
			"esxmockctl: rules captured: cannot write '%s'\n",
			o->out ? o->out : "stdout");
		r = EXIT_USAGE;
	}
	if (f && f != stdout)
		fclose(f);
	free(bytes);
	json_object_put(res);
	return r;
}

int esxmockctl_rules(int argc, char **argv)
{
	struct json_object *p;
	struct rc_opts o;
	struct ctlc *c;
	const char *verb, *arg;
	int r, first, nargs;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		printf("%s%s", rules_usage, rc_common_help);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	verb = argv[1];
	first = rc_parse(argc - 1, argv + 1, &o, rules_usage);
	if (first < 0) {
		rc_release(&o);
		return first == -2 ? 0 : EXIT_USAGE;
	}
	first += 1; /* index in argv */
	nargs = argc - first;
	arg = nargs > 0 ? argv[first] : NULL;
	if (nargs > 1 ||
	    (!arg && (!strcmp(verb, "add") || !strcmp(verb, "remove") ||
		      !strcmp(verb, "wait") || !strcmp(verb, "captured")))) {
		fprintf(stderr, "esxmockctl: rules %s: %s\n%s", verb,
			nargs > 1 ? "too many arguments" : "missing argument",
			rules_usage);
		rc_release(&o);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "add") && strcmp(verb, "list") &&
	    strcmp(verb, "remove") && strcmp(verb, "clear") &&
	    strcmp(verb, "release") && strcmp(verb, "wait") &&
	    strcmp(verb, "captured")) {
		fprintf(stderr, "esxmockctl: rules: unknown command '%s'\n%s",
			verb, rules_usage);
		rc_release(&o);
		return EXIT_USAGE;
	}
	if ((r = ectl_open(&o.com, "rules", 0, &c, NULL))) {
		rc_release(&o);
		return r;
	}
	if (!strcmp(verb, "add")) {
		r = rules_add(c, &o, arg);
	} else if (!strcmp(verb, "list")) {
		r = rules_list(c, &o, arg);
	} else if (!strcmp(verb, "remove")) {
		p = json_object_new_object();
		json_object_object_add(p, "id", json_object_new_string(arg));
		r = rules_simple(c, &o, "rules remove", "rules.remove", p,
				 "removed");
	} else if (!strcmp(verb, "clear")) {
		p = json_object_new_object();
		json_object_object_add(p, "all",
				       json_object_new_boolean(o.all));
		r = rules_simple(c, &o, "rules clear", "rules.clear", p,
				 "removed");
	} else if (!strcmp(verb, "release")) {
		p = json_object_new_object();
		if (arg)
			json_object_object_add(p, "id",
					       json_object_new_string(arg));
		if (o.err_name)
			json_object_object_add(
			    p, "errno", json_object_new_string(o.err_name));
		if (o.count >= 0)
			json_object_object_add(p, "count",
					       json_object_new_int64(o.count));
		r = rules_simple(c, &o, "rules release", "rules.release", p,
				 "released");
	} else if (!strcmp(verb, "wait")) {
		p = json_object_new_object();
		json_object_object_add(p, "id", json_object_new_string(arg));
		if (o.count >= 0)
			json_object_object_add(p, "count",
					       json_object_new_int64(o.count));
		if (o.wait_ms >= 0)
			json_object_object_add(
			    p, "timeout_ms", json_object_new_int64(o.wait_ms));
		/* the call lasts as long as the wait */
		if (o.wait_ms >= 0 && o.com.timeout_ms &&
		    o.wait_ms + 5000 > o.com.timeout_ms)
			ctlc_set_timeout(c, (int)o.wait_ms + 5000);
		r = rules_simple(c, &o, "rules wait", "rules.wait", p, "hits");
	} else {
		r = rules_captured(c, &o, arg);
	}
	ctlc_close(c);
	rc_release(&o);
	return r;
}

/* ---- log ------------------------------------------------------------------
 */

static const char log_usage[] =
    "usage: esxmockctl log [options] [--follow] [filters]  print access-log "
    "events\n"
    "       esxmockctl log clear [options]                 empty the "
    "daemon's ring\n"
    "  -f, --follow       after the events kept, print new ones as they "
    "come\n"
    "      --since SEQ    only events after this seq (default 0)\n"
    "      --limit N      at most N events (without --follow)\n"
    "filters: --path GLOB, --op OP (repeatable; names or groups), --pid N,\n"
    "         --process GLOB, --result ok|error|ERRNO, --rule ID\n"
    "One line per event: #SEQ TIME OP PATH pid PID (PROCESS) uid UID ... = "
    "RESULT\n";

static struct json_object *log_filters(const struct rc_opts *o)
{
	struct json_object *p = json_object_new_object();

	if (!p)
		return NULL;
	if (o->path)
		json_object_object_add(p, "path",
				       json_object_new_string(o->path));
	if (o->ops)
		json_object_object_add(p, "op", json_object_get(o->ops));
	if (o->pid >= 0)
		json_object_object_add(p, "pid", json_object_new_int64(o->pid));
	if (o->process)
		json_object_object_add(p, "process",
				       json_object_new_string(o->process));
	if (o->result)
		json_object_object_add(p, "result",
				       json_object_new_string(o->result));
	if (o->rule)
		json_object_object_add(p, "rule",
				       json_object_new_string(o->rule));
	return p;
}

/* Fetches events after *since up to (and including) until (0: all kept),
 * printing them; at most limit (-1: no limit). */
static int log_fetch_all(struct ctlc *c, const struct rc_opts *o,
			 long long *since, long long until, long long limit)
{
	struct json_object *p, *res = NULL, *ev, *e;
	long long printed = 0, next = *since, seq;
	size_t i;
	int r;

	for (;;) {
		p = log_filters(o);
		json_object_object_add(p, "since",
				       json_object_new_int64(*since));
		json_object_object_add(
		    p, "limit",
		    json_object_new_int64(limit >= 0 && limit - printed < 1000
					      ? limit - printed
					      : 1000));
		r = ectl_call(c, "log", "log.fetch", p, &res);
		json_object_put(p);
		if (r)
			return r;
		if (ectl_jint(res, "missed"))
			fprintf(stderr,
				"esxmockctl: log: %lld events were dropped "
				"before they could be read\n",
				ectl_jint(res, "missed"));
		json_object_object_get_ex(res, "events", &ev);
		for (i = 0; ev && i < json_object_array_length(ev); i++) {
			e = json_object_array_get_idx(ev, i);
			seq = ectl_jint(e, "seq");
			if (until && seq > until)
				break;
			print_event(e, o->com.json);
			printed++;
		}
		next = ectl_jint(res, "next");
		json_object_put(res);
		res = NULL;
		if (until && next > until)
			next = until;
		if (next <= *since || (limit >= 0 && printed >= limit) ||
		    (until && next >= until))
			break;
		*since = next;
	}
	if (next > *since)
		*since = next;
	return 0;
}

struct log_stream {
	const struct rc_opts *o;
	long long after; /* print only seqs above this (backlog printed) */
	struct json_object *queued; /* events that came during the backlog */
	bool backlog;
};

static void log_notify(void *arg, const char *method,
		       struct json_object *params)
{
	struct log_stream *ls = arg;
	struct json_object *e;

	if (strcmp(method, "log.event") ||
	    !json_object_object_get_ex(params, "event", &e))
		return;
	if (ls->backlog) {
		json_object_array_add(ls->queued, json_object_get(e));
		return;
	}
	if (ectl_jint(e, "seq") > ls->after)
		print_event(e, ls->o->com.json);
}

static int log_follow(struct ctlc *c, struct rc_opts *o)
{
	struct log_stream ls = {.o = o, .backlog = true};
	struct json_object *p, *res = NULL, *e;
	struct ctlc_error err;
	long long since = o->since, next;
	size_t i;
	int r;

	ls.queued = json_object_new_array();
	ctlc_on_notify(c, log_notify, &ls);
	p = log_filters(o);
	r = ectl_call(c, "log", "log.follow", p, &res);
	json_object_put(p);
	if (r)
		goto out;
	next = ectl_jint(res, "next");
	json_object_put(res);
	/* the events kept up to the subscription, then the stream */
	if (next > since && (r = log_fetch_all(c, o, &since, next, -1)))
		goto out;
	ls.after = next;
	ls.backlog = false;
	for (i = 0; i < json_object_array_length(ls.queued); i++) {
		e = json_object_array_get_idx(ls.queued, i);
		if (ectl_jint(e, "seq") > ls.after)
			print_event(e, o->com.json);
	}
	for (;;) {
		r = ctlc_wait_notify(c, -1, &err);
		if (r < 0 && r != -ETIMEDOUT) {
			r = ectl_report("log", r, &err);
			break;
		}
	}
out:
	json_object_put(ls.queued);
	return r;
}

static void log_print_cleared(struct json_object *res, const void *arg)
{
	(void)arg;
	printf("%lld\n", ectl_jint(res, "cleared"));
}

int esxmockctl_log(int argc, char **argv)
{
	struct rc_opts o;
	struct ctlc *c;
	bool clear = argc > 1 && !strcmp(argv[1], "clear");
	long long since;
	int r;

	r = rc_parse(clear ? argc - 1 : argc, clear ? argv + 1 : argv, &o,
		     log_usage);
	if (r < 0) {
		rc_release(&o);
		return r == -2 ? 0 : EXIT_USAGE;
	}
	if (r < (clear ? argc - 1 : argc)) {
		fprintf(stderr, "esxmockctl: log: unexpected '%s'\n%s",
			argv[r + (clear ? 1 : 0)], log_usage);
		rc_release(&o);
		return EXIT_USAGE;
	}
	if ((r = ectl_open(&o.com, "log", 0, &c, NULL))) {
		rc_release(&o);
		return r;
	}
	if (clear) {
		r = ectl_call_print(c, &o.com, "log clear", "log.clear", NULL,
				    log_print_cleared, NULL);
	} else if (o.follow) {
		ctlc_set_timeout(c, o.com.timeout_ms);
		r = log_follow(c, &o);
	} else {
		since = o.since;
		r = log_fetch_all(c, &o, &since, 0, o.limit);
	}
	ctlc_close(c);
	rc_release(&o);
	return r;
}
