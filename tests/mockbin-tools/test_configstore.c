/* test_configstore.c - unit tests of configstorecli_store.c: merge patch,
 * masking, and get/set/update/delete over a state file in a temp root. */
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

#include "configstorecli_store.h"
#include "state.h"

static char root_dir[] = "/tmp/test_configstore.XXXXXX";

static void write_state(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "mkdir -p %s/var/lib/esxmock", root_dir);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s%s", root_dir, STATE_CONFIGSTORE);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *compact(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

static json_object *J(const char *s)
{
	json_object *o = json_tokener_parse(s);

	assert_non_null(o);
	return o;
}

/* RFC 7386: objects merge, null deletes, other values replace */
static void test_cs_merge_patch(void **state)
{
	json_object *t = J("{\"a\":{\"b\":1,\"c\":2},\"d\":[1],\"e\":3}");
	json_object *p =
	    J("{\"a\":{\"b\":9,\"x\":{\"y\":1}},\"d\":[2],\"e\":null}");

	(void)state;
	t = cs_merge_patch(t, p);
	assert_string_equal(
	    compact(t), "{\"a\":{\"b\":9,\"c\":2,\"x\":{\"y\":1}},\"d\":[2]}");
	json_object_put(t);
	json_object_put(p);
	t = J("{\"a\":1}");
	p = J("[1]");
	t = cs_merge_patch(t, p);
	assert_string_equal(compact(t), "[1]");
	json_object_put(t);
	json_object_put(p);
}

/* secret string properties are masked at any depth */
static void test_cs_mask(void **state)
{
	json_object *o = J("{\"password\":\"p\",\"n\":[{\"password\":\"q\","
			   "\"x\":1}],\"token\":5}");
	json_object *s = J("[\"password\",\"token\"]");

	(void)state;
	cs_mask(o, s);
	assert_string_equal(compact(o),
			    "{\"password\":\"*****\",\"n\":[{\"password\":"
			    "\"*****\",\"x\":1}],\"token\":5}");
	json_object_put(o);
	json_object_put(s);
}

static const struct cs_ref vpxa = {"esx", "services", "vpxa", NULL};

/* get of singletons, instances, masking, and not-found messages */
static void test_cs_get(void **state)
{
	struct cs_ref r = {"esx", "net", "sw", NULL};
	char err[256];
	json_object *v;

	(void)state;
	write_state(
	    "{\"esx\":{\"services\":{\"vpxa\":{\"value\":{\"pw\":\"s\"},"
	    "\"secrets\":[\"pw\"],\"default\":{\"pw\":\"d\"}}},"
	    "\"net\":{\"sw\":{\"instances\":{\"a\":{\"n\":1},"
	    "\"b\":{\"n\":2}}}}}}");
	assert_int_equal(cs_get(&vpxa, CS_CURRENT, false, &v, err, sizeof(err)),
			 0);
	assert_string_equal(compact(v), "{\"pw\":\"*****\"}");
	json_object_put(v);
	assert_int_equal(cs_get(&vpxa, CS_CURRENT, true, &v, err, sizeof(err)),
			 0);
	assert_string_equal(compact(v), "{\"pw\":\"s\"}");
	json_object_put(v);
	assert_int_equal(cs_get(&vpxa, CS_DEFAULT, true, &v, err, sizeof(err)),
			 0);
	assert_string_equal(compact(v), "{\"pw\":\"d\"}");
	json_object_put(v);
	assert_int_equal(cs_get(&r, CS_CURRENT, false, &v, err, sizeof(err)),
			 0);
	assert_string_equal(compact(v), "[{\"n\":1},{\"n\":2}]");
	json_object_put(v);
	r.instance = "b";
	assert_int_equal(cs_get(&r, CS_CURRENT, false, &v, err, sizeof(err)),
			 0);
	assert_string_equal(compact(v), "{\"n\":2}");
	json_object_put(v);
	r.instance = "c";
	assert_int_equal(cs_get(&r, CS_CURRENT, false, &v, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "Not found: component 'esx', group 'net', "
				 "key 'sw', instance 'c'");
	r.instance = NULL;
	r.key = "nope";
	assert_int_equal(cs_get(&r, CS_CURRENT, false, &v, err, sizeof(err)),
			 -ENOENT);
	assert_int_equal(cs_get(&r, CS_SCHEMA, false, &v, err, sizeof(err)),
			 -ENOENT);
}

/* set creates levels; instance rules; update merges; delete */
static void test_cs_writes(void **state)
{
	struct cs_ref r = {"c", "g", "k", NULL};
	char err[256];
	json_object *v;

	(void)state;
	write_state("{}");
	assert_int_equal(
	    cs_set(&r, J("{\"a\":1,\"b\":{\"c\":2}}"), err, sizeof(err)), 0);
	assert_int_equal(
	    cs_update(&r, J("{\"b\":{\"d\":3}}"), err, sizeof(err)), 0);
	assert_int_equal(cs_get(&r, CS_CURRENT, false, &v, err, sizeof(err)),
			 0);
	assert_string_equal(compact(v), "{\"a\":1,\"b\":{\"c\":2,\"d\":3}}");
	json_object_put(v);
	r.instance = "i1";
	assert_int_equal(cs_set(&r, J("{}"), err, sizeof(err)), -EINVAL);
	r.key = "multi";
	assert_int_equal(cs_set(&r, J("{\"n\":1}"), err, sizeof(err)), 0);
	r.instance = "i2";
	assert_int_equal(cs_set(&r, J("{\"n\":2}"), err, sizeof(err)), 0);
	r.instance = NULL;
	assert_int_equal(cs_set(&r, J("{}"), err, sizeof(err)), -EINVAL);
	assert_int_equal(cs_update(&r, J("{}"), err, sizeof(err)), -EINVAL);
	assert_int_equal(cs_delete(&r, false, err, sizeof(err)), -EINVAL);
	r.instance = "i1";
	assert_int_equal(cs_delete(&r, false, err, sizeof(err)), 0);
	assert_int_equal(cs_delete(&r, false, err, sizeof(err)), -ENOENT);
	r.instance = NULL;
	assert_int_equal(cs_get(&r, CS_CURRENT, false, &v, err, sizeof(err)),
			 0);
	assert_string_equal(compact(v), "[{\"n\":2}]");
	json_object_put(v);
	assert_int_equal(cs_delete(&r, true, err, sizeof(err)), 0);
	assert_int_equal(cs_get(&r, CS_CURRENT, false, &v, err, sizeof(err)),
			 0);
	assert_string_equal(compact(v), "[]");
	json_object_put(v);
	r.key = "k";
	assert_int_equal(cs_delete(&r, false, err, sizeof(err)), 0);
	assert_int_equal(cs_get(&r, CS_CURRENT, false, &v, err, sizeof(err)),
			 -ENOENT);
	assert_int_equal(cs_update(&r, J("{}"), err, sizeof(err)), -ENOENT);
}

/* a state file of the wrong shape gives a pointer, never a crash */
static void test_cs_bad_state(void **state)
{
	char err[256];
	json_object *v;

	(void)state;
	write_state("{\"esx\":{\"services\":{\"vpxa\":{\"value\":1,"
		    "\"instances\":{}}}}}");
	assert_int_equal(cs_get(&vpxa, CS_CURRENT, false, &v, err, sizeof(err)),
			 -EBADMSG);
	assert_string_equal(err, "'/var/lib/esxmock/configstore.json': "
				 "/esx/services/vpxa: a record has \"value\" "
				 "or \"instances\", not both");
	write_state("{\"esx\":[]}");
	assert_int_equal(cs_get(&vpxa, CS_CURRENT, false, &v, err, sizeof(err)),
			 -EBADMSG);
	assert_int_equal(cs_set(&vpxa, J("{}"), err, sizeof(err)), -EBADMSG);
	write_state("{\"esx\":");
	assert_int_equal(cs_get(&vpxa, CS_CURRENT, false, &v, err, sizeof(err)),
			 -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cs_merge_patch),
	    cmocka_unit_test(test_cs_mask),
	    cmocka_unit_test(test_cs_get),
	    cmocka_unit_test(test_cs_writes),
	    cmocka_unit_test(test_cs_bad_state),
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
