/* test_client.c - the C client library (proto/client.h) against the real
 * server in-process: calls, error reporting, notifications, timeouts,
 * tokens, connection failures. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "client.h"
#include "harness.h"
#include "rpc_codes.h"

struct fix {
	struct harness h;
	struct ctlc *c;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct ctlc_error err;

	assert_int_equal(harness_start(&f->h, NULL), 0);
	assert_int_equal(ctlc_connect(f->h.addr, 10000, &f->c, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	ctlc_close(f->c);
	harness_stop(&f->h);
	free(f);
	return 0;
}

/* A call returns the result object; hello checks the protocol. */
static void test_client_call(void **state)
{
	struct fix *f = *state;
	struct json_object *res = NULL;
	struct ctlc_error err;

	assert_int_equal(ctlc_hello(f->c, NULL, &res, &err), 0);
	assert_string_equal(harness_str(res, "server"), "esxfsd");
	json_object_put(res);
	assert_int_equal(ctlc_call_json(f->c, "files.get",
					"{\"path\":\"/etc/motd\"}", &res, &err),
			 0);
	assert_string_equal(harness_str(res, "data"),
			    "Welcome to the esxmock fake host\n");
	json_object_put(res);
	/* a JSON null result, and no result pointer at all */
	assert_int_equal(ctlc_call_json(f->c, "test.echo", "{}", &res, &err),
			 0);
	assert_null(res);
	assert_int_equal(ctlc_call(f->c, "stats", NULL, NULL, &err), 0);
	assert_true(ctlc_fd(f->c) >= 0);
}

/* Server errors come back as -EREMOTEIO with code, message and errno. */
static void test_client_errors(void **state)
{
	struct fix *f = *state;
	struct json_object *res = (void *)1;
	struct ctlc_error err;

	assert_int_equal(ctlc_call_json(f->c, "files.get",
					"{\"path\":\"/nope\"}", &res, &err),
			 -EREMOTEIO);
	assert_null(res);
	assert_int_equal(err.code, RPC_ERR_NOENT);
	assert_string_equal(err.errno_name, "ENOENT");
	assert_string_equal(err.message, "'/nope': no such file or directory");
	assert_int_equal(ctlc_call(f->c, "no.such", NULL, NULL, &err),
			 -EREMOTEIO);
	assert_int_equal(err.code, RPC_METHOD_NOT_FOUND);
	assert_string_equal(err.errno_name, "");
	assert_int_equal(ctlc_call_json(f->c, "files.get", "[1]", NULL, &err),
			 -EINVAL);
	assert_int_equal(err.code, 0);
	assert_int_equal(ctlc_call_json(f->c, "files.get", "{nope", NULL, &err),
			 -EINVAL);
	/* the connection is still usable */
	assert_int_equal(ctlc_call(f->c, "stats", NULL, NULL, &err), 0);
}

struct ticks {
	int n;
	long long last;
};

static void on_tick(void *arg, const char *method, struct json_object *p)
{
	struct ticks *t = arg;

	assert_string_equal(method, "test.tick");
	t->last = harness_int(p, "n");
	t->n++;
}

/* Notifications reach the callback, while waiting for a reply or with
 * ctlc_wait_notify. */
static void test_client_notifications(void **state)
{
	struct fix *f = *state;
	struct ticks t = {0, -1};
	struct ctlc_error err;
	struct json_object *res;
	int i;

	ctlc_on_notify(f->c, on_tick, &t);
	assert_int_equal(ctlc_call_json(f->c, "test.ticker",
					"{\"count\":5,\"interval_ms\":20}",
					&res, &err),
			 0);
	assert_int_equal(harness_int(res, "subscription"), 1);
	json_object_put(res);
	while (t.n < 5)
		assert_int_equal(ctlc_wait_notify(f->c, 10000, &err), 0);
	assert_int_equal(t.last, 4);
	/* interleaved with calls: ticks are handed over while ctlc_call
	 * waits for its reply */
	t.n = 0;
	assert_int_equal(
	    ctlc_call_json(f->c, "test.ticker", "{\"count\":3}", NULL, &err),
	    0);
	for (i = 0; i < 1000 && t.n < 3; i++)
		assert_int_equal(ctlc_call(f->c, "stats", NULL, NULL, &err), 0);
	assert_int_equal(t.n, 3);
	assert_int_equal(ctlc_wait_notify(f->c, 100, &err), -ETIMEDOUT);
}

/* A call that takes longer than the timeout fails with -ETIMEDOUT. */
static void test_client_timeout(void **state)
{
	struct fix *f = *state;
	struct ctlc_error err;

	ctlc_set_timeout(f->c, 200);
	assert_int_equal(
	    ctlc_call_json(f->c, "test.sleep", "{\"ms\":5000}", NULL, &err),
	    -ETIMEDOUT);
	assert_non_null(strstr(err.message, "timed out"));
}

/* Tokens through ctlc_hello; a wrong one ends the connection. */
static void test_client_token(void **state)
{
	struct ctl_config cfg;
	struct harness h;
	struct ctlc *c;
	struct ctlc_error err;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.token = "abc";
	assert_int_equal(harness_start(&h, &cfg), 0);
	assert_int_equal(ctlc_connect(h.addr, 5000, &c, &err), 0);
	assert_int_equal(ctlc_call(c, "stats", NULL, NULL, &err), -EREMOTEIO);
	assert_int_equal(err.code, RPC_ERR_UNAUTHORIZED);
	assert_int_equal(ctlc_hello(c, "abc", NULL, &err), 0);
	assert_int_equal(ctlc_call(c, "stats", NULL, NULL, &err), 0);
	ctlc_close(c);
	assert_int_equal(ctlc_connect(h.addr, 5000, &c, &err), 0);
	assert_int_equal(ctlc_hello(c, "abd", NULL, &err), -EREMOTEIO);
	assert_int_equal(ctlc_call(c, "stats", NULL, NULL, &err), -ECONNRESET);
	assert_non_null(strstr(err.message, "closed the connection"));
	ctlc_close(c);
	harness_stop(&h);
}

/* Connection failures name the address. */
static void test_client_connect_errors(void **state)
{
	struct ctlc *c = NULL;
	struct ctlc_error err;
	char addr[64];
	int fd;

	(void)state;
	assert_int_equal(ctlc_connect("nonsense", 1000, &c, &err), -EINVAL);
	assert_string_equal(err.message,
			    "invalid address 'nonsense': expected HOST:PORT");
	/* a port nobody listens on: bind one and close it */
	fd = harness_connect("127.0.0.1:1");
	assert_true(fd < 0);
	assert_true(ctlc_connect("127.0.0.1:1", 1000, &c, &err) < 0);
	assert_null(c);
	assert_non_null(strstr(err.message, "cannot connect to '127.0.0.1:1'"));
	snprintf(addr, sizeof(addr), "[::1]:1");
	assert_true(ctlc_connect(addr, 1000, &c, &err) < 0);
	unsetenv(CTLC_ENV_ADDRESS);
	assert_string_equal(ctlc_default_address(), CTLC_DEFAULT_ADDRESS);
	setenv(CTLC_ENV_ADDRESS, "10.1.2.3:9", 1);
	assert_string_equal(ctlc_default_address(), "10.1.2.3:9");
	unsetenv(CTLC_ENV_ADDRESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_client_call, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_client_errors, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_client_notifications, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_client_timeout, setup,
					    teardown),
	    cmocka_unit_test(test_client_token),
	    cmocka_unit_test(test_client_connect_errors),
	};

	if (getenv("CMOCKA_FILTER"))
		cmocka_set_test_filter(getenv("CMOCKA_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
