/* rpc.c - JSON-RPC 2.0 envelope: parse a line, check it, dispatch it, send
 * exactly one reply. Owns the method lookup and the errno -> code table.
 *
 * Why the checks are ours and not json-c's: json-c 0.16 accepts overlong
 * and surrogate UTF-8 even with JSON_TOKENER_VALIDATE_UTF8, and turns
 * "\u0000" into a NUL inside a C string, so the line is checked for UTF-8
 * and NUL bytes first and every string that reaches a handler is checked
 * for embedded NULs (a "path" of "/etc\u0000x" must not become "/etc").
 */
#include "rpc.h"
#include "rpc_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "icpt.h"
#include "limits_ctl.h"
#include "rpc_codes.h"

#define RPC_ID_MAX ((int64_t)9007199254740991) /* 2^53 - 1 */

/* The one errno -> JSON-RPC code mapping. Every errno not listed here maps
 * to RPC_ERR_ERRNO; data.errno always names the errno. */
static const struct rpc_errmap {
	int err;
	int code;
} rpc_errmap[] = {
    {ENOENT, RPC_ERR_NOENT},       {EEXIST, RPC_ERR_EXIST},
    {ENOTDIR, RPC_ERR_NOTDIR},     {EISDIR, RPC_ERR_ISDIR},
    {EACCES, RPC_ERR_ACCES},       {EPERM, RPC_ERR_ACCES},
    {EINVAL, RPC_ERR_INVAL},       {EFBIG, RPC_ERR_TOOBIG},
    {E2BIG, RPC_ERR_TOOBIG},       {ENAMETOOLONG, RPC_ERR_TOOBIG},
    {ETIMEDOUT, RPC_ERR_TIMEDOUT}, {EBUSY, RPC_ERR_BUSY},
    {EAGAIN, RPC_ERR_BUSY},        {ENOSPC, RPC_ERR_NOSPC},
    {ENOTEMPTY, RPC_ERR_NOTEMPTY}, {EILSEQ, RPC_ERR_ILSEQ},
    {EROFS, RPC_ERR_ROFS},         {ENOMEM, RPC_ERR_NOMEM},
    {ENOSYS, RPC_ERR_NOSYS},       {EOPNOTSUPP, RPC_ERR_NOSYS},
};

static const struct rpc_method *const rpc_builtin[] = {
    rpc_misc_methods, rpc_files_methods,       rpc_rules_methods,
    rpc_log_methods,  rpc_files_write_methods, rpc_state_methods,
    rpc_exec_methods, rpc_manifest_methods,
};

/* ---- server ------------------------------------------------------------ */

struct rpc_server *rpc_server_new(const struct rpc_host *host)
{
	struct rpc_server *srv = calloc(1, sizeof(*srv));

	if (!srv)
		return NULL;
	if (host)
		srv->host = *host;
	clock_gettime(CLOCK_MONOTONIC, &srv->start);
	return srv;
}

void rpc_server_free(struct rpc_server *srv)
{
	if (!srv)
		return;
	free(srv->token);
	free(srv);
}

int rpc_server_set_token(struct rpc_server *srv, const char *token)
{
	char *t = NULL;
	size_t len = token ? strlen(token) : 0;

	if (len > CTL_TOKEN_MAX)
		return -E2BIG;
	if (len && !(t = strdup(token)))
		return -ENOMEM;
	free(srv->token);
	srv->token = t;
	srv->token_len = len;
	return 0;
}

static const struct rpc_method *rpc_table_find(const struct rpc_method *t,
					       const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

const struct rpc_method *rpc_server_find(const struct rpc_server *srv,
					 const char *name)
{
	const struct rpc_method *m;
	size_t i;

	for (i = 0; i < sizeof(rpc_builtin) / sizeof(rpc_builtin[0]); i++)
		if ((m = rpc_table_find(rpc_builtin[i], name)))
			return m;
	for (i = 0; i < srv->n_extra; i++)
		if ((m = rpc_table_find(srv->extra[i], name)))
			return m;
	return NULL;
}

int rpc_server_add_methods(struct rpc_server *srv,
			   const struct rpc_method *table)
{
	const struct rpc_method *m;

	if (srv->n_extra == RPC_EXTRA_TABLES)
		return -ENOSPC;
	for (m = table; m->name; m++)
		if (rpc_server_find(srv, m->name))
			return -EEXIST;
	srv->extra[srv->n_extra++] = table;
	return 0;
}

void rpc_server_each_method(const struct rpc_server *srv,
			    void (*fn)(void *arg, const struct rpc_method *m),
			    void *arg)
{
	const struct rpc_method *m;
	size_t i;

	for (i = 0; i < sizeof(rpc_builtin) / sizeof(rpc_builtin[0]); i++)
		for (m = rpc_builtin[i]; m->name; m++)
			fn(arg, m);
	for (i = 0; i < srv->n_extra; i++)
		for (m = srv->extra[i]; m->name; m++)
			fn(arg, m);
}

struct rpc_stats *rpc_server_stats(struct rpc_server *srv)
{
	return &srv->stats;
}

const struct rpc_host *rpc_server_host(const struct rpc_server *srv)
{
	return &srv->host;
}

double rpc_server_uptime(const struct rpc_server *srv)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - srv->start.tv_sec) +
	       (double)(now.tv_nsec - srv->start.tv_nsec) / 1e9;
}

bool rpc_server_needs_token(const struct rpc_server *srv)
{
	return srv->token != NULL;
}

static const char *rpc_errno_desc(int err)
{
	const char *d = strerrordesc_np(err);

	return d ? d : "unknown error";
}

static int rpc_errno_code(int err)
{
	size_t i;

	for (i = 0; i < sizeof(rpc_errmap) / sizeof(rpc_errmap[0]); i++)
		if (rpc_errmap[i].err == err)
			return rpc_errmap[i].code;
	return RPC_ERR_ERRNO;
}

/* "a string", "an integer"... for messages about a JSON value. */
static const char *rpc_json_kind(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a number";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "a value";
}

static const char *const rpc_type_names[] = {
    [RPC_T_STRING] = "a string",  [RPC_T_INT] = "an integer",
    [RPC_T_BOOL] = "a boolean",   [RPC_T_NUMBER] = "a number",
    [RPC_T_OBJECT] = "an object", [RPC_T_ARRAY] = "an array",
    [RPC_T_ANY] = "any value",
};

static bool rpc_type_ok(enum rpc_type t, struct json_object *v)
{
	switch (t) {
	case RPC_T_STRING:
		return json_object_is_type(v, json_type_string);
	case RPC_T_INT:
		return json_object_is_type(v, json_type_int);
	case RPC_T_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case RPC_T_NUMBER:
		return json_object_is_type(v, json_type_int) ||
		       json_object_is_type(v, json_type_double);
	case RPC_T_OBJECT:
		return json_object_is_type(v, json_type_object);
	case RPC_T_ARRAY:
		return json_object_is_type(v, json_type_array);
	case RPC_T_ANY:
		return true;
	}
	return false;
}

/* true when a JSON string holds a NUL character ("\u0000"). */
static bool rpc_str_has_nul(struct json_object *v)
{
	const char *s = json_object_get_string(v);

	return strlen(s) != (size_t)json_object_get_string_len(v);
}

/* ---- replies ------------------------------------------------------------ */

int rpc_send_obj(struct rpc_session *s, struct json_object *o)
{
	size_t len;
	const char *txt = json_object_to_json_string_length(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	if (!txt)
		return -ENOMEM;
	if (len > CTL_REPLY_MAX)
		return -E2BIG;
	s->srv->stats.bytes_out += len + 1;
	return s->ops->send(s->peer, txt, len);
}

static struct json_object *rpc_envelope(struct json_object *id)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "id", id);
	return o;
}

static struct json_object *rpc_error_obj(int code, const char *message,
					 struct json_object *data)
{
	struct json_object *e = json_object_new_object();

	if (!e) {
		json_object_put(data);
		return NULL;
	}
	json_object_object_add(e, "code", json_object_new_int(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	if (data)
		json_object_object_add(e, "data", data);
	return e;
}

/* Sends an error reply; id and data are consumed. */
int rpc_send_error(struct rpc_session *s, struct json_object *id, int code,
		   const char *message, struct json_object *data)
{
	struct json_object *o = rpc_envelope(id);
	int r;

	s->srv->stats.errors++;
	if (!o) {
		json_object_put(data);
		return -ENOMEM;
	}
	json_object_object_add(o, "error", rpc_error_obj(code, message, data));
	r = rpc_send_obj(s, o);
	json_object_put(o);
	return r;
}

static int rpc_send_errorf(struct rpc_session *s, struct json_object *id,
			   int code, struct json_object *data, const char *fmt,
			   ...) __attribute__((format(printf, 5, 6)));

static int rpc_send_errorf(struct rpc_session *s, struct json_object *id,
			   int code, struct json_object *data, const char *fmt,
			   ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rpc_send_error(s, id, code, msg, data);
}

int rpc_session_send_error(struct rpc_session *s, int code, const char *message)
{
	return rpc_send_error(s, NULL, code, message, NULL);
}

int rpc_error_line(int code, const char *message, char *buf, size_t n)
{
	struct json_object *o = rpc_envelope(NULL);
	const char *txt;
	size_t len;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "error", rpc_error_obj(code, message, NULL));
	txt = json_object_to_json_string_length(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (!txt || len >= n) {
		json_object_put(o);
		return -ENOSPC;
	}
	memcpy(buf, txt, len + 1);
	json_object_put(o);
	return 0;
}

/* Sends the error recorded on req (or derived from err); consumes the
 * recorded details. */
void rpc_reply_error(struct rpc_req *req, int err)
{
	struct rpc_session *s = req->s;
	struct json_object *data = req->err_data;
	char name[32], msg[512];
	int code = req->err_code;

	req->err_data = NULL;
	if (code) {
		rpc_send_error(s, req->id, code, req->err_msg, data);
		req->id = NULL;
		return;
	}
	if (err >= 0)
		err = -EIO; /* a handler bug: treat as an I/O failure */
	code = rpc_errno_code(-err);
	if (!data)
		data = json_object_new_object();
	if (data) {
		json_object_object_add(data, "errno",
				       json_object_new_string(icpt_errno_name(
					   -err, name, sizeof(name))));
		if (req->err_path)
			json_object_object_add(
			    data, "path",
			    json_object_new_string(req->err_path));
	}
	if (req->err_path)
		snprintf(msg, sizeof(msg), "'%s': %s", req->err_path,
			 rpc_errno_desc(-err));
	else
		snprintf(msg, sizeof(msg), "%s", rpc_errno_desc(-err));
	if (msg[0] == '\'' && msg[1]) {
		/* the quoted path stays as given; lowercase the description */
		char *d = strstr(msg, "': ");

		if (d && d[3] >= 'A' && d[3] <= 'Z')
			d[3] = (char)(d[3] - 'A' + 'a');
	} else if (msg[0] >= 'A' && msg[0] <= 'Z') {
		msg[0] = (char)(msg[0] - 'A' + 'a');
	}
	rpc_send_error(s, req->id, code, msg, data);
	req->id = NULL;
}

void rpc_reply_result(struct rpc_req *req, struct json_object *result)
{
	struct rpc_session *s = req->s;
	struct json_object *o = rpc_envelope(json_object_get(req->id));
	size_t len;
	int r;

	if (!o) {
		json_object_put(result);
		rpc_reply_error(req, -ENOMEM);
		return;
	}
	json_object_object_add(o, "result", result);
	r = rpc_send_obj(s, o);
	if (r == -E2BIG) {
		json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN,
						  &len);
		req->err_code = RPC_ERR_REPLY_TOO_LARGE;
		snprintf(req->err_msg, sizeof(req->err_msg),
			 "reply too large (%zu bytes, limit %d): ask for less",
			 len, CTL_REPLY_MAX);
		json_object_put(req->err_data);
		req->err_data = json_object_new_object();
		json_object_object_add(req->err_data, "bytes",
				       json_object_new_int64((int64_t)len));
		json_object_object_add(req->err_data, "limit",
				       json_object_new_int(CTL_REPLY_MAX));
		rpc_reply_error(req, -E2BIG);
	} else if (r == -ENOMEM) {
		rpc_reply_error(req, -ENOMEM);
	}
	json_object_put(o);
}

/* ---- the envelope ------------------------------------------------------ */

/* Copies a valid id ("id" must be a string or an integer within +-2^53-1)
 * into *out; -EINVAL when invalid. */
static int rpc_take_id(struct json_object *v, struct json_object **out)
{
	int64_t n;

	if (json_object_is_type(v, json_type_string)) {
		*out = json_object_new_string_len(
		    json_object_get_string(v), json_object_get_string_len(v));
		return *out ? 0 : -ENOMEM;
	}
	if (!json_object_is_type(v, json_type_int))
		return -EINVAL;
	n = json_object_get_int64(v);
	if (n > RPC_ID_MAX || n < -RPC_ID_MAX)
		return -EINVAL;
	*out = json_object_new_int64(n);
	return *out ? 0 : -ENOMEM;
}

/* Checks params against m's list; on error sends -32602 (id consumed). */
static int rpc_check_params(struct rpc_session *s, const struct rpc_method *m,
			    struct json_object *params, struct json_object **id)
{
	const struct rpc_param *p;
	struct json_object *v, *data;

	json_object_object_foreach(params, key, val)
	{
		(void)val;
		for (p = m->params; p && p->name; p++)
			if (!strcmp(p->name, key))
				break;
		if (!p || !p->name) {
			data = json_object_new_object();
			json_object_object_add(data, "param",
					       json_object_new_string(key));
			rpc_send_errorf(s, *id, RPC_INVALID_PARAMS, data,
					"unknown param '%s' for '%s'", key,
					m->name);
			*id = NULL;
			return -EINVAL;
		}
	}
	for (p = m->params; p && p->name; p++) {
		const char *why = NULL;

		if (!json_object_object_get_ex(params, p->name, &v)) {
			if (p->required)
				why = "missing";
		} else if (!rpc_type_ok(p->type, v)) {
			why = "type";
		} else if (p->type == RPC_T_STRING && rpc_str_has_nul(v)) {
			why = "nul";
		}
		if (!why)
			continue;
		data = json_object_new_object();
		json_object_object_add(data, "param",
				       json_object_new_string(p->name));
		if (!strcmp(why, "missing"))
			rpc_send_errorf(s, *id, RPC_INVALID_PARAMS, data,
					"missing param '%s' for '%s'", p->name,
					m->name);
		else if (!strcmp(why, "type"))
			rpc_send_errorf(s, *id, RPC_INVALID_PARAMS, data,
					"param '%s' must be %s, not %s",
					p->name, rpc_type_names[p->type],
					rpc_json_kind(v));
		else
			rpc_send_errorf(s, *id, RPC_INVALID_PARAMS, data,
					"param '%s' contains a NUL character",
					p->name);
		*id = NULL;
		return -EINVAL;
	}
	return 0;
}

static const char *const rpc_members[] = {"jsonrpc", "id", "method", "params"};

/* Validates the request object; on error sends the reply itself and
 * returns a negative errno. On success *m, *params and *id are set (*id
 * owned by the caller). */
static int rpc_check_envelope(struct rpc_session *s, struct json_object *req,
			      const struct rpc_method **m,
			      struct json_object **params,
			      struct json_object **id)
{
	struct json_object *v, *data;
	const char *name;
	size_t i;

	*id = NULL;
	if (json_object_is_type(req, json_type_array))
		return rpc_send_error(s, NULL, RPC_INVALID_REQUEST,
				      "batch requests are not supported: "
				      "send one request object per line",
				      NULL),
		       -EINVAL;
	if (!json_object_is_type(req, json_type_object))
		return rpc_send_errorf(s, NULL, RPC_INVALID_REQUEST, NULL,
				       "request must be a JSON object, not %s",
				       rpc_json_kind(req)),
		       -EINVAL;
	if (!json_object_object_get_ex(req, "id", &v))
		return rpc_send_error(s, NULL, RPC_INVALID_REQUEST,
				      "missing 'id': notifications are not "
				      "accepted, every request needs an id",
				      NULL),
		       -EINVAL;
	if (rpc_take_id(v, id) < 0)
		return rpc_send_errorf(
			   s, NULL, RPC_INVALID_REQUEST, NULL,
			   "'id' must be a string or an integer within "
			   "+-(2^53-1), not %s",
			   json_object_is_type(v, json_type_int)
			       ? "an integer out of range"
			       : rpc_json_kind(v)),
		       -EINVAL;
	json_object_object_foreach(req, key, val)
	{
		(void)val;
		for (i = 0; i < sizeof(rpc_members) / sizeof(rpc_members[0]);
		     i++)
			if (!strcmp(key, rpc_members[i]))
				break;
		if (i == sizeof(rpc_members) / sizeof(rpc_members[0])) {
			rpc_send_errorf(s, *id, RPC_INVALID_REQUEST, NULL,
					"unknown request member '%s'", key);
			*id = NULL;
			return -EINVAL;
		}
	}
	if (!json_object_object_get_ex(req, "jsonrpc", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "2.0") != 0 ||
	    json_object_get_string_len(v) != 3) {
		rpc_send_error(s, *id, RPC_INVALID_REQUEST,
			       "'jsonrpc' must be \"2.0\"", NULL);
		*id = NULL;
		return -EINVAL;
	}
	if (!json_object_object_get_ex(req, "method", &v) ||
	    !json_object_is_type(v, json_type_string) || rpc_str_has_nul(v)) {
		rpc_send_error(s, *id, RPC_INVALID_REQUEST,
			       "'method' must be a string naming a method",
			       NULL);
		*id = NULL;
		return -EINVAL;
	}
	name = json_object_get_string(v);
	*m = rpc_server_find(s->srv, name);
	if (!*m) {
		data = json_object_new_object();
		json_object_object_add(data, "method",
				       json_object_new_string(name));
		rpc_send_errorf(s, *id, RPC_METHOD_NOT_FOUND, data,
				"unknown method '%.200s'", name);
		*id = NULL;
		return -ENOENT;
	}
	*params = NULL;
	if (json_object_object_get_ex(req, "params", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_object)) {
			rpc_send_errorf(s, *id, RPC_INVALID_PARAMS, NULL,
					"'params' must be an object of named "
					"params, not %s",
					rpc_json_kind(v));
			*id = NULL;
			return -EINVAL;
		}
		*params = v;
	}
	if (!s->authed && !((*m)->flags & RPC_NOAUTH)) {
		rpc_send_errorf(s, *id, RPC_ERR_UNAUTHORIZED, NULL,
				"unauthorized: call 'hello' with the token "
				"before '%s'",
				(*m)->name);
		*id = NULL;
		return -EACCES;
	}
	return 0;
}

/* Parses a whole line into *out; on error sends -32700 and returns a
 * negative errno. */
static int rpc_parse(struct rpc_session *s, const char *line, size_t len,
		     struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *o, *data;
	enum json_tokener_error jerr;
	const char *nul;
	size_t bad;

	*out = NULL;
	nul = memchr(line, '\0', len);
	bad = rpc_utf8_check(line, len);
	if (nul || bad < len) {
		size_t at = nul && (size_t)(nul - line) < bad
				? (size_t)(nul - line)
				: bad;

		data = json_object_new_object();
		json_object_object_add(data, "offset",
				       json_object_new_int64((int64_t)at));
		return rpc_send_errorf(s, NULL, RPC_PARSE_ERROR, data,
				       "%s at byte offset %zu",
				       nul && (size_t)(nul - line) == at
					   ? "NUL byte"
					   : "invalid UTF-8",
				       at),
		       -EILSEQ;
	}
	tok = json_tokener_new_ex(CTL_JSON_DEPTH);
	if (!tok)
		return rpc_send_error(s, NULL, RPC_INTERNAL_ERROR,
				      "out of memory", NULL),
		       -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!o && jerr == json_tokener_continue) {
		/* a top-level scalar, or a truncated document: the end of
		 * the line ends it */
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_continue)
			jerr = json_tokener_error_parse_eof;
	}
	if (!o && jerr == json_tokener_success) {
		json_tokener_free(tok); /* the JSON value null */
		return rpc_send_error(s, NULL, RPC_INVALID_REQUEST,
				      "request must be a JSON object, not null",
				      NULL),
		       -EINVAL;
	}
	if (!o) {
		size_t at = json_tokener_get_parse_end(tok);

		if (at > len)
			at = len;
		json_tokener_free(tok);
		data = json_object_new_object();
		json_object_object_add(data, "offset",
				       json_object_new_int64((int64_t)at));
		return rpc_send_errorf(s, NULL, RPC_PARSE_ERROR, data,
				       "invalid JSON at byte offset %zu: %s",
				       at, json_tokener_error_desc(jerr)),
		       -EINVAL;
	}
	json_tokener_free(tok);
	*out = o;
	return 0;
}

static bool rpc_blank(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

int rpc_session_feed(struct rpc_session *s, const char *line, size_t len)
{
	struct json_object *root = NULL, *params = NULL, *id = NULL;
	struct json_object *result = NULL, *empty = NULL;
	const struct rpc_method *m = NULL;
	struct rpc_req *req;
	int r;

	if (len && line[len - 1] == '\r')
		len--;
	if (rpc_blank(line, len))
		return 0;
	s->srv->stats.bytes_in += len + 1;
	if (len > CTL_LINE_MAX) {
		char msg[128];

		snprintf(msg, sizeof(msg),
			 "request line too long (limit %d bytes)",
			 CTL_LINE_MAX);
		rpc_send_error(s, NULL, RPC_ERR_LINE_TOO_LONG, msg, NULL);
		s->ops->close(s->peer);
		return 0;
	}
	if (rpc_parse(s, line, len, &root) < 0)
		return 0;
	if (rpc_check_envelope(s, root, &m, &params, &id) < 0)
		goto out;
	if (!params)
		params = empty = json_object_new_object();
	if (rpc_check_params(s, m, params, &id) < 0)
		goto out;
	req = calloc(1, sizeof(*req));
	if (!req) {
		rpc_send_error(s, id, RPC_INTERNAL_ERROR, "out of memory",
			       NULL);
		id = NULL;
		goto out;
	}
	req->s = s;
	req->srv = s->srv;
	req->m = m;
	req->id = id;
	id = NULL;
	s->srv->stats.requests++;
	s->in_feed = true;
	r = m->fn(req, params, &result);
	s->in_feed = false;
	if (r == RPC_DEFERRED) {
		if (!req->done) {
			s->pending = req;
			json_object_put(empty);
			json_object_put(root);
			return RPC_DEFERRED;
		}
		rpc_req_free(req); /* answered before its handler returned */
	} else if (r == 0) {
		rpc_reply_result(req, result);
		rpc_req_free(req);
	} else {
		json_object_put(result);
		rpc_reply_error(req, r);
		rpc_req_free(req);
	}
out:
	json_object_put(id);
	json_object_put(empty);
	json_object_put(root);
	return 0;
}
