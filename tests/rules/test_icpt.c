/* test_icpt.c - unit tests of the rule engine (fsd/icpt.h): compiling
 * rules (good and bad), matching (exact, glob, regex, ops, flags, caller),
 * triggers (nth, after, count, window, seeded probability), stacking and
 * the read and write transforms. No FUSE, no daemon. */
#include <errno.h>
#include <fcntl.h>
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

#include "caller.h"
#include "icpt.h"

/* Compiles and adds text; fails the test on error. */
static struct icpt_rule *add(struct icpt *ic, const char *text)
{
	struct json_object *o = json_tokener_parse(text);
	struct icpt_rule *r;
	char err[512];
	int rc;

	if (!o)
		fail_msg("not JSON: %s", text);
	rc = icpt_rule_compile(o, NULL, &r, err, sizeof(err));
	json_object_put(o);
	if (rc)
		fail_msg("'%s': %s", text, err);
	assert_int_equal(icpt_add(ic, r, ICPT_FROM_API), 0);
	return r;
}

/* Compiling text fails with a message containing want. */
static void bad(const char *text, const char *want)
{
	struct json_object *o = json_tokener_parse(text);
	struct icpt_rule *r = NULL;
	char err[512] = "";

	if (!o)
		fail_msg("not JSON: %s", text);
	assert_int_equal(icpt_rule_compile(o, NULL, &r, err, sizeof(err)),
			 -EINVAL);
	json_object_put(o);
	assert_null(r);
	if (!strstr(err, want))
		fail_msg("'%s': got '%s', want '%s'", text, err, want);
}

static struct icpt_call call(enum icpt_op op, const char *path)
{
	struct icpt_call c;

	memset(&c, 0, sizeof(c));
	c.op = op;
	c.ops = ICPT_BIT(op);
	c.path = path;
	return c;
}

/* Evaluates c at time now_ms; returns the verdict's error. */
static int run(struct icpt *ic, const struct icpt_call *c, uint64_t now_ms,
	       struct icpt_verdict *v)
{
	icpt_eval(ic, c, now_ms, v);
	return v->err;
}

static int fail_of(struct icpt *ic, enum icpt_op op, const char *path)
{
	struct icpt_call c = call(op, path);
	struct icpt_verdict v;

	return run(ic, &c, icpt_now_ms(), &v);
}

/* An exact path fails only that path, only for the ops listed. */
static void test_icpt_exact_path_and_ops(void **state)
{
	struct icpt *ic = icpt_new(NULL);

	(void)state;
	add(ic, "{\"match\":{\"path\":\"/etc/motd\",\"ops\":[\"read\"]},"
		"\"action\":{\"fail\":\"EIO\"}}");
	assert_int_equal(fail_of(ic, ICPT_OP_READ, "/etc/motd"), -EIO);
	assert_int_equal(fail_of(ic, ICPT_OP_OPEN, "/etc/motd"), 0);
	assert_int_equal(fail_of(ic, ICPT_OP_READ, "/etc/motd2"), 0);
	assert_int_equal(fail_of(ic, ICPT_OP_READ, "/etc"), 0);
	icpt_free(ic);
}

/* Globs: "*" stays in a component, "**" spans any number of them. */
static void test_icpt_glob_matches(void **state)
{
	struct icpt *ic = icpt_new(NULL);

	(void)state;
	add(ic, "{\"match\":{\"path\":\"/var/log/*.log\"},"
		"\"action\":{\"fail\":\"EACCES\"}}");
	add(ic, "{\"match\":{\"path\":\"/vmfs/**/*.vmdk\"},"
		"\"action\":{\"fail\":\"ENOSPC\"}}");
	assert_int_equal(fail_of(ic, ICPT_OP_OPEN, "/var/log/vmkernel.log"),
			 -EACCES);
	assert_int_equal(fail_of(ic, ICPT_OP_OPEN, "/var/log/sub/x.log"), 0);
	assert_int_equal(fail_of(ic, ICPT_OP_OPEN, "/var/log/.hidden.log"),
			 -EACCES);
	assert_int_equal(fail_of(ic, ICPT_OP_WRITE, "/vmfs/a.vmdk"), -ENOSPC);
	assert_int_equal(
	    fail_of(ic, ICPT_OP_WRITE, "/vmfs/volumes/ds1/vm/vm-flat.vmdk"),
	    -ENOSPC);
	assert_int_equal(fail_of(ic, ICPT_OP_WRITE, "/vmfs/volumes/ds1/vmx"),
			 0);
	icpt_free(ic);
}

/* A regex is compiled once and matched on the whole path. */
static void test_icpt_regex_matches(void **state)
{
	struct icpt *ic = icpt_new(NULL);

	(void)state;
	add(ic, "{\"match\":{\"regex\":\"^/etc/vmware/[a-z]+\\\\.conf$\"},"
		"\"action\":{\"fail\":\"EIO\"}}");
	assert_int_equal(fail_of(ic, ICPT_OP_READ, "/etc/vmware/esx.conf"),
			 -EIO);
	assert_int_equal(fail_of(ic, ICPT_OP_READ, "/etc/vmware/esx1.conf"), 0);
	assert_int_equal(
	    fail_of(ic, ICPT_OP_READ, "/etc/vmware/hostd/config.conf"), 0);
	icpt_free(ic);
}

/* A rename matches on either of its paths. */
static void test_icpt_rename_matches_both_paths(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_call c = call(ICPT_OP_RENAME, "/tmp/a");
	struct icpt_verdict v;

	(void)state;
	add(ic, "{\"match\":{\"path\":\"/etc/passwd\",\"ops\":\"rename\"},"
		"\"action\":{\"fail\":\"EPERM\"}}");
	c.path2 = "/etc/passwd";
	assert_int_equal(run(ic, &c, 0, &v), -EPERM);
	c.path2 = "/tmp/b";
	assert_int_equal(run(ic, &c, 0, &v), 0);
	icpt_free(ic);
}

/* Open flags: "write" holds for O_WRONLY and O_RDWR only; an exec open is
 * also an open, and carries the exec flag. */
static void test_icpt_flags_and_exec(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_call c = call(ICPT_OP_OPEN, "/etc/shadow");
	struct icpt_verdict v;

	(void)state;
	add(ic, "{\"match\":{\"path\":\"/etc/shadow\",\"ops\":\"open\","
		"\"flags\":\"write\"},\"action\":{\"fail\":\"EROFS\"}}");
	add(ic, "{\"match\":{\"path\":\"/bin/esxcli\",\"ops\":\"exec\"},"
		"\"action\":{\"fail\":\"ENOEXEC\"}}");
	c.has_flags = true;
	c.flags = O_RDONLY;
	assert_int_equal(run(ic, &c, 0, &v), 0);
	c.flags = O_WRONLY | O_TRUNC;
	assert_int_equal(run(ic, &c, 0, &v), -EROFS);
	c.flags = O_RDWR;
	assert_int_equal(run(ic, &c, 0, &v), -EROFS);
	c.has_flags = false; /* an op without flags never matches */
	assert_int_equal(run(ic, &c, 0, &v), 0);

	c = call(ICPT_OP_OPEN, "/bin/esxcli"); /* a plain open */
	assert_int_equal(run(ic, &c, 0, &v), 0);
	c = call(ICPT_OP_EXEC, "/bin/esxcli");
	c.ops |= ICPT_BIT(ICPT_OP_OPEN);
	assert_int_equal(run(ic, &c, 0, &v), -ENOEXEC);
	icpt_free(ic);
}

/* Caller conditions: pid, uid, and the process name (a glob) looked up
 * through the caller cache. */
static void test_icpt_caller_conditions(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct caller_cache *cc = caller_cache_new();
	struct icpt_call c = call(ICPT_OP_READ, "/f");
	struct icpt_caller who = {.pid = getpid(), .uid = 0, .cache = cc};
	struct icpt_verdict v;
	char text[256];
	const char *me = caller_name(cc, getpid());

	(void)state;
	assert_non_null(me);
	add(ic, "{\"match\":{\"path\":\"/f\",\"uid\":1000},"
		"\"action\":{\"fail\":\"EACCES\"}}");
	snprintf(text, sizeof(text),
		 "{\"match\":{\"path\":\"/f\",\"process\":\"%.*s*\"},"
		 "\"action\":{\"fail\":\"EIO\"}}",
		 3, me);
	add(ic, text);
	c.caller = &who;
	assert_int_equal(run(ic, &c, 0, &v), -EIO);
	who.uid = 1000;
	assert_int_equal(run(ic, &c, 0, &v), -EACCES);
	who.uid = 0;
	who.pid = 1; /* init: another name */
	if (strncmp(caller_name(cc, 1) ? caller_name(cc, 1) : "", me, 3))
		assert_int_equal(run(ic, &c, 0, &v), 0);
	c.caller = NULL; /* unknown caller: caller conditions never hold */
	assert_int_equal(run(ic, &c, 0, &v), 0);
	icpt_free(ic);
	caller_cache_free(cc);
}

/* The executable condition globs /proc/PID/exe. */
static void test_icpt_exe_condition(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct caller_cache *cc = caller_cache_new();
	struct icpt_call c = call(ICPT_OP_OPEN, "/f");
	struct icpt_caller who = {.pid = getpid(), .cache = cc};
	struct icpt_verdict v;

	(void)state;
	assert_non_null(caller_exe(cc, getpid()));
	add(ic, "{\"match\":{\"path\":\"/f\",\"exe\":\"/no/such/*\"},"
		"\"action\":{\"fail\":\"EPERM\"}}");
	add(ic, "{\"match\":{\"path\":\"/f\",\"exe\":\"/*/test_icpt\"},"
		"\"action\":{\"fail\":\"EIO\"}}");
	c.caller = &who;
	assert_int_equal(run(ic, &c, 0, &v), -EIO);
	icpt_free(ic);
	caller_cache_free(cc);
}

/* Truncated and byte-mutated rules never crash the compiler: each is
 * either a rule or an error message. */
static void test_icpt_mutated_rules(void **state)
{
	static const char good[] =
	    "{\"id\":\"x\",\"label\":\"l\",\"match\":{\"path\":\"/a/**/b*\","
	    "\"ops\":[\"read\",\"write\"],\"flags\":\"read\",\"pid\":1,"
	    "\"process\":\"c*\"},\"trigger\":{\"after\":1,\"count\":3,"
	    "\"probability\":0.5,\"seed\":9,\"from_ms\":0,\"until_ms\":9},"
	    "\"action\":[{\"delay_ms\":[1,2]},{\"content\":{\"base64\":"
	    "\"aGk=\",\"offset\":3}},{\"corrupt\":{\"offset\":1}},"
	    "{\"fail_after\":{\"bytes\":5,\"errno\":\"EDQUOT\"}},"
	    "{\"hang\":{\"timeout_ms\":5,\"on_timeout\":\"EIO\"}}]}";
	char buf[sizeof(good)], err[512];
	struct json_object *o;
	struct icpt_rule *r;
	size_t i, len = strlen(good);
	unsigned seed = 1;
	int k, compiled = 0;

	(void)state;
	for (k = 0; k < 4000; k++) {
		memcpy(buf, good, sizeof(good));
		if (k < (int)len) {
			buf[k] = '\0'; /* every truncation */
		} else {
			for (i = 0; i < 3; i++)
				buf[rand_r(&seed) % len] =
				    (char)(32 + rand_r(&seed) % 95);
		}
		o = json_tokener_parse(buf);
		if (!o)
			continue;
		err[0] = '\0';
		if (icpt_rule_compile(o, NULL, &r, err, sizeof(err)) == 0) {
			compiled++;
			icpt_rule_free(r);
		} else {
			assert_true(err[0] != '\0');
		}
		json_object_put(o);
	}
	assert_true(compiled > 0);
}

/* nth fires on exactly the Nth matching call; after skips N; count stops
 * after K hits; calls and hits are counted per rule. */
static void test_icpt_nth_after_count(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_rule *nth, *after, *count;
	int i, got[8];

	(void)state;
	nth = add(ic, "{\"id\":\"nth\",\"match\":{\"path\":\"/a\"},"
		      "\"trigger\":{\"nth\":3},\"action\":{\"fail\":\"EIO\"}}");
	after = add(ic, "{\"id\":\"after\",\"match\":{\"path\":\"/b\"},"
			"\"trigger\":{\"after\":2},"
			"\"action\":{\"fail\":\"EIO\"}}");
	count = add(ic, "{\"id\":\"count\",\"match\":{\"path\":\"/c\"},"
			"\"trigger\":{\"count\":2},"
			"\"action\":{\"fail\":\"EIO\"}}");
	for (i = 0; i < 5; i++)
		got[i] = fail_of(ic, ICPT_OP_READ, "/a");
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 0);
	assert_int_equal(got[2], -EIO);
	assert_int_equal(got[3], 0);
	assert_int_equal(got[4], 0);
	assert_int_equal(icpt_rule_hits(nth), 1);
	for (i = 0; i < 4; i++)
		got[i] = fail_of(ic, ICPT_OP_READ, "/b");
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 0);
	assert_int_equal(got[2], -EIO);
	assert_int_equal(got[3], -EIO);
	assert_int_equal(icpt_rule_hits(after), 2);
	for (i = 0; i < 4; i++)
		got[i] = fail_of(ic, ICPT_OP_READ, "/c");
	assert_int_equal(got[0], -EIO);
	assert_int_equal(got[1], -EIO);
	assert_int_equal(got[2], 0);
	assert_int_equal(got[3], 0);
	assert_int_equal(icpt_rule_hits(count), 2);
	icpt_free(ic);
}

/* after + count: fires on calls 3 and 4 only. */
static void test_icpt_after_with_count(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	int i, fired = 0, first = 0;

	(void)state;
	add(ic, "{\"match\":{\"path\":\"/a\"},"
		"\"trigger\":{\"after\":2,\"count\":2},"
		"\"action\":{\"fail\":\"EIO\"}}");
	for (i = 1; i <= 10; i++) {
		if (fail_of(ic, ICPT_OP_READ, "/a")) {
			fired++;
			if (!first)
				first = i;
		}
	}
	assert_int_equal(fired, 2);
	assert_int_equal(first, 3);
	icpt_free(ic);
}

/* A window counts from the rule's addition, in the engine's clock. */
static void test_icpt_time_window(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_call c = call(ICPT_OP_READ, "/w");
	struct icpt_verdict v;
	uint64_t t0 = icpt_now_ms();

	(void)state;
	add(ic, "{\"match\":{\"path\":\"/w\"},"
		"\"trigger\":{\"from_ms\":1000,\"until_ms\":2000},"
		"\"action\":{\"fail\":\"EIO\"}}");
	/* the rule was added at about t0: evaluate at chosen times */
	assert_int_equal(run(ic, &c, t0 + 500, &v), 0);
	assert_int_equal(run(ic, &c, t0 + 1500, &v), -EIO);
	assert_int_equal(run(ic, &c, t0 + 2500, &v), 0);
	icpt_free(ic);
}

/* Records which of n calls a probability rule with seed fires on. */
static void prob_pattern(const char *rule, int n, char *out)
{
	struct icpt *ic = icpt_new(NULL);
	int i;

	add(ic, rule);
	for (i = 0; i < n; i++)
		out[i] = fail_of(ic, ICPT_OP_READ, "/p") ? '1' : '0';
	out[n] = '\0';
	icpt_free(ic);
}

/* The same seed gives the same sequence; another seed another one; the
 * rate is close to p. */
static void test_icpt_probability_seeded(void **state)
{
	const char *r42 = "{\"match\":{\"path\":\"/p\"},\"trigger\":{"
			  "\"probability\":0.3,\"seed\":42},"
			  "\"action\":{\"fail\":\"EIO\"}}",
		   *r43 = "{\"match\":{\"path\":\"/p\"},\"trigger\":{"
			  "\"probability\":0.3,\"seed\":43},"
			  "\"action\":{\"fail\":\"EIO\"}}";
	char a[1001], b[1001], c[1001];
	int i, ones = 0;

	(void)state;
	prob_pattern(r42, 1000, a);
	prob_pattern(r42, 1000, b);
	prob_pattern(r43, 1000, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	for (i = 0; i < 1000; i++)
		ones += a[i] == '1';
	assert_in_range(ones, 220, 380);
}

/* Probability 0 never fires, 1 always does. */
static void test_icpt_probability_bounds(void **state)
{
	char a[101], b[101];

	(void)state;
	prob_pattern("{\"match\":{\"path\":\"/p\"},\"trigger\":{"
		     "\"probability\":0,\"seed\":1},"
		     "\"action\":{\"fail\":\"EIO\"}}",
		     100, a);
	prob_pattern("{\"match\":{\"path\":\"/p\"},\"trigger\":{"
		     "\"probability\":1},\"action\":{\"fail\":\"EIO\"}}",
		     100, b);
	assert_null(strchr(a, '1'));
	assert_null(strchr(b, '0'));
}

/* Actions stack: delays add up across rules, the first fail wins and
 * stops evaluation (later rules' counters do not move). */
static void test_icpt_stacking_and_order(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_call c = call(ICPT_OP_READ, "/s");
	struct icpt_rule *last;
	struct icpt_verdict v;

	(void)state;
	add(ic, "{\"id\":\"d1\",\"match\":{\"path\":\"/s\"},"
		"\"action\":{\"delay_ms\":100}}");
	add(ic, "{\"id\":\"d2\",\"match\":{\"path\":\"/**\"},"
		"\"action\":[{\"delay_ms\":50},{\"fail\":\"EIO\"}]}");
	last = add(ic, "{\"id\":\"late\",\"match\":{\"path\":\"/s\"},"
		       "\"action\":{\"fail\":\"ENOENT\"}}");
	assert_int_equal(run(ic, &c, 0, &v), -EIO);
	assert_int_equal(v.delay_ms, 150);
	assert_int_equal(v.n_fired, 2);
	assert_string_equal(icpt_rule_id(v.fired[0]), "d1");
	assert_string_equal(icpt_rule_id(v.fired[1]), "d2");
	assert_int_equal(icpt_rule_hits(last), 0);
	/* removing d2 lets the later rule decide */
	assert_int_equal(icpt_remove(ic, "d2"), 0);
	assert_int_equal(run(ic, &c, 0, &v), -ENOENT);
	assert_int_equal(icpt_remove(ic, "d2"), -ENOENT);
	icpt_free(ic);
}

/* A delay range draws from the rule's seeded PRNG, within the range. */
static void test_icpt_delay_range(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_call c = call(ICPT_OP_READ, "/d");
	struct icpt_verdict v;
	int i;

	(void)state;
	add(ic, "{\"match\":{\"path\":\"/d\"},"
		"\"action\":{\"delay_ms\":[10,20]}}");
	for (i = 0; i < 200; i++) {
		run(ic, &c, 0, &v);
		assert_in_range(v.delay_ms, 10, 20);
	}
	icpt_free(ic);
}

/* Read transforms: whole content, a range overlay past the end, corrupt
 * bytes, and a short-read cap, in that order. */
static void test_icpt_read_transforms(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_call c = call(ICPT_OP_READ, "/r");
	struct icpt_verdict v;
	char *out;
	size_t n;

	(void)state;
	add(ic, "{\"match\":{\"path\":\"/r\",\"ops\":\"read\"},"
		"\"action\":{\"content\":{\"text\":\"hello world\"}}}");
	run(ic, &c, 0, &v);
	assert_true(v.rewrites_read);
	assert_int_equal(icpt_read_build(&v, 3, "abc", 3, 0, 4096, &out, &n),
			 0);
	assert_int_equal(n, 11);
	assert_memory_equal(out, "hello world", 11);
	free(out);
	assert_int_equal(icpt_read_build(&v, 3, "", 0, 6, 4096, &out, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "world", 5);
	free(out);
	assert_int_equal(icpt_read_build(&v, 3, "", 0, 11, 4096, &out, &n), 0);
	assert_int_equal(n, 0);
	free(out);
	icpt_clear(ic, true);

	add(ic, "{\"match\":{\"path\":\"/r\",\"ops\":\"read\"},"
		"\"action\":[{\"content\":{\"text\":\"XY\",\"offset\":4}},"
		"{\"corrupt\":{\"offset\":0,\"length\":2,\"xor\":32}},"
		"{\"short_read\":5}]}");
	run(ic, &c, 0, &v);
	/* stored "abcd" (4 bytes) + "XY" at 4 = "abcdXY"; corrupt "AB";
	 * at most 5 bytes per call */
	assert_int_equal(icpt_read_build(&v, 4, "abcd", 4, 0, 4096, &out, &n),
			 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "ABcdX", 5);
	free(out);
	assert_int_equal(icpt_read_build(&v, 4, "", 0, 5, 4096, &out, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(out, "Y", 1);
	free(out);
	icpt_free(ic);
}

/* Write actions: fail_after lets N bytes through (a short write), then
 * fails with ENOSPC; capture keeps what passes; discard drops it. */
static void test_icpt_write_filter(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_call c = call(ICPT_OP_WRITE, "/w");
	struct icpt_verdict v;
	struct icpt_rule *r;
	struct json_object *cap, *d;
	char buf[3000];
	size_t len;

	(void)state;
	r = add(ic, "{\"id\":\"w\",\"match\":{\"path\":\"/w\",\"ops\":"
		    "\"write\"},\"action\":[{\"fail_after\":4096},"
		    "{\"capture\":{\"max_bytes\":6000}}]}");
	memset(buf, 'a', sizeof(buf));
	run(ic, &c, 0, &v);
	len = 3000;
	assert_int_equal(icpt_write_filter(&v, "/w", buf, &len, 0), 0);
	assert_int_equal(len, 3000);
	run(ic, &c, 0, &v);
	len = 3000;
	assert_int_equal(icpt_write_filter(&v, "/w", buf, &len, 3000), 0);
	assert_int_equal(len, 1096); /* ENOSPC mid-file: what fits */
	run(ic, &c, 0, &v);
	len = 1904;
	assert_int_equal(icpt_write_filter(&v, "/w", buf, &len, 4096), -ENOSPC);
	cap = icpt_rule_capture_json(r, true);
	assert_non_null(cap);
	assert_true(json_object_object_get_ex(cap, "bytes", &d));
	assert_int_equal(json_object_get_int64(d), 4096);
	assert_true(json_object_object_get_ex(cap, "writes", &d));
	assert_int_equal(json_object_array_length(d), 2);
	json_object_put(cap);

	add(ic, "{\"match\":{\"path\":\"/dev/null2\"},"
		"\"action\":{\"discard\":true}}");
	c = call(ICPT_OP_WRITE, "/dev/null2");
	run(ic, &c, 0, &v);
	len = 10;
	assert_int_equal(icpt_write_filter(&v, "/dev/null2", buf, &len, 0),
			 ICPT_WRITE_DISCARD);
	icpt_free(ic);
}

/* Bad rules are refused with a message naming the member. */
static void test_icpt_bad_rules(void **state)
{
	(void)state;
	bad("{\"match\":{\"path\":\"/a\"}}", "action: missing");
	bad("{\"action\":{\"fail\":\"EFOO\"}}",
	    "action.fail: unknown errno 'EFOO'");
	bad("{\"action\":{\"fial\":\"EIO\"}}", "action.fial: unknown key");
	bad("{\"match\":{\"ops\":[\"read\",\"reed\"]},\"action\":{\"log\":true}"
	    "}",
	    "match.ops[1]: unknown op 'reed'");
	bad("{\"match\":{\"path\":\"etc\"},\"action\":{\"log\":true}}",
	    "match.path: 'etc' is not an absolute path");
	bad("{\"match\":{\"path\":\"/a\",\"regex\":\"x\"},"
	    "\"action\":{\"log\":true}}",
	    "give one of 'path' and 'regex'");
	bad("{\"match\":{\"regex\":\"(\"},\"action\":{\"log\":true}}",
	    "match.regex: bad regex '('");
	bad("{\"trigger\":{\"probability\":1.5},\"action\":{\"log\":true}}",
	    "trigger.probability: probability 1.5 is not in [0, 1]");
	bad("{\"trigger\":{\"nth\":0},\"action\":{\"log\":true}}",
	    "trigger.nth: must be at least 1");
	bad("{\"trigger\":{\"nth\":2,\"after\":1},\"action\":{\"log\":true}}",
	    "give one of 'nth' and 'after'");
	bad("{\"trigger\":{\"from_ms\":10,\"until_ms\":5},"
	    "\"action\":{\"log\":true}}",
	    "window ends before it starts");
	bad("{\"match\":{\"ops\":\"write\"},\"action\":{\"short_read\":3}}",
	    "match.ops must include 'read'");
	bad("{\"match\":{\"ops\":\"read\"},\"action\":{\"discard\":true}}",
	    "match.ops must include 'write'");
	bad("{\"action\":{\"delay_ms\":[20,10]}}", "is reversed");
	bad("{\"action\":{\"content\":{\"base64\":\"@@@\"}}}",
	    "invalid base64");
	bad("{\"id\":\"bad id\",\"action\":{\"log\":true}}", "bad id");
	bad("{\"match\":{\"flags\":[\"rdonly\",\"wronly\"]},"
	    "\"action\":{\"log\":true}}",
	    "contradicts");
	bad("{\"action\":[]}", "action: no action");
	bad("{\"action\":{\"hang\":{\"timeout\":5}}}",
	    "action.hang.timeout: unknown key");
	bad("{\"match\":\"x\",\"action\":{\"log\":true}}",
	    "match: expected an object, got string");
	bad("{\"color\":1,\"action\":{\"log\":true}}", "color: unknown key");
}

/* Ids: given ones must be unique; missing ones are generated. */
static void test_icpt_ids(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct json_object *o =
	    json_tokener_parse("{\"id\":\"x\",\"action\":{\"log\":true}}");
	struct icpt_rule *r;
	char err[256];

	(void)state;
	add(ic, "{\"id\":\"x\",\"action\":{\"log\":true}}");
	assert_int_equal(icpt_rule_compile(o, NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(icpt_add(ic, r, ICPT_FROM_API), -EEXIST);
	r = add(ic, "{\"action\":{\"log\":true}}");
	assert_string_equal(icpt_rule_id(r), "r1");
	assert_int_equal(icpt_count(ic), 2);
	assert_int_equal(icpt_clear(ic, false), 2);
	assert_true(icpt_empty(ic));
	json_object_put(o);
	icpt_free(ic);
}

/* Many exact rules (as the manifest makes) are found through the index
 * and evaluated in order with the others. */
static void test_icpt_exact_index_order(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_call c = call(ICPT_OP_READ, "/f500");
	struct icpt_verdict v;
	char text[256];
	int i;

	(void)state;
	add(ic, "{\"id\":\"first\",\"match\":{\"path\":\"/f*\"},"
		"\"action\":{\"delay_ms\":1}}");
	for (i = 0; i < 1000; i++) {
		snprintf(text, sizeof(text),
			 "{\"id\":\"e%d\",\"match\":{\"path\":\"/f%d\"},"
			 "\"action\":{\"fail\":%d}}",
			 i, i, 1 + i % 100);
		add(ic, text);
	}
	add(ic, "{\"id\":\"last\",\"match\":{\"path\":\"/f*\"},"
		"\"action\":{\"fail\":\"EIO\"}}");
	assert_int_equal(run(ic, &c, 0, &v), -(1 + 500 % 100));
	assert_int_equal(v.n_fired, 2);
	assert_string_equal(icpt_rule_id(v.fired[0]), "first");
	assert_string_equal(icpt_rule_id(v.fired[1]), "e500");
	c.path = "/f5000";
	assert_int_equal(run(ic, &c, 0, &v), -EIO);
	icpt_free(ic);
}

struct wait_seen {
	int calls, err;
};

static void wait_done(void *arg, int err)
{
	struct wait_seen *w = arg;

	w->calls++;
	w->err = err;
}

/* rules.wait's engine side: answered when the hits are reached, or when
 * the rule goes away; already reached answers at once. */
static void test_icpt_wait(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct wait_seen w = {0, 1}, g = {0, 1};
	uint64_t h;

	(void)state;
	add(ic, "{\"id\":\"w\",\"match\":{\"path\":\"/w\"},"
		"\"action\":{\"log\":true}}");
	assert_int_equal(icpt_wait(ic, "w", 2, 0, wait_done, &w, &h), 0);
	fail_of(ic, ICPT_OP_READ, "/w");
	assert_int_equal(w.calls, 0);
	fail_of(ic, ICPT_OP_READ, "/w");
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.err, 0);
	assert_int_equal(icpt_wait(ic, "w", 2, 0, wait_done, &w, &h), 1);
	assert_int_equal(icpt_wait(ic, "none", 1, 0, wait_done, &w, &h),
			 -ENOENT);
	assert_int_equal(icpt_wait(ic, "w", 5, 0, wait_done, &g, &h), 0);
	icpt_remove(ic, "w");
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.err, -ENOENT);
	icpt_free(ic);
}

struct hold_seen {
	int calls, err;
};

static void hold_release(void *arg, int err)
{
	struct hold_seen *s = arg;

	s->calls++;
	s->err = err;
}

/* Held requests are released by rule, oldest first, at most count. */
static void test_icpt_hold_release(void **state)
{
	struct icpt *ic = icpt_new(NULL);
	struct icpt_rule *a, *b;
	struct hold_seen s[3] = {{0, 1}, {0, 1}, {0, 1}};

	(void)state;
	a = add(ic, "{\"id\":\"a\",\"action\":{\"hang\":true}}");
	b = add(ic, "{\"id\":\"b\",\"action\":{\"hang\":true}}");
	assert_true(icpt_hold(ic, a, hold_release, &s[0]) > 0);
	assert_true(icpt_hold(ic, a, hold_release, &s[1]) > 0);
	assert_true(icpt_hold(ic, b, hold_release, &s[2]) > 0);
	assert_int_equal(icpt_held(ic), 3);
	assert_int_equal(icpt_release(ic, "a", -EIO, 1), 1);
	assert_int_equal(s[0].calls, 1);
	assert_int_equal(s[0].err, -EIO);
	assert_int_equal(s[1].calls, 0);
	assert_int_equal(icpt_release(ic, "zz", 0, 0), -ENOENT);
	assert_int_equal(icpt_release(ic, NULL, 0, 0), 2);
	assert_int_equal(s[1].calls, 1);
	assert_int_equal(s[2].calls, 1);
	assert_int_equal(s[2].err, 0);
	assert_int_equal(icpt_held(ic), 0);
	icpt_free(ic);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_icpt_exact_path_and_ops),
	    cmocka_unit_test(test_icpt_glob_matches),
	    cmocka_unit_test(test_icpt_regex_matches),
	    cmocka_unit_test(test_icpt_rename_matches_both_paths),
	    cmocka_unit_test(test_icpt_flags_and_exec),
	    cmocka_unit_test(test_icpt_caller_conditions),
	    cmocka_unit_test(test_icpt_exe_condition),
	    cmocka_unit_test(test_icpt_mutated_rules),
	    cmocka_unit_test(test_icpt_nth_after_count),
	    cmocka_unit_test(test_icpt_after_with_count),
	    cmocka_unit_test(test_icpt_time_window),
	    cmocka_unit_test(test_icpt_probability_seeded),
	    cmocka_unit_test(test_icpt_probability_bounds),
	    cmocka_unit_test(test_icpt_stacking_and_order),
	    cmocka_unit_test(test_icpt_delay_range),
	    cmocka_unit_test(test_icpt_read_transforms),
	    cmocka_unit_test(test_icpt_write_filter),
	    cmocka_unit_test(test_icpt_bad_rules),
	    cmocka_unit_test(test_icpt_ids),
	    cmocka_unit_test(test_icpt_exact_index_order),
	    cmocka_unit_test(test_icpt_wait),
	    cmocka_unit_test(test_icpt_hold_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
