/* test_materialize.c - unit tests of mf_materialize (manifest -> plain
 * directory): every entry type, modes with special bits, owners, mtimes,
 * content sources, and the refusals (non-empty target, missing roots). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "manifest.h"
#include "mf_materialize.h"

static const char doc[] =
    "{\"version\": 1, \"users\": {\"svc\": 4321}, \"entries\": [\n"
    "{\"path\": \"/ro\", \"type\": \"dir\", \"mode\": \"0555\", \"mtime\": "
    "1000},\n"
    "{\"path\": \"/ro/inline\", \"type\": \"file\", \"mode\": \"4755\", "
    "\"owner\": \"svc\", \"content\": {\"text\": \"hello\\n\"}, \"mtime\": "
    "2000},\n"
    "{\"path\": \"/ro/sparse\", \"type\": \"file\", \"size\": 1048576},\n"
    "{\"path\": \"/shadowed\", \"type\": \"file\", \"content\": "
    "{\"shadow\": \"/.shadow/content/etc/x\"}},\n"
    "{\"path\": \"/fromfile\", \"type\": \"file\", \"content\": {\"file\": "
    "\"y\"}},\n"
    "{\"path\": \"/tmp\", \"type\": \"dir\", \"mode\": \"1777\"},\n"
    "{\"path\": \"/link\", \"type\": \"symlink\", \"mode\": \"0444\", "
    "\"target\": \"ro/inline\"},\n"
    "{\"path\": \"/fifo\", \"type\": \"fifo\", \"mode\": \"0600\"},\n"
    "{\"path\": \"/null\", \"type\": \"chardev\", \"mode\": \"0666\", "
    "\"rdev\": \"1:3\"},\n"
    "{\"path\": \"/deep/er/file\", \"type\": \"file\"}\n"
    "]}\n";

struct fx {
	char dir[64];
	struct mf_manifest *m;
};

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct mf_source src = {.name = "t", .buf = doc, .len = strlen(doc)};
	struct mf_error err = {0};
	char p[256];

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/esxmock-mat-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(p, sizeof(p), "mkdir -p %s/shadow/content/etc %s/croot",
		 fx->dir, fx->dir);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "%s/shadow/content/etc/x", fx->dir);
	put(p, "from the shadow area\n");
	snprintf(p, sizeof(p), "%s/croot/y", fx->dir);
	put(p, "from the content root\n");
	assert_int_equal(mf_load(&src, 1, &fx->m, &err), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[256];

	mf_manifest_free(fx->m);
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwX %s; rm -rf %s", fx->dir,
		 fx->dir);
	if (system(cmd))
		return -1;
	free(fx);
	return 0;
}

static void slurp(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	assert_true(fd >= 0);
	r = read(fd, buf, n - 1);
	assert_true(r >= 0);
	buf[r] = '\0';
	close(fd);
}

/* The tree matches the manifest: types, bytes, modes (setuid, sticky),
 * owners (as root), device numbers and mtimes. */
static void test_materialize_tree(void **state)
{
	struct fx *fx = *state;
	struct mf_materialize_opts o = {0};
	struct mf_materialize_stats st;
	char root[128], p[256], buf[256], shadow[128], croot[128];
	struct stat sb;
	bool root_user = geteuid() == 0;

	snprintf(root, sizeof(root), "%s/root", fx->dir);
	snprintf(shadow, sizeof(shadow), "%s/shadow", fx->dir);
	snprintf(croot, sizeof(croot), "%s/croot", fx->dir);
	o.shadow_root = shadow;
	o.content_root = croot;
	assert_int_equal(mf_materialize(fx->m, root, &o, &st, stderr), 0);
	assert_int_equal(st.entries, fx->m->n_entries);
	assert_int_equal(st.symlinks, 1);
	assert_int_equal(st.symlink_modes_lost, 1);
	assert_int_equal(st.fifos, 1);
	assert_int_equal(st.devices, 1);

	snprintf(p, sizeof(p), "%s/ro", root);
	assert_int_equal(lstat(p, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0555);
	assert_int_equal(sb.st_mtime, 1000);

	snprintf(p, sizeof(p), "%s/ro/inline", root);
	assert_int_equal(lstat(p, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 04755);
	assert_int_equal(sb.st_mtime, 2000);
	if (root_user)
		assert_int_equal(sb.st_uid, 4321);
	slurp(p, buf, sizeof(buf));
	assert_string_equal(buf, "hello\n");

	snprintf(p, sizeof(p), "%s/ro/sparse", root);
	assert_int_equal(lstat(p, &sb), 0);
	assert_int_equal(sb.st_size, 1048576);
	assert_true(sb.st_blocks * 512 < 1048576);

	snprintf(p, sizeof(p), "%s/shadowed", root);
	slurp(p, buf, sizeof(buf));
	assert_string_equal(buf, "from the shadow area\n");
	snprintf(p, sizeof(p), "%s/fromfile", root);
	slurp(p, buf, sizeof(buf));
	assert_string_equal(buf, "from the content root\n");

	snprintf(p, sizeof(p), "%s/tmp", root);
	assert_int_equal(lstat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 01777);

	snprintf(p, sizeof(p), "%s/link", root);
	assert_int_equal(lstat(p, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(readlink(p, buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "ro/inline", 9);

	snprintf(p, sizeof(p), "%s/fifo", root);
	assert_int_equal(lstat(p, &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);

	snprintf(p, sizeof(p), "%s/null", root);
	assert_int_equal(lstat(p, &sb), 0);
	if (st.devices_as_files == 0) {
		assert_true(S_ISCHR(sb.st_mode));
		assert_int_equal(major(sb.st_rdev), 1);
		assert_int_equal(minor(sb.st_rdev), 3);
	} else {
		assert_true(S_ISREG(sb.st_mode)); /* mknod refused */
	}
	assert_int_equal(sb.st_mode & 07777, 0666);

	snprintf(p, sizeof(p), "%s/deep/er/file", root);
	assert_int_equal(lstat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0644);
}

/* A non-empty target directory is refused; so is a shadow source without
 * a shadow root. Nothing is written into the non-empty directory. */
static void test_materialize_refusals(void **state)
{
	struct fx *fx = *state;
	struct mf_materialize_opts o = {0};
	struct mf_materialize_stats st;
	char p[256], q[300];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/full", fx->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(q, sizeof(q), "%s/keep", p);
	put(q, "x");
	o.shadow_root = "/nonexistent";
	assert_int_equal(mf_materialize(fx->m, p, &o, &st, NULL), -ENOTEMPTY);
	snprintf(q, sizeof(q), "%s/ro", p);
	assert_int_equal(lstat(q, &sb), -1);

	snprintf(p, sizeof(p), "%s/noshadow", fx->dir);
	snprintf(q, sizeof(q), "%s/croot", fx->dir);
	o.shadow_root = NULL;
	o.content_root = q;
	assert_int_equal(mf_materialize(fx->m, p, &o, &st, NULL), -EINVAL);

	snprintf(p, sizeof(p), "%s/badshadow", fx->dir);
	o.shadow_root = "/nonexistent";
	assert_int_equal(mf_materialize(fx->m, p, &o, &st, NULL), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_materialize_tree, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_materialize_refusals, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
