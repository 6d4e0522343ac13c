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

static void harness_log(void *arg, enum ctl_log_level lv, const char *line)
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
		fprintf(stderr, "server: %s%s\n",
			lv == CTL_LOG_WARN ? "warning: " : "", line);
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

static void harness_release(struct harness *h)
{
	ctl_free(h->ctl);
	rpc_server_free(h->rpc);
	fake_host_free(h->fh);
	if (h->stop_ev)
		event_free(h->stop_ev);
	if (h->base)
		event_base_free(h->base);
	if (h->stop_pipe[0] >= 0) {
		close(h->stop_pipe[0]);
		close(h->stop_pipe[1]);
	}
	pthread_mutex_destroy(&h->log_lock);
}

int harness_start(struct harness *h, const struct ctl_config *cfg)
{
	struct ctl_config c;
	char err[256];
	int r = -ENOMEM;

	memset(h, 0, sizeof(*h));
	h->stop_pipe[0] = h->stop_pipe[1] = -1;
	pthread_mutex_init(&h->log_lock, NULL);
	if (cfg)
		c = *cfg;
	else
		memset(&c, 0, sizeof(c));
	if (!c.listen)
		c.listen = "127.0.0.1:0";
	else if (!strcmp(c.listen, "default"))
		c.listen = NULL; /* CTL_DEFAULT_LISTEN */
	c.log = harness_log;
	c.log_arg = h;
	h->base = event_base_new();
	if (!h->base || !(h->fh = fake_host_new(h->base)) ||
	    !(h->rpc = rpc_server_new(&h->fh->host)) || pipe(h->stop_pipe))
		goto fail;
	if ((r = rpc_server_add_methods(h->rpc, fake_host_methods)) < 0)
		goto fail;
	r = ctl_new(h->base, h->rpc, &c, &h->ctl, err, sizeof(err));
	if (r < 0) {
		char line[300];

		snprintf(line, sizeof(line), "error: %s", err);
		harness_log(h, CTL_LOG_WARN, line);
		goto fail;
	}
	if (!c.listen || strcmp(c.listen, "none"))
		ctl_address(h->ctl, h->addr, sizeof(h->addr));
	r = -ENOMEM;
	h->stop_ev =
	    event_new(h->base, h->stop_pipe[0], EV_READ, harness_stop_cb, h);
	if (!h->stop_ev || event_add(h->stop_ev, NULL))
		goto fail;
	if (pthread_create(&h->th, NULL, harness_main, h)) {
		r = -EAGAIN;
		goto fail;
	}
	return 0;
fail:
	harness_release(h);
	return r;
}

void harness_stop(struct harness *h)
{
	ssize_t w = write(h->stop_pipe[1], "x", 1);

	(void)w;
	pthread_join(h->th, NULL);
	harness_release(h);
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

struct json_object *harness_call(int fd, const char *line)
{
	char *r = harness_rpc(fd, line);
	struct json_tokener *tok;
	struct json_object *o;

	if (!r)
		return NULL;
	tok = json_tokener_new_ex(200);
	o = json_tokener_parse_ex(tok, r, -1);
	json_tokener_free(tok);
	free(r);
	return o;
}

struct json_object *harness_get(struct json_object *o, const char *path)
{
	char buf[128], *tok, *save = NULL;
	struct json_object *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && v;
	     tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(v, tok, &v))
			return NULL;
	return v;
}

long long harness_int(struct json_object *o, const char *path)
{
	struct json_object *v = harness_get(o, path);

	return v ? (long long)json_object_get_int64(v) : -999999;
}

const char *harness_str(struct json_object *o, const char *path)
{
	struct json_object *v = harness_get(o, path);

	return v ? json_object_get_string(v) : "";
}

long long harness_stat(const struct harness *h, const char *path)
{
	char full[128];
	int fd = harness_connect(h->addr);
	struct json_object *o;
	long long v;

	if (fd < 0)
		return -1;
	o = harness_call(fd, "{\"jsonrpc\":\"2.0\",\"id\":1,"
			     "\"method\":\"stats\"}");
	close(fd);
	snprintf(full, sizeof(full), "result.%s", path);
	v = harness_int(o, full);
	json_object_put(o);
	return v;
}

long long harness_wait_stat(const struct harness *h, const char *path,
			    long long want)
{
	long long v = -1;
	int i;

	for (i = 0; i < 600; i++) {
		v = harness_stat(h, path);
		if (v >= want)
			break;
		usleep(100 * 1000);
	}
	return v;
}

long long harness_rss(void)
{
	unsigned long long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%llu %llu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (long long)res * sysconf(_SC_PAGESIZE);
}
