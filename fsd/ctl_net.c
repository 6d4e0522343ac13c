/* ctl_net.c - the control channel's sockets: address parsing, the
 * listener (client cap, accept back-off, the control file), the dial-out
 * with its back-off, and the command-line options.
 * Owns nothing of its own: it fills struct ctl (ctl_int.h). */
#include "ctl.h"
#include "ctl_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "limits_ctl.h"
#include "rpc.h"
#include "rpc_codes.h"

/* ---- addresses ---------------------------------------------------------- */

/* "HOST:PORT" / "[V6]:PORT" -> sockaddr. Numeric addresses first; names go
 * through getaddrinfo (blocking: at startup, or per dial-out attempt). */
int ctl_resolve(const char *hostport, struct sockaddr_storage *ss, int *sslen,
		char *err, size_t errlen)
{
	char host[256], *colon;
	struct addrinfo hints, *ai = NULL;
	const char *port;
	size_t hlen;
	int r;

	*sslen = (int)sizeof(*ss);
	memset(ss, 0, sizeof(*ss));
	if (evutil_parse_sockaddr_port(hostport, (struct sockaddr *)ss,
				       sslen) == 0)
		return 0;
	colon = strrchr(hostport, ':');
	if (!colon || colon == hostport || !colon[1]) {
		snprintf(err, errlen,
			 "invalid address '%s': expected HOST:PORT", hostport);
		return -EINVAL;
	}
	hlen = (size_t)(colon - hostport);
	if (hlen >= sizeof(host)) {
		snprintf(err, errlen, "invalid address '%s': host too long",
			 hostport);
		return -EINVAL;
	}
	memcpy(host, hostport, hlen);
	host[hlen] = '\0';
	port = colon + 1;
	if (strspn(port, "0123456789") != strlen(port) || atoi(port) > 65535) {
		snprintf(err, errlen, "invalid port '%s' in '%s'", port,
			 hostport);
		return -EINVAL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(host, port, &hints, &ai);
	if (r || !ai) {
		snprintf(err, errlen, "cannot resolve '%s': %s", host,
			 gai_strerror(r));
		return -EHOSTUNREACH;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = (int)ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

void ctl_format_addr(const struct sockaddr *sa, char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		evutil_inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, n, "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		evutil_inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(buf, n, "%s:%u", ip, ntohs(s4->sin_port));
	} else {
		snprintf(buf, n, "?");
	}
}

/* ---- listener ---------------------------------------------------------- */

void ctl_nodelay(evutil_socket_t fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void ctl_refuse(struct ctl *ctl, evutil_socket_t fd)
{
	char line[256];
	size_t len;
	ssize_t w;

	ctl->stats->clients_refused++;
	snprintf(line, sizeof(line), "too many clients (limit %u)",
		 ctl->max_clients);
	if (rpc_error_line(RPC_ERR_TOO_MANY_CLIENTS, line, line,
			   sizeof(line) - 1) == 0) {
		len = strlen(line);
		line[len++] = '\n';
		/* a fresh socket's buffer takes this short line at once */
		w = send(fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		(void)w;
	}
	/* best effort against a RST eating the line: FIN first, and drop
	 * what the client already sent */
	shutdown(fd, SHUT_WR);
	while (recv(fd, line, sizeof(line), MSG_DONTWAIT) > 0)
		;
	evutil_closesocket(fd);
}

static void ctl_accept_cb(struct evconnlistener *lst, evutil_socket_t fd,
			  struct sockaddr *sa, int salen, void *arg)
{
	struct ctl *ctl = arg;
	struct ctl_conn *c;
	char name[64];

	(void)lst;
	(void)salen;
	if (ctl->n_accepted >= ctl->max_clients) {
		ctl_refuse(ctl, fd);
		return;
	}
	ctl_nodelay(fd);
	ctl_format_addr(sa, name, sizeof(name));
	c = ctl_conn_new(ctl, fd, false, name);
	if (!c)
		return;
	ctl->n_accepted++;
	ctl->stats->clients++;
	ctl->stats->clients_total++;
	if (ctl->verbose)
		ctl_logf(ctl, CTL_LOG_INFO, "control: client %s connected",
			 name);
}

static void ctl_accept_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl *ctl = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(ctl->lst);
}

static void ctl_accept_error_cb(struct evconnlistener *lst, void *arg)
{
	struct ctl *ctl = arg;
	int e = EVUTIL_SOCKET_ERROR();
	struct timeval tv = {
	    .tv_sec = CTL_ACCEPT_PAUSE_MS / 1000,
	    .tv_usec = (CTL_ACCEPT_PAUSE_MS % 1000) * 1000,
	};

	/* EMFILE/ENFILE/ENOBUFS: stop accepting for a moment rather than
	 * spinning on a readable listening socket */
	ctl_logf(ctl, CTL_LOG_WARN,
		 "control: accept failed: %s (pausing %d ms)",
		 evutil_socket_error_to_string(e), CTL_ACCEPT_PAUSE_MS);
	evconnlistener_disable(lst);
	evtimer_add(ctl->accept_timer, &tv);
}

int ctl_write_control_file(const char *path, const char *addr, char *err,
			   size_t errlen)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32);
	int fd, r = 0;
	FILE *f;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "cannot write control file '%s': %s", tmp,
			 strerror(-r));
		free(tmp);
		return r;
	}
	fprintf(f, "%s\n", addr);
	if (fflush(f) || fsync(fd) || fclose(f)) {
		r = -errno;
		snprintf(err, errlen, "cannot write control file '%s': %s", tmp,
			 strerror(-r));
		unlink(tmp);
		free(tmp);
		return r;
	}
	if (rename(tmp, path)) {
		r = -errno;
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp,
			 path, strerror(-r));
		unlink(tmp);
	}
	free(tmp);
	return r;
}

int ctl_listen(struct ctl *ctl, const char *spec, bool fallback, char *err,
	       size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int sslen, r;

	if ((r = ctl_resolve(spec, &ss, &sslen, err, errlen)) < 0)
		return r;
	ctl->lst = evconnlistener_new_bind(
	    ctl->base, ctl_accept_cb, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    511, (struct sockaddr *)&ss, sslen);
	if (!ctl->lst && fallback && errno == EADDRINUSE) {
		ctl_logf(ctl, CTL_LOG_WARN,
			 "control: default address '%s' is in use, "
			 "listening on a free port instead",
			 spec);
		if (ss.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&ss)->sin6_port = 0;
		else
			((struct sockaddr_in *)&ss)->sin_port = 0;
		ctl->lst = evconnlistener_new_bind(
		    ctl->base, ctl_accept_cb, ctl,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
			LEV_OPT_CLOSE_ON_EXEC,
		    511, (struct sockaddr *)&ss, sslen);
	}
	if (!ctl->lst) {
		r = -errno;
		snprintf(err, errlen, "cannot listen on '%s': %s", spec,
			 strerror(errno));
		return r ? r : -EIO;
	}
	evconnlistener_set_error_cb(ctl->lst, ctl_accept_error_cb);
	ctl->accept_timer = evtimer_new(ctl->base, ctl_accept_resume_cb, ctl);
	if (!ctl->accept_timer) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sl = sizeof(ss);
	if (getsockname(evconnlistener_get_fd(ctl->lst), (struct sockaddr *)&ss,
			&sl) == 0)
		ctl_format_addr((struct sockaddr *)&ss, ctl->addr,
				sizeof(ctl->addr));
	return 0;
}

/* ---- dial-out ------------------------------------------------------------ */

static void ctl_dial_now(struct ctl *ctl)
{
	struct sockaddr_storage ss;
	struct ctl_conn *c;
	char err[256];
	int sslen;

	if (ctl_resolve(ctl->dial_target, &ss, &sslen, err, sizeof(err)) < 0) {
		ctl_logf(ctl, CTL_LOG_WARN, "control: %s", err);
		ctl_dial_schedule(ctl);
		return;
	}
	c = ctl_conn_new(ctl, -1, true, ctl->dial_target);
	if (!c) {
		ctl_dial_schedule(ctl);
		return;
	}
	ctl->dial_conn = c;
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&ss, sslen)) {
		/* an immediate failure: the event callback is not called */
		ctl_conn_kill(c, false, "connect failed");
		return;
	}
	ctl_nodelay(bufferevent_getfd(c->bev));
}

static void ctl_dial_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_dial_now(arg);
}

/* Next attempt after the current back-off, which then doubles. */
void ctl_dial_schedule(struct ctl *ctl)
{
	unsigned ms = ctl->dial_backoff;
	struct timeval tv = {.tv_sec = ms / 1000,
			     .tv_usec = (ms % 1000) * 1000};

	if (!ctl->dial_timer)
		return; /* shutting down */
	ctl->dial_backoff =
	    ms >= ctl->backoff_max / 2 ? ctl->backoff_max : ms * 2;
	if (ctl->verbose)
		ctl_logf(ctl, CTL_LOG_INFO,
			 "control: reconnecting to %s in %u ms",
			 ctl->dial_target, ms);
	evtimer_add(ctl->dial_timer, &tv);
}

int ctl_dial_start(struct ctl *ctl, const char *target, char *err,
		   size_t errlen)
{
	struct sockaddr_storage ss;
	int sslen;

	/* check the syntax now; names are resolved at each attempt */
	if (!strrchr(target, ':'))
		return ctl_resolve(target, &ss, &sslen, err, errlen);
	ctl->dial_target = strdup(target);
	ctl->dial_timer = evtimer_new(ctl->base, ctl_dial_cb, ctl);
	if (!ctl->dial_target || !ctl->dial_timer) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ctl->dial_backoff = ctl->backoff_min;
	ctl_dial_now(ctl);
	return 0;
}

/* ---- options ------------------------------------------------------------ */

void ctl_config_init(struct ctl_config *cfg)
{
	const char *t = getenv(CTL_ENV_TOKEN);

	memset(cfg, 0, sizeof(*cfg));
	if (t && *t)
		cfg->token = t;
}

static const struct ctl_opt {
	const char *name;
	size_t off;
	const char *help;
} ctl_opts[] = {
    {"--control", offsetof(struct ctl_config, listen),
     "ADDR:PORT|none  control channel listener (default " CTL_DEFAULT_LISTEN
     "; port 0: any free port)"},
    {"--control-file", offsetof(struct ctl_config, control_file),
     "PATH       write the listener's HOST:PORT there"},
    {"--control-token", offsetof(struct ctl_config, token),
     "TOKEN     require hello {token} first (or " CTL_ENV_TOKEN ")"},
    {"--control-connect", offsetof(struct ctl_config, connect),
     "HOST:PORT  also dial out to a controller, reconnecting"},
};

int ctl_take_args(struct ctl_config *cfg, int *argc, char **argv, char *err,
		  size_t errlen)
{
	int i, o = 0, n = *argc;
	size_t k, nl;

	for (i = 0; i < n; i++) {
		const char *a = argv[i], *val = NULL;

		for (k = 0; k < sizeof(ctl_opts) / sizeof(ctl_opts[0]); k++) {
			nl = strlen(ctl_opts[k].name);
			if (strncmp(a, ctl_opts[k].name, nl))
				continue;
			if (a[nl] == '=')
				val = a + nl + 1;
			else if (a[nl] == '\0' && i + 1 < n)
				val = argv[++i];
			else if (a[nl] == '\0') {
				snprintf(err, errlen,
					 "option '%s' needs a value", a);
				return -EINVAL;
			} else
				continue;
			*(const char **)((char *)cfg + ctl_opts[k].off) = val;
			break;
		}
		if (!val)
			argv[o++] = argv[i];
	}
	if (o < n)
		argv[o] = NULL;
	*argc = o;
	return 0;
}

void ctl_usage(FILE *f)
{
	size_t k;

	for (k = 0; k < sizeof(ctl_opts) / sizeof(ctl_opts[0]); k++)
		fprintf(f, "    %s %s\n", ctl_opts[k].name, ctl_opts[k].help);
}
