/* bench-ctl.c - control channel benchmark (not a test): request round-trip
 * latency (p50, p99) and requests/s on loopback, pipelined throughput, and
 * notifications/s, each next to a plain TCP line-echo baseline measured in
 * the same run. Owns nothing beyond main().
 *
 * usage: bench-ctl [-n REQUESTS] [--connect HOST:PORT]
 * Without --connect the server runs in-process on its own thread (the real
 * ctl + rpc code, the tests' fake daemon); with it, a running esxfsd is
 * measured (the notification figure then needs the fake daemon's
 * test.ticker and is skipped). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/util.h>

#include "harness.h"

struct conn {
	int fd;
	char buf[1 << 16];
	size_t off, len;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int dial(const char *addr)
{
	struct sockaddr_storage ss;
	int sl = sizeof(ss), fd, one = 1;

	if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss, &sl))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)sl)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one line; returns its length (without newline) or -1. */
static ssize_t read_line(struct conn *c)
{
	char *nl;
	ssize_t r;
	size_t len;

	for (;;) {
		nl = memchr(c->buf + c->off, '\n', c->len - c->off);
		if (nl) {
			len = (size_t)(nl - (c->buf + c->off));
			c->off += len + 1;
			return (ssize_t)len;
		}
		if (c->off == c->len) {
			c->off = c->len = 0;
		} else if (c->len == sizeof(c->buf)) {
			memmove(c->buf, c->buf + c->off, c->len - c->off);
			c->len -= c->off;
			c->off = 0;
		}
		r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (r <= 0)
			return -1;
		c->len += (size_t)r;
	}
}

/* ---- the baseline: a blocking line echo on loopback ------------------- */

struct echo {
	int lfd;
	char addr[64];
	pthread_t th;
};

static void *echo_main(void *arg)
{
	struct echo *e = arg;
	struct conn *c = calloc(1, sizeof(*c));
	int one = 1;
	ssize_t n;

	while ((c->fd = accept(e->lfd, NULL, NULL)) >= 0) {
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->off = c->len = 0;
		while ((n = read_line(c)) >= 0) {
			/* the line is still in the buffer, before c->off */
			if (send_all(c->fd, c->buf + c->off - (size_t)n - 1,
				     (size_t)n + 1))
				break;
		}
		close(c->fd);
	}
	free(c);
	return NULL;
}

static int echo_start(struct echo *e)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);

	e->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(e->lfd, (struct sockaddr *)&sa, sl) || listen(e->lfd, 8) ||
	    getsockname(e->lfd, (struct sockaddr *)&sa, &sl))
		return -1;
	snprintf(e->addr, sizeof(e->addr), "127.0.0.1:%u", ntohs(sa.sin_port));
	return pthread_create(&e->th, NULL, echo_main, e);
}

static void echo_stop(struct echo *e)
{
	shutdown(e->lfd, SHUT_RDWR);
	close(e->lfd);
	pthread_join(e->th, NULL);
}

/* ---- measurements --------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct lat {
	double p50, p99, per_s;
};

/* n sequential round trips of line on a fresh connection. */
static int round_trips(const char *addr, const char *line, int n,
		       struct lat *out)
{
	struct conn *c = calloc(1, sizeof(*c));
	double *t = calloc((size_t)n, sizeof(double)), t0, all;
	size_t len = strlen(line);
	int i;

	if (!c || !t || (c->fd = dial(addr)) < 0)
		return -1;
	for (i = 0; i < n / 10; i++) /* warm up */
		if (send_all(c->fd, line, len) || read_line(c) < 0)
			return -1;
	all = now_us();
	for (i = 0; i < n; i++) {
		t0 = now_us();
		if (send_all(c->fd, line, len) || read_line(c) < 0)
			return -1;
		t[i] = now_us() - t0;
	}
	all = now_us() - all;
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	out->p50 = t[n / 2];
	out->p99 = t[(size_t)n * 99 / 100];
	out->per_s = n / (all / 1e6);
	close(c->fd);
	free(c);
	free(t);
	return 0;
}

/* n requests pipelined in batches of batch: lines/s. */
static double pipelined(const char *addr, const char *line, int n, int batch)
{
	struct conn *c = calloc(1, sizeof(*c));
	size_t len = strlen(line);
	char *burst = malloc(len * (size_t)batch);
	double t0;
	int i, k;

	if (!c || !burst || (c->fd = dial(addr)) < 0)
		return -1;
	for (k = 0; k < batch; k++)
		memcpy(burst + len * (size_t)k, line, len);
	t0 = now_us();
	for (i = 0; i < n; i += batch) {
		if (send_all(c->fd, burst, len * (size_t)batch))
			return -1;
		for (k = 0; k < batch; k++)
			if (read_line(c) < 0)
				return -1;
	}
	t0 = now_us() - t0;
	close(c->fd);
	free(c);
	free(burst);
	return (double)(n / batch * batch) / (t0 / 1e6);
}

/* Notifications of one test.ticker stream: lines/s. */
static double notifications(const char *addr, int n)
{
	struct conn *c = calloc(1, sizeof(*c));
	char req[160];
	double t0;
	int i;

	if (!c || (c->fd = dial(addr)) < 0)
		return -1;
	snprintf(req, sizeof(req),
		 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.ticker\","
		 "\"params\":{\"count\":%d}}\n",
		 n);
	t0 = now_us();
	if (send_all(c->fd, req, strlen(req)))
		return -1;
	for (i = 0; i <= n; i++) /* the reply, then n notifications */
		if (read_line(c) < 0)
			return -1;
	t0 = now_us() - t0;
	close(c->fd);
	free(c);
	return n / (t0 / 1e6);
}

int main(int argc, char **argv)
{
	static const char *const reqs[][2] = {
	    {"hello", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\"}\n"},
	    {"files.stat", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
			   "\"files.stat\",\"params\":{\"path\":\"/etc/"
			   "motd\"}}\n"},
	    {"files.get", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
			  "\"files.get\",\"params\":{\"path\":\"/etc/"
			  "motd\"}}\n"},
	};
	const char *echo_line = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
				"\"files.stat\",\"params\":{\"path\":\"/etc/"
				"motd\"}}\n";
	const char *target = NULL;
	struct harness h;
	struct echo e;
	struct lat base, l;
	double bp, p;
	int n = 20000, i;
	size_t r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--connect") && i + 1 < argc)
			target = argv[++i];
		else {
			fprintf(stderr, "usage: bench-ctl [-n REQUESTS] "
					"[--connect HOST:PORT]\n");
			return 2;
		}
	}
	if (n < 100)
		n = 100;
	if (!target) {
		if (harness_start(&h, NULL)) {
			fprintf(stderr, "bench-ctl: cannot start a server\n");
			return 1;
		}
		target = h.addr;
	}
	if (echo_start(&e)) {
		fprintf(stderr, "bench-ctl: cannot start the echo baseline\n");
		return 1;
	}
	if (round_trips(e.addr, echo_line, n, &base)) {
		fprintf(stderr, "bench-ctl: echo baseline failed\n");
		return 1;
	}
	printf("control channel on %s, %d requests each, loopback TCP\n",
	       target, n);
	printf("%-22s %9s %9s %11s   (x baseline: p50, req/s)\n", "round trip",
	       "p50 us", "p99 us", "req/s");
	printf("%-22s %9.1f %9.1f %11.0f\n", "baseline line echo", base.p50,
	       base.p99, base.per_s);
	for (r = 0; r < sizeof(reqs) / sizeof(reqs[0]); r++) {
		if (round_trips(target, reqs[r][1], n, &l)) {
			fprintf(stderr, "bench-ctl: %s failed\n", reqs[r][0]);
			return 1;
		}
		printf("%-22s %9.1f %9.1f %11.0f   x%.2f x%.2f\n", reqs[r][0],
		       l.p50, l.p99, l.per_s, l.p50 / base.p50,
		       l.per_s / base.per_s);
	}
	bp = pipelined(e.addr, echo_line, n * 5, 100);
	p = pipelined(target, reqs[1][1], n * 5, 100);
	printf("pipelined, batches of 100: baseline %.0f lines/s, files.stat "
	       "%.0f req/s (x%.2f)\n",
	       bp, p, p / bp);
	if (target == h.addr) {
		p = notifications(target, n * 5);
		printf("notifications (test.ticker, one per loop turn): %.0f/s "
		       "(x%.2f of the pipelined echo line rate)\n",
		       p, p / bp);
		harness_stop(&h);
	}
	echo_stop(&e);
	return 0;
}
