/* test_esxroot.c - unit tests of lib/esxroot.c's esx_path(): ESXi paths
 * under a root, with the tree's symlinks followed inside it as after a
 * chroot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "esxroot.h"

static char root_dir[] = "/tmp/test_esxroot.XXXXXX";

static void mk(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root_dir, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void ln(const char *target, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root_dir, rel);
	assert_int_equal(symlink(target, p), 0);
}

/* esx_path(esxpath) relative to the root ("/..." inside the tree) */
static const char *in_tree(const char *esxpath, int *r)
{
	static char out[PATH_MAX];
	size_t n = strlen(root_dir);

	*r = esx_path(out, sizeof(out), esxpath);
	if (*r < 0)
		return "";
	assert_memory_equal(out, root_dir, n);
	return out + n;
}

/* a path without links is only prefixed */
static void test_esxroot_plain(void **state)
{
	int r;

	(void)state;
	assert_string_equal(in_tree("/vmfs/volumes/u/x.vmdk", &r),
			    "/vmfs/volumes/u/x.vmdk");
	assert_int_equal(r, 0);
}

/* an absolute link restarts at the tree's root, a relative one at its
 * directory; the missing tail is kept */
static void test_esxroot_links(void **state)
{
	int r;

	(void)state;
	assert_string_equal(in_tree("/scratch/log/new.log", &r),
			    "/vmfs/volumes/u/log/new.log");
	assert_string_equal(in_tree("/vmfs/volumes/ds1/a/b", &r),
			    "/vmfs/volumes/u/a/b");
	assert_string_equal(in_tree("/scratch", &r), "/vmfs/volumes/u");
}

/* ".." never leaves the tree, even through a link */
static void test_esxroot_dotdot_stays_inside(void **state)
{
	int r;

	(void)state;
	assert_string_equal(in_tree("/../../etc/x", &r), "/etc/x");
	assert_string_equal(in_tree("/up", &r), "/");
	assert_string_equal(in_tree("/scratch/../../../..", &r), "/");
}

/* a link cycle is ELOOP, not a hang */
static void test_esxroot_loop(void **state)
{
	int r;

	(void)state;
	in_tree("/loop/x", &r);
	assert_int_equal(r, -ELOOP);
}

/* relative ESXi paths are host paths, left alone */
static void test_esxroot_relative(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(esx_path(out, sizeof(out), "a/b"), 0);
	assert_string_equal(out, "a/b");
	assert_int_equal(esx_path(out, 4, "/long/path"), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_esxroot_plain),
	    cmocka_unit_test(test_esxroot_links),
	    cmocka_unit_test(test_esxroot_dotdot_stays_inside),
	    cmocka_unit_test(test_esxroot_loop),
	    cmocka_unit_test(test_esxroot_relative),
	};
	char cmd[128];
	int r;

	if (!mkdtemp(root_dir))
		return 1;
	setenv("ESXMOCK_ROOT", root_dir, 1);
	mk("vmfs");
	mk("vmfs/volumes");
	mk("vmfs/volumes/u");
	mk("vmfs/volumes/u/log");
	ln("/vmfs/volumes/u", "scratch");
	ln("u", "vmfs/volumes/ds1");
	ln("/../..", "up");
	ln("/loop2", "loop");
	ln("loop", "loop2");
	r = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root_dir);
	if (system(cmd) != 0)
		r = 1;
	return r;
}
