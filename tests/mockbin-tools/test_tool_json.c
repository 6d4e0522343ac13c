/* test_tool_json.c - unit tests of lib/tool_json.c: located parse errors,
 * the Python json.dumps serialiser and locked state-file updates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool_json.h"

static char root_dir[] = "/tmp/test_tool_json.XXXXXX";

static char *dump(const char *json, int indent)
{
	char err[TJ_ERR_MAX];
	json_object *o;
	char *s;

	assert_int_equal(
	    tj_parse("t", json, strlen(json), &o, err, sizeof(err)), 0);
	s = tj_dump_py(o, indent);
	json_object_put(o);
	return s;
}

/* indent 3 with ": " and one item per line, like json.dumps(indent=3) */
static void test_tj_dump_py_indent3(void **state)
{
	char *s =
	    dump("{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{},\"d\":[]}", 3);

	(void)state;
	assert_string_equal(s,
			    "{\n   \"a\": 1,\n   \"b\": [\n      true,\n"
			    "      null,\n      \"x\"\n   ],\n   \"c\": {},\n"
			    "   \"d\": []\n}");
	free(s);
}

/* key order is the document's, not sorted */
static void test_tj_dump_py_keeps_order(void **state)
{
	char *s = dump("{\"z\":1,\"a\":2}", -1);

	(void)state;
	assert_string_equal(s, "{\"z\": 1, \"a\": 2}");
	free(s);
}

/* ensure_ascii: non-ASCII as \uXXXX (surrogate pairs above U+FFFF), '/' kept */
static void test_tj_dump_py_escapes(void **state)
{
	char *s = dump("[\"\xc3\xa9/\\t\\u0001\xf0\x9f\x98\x80\"]", -1);

	(void)state;
	assert_string_equal(s, "[\"\\u00e9/\\t\\u0001\\ud83d\\ude00\"]");
	free(s);
}

/* a syntax error names the file, line and column */
static void test_tj_parse_error_location(void **state)
{
	char err[TJ_ERR_MAX];
	json_object *o;
	const char *text = "{\n  \"a\": 1,\n  \"b\": ]\n}";

	(void)state;
	assert_int_equal(
	    tj_parse("f.json", text, strlen(text), &o, err, sizeof(err)),
	    -EBADMSG);
	assert_null(o);
	assert_string_equal(err,
			    "'f.json': line 3, column 8: unexpected character");
}

/* strict JSON: a trailing comma is refused, as Python's json does */
static void test_tj_parse_strict(void **state)
{
	char err[TJ_ERR_MAX];
	json_object *o;

	(void)state;
	assert_int_equal(tj_parse("f", "[1,]", 4, &o, err, sizeof(err)),
			 -EBADMSG);
	assert_int_equal(tj_parse("f", "[1] x", 5, &o, err, sizeof(err)),
			 -EBADMSG);
	assert_string_equal(err, "'f': line 1, column 5: unexpected character");
	assert_int_equal(tj_parse("f", "", 0, &o, err, sizeof(err)), -EBADMSG);
}

/* lock + commit writes the file; a reader sees the new version */
static void test_tj_lock_commit_roundtrip(void **state)
{
	char err[TJ_ERR_MAX];
	struct tj_doc d;
	json_object *o;

	(void)state;
	assert_int_equal(tj_read("/s.json", &o, err, sizeof(err)), -ENOENT);
	assert_int_equal(tj_lock(&d, "/s.json", err, sizeof(err)), 0);
	assert_null(d.root);
	d.root = json_object_new_object();
	json_object_object_add(d.root, "k", json_object_new_string("a/b"));
	assert_int_equal(tj_commit(&d), 0);
	tj_release(&d);
	assert_int_equal(tj_read("/s.json", &o, err, sizeof(err)), 0);
	assert_string_equal(tj_str(o, "k", NULL), "a/b");
	assert_int_equal(tj_int(o, "k", 7), 7);
	json_object_put(o);
}

/* a broken state file is reported with its name and nothing is written */
static void test_tj_lock_bad_file(void **state)
{
	char err[TJ_ERR_MAX], path[256];
	struct tj_doc d;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.json", root_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"a\": tru}", f);
	fclose(f);
	assert_int_equal(tj_lock(&d, "/bad.json", err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "'/bad.json': line 1, column "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tj_dump_py_indent3),
	    cmocka_unit_test(test_tj_dump_py_keeps_order),
	    cmocka_unit_test(test_tj_dump_py_escapes),
	    cmocka_unit_test(test_tj_parse_error_location),
	    cmocka_unit_test(test_tj_parse_strict),
	    cmocka_unit_test(test_tj_lock_commit_roundtrip),
	    cmocka_unit_test(test_tj_lock_bad_file),
	};
	char cmd[128];
	int r;

	if (!mkdtemp(root_dir))
		return 1;
	setenv("ESXMOCK_ROOT", root_dir, 1);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root_dir);
	if (system(cmd) != 0)
		r = 1;
	return r;
}
