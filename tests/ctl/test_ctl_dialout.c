/* test_ctl_dialout.c - --control-connect: the daemon dials a controller,
 * serves the same protocol there, reconnects with back-off, and keeps its
 * listener at the same time. Also the option parsing shared with esxfsd. */
#include <errno.h>
#include <netinet/in.h>
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
#include "rpc_codes.h"

#define HELLO "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\"}"

/* A listening socket on 127.0.0.1 (port 0: any); its address in addr. */
static int controller_listen(unsigned short port, char *addr, size_t n)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	snprintf(addr, n, "127.0.0.1:%u", ntohs(sa.sin_port));
	return fd;
}

/* Accepts the daemon's connection (at most 30 s). */
static int controller_accept(int lfd)
{
	struct pollfd p = {.fd = lfd, .events = POLLIN};
	struct timeval tv = {.tv_sec = 30};
	int fd;

	if (poll(&p, 1, 30000) != 1)
		return -1;
	fd = accept(lfd, NULL, NULL);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The controller calls methods on the connection the daemon opened; the
 * listener keeps working; a closed connection is dialed again. */
static void test_ctl_dialout_serves_controller(void **state)
{
	struct ctl_config cfg;
	struct harness h;
	struct json_object *o;
	char caddr[64];
	int lfd, c, i, local;

	(void)state;
	lfd = controller_listen(0, caddr, sizeof(caddr));
	memset(&cfg, 0, sizeof(cfg));
	cfg.connect = caddr;
	cfg.backoff_min_ms = 20;
	cfg.backoff_max_ms = 200;
	assert_int_equal(harness_start(&h, &cfg), 0);
	for (i = 0; i < 3; i++) {
		c = controller_accept(lfd);
		assert_true(c >= 0);
		o = harness_call(c, HELLO);
		assert_int_equal(harness_int(o, "result.protocol"), 1);
		json_object_put(o);
		o = harness_call(c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
				    "\"files.get\",\"params\":{\"path\":"
				    "\"/etc/motd\"}}");
		assert_string_equal(harness_str(o, "result.data"),
				    "Welcome to the esxmock fake host\n");
		json_object_put(o);
		/* both modes at once */
		local = harness_connect(h.addr);
		o = harness_call(local, "{\"jsonrpc\":\"2.0\",\"id\":3,"
					"\"method\":\"stats\"}");
		assert_int_equal(harness_int(o, "result.control.clients"), 2);
		json_object_put(o);
		close(local);
		close(c); /* the controller goes away: the daemon redials */
	}
	assert_non_null(strstr(h.log, "control: connected to "));
	assert_true(harness_stat(&h, "control.clients_total") >= 6);
	harness_stop(&h);
	close(lfd);
}

/* With no controller yet, the daemon retries with back-off and connects
 * once one listens. */
static void test_ctl_dialout_retries_until_controller(void **state)
{
	struct ctl_config cfg;
	struct harness h;
	struct json_object *o;
	char caddr[64];
	unsigned short port;
	int lfd, c;

	(void)state;
	lfd = controller_listen(0, caddr, sizeof(caddr));
	port = (unsigned short)atoi(strchr(caddr, ':') + 1);
	close(lfd); /* nobody listens there now */
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "none";
	cfg.connect = caddr;
	cfg.backoff_min_ms = 10;
	cfg.backoff_max_ms = 100;
	assert_int_equal(harness_start(&h, &cfg), 0);
	usleep(300 * 1000);
	lfd = controller_listen(port, caddr, sizeof(caddr));
	assert_true(lfd >= 0);
	c = controller_accept(lfd);
	assert_true(c >= 0);
	o = harness_call(c, HELLO);
	assert_string_equal(harness_str(o, "result.server"), "esxfsd");
	json_object_put(o);
	assert_non_null(strstr(h.log, "cannot connect to "));
	close(c);
	harness_stop(&h);
	close(lfd);
}

/* A token applies to the dial-out connection as well. */
static void test_ctl_dialout_token(void **state)
{
	struct ctl_config cfg;
	struct harness h;
	struct json_object *o;
	char caddr[64];
	int lfd, c;

	(void)state;
	lfd = controller_listen(0, caddr, sizeof(caddr));
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "none";
	cfg.connect = caddr;
	cfg.token = "tok";
	assert_int_equal(harness_start(&h, &cfg), 0);
	c = controller_accept(lfd);
	o = harness_call(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
			    "\"stats\"}");
	assert_int_equal(harness_int(o, "error.code"), RPC_ERR_UNAUTHORIZED);
	json_object_put(o);
	o = harness_call(c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
			    "\"hello\",\"params\":{\"token\":\"tok\"}}");
	assert_string_equal(harness_str(o, "result.auth"), "token");
	json_object_put(o);
	close(c);
	harness_stop(&h);
	close(lfd);
}

/* The control options are taken out of argv, in both spellings. */
static void test_ctl_take_args(void **state)
{
	static const char *const args[] = {"esxfsd",
					   "-f",
					   "--control",
					   "127.0.0.1:0",
					   "--control-file=/tmp/x",
					   "--control-token",
					   "t",
					   "--control-connect",
					   "10.0.0.1:9",
					   "--controlx",
					   "mnt"};
	char *argv[12], *own[11], *bad[3];
	int argc = 11, i;
	struct ctl_config cfg;
	char err[128];

	for (i = 0; i < argc; i++)
		argv[i] = own[i] = strdup(args[i]);
	argv[argc] = NULL;
	bad[0] = argv[0];
	bad[1] = strdup("--control-file");
	bad[2] = NULL;
	(void)state;
	setenv("ESXMOCK_TOKEN", "fromenv", 1);
	ctl_config_init(&cfg);
	assert_string_equal(cfg.token, "fromenv");
	unsetenv("ESXMOCK_TOKEN");
	assert_int_equal(ctl_take_args(&cfg, &argc, argv, err, sizeof(err)), 0);
	assert_int_equal(argc, 4);
	assert_string_equal(argv[1], "-f");
	assert_string_equal(argv[2], "--controlx");
	assert_string_equal(argv[3], "mnt");
	assert_null(argv[4]);
	assert_string_equal(cfg.listen, "127.0.0.1:0");
	assert_string_equal(cfg.control_file, "/tmp/x");
	assert_string_equal(cfg.token, "t");
	assert_string_equal(cfg.connect, "10.0.0.1:9");
	argc = 2;
	assert_int_equal(ctl_take_args(&cfg, &argc, bad, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "option '--control-file' needs a value");
	free(bad[1]);
	for (i = 0; i < 11; i++)
		free(own[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_dialout_serves_controller),
	    cmocka_unit_test(test_ctl_dialout_retries_until_controller),
	    cmocka_unit_test(test_ctl_dialout_token),
	    cmocka_unit_test(test_ctl_take_args),
	};

	if (getenv("CMOCKA_FILTER"))
		cmocka_set_test_filter(getenv("CMOCKA_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
