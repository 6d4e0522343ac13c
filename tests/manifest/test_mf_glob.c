/* test_mf_glob.c - unit tests of the "defaults" glob matcher (mf_glob.c):
 * per-component fnmatch and "**". */
#include "mf_test.h"

#include <errno.h>

#include "mf_int.h"

static bool mf_match(const char *pattern, const char *path)
{
	char **pat, *comps[64], copy[256];
	size_t np, n;
	bool r;

	assert_int_equal(mf_glob_compile(pattern, &pat, &np), 0);
	snprintf(copy, sizeof(copy), "%s", path);
	n = mf_path_split(copy, comps, 64);
	r = mf_glob_match(pat, np, comps, n);
	mf_glob_free(pat, np);
	return r;
}

static void test_mf_glob_components(void **state)
{
	(void)state;
	assert_true(mf_match("/", "/"));
	assert_false(mf_match("/", "/a"));
	assert_true(mf_match("/etc/*.conf", "/etc/esx.conf"));
	assert_true(mf_match("/etc/*.conf", "/etc/.conf"));
	assert_false(mf_match("/etc/*.conf", "/etc/vmware/esx.conf"));
	assert_false(mf_match("/etc/*", "/etc"));
	assert_true(mf_match("/dev/tty[0-9]", "/dev/tty7"));
	assert_false(mf_match("/dev/tty[0-9]", "/dev/ttyS"));
	assert_true(mf_match("/bin/?h", "/bin/sh"));
	assert_true(mf_match("/a\\*b", "/a*b"));
	assert_false(mf_match("/a\\*b", "/axb"));
}

static void test_mf_glob_globstar(void **state)
{
	(void)state;
	/* trailing "**": one or more components */
	assert_false(mf_match("/dev/**", "/dev"));
	assert_true(mf_match("/dev/**", "/dev/null"));
	assert_true(mf_match("/dev/**", "/dev/disks/vml.1"));
	assert_false(mf_match("/dev/**", "/devices"));
	assert_false(mf_match("/**", "/"));
	assert_true(mf_match("/**", "/a/b/c"));
	/* elsewhere: zero or more */
	assert_true(mf_match("/a/**/z", "/a/z"));
	assert_true(mf_match("/a/**/z", "/a/b/c/z"));
	assert_false(mf_match("/a/**/z", "/a/b/c/zz"));
	assert_true(mf_match("/**/*.vmdk", "/vmfs/volumes/ds/vm/d.vmdk"));
	assert_true(mf_match("/**/*.vmdk", "/d.vmdk"));
	assert_true(mf_match("/**/**/**/x", "/x"));
	assert_true(mf_match("/**/**/**/x", "/a/b/c/d/e/f/g/h/x"));
	/* "**" inside a component is just two "*" */
	assert_true(mf_match("/a**b", "/aXYb"));
	assert_false(mf_match("/a**b", "/aX/Yb"));
}

static void test_mf_glob_invalid(void **state)
{
	char **pat;
	size_t np;

	(void)state;
	assert_int_equal(mf_glob_compile("dev/**", &pat, &np), -EINVAL);
	assert_int_equal(mf_glob_compile("/dev//x", &pat, &np), -EINVAL);
	assert_int_equal(mf_glob_compile("/dev/", &pat, &np), -EINVAL);
	assert_int_equal(mf_glob_compile("", &pat, &np), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mf_glob_components),
	    cmocka_unit_test(test_mf_glob_globstar),
	    cmocka_unit_test(test_mf_glob_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
