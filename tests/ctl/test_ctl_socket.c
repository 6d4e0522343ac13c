/* test_ctl_socket.c - conformance over a real TCP socket: every available
 * method's happy and error paths, pipelining, half-close, discovery. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "b64.h"
#include "harness.h"
#include "limits_ctl.h"
#include "rpc_codes.h"

struct fix {
	struct harness h;
	int fd;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_int_equal(harness_start(&f->h, NULL), 0);
	f->fd = harness_connect(f->h.addr);
	assert_true(f->fd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	close(f->fd);
	harness_stop(&f->h);
	free(f);
	return 0;
}

/* One request over the fixture's connection: "method", params JSON. */
static struct json_object *req(struct fix *f, const char *method,
			       const char *params)
{
	char line[4096];
	struct json_object *o;

	snprintf(line, sizeof(line),
		 "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"%s\"%s%s}",
		 method, params ? ",\"params\":" : "", params ? params : "");
	o = harness_call(f->fd, line);
	assert_non_null(o);
	assert_int_equal(harness_int(o, "id"), 77);
	return o;
}

static void expect_err(struct fix *f, const char *method, const char *params,
		       int code, const char *errno_name, const char *msg)
{
	struct json_object *o = req(f, method, params);

	if (harness_int(o, "error.code") != code ||
	    (errno_name &&
	     strcmp(harness_str(o, "error.data.errno"), errno_name)) ||
	    (msg && !strstr(harness_str(o, "error.message"), msg)))
		fail_msg("%s %s: got %s", method, params ? params : "",
			 json_object_to_json_string(o));
	json_object_put(o);
}

/* The listener announces itself; hello answers over the socket. */
static void test_ctl_hello_and_discovery(void **state)
{
	struct fix *f = *state;
	struct json_object *o = req(f, "hello", "{\"client\":\"t\"}");

	assert_non_null(strstr(f->h.log, "control: listening on 127.0.0.1:"));
	assert_non_null(strstr(f->h.log, f->h.addr));
	assert_int_equal(harness_int(o, "result.protocol"),
			 RPC_PROTOCOL_VERSION);
	assert_string_equal(harness_str(o, "result.server"), "esxfsd");
	assert_true(strlen(harness_str(o, "result.version")) > 0);
	json_object_put(o);
	expect_err(f, "hello", "{\"protocol\":\"1\"}", RPC_INVALID_PARAMS, NULL,
		   "param 'protocol' must be an integer");
	expect_err(f, "hello", "{\"protocol\":0}", RPC_ERR_PROTOCOL, NULL,
		   "not supported");
}

/* stats reports this client and the requests so far. */
static void test_ctl_stats(void **state)
{
	struct fix *f = *state;
	struct json_object *o;

	json_object_put(req(f, "hello", NULL));
	o = req(f, "stats", NULL);
	assert_int_equal(harness_int(o, "result.control.clients"), 1);
	assert_true(harness_int(o, "result.control.requests") >= 2);
	assert_true(harness_int(o, "result.memory.rss_bytes") > 0);
	assert_int_equal(harness_int(o, "result.daemon.live"), 0);
	json_object_put(o);
	expect_err(f, "stats", "{\"verbose\":true}", RPC_INVALID_PARAMS, NULL,
		   "unknown param 'verbose'");
}

/* files.get: text, binary as base64, ranges, symlinks, every error. */
static void test_ctl_files_get(void **state)
{
	struct fix *f = *state;
	unsigned char bin[FAKE_BIN_LEN], *dec;
	struct json_object *o;
	size_t n, bad;
	const char *d;

	o = req(f, "files.get", "{\"path\":\"/etc/motd\"}");
	assert_string_equal(harness_str(o, "result.data"),
			    "Welcome to the esxmock fake host\n");
	assert_string_equal(harness_str(o, "result.encoding"), "text");
	assert_int_equal(harness_int(o, "result.size"), 33);
	assert_true(json_object_get_boolean(harness_get(o, "result.eof")));
	json_object_put(o);
	/* binary content through a relative symlink, base64 */
	o = req(f, "files.get", "{\"path\":\"/bin/sh\"}");
	assert_string_equal(harness_str(o, "result.path"), "/bin/busybox");
	assert_string_equal(harness_str(o, "result.encoding"), "base64");
	d = harness_str(o, "result.data");
	dec = b64_decode(d, strlen(d), &n, &bad);
	fake_host_bin(bin);
	assert_int_equal(n, FAKE_BIN_LEN);
	assert_memory_equal(dec, bin, FAKE_BIN_LEN);
	free(dec);
	json_object_put(o);
	/* ranges */
	o = req(f, "files.get",
		"{\"path\":\"/etc/motd\",\"offset\":11,\"length\":3}");
	assert_string_equal(harness_str(o, "result.data"), "the");
	assert_false(json_object_get_boolean(harness_get(o, "result.eof")));
	json_object_put(o);
	o = req(f, "files.get", "{\"path\":\"/etc/motd\",\"offset\":1000}");
	assert_string_equal(harness_str(o, "result.data"), "");
	assert_int_equal(harness_int(o, "result.length"), 0);
	json_object_put(o);
	/* text forced to base64; latin-1 bytes fall back to base64 */
	o = req(f, "files.get",
		"{\"path\":\"/etc/motd\",\"encoding\":\"base64\",\"length\":"
		"7}");
	assert_string_equal(harness_str(o, "result.data"), "V2VsY29tZQ==");
	json_object_put(o);
	o = req(f, "files.get", "{\"path\":\"/etc/latin1\"}");
	assert_string_equal(harness_str(o, "result.encoding"), "base64");
	assert_string_equal(harness_str(o, "result.data"), "Y2Fm6Qo=");
	json_object_put(o);
	/* through an absolute symlink to a directory, with .. and // */
	o = req(f, "files.get",
		"{\"path\":\"/etc/..//productLocker/./tools.txt\"}");
	assert_string_equal(harness_str(o, "result.path"),
			    "/locker/packages/tools.txt");
	assert_string_equal(harness_str(o, "result.data"), "vmtools\n");
	json_object_put(o);
	/* ".." after a symlink is the parent of its target, as on Linux */
	expect_err(f, "files.get",
		   "{\"path\":\"/productLocker/../productLocker/tools.txt\"}",
		   RPC_ERR_NOENT, "ENOENT", NULL);
	/* a 5 MiB file in ranges */
	o = req(f, "files.get",
		"{\"path\":\"/big\",\"offset\":4194304,\"length\":4194304}");
	assert_int_equal(harness_int(o, "result.length"), 1048576);
	json_object_put(o);
	/* errors */
	expect_err(f, "files.get", "{\"path\":\"/nope\"}", RPC_ERR_NOENT,
		   "ENOENT", "'/nope': no such file or directory");
	expect_err(f, "files.get", "{\"path\":\"/etc\"}", RPC_ERR_ISDIR,
		   "EISDIR", "'/etc'");
	expect_err(f, "files.get", "{\"path\":\"/etc/motd/x\"}", RPC_ERR_NOTDIR,
		   "ENOTDIR", NULL);
	expect_err(f, "files.get", "{\"path\":\"/bin/loop1\"}", RPC_ERR_ERRNO,
		   "ELOOP", NULL);
	expect_err(f, "files.get", "{\"path\":\"/dev/null\"}", RPC_ERR_INVAL,
		   "EINVAL", NULL);
	expect_err(f, "files.get", "{\"path\":\"/big\"}", RPC_ERR_TOOBIG,
		   "EFBIG", "'/big'");
	expect_err(f, "files.get",
		   "{\"path\":\"/etc/latin1\",\"encoding\":\"text\"}",
		   RPC_ERR_ILSEQ, "EILSEQ", NULL);
	expect_err(f, "files.get",
		   "{\"path\":\"/etc/motd\",\"encoding\":\"hex\"}",
		   RPC_INVALID_PARAMS, NULL, "param 'encoding'");
	expect_err(f, "files.get", "{\"path\":\"etc/motd\"}",
		   RPC_INVALID_PARAMS, NULL, "must be absolute");
	expect_err(f, "files.get",
		   "{\"path\":\"/etc/motd\",\"length\":99999999}",
		   RPC_INVALID_PARAMS, NULL, "param 'length'");
	expect_err(f, "files.get", "{\"path\":\"/bin/sh\",\"follow\":false}",
		   RPC_ERR_INVAL, "EINVAL", "'/bin/sh'");
}

/* files.stat: lstat by default, every field, follow, errors. */
static void test_ctl_files_stat(void **state)
{
	struct fix *f = *state;
	struct json_object *o;

	o = req(f, "files.stat", "{\"path\":\"/bin/sh\"}");
	assert_string_equal(harness_str(o, "result.type"), "symlink");
	assert_string_equal(harness_str(o, "result.target"), "busybox");
	assert_string_equal(harness_str(o, "result.mode"), "0777");
	json_object_put(o);
	o = req(f, "files.stat", "{\"path\":\"/bin/sh\",\"follow\":true}");
	assert_string_equal(harness_str(o, "result.type"), "file");
	assert_string_equal(harness_str(o, "result.path"), "/bin/busybox");
	assert_int_equal(harness_int(o, "result.size"), FAKE_BIN_LEN);
	assert_string_equal(harness_str(o, "result.user"), "root");
	assert_int_equal(harness_int(o, "result.uid"), 0);
	assert_int_equal(harness_int(o, "result.mtime_nsec"), 123456789);
	assert_true(harness_int(o, "result.mtime") > 1700000000);
	assert_true(harness_int(o, "result.ino") > 0);
	json_object_put(o);
	o = req(f, "files.stat", "{\"path\":\"/etc/setuid\"}");
	assert_string_equal(harness_str(o, "result.mode"), "4755");
	json_object_put(o);
	o = req(f, "files.stat", "{\"path\":\"/locker\"}");
	assert_string_equal(harness_str(o, "result.mode"), "1777");
	assert_string_equal(harness_str(o, "result.type"), "dir");
	json_object_put(o);
	o = req(f, "files.stat", "{\"path\":\"/dev/null\"}");
	assert_string_equal(harness_str(o, "result.type"), "chardev");
	assert_int_equal(harness_int(o, "result.rdev_major"), 1);
	assert_int_equal(harness_int(o, "result.rdev_minor"), 3);
	json_object_put(o);
	o = req(f, "files.stat", "{\"path\":\"/\"}");
	assert_string_equal(harness_str(o, "result.path"), "/");
	json_object_put(o);
	o = req(f, "files.stat", "{\"path\":\"/../..\"}");
	assert_string_equal(harness_str(o, "result.path"), "/");
	json_object_put(o);
	o = req(f, "files.stat", "{\"path\":\"/etc/quote\\\"and\\\\back\"}");
	assert_string_equal(harness_str(o, "result.path"),
			    "/etc/quote\"and\\back");
	json_object_put(o);
	expect_err(f, "files.stat", "{\"path\":\"/etc/none\"}", RPC_ERR_NOENT,
		   "ENOENT", NULL);
	expect_err(f, "files.stat", "{\"path\":\"/bin/loop1/x\"}",
		   RPC_ERR_ERRNO, "ELOOP", NULL);
	expect_err(f, "files.stat", "{}", RPC_INVALID_PARAMS, NULL,
		   "missing param 'path'");
	expect_err(f, "files.stat", "{\"path\":\"\"}", RPC_INVALID_PARAMS, NULL,
		   "must be absolute");
	expect_err(f, "files.stat", "{\"path\":\"/a\",\"follow\":1}",
		   RPC_INVALID_PARAMS, NULL, "must be a boolean");
}

/* files.list: entries with their attributes, paging, odd names, errors. */
static void test_ctl_files_list(void **state)
{
	struct fix *f = *state;
	struct json_object *o, *e;

	o = req(f, "files.list", "{\"path\":\"/bin\"}");
	assert_int_equal(harness_int(o, "result.total"), 4);
	e = json_object_array_get_idx(harness_get(o, "result.entries"), 0);
	assert_string_equal(harness_str(e, "name"), "busybox");
	assert_string_equal(harness_str(e, "type"), "file");
	assert_string_equal(harness_str(e, "mode"), "0755");
	e = json_object_array_get_idx(harness_get(o, "result.entries"), 1);
	assert_string_equal(harness_str(e, "target"), "busybox");
	assert_false(
	    json_object_get_boolean(harness_get(o, "result.truncated")));
	json_object_put(o);
	o = req(f, "files.list",
		"{\"path\":\"/many\",\"offset\":45,\"limit\":3}");
	assert_int_equal(harness_int(o, "result.total"), 50);
	assert_int_equal(
	    json_object_array_length(harness_get(o, "result.entries")), 3);
	e = json_object_array_get_idx(harness_get(o, "result.entries"), 0);
	assert_string_equal(harness_str(e, "name"), "f45");
	assert_true(
	    json_object_get_boolean(harness_get(o, "result.truncated")));
	json_object_put(o);
	o = req(f, "files.list", "{\"path\":\"/productLocker\"}");
	assert_string_equal(harness_str(o, "result.path"), "/locker/packages");
	json_object_put(o);
	o = req(f, "files.list", "{\"path\":\"/odd\"}");
	e = json_object_array_get_idx(harness_get(o, "result.entries"), 0);
	assert_string_equal(harness_str(e, "name_base64"), "//4=");
	assert_null(harness_get(e, "name"));
	json_object_put(o);
	expect_err(f, "files.list", "{\"path\":\"/etc/motd\"}", RPC_ERR_NOTDIR,
		   "ENOTDIR", "'/etc/motd'");
	expect_err(f, "files.list", "{\"path\":\"/nope\"}", RPC_ERR_NOENT,
		   "ENOENT", NULL);
	expect_err(f, "files.list", "{\"path\":\"/\",\"limit\":-1}",
		   RPC_INVALID_PARAMS, NULL, "param 'limit'");
	expect_err(f, "files.list", "{\"path\":\"/\",\"offset\":-1}",
		   RPC_INVALID_PARAMS, NULL, "param 'offset'");
}

/* Many pipelined requests in one write come back in order with their
 * ids, a deferred one included. */
static void test_ctl_pipelined_in_order(void **state)
{
	struct fix *f = *state;
	const int n = 2000;
	size_t cap = (size_t)n * 200, len = 0;
	char *buf = malloc(cap), *line;
	struct json_object *o;
	int i;

	for (i = 0; i < n; i++) {
		const char *m = i % 4 == 0   ? "\"stats\""
				: i % 4 == 1 ? "\"files.stat\",\"params\":"
					       "{\"path\":\"/etc\"}"
				: i % 4 == 2 ? "\"no.such\""
					     : "\"files.get\",\"params\":"
					       "{\"path\":\"/etc/motd\"}";

		if (i == 1000)
			m = "\"test.sleep\",\"params\":{\"ms\":50}";
		len += (size_t)snprintf(
		    buf + len, cap - len,
		    "{\"jsonrpc\":\"2.0\",\"id\":\"r%d\",\"method\":%s}\n", i,
		    m);
	}
	assert_int_equal(harness_send(f->fd, buf, len), 0);
	for (i = 0; i < n; i++) {
		char want[16];

		line = harness_readline(f->fd);
		assert_non_null(line);
		o = json_tokener_parse(line);
		snprintf(want, sizeof(want), "r%d", i);
		assert_string_equal(harness_str(o, "id"), want);
		if (i % 4 == 2 && i != 1000)
			assert_int_equal(harness_int(o, "error.code"),
					 RPC_METHOD_NOT_FOUND);
		else
			assert_non_null(harness_get(o, "result"));
		json_object_put(o);
		free(line);
	}
	free(buf);
}

/* A client that half-closes still gets every answer, even a deferred one
 * and a last line without newline; then the server closes. */
static void test_ctl_half_close(void **state)
{
	struct fix *f = *state;
	const char *reqs =
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.sleep\","
	    "\"params\":{\"ms\":100,\"value\":5}}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"stats\"}";
	struct json_object *o;
	char *line;

	assert_int_equal(harness_send(f->fd, reqs, strlen(reqs)), 0);
	shutdown(f->fd, SHUT_WR);
	line = harness_readline(f->fd);
	o = json_tokener_parse(line);
	assert_int_equal(harness_int(o, "result.value"), 5);
	json_object_put(o);
	free(line);
	line = harness_readline(f->fd);
	o = json_tokener_parse(line);
	assert_int_equal(harness_int(o, "id"), 2);
	json_object_put(o);
	free(line);
	assert_null(harness_readline(f->fd)); /* EOF */
}

/* Notifications arrive after the subscribing reply, never inside one. */
static void test_ctl_notifications(void **state)
{
	struct fix *f = *state;
	struct json_object *o;
	char *line;
	int i, ticks = 0, replies = 0;

	o = req(f, "test.ticker", "{\"count\":20,\"pad\":100000}");
	assert_int_equal(harness_int(o, "result.subscription"), 1);
	json_object_put(o);
	/* interleave requests with the stream: every line parses alone */
	assert_int_equal(
	    harness_send(
		f->fd, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"stats\"}\n",
		42),
	    0);
	for (i = 0; i < 21; i++) {
		line = harness_readline(f->fd);
		assert_non_null(line);
		o = json_tokener_parse(line);
		assert_non_null(o);
		if (harness_get(o, "id")) {
			replies++;
		} else {
			assert_string_equal(harness_str(o, "method"),
					    "test.tick");
			assert_int_equal(harness_int(o, "params.n"), ticks);
			ticks++;
		}
		json_object_put(o);
		free(line);
	}
	assert_int_equal(ticks, 20);
	assert_int_equal(replies, 1);
}

/* --control-file gets HOST:PORT atomically and is removed at exit. */
static void test_ctl_control_file(void **state)
{
	char dir[] = "/tmp/ctl-test-XXXXXX", path[256], buf[128] = "";
	struct ctl_config cfg;
	struct harness h;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/addr", dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.control_file = path;
	assert_int_equal(harness_start(&h, &cfg), 0);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_int_equal(strlen(buf), strlen(h.addr) + 1);
	assert_memory_equal(buf, h.addr, strlen(h.addr));
	harness_stop(&h);
	assert_int_equal(access(path, F_OK), -1);
	rmdir(dir);
}

/* An explicit address in use is an error naming it; the default address
 * falls back to a free port with a warning. */
static void test_ctl_listen_errors(void **state)
{
	struct fix *f = *state;
	struct ctl_config cfg;
	struct harness h;
	int busy;
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(7744),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = f->h.addr;
	assert_int_equal(harness_start(&h, &cfg), -EADDRINUSE);
	assert_non_null(strstr(h.log, "cannot listen on '127.0.0.1:"));
	assert_non_null(strstr(h.log, "Address already in use"));
	/* occupy the default port (or find it occupied already) */
	busy = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(busy, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(busy, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		listen(busy, 1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "default";
	assert_int_equal(harness_start(&h, &cfg), 0);
	assert_null(strstr(h.addr, ":7744"));
	assert_non_null(strstr(h.log, "'127.0.0.1:7744' is in use"));
	harness_stop(&h);
	close(busy);
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "127.0.0.1:99999";
	assert_int_equal(harness_start(&h, &cfg), -EINVAL);
	assert_non_null(strstr(h.log, "invalid port '99999'"));
	cfg.listen = "nonsense";
	assert_int_equal(harness_start(&h, &cfg), -EINVAL);
	assert_non_null(strstr(h.log, "invalid address 'nonsense'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_ctl_hello_and_discovery),
	    T(test_ctl_stats),
	    T(test_ctl_files_get),
	    T(test_ctl_files_stat),
	    T(test_ctl_files_list),
	    T(test_ctl_pipelined_in_order),
	    T(test_ctl_half_close),
	    T(test_ctl_notifications),
	    cmocka_unit_test(test_ctl_control_file),
	    T(test_ctl_listen_errors),
#undef T
	};

	if (getenv("CMOCKA_FILTER"))
		cmocka_set_test_filter(getenv("CMOCKA_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
