/* test_modules.c - unit tests of lib/modules.c: records merged with module
 * files, load/unload/enable/options rules, and schema errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules.h"

static char root_dir[] = "/tmp/test_modules.XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root_dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s/* && mkdir -p %s/var/lib/esxmock "
		 "%s/usr/lib/vmware/vmkmod",
		 root_dir, root_dir, root_dir);
	if (system(cmd) != 0)
		return -1;
	put(STATE_MODULES,
	    "{\"modules\": [{\"name\": \"ntg3\", \"loaded\": true, \"id\": 4,"
	    " \"used\": 2, \"size_kb\": 52, \"version\": \"4.1\","
	    " \"requires\": [\"a@1\"], \"params\": [{\"name\": \"p\","
	    " \"type\": \"int\", \"description\": \"d\"}]},"
	    " {\"name\": \"idle\", \"loaded\": true, \"id\": 2, \"size_kb\": "
	    "8},"
	    " {\"name\": \"off\", \"enabled\": false}]}");
	put(MOD_DIR "/zz", "");
	put(MOD_DIR "/ntg3", "");
	return 0;
}

/* records first (file order), then module files without a record */
static void test_mod_list_read(void **state)
{
	const struct mod_info *m;
	struct mod_list l;

	(void)state;
	assert_int_equal(mod_list_read(&l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].name, "ntg3");
	assert_string_equal(l.v[3].name, "zz");
	m = mod_list_find(&l, "ntg3");
	assert_non_null(m);
	assert_true(m->loaded && m->enabled);
	assert_int_equal(m->use_count, 2);
	assert_string_equal(m->file, "/usr/lib/vmware/vmkmod/ntg3");
	assert_string_equal(m->build_type, "release");
	assert_int_equal(m->n_params, 1);
	assert_string_equal(m->params[0].type, "int");
	m = mod_list_find(&l, "zz");
	assert_true(!m->loaded && m->enabled);
	assert_false(mod_list_find(&l, "off")->enabled);
	assert_null(mod_list_find(&l, "nope"));
	mod_list_free(&l);
}

/* load: next id, a size, options; errors for loaded and unknown */
static void test_mod_load(void **state)
{
	struct mod_info m;

	(void)state;
	assert_int_equal(mod_load("zz", "a=1", false), 0);
	assert_int_equal(mod_get("zz", &m), 0);
	assert_true(m.loaded);
	assert_int_equal(m.id, 5);
	assert_int_equal(m.size_kb, 4);
	assert_string_equal(m.options, "a=1");
	mod_info_free(&m);
	assert_int_equal(mod_load("zz", NULL, false), -EEXIST);
	assert_string_equal(mod_error(), "module 'zz' is already loaded");
	assert_int_equal(mod_load("zz", "b=2", true), 0);
	assert_int_equal(mod_get("zz", &m), 0);
	assert_string_equal(m.options, "b=2");
	mod_info_free(&m);
	assert_int_equal(mod_load("nosuch", NULL, false), -ENOENT);
	assert_int_equal(mod_load("../etc", NULL, false), -ENOENT);
	assert_int_equal(mod_get("nosuch", &m), -ENOENT);
}

/* unload: busy unless forced, not loaded, then gone from the loaded set */
static void test_mod_unload(void **state)
{
	struct mod_info m;

	(void)state;
	assert_int_equal(mod_unload("ntg3", false), -EBUSY);
	assert_int_equal(mod_unload("idle", false), 0);
	assert_int_equal(mod_unload("idle", false), -EALREADY);
	assert_int_equal(mod_unload("ntg3", true), 0);
	assert_int_equal(mod_get("ntg3", &m), 0);
	assert_false(m.loaded);
	assert_int_equal(m.use_count, 0);
	mod_info_free(&m);
}

static void test_mod_set(void **state)
{
	struct mod_info m;

	(void)state;
	assert_int_equal(mod_set_enabled("off", true), 0);
	assert_int_equal(mod_set_options("off", "x=1", false), 0);
	assert_int_equal(mod_set_options("off", "y=2", true), 0);
	assert_int_equal(mod_get("off", &m), 0);
	assert_true(m.enabled);
	assert_string_equal(m.options, "x=1 y=2");
	mod_info_free(&m);
	assert_int_equal(mod_set_options("off", "", false), 0);
	assert_int_equal(mod_get("off", &m), 0);
	assert_string_equal(m.options, "");
	mod_info_free(&m);
	assert_int_equal(mod_set_enabled("nosuch", true), -ENOENT);
}

/* schema errors name the file and the JSON pointer */
static void test_mod_bad_state(void **state)
{
	struct mod_list l;

	(void)state;
	put(STATE_MODULES, "{\"modules\": [{\"name\": \"a\", \"used\": -1}]}");
	assert_int_equal(mod_list_read(&l), -EBADMSG);
	assert_string_equal(mod_error(), "'/var/lib/esxmock/modules.json': "
					 "/modules/0/used: expected a "
					 "non-negative integer");
	put(STATE_MODULES, "{\"modules\": {}}");
	assert_int_equal(mod_list_read(&l), -EBADMSG);
	assert_int_equal(mod_load("zz", NULL, false), -EBADMSG);
	put(STATE_MODULES, "{\"modules\": [{\"name\": \"a\", \"params\":"
			   " [{\"name\": 1}]}]}");
	assert_int_equal(mod_list_read(&l), -EBADMSG);
	assert_string_equal(mod_error(), "'/var/lib/esxmock/modules.json': "
					 "/modules/0/params/0/name: expected a "
					 "string");
	put(STATE_MODULES, "not json");
	assert_int_equal(mod_unload("a", false), -EBADMSG);
	/* an empty file is an empty list plus the module files */
	put(STATE_MODULES, "\n");
	assert_int_equal(mod_list_read(&l), 0);
	assert_int_equal(l.n, 2);
	mod_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_mod_list_read, setup),
	    cmocka_unit_test_setup(test_mod_load, setup),
	    cmocka_unit_test_setup(test_mod_unload, setup),
	    cmocka_unit_test_setup(test_mod_set, setup),
	    cmocka_unit_test_setup(test_mod_bad_state, setup),
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
