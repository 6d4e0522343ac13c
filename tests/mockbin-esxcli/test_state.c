/* test_state.c - unit tests of lib/state.c and state_py.c: located parse
 * errors, the Python json.dumps serialiser, locked state-file updates. */
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

#include "state.h"

static char root_dir[] = "/tmp/test_state.XXXXXX";

static char *dump(const char *json, int indent)
{
	struct state_err err;
	json_object *o;
	char *s;

	assert_int_equal(state_json_parse("t", json, strlen(json), &o, &err),
			 0);
	s = state_json_dump_py(o, indent);
	json_object_put(o);
	return s;
}

/* indent 3 with ": " and one item per line, like json.dumps(indent=3) */
static void test_state_dump_py_indent3(void **state)
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
static void test_state_dump_py_keeps_order(void **state)
{
	char *s = dump("{\"z\":1,\"a\":2}", -1);

	(void)state;
	assert_string_equal(s, "{\"z\": 1, \"a\": 2}");
	free(s);
}

/* ensure_ascii: non-ASCII as \uXXXX (surrogate pairs above U+FFFF), '/' kept */
static void test_state_dump_py_escapes(void **state)
{
	char *s = dump("[\"\xc3\xa9/\\t\\u0001\xf0\x9f\x98\x80\"]", -1);

	(void)state;
	assert_string_equal(s, "[\"\\u00e9/\\t\\u0001\\ud83d\\ude00\"]");
	free(s);
}

/* a syntax error names the file, line and column, and fills the fields */
static void test_state_parse_error_location(void **state)
{
	struct state_err err;
	json_object *o;
	const char *text = "{\n  \"a\": 1,\n  \"b\": ]\n}";

	(void)state;
	assert_int_equal(
	    state_json_parse("f.json", text, strlen(text), &o, &err), -EBADMSG);
	assert_null(o);
	assert_string_equal(err.msg, "'f.json': line 3, column 8: invalid "
				     "JSON: unexpected character");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 8);
	assert_string_equal(err.reason, "unexpected character");
}

/* a document cut short is an unexpected end of file at its end */
static void test_state_parse_truncated(void **state)
{
	struct state_err err;
	json_object *o;

	(void)state;
	assert_int_equal(state_json_parse("f", "{\"a\": [\n", 8, &o, &err),
			 -EBADMSG);
	assert_string_equal(
	    err.msg, "'f': line 2, column 1: invalid JSON: unexpected end of "
		     "file");
}

/* strict JSON: a trailing comma is refused, as Python's json does */
static void test_state_parse_strict(void **state)
{
	struct state_err err;
	json_object *o;

	(void)state;
	assert_int_equal(state_json_parse("f", "[1,]", 4, &o, &err), -EBADMSG);
	assert_int_equal(state_json_parse("f", "[1] x", 5, &o, &err), -EBADMSG);
	assert_int_equal(err.column, 5);
	assert_int_equal(state_json_parse("f", "", 0, &o, &err), -EBADMSG);
	assert_int_equal(state_json_parse("f", " [1] \n", 6, &o, &err), 0);
	json_object_put(o);
}

/* lock + commit writes the file; a reader sees the new version */
static void test_state_lock_commit_roundtrip(void **state)
{
	struct state_err err;
	struct state_doc d;
	json_object *o;

	(void)state;
	assert_int_equal(state_json_read("/s.json", &o, &err), -ENOENT);
	assert_string_equal(err.msg, "'/s.json': cannot read: No such file "
				     "or directory");
	assert_int_equal(state_json_lock(&d, "/s.json", &err), 0);
	assert_null(d.root);
	d.root = json_object_new_object();
	json_object_object_add(d.root, "k", json_object_new_string("a/b"));
	assert_int_equal(state_json_commit(&d, &err), 0);
	state_json_release(&d);
	assert_int_equal(state_json_read("/s.json", &o, &err), 0);
	assert_string_equal(state_json_str(o, "k", NULL), "a/b");
	assert_int_equal(state_json_int(o, "k", 7), 7);
	assert_true(state_json_bool(o, "k", true));
	assert_null(state_json_array(o, "k"));
	json_object_put(o);
}

/* the committed text is json-c's pretty form with a final newline */
static void test_state_commit_format(void **state)
{
	struct state_err err;
	struct state_doc d;
	char path[256], buf[256];
	FILE *f;
	size_t n;

	(void)state;
	assert_int_equal(state_json_lock(&d, "/fmt.json", &err), 0);
	d.root = json_object_new_object();
	json_object_object_add(d.root, "p", json_object_new_string("/x"));
	json_object_object_add(d.root, "n", json_object_new_int(1));
	assert_int_equal(state_json_commit(&d, &err), 0);
	snprintf(path, sizeof(path), "%s/fmt.json", root_dir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, "{\n  \"p\": \"/x\",\n  \"n\": 1\n}\n");
}

static int add_one(json_object **root, void *arg)
{
	(void)arg;
	if (!*root)
		*root = json_object_new_object();
	json_object_object_add(*root, "one", json_object_new_int(1));
	return 0;
}

static int refuse(json_object **root, void *arg)
{
	(void)root;
	return *(int *)arg;
}

/* update: fn's 0 writes, a positive value or an errno leaves the file */
static void test_state_update_callback(void **state)
{
	struct state_err err;
	json_object *o;
	int keep = 1, fail = -EPERM;

	(void)state;
	assert_int_equal(state_json_update("/u.json", add_one, NULL, &err), 0);
	assert_int_equal(state_json_update("/u.json", refuse, &keep, &err), 1);
	assert_int_equal(state_json_update("/u.json", refuse, &fail, &err),
			 -EPERM);
	assert_int_equal(state_json_read("/u.json", &o, &err), 0);
	assert_int_equal(state_json_int(o, "one", 0), 1);
	json_object_put(o);
}

/* a blank file is a document not written yet, for reads and locks */
static void test_state_blank_file(void **state)
{
	struct state_err err;
	struct state_doc d;
	char path[256];
	json_object *o;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/blank.json", root_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(" \n\t\n", f);
	fclose(f);
	assert_int_equal(state_json_read("/blank.json", &o, &err), 0);
	assert_null(o);
	assert_int_equal(state_json_lock(&d, "/blank.json", &err), 0);
	assert_null(d.root);
	state_json_release(&d);
}

/* a broken state file is reported with its name and nothing is written */
static void test_state_lock_bad_file(void **state)
{
	struct state_err err;
	struct state_doc d;
	char path[256];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.json", root_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"a\": tru}", f);
	fclose(f);
	assert_int_equal(state_json_lock(&d, "/bad.json", &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "'/bad.json': line 1, column "));
	assert_int_equal(state_json_update("/bad.json", add_one, NULL, &err),
			 -EBADMSG);
}

static int set_x(struct esxconf *c, void *arg)
{
	return esxconf_set(c, "/x", arg);
}

/* esx.conf: a missing file is empty; update writes the key */
static void test_state_conf_update(void **state)
{
	char one[] = "1", dir[300];
	struct state_err err;
	struct esxconf c;

	(void)state;
	snprintf(dir, sizeof(dir), "mkdir -p %s/etc/vmware", root_dir);
	assert_int_equal(system(dir), 0);
	assert_int_equal(state_conf_load(&c, &err), 0);
	assert_null(esxconf_get(&c, "/x"));
	esxconf_release(&c);
	assert_int_equal(state_conf_update(set_x, one, &err), 0);
	assert_int_equal(state_conf_load(&c, &err), 0);
	assert_string_equal(esxconf_get(&c, "/x"), "1");
	esxconf_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_dump_py_indent3),
	    cmocka_unit_test(test_state_dump_py_keeps_order),
	    cmocka_unit_test(test_state_dump_py_escapes),
	    cmocka_unit_test(test_state_parse_error_location),
	    cmocka_unit_test(test_state_parse_truncated),
	    cmocka_unit_test(test_state_parse_strict),
	    cmocka_unit_test(test_state_lock_commit_roundtrip),
	    cmocka_unit_test(test_state_commit_format),
	    cmocka_unit_test(test_state_update_callback),
	    cmocka_unit_test(test_state_blank_file),
	    cmocka_unit_test(test_state_lock_bad_file),
	    cmocka_unit_test(test_state_conf_update),
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
