/* test_rpc.c - the JSON-RPC layer in memory: envelope checks, params
 * checking, the errno mapping, auth, deferred replies, notifications. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "b64.h"
#include "fake_host.h"
#include "limits_ctl.h"
#include "rpc.h"
#include "rpc_codes.h"

#define MP_MAX 64

/* A peer that keeps every line sent to it. */
struct mpeer {
	char *lines[MP_MAX];
	size_t n;
	int resumes, closes;
};

static int mp_send(void *peer, const char *line, size_t len)
{
	struct mpeer *p = peer;

	assert_true(p->n < MP_MAX);
	assert_null(memchr(line, '\n', len)); /* one line, no newline */
	p->lines[p->n++] = strndup(line, len);
	return 0;
}

static void mp_resume(void *peer)
{
	((struct mpeer *)peer)->resumes++;
}

static void mp_close(void *peer)
{
	((struct mpeer *)peer)->closes++;
}

static const struct rpc_peer_ops mp_ops = {mp_send, mp_resume, mp_close};

struct fix {
	struct event_base *base;
	struct fake_host *fh;
	struct rpc_server *srv;
	struct rpc_session *s;
	struct mpeer p;
};

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->base = event_base_new();
	f->fh = fake_host_new(f->base);
	f->srv = rpc_server_new(&f->fh->host);
	assert_int_equal(rpc_server_add_methods(f->srv, fake_host_methods), 0);
	f->s = rpc_session_new(f->srv, &mp_ops, &f->p);
	*state = f;
	return 0;
}

static void mp_clear(struct mpeer *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->lines[i]);
	p->n = 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	rpc_session_free(f->s);
	assert_int_equal(f->fh->live, 0); /* nothing left behind */
	rpc_server_free(f->srv);
	fake_host_free(f->fh);
	event_base_free(f->base);
	mp_clear(&f->p);
	free(f);
	return 0;
}

static struct json_object *parse(const char *line)
{
	struct json_tokener *tok = json_tokener_new_ex(200);
	struct json_object *o = json_tokener_parse_ex(tok, line, -1);

	json_tokener_free(tok);
	return o;
}

/* Feeds a line, expects exactly one new reply line, returns it parsed. */
static struct json_object *call(struct fix *f, const char *line)
{
	size_t before = f->p.n;
	struct json_object *o;

	assert_int_equal(rpc_session_feed(f->s, line, strlen(line)), 0);
	assert_int_equal(f->p.n, before + 1);
	o = parse(f->p.lines[before]);
	assert_non_null(o);
	return o;
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[128], *tok, *save = NULL;
	struct json_object *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && v;
	     tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(v, tok, &v))
			return NULL;
	return v;
}

static int err_code(struct json_object *o)
{
	struct json_object *c = get(o, "error.code");

	assert_non_null(c);
	return json_object_get_int(c);
}

static const char *str(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	return v ? json_object_get_string(v) : NULL;
}

static void expect_error(struct fix *f, const char *line, int code,
			 const char *id_json, const char *msg_part)
{
	struct json_object *o = call(f, line), *id = get(o, "id");

	if (err_code(o) != code || !strstr(str(o, "error.message"), msg_part))
		fail_msg("line %s: got %s", line,
			 json_object_to_json_string(o));
	assert_string_equal(id ? json_object_to_json_string(id) : "null",
			    id_json);
	assert_null(get(o, "result"));
	json_object_put(o);
}

/* hello answers the protocol version, server name and every method. */
static void test_rpc_hello_lists_methods(void **state)
{
	struct fix *f = *state;
	struct json_object *o =
	    call(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\"}");
	struct json_object *m = get(o, "result.methods");

	assert_int_equal(json_object_get_int(get(o, "id")), 1);
	assert_int_equal(json_object_get_int(get(o, "result.protocol")), 1);
	assert_string_equal(str(o, "result.server"), "esxfsd");
	assert_string_equal(str(o, "result.auth"), "none");
	assert_non_null(m);
	assert_true(strstr(json_object_to_json_string(m), "\"files.get\""));
	assert_true(strstr(json_object_to_json_string(m), "\"test.sleep\""));
	assert_string_equal(str(o, "jsonrpc"), "2.0");
	json_object_put(o);
}

/* A line that is not JSON gets -32700 with id null; the session goes on. */
static void test_rpc_parse_error_keeps_connection(void **state)
{
	struct fix *f = *state;
	struct json_object *o;

	expect_error(f, "not json", RPC_PARSE_ERROR, "null", "invalid JSON");
	expect_error(f, "{\"jsonrpc\":\"2.0\",", RPC_PARSE_ERROR, "null",
		     "invalid JSON");
	expect_error(f, "{\"a\":1} trailing", RPC_PARSE_ERROR, "null",
		     "invalid JSON");
	expect_error(f, "{\"a\":1,}", RPC_PARSE_ERROR, "null", "offset 7");
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"stats\"}");
	assert_non_null(get(o, "result.control"));
	json_object_put(o);
	assert_int_equal(f->p.closes, 0);
}

/* Invalid UTF-8 (including what json-c lets through) and NUL bytes are
 * parse errors naming the byte offset. */
static void test_rpc_invalid_utf8_rejected(void **state)
{
	struct fix *f = *state;
	static const char *const bad[] = {
	    "{\"id\":1,\"x\":\"\xff\"}",             /* not UTF-8 at all */
	    "{\"id\":1,\"x\":\"\xc0\x80\"}",         /* overlong NUL */
	    "{\"id\":1,\"x\":\"\xed\xa0\x80\"}",     /* surrogate */
	    "{\"id\":1,\"x\":\"\xf4\x90\x80\x80\"}", /* > U+10FFFF */
	    "{\"id\":1,\"x\":\"\xe2\x82\"}",         /* truncated */
	};
	struct json_object *o;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = call(f, bad[i]);
		assert_int_equal(err_code(o), RPC_PARSE_ERROR);
		assert_non_null(strstr(str(o, "error.message"),
				       "invalid UTF-8 at byte offset 13"));
		assert_int_equal(
		    json_object_get_int(get(o, "error.data.offset")), 13);
		json_object_put(o);
	}
	assert_int_equal(rpc_session_feed(f->s, "{\"id\":1}\0x", 10), 0);
	o = json_tokener_parse(f->p.lines[f->p.n - 1]);
	assert_int_equal(err_code(o), RPC_PARSE_ERROR);
	assert_non_null(strstr(str(o, "error.message"), "NUL byte at byte "
							"offset 8"));
	json_object_put(o);
	/* valid multi-byte text passes */
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":\"\xc3\xa9\xf0\x9f\x98\x80\","
		    "\"method\":\"test.echo\",\"params\":{\"value\":\"\xe2\x82"
		    "\xac\"}}");
	assert_string_equal(str(o, "id"), "\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(str(o, "result"), "\xe2\x82\xac");
	json_object_put(o);
}

/* Nesting beyond CTL_JSON_DEPTH is a parse error, not a crash. */
static void test_rpc_deep_nesting_rejected(void **state)
{
	struct fix *f = *state;
	size_t n = 100000, i;
	char *line = malloc(n + 1), buf[512];
	struct json_object *o;

	memset(line, '[', n);
	line[n] = '\0';
	expect_error(f, line, RPC_PARSE_ERROR, "null", "nesting too deep");
	for (i = 0; i < n; i++)
		line[i] = i % 2 ? ':' : '{';
	expect_error(f, line, RPC_PARSE_ERROR, "null", "invalid JSON");
	free(line);
	/* 60 levels inside params are fine */
	i = (size_t)snprintf(buf, sizeof(buf),
			     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			     "\"test.echo\",\"params\":{\"value\":");
	memset(buf + i, '[', 60);
	memset(buf + i + 60, ']', 60);
	strcpy(buf + i + 120, "}}");
	o = call(f, buf);
	assert_non_null(get(o, "result"));
	json_object_put(o);
}

/* Requests that are JSON but not request objects get -32600. */
static void test_rpc_invalid_request_shapes(void **state)
{
	struct fix *f = *state;

	expect_error(f, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\"}]",
		     RPC_INVALID_REQUEST, "null", "batch");
	expect_error(f, "42", RPC_INVALID_REQUEST, "null",
		     "must be a JSON object, not an integer");
	expect_error(f, "\"hello\"", RPC_INVALID_REQUEST, "null", "a string");
	expect_error(f, "null", RPC_INVALID_REQUEST, "null", "null");
	expect_error(f, "{\"jsonrpc\":\"2.0\",\"method\":\"hello\"}",
		     RPC_INVALID_REQUEST, "null", "missing 'id'");
	expect_error(f, "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"hello\"}",
		     RPC_INVALID_REQUEST, "null", "'id' must be");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"hello\"}",
		     RPC_INVALID_REQUEST, "null", "a boolean");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"hello\"}",
		     RPC_INVALID_REQUEST, "null", "not null");
	expect_error(f, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"hello\"}",
		     RPC_INVALID_REQUEST, "null", "an object");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":9007199254740992,"
		     "\"method\":\"hello\"}",
		     RPC_INVALID_REQUEST, "null", "out of range");
	expect_error(f, "{\"id\":7,\"method\":\"hello\"}", RPC_INVALID_REQUEST,
		     "7", "'jsonrpc' must be \"2.0\"");
	expect_error(f, "{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"hello\"}",
		     RPC_INVALID_REQUEST, "7", "'jsonrpc'");
	expect_error(f, "{\"jsonrpc\":2.0,\"id\":\"a\",\"method\":\"hello\"}",
		     RPC_INVALID_REQUEST, "\"a\"", "'jsonrpc'");
	expect_error(f, "{\"jsonrpc\":\"2.0\",\"id\":7}", RPC_INVALID_REQUEST,
		     "7", "'method' must be a string");
	expect_error(f, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}",
		     RPC_INVALID_REQUEST, "7", "'method'");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hello\\u0000"
		     "x\"}",
		     RPC_INVALID_REQUEST, "7", "'method'");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hello\","
		     "\"extra\":1}",
		     RPC_INVALID_REQUEST, "7",
		     "unknown request member 'extra'");
}

/* Ids come back exactly as sent: strings, negative and large integers. */
static void test_rpc_ids_echoed(void **state)
{
	struct fix *f = *state;
	static const char *const ids[] = {
	    "0",    "-5",      "9007199254740991",        "-9007199254740991",
	    "\"\"", "\"abc\"", "\"a\\\"b\\\\c\\u0000d\"",
	};
	struct json_object *o, *want;
	char line[256];
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(line, sizeof(line),
			 "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":"
			 "\"stats\"}",
			 ids[i]);
		o = call(f, line);
		want = json_tokener_parse(ids[i]);
		assert_true(json_object_equal(get(o, "id"), want));
		json_object_put(want);
		json_object_put(o);
	}
}

/* Unknown methods get -32601 naming the method. */
static void test_rpc_unknown_method(void **state)
{
	struct fix *f = *state;
	struct json_object *o = call(
	    f,
	    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"files.frobnicate\"}");

	assert_int_equal(err_code(o), RPC_METHOD_NOT_FOUND);
	assert_string_equal(str(o, "error.message"),
			    "unknown method 'files.frobnicate'");
	assert_string_equal(str(o, "error.data.method"), "files.frobnicate");
	json_object_put(o);
}

/* Wrong params get -32602 naming the param. */
static void test_rpc_params_checked(void **state)
{
	struct fix *f = *state;
	struct json_object *o;

	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\","
		     "\"params\":[\"/etc/motd\"]}",
		     RPC_INVALID_PARAMS, "1", "'params' must be an object");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\","
		     "\"params\":\"x\"}",
		     RPC_INVALID_PARAMS, "1", "not a string");
	expect_error(
	    f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\"}",
	    RPC_INVALID_PARAMS, "1", "missing param 'path' for 'files.get'");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\","
		     "\"params\":{\"path\":5}}",
		     RPC_INVALID_PARAMS, "1",
		     "param 'path' must be a string, not an integer");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\","
		     "\"params\":{\"path\":\"/etc\\u0000/motd\"}}",
		     RPC_INVALID_PARAMS, "1", "NUL character");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\","
		     "\"params\":{\"path\":\"/etc/motd\",\"pth\":1}}",
		     RPC_INVALID_PARAMS, "1", "unknown param 'pth'");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\","
		     "\"params\":{\"x\":1}}",
		     RPC_INVALID_PARAMS, "1", "unknown param 'x' for 'stats'");
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\","
		    "\"params\":{\"path\":\"/etc/motd\",\"offset\":-1}}");
	assert_int_equal(err_code(o), RPC_INVALID_PARAMS);
	assert_string_equal(str(o, "error.data.param"), "offset");
	json_object_put(o);
	/* "params": null is the same as no params */
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\","
		    "\"params\":null}");
	assert_non_null(get(o, "result"));
	json_object_put(o);
}

/* errnos map through the one table; data names the errno and the path. */
static void test_rpc_errno_mapping(void **state)
{
	struct fix *f = *state;
	static const struct {
		int err;
		int code;
		const char *name;
	} cases[] = {
	    {ENOENT, RPC_ERR_NOENT, "ENOENT"},
	    {EEXIST, RPC_ERR_EXIST, "EEXIST"},
	    {ENOTDIR, RPC_ERR_NOTDIR, "ENOTDIR"},
	    {EISDIR, RPC_ERR_ISDIR, "EISDIR"},
	    {EACCES, RPC_ERR_ACCES, "EACCES"},
	    {EPERM, RPC_ERR_ACCES, "EPERM"},
	    {ENOSPC, RPC_ERR_NOSPC, "ENOSPC"},
	    {ETIMEDOUT, RPC_ERR_TIMEDOUT, "ETIMEDOUT"},
	    {EXDEV, RPC_ERR_ERRNO, "EXDEV"},
	    {4000, RPC_ERR_ERRNO, "E4000"},
	};
	struct json_object *o;
	char line[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line),
			 "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":"
			 "\"test.fail\",\"params\":{\"errno\":%d,\"path\":"
			 "\"/x/y\"}}",
			 i, cases[i].err);
		o = call(f, line);
		assert_int_equal(err_code(o), cases[i].code);
		assert_string_equal(str(o, "error.data.errno"), cases[i].name);
		assert_string_equal(str(o, "error.data.path"), "/x/y");
		assert_true(!strncmp(str(o, "error.message"), "'/x/y': ", 8));
		json_object_put(o);
	}
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.fail\","
		    "\"params\":{\"errno\":2}}");
	assert_string_equal(str(o, "error.message"),
			    "no such file or directory");
	assert_null(get(o, "error.data.path"));
	json_object_put(o);
}

/* With a token: nothing but hello before it; a wrong token closes. */
static void test_rpc_token_required(void **state)
{
	struct fix *f = *state;
	struct json_object *o;

	assert_int_equal(rpc_server_set_token(f->srv, "s3cret"), 0);
	rpc_session_free(f->s);
	f->s = rpc_session_new(f->srv, &mp_ops, &f->p);
	expect_error(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\"}",
		     RPC_ERR_UNAUTHORIZED, "1", "call 'hello' with the token");
	expect_error(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"hello\"}",
		     RPC_ERR_UNAUTHORIZED, "2", "token required");
	assert_int_equal(f->p.closes, 0);
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"hello\","
		     "\"params\":{\"token\":\"s3cre\"}}",
		     RPC_ERR_UNAUTHORIZED, "3", "wrong token");
	assert_int_equal(f->p.closes, 1);
	expect_error(f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"stats\"}",
		     RPC_ERR_UNAUTHORIZED, "4", "unauthorized");
	expect_error(f,
		     "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"hello\","
		     "\"params\":{\"token\":\"s3cret1\"}}",
		     RPC_ERR_UNAUTHORIZED, "5", "wrong token");
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"hello\","
		    "\"params\":{\"token\":\"s3cret\",\"client\":\"t\"}}");
	assert_string_equal(str(o, "result.auth"), "token");
	json_object_put(o);
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"stats\"}");
	assert_non_null(get(o, "result"));
	json_object_put(o);
	assert_int_equal(rpc_server_set_token(f->srv, NULL), 0);
}

/* hello refuses a protocol version it does not speak. */
static void test_rpc_hello_protocol_version(void **state)
{
	struct fix *f = *state;
	struct json_object *o =
	    call(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\","
		    "\"params\":{\"protocol\":2}}");

	assert_int_equal(err_code(o), RPC_ERR_PROTOCOL);
	assert_string_equal(
	    json_object_to_json_string_ext(get(o, "error.data.supported"),
					   JSON_C_TO_STRING_PLAIN),
	    "[1]");
	json_object_put(o);
}

/* A deferred request blocks its session until answered, then resumes. */
static void test_rpc_deferred_reply(void **state)
{
	struct fix *f = *state;
	const char *l = "{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":"
			"\"test.sleep\",\"params\":{\"ms\":1,\"value\":42}}";
	struct json_object *o;

	assert_int_equal(rpc_session_feed(f->s, l, strlen(l)), RPC_DEFERRED);
	assert_true(rpc_session_busy(f->s));
	assert_int_equal(f->p.n, 0);
	event_base_dispatch(f->base); /* runs the timer, then runs out */
	assert_int_equal(f->p.n, 1);
	assert_int_equal(f->p.resumes, 1);
	assert_false(rpc_session_busy(f->s));
	o = json_tokener_parse(f->p.lines[0]);
	assert_string_equal(str(o, "id"), "d");
	assert_int_equal(json_object_get_int(get(o, "result.value")), 42);
	json_object_put(o);
	/* a deferred failure carries the recorded path */
	l = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.sleep\","
	    "\"params\":{\"ms\":1,\"fail\":true}}";
	assert_int_equal(rpc_session_feed(f->s, l, strlen(l)), RPC_DEFERRED);
	event_base_dispatch(f->base);
	o = json_tokener_parse(f->p.lines[1]);
	assert_int_equal(err_code(o), RPC_ERR_TIMEDOUT);
	assert_string_equal(str(o, "error.data.path"), "/sleep");
	json_object_put(o);
	/* answered inside its own handler: an ordinary reply */
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.sleep\","
		    "\"params\":{\"ms\":0,\"now\":true}}");
	assert_string_equal(str(o, "result"), "now");
	json_object_put(o);
	assert_int_equal(f->p.resumes, 2);
	assert_int_equal(f->fh->sleeps_done, 3);
}

/* A session closed under a deferred request cancels it; nothing leaks. */
static void test_rpc_deferred_cancelled_on_close(void **state)
{
	struct fix *f = *state;
	const char *l = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			"\"test.sleep\",\"params\":{\"ms\":60000}}";

	assert_int_equal(rpc_session_feed(f->s, l, strlen(l)), RPC_DEFERRED);
	assert_int_equal(f->fh->live, 1);
	rpc_session_free(f->s);
	f->s = rpc_session_new(f->srv, &mp_ops, &f->p);
	assert_int_equal(f->fh->sleeps_cancelled, 1);
	assert_int_equal(f->fh->live, 0);
	assert_int_equal(f->p.n, 0);
	/* shutdown answers the pending request before cancelling it */
	assert_int_equal(rpc_session_feed(f->s, l, strlen(l)), RPC_DEFERRED);
	rpc_session_shutdown(f->s);
	assert_int_equal(f->p.n, 1);
	assert_non_null(strstr(f->p.lines[0], "-32045"));
	assert_int_equal(f->fh->sleeps_cancelled, 2);
}

/* Notifications follow the reply, carry the subscription id, in order;
 * closing the session cancels the stream. */
static void test_rpc_subscription_notifications(void **state)
{
	struct fix *f = *state;
	struct json_object *o;
	int64_t sub;
	size_t i;

	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.ticker\","
		    "\"params\":{\"count\":3}}");
	sub = json_object_get_int64(get(o, "result.subscription"));
	assert_true(sub >= 1);
	json_object_put(o);
	event_base_dispatch(f->base);
	assert_int_equal(f->p.n, 4);
	for (i = 1; i < 4; i++) {
		o = json_tokener_parse(f->p.lines[i]);
		assert_null(get(o, "id"));
		assert_string_equal(str(o, "method"), "test.tick");
		assert_int_equal(json_object_get_int64(get(o, "params.n")),
				 (int64_t)i - 1);
		assert_int_equal(
		    json_object_get_int64(get(o, "params.subscription")), sub);
		json_object_put(o);
	}
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.ticker\","
		    "\"params\":{\"count\":100,\"interval_ms\":10000}}");
	json_object_put(o);
	assert_int_equal(f->fh->live, 1);
	assert_non_null(rpc_sub_find(f->s, 2));
	rpc_session_free(f->s);
	f->s = rpc_session_new(f->srv, &mp_ops, &f->p);
	assert_int_equal(f->fh->tickers_cancelled, 1);
}

/* A result over CTL_REPLY_MAX becomes an error; the session goes on. */
static void test_rpc_reply_too_large(void **state)
{
	struct fix *f = *state;
	struct json_object *o;

	o = call(f,
		 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\","
		 "\"params\":{\"path\":\"/etc/ctrl\",\"encoding\":\"text\"}}");
	assert_int_equal(err_code(o), RPC_ERR_REPLY_TOO_LARGE);
	assert_int_equal(json_object_get_int(get(o, "error.data.limit")),
			 CTL_REPLY_MAX);
	json_object_put(o);
	/* auto: control characters are not text, base64 fits */
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"files.get\","
		    "\"params\":{\"path\":\"/etc/ctrl\"}}");
	assert_int_equal(json_object_get_int(get(o, "result.length")),
			 2 * 1024 * 1024);
	assert_string_equal(str(o, "result.encoding"), "base64");
	json_object_put(o);
	/* explicit text carries any UTF-8, NUL included */
	o = call(f,
		 "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"files.get\","
		 "\"params\":{\"path\":\"/etc/zero\",\"encoding\":\"text\"}}");
	assert_string_equal(str(o, "result.encoding"), "text");
	assert_int_equal(json_object_get_string_len(get(o, "result.data")), 3);
	json_object_put(o);
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"files.get\","
		    "\"params\":{\"path\":\"/etc/zero\"}}");
	assert_string_equal(str(o, "result.data"), "YQBi");
	json_object_put(o);
}

/* Lines over CTL_LINE_MAX are refused and the connection closed; blank
 * lines are ignored and a CR before the newline is accepted. */
static void test_rpc_line_limits(void **state)
{
	struct fix *f = *state;
	size_t n = CTL_LINE_MAX + 1;
	char *big = malloc(n);
	struct json_object *o;
	const char *crlf =
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\"}\r";

	assert_int_equal(rpc_session_feed(f->s, "", 0), 0);
	assert_int_equal(rpc_session_feed(f->s, "  \t\r", 4), 0);
	assert_int_equal(f->p.n, 0);
	o = call(f, crlf);
	assert_non_null(get(o, "result"));
	json_object_put(o);
	memset(big, ' ', n);
	big[0] = '{';
	assert_int_equal(rpc_session_feed(f->s, big, n), 0);
	free(big);
	assert_int_equal(f->p.closes, 1);
	o = json_tokener_parse(f->p.lines[f->p.n - 1]);
	assert_int_equal(err_code(o), RPC_ERR_LINE_TOO_LONG);
	json_object_put(o);
}

/* stats counts requests and errors and reports the daemon's counters. */
static void test_rpc_stats_counts(void **state)
{
	struct fix *f = *state;
	struct json_object *o;

	expect_error(f, "x", RPC_PARSE_ERROR, "null", "invalid");
	o = call(f, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\"}");
	assert_int_equal(json_object_get_int(get(o, "result.control.requests")),
			 1);
	assert_int_equal(json_object_get_int(get(o, "result.control.errors")),
			 1);
	assert_true(json_object_get_int64(get(o, "result.memory.rss_bytes")) >
		    0);
	assert_non_null(get(o, "result.daemon.sleeps_done"));
	assert_true(json_object_get_double(get(o, "result.uptime_s")) >= 0);
	json_object_put(o);
}

/* The UTF-8 checker accepts RFC 3629 text and nothing else. */
static void test_rpc_utf8_check(void **state)
{
	(void)state;
	assert_int_equal(rpc_utf8_check("abc", 3), 3);
	assert_int_equal(rpc_utf8_check("\xc3\xa9", 2), 2);
	assert_int_equal(rpc_utf8_check("\xef\xbf\xbd", 3), 3);
	assert_int_equal(rpc_utf8_check("\xf4\x8f\xbf\xbf", 4), 4);
	assert_int_equal(rpc_utf8_check("a\xc3", 2), 1);
	assert_int_equal(rpc_utf8_check("ab\x80", 3), 2);
	assert_int_equal(rpc_utf8_check("\xc1\xbf", 2), 0);
	assert_int_equal(rpc_utf8_check("\xe0\x9f\xbf", 3), 0);
	assert_int_equal(rpc_utf8_check("\xed\xbf\xbf", 3), 0);
	assert_int_equal(rpc_utf8_check("\xf0\x8f\xbf\xbf", 4), 0);
	assert_int_equal(rpc_utf8_check("\xf5\x80\x80\x80", 4), 0);
	assert_int_equal(rpc_utf8_check("x\xc3\x28", 3), 1);
}

/* base64 round-trips every length and refuses bad input. */
static void test_rpc_b64_round_trip(void **state)
{
	unsigned char in[300];
	size_t i, n, m, bad;
	char *e;
	unsigned char *d;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37);
	for (i = 0; i < sizeof(in); i++) {
		e = b64_encode(in, i, &n);
		assert_int_equal(n, (i + 2) / 3 * 4);
		d = b64_decode(e, n, &m, &bad);
		assert_non_null(d);
		assert_int_equal(m, i);
		assert_memory_equal(d, in, i);
		free(d);
		free(e);
	}
	e = b64_encode("foobar", 6, &n);
	assert_string_equal(e, "Zm9vYmFy");
	free(e);
	e = b64_encode("fo", 2, &n);
	assert_string_equal(e, "Zm8=");
	free(e);
	assert_null(b64_decode("Zm8", 3, &m, &bad));
	assert_int_equal(bad, 3);
	assert_null(b64_decode("Zm!=", 4, &m, &bad));
	assert_int_equal(bad, 2);
	assert_null(b64_decode("Z=8=", 4, &m, &bad));
	assert_int_equal(bad, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)
	    T(test_rpc_hello_lists_methods),
	    T(test_rpc_parse_error_keeps_connection),
	    T(test_rpc_invalid_utf8_rejected),
	    T(test_rpc_deep_nesting_rejected),
	    T(test_rpc_invalid_request_shapes),
	    T(test_rpc_ids_echoed),
	    T(test_rpc_unknown_method),
	    T(test_rpc_params_checked),
	    T(test_rpc_errno_mapping),
	    T(test_rpc_token_required),
	    T(test_rpc_hello_protocol_version),
	    T(test_rpc_deferred_reply),
	    T(test_rpc_deferred_cancelled_on_close),
	    T(test_rpc_subscription_notifications),
	    T(test_rpc_reply_too_large),
	    T(test_rpc_line_limits),
	    T(test_rpc_stats_counts),
	    cmocka_unit_test(test_rpc_utf8_check),
	    cmocka_unit_test(test_rpc_b64_round_trip),
#undef T
	};

	if (getenv("CMOCKA_FILTER"))
		cmocka_set_test_filter(getenv("CMOCKA_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
