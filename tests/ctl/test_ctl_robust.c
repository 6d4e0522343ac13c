/* test_ctl_robust.c - the server under abuse: overlong lines, bad bytes,
 * deep nesting, 500 concurrent clients, clients that never read, abrupt
 * disconnects, tokens, the client cap. The server must stay up, keep its
 * memory bounded and keep serving the other clients. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "limits_ctl.h"
#include "rpc_codes.h"

#define HELLO "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\"}"

/* The server still answers a fresh client. */
static void assert_alive(const struct harness *h)
{
	int fd = harness_connect(h->addr);
	struct json_object *o;

	assert_true(fd >= 0);
	o = harness_call(fd, HELLO);
	assert_non_null(o);
	assert_int_equal(harness_int(o, "result.protocol"), 1);
	json_object_put(o);
	close(fd);
}

/* Reads until EOF or error: true when the server closed the connection. */
static bool closed_by_server(int fd)
{
	char buf[65536];
	ssize_t r;

	do
		r = recv(fd, buf, sizeof(buf), 0);
	while (r > 0 || (r < 0 && errno == EINTR));
	return r == 0 || errno == ECONNRESET;
}

static void rst_close(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* A line longer than CTL_LINE_MAX, without newline: one error, then the
 * server closes; a line of exactly CTL_LINE_MAX bytes is served. */
static void test_ctl_robust_long_line(void **state)
{
	struct harness h;
	size_t n = (size_t)CTL_LINE_MAX + 2;
	char *big = malloc(n + 1), *line;
	struct json_object *o;
	int fd, other;
	const char *head = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":"
			   "\"test.echo\",\"params\":{\"value\":\"";

	(void)state;
	assert_int_equal(harness_start(&h, NULL), 0);
	other = harness_connect(h.addr);
	fd = harness_connect(h.addr);
	memset(big, 'x', n);
	assert_int_equal(harness_send(fd, big, n), 0);
	line = harness_readline(fd);
	o = json_tokener_parse(line);
	assert_int_equal(harness_int(o, "error.code"), RPC_ERR_LINE_TOO_LONG);
	assert_non_null(strstr(line, "\"id\":null"));
	json_object_put(o);
	free(line);
	assert_true(closed_by_server(fd));
	close(fd);
	/* the other client is unaffected */
	o = harness_call(other, HELLO);
	assert_int_equal(harness_int(o, "result.protocol"), 1);
	json_object_put(o);
	/* exactly CTL_LINE_MAX bytes, then CRLF: accepted */
	fd = harness_connect(h.addr);
	memcpy(big, head, strlen(head));
	memset(big + strlen(head), 'y', CTL_LINE_MAX - strlen(head) - 3);
	memcpy(big + CTL_LINE_MAX - 3, "\"}}\r\n", 5);
	assert_int_equal(harness_send(fd, big, CTL_LINE_MAX + 2), 0);
	line = harness_readline(fd);
	o = json_tokener_parse(line);
	assert_int_equal(harness_int(o, "id"), 9);
	assert_int_equal(strlen(harness_str(o, "result")),
			 CTL_LINE_MAX - strlen(head) - 3);
	json_object_put(o);
	free(line);
	close(fd);
	close(other);
	free(big);
	assert_int_equal(harness_stat(&h, "control.clients_dropped"), 1);
	assert_alive(&h);
	harness_stop(&h);
}

/* Invalid UTF-8, NUL bytes, deep nesting, garbage: error replies on a
 * connection that stays open. */
static void test_ctl_robust_bad_bytes(void **state)
{
	static const char nested[] = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
				     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
				     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[";
	struct harness h;
	struct json_object *o;
	char buf[256], *line;
	int fd, i;

	(void)state;
	assert_int_equal(harness_start(&h, NULL), 0);
	fd = harness_connect(h.addr);
	o = harness_call(fd, "{\"jsonrpc\":\"2.0\",\"id\":\"\xc3\x28\"}");
	assert_int_equal(harness_int(o, "error.code"), RPC_PARSE_ERROR);
	assert_non_null(strstr(harness_str(o, "error.message"), "UTF-8"));
	json_object_put(o);
	assert_int_equal(harness_send(fd, "{\"id\":1,\0}\n", 11), 0);
	line = harness_readline(fd);
	assert_non_null(line);
	o = json_tokener_parse(line);
	free(line);
	assert_int_equal(harness_int(o, "error.code"), RPC_PARSE_ERROR);
	json_object_put(o);
	o = harness_call(fd, nested);
	assert_int_equal(harness_int(o, "error.code"), RPC_PARSE_ERROR);
	assert_non_null(strstr(harness_str(o, "error.message"), "too deep"));
	json_object_put(o);
	for (i = 0; i < 200; i++) {
		size_t k;

		for (k = 0; k < sizeof(buf) - 1; k++)
			buf[k] = (char)(1 + (i * 131 + (int)k * 17) % 255);
		buf[sizeof(buf) - 1] = '\0';
		for (k = 0; k < sizeof(buf) - 1; k++)
			if (buf[k] == '\n')
				buf[k] = ' ';
		o = harness_call(fd, buf);
		assert_non_null(o);
		assert_true(harness_int(o, "error.code") == RPC_PARSE_ERROR ||
			    harness_int(o, "error.code") ==
				RPC_INVALID_REQUEST);
		json_object_put(o);
	}
	o = harness_call(fd, HELLO);
	assert_int_equal(harness_int(o, "result.protocol"), 1);
	json_object_put(o);
	close(fd);
	harness_stop(&h);
}

/* 500 clients connected at once, each pipelining three requests. */
static void test_ctl_robust_500_clients(void **state)
{
	enum { N = 500 };
	static const char reqs[] =
	    HELLO "\n"
		  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"files.get\","
		  "\"params\":{\"path\":\"/etc/motd\"}}\n"
		  "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"files.stat\","
		  "\"params\":{\"path\":\"/nope\"}}\n";
	struct harness h;
	int fds[N], i, k;
	struct json_object *o;
	char *line;

	(void)state;
	harness_nofile(4 * N);
	assert_int_equal(harness_start(&h, NULL), 0);
	for (i = 0; i < N; i++) {
		fds[i] = harness_connect(h.addr);
		assert_true(fds[i] >= 0);
	}
	for (i = 0; i < N; i++)
		assert_int_equal(harness_send(fds[i], reqs, strlen(reqs)), 0);
	for (i = 0; i < N; i++) {
		for (k = 1; k <= 3; k++) {
			line = harness_readline(fds[i]);
			assert_non_null(line);
			o = json_tokener_parse(line);
			assert_int_equal(harness_int(o, "id"), k);
			if (k == 2)
				assert_string_equal(
				    harness_str(o, "result.data"),
				    "Welcome to the esxmock fake host\n");
			if (k == 3)
				assert_int_equal(harness_int(o, "error.code"),
						 RPC_ERR_NOENT);
			json_object_put(o);
			free(line);
		}
	}
	assert_int_equal(harness_stat(&h, "control.clients"), N + 1);
	for (i = 0; i < N; i++)
		close(fds[i]);
	assert_true(harness_stat(&h, "control.clients_total") >= N);
	assert_alive(&h);
	harness_stop(&h);
}

/* Clients that pipeline big requests and never read are paused, then
 * dropped after the stall timeout; server memory stays bounded and other
 * clients are served meanwhile. */
static void test_ctl_robust_clients_never_read(void **state)
{
	enum { N = 8, PER = 200 };
	const char *r =
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"files.get\","
	    "\"params\":{\"path\":\"/big\",\"length\":4194304}}\n";
	struct ctl_config cfg;
	struct harness h;
	int fds[N], i, k, rcv = 4096;
	long long rss0, rss1, served, peak;
	char *buf = malloc(strlen(r) * PER + 1);

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.stall_ms = 1000;
	assert_int_equal(harness_start(&h, &cfg), 0);
	for (k = 0; k < PER; k++)
		memcpy(buf + k * strlen(r), r, strlen(r));
	rss0 = harness_rss();
	for (i = 0; i < N; i++) {
		fds[i] = harness_connect(h.addr);
		setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
		assert_int_equal(harness_send(fds[i], buf, strlen(r) * PER), 0);
	}
	assert_alive(&h); /* served while the others stall */
	assert_true(harness_wait_stat(&h, "control.clients_dropped", N) >= N);
	rss1 = harness_rss();
	served = harness_stat(&h, "control.requests");
	peak = harness_stat(&h, "control.out_queued_peak_bytes");
	/* unbounded, each would have queued 200 x 5.6 MiB of replies: the
	 * server paused each after one reply over CTL_OUT_PAUSE */
	assert_true(served < (long long)N * PER / 4);
	if (peak > (long long)N * (CTL_OUT_PAUSE + CTL_REPLY_MAX))
		fail_msg("%lld MiB queued at peak", peak >> 20);
	assert_int_equal(harness_stat(&h, "control.out_queued_bytes"), 0);
	/* loose: ASan keeps freed memory in quarantine */
	if (rss1 - rss0 > 1024LL * 1024 * 1024)
		fail_msg("memory grew by %lld MiB", (rss1 - rss0) >> 20);
	/* only the stats connection is left (the kernel may still hold
	 * replies for the dropped sockets: reset them) */
	assert_int_equal(harness_stat(&h, "control.clients"), 1);
	for (i = 0; i < N; i++)
		rst_close(fds[i]);
	assert_non_null(strstr(h.log, "not reading its replies"));
	assert_alive(&h);
	harness_stop(&h);
	free(buf);
}

/* A subscriber that does not read is dropped at CTL_OUT_MAX without
 * waiting for the stall timeout; its stream is cancelled. */
static void test_ctl_robust_notification_flood(void **state)
{
	struct harness h;
	struct json_object *o;
	int fd, rcv = 4096;

	(void)state;
	assert_int_equal(harness_start(&h, NULL), 0);
	fd = harness_connect(h.addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	o = harness_call(fd, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			     "\"test.ticker\",\"params\":{\"count\":1000,"
			     "\"pad\":1000000}}");
	assert_int_equal(harness_int(o, "result.subscription"), 1);
	json_object_put(o);
	assert_true(harness_wait_stat(&h, "daemon.tickers_cancelled", 1) >= 1);
	assert_true(harness_stat(&h, "daemon.ticks_sent") < 1000);
	assert_int_equal(harness_stat(&h, "control.clients_dropped"), 1);
	assert_non_null(strstr(h.log, "output queue over its cap"));
	assert_true(closed_by_server(fd));
	close(fd);
	harness_stop(&h);
}

/* Disconnects at every point of a request leave nothing behind. */
static void test_ctl_robust_abrupt_disconnects(void **state)
{
	const char *sleep60 = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			      "\"test.sleep\",\"params\":{\"ms\":60000}}\n";
	const char *ticker = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			     "\"test.ticker\",\"params\":{\"count\":100,"
			     "\"interval_ms\":100}}\n";
	struct harness h;
	char *many;
	size_t len = 0;
	int fd, i;

	(void)state;
	assert_int_equal(harness_start(&h, NULL), 0);
	/* half a request */
	fd = harness_connect(h.addr);
	assert_int_equal(harness_send(fd, "{\"jsonrpc\":\"2.0\",\"id\"", 21),
			 0);
	close(fd);
	/* a deferred request, then a reset: its cancel runs */
	for (i = 0; i < 5; i++) {
		fd = harness_connect(h.addr);
		assert_int_equal(harness_send(fd, sleep60, strlen(sleep60)), 0);
		assert_true(harness_wait_stat(&h, "daemon.live", 1) >= 1);
		rst_close(fd);
		assert_true(harness_wait_stat(&h, "daemon.sleeps_cancelled",
					      i + 1) >= i + 1);
	}
	/* a ticker, then a reset */
	fd = harness_connect(h.addr);
	assert_int_equal(harness_send(fd, ticker, strlen(ticker)), 0);
	assert_true(harness_wait_stat(&h, "daemon.ticks_sent", 1) >= 1);
	rst_close(fd);
	assert_true(harness_wait_stat(&h, "daemon.tickers_cancelled", 1) >= 1);
	/* many pipelined requests, reset without reading */
	many = malloc(100 * 80);
	for (i = 0; i < 100; i++)
		len += (size_t)sprintf(many + len,
				       "{\"jsonrpc\":\"2.0\",\"id\":%d,"
				       "\"method\":\"files.get\",\"params\":"
				       "{\"path\":\"/bin/sh\"}}\n",
				       i);
	for (i = 0; i < 20; i++) {
		fd = harness_connect(h.addr);
		assert_int_equal(harness_send(fd, many, len), 0);
		rst_close(fd);
	}
	free(many);
	assert_int_equal(harness_stat(&h, "daemon.live"), 0);
	for (i = 0; i < 600 && harness_stat(&h, "control.clients") != 1; i++)
		usleep(100 * 1000);
	assert_int_equal(harness_stat(&h, "control.clients"), 1);
	assert_alive(&h);
	harness_stop(&h);
}

/* With a token: missing or wrong ones are refused, the right one works,
 * and a refused client does not disturb an authorized one. */
static void test_ctl_robust_token(void **state)
{
	struct ctl_config cfg;
	struct harness h;
	struct json_object *o;
	int good, bad;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "127.0.0.1:0";
	cfg.token = "t0k3n";
	assert_int_equal(harness_start(&h, &cfg), 0);
	good = harness_connect(h.addr);
	o = harness_call(good, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			       "\"hello\",\"params\":{\"token\":\"t0k3n\"}}");
	assert_string_equal(harness_str(o, "result.auth"), "token");
	json_object_put(o);
	bad = harness_connect(h.addr);
	o = harness_call(bad, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			      "\"files.get\",\"params\":{\"path\":\"/etc/"
			      "shadow\"}}");
	assert_int_equal(harness_int(o, "error.code"), RPC_ERR_UNAUTHORIZED);
	json_object_put(o);
	o = harness_call(bad, HELLO);
	assert_int_equal(harness_int(o, "error.code"), RPC_ERR_UNAUTHORIZED);
	json_object_put(o);
	o = harness_call(bad, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			      "\"hello\",\"params\":{\"token\":\"t0k3N\"}}");
	assert_int_equal(harness_int(o, "error.code"), RPC_ERR_UNAUTHORIZED);
	assert_non_null(strstr(harness_str(o, "error.message"), "wrong"));
	json_object_put(o);
	assert_true(closed_by_server(bad));
	close(bad);
	o = harness_call(good, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
			       "\"files.get\",\"params\":{\"path\":\"/etc/"
			       "shadow\"}}");
	assert_non_null(harness_get(o, "result.data"));
	json_object_put(o);
	close(good);
	harness_stop(&h);
}

/* Past max_clients a client gets one error line and is closed; a slot
 * that frees up is usable again. */
static void test_ctl_robust_client_cap(void **state)
{
	enum { MAX = 4 };
	struct ctl_config cfg;
	struct harness h;
	struct json_object *o;
	int fds[MAX], extra, i;
	char *line;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "127.0.0.1:0";
	cfg.max_clients = MAX;
	assert_int_equal(harness_start(&h, &cfg), 0);
	for (i = 0; i < MAX; i++) {
		fds[i] = harness_connect(h.addr);
		o = harness_call(fds[i], HELLO); /* accepted for sure */
		json_object_put(o);
	}
	extra = harness_connect(h.addr);
	line = harness_readline(extra);
	o = json_tokener_parse(line);
	assert_int_equal(harness_int(o, "error.code"),
			 RPC_ERR_TOO_MANY_CLIENTS);
	assert_non_null(strstr(harness_str(o, "error.message"), "limit 4"));
	json_object_put(o);
	free(line);
	assert_true(closed_by_server(extra));
	close(extra);
	close(fds[0]);
	/* the slot is free once the server saw the close */
	for (i = 0; i < 600; i++) {
		extra = harness_connect(h.addr);
		o = harness_call(extra, HELLO);
		close(extra);
		if (o && harness_int(o, "result.protocol") == 1) {
			json_object_put(o);
			break;
		}
		json_object_put(o);
		usleep(50 * 1000);
	}
	assert_true(i < 600);
	for (i = 1; i < MAX; i++)
		close(fds[i]);
	harness_stop(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_robust_long_line),
	    cmocka_unit_test(test_ctl_robust_bad_bytes),
	    cmocka_unit_test(test_ctl_robust_500_clients),
	    cmocka_unit_test(test_ctl_robust_clients_never_read),
	    cmocka_unit_test(test_ctl_robust_notification_flood),
	    cmocka_unit_test(test_ctl_robust_abrupt_disconnects),
	    cmocka_unit_test(test_ctl_robust_token),
	    cmocka_unit_test(test_ctl_robust_client_cap),
	};

	if (getenv("CMOCKA_FILTER"))
		cmocka_set_test_filter(getenv("CMOCKA_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
