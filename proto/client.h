/* client.h - a small blocking C client for the esxmock control channel
 * (newline-delimited JSON-RPC 2.0 over TCP, see proto/PROTOCOL.md).
 * Owns struct ctlc: one connection, one request in flight at a time.
 *
 * Typical use:
 *
 *	struct ctlc *c;
 *	struct ctlc_error err;
 *	struct json_object *res;
 *
 *	if (ctlc_connect(ctlc_default_address(), 5000, &c, &err) < 0 ||
 *	    ctlc_hello(c, getenv("ESXMOCK_TOKEN"), NULL, &err) < 0)
 *		die("%s", err.message);
 *	if (ctlc_call_json(c, "files.get", "{\"path\":\"/etc/motd\"}", &res,
 *			   &err) == 0) {
 *		puts(json_object_get_string(
 *		    json_object_object_get(res, "data")));
 *		json_object_put(res);
 *	}
 *	ctlc_close(c);
 *
 * Every function returning int returns 0 or a negative errno:
 *   -EREMOTEIO  the server answered with an error: err->code, err->message
 *               and err->errno_name ("ENOENT", or "" when none) say which;
 *   -ETIMEDOUT  no answer within the timeout (the connection is then in an
 *               unknown state: close it);
 *   -ECONNRESET / -EPIPE  the connection is gone;
 *   -EPROTO     the server sent something that is not a valid reply;
 *   other       connect errors (-ECONNREFUSED...), -ENOMEM, -EINVAL.
 * err (may be NULL) always gets a one-line message, lowercase, naming what
 * failed. Notifications that arrive while waiting for a reply go to the
 * callback set with ctlc_on_notify (dropped when none is set).
 */
#ifndef ESXMOCK_CLIENT_H
#define ESXMOCK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;
struct ctlc;

#define CTLC_DEFAULT_ADDRESS "127.0.0.1:7744"
#define CTLC_ENV_ADDRESS "ESXMOCK_CONTROL" /* HOST:PORT */
#define CTLC_ENV_TOKEN "ESXMOCK_TOKEN"
/* Longest reply line accepted (the server's own cap is 8 MiB). */
#define CTLC_LINE_MAX (64 * 1024 * 1024)

struct ctlc_error {
	int code;            /* JSON-RPC error code, 0 for local errors */
	char errno_name[32]; /* error.data.errno, or "" */
	char message[512];
};

/* A notification: method and params (borrowed for the call's duration). */
typedef void ctlc_notify_fn(void *arg, const char *method,
			    struct json_object *params);

/* $ESXMOCK_CONTROL, or CTLC_DEFAULT_ADDRESS. */
const char *ctlc_default_address(void);

/* Connects to "HOST:PORT" ("[::1]:7744" for IPv6; names are resolved),
 * waiting at most timeout_ms (<= 0: the system's timeout). The same
 * timeout applies to each call until ctlc_set_timeout. */
int ctlc_connect(const char *addr, int timeout_ms, struct ctlc **out,
		 struct ctlc_error *err);
void ctlc_close(struct ctlc *c);

/* Per-call timeout in milliseconds; <= 0 waits forever. */
void ctlc_set_timeout(struct ctlc *c, int timeout_ms);
void ctlc_on_notify(struct ctlc *c, ctlc_notify_fn *fn, void *arg);
/* The socket, for callers that poll() it themselves. */
int ctlc_fd(const struct ctlc *c);

/* Calls method with params (an object, borrowed; NULL for none). On
 * success *result (when result is not NULL) is the "result" member, owned
 * by the caller (json_object_put); it may be NULL for a JSON null. */
int ctlc_call(struct ctlc *c, const char *method, struct json_object *params,
	      struct json_object **result, struct ctlc_error *err);

/* Same, params given as JSON text (NULL or "" for none). */
int ctlc_call_json(struct ctlc *c, const char *method, const char *params_json,
		   struct json_object **result, struct ctlc_error *err);

/* hello, with token when not NULL/empty; checks the protocol version. */
int ctlc_hello(struct ctlc *c, const char *token, struct json_object **result,
	       struct ctlc_error *err);

/* Waits up to timeout_ms (<= 0: forever) for one notification and hands it
 * to the callback. 0, -ETIMEDOUT, or a connection error. */
int ctlc_wait_notify(struct ctlc *c, int timeout_ms, struct ctlc_error *err);

#endif
