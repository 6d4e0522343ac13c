/* rpc_log.c - the log.* methods of the control channel: fetch (after a
 * cursor, filtered, limited), follow / unfollow (log.event notifications),
 * clear. Owns their handlers, the rpc_log_methods table and the follow
 * subscriptions; the access log is fsd/alog.h, reached through struct
 * rpc_host. */
#include "rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "alog.h"
#include "limits_rules.h"
#include "rpc_codes.h"

static int log_engine(struct rpc_req *req, struct alog **out)
{
	*out = rpc_req_host(req)->alog;
	if (!*out)
		return rpc_fail_code(req, RPC_ERR_NOSYS, NULL,
				     "this daemon has no access log");
	return 0;
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

/* Filters from params; an error names the param. */
static int log_filter(struct rpc_req *req, struct json_object *params,
		      struct alog_filter *f)
{
	char err[256], param[32];
	int rc = alog_filter_parse(params, f, err, sizeof(err));

	if (rc == -EINVAL) {
		/* err is "'member': ..." */
		snprintf(param, sizeof(param), "%.*s",
			 (int)strcspn(err + 1, "'"), err + 1);
		return rpc_bad_param(req, param, "%s", err);
	}
	return rc;
}

/* ---- log.fetch --------------------------------------------------------------
 */

static void fetch_one(void *arg, const struct alog_rec *r)
{
	struct json_object *o = alog_rec_json(r);

	if (o && json_object_array_add(arg, o))
		json_object_put(o);
}

static int rpc_log_fetch(struct rpc_req *req, struct json_object *params,
			 struct json_object **result)
{
	int64_t since = rpc_param_int(params, "since", 0),
		limit = rpc_param_int(params, "limit", ALOG_FETCH_DEFAULT);
	struct alog_filter f;
	struct alog_stats st;
	struct json_object *res, *events;
	uint64_t next, missed;
	struct alog *a;
	int rc;

	if ((rc = log_engine(req, &a)))
		return rc;
	if (since < 0)
		return rpc_bad_param(req, "since", "must not be negative");
	if (limit < 1 || limit > ALOG_FETCH_MAX)
		return rpc_bad_param(req, "limit", "must be from 1 to %d",
				     ALOG_FETCH_MAX);
	if ((rc = log_filter(req, params, &f)))
		return rc;
	res = json_object_new_object();
	events = json_object_new_array();
	if (!res || !events) {
		json_object_put(res);
		json_object_put(events);
		alog_filter_release(&f);
		return -ENOMEM;
	}
	json_object_object_add(res, "events", events);
	alog_fetch(a, (uint64_t)since, &f, (size_t)limit, fetch_one, events,
		   &next, &missed);
	alog_filter_release(&f);
	alog_stats(a, &st);
	add_u64(res, "next", next);
	add_u64(res, "missed", missed);
	add_u64(res, "first", st.first_seq);
	add_u64(res, "last", st.last_seq);
	add_u64(res, "dropped", st.dropped);
	add_u64(res, "kept", st.count);
	add_u64(res, "capacity", st.cap);
	*result = res;
	return 0;
}

/* ---- log.follow / log.unfollow ----------------------------------------------
 */

struct log_follow {
	struct alog *a;
	struct rpc_sub *sub;
	uint64_t handle; /* the alog follower */
};

static void follow_end(struct log_follow *lf, bool free_sub)
{
	alog_unfollow(lf->a, lf->handle);
	if (free_sub)
		rpc_sub_free(lf->sub);
	free(lf);
}

static void follow_event(void *arg, const struct alog_rec *r)
{
	struct log_follow *lf = arg;
	struct json_object *p = json_object_new_object(), *ev;

	ev = p ? alog_rec_json(r) : NULL;
	if (!ev) {
		json_object_put(p);
		return; /* this event is lost to this follower only */
	}
	json_object_object_add(p, "event", ev);
	/* a client over its output cap is being dropped: stop here */
	if (rpc_sub_notify(lf->sub, "log.event", p) < 0)
		follow_end(lf, true);
}

/* The session closed: the rpc layer frees the sub. */
static void follow_cancel(void *arg)
{
	follow_end(arg, false);
}

static int rpc_log_follow(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	struct log_follow *lf;
	struct alog_filter f;
	struct alog_stats st;
	struct alog *a;
	int rc;

	if ((rc = log_engine(req, &a)))
		return rc;
	if ((rc = log_filter(req, params, &f)))
		return rc;
	lf = calloc(1, sizeof(*lf));
	if (!lf) {
		alog_filter_release(&f);
		return -ENOMEM;
	}
	lf->a = a;
	lf->sub = rpc_sub_new(req, follow_cancel, lf);
	if (!lf->sub) {
		alog_filter_release(&f);
		free(lf);
		return -ENOMEM;
	}
	lf->handle = alog_follow(a, &f, follow_event, lf);
	if (!lf->handle) {
		rpc_sub_free(lf->sub);
		free(lf);
		return rpc_fail_code(req, RPC_ERR_BUSY, NULL,
				     "too many log followers (at most %d)",
				     ALOG_FOLLOWERS_MAX);
	}
	alog_stats(a, &st);
	*result = json_object_new_object();
	if (!*result)
		return -ENOMEM; /* the sub ends with the session */
	add_u64(*result, "subscription", rpc_sub_id(lf->sub));
	/* events after this cursor are streamed: log.fetch since a cursor
	 * of one's own up to here leaves no gap and no duplicate */
	add_u64(*result, "next", st.last_seq);
	return 0;
}

static bool follow_is(void *farg, void *ctx)
{
	return ((struct log_follow *)farg)->sub == ctx;
}

static int rpc_log_unfollow(struct rpc_req *req, struct json_object *params,
			    struct json_object **result)
{
	int64_t id = rpc_param_int(params, "subscription", 0);
	struct rpc_sub *sub;
	struct log_follow *lf;
	struct alog *a;
	int rc;

	if ((rc = log_engine(req, &a)))
		return rc;
	sub = id > 0 ? rpc_sub_find(rpc_req_session(req), (uint64_t)id) : NULL;
	lf = sub ? alog_follow_find(a, follow_is, sub) : NULL;
	if (!lf)
		return rpc_fail_code(req, RPC_ERR_NOENT, NULL,
				     "subscription %lld: no such log.follow",
				     (long long)id);
	follow_end(lf, true);
	*result = json_object_new_object();
	if (!*result)
		return -ENOMEM;
	add_u64(*result, "unfollowed", (uint64_t)id);
	return 0;
}

/* ---- log.clear --------------------------------------------------------------
 */

static int rpc_log_clear(struct rpc_req *req, struct json_object *params,
			 struct json_object **result)
{
	struct alog_stats st;
	struct alog *a;
	uint64_t n;
	int rc;

	(void)params;
	if ((rc = log_engine(req, &a)))
		return rc;
	n = alog_clear(a);
	alog_stats(a, &st);
	*result = json_object_new_object();
	if (!*result)
		return -ENOMEM;
	add_u64(*result, "cleared", n);
	add_u64(*result, "next", st.last_seq);
	return 0;
}

/* ---- the table --------------------------------------------------------------
 */

#define LOG_FILTER_PARAMS                                                      \
	{"path", RPC_T_STRING, false}, {"op", RPC_T_ANY, false},               \
	    {"pid", RPC_T_INT, false}, {"process", RPC_T_STRING, false},       \
	    {"result", RPC_T_STRING, false},                                   \
	{                                                                      \
		"rule", RPC_T_STRING, false                                    \
	}

const struct rpc_method rpc_log_methods[] = {
    {.name = "log.fetch",
     .fn = rpc_log_fetch,
     .params = (const struct rpc_param[]){{"since", RPC_T_INT, false},
					  {"limit", RPC_T_INT, false},
					  LOG_FILTER_PARAMS,
					  {NULL, 0, false}}},
    {.name = "log.follow",
     .fn = rpc_log_follow,
     .flags = RPC_STREAMS,
     .params = (const struct rpc_param[]){LOG_FILTER_PARAMS, {NULL, 0, false}}},
    {.name = "log.unfollow",
     .fn = rpc_log_unfollow,
     .params = (const struct rpc_param[]){{"subscription", RPC_T_INT, true},
					  {NULL, 0, false}}},
    {.name = "log.clear",
     .fn = rpc_log_clear,
     .flags = RPC_MUTATES,
     .params = NULL},
    {.name = NULL},
};
