/* exec_rpc.c - the broker behind the control methods exec.* (rules) and
 * invocations.* (follow, answer, list); rpc_exec.c dispatches here. */
#include "exec_int.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inval.h"
#include "rpc.h"
#include "rpc_codes.h"

/* A reply that waits until the kernel forgot the watched nodes' sizes and
 * pages (inval barrier). */
struct exec_wait {
	struct rpc_req *req;
	json_object *result;
};

static void wait_cancel(void *arg)
{
	((struct exec_wait *)arg)->req = NULL;
}

static void wait_done(void *arg)
{
	struct exec_wait *w = arg;

	if (w->req)
		rpc_req_done(w->req, w->result);
	else
		json_object_put(w->result);
	free(w);
}

/* Recomputes the watched set and answers result once the kernel knows. */
static int after_change(struct exec_broker *b, struct rpc_req *req, bool queued,
			json_object *result, json_object **out)
{
	struct exec_wait *w;

	if (!queued || !(w = calloc(1, sizeof(*w)))) {
		*out = result;
		return 0;
	}
	w->req = req;
	w->result = result;
	if (!inval_barrier(b->fsd->inval, wait_done, w)) {
		free(w);
		*out = result;
		return 0;
	}
	return rpc_defer(req, wait_cancel, w);
}

static json_object *rule_json(const struct exec_rule *r)
{
	json_object *o = json_object_new_object(), *v;

	json_object_object_add(o, "id", json_object_new_string(r->id));
	if (r->label)
		json_object_object_add(o, "label",
				       json_object_new_string(r->label));
	if (json_object_object_get_ex(r->spec, "match", &v))
		json_object_object_add(o, "match", json_object_get(v));
	json_object_object_add(o, "answer", json_object_get(r->answer));
	json_object_object_add(o, "hits",
			       json_object_new_int64((int64_t)r->hits));
	json_object_object_add(o, "nodes",
			       json_object_new_int((int)HASH_COUNT(r->inos)));
	if (r->image)
		json_object_object_add(o, "image", json_object_new_boolean(1));
	return o;
}

static struct exec_rule *rule_find(struct exec_broker *b, const char *id,
				   struct exec_rule ***link)
{
	struct exec_rule **pp;

	for (pp = &b->rules; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->id, id)) {
			*link = pp;
			return *pp;
		}
	return NULL;
}

static int m_add(struct exec_broker *b, struct rpc_req *req, json_object *p,
		 json_object **out)
{
	struct exec_rule *r, **link;
	char err[512];
	bool queued;
	int rc;

	if (b->shim_fd < 0)
		return rpc_fail_code(req, RPC_ERR_NOSYS, NULL,
				     "exec rules need the interpose shim: "
				     "'%s' cannot be opened",
				     b->shim_path);
	if (b->n_rules >= EXEC_RULES_MAX)
		return rpc_fail_code(req, RPC_ERR_ERRNO, NULL,
				     "too many exec rules (at most %d)",
				     EXEC_RULES_MAX);
	rc = exec_rule_parse(b, p, false, &r, err, sizeof(err));
	if (rc == -EINVAL)
		return rpc_bad_param(req, "rule", "%s", err);
	if (rc)
		return rc;
	if (rule_find(b, r->id, &link)) {
		rc = rpc_fail(req, -EEXIST, r->id);
		exec_rule_free(r); /* after: the message names r->id */
		return rc;
	}
	r->next = b->rules;
	b->rules = r;
	b->n_rules++;
	queued = exec_rules_recompute(b);
	return after_change(b, req, queued, rule_json(r), out);
}

static int m_list(struct exec_broker *b, struct rpc_req *req, json_object *p,
		  json_object **out)
{
	json_object *arr = json_object_new_array();
	struct exec_rule *r;

	(void)req;
	(void)p;
	for (r = b->rules; r; r = r->next)
		json_object_array_add(arr, rule_json(r));
	*out = json_object_new_object();
	json_object_object_add(*out, "rules", arr);
	return 0;
}

static int m_remove(struct exec_broker *b, struct rpc_req *req, json_object *p,
		    json_object **out)
{
	const char *id = rpc_param_str(p, "id", "");
	struct exec_rule *r, **link;
	json_object *res;

	if (!(r = rule_find(b, id, &link)))
		return rpc_fail(req, -ENOENT, id);
	*link = r->next;
	b->n_rules--;
	res = json_object_new_object();
	json_object_object_add(res, "id", json_object_new_string(r->id));
	json_object_object_add(res, "hits",
			       json_object_new_int64((int64_t)r->hits));
	exec_rule_free(r);
	return after_change(b, req, exec_rules_recompute(b), res, out);
}

static int m_clear(struct exec_broker *b, struct rpc_req *req, json_object *p,
		   json_object **out)
{
	struct exec_rule *r, **pp = &b->rules;
	json_object *res;
	int n = 0;

	(void)p;
	while ((r = *pp)) {
		if (r->image) { /* image defaults stay */
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		exec_rule_free(r);
		b->n_rules--;
		n++;
	}
	res = json_object_new_object();
	json_object_object_add(res, "removed", json_object_new_int(n));
	return after_change(b, req, exec_rules_recompute(b), res, out);
}

static void follower_cancel(void *arg)
{
	struct exec_follower *f = arg, **pp;

	for (pp = &f->b->followers; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	free(f);
}

static int m_follow(struct exec_broker *b, struct rpc_req *req, json_object *p,
		    json_object **out)
{
	struct exec_follower *f = calloc(1, sizeof(*f));

	(void)p;
	if (!f)
		return -ENOMEM;
	f->b = b;
	f->sub = rpc_sub_new(req, follower_cancel, f);
	if (!f->sub) {
		free(f);
		return -ENOMEM;
	}
	f->next = b->followers;
	b->followers = f;
	*out = json_object_new_object();
	json_object_object_add(
	    *out, "subscription",
	    json_object_new_int64((int64_t)rpc_sub_id(f->sub)));
	return 0;
}

static int m_answer(struct exec_broker *b, struct rpc_req *req, json_object *p,
		    json_object **out)
{
	uint64_t id = (uint64_t)rpc_param_int(p, "id", 0);
	struct exec_inv *inv;
	json_object *ans = json_object_object_get(p, "answer");
	char err[512];

	if (exec_answer_check(ans, false, "answer", err, sizeof(err)))
		return rpc_bad_param(req, "answer", "%s", err);
	HASH_FIND(hh, b->pending, &id, sizeof(id), inv);
	if (!inv) {
		char s[32];

		snprintf(s, sizeof(s), "invocation %llu",
			 (unsigned long long)id);
		return rpc_fail(req, -ENOENT, s);
	}
	exec_inv_answer(inv, ans);
	*out = json_object_new_object();
	json_object_object_add(*out, "id", json_object_new_int64((int64_t)id));
	json_object_object_add(
	    *out, "style",
	    json_object_new_string(inv->style ? inv->style : ""));
	return 0;
}

static int m_inv_list(struct exec_broker *b, struct rpc_req *req,
		      json_object *p, json_object **out)
{
	int64_t limit = rpc_param_int(p, "limit", EXEC_HISTORY);
	size_t n = json_object_array_length(b->history), i;
	json_object *arr = json_object_new_array();

	(void)req;
	if (limit < 0)
		limit = 0;
	for (i = n > (size_t)limit ? n - (size_t)limit : 0; i < n; i++)
		json_object_array_add(
		    arr,
		    json_object_get(json_object_array_get_idx(b->history, i)));
	*out = json_object_new_object();
	json_object_object_add(*out, "invocations", arr);
	json_object_object_add(
	    *out, "total", json_object_new_int64((int64_t)b->n_invocations));
	json_object_object_add(
	    *out, "pending", json_object_new_int((int)HASH_COUNT(b->pending)));
	return 0;
}

typedef int exec_method_fn(struct exec_broker *b, struct rpc_req *req,
			   json_object *p, json_object **out);

static const struct {
	const char *name;
	exec_method_fn *fn;
} exec_methods[] = {
    {"exec.add", m_add},
    {"exec.list", m_list},
    {"exec.remove", m_remove},
    {"exec.clear", m_clear},
    {"invocations.follow", m_follow},
    {"invocations.answer", m_answer},
    {"invocations.list", m_inv_list},
};

int exec_rpc_call(void *ctx, struct rpc_req *req, const char *method,
		  json_object *params, json_object **result)
{
	struct fsd *fsd = ctx;
	size_t i;

	if (!fsd->exec)
		return -ENOSYS;
	for (i = 0; i < sizeof(exec_methods) / sizeof(exec_methods[0]); i++)
		if (!strcmp(method, exec_methods[i].name))
			return exec_methods[i].fn(fsd->exec, req, params,
						  result);
	return -ENOSYS;
}
