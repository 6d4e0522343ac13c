/* esxmockctl_common.c - what every control subcommand of esxmockctl shares.
 * Owns the common options, connect + hello, call/report/print, JSON args. */
#include "esxmockctl_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { ECTL_OPT_TIMEOUT = 0x1000 };

#define ECTL_LONGOPTS_MAX 64

static const struct option ectl_longopts[] = {
    {"connect", required_argument, NULL, 'c'},
    {"token", required_argument, NULL, 't'},
    {"json", no_argument, NULL, 'j'},
    {"timeout", required_argument, NULL, ECTL_OPT_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
};

int ectl_number(const char *what, const char *s, long long *out)
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

int ectl_parse(int argc, char **argv, struct ectl_opts *o,
	       const struct ectl_parser *p)
{
	struct option lo[ECTL_LONGOPTS_MAX + 1];
	char so[128];
	size_t n = 0, i;
	long long t;
	int c;

	memset(o, 0, sizeof(*o));
	o->connect = ctlc_default_address();
	o->token = getenv(CTLC_ENV_TOKEN);
	o->timeout_ms = 30000;
	for (i = 0; i < sizeof(ectl_longopts) / sizeof(ectl_longopts[0]); i++)
		if (!p->no_timeout || ectl_longopts[i].val != ECTL_OPT_TIMEOUT)
			lo[n++] = ectl_longopts[i];
	for (i = 0; p->longopts && p->longopts[i].name; i++) {
		if (n == ECTL_LONGOPTS_MAX)
			abort(); /* a programming error */
		lo[n++] = p->longopts[i];
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	snprintf(so, sizeof(so), "c:t:jh%s", p->shortopts ? p->shortopts : "");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
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
		case ECTL_OPT_TIMEOUT:
			if (ectl_number("timeout", optarg, &t))
				return -1;
			o->timeout_ms = (int)t;
			break;
		case 'h':
			printf("%s%s", p->usage, p->help ? p->help : "");
			return -2;
		case '?':
		case ':':
			fprintf(stderr,
				"esxmockctl: %s%sunknown or incomplete option "
				"'%s'\n%s",
				p->who ? p->who : "", p->who ? ": " : "",
				argv[optind - 1], p->usage);
			return -1;
		default:
			if (p->opt(p->ctx, c, optarg))
				return -1;
			break;
		}
	}
	return optind;
}

int ectl_report_ex(const char *cmd, int r, const struct ctlc_error *err,
		   unsigned flags)
{
	if (r == -EREMOTEIO) {
		if (err->errno_name[0])
			fprintf(stderr, "esxmockctl: %s: %s (%s)\n", cmd,
				err->message, err->errno_name);
		else if (flags & ECTL_REPORT_NO_CODE)
			fprintf(stderr, "esxmockctl: %s: %s\n", cmd,
				err->message);
		else
			fprintf(stderr, "esxmockctl: %s: %s (code %d)\n", cmd,
				err->message, err->code);
		return EXIT_RPC;
	}
	fprintf(stderr, "esxmockctl: %s: %s\n", cmd, err->message);
	return EXIT_CONN;
}

int ectl_report(const char *cmd, int r, const struct ctlc_error *err)
{
	return ectl_report_ex(cmd, r, err, 0);
}

int ectl_open(const struct ectl_opts *o, const char *cmd, unsigned flags,
	      struct ctlc **c, struct json_object **hello)
{
	struct ctlc_error err;
	int r;

	if (ctlc_connect(o->connect, o->timeout_ms, c, &err) < 0) {
		fprintf(stderr, "esxmockctl: %s: %s\n", cmd, err.message);
		return EXIT_CONN;
	}
	if ((r = ctlc_hello(*c, o->token, hello, &err)) < 0) {
		ctlc_close(*c);
		*c = NULL;
		if (flags & ECTL_HELLO_AS_CALL)
			return ectl_report(cmd, r, &err);
		fprintf(stderr, "esxmockctl: %s: hello: %s\n", cmd,
			err.message);
		return err.code ? EXIT_RPC : EXIT_CONN;
	}
	return 0;
}

int ectl_call(struct ctlc *c, const char *cmd, const char *method,
	      struct json_object *params, struct json_object **res)
{
	struct ctlc_error err;
	int r = ctlc_call(c, method, params, res, &err);

	return r < 0 ? ectl_report(cmd, r, &err) : 0;
}

int ectl_call_print(struct ctlc *c, const struct ectl_opts *o, const char *cmd,
		    const char *method, struct json_object *params,
		    void (*text)(struct json_object *res, const void *arg),
		    const void *arg)
{
	struct json_object *res = NULL;
	int r = ectl_call(c, cmd, method, params, &res);

	if (!r && o->json)
		ectl_print_json(res, false);
	else if (!r && text)
		text(res, arg);
	json_object_put(res);
	return r;
}

void ectl_print_member(struct json_object *res, const void *key)
{
	printf("%s\n", ectl_jstr(res, key, ""));
}

const char *ectl_json_text(struct json_object *o, bool pretty)
{
	return json_object_to_json_string_ext(
	    o, (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
		       : JSON_C_TO_STRING_PLAIN) |
		   JSON_C_TO_STRING_NOSLASHESCAPE);
}

void ectl_print_json(struct json_object *o, bool pretty)
{
	printf("%s\n", ectl_json_text(o, pretty));
}

const char *ectl_jstr(struct json_object *o, const char *k, const char *dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return dflt;
	return json_object_get_string(v);
}

long long ectl_jint(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return 0;
	return (long long)json_object_get_int64(v);
}

char *ectl_slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0, rd;
	char *buf = malloc(cap), *nb;

	while (buf && (rd = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += rd;
		if (cap - n - 1 == 0) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (!buf || ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* ECTL_ARG_TEXT: "-" read as text, any other argument is the text. */
static struct json_object *ectl_json_text_arg(const char *cmd, const char *what,
					      const char *arg)
{
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *o;
	char *text = NULL;
	size_t len;

	if (!strcmp(arg, "-") && !(arg = text = ectl_slurp(stdin, &len))) {
		fprintf(stderr, "esxmockctl: %s: cannot read stdin\n", cmd);
		return NULL;
	}
	o = json_tokener_parse_verbose(arg, &jerr);
	free(text);
	if (!o || !json_object_is_type(o, json_type_object)) {
		fprintf(stderr,
			"esxmockctl: %s: the %s is not a JSON object%s%s\n",
			cmd, what, o ? "" : ": ",
			o ? "" : json_tokener_error_desc(jerr));
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *ectl_json_arg(const char *cmd, const char *what,
				  const char *arg, unsigned flags)
{
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *o;
	bool read = !strcmp(arg, "-") || arg[0] == '@';

	if (flags & ECTL_ARG_TEXT)
		return ectl_json_text_arg(cmd, what, arg);
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
		    cmd, what, arg, o || read ? "" : ": ",
		    o || read ? "" : json_tokener_error_desc(jerr));
		json_object_put(o);
		return NULL;
	}
	return o;
}
