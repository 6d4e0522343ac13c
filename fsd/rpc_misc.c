/* rpc_misc.c - the session and daemon-wide methods: hello, stats.
 * Owns their handlers and the rpc_misc_methods table. */
#include "rpc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "limits_ctl.h"
#include "rpc_codes.h"

#ifndef ESXMOCK_VERSION
#define ESXMOCK_VERSION "0.0.0"
#endif

static void rpc_misc_add_name(void *arg, const struct rpc_method *m)
{
	json_object_array_add(arg, json_object_new_string(m->name));
}

/* hello: version negotiation and authentication (see PROTOCOL.md). */
static int rpc_misc_hello(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	struct rpc_session *s = rpc_req_session(req);
	struct rpc_server *srv = rpc_req_server(req);
	const char *token = rpc_param_str(params, "token", NULL);
	int64_t proto = rpc_param_int(params, "protocol", RPC_PROTOCOL_VERSION);
	struct json_object *r, *methods, *data;

	if (proto != RPC_PROTOCOL_VERSION) {
		data = json_object_new_object();
		methods = json_object_new_array();
		json_object_array_add(
		    methods, json_object_new_int(RPC_PROTOCOL_VERSION));
		json_object_object_add(data, "supported", methods);
		return rpc_fail_code(req, RPC_ERR_PROTOCOL, data,
				     "protocol version %lld not supported "
				     "(this server speaks %d)",
				     (long long)proto, RPC_PROTOCOL_VERSION);
	}
	if (rpc_server_needs_token(srv) && !token)
		return rpc_fail_code(req, RPC_ERR_UNAUTHORIZED, NULL,
				     "token required: pass 'token' to hello");
	if (rpc_session_auth(s, token) < 0) {
		/* one guess per connection */
		rpc_session_close(s);
		return rpc_fail_code(req, RPC_ERR_UNAUTHORIZED, NULL,
				     "wrong token: closing the connection");
	}
	r = json_object_new_object();
	methods = json_object_new_array();
	if (!r || !methods) {
		json_object_put(r);
		json_object_put(methods);
		return -ENOMEM;
	}
	rpc_server_each_method(srv, rpc_misc_add_name, methods);
	json_object_object_add(r, "protocol",
			       json_object_new_int(RPC_PROTOCOL_VERSION));
	json_object_object_add(r, "server", json_object_new_string("esxfsd"));
	json_object_object_add(r, "version",
			       json_object_new_string(ESXMOCK_VERSION));
	json_object_object_add(r, "methods", methods);
	json_object_object_add(
	    r, "auth",
	    json_object_new_string(rpc_server_needs_token(srv) ? "token"
							       : "none"));
	*result = r;
	return 0;
}

/* Resident and virtual size of this process from /proc/self/statm. */
static int rpc_misc_memory(uint64_t *rss, uint64_t *vm)
{
	unsigned long long size = 0, res = 0;
	long page = sysconf(_SC_PAGESIZE);
	FILE *f = fopen("/proc/self/statm", "re");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%llu %llu", &size, &res);
	fclose(f);
	if (n != 2 || page <= 0)
		return -EIO;
	*rss = res * (uint64_t)page;
	*vm = size * (uint64_t)page;
	return 0;
}

static void rpc_misc_add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

/* stats: counters of the control channel, memory, and the daemon's own. */
static int rpc_misc_stats(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	struct rpc_server *srv = rpc_req_server(req);
	const struct rpc_host *host = rpc_req_host(req);
	const struct rpc_stats *st = rpc_server_stats(srv);
	struct rpc_counter ctr[CTL_HOST_COUNTERS_MAX];
	struct json_object *r, *ctl, *mem, *daemon;
	uint64_t rss = 0, vm = 0;
	size_t n = 0, i;
	char up[32];

	(void)params;
	r = json_object_new_object();
	ctl = json_object_new_object();
	mem = json_object_new_object();
	daemon = json_object_new_object();
	if (!r || !ctl || !mem || !daemon) {
		json_object_put(r);
		json_object_put(ctl);
		json_object_put(mem);
		json_object_put(daemon);
		return -ENOMEM;
	}
	snprintf(up, sizeof(up), "%.3f", rpc_server_uptime(srv));
	json_object_object_add(
	    r, "uptime_s",
	    json_object_new_double_s(rpc_server_uptime(srv), up));
	rpc_misc_add_u64(ctl, "clients", st->clients);
	rpc_misc_add_u64(ctl, "clients_total", st->clients_total);
	rpc_misc_add_u64(ctl, "clients_dropped", st->clients_dropped);
	rpc_misc_add_u64(ctl, "clients_refused", st->clients_refused);
	rpc_misc_add_u64(ctl, "requests", st->requests);
	rpc_misc_add_u64(ctl, "errors", st->errors);
	rpc_misc_add_u64(ctl, "notifications", st->notifications);
	rpc_misc_add_u64(ctl, "bytes_in", st->bytes_in);
	rpc_misc_add_u64(ctl, "bytes_out", st->bytes_out);
	rpc_misc_add_u64(ctl, "out_queued_bytes", st->out_queued);
	rpc_misc_add_u64(ctl, "out_queued_peak_bytes", st->out_queued_peak);
	json_object_object_add(r, "control", ctl);
	if (rpc_misc_memory(&rss, &vm) == 0) {
		rpc_misc_add_u64(mem, "rss_bytes", rss);
		rpc_misc_add_u64(mem, "vm_bytes", vm);
	}
	json_object_object_add(r, "memory", mem);
	if (host->counters)
		n = host->counters(host->ctx, ctr, CTL_HOST_COUNTERS_MAX);
	for (i = 0; i < n && i < CTL_HOST_COUNTERS_MAX; i++)
		rpc_misc_add_u64(daemon, ctr[i].name, ctr[i].value);
	json_object_object_add(r, "daemon", daemon);
	*result = r;
	return 0;
}

const struct rpc_method rpc_misc_methods[] = {
    {.name = "hello",
     .fn = rpc_misc_hello,
     .flags = RPC_NOAUTH,
     .params =
	 (const struct rpc_param[]){
	     {"protocol", RPC_T_INT, false},
	     {"token", RPC_T_STRING, false},
	     {"client", RPC_T_STRING, false},
	     {NULL, 0, false},
	 }},
    {.name = "stats", .fn = rpc_misc_stats},
    {.name = NULL},
};
