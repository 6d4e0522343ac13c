/* rpc_state.c - the state.* methods: reset, snapshot, restore, snapshots,
 * forget, diff. Owns their handlers, the rpc_state_methods table, and the
 * deferred answer of every method that changes the tree behind the
 * kernel's back (it waits for the kernel cache invalidations). */
#include "rpc.h"
#include "rpc_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* A reply waiting for the notifier thread's barrier. */
struct rpc_state_wait {
	struct rpc_req *req; /* NULL once the client went away */
	struct json_object *result;
};

static void rpc_state_wait_cancel(void *arg)
{
	struct rpc_state_wait *w = arg;

	w->req = NULL; /* the rpc layer frees req; done() frees w */
}

static void rpc_state_wait_done(void *arg)
{
	struct rpc_state_wait *w = arg;

	if (w->req)
		rpc_req_done(w->req, w->result);
	else
		json_object_put(w->result);
	free(w);
}

const struct rpc_state_host *rpc_state_of(struct rpc_req *req)
{
	return rpc_req_host(req)->state;
}

int rpc_state_answer(struct rpc_req *req, struct json_object *result,
		     struct json_object **out)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	struct rpc_state_wait *w;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w) { /* answer now: the kernel may lag a moment behind */
		*out = result;
		return 0;
	}
	w->req = req;
	w->result = result;
	if (!sh->barrier ||
	    !sh->barrier(rpc_req_host(req)->ctx, rpc_state_wait_done, w)) {
		free(w);
		*out = result;
		return 0;
	}
	return rpc_defer(req, rpc_state_wait_cancel, w);
}

static void rpc_state_add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

/* The counters every state.* result carries: what the operation cost. */
static struct json_object *rpc_state_result(struct rpc_req *req,
					    const char *name)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	struct rpc_state_counts c;
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	memset(&c, 0, sizeof(c));
	if (sh->counts)
		sh->counts(rpc_req_host(req)->ctx, &c);
	if (name)
		json_object_object_add(o, "name", json_object_new_string(name));
	rpc_state_add_u64(o, "nodes_visited", c.last_visited);
	rpc_state_add_u64(o, "changed_nodes", c.dirty);
	return o;
}

/* Runs one of reset/snapshot/restore/forget and answers. */
static int rpc_state_do(struct rpc_req *req, struct json_object *params,
			struct json_object **result,
			int (*op)(void *ctx, const char *name), bool named,
			bool waits)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	const char *name = named ? rpc_param_str(params, "name", "") : NULL;
	struct json_object *o;
	int r;

	if (!sh || !op)
		return -ENOSYS;
	r = op(rpc_req_host(req)->ctx, name);
	if (r == -EINVAL && named)
		return rpc_bad_param(req, "name",
				     "'%s' is not a snapshot name: 1 to 64 of "
				     "A-Z a-z 0-9 . _ -, not starting with "
				     "'.' nor ending in '.tmp'",
				     name);
	if (r < 0)
		return rpc_fail(req, r, name);
	if (!(o = rpc_state_result(req, name)))
		return -ENOMEM;
	if (!waits) {
		*result = o;
		return 0;
	}
	return rpc_state_answer(req, o, result);
}

/* state.reset {} */
static int rpc_state_reset(struct rpc_req *req, struct json_object *params,
			   struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	struct json_object *o;
	int r;

	(void)params;
	if (!sh || !sh->reset)
		return -ENOSYS;
	if ((r = sh->reset(rpc_req_host(req)->ctx)) < 0)
		return rpc_fail(req, r, NULL);
	if (!(o = rpc_state_result(req, NULL)))
		return -ENOMEM;
	return rpc_state_answer(req, o, result);
}

/* state.snapshot {name} */
static int rpc_state_snapshot(struct rpc_req *req, struct json_object *params,
			      struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);

	return rpc_state_do(req, params, result, sh ? sh->snapshot : NULL, true,
			    false);
}

/* state.restore {name} */
static int rpc_state_restore(struct rpc_req *req, struct json_object *params,
			     struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);

	return rpc_state_do(req, params, result, sh ? sh->restore : NULL, true,
			    true);
}

/* state.forget {name} */
static int rpc_state_forget(struct rpc_req *req, struct json_object *params,
			    struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);

	return rpc_state_do(req, params, result, sh ? sh->forget : NULL, true,
			    false);
}

static int rpc_state_snap_one(void *arg, const struct rpc_state_snap *s)
{
	struct json_object *e = json_object_new_object();

	if (!e)
		return -ENOMEM;
	json_object_object_add(e, "name", json_object_new_string(s->name));
	rpc_state_add_u64(e, "nodes", s->nodes);
	rpc_state_add_u64(e, "bytes", s->bytes);
	json_object_object_add(e, "created", json_object_new_int64(s->created));
	json_object_array_add(arg, e);
	return 0;
}

/* state.snapshots {} */
static int rpc_state_snapshots(struct rpc_req *req, struct json_object *params,
			       struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	struct json_object *o, *arr;
	int r;

	(void)params;
	if (!sh || !sh->snapshots)
		return -ENOSYS;
	if (!(arr = json_object_new_array()))
		return -ENOMEM;
	r = sh->snapshots(rpc_req_host(req)->ctx, rpc_state_snap_one, arr);
	if (r < 0 || !(o = json_object_new_object())) {
		json_object_put(arr);
		return r < 0 ? rpc_fail(req, r, NULL) : -ENOMEM;
	}
	json_object_object_add(o, "snapshots", arr);
	*result = o;
	return 0;
}

struct rpc_state_diff_ctx {
	struct json_object *changes;
	bool all;
	uint64_t total, hidden;
};

static void rpc_state_mode(struct json_object *o, const char *k, unsigned m)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%04o", m & 07777);
	json_object_object_add(o, k, json_object_new_string(buf));
}

static int rpc_state_diff_one(void *arg, const struct rpc_state_change *c)
{
	struct rpc_state_diff_ctx *d = arg;
	struct json_object *e, *what;

	/* a directory whose only change is its times: an entry was added or
	 * removed in it, which the diff shows anyway */
	if (!d->all && !strcmp(c->change, "modified") &&
	    !strcmp(c->type, "dir") && c->times && !c->content &&
	    !c->mode_changed && !c->owner && !c->xattrs) {
		d->hidden++;
		return 0;
	}
	if (!(e = json_object_new_object()) ||
	    !(what = json_object_new_array())) {
		json_object_put(e);
		return -ENOMEM;
	}
	d->total++;
	json_object_object_add(e, "change", json_object_new_string(c->change));
	json_object_object_add(e, "path", json_object_new_string(c->path));
	if (c->old_path)
		json_object_object_add(e, "old_path",
				       json_object_new_string(c->old_path));
	json_object_object_add(e, "type", json_object_new_string(c->type));
	rpc_state_mode(e, "mode", c->mode);
	json_object_object_add(e, "uid", json_object_new_int64(c->uid));
	json_object_object_add(e, "gid", json_object_new_int64(c->gid));
	rpc_state_add_u64(e, "size", c->size);
	if (strcmp(c->change, "added")) {
		rpc_state_mode(e, "old_mode", c->old_mode);
		json_object_object_add(e, "old_uid",
				       json_object_new_int64(c->old_uid));
		json_object_object_add(e, "old_gid",
				       json_object_new_int64(c->old_gid));
		rpc_state_add_u64(e, "old_size", c->old_size);
	}
	if (c->content)
		json_object_array_add(what, json_object_new_string("content"));
	if (c->mode_changed)
		json_object_array_add(what, json_object_new_string("mode"));
	if (c->owner)
		json_object_array_add(what, json_object_new_string("owner"));
	if (c->times)
		json_object_array_add(what, json_object_new_string("times"));
	if (c->xattrs)
		json_object_array_add(what, json_object_new_string("xattrs"));
	json_object_object_add(e, "what", what);
	if (c->data)
		rpc_state_add_u64(e, "data", c->data);
	json_object_array_add(d->changes, e);
	return 0;
}

/* state.diff {all=false} */
static int rpc_state_diff(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	struct rpc_state_diff_ctx d = {
	    .all = rpc_param_bool(params, "all", false)};
	struct rpc_state_counts c;
	struct json_object *o;
	int r;

	if (!sh || !sh->diff)
		return -ENOSYS;
	if (!(d.changes = json_object_new_array()))
		return -ENOMEM;
	r = sh->diff(rpc_req_host(req)->ctx, rpc_state_diff_one, &d);
	if (r < 0 || !(o = json_object_new_object())) {
		json_object_put(d.changes);
		return r < 0 ? rpc_fail(req, r, NULL) : -ENOMEM;
	}
	memset(&c, 0, sizeof(c));
	if (sh->counts)
		sh->counts(rpc_req_host(req)->ctx, &c);
	json_object_object_add(o, "changes", d.changes);
	rpc_state_add_u64(o, "total", d.total);
	rpc_state_add_u64(o, "hidden", d.hidden);
	if (c.dir)
		json_object_object_add(o, "state_dir",
				       json_object_new_string(c.dir));
	*result = o;
	return 0;
}

static const struct rpc_param rpc_state_name_param[] = {
    {"name", RPC_T_STRING, true},
    {NULL, 0, false},
};

const struct rpc_method rpc_state_methods[] = {
    {.name = "state.reset", .fn = rpc_state_reset, .flags = RPC_MUTATES},
    {.name = "state.snapshot",
     .fn = rpc_state_snapshot,
     .flags = RPC_MUTATES,
     .params = rpc_state_name_param},
    {.name = "state.restore",
     .fn = rpc_state_restore,
     .flags = RPC_MUTATES,
     .params = rpc_state_name_param},
    {.name = "state.snapshots", .fn = rpc_state_snapshots},
    {.name = "state.forget",
     .fn = rpc_state_forget,
     .flags = RPC_MUTATES,
     .params = rpc_state_name_param},
    {.name = "state.diff",
     .fn = rpc_state_diff,
     .params =
	 (const struct rpc_param[]){
	     {"all", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = NULL},
};
