/* rpc_session.c - per-connection protocol state of the control channel:
 * sessions (auth, the pending deferred request), request handles, deferred
 * completion, subscriptions, and the small helpers handlers share.
 * Owns struct rpc_session, rpc_req and rpc_sub (defined in rpc_int.h). */
#include "rpc.h"
#include "rpc_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <utlist.h>

#include "limits_ctl.h"
#include "rpc_codes.h"

/* ---- helpers ------------------------------------------------------------ */

size_t rpc_utf8_check(const char *str, size_t len)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		unsigned c = p[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
			return i;
		if (n == 3 && (cp < 0x10000 || cp > 0x10ffff))
			return i;
		i += n + 1;
	}
	return len;
}

const char *rpc_param_str(struct json_object *params, const char *name,
			  const char *dflt)
{
	struct json_object *v;

	if (!params || !json_object_object_get_ex(params, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return dflt;
	return json_object_get_string(v);
}

int64_t rpc_param_int(struct json_object *params, const char *name,
		      int64_t dflt)
{
	struct json_object *v;

	if (!params || !json_object_object_get_ex(params, name, &v) ||
	    !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

bool rpc_param_bool(struct json_object *params, const char *name, bool dflt)
{
	struct json_object *v;

	if (!params || !json_object_object_get_ex(params, name, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return dflt;
	return json_object_get_boolean(v);
}

/* ---- request handles ----------------------------------------------------- */

void rpc_req_free(struct rpc_req *req)
{
	json_object_put(req->id);
	json_object_put(req->err_data);
	free(req->err_path);
	free(req);
}

struct rpc_session *rpc_req_session(const struct rpc_req *req)
{
	return req->s;
}

struct rpc_server *rpc_req_server(const struct rpc_req *req)
{
	return req->srv;
}

const struct rpc_host *rpc_req_host(const struct rpc_req *req)
{
	return &req->srv->host;
}

const char *rpc_req_method(const struct rpc_req *req)
{
	return req->m->name;
}

int rpc_fail(struct rpc_req *req, int err, const char *path)
{
	free(req->err_path);
	req->err_path = path ? strdup(path) : NULL;
	return err;
}

int rpc_fail_detail(struct rpc_req *req, int err, const char *path,
		    struct json_object *data)
{
	json_object_put(req->err_data);
	req->err_data = data;
	req->err_code = 0;
	return rpc_fail(req, err, path);
}

int rpc_bad_param(struct rpc_req *req, const char *param, const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	req->err_code = RPC_INVALID_PARAMS;
	snprintf(req->err_msg, sizeof(req->err_msg), "param '%s': %s", param,
		 detail);
	json_object_put(req->err_data);
	req->err_data = json_object_new_object();
	if (req->err_data)
		json_object_object_add(req->err_data, "param",
				       json_object_new_string(param));
	return -EINVAL;
}

int rpc_fail_code(struct rpc_req *req, int code, struct json_object *data,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req->err_msg, sizeof(req->err_msg), fmt, ap);
	va_end(ap);
	req->err_code = code;
	json_object_put(req->err_data);
	req->err_data = data;
	return -EPROTO;
}

int rpc_defer(struct rpc_req *req, void (*cancel)(void *arg), void *arg)
{
	req->deferred = true;
	req->cancel = cancel;
	req->cancel_arg = arg;
	return RPC_DEFERRED;
}

/* Ends a deferred request: the reply (if the session still exists) was
 * sent by the caller. */
static void rpc_req_finish(struct rpc_req *req)
{
	struct rpc_session *s = req->s;

	req->done = true;
	if (s && s->in_feed)
		return; /* answered inside its own handler: feed frees it */
	if (s) {
		s->pending = NULL;
		rpc_req_free(req);
		s->ops->resume(s->peer);
		return;
	}
	rpc_req_free(req);
}

void rpc_req_done(struct rpc_req *req, struct json_object *result)
{
	if (req->s)
		rpc_reply_result(req, result ? result : NULL);
	else
		json_object_put(result);
	rpc_req_finish(req);
}

void rpc_req_fail(struct rpc_req *req, int err)
{
	if (req->s)
		rpc_reply_error(req, err);
	rpc_req_finish(req);
}

/* ---- sessions --------------------------------------------------------------
 */

struct rpc_session *rpc_session_new(struct rpc_server *srv,
				    const struct rpc_peer_ops *ops, void *peer)
{
	struct rpc_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->srv = srv;
	s->ops = ops;
	s->peer = peer;
	s->authed = srv->token == NULL;
	s->next_sub_id = 1;
	return s;
}

/* The session is going away: the pending request and every subscription
 * are cancelled (or the request detached when it has no cancel). */
static void rpc_session_cancel_all(struct rpc_session *s)
{
	struct rpc_req *req = s->pending;
	struct rpc_sub *sub, *tmp;

	s->pending = NULL;
	if (req) {
		req->s = NULL;
		if (req->cancel) {
			req->cancel(req->cancel_arg);
			rpc_req_free(req);
		}
	}
	DL_FOREACH_SAFE(s->subs, sub, tmp)
	{
		DL_DELETE(s->subs, sub);
		if (sub->cancel)
			sub->cancel(sub->arg);
		free(sub);
	}
}

void rpc_session_free(struct rpc_session *s)
{
	if (!s)
		return;
	rpc_session_cancel_all(s);
	free(s);
}

void rpc_session_shutdown(struct rpc_session *s)
{
	if (s->pending) {
		rpc_send_error(s, json_object_get(s->pending->id),
			       RPC_ERR_SHUTDOWN, "the daemon is stopping",
			       NULL);
	}
	rpc_session_cancel_all(s);
}

void rpc_session_close(struct rpc_session *s)
{
	s->ops->close(s->peer);
}

bool rpc_session_busy(const struct rpc_session *s)
{
	return s->pending != NULL;
}

int rpc_session_auth(struct rpc_session *s, const char *token)
{
	const struct rpc_server *srv = s->srv;
	size_t len, i;
	unsigned diff;

	if (!srv->token) {
		s->authed = true;
		return 0;
	}
	if (!token)
		return -EACCES;
	/* Constant time in the content of both strings: the loop length
	 * depends only on the server's token length. */
	len = strlen(token);
	diff = len != srv->token_len;
	for (i = 0; i < srv->token_len; i++)
		diff |= (unsigned char)srv->token[i] ^
			(unsigned char)(i < len ? token[i] : 0);
	if (diff) {
		s->authed = false;
		return -EACCES;
	}
	s->authed = true;
	return 0;
}

int rpc_session_notify(struct rpc_session *s, const char *method,
		       struct json_object *params)
{
	struct json_object *o = json_object_new_object();
	int r;

	if (!o) {
		json_object_put(params);
		return -ENOMEM;
	}
	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "method", json_object_new_string(method));
	if (params)
		json_object_object_add(o, "params", params);
	r = rpc_send_obj(s, o);
	json_object_put(o);
	if (!r)
		s->srv->stats.notifications++;
	return r;
}

/* ---- subscriptions ---------------------------------------------------- */

struct rpc_sub *rpc_sub_new(struct rpc_req *req, void (*cancel)(void *arg),
			    void *arg)
{
	struct rpc_sub *sub;

	if (!req->s || !(sub = calloc(1, sizeof(*sub))))
		return NULL;
	sub->s = req->s;
	sub->id = req->s->next_sub_id++;
	sub->cancel = cancel;
	sub->arg = arg;
	DL_APPEND(req->s->subs, sub);
	return sub;
}

uint64_t rpc_sub_id(const struct rpc_sub *sub)
{
	return sub->id;
}

struct rpc_sub *rpc_sub_find(struct rpc_session *s, uint64_t id)
{
	struct rpc_sub *sub;

	DL_FOREACH(s->subs, sub)
	if (sub->id == id)
		return sub;
	return NULL;
}

int rpc_sub_notify(struct rpc_sub *sub, const char *method,
		   struct json_object *params)
{
	if (!params)
		params = json_object_new_object();
	if (!params)
		return -ENOMEM;
	json_object_object_add(params, "subscription",
			       json_object_new_int64((int64_t)sub->id));
	return rpc_session_notify(sub->s, method, params);
}

void rpc_sub_free(struct rpc_sub *sub)
{
	if (!sub)
		return;
	DL_DELETE(sub->s->subs, sub);
	free(sub);
}
