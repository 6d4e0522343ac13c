/* rpc_rules.c - the rules.* methods of the control channel: add, list,
 * remove, clear, release (held requests), wait (deferred until a rule has
 * fired N times), captured (bytes kept by capture actions).
 * Owns their handlers and the rpc_rules_methods table; the engine is
 * fsd/icpt.h, reached through struct rpc_host. */
#include "rpc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "icpt.h"
#include "rpc_codes.h"

/* Default and longest rules.wait. */
#define RULES_WAIT_DEFAULT_MS 10000
#define RULES_WAIT_MAX_MS (60 * 60 * 1000)

static struct icpt *rules_engine(struct rpc_req *req)
{
	return rpc_req_host(req)->icpt;
}

/* An error with its errno named in data (as errno failures carry it). */
__attribute__((format(printf, 4, 5))) static int
rules_fail(struct rpc_req *req, int code, const char *errname, const char *fmt,
	   ...)
{
	struct json_object *data = json_object_new_object();
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (data)
		json_object_object_add(data, "errno",
				       json_object_new_string(errname));
	return rpc_fail_code(req, code, data, "%s", msg);
}

#define RULES_NOENT(req, id)                                                   \
	rules_fail((req), RPC_ERR_NOENT, "ENOENT", "rule '%s': no such rule",  \
		   (id))

#define RULES_ENGINE_OR_NOSYS(ic, req)                                         \
	do {                                                                   \
		if (!((ic) = rules_engine(req)))                               \
			return rpc_fail_code(                                  \
			    (req), RPC_ERR_NOSYS, NULL,                        \
			    "this daemon has no rule engine");                 \
	} while (0)

/* ---- rules.add --------------------------------------------------------------
 */

struct rules_added {
	struct rpc_req *req;
	struct json_object *result;
};

/* The kernel forgot what the new rule watches: answer now. */
static void rules_add_synced(void *arg)
{
	struct rules_added *ra = arg;

	rpc_req_done(ra->req, ra->result);
	free(ra);
}

static int rpc_rules_add(struct rpc_req *req, struct json_object *params,
			 struct json_object **result)
{
	struct icpt *ic;
	struct icpt_rule *r;
	struct rules_added *ra;
	struct json_object *res, *listed;
	char err[512], member[128];
	const char *colon;
	size_t n;
	int rc;

	RULES_ENGINE_OR_NOSYS(ic, req);
	rc = icpt_rule_compile(params, NULL, &r, err, sizeof(err));
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		/* "match.ops[1]: unknown op 'x'" -> param "match" */
		colon = strstr(err, ": ");
		n = strcspn(err, ".[:");
		snprintf(member, sizeof(member), "%.*s", (int)n, err);
		return rpc_bad_param(req, colon ? member : "action", "%s", err);
	}
	rc = icpt_add(ic, r, ICPT_FROM_API);
	if (rc == -EEXIST)
		return rules_fail(req, RPC_ERR_EXIST, "EEXIST",
				  "rule '%s': a rule has this id already",
				  rpc_param_str(params, "id", ""));
	if (rc)
		return rc;
	res = json_object_new_object();
	listed = res ? icpt_rule_json(r) : NULL;
	if (!listed) {
		json_object_put(res);
		return -ENOMEM;
	}
	json_object_object_add(res, "id",
			       json_object_new_string(icpt_rule_id(r)));
	json_object_object_add(res, "rule", listed);
	/* answer once the kernel's caches of what it watches are gone */
	ra = calloc(1, sizeof(*ra));
	if (ra) {
		ra->req = req;
		ra->result = res;
		if (icpt_barrier(ic, rules_add_synced, ra))
			return rpc_defer(req, NULL, NULL);
		free(ra);
	}
	*result = res;
	return 0;
}

/* ---- rules.list, remove, clear ------------------------------------------ */

static int rules_list_one(void *arg, const struct icpt_rule *r)
{
	struct json_object *o = icpt_rule_json(r);

	if (!o || json_object_array_add(arg, o)) {
		json_object_put(o);
		return -ENOMEM;
	}
	return 0;
}

static int rpc_rules_list(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	const char *id = rpc_param_str(params, "id", NULL);
	struct json_object *res, *arr;
	struct icpt_rule *r;
	struct icpt *ic;
	int rc;

	RULES_ENGINE_OR_NOSYS(ic, req);
	res = json_object_new_object();
	arr = json_object_new_array();
	if (!res || !arr) {
		json_object_put(res);
		json_object_put(arr);
		return -ENOMEM;
	}
	json_object_object_add(res, "rules", arr);
	if (id) {
		if (!(r = icpt_find(ic, id))) {
			json_object_put(res);
			return RULES_NOENT(req, id);
		}
		rc = rules_list_one(arr, r);
	} else {
		rc = icpt_each(ic, rules_list_one, arr);
	}
	if (rc) {
		json_object_put(res);
		return rc;
	}
	json_object_object_add(res, "held",
			       json_object_new_int64((int64_t)icpt_held(ic)));
	*result = res;
	return 0;
}

static int rpc_rules_remove(struct rpc_req *req, struct json_object *params,
			    struct json_object **result)
{
	const char *id = rpc_param_str(params, "id", "");
	struct icpt *ic;

	RULES_ENGINE_OR_NOSYS(ic, req);
	if (icpt_remove(ic, id))
		return RULES_NOENT(req, id);
	*result = json_object_new_object();
	if (!*result)
		return -ENOMEM;
	json_object_object_add(*result, "removed", json_object_new_string(id));
	return 0;
}

static int rpc_rules_clear(struct rpc_req *req, struct json_object *params,
			   struct json_object **result)
{
	struct icpt *ic;
	size_t n;

	RULES_ENGINE_OR_NOSYS(ic, req);
	n = icpt_clear(ic, rpc_param_bool(params, "all", false));
	*result = json_object_new_object();
	if (!*result)
		return -ENOMEM;
	json_object_object_add(*result, "removed",
			       json_object_new_int64((int64_t)n));
	return 0;
}

/* ---- rules.release ----------------------------------------------------------
 */

static int rpc_rules_release(struct rpc_req *req, struct json_object *params,
			     struct json_object **result)
{
	const char *id = rpc_param_str(params, "id", NULL),
		   *ename = rpc_param_str(params, "errno", NULL);
	int64_t count = rpc_param_int(params, "count", 0);
	struct icpt *ic;
	int err = 0, n;

	RULES_ENGINE_OR_NOSYS(ic, req);
	if (ename && (icpt_errno_parse(ename, &err) || err <= 0))
		return rpc_bad_param(req, "errno", "unknown errno '%s'", ename);
	if (count < 0)
		return rpc_bad_param(req, "count", "must not be negative");
	n = icpt_release(ic, id, -err, (size_t)count);
	if (n == -ENOENT)
		return RULES_NOENT(req, id);
	*result = json_object_new_object();
	if (!*result)
		return -ENOMEM;
	json_object_object_add(*result, "released", json_object_new_int(n));
	return 0;
}

/* ---- rules.wait -------------------------------------------------------------
 */

struct rules_waiter {
	struct rpc_req *req;
	struct icpt *ic;
	uint64_t handle;
	char id[80];
};

static void rules_wait_done(void *arg, int err)
{
	struct rules_waiter *w = arg;
	struct icpt_rule *r;
	struct json_object *res;

	if (err == -ETIMEDOUT) {
		rules_fail(w->req, RPC_ERR_TIMEDOUT, "ETIMEDOUT",
			   "rule '%s': not fired often enough before the "
			   "timeout",
			   w->id);
		rpc_req_fail(w->req, -EPROTO);
	} else if (err == -ENOENT) {
		rules_fail(w->req, RPC_ERR_NOENT, "ENOENT",
			   "rule '%s': removed while waiting", w->id);
		rpc_req_fail(w->req, -EPROTO);
	} else if (err) {
		rpc_req_fail(w->req, err);
	} else {
		r = icpt_find(w->ic, w->id);
		res = json_object_new_object();
		if (res) {
			json_object_object_add(res, "id",
					       json_object_new_string(w->id));
			json_object_object_add(
			    res, "hits",
			    json_object_new_int64(r ? (int64_t)icpt_rule_hits(r)
						    : 0));
			rpc_req_done(w->req, res);
		} else {
			rpc_req_fail(w->req, -ENOMEM);
		}
	}
	free(w);
}

/* The client went away: forget the wait (req is freed by the rpc layer). */
static void rules_wait_cancel(void *arg)
{
	struct rules_waiter *w = arg;

	icpt_wait_cancel(w->ic, w->handle);
	free(w);
}

static int rpc_rules_wait(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	const char *id = rpc_param_str(params, "id", "");
	int64_t count = rpc_param_int(params, "count", 1),
		timeout =
		    rpc_param_int(params, "timeout_ms", RULES_WAIT_DEFAULT_MS);
	struct rules_waiter *w;
	struct icpt_rule *r;
	struct icpt *ic;
	int rc;

	RULES_ENGINE_OR_NOSYS(ic, req);
	if (count < 1)
		return rpc_bad_param(req, "count", "must be at least 1");
	if (timeout < 1 || timeout > RULES_WAIT_MAX_MS)
		return rpc_bad_param(req, "timeout_ms", "must be from 1 to %d",
				     RULES_WAIT_MAX_MS);
	if (strlen(id) >= sizeof(w->id) || !(r = icpt_find(ic, id)))
		return RULES_NOENT(req, id);
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->req = req;
	w->ic = ic;
	strcpy(w->id, id);
	rc = icpt_wait(ic, id, (uint64_t)count, (uint64_t)timeout,
		       rules_wait_done, w, &w->handle);
	if (rc == 1) { /* reached already */
		free(w);
		*result = json_object_new_object();
		if (!*result)
			return -ENOMEM;
		json_object_object_add(*result, "id",
				       json_object_new_string(id));
		json_object_object_add(
		    *result, "hits",
		    json_object_new_int64((int64_t)icpt_rule_hits(r)));
		return 0;
	}
	if (rc < 0) {
		free(w);
		if (rc == -EAGAIN)
			return rpc_fail_code(req, RPC_ERR_BUSY, NULL,
					     "too many rules.wait at once");
		return rc;
	}
	return rpc_defer(req, rules_wait_cancel, w);
}

/* ---- rules.captured ----------------------------------------------------- */

static int rpc_rules_captured(struct rpc_req *req, struct json_object *params,
			      struct json_object **result)
{
	const char *id = rpc_param_str(params, "id", "");
	struct icpt_rule *r;
	struct icpt *ic;

	RULES_ENGINE_OR_NOSYS(ic, req);
	if (!(r = icpt_find(ic, id)))
		return RULES_NOENT(req, id);
	*result =
	    icpt_rule_capture_json(r, rpc_param_bool(params, "data", true));
	return *result ? 0 : -ENOMEM;
}

/* ---- the table --------------------------------------------------------------
 */

const struct rpc_method rpc_rules_methods[] = {
    {.name = "rules.add",
     .fn = rpc_rules_add,
     .flags = RPC_MUTATES,
     .params = (const struct rpc_param[]){{"id", RPC_T_STRING, false},
					  {"label", RPC_T_STRING, false},
					  {"match", RPC_T_OBJECT, false},
					  {"trigger", RPC_T_OBJECT, false},
					  {"action", RPC_T_ANY, true},
					  {NULL, 0, false}}},
    {.name = "rules.list",
     .fn = rpc_rules_list,
     .params = (const struct rpc_param[]){{"id", RPC_T_STRING, false},
					  {NULL, 0, false}}},
    {.name = "rules.remove",
     .fn = rpc_rules_remove,
     .flags = RPC_MUTATES,
     .params = (const struct rpc_param[]){{"id", RPC_T_STRING, true},
					  {NULL, 0, false}}},
    {.name = "rules.clear",
     .fn = rpc_rules_clear,
     .flags = RPC_MUTATES,
     .params = (const struct rpc_param[]){{"all", RPC_T_BOOL, false},
					  {NULL, 0, false}}},
    {.name = "rules.release",
     .fn = rpc_rules_release,
     .flags = RPC_MUTATES,
     .params = (const struct rpc_param[]){{"id", RPC_T_STRING, false},
					  {"errno", RPC_T_STRING, false},
					  {"count", RPC_T_INT, false},
					  {NULL, 0, false}}},
    {.name = "rules.wait",
     .fn = rpc_rules_wait,
     .params = (const struct rpc_param[]){{"id", RPC_T_STRING, true},
					  {"count", RPC_T_INT, false},
					  {"timeout_ms", RPC_T_INT, false},
					  {NULL, 0, false}}},
    {.name = "rules.captured",
     .fn = rpc_rules_captured,
     .params = (const struct rpc_param[]){{"id", RPC_T_STRING, true},
					  {"data", RPC_T_BOOL, false},
					  {NULL, 0, false}}},
    {.name = NULL},
};
