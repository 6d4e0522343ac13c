/* harness.c - the control server on a thread of its own, for tests.
 * Owns the server thread's lifetime: created and freed from the test's
 * thread only while the server thread is not running. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/util.h>

static void harness_log(void *arg, const char *line)
{
	struct harness *h = arg;
	size_t n = strlen(line);

	pthread_mutex_lock(&h->log_lock);
	if (h->log_len + n + 2 < sizeof(h->log)) {
		memcpy(h->log + h->log_len, line, n);
		h->log_len += n;
		h->log[h->log_len++] = '\n';
		h->log[h->log_len] = '\0';
	}
	pthread_mutex_unlock(&h->log_lock);
	if (getenv("HARNESS_VERBOSE"))
		fprintf(stderr, "server: %s\n", line);
}

static void harness_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct harness *h = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(h->base);
}

static void *harness_main(void *arg)
{
	struct harness *h = arg;

	event_base_dispatch(h->base);
	return NULL;
}

int harness_start(struct harness *h, const struct ctl_config *cfg)
{
	struct ctl_config c;
	char err[256];
	int r;

	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->log_lock, NULL);
	if (cfg)
		c = *cfg;
	else
		memset(&c, 0, sizeof(c));
	if (!c.listen)
		c.listen = "127.0.0.1:0";
	c.log = harness_log;
	c.log_arg = h;
	h->base = event_base_new();
	h->fh = fake_host_new(h->base);
	h->rpc = rpc_server_new(&h->fh->host);
	if (!h->base || !h->fh || !h->rpc || pipe(h->stop_pipe))
		return -ENOMEM;
	if ((r = rpc_server_add_methods(h->rpc, fake_host_methods)) < 0)
		return r;
	r = ctl_new(h->base, h->rpc, &c, &h->ctl, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "harness: %s\n", err);
		return r;
	}
	if (strcmp(c.listen, "none"))
		ctl_address(h->ctl, h->addr, sizeof(h->addr));
	h->stop_ev =
	    event_new(h->base, h->stop_pipe[0], EV_READ, harness_stop_cb, h);
	event_add(h->stop_ev, NULL);
	if (pthread_create(&h->th, NULL, harness_main, h))
		return -EAGAIN;
	return 0;
}

void harness_stop(struct harness *h)
{
	ssize_t w = write(h->stop_pipe[1], "x", 1);

	(void)w;
	pthread_join(h->th, NULL);
	ctl_free(h->ctl);
	rpc_server_free(h->rpc);
	fake_host_free(h->fh);
	event_free(h->stop_ev);
	event_base_free(h->base);
	close(h->stop_pipe[0]);
	close(h->stop_pipe[1]);
	pthread_mutex_destroy(&h->log_lock);
}

int harness_connect(const char *addr)
{
	struct sockaddr_storage ss;
	int sl = sizeof(ss), fd, one = 1;
	struct timeval tv = {.tv_sec = 30};

	if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss, &sl))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)sl)) {
		close(fd);
		return -1;
	}
	return fd;
}

int harness_send(int fd, const char *buf, size_t len)
{
	ssize_t w;

	while (len) {
		w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

char *harness_readline(int fd)
{
	size_t cap = 65536, len = 0, take;
	char *buf = malloc(cap), *nb, *nl;
	ssize_t r;

	/* peek, then consume up to the newline: never reads past the line */
	while (buf) {
		if (cap - len < 65536) {
			nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			if (!(buf = nb))
				return NULL;
		}
		r = recv(fd, buf + len, 65536, MSG_PEEK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		nl = memchr(buf + len, '\n', (size_t)r);
		take = nl ? (size_t)(nl - (buf + len)) + 1 : (size_t)r;
		r = recv(fd, buf + len, take, 0);
		if (r != (ssize_t)take)
			break;
		len += take;
		if (nl) {
			buf[len - 1] = '\0';
			return buf;
		}
	}
	free(buf);
	return NULL;
}

char *harness_rpc(int fd, const char *line)
{
	if (harness_send(fd, line, strlen(line)) || harness_send(fd, "\n", 1))
		return NULL;
	return harness_readline(fd);
}

void harness_nofile(unsigned n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur >= n)
		return;
	rl.rlim_cur = n < rl.rlim_max ? n : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}
