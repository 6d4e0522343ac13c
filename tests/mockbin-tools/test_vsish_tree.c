/* test_vsish_tree.c - unit tests of vsish_tree.c: path resolution, lookup
 * with the "Extraneous" component, listing order, output formats, set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vsish_tree.h"

static const char tree_json[] =
    "{\"/a/b/leaf\": 5,"
    " \"/a/b/s\": \"text\","
    " \"/a/c/\": {},"
    " \"/a/b/opt\": {\"title\": \"Vmkernel Config Option\", \"set\": \"cur\","
    "   \"fields\": [{\"name\": \"min\", \"label\": \"Min value\", \"value\": "
    "0},"
    "              {\"name\": \"max\", \"label\": \"Max value\", \"value\": "
    "10},"
    "              {\"name\": \"cur\", \"label\": \"Current value\", "
    "\"value\": 3},"
    "              {\"name\": \"flags\", \"value\": 255, \"hex\": true},"
    "              {\"name\": \"desc\", \"label\": \"Description\", \"value\": "
    "\"d\"}]},"
    " \"/a/b/nested\": {\"title\": \"outer\", \"fields\": [{\"name\": \"in\","
    "   \"label\": \"Inner\", \"value\": {\"title\": \"inner\", \"fields\":"
    "   [{\"name\": \"x\", \"value\": 1}]}}]},"
    " \"/a/b/act\": {\"action\": true},"
    " \"/a/b/list\": [1, \"two\"],"
    " \"/a/b/flag\": true,"
    " \"/z\": 1,"
    " \"/a/b/bad\": {\"nofields\": 1}}";

static json_object *tree(void)
{
	return json_tokener_parse(tree_json);
}

static void check_resolve(const char *cwd, const char *in, const char *want)
{
	char out[VSI_PATH_MAX];

	assert_int_equal(vsi_path_resolve(cwd, in, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

/* ".", "..", repeated and trailing slashes, relative paths */
static void test_vsi_path_resolve(void **state)
{
	char out[8];

	(void)state;
	check_resolve("/", "/net/pNics/", "/net/pNics");
	check_resolve("/", "//net///pNics", "/net/pNics");
	check_resolve("/net", "pNics/./vmnic0", "/net/pNics/vmnic0");
	check_resolve("/net/pNics/vmnic0", "../vmnic1", "/net/pNics/vmnic1");
	check_resolve("/net", "../../..", "/");
	check_resolve("/a", ".", "/a");
	assert_int_equal(vsi_path_resolve("/", "/abcdefghij", out, sizeof(out)),
			 -ENAMETOOLONG);
}

/* leaves, implied and declared directories, and the missing component */
static void test_vsi_lookup(void **state)
{
	json_object *t = tree(), *leaf;
	char miss[64];

	(void)state;
	assert_int_equal(vsi_lookup(t, "/a/b/leaf", &leaf, miss, sizeof(miss)),
			 VSI_LEAF);
	assert_int_equal(json_object_get_int(leaf), 5);
	assert_int_equal(vsi_lookup(t, "/a/b", &leaf, miss, sizeof(miss)),
			 VSI_DIR);
	assert_int_equal(vsi_lookup(t, "/a/c", &leaf, miss, sizeof(miss)),
			 VSI_DIR);
	assert_int_equal(vsi_lookup(t, "/", &leaf, miss, sizeof(miss)),
			 VSI_DIR);
	assert_int_equal(vsi_lookup(t, "/a/b/nope", &leaf, miss, sizeof(miss)),
			 VSI_MISSING);
	assert_string_equal(miss, "nope");
	assert_int_equal(vsi_lookup(t, "/a/x/y/z", &leaf, miss, sizeof(miss)),
			 VSI_MISSING);
	assert_string_equal(miss, "x");
	/* a path through a leaf: the component after it is extraneous */
	assert_int_equal(
	    vsi_lookup(t, "/a/b/leaf/more/x", &leaf, miss, sizeof(miss)),
	    VSI_MISSING);
	assert_string_equal(miss, "more");
	/* "/a/b/lea" is not "/a/b/leaf" */
	assert_int_equal(vsi_lookup(t, "/a/b/lea", &leaf, miss, sizeof(miss)),
			 VSI_MISSING);
	assert_string_equal(miss, "lea");
	json_object_put(t);
}

/* children in first-appearance order, directories with '/' */
static void test_vsi_list(void **state)
{
	json_object *t = tree();
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	vsi_list(t, "/", &b);
	assert_string_equal(b.s, "a/\nz\n");
	strbuf_release(&b);
	vsi_list(t, "/a", &b);
	assert_string_equal(b.s, "b/\nc/\n");
	strbuf_release(&b);
	vsi_list(t, "/a/c", &b);
	assert_null(b.s);
	json_object_put(t);
}

static char *fmt(json_object *t, const char *path, bool parse, int want_r)
{
	json_object *leaf;
	struct vsi_err e;
	struct strbuf b;
	char miss[64];

	assert_int_equal(vsi_lookup(t, path, &leaf, miss, sizeof(miss)),
			 VSI_LEAF);
	strbuf_init(&b);
	assert_int_equal(vsi_format(leaf, path, parse, &b, &e), want_r);
	if (want_r < 0) {
		strbuf_release(&b);
		return strdup(e.msg);
	}
	return strbuf_xtake(&b);
}

/* struct: "Title {", "   Label:value", "}"; -p: "   \"name\" : value," */
static void test_vsi_format_struct(void **state)
{
	json_object *t = tree();
	char *s;

	(void)state;
	s = fmt(t, "/a/b/opt", false, 0);
	assert_string_equal(s, "Vmkernel Config Option {\n   Min value:0\n"
			       "   Max value:10\n   Current value:3\n"
			       "   flags:0xff\n   Description:d\n}\n");
	free(s);
	s = fmt(t, "/a/b/opt", true, 0);
	assert_string_equal(s, "{\n   \"min\" : 0,\n   \"max\" : 10,\n"
			       "   \"cur\" : 3,\n   \"flags\" : 0xff,\n"
			       "   \"desc\" : \"d\",\n}\n");
	free(s);
	s = fmt(t, "/a/b/nested", false, 0);
	assert_string_equal(s,
			    "outer {\n   Inner:inner {\n      x:1\n   }\n}\n");
	free(s);
	json_object_put(t);
}

/* scalars print bare (strings quoted with -p), lists one item per line */
static void test_vsi_format_scalars(void **state)
{
	json_object *t = tree();
	char *s;

	(void)state;
	s = fmt(t, "/a/b/leaf", false, 0);
	assert_string_equal(s, "5\n");
	free(s);
	s = fmt(t, "/a/b/s", true, 0);
	assert_string_equal(s, "\"text\"\n");
	free(s);
	s = fmt(t, "/a/b/flag", false, 0);
	assert_string_equal(s, "1\n");
	free(s);
	s = fmt(t, "/a/b/list", false, 0);
	assert_string_equal(s, "1\ntwo\n");
	free(s);
	s = fmt(t, "/a/b/act", false, -EINVAL);
	assert_string_equal(s, "Not supported");
	free(s);
	s = fmt(t, "/a/b/bad", false, -EINVAL);
	assert_non_null(strstr(s, "/nodes/~1a~1b~1bad:"));
	free(s);
	json_object_put(t);
}

static int set1(json_object *t, const char *path, const char *v,
		struct vsi_err *e)
{
	char *argv[] = {(char *)v};

	return vsi_set(t, path, 1, argv, e);
}

/* set keeps the node's type and honours min/max of config options */
static void test_vsi_set(void **state)
{
	json_object *t = tree(), *leaf;
	char w1[] = "hello", w2[] = "world";
	char *two[] = {w1, w2};
	struct vsi_err e;
	char *s;

	(void)state;
	assert_int_equal(set1(t, "/a/b/leaf", "0x10", &e), 0);
	json_object_object_get_ex(t, "/a/b/leaf", &leaf);
	assert_int_equal(json_object_get_int(leaf), 16);
	assert_int_equal(set1(t, "/a/b/leaf", "12abc", &e), -EINVAL);
	assert_string_equal(e.msg, "Bad parameter");
	assert_int_equal(vsi_set(t, "/a/b/s", 2, two, &e), 0);
	s = fmt(t, "/a/b/s", false, 0);
	assert_string_equal(s, "hello world\n");
	free(s);
	assert_int_equal(set1(t, "/a/b/flag", "2", &e), -EINVAL);
	assert_int_equal(set1(t, "/a/b/flag", "0", &e), 0);
	assert_int_equal(set1(t, "/a/b/opt", "10", &e), 0);
	assert_int_equal(set1(t, "/a/b/opt", "11", &e), -EINVAL);
	assert_int_equal(set1(t, "/a/b/opt", "-1", &e), -EINVAL);
	s = fmt(t, "/a/b/opt", true, 0);
	assert_non_null(strstr(s, "\"cur\" : 10,"));
	free(s);
	assert_int_equal(set1(t, "/a/b/nested", "1", &e), -EINVAL);
	assert_string_equal(e.msg, "Not supported");
	assert_int_equal(set1(t, "/a/b/list", "1", &e), -EINVAL);
	assert_int_equal(set1(t, "/a/b/act", "go", &e), 0);
	assert_int_equal(set1(t, "/a/b/act", "go", &e), 0);
	json_object_object_get_ex(t, "/a/b/act", &leaf);
	assert_string_equal(json_object_to_json_string(leaf),
			    "{ \"action\": true, \"lastValue\": \"go\", "
			    "\"count\": 2 }");
	assert_int_equal(vsi_set(t, "/a/b/leaf", 0, NULL, &e), -EINVAL);
	json_object_put(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vsi_path_resolve),
	    cmocka_unit_test(test_vsi_lookup),
	    cmocka_unit_test(test_vsi_list),
	    cmocka_unit_test(test_vsi_format_struct),
	    cmocka_unit_test(test_vsi_format_scalars),
	    cmocka_unit_test(test_vsi_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
