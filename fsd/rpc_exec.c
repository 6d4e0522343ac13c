/* rpc_exec.c - the control methods of command interception: exec.add,
 * exec.list, exec.remove, exec.clear, invocations.follow,
 * invocations.answer, invocations.list. Owns the table only: each handler
 * forwards to the daemon's broker through rpc_host.exec_call (exec.h). */
#include <errno.h>
#include <stddef.h>

#include "rpc.h"

static int rpc_exec_forward(struct rpc_req *req, struct json_object *params,
			    struct json_object **result)
{
	const struct rpc_host *h = rpc_req_host(req);

	if (!h->exec_call)
		return -ENOSYS;
	return h->exec_call(h->ctx, req, rpc_req_method(req), params, result);
}

static const struct rpc_param exec_add_params[] = {
    {"id", RPC_T_STRING, false},
    {"label", RPC_T_STRING, false},
    {"match", RPC_T_OBJECT, true},
    {"answer", RPC_T_OBJECT, true},
    {NULL, 0, false},
};

static const struct rpc_param exec_id_params[] = {
    {"id", RPC_T_STRING, true},
    {NULL, 0, false},
};

static const struct rpc_param inv_answer_params[] = {
    {"id", RPC_T_INT, true},
    {"answer", RPC_T_OBJECT, true},
    {NULL, 0, false},
};

static const struct rpc_param inv_list_params[] = {
    {"limit", RPC_T_INT, false},
    {NULL, 0, false},
};

const struct rpc_method rpc_exec_methods[] = {
    {.name = "exec.add",
     .fn = rpc_exec_forward,
     .flags = RPC_MUTATES,
     .params = exec_add_params},
    {.name = "exec.list", .fn = rpc_exec_forward},
    {.name = "exec.remove",
     .fn = rpc_exec_forward,
     .flags = RPC_MUTATES,
     .params = exec_id_params},
    {.name = "exec.clear", .fn = rpc_exec_forward, .flags = RPC_MUTATES},
    {.name = "invocations.follow",
     .fn = rpc_exec_forward,
     .flags = RPC_STREAMS},
    {.name = "invocations.answer",
     .fn = rpc_exec_forward,
     .flags = RPC_MUTATES,
     .params = inv_answer_params},
    {.name = "invocations.list",
     .fn = rpc_exec_forward,
     .params = inv_list_params},
    {.name = NULL},
};
