/* fuzz_rpc_line.c - libFuzzer target: NDJSON request lines through an rpc
 * session of a server with the fake daemon (every method, deferred replies,
 * notifications, a token). Each reply must be one JSON object line.
 * Owns the fuzzer's process-wide server (created once, reused). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "fake_host.h"
#include "limits_ctl.h"
#include "rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_srv {
	struct event_base *base;
	struct fake_host *fh;
	struct rpc_server *open, *locked; /* without and with a token */
};

/* Every line the server sends must be a JSON-RPC 2.0 object. */
static int fuzz_send(void *peer, const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(CTL_JSON_DEPTH + 8);
	struct json_object *o, *v;

	(void)peer;
	if (memchr(line, '\n', len))
		abort();
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "jsonrpc", &v) ||
	    strcmp(json_object_get_string(v), "2.0") ||
	    (!json_object_object_get_ex(o, "result", NULL) &&
	     !json_object_object_get_ex(o, "error", NULL) &&
	     !json_object_object_get_ex(o, "method", NULL)))
		abort();
	json_object_put(o);
	json_tokener_free(tok);
	return 0;
}

static void fuzz_resume(void *peer)
{
	(void)peer;
}

static void fuzz_close(void *peer)
{
	(void)peer;
}

static const struct rpc_peer_ops fuzz_ops = {fuzz_send, fuzz_resume,
					     fuzz_close};

static struct fuzz_srv *fuzz_init(void)
{
	static struct fuzz_srv s;

	if (s.base)
		return &s;
	s.base = event_base_new();
	s.fh = fake_host_new(s.base);
	s.open = rpc_server_new(&s.fh->host);
	s.locked = rpc_server_new(&s.fh->host);
	if (!s.base || !s.fh || !s.open || !s.locked ||
	    rpc_server_add_methods(s.open, fake_host_methods) ||
	    rpc_server_add_methods(s.locked, fake_host_methods) ||
	    rpc_server_set_token(s.locked, "tok"))
		abort();
	return &s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_srv *s = fuzz_init();
	struct rpc_session *sess;
	const char *p = (const char *)data, *end = p + size, *nl;
	int busy = 0;

	/* a leading 'T' selects the server with a token */
	sess = rpc_session_new(size && data[0] == 'T' ? s->locked : s->open,
			       &fuzz_ops, NULL);
	if (!sess)
		abort();
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (rpc_session_busy(sess)) {
			/* let timers run: short sleeps complete, others
			 * stay pending until the session is freed */
			event_base_loop(s->base, EVLOOP_NONBLOCK);
			busy++;
		}
		if (!rpc_session_busy(sess))
			rpc_session_feed(sess, p, (size_t)(nl - p));
		p = nl + 1;
	}
	event_base_loop(s->base, EVLOOP_NONBLOCK);
	rpc_session_free(sess); /* cancels what is pending */
	if (s->fh->live)
		abort(); /* a deferred request or stream outlived its session */
	(void)busy;
	return 0;
}
