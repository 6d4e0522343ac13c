/* rpc_int.h - what rpc.c and rpc_session.c share: the structures behind
 * the opaque handles of rpc.h and the reply functions. Private to them. */
#ifndef ESXMOCK_FSD_RPC_INT_H
#define ESXMOCK_FSD_RPC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "rpc.h"

#define RPC_EXTRA_TABLES 8

struct rpc_server {
	struct rpc_host host;
	char *token; /* NULL: no auth */
	size_t token_len;
	const struct rpc_method *extra[RPC_EXTRA_TABLES];
	size_t n_extra;
	struct rpc_stats stats;
	struct timespec start;
};

struct rpc_sub {
	struct rpc_session *s;
	uint64_t id;
	void (*cancel)(void *arg);
	void *arg;
	struct rpc_sub *prev, *next; /* utlist, in s->subs */
};

struct rpc_session {
	struct rpc_server *srv;
	const struct rpc_peer_ops *ops;
	void *peer;
	bool authed;
	bool in_feed;
	struct rpc_req *pending; /* deferred request awaiting its answer */
	struct rpc_sub *subs;
	uint64_t next_sub_id;
};

struct rpc_req {
	struct rpc_session *s; /* NULL once detached (client gone) */
	struct rpc_server *srv;
	const struct rpc_method *m;
	struct json_object *id; /* owned copy of the request's id */
	bool deferred, done;
	void (*cancel)(void *arg);
	void *cancel_arg;
	/* error details recorded by rpc_fail* */
	int err_code; /* 0: derived from the errno */
	char err_msg[256];
	char *err_path;
	struct json_object *err_data;
};

/* Sends one serialized object on s: 0, -E2BIG (over CTL_REPLY_MAX),
 * -ENOMEM, or what the peer's send returned. o stays the caller's. */
int rpc_send_obj(struct rpc_session *s, struct json_object *o);
/* Sends an error reply; id and data are consumed. */
int rpc_send_error(struct rpc_session *s, struct json_object *id, int code,
		   const char *message, struct json_object *data);
/* The reply of req: its recorded error (or err mapped through the errno
 * table), or result (consumed). req->s must be set. */
void rpc_reply_error(struct rpc_req *req, int err);
void rpc_reply_result(struct rpc_req *req, struct json_object *result);
void rpc_req_free(struct rpc_req *req);

#endif
