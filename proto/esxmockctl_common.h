/* esxmockctl_common.h - what every control subcommand of esxmockctl shares.
 * Owns the common options, connect + hello, call/report/print, JSON args. */
#ifndef ESXMOCK_ESXMOCKCTL_COMMON_H
#define ESXMOCK_ESXMOCKCTL_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "client.h"

/* Exit statuses of every subcommand. */
#define EXIT_RPC 1   /* the daemon answered with an error */
#define EXIT_USAGE 2 /* usage */
#define EXIT_CONN 3  /* cannot talk to the daemon */

/* The lines of the common options' help, to compose each --help text. */
#define ECTL_HELP_ADDRESS                                                      \
	"  -c, --connect HOST:PORT  daemon's control address (default "        \
	"$" CTLC_ENV_ADDRESS " or " CTLC_DEFAULT_ADDRESS ")\n"                 \
	"  -t, --token TOKEN        control token (default $" CTLC_ENV_TOKEN   \
	")\n"
#define ECTL_HELP_JSON "  -j, --json               print JSON instead of text\n"
#define ECTL_HELP_JSON_RESULT                                                  \
	"  -j, --json               print the JSON result instead of text\n"
#define ECTL_HELP_TIMEOUT                                                      \
	"      --timeout MS         per-request timeout (default 30000; 0: "   \
	"none)\n"
#define ECTL_HELP_HELP "  -h, --help               this text\n"
#define ECTL_HELP_EXIT                                                         \
	"exit status: 0 ok, 1 the daemon answered with an error, 2 usage, "    \
	"3 cannot talk to the daemon\n"

/* The common options. */
struct ectl_opts {
	const char *connect; /* -c, default $ESXMOCK_CONTROL or the default */
	const char *token;   /* -t, default $ESXMOCK_TOKEN */
	bool json;           /* -j */
	int timeout_ms;      /* --timeout, default 30000 */
};

/* How a subcommand extends the common options. */
struct ectl_parser {
	const char *usage; /* printed on --help, and after an unknown option */
	const char *help; /* printed after usage on --help ("" or NULL: none) */
	const char *who;  /* "esxmockctl: WHO: unknown ..." (NULL: no WHO) */
	bool no_timeout;  /* no --timeout option */
	const char *shortopts;         /* its own getopt letters, or NULL */
	const struct option *longopts; /* its own, {NULL} ended, or NULL */
	/* one of its own options: 0, or -1 after a message */
	int (*opt)(void *ctx, int c, const char *arg);
	void *ctx;
};

/* Sets the defaults in *o and parses argv (argv[0]: the words before the
 * options). Returns the index of the first operand, -1 on a usage error
 * (after a message), -2 after --help. */
int ectl_parse(int argc, char **argv, struct ectl_opts *o,
	       const struct ectl_parser *p);

/* A non-negative decimal number; -1 after "esxmockctl: invalid WHAT 'S'". */
int ectl_number(const char *what, const char *s, long long *out);

/* Hello failures reported as a failed call (ectl_report), not as
 * "CMD: hello: MESSAGE". */
#define ECTL_HELLO_AS_CALL 1u

/* Connects and says hello with the token (*hello: its result, if not
 * NULL). Returns 0, or the exit status after a message naming cmd. */
int ectl_open(const struct ectl_opts *o, const char *cmd, unsigned flags,
	      struct ctlc **c, struct json_object **hello);

/* Without "(code N)" when an error answer names no errno. */
#define ECTL_REPORT_NO_CODE 1u

/* Reports a failed call (r < 0) as "esxmockctl: CMD: MESSAGE (ERRNO)";
 * returns the exit status. */
int ectl_report(const char *cmd, int r, const struct ctlc_error *err);
int ectl_report_ex(const char *cmd, int r, const struct ctlc_error *err,
		   unsigned flags);

/* Calls method; on success *res (may be NULL). Returns 0 or the exit
 * status after the report. */
int ectl_call(struct ctlc *c, const char *cmd, const char *method,
	      struct json_object *params, struct json_object **res);

/* Calls method (params not taken) and prints the result: its JSON with
 * o->json, else text(res, arg) if text. Returns 0 or the exit status. */
int ectl_call_print(struct ctlc *c, const struct ectl_opts *o, const char *cmd,
		    const char *method, struct json_object *params,
		    void (*text)(struct json_object *res, const void *arg),
		    const void *arg);

/* An ectl_call_print text: the member key (a const char *) of res as a
 * line ("" when missing). */
void ectl_print_member(struct json_object *res, const void *key);

/* The JSON text of o: plain, no slash escapes; indented when pretty. */
const char *ectl_json_text(struct json_object *o, bool pretty);
void ectl_print_json(struct json_object *o, bool pretty);

/* A member as a string (dflt when missing or null), as a number (0). */
const char *ectl_jstr(struct json_object *o, const char *k, const char *dflt);
long long ectl_jint(struct json_object *o, const char *k);

/* Reads all of f, NUL-terminated (*len without it). NULL on error. */
char *ectl_slurp(FILE *f, size_t *len);

/* Only JSON text or "-" (read as text); the message names no argument. */
#define ECTL_ARG_TEXT 1u

/* A JSON object given as text, "-" (stdin) or "@FILE". NULL after
 * "esxmockctl: CMD: the WHAT 'ARG' is not a JSON object[: why]". */
struct json_object *ectl_json_arg(const char *cmd, const char *what,
				  const char *arg, unsigned flags);

#endif
