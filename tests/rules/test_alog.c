/* test_alog.c - unit tests of the access log (fsd/alog.h): seq cursors
 * return each event exactly once, overflow drops the oldest and counts
 * it, filters, followers, the JSON form and the JSON-lines file. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "alog.h"

static uint64_t append(struct alog *a, enum icpt_op op, const char *path,
		       pid_t pid, int err)
{
	struct alog_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = op;
	ev.path = path;
	ev.pid = pid;
	ev.process = pid == 1 ? "init" : "cat";
	ev.err = err;
	ev.bytes = err ? -1 : 10;
	return alog_append(a, &ev);
}

struct seen {
	uint64_t seqs[256];
	size_t n;
};

static void collect(void *arg, const struct alog_rec *r)
{
	struct seen *s = arg;

	if (s->n < 256)
		s->seqs[s->n++] = r->seq;
}

/* Fetching with the returned cursor, in pages, sees every event once. */
static void test_alog_cursor_exactly_once(void **state)
{
	struct alog *a = alog_new(100);
	struct seen s = {{0}, 0};
	uint64_t since = 0, next, missed;
	size_t i;

	(void)state;
	for (i = 0; i < 50; i++)
		assert_int_equal(append(a, ICPT_OP_READ, "/f", 7, 0), i + 1);
	while (alog_fetch(a, since, NULL, 7, collect, &s, &next, &missed)) {
		assert_int_equal(missed, 0);
		assert_true(next > since);
		since = next;
	}
	assert_int_equal(s.n, 50);
	for (i = 0; i < 50; i++)
		assert_int_equal(s.seqs[i], i + 1);
	/* new events after the cursor, only those */
	append(a, ICPT_OP_OPEN, "/g", 7, 0);
	s.n = 0;
	alog_fetch(a, since, NULL, 100, collect, &s, &next, &missed);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.seqs[0], 51);
	assert_int_equal(next, 51);
	alog_free(a);
}

/* A filtered fetch still moves the cursor past the events it skipped. */
static void test_alog_filter_cursor(void **state)
{
	struct alog *a = alog_new(100);
	struct json_object *o = json_tokener_parse(
	    "{\"op\":\"write\",\"path\":\"/var/**\",\"result\":\"ENOSPC\"}");
	struct alog_filter f;
	struct seen s = {{0}, 0};
	uint64_t next, missed;
	char err[128];

	(void)state;
	assert_int_equal(alog_filter_parse(o, &f, err, sizeof(err)), 0);
	append(a, ICPT_OP_WRITE, "/var/log/x", 1, ENOSPC); /* 1: yes */
	append(a, ICPT_OP_WRITE, "/var/log/x", 1, 0);      /* 2: ok */
	append(a, ICPT_OP_READ, "/var/log/x", 1, ENOSPC);  /* 3: read */
	append(a, ICPT_OP_WRITE, "/etc/x", 1, ENOSPC);     /* 4: path */
	append(a, ICPT_OP_WRITE, "/var/a", 1, ENOSPC);     /* 5: yes */
	append(a, ICPT_OP_READ, "/tmp/z", 1, 0);           /* 6: no */
	alog_fetch(a, 0, &f, 100, collect, &s, &next, &missed);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.seqs[0], 1);
	assert_int_equal(s.seqs[1], 5);
	assert_int_equal(next, 6);
	s.n = 0;
	alog_fetch(a, 0, &f, 1, collect, &s, &next, &missed);
	assert_int_equal(s.n, 1);
	assert_int_equal(next, 1); /* limit reached: resume after it */
	alog_filter_release(&f);
	json_object_put(o);
	alog_free(a);
}

/* Overflow drops the oldest events and counts them; a cursor that fell
 * behind learns how many it missed. */
static void test_alog_overflow_drops(void **state)
{
	struct alog *a = alog_new(10);
	struct alog_stats st;
	struct seen s = {{0}, 0};
	uint64_t next, missed;
	int i;

	(void)state;
	for (i = 0; i < 25; i++)
		append(a, ICPT_OP_GETATTR, "/x", 3, 0);
	alog_stats(a, &st);
	assert_int_equal(st.count, 10);
	assert_int_equal(st.dropped, 15);
	assert_int_equal(st.first_seq, 16);
	assert_int_equal(st.last_seq, 25);
	alog_fetch(a, 5, NULL, 100, collect, &s, &next, &missed);
	assert_int_equal(missed, 10); /* 6..15 */
	assert_int_equal(s.n, 10);
	assert_int_equal(s.seqs[0], 16);
	assert_int_equal(next, 25);
	/* clear keeps seqs growing and a cursor valid */
	assert_int_equal(alog_clear(a), 10);
	assert_int_equal(append(a, ICPT_OP_GETATTR, "/x", 3, 0), 26);
	s.n = 0;
	alog_fetch(a, 25, NULL, 100, collect, &s, &next, &missed);
	assert_int_equal(s.n, 1);
	assert_int_equal(missed, 0);
	alog_free(a);
}

struct follow_seen {
	struct alog *a;
	uint64_t handle;
	int n;
};

static void follow_fn(void *arg, const struct alog_rec *r)
{
	struct follow_seen *fs = arg;

	(void)r;
	if (++fs->n == 2) /* unfollowing itself from inside is safe */
		alog_unfollow(fs->a, fs->handle);
}

/* Followers get new matching events until they unfollow. */
static void test_alog_followers(void **state)
{
	struct alog *a = alog_new(0);
	struct json_object *o = json_tokener_parse("{\"pid\":1}");
	struct follow_seen fs = {a, 0, 0}, all = {a, 0, 0};
	struct alog_filter f, none;
	char err[128];

	(void)state;
	assert_int_equal(alog_filter_parse(o, &f, err, sizeof(err)), 0);
	memset(&none, 0, sizeof(none));
	fs.handle = alog_follow(a, &f, follow_fn, &fs);
	assert_true(fs.handle > 0);
	all.handle = alog_follow(a, &none, follow_fn, &all);
	append(a, ICPT_OP_READ, "/a", 1, 0);
	append(a, ICPT_OP_READ, "/a", 2, 0);
	append(a, ICPT_OP_READ, "/a", 1, 0);
	append(a, ICPT_OP_READ, "/a", 1, 0);
	assert_int_equal(fs.n, 2);
	assert_int_equal(all.n, 2);
	json_object_put(o);
	alog_free(a);
}

/* Bad filters name the member. */
static void test_alog_filter_errors(void **state)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
	    {"{\"op\":\"reed\"}", "'op': unknown op 'reed'"},
	    {"{\"op\":[1]}", "'op': expected op names"},
	    {"{\"path\":\"rel\"}", "'path': not an absolute glob 'rel'"},
	    {"{\"result\":\"meh\"}", "'result': expected"},
	    {"{\"pid\":\"x\"}", "'pid': expected an integer"},
	};
	struct alog_filter f;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *o = json_tokener_parse(cases[i].json);

		assert_int_equal(alog_filter_parse(o, &f, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].want))
			fail_msg("%s: got '%s'", cases[i].json, err);
		json_object_put(o);
	}
}

static void add_json(void *arg, const struct alog_rec *r)
{
	json_object_array_add(arg, alog_rec_json(r));
}

/* The JSON form carries every field given; data is base64. */
static void test_alog_json_fields(void **state)
{
	struct alog *a = alog_new(4);
	struct json_object *arr = json_object_new_array();
	struct alog_event ev;
	uint64_t next, missed;
	const char *txt;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.op = ICPT_OP_RENAME;
	ev.path = "/tmp/a";
	ev.path2 = "/tmp/b";
	ev.pid = 42;
	ev.process = "mv";
	ev.uid = 1000;
	ev.gid = 100;
	ev.err = EXDEV;
	ev.bytes = -1;
	ev.rules = "r1,r2";
	ev.duration_ns = 1234;
	ev.data = "hi";
	ev.data_len = 2;
	alog_append(a, &ev);
	assert_int_equal(
	    alog_fetch(a, 0, NULL, 1, add_json, arr, &next, &missed), 1);
	txt = json_object_to_json_string_ext(
	    json_object_array_get_idx(arr, 0),
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	assert_non_null(strstr(txt, "\"op\":\"rename\""));
	assert_non_null(strstr(txt, "\"path\":\"/tmp/a\""));
	assert_non_null(strstr(txt, "\"path2\":\"/tmp/b\""));
	assert_non_null(strstr(txt, "\"process\":\"mv\""));
	assert_non_null(strstr(txt, "\"uid\":1000"));
	assert_non_null(strstr(txt, "\"result\":\"EXDEV\""));
	assert_non_null(strstr(txt, "\"errno\":18"));
	assert_non_null(strstr(txt, "\"rule\":\"r1\""));
	assert_non_null(strstr(txt, "\"rules\":[\"r1\",\"r2\"]"));
	assert_non_null(strstr(txt, "\"duration_ns\":1234"));
	assert_non_null(strstr(txt, "\"data\":\"aGk=\""));
	assert_null(strstr(txt, "\"bytes\""));
	json_object_put(arr);
	alog_free(a);
}

/* An invoke event: its own fields (argv with embedded bytes, style,
 * status, sizes, logged output in base64), found by op "invoke" only. */
static void test_alog_invoke_event(void **state)
{
	static const char argv[] = "esxcli\0sys\ttem\0get";
	struct alog *a = alog_new(4);
	struct json_object *arr = json_object_new_array(), *f;
	struct alog_filter flt;
	struct alog_invoke v;
	struct alog_event ev;
	uint64_t next, missed;
	char err[128];
	const char *txt;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.ppid = 7;
	v.caller = "sh";
	v.argv = argv;
	v.argv_len = sizeof(argv);
	v.argc = 3;
	v.argv_truncated = true;
	v.style = "static";
	v.image_rule = "img1";
	v.exit_code = -1;
	v.signal = 15;
	v.out_bytes = 2;
	v.err_bytes = -1;
	v.out = "hi";
	v.out_len = 2;
	memset(&ev, 0, sizeof(ev));
	ev.op = ICPT_OP_INVOKE;
	ev.path = "/bin/esxcli.py";
	ev.pid = 42;
	ev.bytes = -1;
	ev.rules = "t1,img1";
	ev.invoke = &v;
	append(a, ICPT_OP_EXEC, "/bin/esxcli.py", 42, 0);
	alog_append(a, &ev);
	f = json_tokener_parse("{\"op\": \"invoke\"}");
	assert_int_equal(alog_filter_parse(f, &flt, err, sizeof(err)), 0);
	assert_int_equal(
	    alog_fetch(a, 0, &flt, 10, add_json, arr, &next, &missed), 1);
	alog_filter_release(&flt);
	json_object_put(f);
	txt = json_object_to_json_string_ext(
	    json_object_array_get_idx(arr, 0),
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	assert_non_null(strstr(txt, "\"op\":\"invoke\""));
	assert_non_null(
	    strstr(txt, "\"argv\":[\"esxcli\",\"sys\\ttem\",\"get\"]"));
	assert_non_null(strstr(txt, "\"argv_truncated\":true"));
	assert_non_null(strstr(txt, "\"ppid\":7"));
	assert_non_null(strstr(txt, "\"caller\":\"sh\""));
	assert_non_null(strstr(txt, "\"style\":\"static\""));
	assert_non_null(strstr(txt, "\"rule\":\"t1\""));
	assert_non_null(strstr(txt, "\"image_rule\":\"img1\""));
	assert_non_null(strstr(txt, "\"image\":false"));
	assert_non_null(strstr(txt, "\"signal\":15"));
	assert_null(strstr(txt, "\"exit\""));
	assert_non_null(strstr(txt, "\"stdout_bytes\":2"));
	assert_non_null(strstr(txt, "\"stderr_bytes\":-1"));
	assert_non_null(strstr(txt, "\"stdout_b64\":\"aGk=\""));
	assert_non_null(strstr(txt, "\"stdout_logged\":2"));
	assert_null(strstr(txt, "\"stderr_b64\""));
	json_object_put(arr);
	alog_free(a);
}

/* The file sink writes one JSON object per line. */
static void test_alog_file_sink(void **state)
{
	char path[] = "/tmp/alog-test-XXXXXX", err[256], line[1024];
	struct alog *a = alog_new(4);
	FILE *f;
	int fd = mkstemp(path), n = 0;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(alog_open_file(a, path, NULL, err, sizeof(err)), 0);
	append(a, ICPT_OP_EXEC, "/bin/sh", 9, 0);
	append(a, ICPT_OP_READ, "/etc/motd", 9, EIO);
	alog_free(a); /* flushes */
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		struct json_object *o = json_tokener_parse(line);

		assert_non_null(o);
		json_object_put(o);
		n++;
	}
	fclose(f);
	unlink(path);
	assert_int_equal(n, 2);
	a = alog_new(4);
	assert_int_equal(
	    alog_open_file(a, "/nonexistent/dir/x", NULL, err, sizeof(err)),
	    -ENOENT);
	assert_non_null(strstr(err, "access log '/nonexistent/dir/x'"));
	alog_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alog_cursor_exactly_once),
	    cmocka_unit_test(test_alog_filter_cursor),
	    cmocka_unit_test(test_alog_overflow_drops),
	    cmocka_unit_test(test_alog_followers),
	    cmocka_unit_test(test_alog_filter_errors),
	    cmocka_unit_test(test_alog_json_fields),
	    cmocka_unit_test(test_alog_invoke_event),
	    cmocka_unit_test(test_alog_file_sink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
