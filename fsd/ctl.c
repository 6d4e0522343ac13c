/* ctl.c - control channel transport: connections (newline framing, output
 * caps, lingering and deferred close) and the ctl's life. Owns struct ctl
 * and struct ctl_conn; the sockets themselves are set up in ctl_net.c.
 *
 * Memory per connection is bounded: input by the read high watermark
 * (CTL_LINE_MAX plus the newline), output by pausing request processing
 * above CTL_OUT_PAUSE and dropping the client above CTL_OUT_MAX or when it
 * accepts no byte for stall_ms (a client that never reads).
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <utlist.h>

#include "ctl_int.h"
#include "limits_ctl.h"
#include "rpc.h"
#include "rpc_codes.h"

static const struct rpc_peer_ops ctl_peer_ops;

void ctl_logf(const struct ctl *ctl, enum ctl_log_level lv, const char *fmt,
	      ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (ctl->log)
		ctl->log(ctl->log_arg, lv, line);
	else
		fprintf(stderr, "%s%s\n", lv == CTL_LOG_WARN ? "warning: " : "",
			line);
}

/* ---- connections ----------------------------------------------------------
 */

/* The one way a connection ends: stop its I/O now, free it later. */
void ctl_conn_kill(struct ctl_conn *c, bool dropped, const char *why)
{
	struct ctl *ctl = c->ctl;

	if (c->state == CTL_DEAD)
		return;
	if (c->ctl->verbose || dropped)
		ctl_logf(ctl, dropped ? CTL_LOG_WARN : CTL_LOG_INFO,
			 "control: %s client %s: %s",
			 dropped ? "dropped" : "closed", c->name, why);
	if (dropped)
		ctl->stats->clients_dropped++;
	c->state = CTL_DEAD;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	DL_DELETE(ctl->conns, c);
	DL_APPEND(ctl->dead, c);
	event_active(ctl->reaper, 0, 0);
}

static void ctl_conn_free(struct ctl_conn *c)
{
	struct ctl *ctl = c->ctl;
	struct evbuffer *out;

	/* cancel callbacks of deferred requests and subscriptions run here,
	 * outside any callback of this connection */
	rpc_session_free(c->sess);
	out = bufferevent_get_output(c->bev);
	if (c->out_cb)
		evbuffer_remove_cb_entry(out, c->out_cb);
	ctl->stats->out_queued -= evbuffer_get_length(out);
	if (c->connected || !c->dialed) {
		ctl->stats->clients--;
		if (!c->dialed)
			ctl->n_accepted--;
	}
	if (c->dialed && ctl->dial_conn == c) {
		ctl->dial_conn = NULL;
		ctl_dial_schedule(ctl);
	}
	bufferevent_free(c->bev);
	event_free(c->resume_ev);
	free(c);
}

static void ctl_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl *ctl = arg;
	struct ctl_conn *c, *tmp;

	(void)fd;
	(void)what;
	DL_FOREACH_SAFE(ctl->dead, c, tmp)
	{
		DL_DELETE(ctl->dead, c);
		ctl_conn_free(c);
	}
}

static void ctl_conn_too_long(struct ctl_conn *c)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "request line too long (limit %d bytes)",
		 CTL_LINE_MAX);
	rpc_session_send_error(c->sess, RPC_ERR_LINE_TOO_LONG, msg);
	c->ctl->stats->clients_dropped++;
	ctl_logf(c->ctl, CTL_LOG_WARN,
		 "control: dropped client %s: request line too long", c->name);
	c->state = CTL_FLUSH;
}

/* FLUSH state: the output is written; shut down our side and wait (at
 * most CTL_LINGER_MS) for the peer to close, discarding what it sends. */
static void ctl_conn_linger(struct ctl_conn *c)
{
	struct timeval tv = {.tv_sec = CTL_LINGER_MS / 1000,
			     .tv_usec = (CTL_LINGER_MS % 1000) * 1000};
	evutil_socket_t fd = bufferevent_getfd(c->bev);

	if (c->lingering)
		return;
	if (c->eof || fd < 0) {
		ctl_conn_kill(c, false, "done");
		return;
	}
	c->lingering = true;
	shutdown(fd, SHUT_WR);
	bufferevent_set_timeouts(c->bev, &tv, NULL);
	bufferevent_enable(c->bev, EV_READ);
}

/* Feeds complete lines to the session while it can take them. */
static void ctl_conn_process(struct ctl_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer_ptr eol, from;
	size_t eol_len, avail;
	unsigned char *line;

	if (c->state == CTL_FLUSH) {
		evbuffer_drain(in, evbuffer_get_length(in));
		if (!evbuffer_get_length(out))
			ctl_conn_linger(c);
		return;
	}
	while (c->state == CTL_OPEN && !rpc_session_busy(c->sess)) {
		if (evbuffer_get_length(out) > CTL_OUT_PAUSE) {
			/* resume from the write callback at half the mark */
			c->paused_out = true;
			bufferevent_setwatermark(c->bev, EV_WRITE,
						 CTL_OUT_PAUSE / 2, 0);
			return;
		}
		avail = evbuffer_get_length(in);
		if (!avail)
			break;
		evbuffer_ptr_set(in, &from, c->scanned, EVBUFFER_PTR_SET);
		eol = evbuffer_search_eol(in, &from, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			c->scanned = avail;
			if (avail > (size_t)CTL_LINE_MAX + 1) {
				ctl_conn_too_long(c);
				break;
			}
			if (!c->eof)
				break;
			/* the last line, without its newline */
			eol.pos = (ev_ssize_t)avail;
			eol_len = 0;
		}
		if ((size_t)eol.pos > (size_t)CTL_LINE_MAX + 1) {
			ctl_conn_too_long(c);
			break;
		}
		line = evbuffer_pullup(in, eol.pos);
		if (!line && eol.pos) {
			ctl_conn_kill(c, true, "out of memory");
			return;
		}
		if (c->dialed)
			c->ctl->dial_backoff = c->ctl->backoff_min;
		rpc_session_feed(c->sess, (const char *)line, (size_t)eol.pos);
		evbuffer_drain(in, (size_t)eol.pos + eol_len);
		c->scanned = 0;
	}
	if (c->state == CTL_OPEN && c->eof && !rpc_session_busy(c->sess) &&
	    !evbuffer_get_length(in))
		c->state = CTL_FLUSH;
	if (c->state == CTL_FLUSH) {
		evbuffer_drain(in, evbuffer_get_length(in));
		if (!evbuffer_get_length(out))
			ctl_conn_linger(c);
	}
}

static void ctl_conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	ctl_conn_process(arg);
}

static void ctl_conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *c = arg;
	size_t left = evbuffer_get_length(bufferevent_get_output(bev));

	if (c->state == CTL_FLUSH && !left) {
		ctl_conn_linger(c);
		return;
	}
	if (c->paused_out && left <= CTL_OUT_PAUSE / 2) {
		c->paused_out = false;
		bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
		ctl_conn_process(c);
	}
}

static void ctl_conn_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_conn_process(arg);
}

/* True when the socket can take more bytes now. A write timeout then
 * measured our own loop's latency (a long iteration under load), not a
 * client that stopped reading: such a client has filled its socket. */
static bool ctl_conn_writable(struct bufferevent *bev)
{
	struct pollfd p = {.fd = bufferevent_getfd(bev), .events = POLLOUT};

	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) &&
	       !(p.revents & (POLLERR | POLLHUP));
}

static void ctl_conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_conn *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		c->connected = true;
		c->ctl->stats->clients++;
		c->ctl->stats->clients_total++;
		ctl_logf(c->ctl, CTL_LOG_INFO, "control: connected to %s",
			 c->name);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if (!c->lingering && (what & BEV_EVENT_WRITING) &&
		    ctl_conn_writable(bev)) {
			/* libevent disabled writing on the timeout */
			bufferevent_enable(bev, EV_WRITE);
			return;
		}
		if (c->lingering)
			ctl_conn_kill(c, false, "linger timeout");
		else
			ctl_conn_kill(c, true, "not reading its replies");
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		if (c->dialed && !c->connected)
			ctl_logf(c->ctl, CTL_LOG_WARN,
				 "control: cannot connect to %s: %s", c->name,
				 evutil_socket_error_to_string(
				     EVUTIL_SOCKET_ERROR()));
		ctl_conn_kill(c, false, "connection error");
		return;
	}
	if (what & BEV_EVENT_EOF) {
		c->eof = true;
		if (c->lingering)
			ctl_conn_kill(c, false, "done");
		else
			ctl_conn_process(c);
	}
}

/* Keeps stats->out_queued equal to the bytes queued for all clients. */
static void ctl_out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *i,
		       void *arg)
{
	struct rpc_stats *st = ((struct ctl_conn *)arg)->ctl->stats;

	(void)buf;
	st->out_queued += i->n_added;
	st->out_queued -= i->n_deleted;
	if (st->out_queued > st->out_queued_peak)
		st->out_queued_peak = st->out_queued;
}

struct ctl_conn *ctl_conn_new(struct ctl *ctl, evutil_socket_t fd, bool dialed,
			      const char *name)
{
	struct ctl_conn *c = calloc(1, sizeof(*c));
	struct timeval stall = {
	    .tv_sec = ctl->stall_ms / 1000,
	    .tv_usec = (ctl->stall_ms % 1000) * 1000,
	};

	if (!c)
		return NULL;
	c->ctl = ctl;
	c->dialed = dialed;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->bev = bufferevent_socket_new(ctl->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->resume_ev = event_new(ctl->base, -1, 0, ctl_conn_resume_cb, c);
	c->sess = rpc_session_new(ctl->rpc, &ctl_peer_ops, c);
	if (!c->bev || !c->resume_ev || !c->sess) {
		if (c->bev)
			bufferevent_free(c->bev);
		else if (fd >= 0)
			evutil_closesocket(fd);
		if (c->resume_ev)
			event_free(c->resume_ev);
		rpc_session_free(c->sess);
		free(c);
		return NULL;
	}
	bufferevent_setcb(c->bev, ctl_conn_read_cb, ctl_conn_write_cb,
			  ctl_conn_event_cb, c);
	c->out_cb =
	    evbuffer_add_cb(bufferevent_get_output(c->bev), ctl_out_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, (size_t)CTL_LINE_MAX + 2);
	bufferevent_set_timeouts(c->bev, NULL, &stall);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	DL_APPEND(ctl->conns, c);
	return c;
}

/* ---- rpc peer operations ---------------------------------------------- */

static int ctl_peer_send(void *peer, const char *line, size_t len)
{
	struct ctl_conn *c = peer;
	struct evbuffer *out;

	if (c->state == CTL_DEAD)
		return -EPIPE;
	out = bufferevent_get_output(c->bev);
	if (evbuffer_add(out, line, len) || evbuffer_add(out, "\n", 1)) {
		ctl_conn_kill(c, true, "out of memory");
		return -ENOMEM;
	}
	if (evbuffer_get_length(out) > CTL_OUT_MAX) {
		ctl_conn_kill(c, true, "output queue over its cap");
		return -EPIPE;
	}
	return 0;
}

static void ctl_peer_resume(void *peer)
{
	struct ctl_conn *c = peer;

	if (c->state != CTL_DEAD)
		event_active(c->resume_ev, 0, 0);
}

static void ctl_peer_close(void *peer)
{
	struct ctl_conn *c = peer;

	if (c->state != CTL_OPEN)
		return;
	c->state = CTL_FLUSH;
	event_active(c->resume_ev, 0, 0); /* linger once the output is out */
}

static const struct rpc_peer_ops ctl_peer_ops = {
    .send = ctl_peer_send,
    .resume = ctl_peer_resume,
    .close = ctl_peer_close,
};

/* ---- lifecycle ------------------------------------------------------------
 */

int ctl_new(struct event_base *base, struct rpc_server *rpc,
	    const struct ctl_config *cfg, struct ctl **out, char *err,
	    size_t errlen)
{
	struct ctl *ctl = calloc(1, sizeof(*ctl));
	const char *spec = cfg->listen ? cfg->listen : CTL_DEFAULT_LISTEN;
	struct sigaction sa;
	char line[160];
	int r = -ENOMEM;

	*out = NULL;
	if (!ctl) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* libevent writes with writev(): a client that reset its connection
	 * must cost an EPIPE, not the daemon (a handler already installed
	 * is kept) */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
	ctl->base = base;
	ctl->rpc = rpc;
	ctl->stats = rpc_server_stats(rpc);
	ctl->max_clients =
	    cfg->max_clients ? cfg->max_clients : CTL_CLIENTS_MAX;
	ctl->stall_ms = cfg->stall_ms ? cfg->stall_ms : CTL_STALL_MS;
	ctl->backoff_min =
	    cfg->backoff_min_ms ? cfg->backoff_min_ms : CTL_BACKOFF_MIN_MS;
	ctl->backoff_max =
	    cfg->backoff_max_ms ? cfg->backoff_max_ms : CTL_BACKOFF_MAX_MS;
	if (ctl->backoff_max < ctl->backoff_min)
		ctl->backoff_max = ctl->backoff_min;
	ctl->verbose = cfg->verbose;
	ctl->log = cfg->log;
	ctl->log_arg = cfg->log_arg;
	ctl->reaper = event_new(base, -1, 0, ctl_reap_cb, ctl);
	if (!ctl->reaper) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((r = rpc_server_set_token(rpc, cfg->token)) < 0) {
		snprintf(err, errlen, "invalid control token: %s",
			 r == -E2BIG ? "longer than 256 bytes"
				     : "out of memory");
		goto fail;
	}
	if (strcmp(spec, "none") != 0) {
		r = ctl_listen(ctl, spec, cfg->listen == NULL, err, errlen);
		if (r < 0)
			goto fail;
		snprintf(line, sizeof(line), "control: listening on %s",
			 ctl->addr);
		ctl_logf(ctl, CTL_LOG_INFO, "%s", line);
		if (cfg->control_file) {
			r = ctl_write_control_file(cfg->control_file, ctl->addr,
						   err, errlen);
			if (r < 0)
				goto fail;
			ctl->control_file = strdup(cfg->control_file);
		}
	} else if (cfg->control_file) {
		snprintf(
		    err, errlen,
		    "--control-file needs a listener (not --control none)");
		r = -EINVAL;
		goto fail;
	}
	if (cfg->connect &&
	    (r = ctl_dial_start(ctl, cfg->connect, err, errlen)) < 0)
		goto fail;
	*out = ctl;
	return 0;
fail:
	ctl_free(ctl);
	return r;
}

void ctl_free(struct ctl *ctl)
{
	struct ctl_conn *c, *tmp;
	struct evbuffer *o;

	if (!ctl)
		return;
	if (ctl->dial_timer) {
		event_free(ctl->dial_timer);
		ctl->dial_timer = NULL; /* no reconnect from ctl_conn_free */
	}
	DL_FOREACH_SAFE(ctl->conns, c, tmp)
	{
		if (c->state != CTL_DEAD) {
			rpc_session_shutdown(c->sess);
			o = bufferevent_get_output(c->bev);
			if (evbuffer_get_length(o) &&
			    bufferevent_getfd(c->bev) >= 0)
				(void)evbuffer_write(o,
						     bufferevent_getfd(c->bev));
		}
		DL_DELETE(ctl->conns, c);
		c->state = CTL_DEAD;
		ctl_conn_free(c);
	}
	DL_FOREACH_SAFE(ctl->dead, c, tmp)
	{
		DL_DELETE(ctl->dead, c);
		ctl_conn_free(c);
	}
	if (ctl->lst)
		evconnlistener_free(ctl->lst);
	if (ctl->control_file) {
		unlink(ctl->control_file);
		free(ctl->control_file);
	}
	if (ctl->reaper)
		event_free(ctl->reaper);
	if (ctl->accept_timer)
		event_free(ctl->accept_timer);
	free(ctl->dial_target);
	free(ctl);
}

int ctl_address(const struct ctl *ctl, char *buf, size_t n)
{
	if (!ctl->lst)
		return -ENOENT;
	snprintf(buf, n, "%s", ctl->addr);
	return 0;
}
