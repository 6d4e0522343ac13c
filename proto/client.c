/* client.c - blocking client of the control channel: connect, call, read
 * replies and notifications line by line. Owns struct ctlc. */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "rpc_codes.h"

struct ctlc {
	int fd;
	char *buf; /* received bytes: [off, len) not yet consumed */
	size_t off, len, cap;
	int64_t next_id;
	int timeout_ms;
	ctlc_notify_fn *notify;
	void *notify_arg;
};

static int ctlc_fail(struct ctlc_error *err, int r, int code, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));

static int ctlc_fail(struct ctlc_error *err, int r, int code, const char *fmt,
		     ...)
{
	va_list ap;

	if (!err)
		return r;
	err->code = code;
	err->errno_name[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return r;
}

const char *ctlc_default_address(void)
{
	const char *a = getenv(CTLC_ENV_ADDRESS);

	return a && *a ? a : CTLC_DEFAULT_ADDRESS;
}

static int64_t ctlc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Splits "HOST:PORT" / "[V6]:PORT". */
static int ctlc_split(const char *addr, char *host, size_t hn, char *port,
		      size_t pn)
{
	const char *colon = strrchr(addr, ':'), *h = addr;
	size_t len;

	if (!colon || !colon[1] || strlen(colon + 1) >= pn)
		return -EINVAL;
	len = (size_t)(colon - addr);
	if (len >= 2 && addr[0] == '[' && addr[len - 1] == ']') {
		h++;
		len -= 2;
	}
	if (!len || len >= hn)
		return -EINVAL;
	memcpy(host, h, len);
	host[len] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

/* Non-blocking connect with a deadline. */
static int ctlc_connect_one(const struct addrinfo *ai, int timeout_ms)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
	int fl, e = 0, one = 1;
	socklen_t el = sizeof(e);
	struct pollfd p;

	if (fd < 0)
		return -errno;
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			e = errno;
			close(fd);
			return -e;
		}
		p.fd = fd;
		p.events = POLLOUT;
		if (poll(&p, 1, timeout_ms > 0 ? timeout_ms : -1) != 1) {
			close(fd);
			return -ETIMEDOUT;
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
		if (e) {
			close(fd);
			return -e;
		}
	}
	fcntl(fd, F_SETFL, fl);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

int ctlc_connect(const char *addr, int timeout_ms, struct ctlc **out,
		 struct ctlc_error *err)
{
	char host[256], port[16];
	struct addrinfo hints, *res = NULL, *ai;
	struct ctlc *c;
	int fd = -ENOENT, r;

	*out = NULL;
	if (ctlc_split(addr, host, sizeof(host), port, sizeof(port)) < 0)
		return ctlc_fail(err, -EINVAL, 0,
				 "invalid address '%s': expected HOST:PORT",
				 addr);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(host, port, &hints, &res);
	if (r)
		return ctlc_fail(err, -EHOSTUNREACH, 0,
				 "cannot resolve '%s': %s", host,
				 gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next)
		if ((fd = ctlc_connect_one(ai, timeout_ms)) >= 0)
			break;
	freeaddrinfo(res);
	if (fd < 0)
		return ctlc_fail(err, fd, 0, "cannot connect to '%s': %s", addr,
				 strerror(-fd));
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return ctlc_fail(err, -ENOMEM, 0, "out of memory");
	}
	c->fd = fd;
	c->next_id = 1;
	c->timeout_ms = timeout_ms;
	*out = c;
	return 0;
}

void ctlc_close(struct ctlc *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

void ctlc_set_timeout(struct ctlc *c, int timeout_ms)
{
	c->timeout_ms = timeout_ms;
}

void ctlc_on_notify(struct ctlc *c, ctlc_notify_fn *fn, void *arg)
{
	c->notify = fn;
	c->notify_arg = arg;
}

int ctlc_fd(const struct ctlc *c)
{
	return c->fd;
}

static int ctlc_send_all(struct ctlc *c, const char *p, size_t n,
			 int64_t deadline, struct ctlc_error *err)
{
	struct pollfd pf = {.fd = c->fd, .events = POLLOUT};
	ssize_t w;
	int left;

	while (n) {
		w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return ctlc_fail(err, -errno, 0, "sending: %s",
					 strerror(errno));
		left = deadline ? (int)(deadline - ctlc_now_ms()) : -1;
		if (deadline && left <= 0)
			return ctlc_fail(err, -ETIMEDOUT, 0,
					 "timed out sending the request");
		if (poll(&pf, 1, left) < 0 && errno != EINTR)
			return ctlc_fail(err, -errno, 0, "poll: %s",
					 strerror(errno));
	}
	return 0;
}

/* Next line (NUL-terminated in place, without newline) into *line. */
static int ctlc_read_line(struct ctlc *c, int64_t deadline, char **line,
			  struct ctlc_error *err)
{
	struct pollfd pf = {.fd = c->fd, .events = POLLIN};
	char *nl, *nb;
	ssize_t r;
	int left, pr;

	for (;;) {
		nl = c->len > c->off
			 ? memchr(c->buf + c->off, '\n', c->len - c->off)
			 : NULL;
		if (nl) {
			*nl = '\0';
			*line = c->buf + c->off;
			c->off = (size_t)(nl - c->buf) + 1;
			return 0;
		}
		if (c->off) { /* compact */
			memmove(c->buf, c->buf + c->off, c->len - c->off);
			c->len -= c->off;
			c->off = 0;
		}
		if (c->len + 65536 + 1 > c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 131072;

			if (c->len >= CTLC_LINE_MAX)
				return ctlc_fail(err, -EPROTO, 0,
						 "reply line longer than %d "
						 "bytes",
						 CTLC_LINE_MAX);
			if (!(nb = realloc(c->buf, cap)))
				return ctlc_fail(err, -ENOMEM, 0,
						 "out of memory");
			c->buf = nb;
			c->cap = cap;
		}
		left = deadline ? (int)(deadline - ctlc_now_ms()) : -1;
		if (deadline && left <= 0)
			return ctlc_fail(err, -ETIMEDOUT, 0,
					 "timed out waiting for the server");
		pr = poll(&pf, 1, left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return ctlc_fail(err, -errno, 0, "poll: %s",
					 strerror(errno));
		if (pr == 0)
			continue; /* deadline check above */
		r = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return ctlc_fail(err, -errno, 0, "receiving: %s",
					 strerror(errno));
		if (r == 0)
			return ctlc_fail(err, -ECONNRESET, 0,
					 "the server closed the connection");
		c->len += (size_t)r;
	}
}

static struct json_object *ctlc_member(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

/* Fills err from a JSON-RPC error object; returns -EREMOTEIO. */
static int ctlc_remote_error(struct json_object *e, struct ctlc_error *err)
{
	struct json_object *data = ctlc_member(e, "data"), *en;

	if (!err)
		return -EREMOTEIO;
	err->code = json_object_get_int(ctlc_member(e, "code"));
	snprintf(err->message, sizeof(err->message), "%s",
		 json_object_get_string(ctlc_member(e, "message"))
		     ?: "error without a message");
	err->errno_name[0] = '\0';
	if (data && (en = ctlc_member(data, "errno")))
		snprintf(err->errno_name, sizeof(err->errno_name), "%s",
			 json_object_get_string(en));
	return -EREMOTEIO;
}

static struct json_object *ctlc_parse(const char *line)
{
	struct json_tokener *tok = json_tokener_new_ex(256);
	struct json_object *o;

	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, line, (int)strlen(line));
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Reads lines until the reply with id (or, id < 0, one notification). */
static int ctlc_read_reply(struct ctlc *c, int64_t id, int64_t deadline,
			   struct json_object **result, struct ctlc_error *err)
{
	struct json_object *o, *v, *rid;
	char *line = NULL;
	int r;

	for (;;) {
		if ((r = ctlc_read_line(c, deadline, &line, err)) < 0)
			return r;
		if (!*line)
			continue;
		if (!(o = ctlc_parse(line)))
			return ctlc_fail(err, -EPROTO, 0,
					 "the server sent a line that is not "
					 "a JSON object");
		if (!json_object_object_get_ex(o, "id", &rid)) {
			/* a notification */
			v = ctlc_member(o, "method");
			if (v && c->notify)
				c->notify(c->notify_arg,
					  json_object_get_string(v),
					  ctlc_member(o, "params"));
			json_object_put(o);
			if (id < 0)
				return 0;
			continue;
		}
		if ((v = ctlc_member(o, "error"))) {
			/* ours, or an id-null error (parse error, limits) */
			if (!rid || json_object_get_int64(rid) == id) {
				r = ctlc_remote_error(v, err);
				json_object_put(o);
				return r;
			}
		} else if (rid && json_object_get_int64(rid) == id &&
			   json_object_object_get_ex(o, "result", &v)) {
			if (result)
				*result = json_object_get(v);
			json_object_put(o);
			return 0;
		}
		json_object_put(o);
		return ctlc_fail(err, -EPROTO, 0,
				 "reply does not match request id %lld",
				 (long long)id);
	}
}

int ctlc_call(struct ctlc *c, const char *method, struct json_object *params,
	      struct json_object **result, struct ctlc_error *err)
{
	struct json_object *req = json_object_new_object();
	int64_t id = c->next_id++, deadline = 0;
	const char *txt;
	size_t len;
	int r;

	if (result)
		*result = NULL;
	if (!req)
		return ctlc_fail(err, -ENOMEM, 0, "out of memory");
	if (c->timeout_ms > 0)
		deadline = ctlc_now_ms() + c->timeout_ms;
	json_object_object_add(req, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(req, "id", json_object_new_int64(id));
	json_object_object_add(req, "method", json_object_new_string(method));
	if (params)
		json_object_object_add(req, "params", json_object_get(params));
	txt = json_object_to_json_string_length(
	    req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	r = txt ? ctlc_send_all(c, txt, len, deadline, err)
		: ctlc_fail(err, -ENOMEM, 0, "out of memory");
	if (!r)
		r = ctlc_send_all(c, "\n", 1, deadline, err);
	json_object_put(req);
	if (r)
		return r;
	return ctlc_read_reply(c, id, deadline, result, err);
}

int ctlc_call_json(struct ctlc *c, const char *method, const char *params_json,
		   struct json_object **result, struct ctlc_error *err)
{
	struct json_object *p = NULL;
	int r;

	if (params_json && *params_json) {
		p = ctlc_parse(params_json);
		if (!p || !json_object_is_type(p, json_type_object)) {
			json_object_put(p);
			if (result)
				*result = NULL;
			return ctlc_fail(
			    err, -EINVAL, 0,
			    "params must be a JSON object: '%.100s'",
			    params_json);
		}
	}
	r = ctlc_call(c, method, p, result, err);
	json_object_put(p);
	return r;
}

int ctlc_hello(struct ctlc *c, const char *token, struct json_object **result,
	       struct ctlc_error *err)
{
	struct json_object *p = json_object_new_object(), *res = NULL, *v;
	int r;

	if (!p)
		return ctlc_fail(err, -ENOMEM, 0, "out of memory");
	json_object_object_add(p, "protocol",
			       json_object_new_int(RPC_PROTOCOL_VERSION));
	json_object_object_add(p, "client", json_object_new_string("libctlc"));
	if (token && *token)
		json_object_object_add(p, "token",
				       json_object_new_string(token));
	r = ctlc_call(c, "hello", p, &res, err);
	json_object_put(p);
	if (r == 0 && (!(v = ctlc_member(res, "protocol")) ||
		       json_object_get_int(v) != RPC_PROTOCOL_VERSION)) {
		json_object_put(res);
		return ctlc_fail(err, -EPROTO, 0,
				 "the server does not speak protocol %d",
				 RPC_PROTOCOL_VERSION);
	}
	if (result)
		*result = res;
	else
		json_object_put(res);
	return r;
}

int ctlc_wait_notify(struct ctlc *c, int timeout_ms, struct ctlc_error *err)
{
	int64_t deadline = timeout_ms > 0 ? ctlc_now_ms() + timeout_ms : 0;

	return ctlc_read_reply(c, -1, deadline, NULL, err);
}
