/* test_tree.c - unit tests of fsd/tree.c and fsd/content.c: building the
 * inode table from a loaded manifest, lookups, paths, listings, stat,
 * reference counting, and startup errors naming the manifest entry. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "content.h"
#include "manifest.h"
#include "tree.h"

static const char *const base_json =
    "{\"version\": 1, \"entries\": ["
    "{\"path\": \"/bin\", \"type\": \"dir\"},"
    "{\"path\": \"/bin/sh\", \"type\": \"symlink\", \"target\": \"busybox\"},"
    "{\"path\": \"/bin/busybox\", \"type\": \"file\", \"mode\": \"0755\","
    " \"content\": {\"text\": \"#!\"}},"
    "{\"path\": \"/bin/ash\", \"type\": \"symlink\", \"target\": \"busybox\"},"
    "{\"path\": \"/tmp\", \"type\": \"dir\", \"mode\": \"1777\"},"
    "{\"path\": \"/dev/null\", \"type\": \"chardev\", \"mode\": \"0666\","
    " \"rdev\": \"1:3\"},"
    "{\"path\": \"/etc/motd\", \"type\": \"file\", \"mode\": \"4644\","
    " \"content\": {\"text\": \"hello\\n\"}, \"mtime\": 1681812000},"
    "{\"path\": \"/vmfs/disk\", \"type\": \"file\", \"size\": 4096}"
    "]}";

static struct tree *build(const char *json, const char *content_root,
			  int *rc_out, char *err, size_t errlen)
{
	struct mf_source src = {"test.json", json, strlen(json)};
	struct mf_manifest *m = NULL;
	struct mf_error merr;
	struct tree_opts opts = {content_root, content_root, {1000, 0}};
	struct tree *t = NULL;
	char buf[1024];

	if (mf_load(&src, 1, &m, &merr)) {
		fail_msg("manifest: %s", mf_error_str(&merr, buf, sizeof(buf)));
		return NULL;
	}
	*rc_out = tree_build(m, &opts, &t, err, errlen);
	mf_manifest_free(m);
	return t;
}

/* Every manifest path resolves, and tree_path gives it back. */
static void test_tree_resolve_and_path_round_trip(void **state)
{
	static const char *const paths[] = {
	    "/",    "/bin",      "/bin/sh",   "/bin/busybox",
	    "/tmp", "/dev/null", "/etc/motd", "/vmfs/disk"};
	char err[512], buf[256];
	struct tree_node *n;
	struct tree *t;
	size_t i;
	int rc = -1;

	(void)state;
	t = build(base_json, NULL, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(tree_resolve(t, paths[i], &n), 0);
		assert_int_equal(tree_path(t, n, buf, sizeof(buf)), 0);
		assert_string_equal(buf, paths[i]);
		assert_ptr_equal(tree_get(t, n->ino), n);
	}
	assert_int_equal(tree_resolve(t, "/", &n), 0);
	assert_int_equal(n->ino, TREE_ROOT_INO);
	tree_free(t);
}

/* Types, permission bits (setuid, sticky), rdev, sizes, times, nlink. */
static void test_tree_stat_matches_manifest(void **state)
{
	char err[512];
	struct tree_node *n;
	struct stat st;
	struct tree *t;
	int rc = -1;

	(void)state;
	t = build(base_json, NULL, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(tree_resolve(t, "/tmp", &n), 0);
	tree_stat(n, &st);
	assert_int_equal(st.st_mode, S_IFDIR | 01777);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(tree_resolve(t, "/etc/motd", &n), 0);
	tree_stat(n, &st);
	assert_int_equal(st.st_mode, S_IFREG | 04644);
	assert_int_equal(st.st_size, 6);
	assert_int_equal(st.st_mtime, 1681812000);
	assert_int_equal(st.st_ino, n->ino);
	assert_int_equal(tree_resolve(t, "/dev/null", &n), 0);
	tree_stat(n, &st);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(major(st.st_rdev), 1);
	assert_int_equal(minor(st.st_rdev), 3);
	assert_int_equal(tree_resolve(t, "/bin/sh", &n), 0);
	tree_stat(n, &st);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(st.st_size, strlen("busybox"));
	assert_string_equal(n->target, "busybox");
	assert_int_equal(tree_resolve(t, "/vmfs/disk", &n), 0);
	assert_int_equal(n->size, 4096);
	assert_int_equal(n->content.kind, MF_SRC_SPARSE);
	/* root: 2 + its subdirectories (bin dev etc tmp vmfs) */
	tree_stat(tree_get(t, TREE_ROOT_INO), &st);
	assert_int_equal(st.st_nlink, 7);
	tree_free(t);
}

/* Lookup errors: missing, not a directory, over-long, not absolute. */
static void test_tree_lookup_errors(void **state)
{
	char err[512], name[300];
	struct tree_node *n, *dir;
	struct tree *t;
	int rc = -1;

	(void)state;
	t = build(base_json, NULL, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(tree_resolve(t, "/nope", &n), -ENOENT);
	assert_null(n);
	assert_int_equal(tree_resolve(t, "/etc/motd/x", &n), -ENOTDIR);
	assert_int_equal(tree_resolve(t, "bin", &n), -EINVAL);
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(tree_resolve(t, "/bin", &dir), 0);
	assert_int_equal(tree_lookup(t, dir, name, &n), -ENAMETOOLONG);
	assert_int_equal(tree_lookup(t, dir, "sh", &n), 0);
	assert_int_equal(tree_lookup(t, n, "x", &n), -ENOTDIR);
	assert_null(tree_get(t, 0));
	assert_null(tree_get(t, 1u << 30));
	tree_free(t);
}

/* Listing order is manifest order; dir_seq cookies resume after a child
 * and survive the removal of the child they point at. */
static void test_tree_dir_next_cookies(void **state)
{
	char err[512];
	struct tree_node *dir, *c;
	struct tree *t;
	int rc = -1;

	(void)state;
	t = build(base_json, NULL, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(tree_resolve(t, "/bin", &dir), 0);
	c = tree_dir_next(dir, 0);
	assert_non_null(c);
	/* mf_load sorts entries by path: ash, busybox, sh */
	assert_string_equal(c->name, "ash");
	c = tree_dir_next(dir, c->dir_seq);
	assert_string_equal(c->name, "busybox");
	c = tree_dir_next(dir, c->dir_seq);
	assert_string_equal(c->name, "sh");
	assert_null(tree_dir_next(dir, c->dir_seq));
	assert_null(tree_dir_next(tree_get(t, TREE_ROOT_INO), 1000));
	tree_free(t);
}

/* An unlinked node lives until the kernel forgets its last reference;
 * manifest nodes are never freed (a reset puts them back). */
static void test_tree_forget_frees_unlinked_only(void **state)
{
	char err[512];
	struct tree_node *n, *dir;
	struct tree *t;
	uint64_t ino;
	int rc = -1;

	(void)state;
	t = build(base_json, NULL, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(tree_resolve(t, "/etc/motd", &n), 0);
	ino = n->ino;
	tree_ref(n, 3);
	tree_forget(t, ino, 3);
	assert_ptr_equal(tree_get(t, ino), n); /* still in the tree */
	/* a manifest node unlinked and forgotten stays */
	tree_detach(t, n);
	assert_true(n->flags & TREE_F_UNLINKED);
	tree_forget(t, ino, 5);
	assert_ptr_equal(tree_get(t, ino), n);
	/* a run-time node goes once unlinked and forgotten */
	assert_int_equal(tree_resolve(t, "/tmp", &dir), 0);
	assert_int_equal(tree_node_create(t, "new", S_IFREG | 0644, &n), 0);
	assert_int_equal(tree_attach(t, dir, n, "new"), 0);
	ino = n->ino;
	tree_ref(n, 2);
	tree_detach(t, n);
	tree_forget(t, ino, 1);
	assert_ptr_equal(tree_get(t, ino), n);
	tree_forget(t, ino, 5); /* more than held: clamps, frees */
	assert_null(tree_get(t, ino));
	tree_forget(t, ino, 1); /* unknown inode: ignored */
	tree_free(t);
}

/* Host content: sizes come from the file; a missing file, or a "file"
 * source without --content-root, is an error naming the entry. */
static void test_tree_host_content_errors_name_entry(void **state)
{
	char dir[] = "/tmp/test_tree.XXXXXX", p[256], err[1024];
	const char *ok =
	    "{\"version\": 1, \"entries\": [{\"path\": \"/etc/f\","
	    " \"type\": \"file\", \"content\": {\"file\": \"f\"}}]}";
	const char *bad =
	    "{\"version\": 1, \"entries\": [{\"path\": \"/etc/gone\","
	    " \"type\": \"file\", \"content\": {\"file\": \"gone\"}}]}";
	struct tree_node *n;
	struct tree *t;
	FILE *f;
	int rc = -1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/f", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("twelve bytes", f);
	fclose(f);

	t = build(ok, dir, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(tree_resolve(t, "/etc/f", &n), 0);
	assert_int_equal(n->size, 12);
	assert_string_equal(n->content.host_path, p);
	assert_true(content_needs_fd(&n->content));
	tree_free(t);

	t = build(bad, dir, &rc, err, sizeof(err));
	assert_null(t);
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(err, "entry '/etc/gone'"));
	assert_non_null(strstr(err, "test.json"));

	t = build(ok, NULL, &rc, err, sizeof(err));
	assert_null(t);
	assert_non_null(strstr(err, "needs --content-root"));
	unlink(p);
	rmdir(dir);
}

/* content_span clips reads to the size and picks memory, fd or zeros. */
static void test_content_span_clips(void **state)
{
	char err[512];
	struct content_span sp;
	struct tree_node *n;
	struct tree *t;
	int rc = -1;

	(void)state;
	t = build(base_json, NULL, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(tree_resolve(t, "/etc/motd", &n), 0);
	content_span(n, -1, 2, 100, &sp);
	assert_int_equal(sp.len, 4);
	assert_memory_equal(sp.mem, "llo\n", 4);
	content_span(n, -1, 6, 100, &sp);
	assert_int_equal(sp.len, 0);
	content_span(n, -1, -1, 100, &sp);
	assert_int_equal(sp.len, 0);
	assert_int_equal(tree_resolve(t, "/vmfs/disk", &n), 0);
	content_span(n, -1, 4000, 4096, &sp);
	assert_int_equal(sp.len, 96);
	assert_null(sp.mem);
	assert_int_equal(sp.fd, -1);
	tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree_resolve_and_path_round_trip),
	    cmocka_unit_test(test_tree_stat_matches_manifest),
	    cmocka_unit_test(test_tree_lookup_errors),
	    cmocka_unit_test(test_tree_dir_next_cookies),
	    cmocka_unit_test(test_tree_forget_frees_unlinked_only),
	    cmocka_unit_test(test_tree_host_content_errors_name_entry),
	    cmocka_unit_test(test_content_span_clips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
