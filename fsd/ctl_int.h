/* ctl_int.h - what ctl.c (connections, lifecycle) and ctl_net.c (sockets,
 * listener, dial-out, options) share: struct ctl and struct ctl_conn.
 * Private to them. */
#ifndef ESXMOCK_FSD_CTL_INT_H
#define ESXMOCK_FSD_CTL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include <event2/util.h>

#include "ctl.h"

struct bufferevent;
struct evbuffer_cb_entry;
struct evconnlistener;
struct event;
struct rpc_session;
struct rpc_stats;

enum ctl_conn_state {
	CTL_OPEN,  /* reading and answering */
	CTL_FLUSH, /* no more requests: input discarded; once the output is
		      written, shut down our side and linger until the
		      peer closes (so the last line is not lost to a RST) */
	CTL_DEAD,  /* closed: freed by the reaper */
};

struct ctl_conn {
	struct ctl *ctl;
	struct bufferevent *bev;
	struct rpc_session *sess;
	struct event *resume_ev; /* re-runs ctl_conn_process from the loop */
	enum ctl_conn_state state;
	bool dialed;     /* made by the dial-out, not accepted */
	bool paused_out; /* output over CTL_OUT_PAUSE: requests wait */
	bool eof;        /* the peer sent its last byte */
	bool connected;  /* dial-out: connect() completed */
	bool lingering;  /* FLUSH done: our side shut down */
	struct evbuffer_cb_entry *out_cb; /* output accounting */
	size_t scanned; /* input bytes already searched for a newline */
	char name[64];  /* peer address, for messages */
	struct ctl_conn *prev, *next;
};

struct ctl {
	struct event_base *base;
	struct rpc_server *rpc;
	struct rpc_stats *stats;
	struct evconnlistener *lst;
	struct event *accept_timer; /* re-enables the listener after EMFILE */
	struct event *reaper;       /* frees CTL_DEAD connections */
	struct ctl_conn *conns;     /* live connections */
	struct ctl_conn *dead;      /* closed, awaiting the reaper */
	unsigned n_accepted;        /* live accepted connections */
	unsigned max_clients, stall_ms, backoff_min, backoff_max;
	bool verbose;
	void (*log)(void *arg, enum ctl_log_level level, const char *line);
	void *log_arg;
	char addr[80];      /* listener "HOST:PORT" */
	char *control_file; /* owned copy, removed at ctl_free */
	/* dial-out */
	char *dial_target;
	struct event *dial_timer;
	unsigned dial_backoff;
	struct ctl_conn *dial_conn;
};

/* ctl.c */
void ctl_logf(const struct ctl *ctl, enum ctl_log_level lv, const char *fmt,
	      ...) __attribute__((format(printf, 3, 4)));
/* A connection on fd (-1 for a dial-out not connected yet); NULL on
 * ENOMEM (fd closed). */
struct ctl_conn *ctl_conn_new(struct ctl *ctl, evutil_socket_t fd, bool dialed,
			      const char *name);
/* The one way a connection ends: its I/O stops now, it is freed from the
 * reaper event (rpc cancel callbacks run there). dropped: by a limit. */
void ctl_conn_kill(struct ctl_conn *c, bool dropped, const char *why);

/* ctl_net.c */
int ctl_resolve(const char *hostport, struct sockaddr_storage *ss, int *sslen,
		char *err, size_t errlen);
void ctl_format_addr(const struct sockaddr *sa, char *buf, size_t n);
void ctl_nodelay(evutil_socket_t fd);
/* Binds and listens (fallback: the default address may move to a free
 * port), fills ctl->addr. 0 or a negative errno with err. */
int ctl_listen(struct ctl *ctl, const char *spec, bool fallback, char *err,
	       size_t errlen);
int ctl_write_control_file(const char *path, const char *addr, char *err,
			   size_t errlen);
/* Dials target now, and again after each failure or close. */
int ctl_dial_start(struct ctl *ctl, const char *target, char *err,
		   size_t errlen);
/* The next dial-out attempt after the current back-off, which doubles. */
void ctl_dial_schedule(struct ctl *ctl);

#endif
