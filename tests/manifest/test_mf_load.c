/* test_mf_load.c - unit tests of mf_load on good manifests.
 * Owns: every field and content kind, defaults, implicit parents, layering,
 * lookups and error formatting (bad manifests: test_mf_bad.c). */
#include "mf_test.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_mf_minimal_has_root(void **state)
{
	struct mf_manifest *m = mf_test_ok(1, "{\"version\": 1}", NULL);
	const struct mf_entry *root;

	(void)state;
	assert_int_equal(m->n_entries, 1);
	root = mf_test_get(m, "/");
	assert_int_equal(root->type, MF_DIR);
	assert_int_equal(root->mode, 0755);
	assert_int_equal(root->uid, 0);
	assert_string_equal(root->origin, "m0.json");
	assert_int_equal(m->n_origins, 1);
	assert_string_equal(m->origins[0], "m0.json");
	mf_manifest_free(m);
}

static const char mf_all_types[] =
    "{\"version\": 1, \"comment\": \"every type\", \"entries\": [\n"
    " {\"path\": \"/bin\", \"type\": \"dir\", \"mode\": \"1777\"},\n"
    " {\"path\": \"/bin/su\", \"type\": \"file\", \"mode\": \"4755\"},\n"
    " {\"path\": \"/bin/sh\", \"type\": \"symlink\",\n"
    "  \"target\": \"/usr/lib/vmware/busybox/bin/busybox\"},\n"
    " {\"path\": \"/bin/rel\", \"type\": \"symlink\", \"target\": \"sh\"},\n"
    " {\"path\": \"/dev/null\", \"type\": \"chardev\", \"rdev\": \"1:3\"},\n"
    " {\"path\": \"/dev/sda\", \"type\": \"blockdev\", \"rdev\": "
    "\"8:0\", \"mode\": \"0660\"},\n"
    " {\"path\": \"/dev/tty0\", \"type\": \"chardev\"},\n"
    " {\"path\": \"/var/run/fifo\", \"type\": \"fifo\"},\n"
    " {\"path\": \"/var/run/sock\", \"type\": \"socket\", \"comment\": "
    "\"x\"},\n"
    " {\"path\": \"/etc/g\", \"type\": \"file\", \"mode\": \"2755\"}\n"
    "]}";

static void test_mf_types_modes_and_type_defaults(void **state)
{
	struct mf_manifest *m = mf_test_ok(1, mf_all_types, NULL);
	const struct mf_entry *e;

	(void)state;
	e = mf_test_get(m, "/bin");
	assert_int_equal(e->type, MF_DIR);
	assert_int_equal(e->mode, 01777);
	e = mf_test_get(m, "/bin/su");
	assert_int_equal(e->type, MF_REG);
	assert_int_equal(e->mode, 04755);
	assert_int_equal(e->content.kind, MF_SRC_EMPTY);
	assert_int_equal(e->size, 0);
	e = mf_test_get(m, "/bin/sh");
	assert_int_equal(e->type, MF_LNK);
	assert_int_equal(e->mode, 0777);
	assert_string_equal(e->target, "/usr/lib/vmware/busybox/bin/busybox");
	assert_string_equal(mf_test_get(m, "/bin/rel")->target, "sh");
	e = mf_test_get(m, "/dev/null");
	assert_int_equal(e->type, MF_CHR);
	assert_int_equal(e->mode, 0644);
	assert_int_equal(e->rdev_major, 1);
	assert_int_equal(e->rdev_minor, 3);
	e = mf_test_get(m, "/dev/sda");
	assert_int_equal(e->type, MF_BLK);
	assert_int_equal(e->rdev_major, 8);
	assert_int_equal(e->mode, 0660);
	e = mf_test_get(m, "/dev/tty0");
	assert_int_equal(e->rdev_major, 0);
	assert_int_equal(e->rdev_minor, 0);
	assert_int_equal(mf_test_get(m, "/var/run/fifo")->type, MF_FIFO);
	assert_int_equal(mf_test_get(m, "/var/run/sock")->type, MF_SOCK);
	assert_int_equal(mf_test_get(m, "/etc/g")->mode, 02755);
	assert_string_equal(mf_type_name(MF_LNK), "symlink");
	assert_string_equal(mf_type_name(MF_BLK), "blockdev");
	assert_string_equal(mf_type_name(MF_SOCK), "socket");
	mf_manifest_free(m);
}

static void test_mf_sorted_and_find(void **state)
{
	struct mf_manifest *m = mf_test_ok(1, mf_all_types, NULL);

	(void)state;
	assert_string_equal(m->entries[0].path, "/");
	for (size_t i = 1; i < m->n_entries; i++)
		assert_true(strcmp(m->entries[i - 1].path, m->entries[i].path) <
			    0);
	for (size_t i = 0; i < m->n_entries; i++)
		assert_ptr_equal(mf_find(m, m->entries[i].path),
				 &m->entries[i]);
	assert_null(mf_find(m, "/bin/nope"));
	assert_null(mf_find(m, "/bin/"));
	assert_null(mf_find(m, ""));
	assert_null(mf_find(NULL, "/"));
	mf_manifest_free(m);
}

static void test_mf_content_kinds(void **state)
{
	struct mf_manifest *m = mf_test_ok(
	    1,
	    "{\"version\": 1, \"entries\": [\n"
	    " {\"path\": \"/t\", \"type\": \"file\", \"content\": {\"text\": "
	    "\"h\\u00e9llo\\n\"}},\n"
	    " {\"path\": \"/tz\", \"type\": \"file\", \"content\": {\"text\": "
	    "\"a\\u0000b\"}, \"size\": 3},\n"
	    " {\"path\": \"/b\", \"type\": \"file\", \"content\": {\"base64\": "
	    "\"AP8Abg==\"}},\n"
	    " {\"path\": \"/b0\", \"type\": \"file\", \"content\": "
	    "{\"base64\": "
	    "\"\"}},\n"
	    " {\"path\": \"/f\", \"type\": \"file\", \"content\": {\"file\": "
	    "\"etc/motd\"}},\n"
	    " {\"path\": \"/s\", \"type\": \"file\", \"content\": {\"shadow\": "
	    "\"/.shadow/busybox/busybox\"}},\n"
	    " {\"path\": \"/e\", \"type\": \"file\", \"content\": {\"empty\": "
	    "true}, \"size\": 0},\n"
	    " {\"path\": \"/sp\", \"type\": \"file\", \"content\": "
	    "{\"sparse\": "
	    "4096}},\n"
	    " {\"path\": \"/sz\", \"type\": \"file\", \"size\": 1073741824}\n"
	    "]}",
	    NULL);
	const struct mf_entry *e;

	(void)state;
	e = mf_test_get(m, "/t");
	assert_int_equal(e->content.kind, MF_SRC_INLINE);
	assert_int_equal(e->content.len, 7);
	assert_memory_equal(e->content.data, "h\xc3\xa9llo\n", 7);
	assert_int_equal(e->size, 7);
	assert_false(e->has_size);
	e = mf_test_get(m, "/tz");
	assert_int_equal(e->content.len, 3);
	assert_memory_equal(e->content.data, "a\0b", 3);
	assert_true(e->has_size);
	e = mf_test_get(m, "/b");
	assert_int_equal(e->content.kind, MF_SRC_INLINE);
	assert_int_equal(e->content.len, 4);
	assert_memory_equal(e->content.data, "\x00\xff\x00n", 4);
	assert_int_equal(mf_test_get(m, "/b0")->content.len, 0);
	e = mf_test_get(m, "/f");
	assert_int_equal(e->content.kind, MF_SRC_FILE);
	assert_string_equal(e->content.path, "etc/motd");
	e = mf_test_get(m, "/s");
	assert_int_equal(e->content.kind, MF_SRC_SHADOW);
	assert_string_equal(e->content.path, "/.shadow/busybox/busybox");
	e = mf_test_get(m, "/e");
	assert_int_equal(e->content.kind, MF_SRC_EMPTY);
	assert_int_equal(e->size, 0);
	e = mf_test_get(m, "/sp");
	assert_int_equal(e->content.kind, MF_SRC_SPARSE);
	assert_int_equal(e->content.size, 4096);
	assert_int_equal(e->size, 4096);
	assert_false(e->has_size);
	e = mf_test_get(m, "/sz");
	assert_int_equal(e->content.kind, MF_SRC_SPARSE);
	assert_int_equal(e->size, 1073741824);
	assert_true(e->has_size);
	mf_manifest_free(m);
}

static void test_mf_owners_mtime_and_sections(void **state)
{
	struct mf_manifest *m = mf_test_ok(
	    1,
	    "{\"version\": 1,\n"
	    " \"users\": {\"vpxa\": 501, \"root\": 0},\n"
	    " \"groups\": {\"vpxa\": 501},\n"
	    " \"entries\": [\n"
	    " {\"path\": \"/a\", \"type\": \"file\", \"owner\": \"dcui\", "
	    "\"group\": \"users\", \"mtime\": 1681812000},\n"
	    " {\"path\": \"/b\", \"type\": \"file\", \"owner\": \"vpxa\", "
	    "\"group\": \"vpxa\", \"mtime\": \"2023-04-18T10:00:00Z\"},\n"
	    " {\"path\": \"/c\", \"type\": \"file\", \"owner\": \"1234\", "
	    "\"group\": \"0\", \"mtime\": \"2023-04-18T12:30:00.25+02:30\"},\n"
	    " {\"path\": \"/d\", \"type\": \"dir\", \"owner\": \"nfsnobody\",\n"
	    "  \"log\": {\"ops\": [\"read\"], \"level\": \"metadata\"},\n"
	    "  \"intercept\": {\"rules\": [{\"on\": \"open\", \"fail\": "
	    "\"EIO\"}]}}\n"
	    "]}",
	    NULL);
	const struct mf_entry *e;

	(void)state;
	e = mf_test_get(m, "/a");
	assert_int_equal(e->uid, 100);
	assert_int_equal(e->gid, 100);
	assert_true(e->has_mtime);
	assert_int_equal(e->mtime.tv_sec, 1681812000);
	e = mf_test_get(m, "/b");
	assert_int_equal(e->uid, 501);
	assert_int_equal(e->gid, 501);
	assert_int_equal(e->mtime.tv_sec, 1681812000);
	e = mf_test_get(m, "/c");
	assert_int_equal(e->uid, 1234);
	assert_int_equal(e->gid, 0);
	assert_int_equal(e->mtime.tv_sec, 1681812000);
	assert_int_equal(e->mtime.tv_nsec, 250000000);
	e = mf_test_get(m, "/d");
	assert_int_equal(e->uid, 65534);
	assert_false(e->has_mtime);
	assert_string_equal(e->log_json,
			    "{\"ops\":[\"read\"],\"level\":\"metadata\"}");
	assert_string_equal(e->intercept_json,
			    "{\"rules\":[{\"on\":\"open\",\"fail\":\"EIO\"}]}");
	assert_null(mf_test_get(m, "/a")->log_json);
	mf_manifest_free(m);
}

static void test_mf_id_tables(void **state)
{
	struct mf_manifest *m = mf_test_ok(
	    1, "{\"version\": 1, \"users\": {\"vpxuser\": 600, \"x\": 7}}",
	    NULL);
	uid_t u;
	gid_t g;

	(void)state;
	assert_int_equal(mf_user_id(m, "root", &u), 0);
	assert_int_equal(u, 0);
	assert_int_equal(mf_user_id(m, "daemon", &u), 0);
	assert_int_equal(u, 2);
	assert_int_equal(mf_user_id(m, "dcui", &u), 0);
	assert_int_equal(u, 100);
	assert_int_equal(mf_user_id(m, "vpxuser", &u), 0);
	assert_int_equal(u, 600); /* overridden */
	assert_int_equal(mf_user_id(m, "x", &u), 0);
	assert_int_equal(u, 7);
	assert_int_equal(mf_user_id(m, "42", &u), 0);
	assert_int_equal(u, 42);
	assert_int_equal(mf_user_id(m, "nobody", &u), -ENOENT);
	assert_int_equal(mf_group_id(m, "nfsnobody", &g), 0);
	assert_int_equal(g, 65534);
	assert_int_equal(mf_group_id(m, "x", &g), -ENOENT);
	assert_string_equal(mf_user_name(m, 0), "root");
	assert_string_equal(mf_user_name(m, 600), "vpxuser");
	assert_null(mf_user_name(m, 500));
	assert_string_equal(mf_group_name(m, 100), "users");
	assert_null(mf_group_name(m, 4242));
	mf_manifest_free(m);
}

static const char mf_defaults_doc[] =
    "{\"version\": 1,\n"
    " \"defaults\": [\n"
    "  {\"match\": \"/**\", \"owner\": \"dcui\", \"mtime\": 1000},\n"
    "  {\"match\": \"/dev/**\", \"mode\": \"0600\", \"log\": {\"n\": 1}},\n"
    "  {\"match\": \"/dev/**\", \"type\": \"chardev\", \"mode\": \"0620\", "
    "\"group\": \"users\"},\n"
    "  {\"match\": \"/dev/tty*\", \"mode\": \"0666\", \"log\": {\"n\": 2}},\n"
    "  {\"match\": \"/a/**/z\", \"intercept\": {\"k\": true}, \"mode\": "
    "\"0000\"}\n"
    " ],\n"
    " \"entries\": [\n"
    "  {\"path\": \"/dev\", \"type\": \"dir\"},\n"
    "  {\"path\": \"/dev/null\", \"type\": \"chardev\"},\n"
    "  {\"path\": \"/dev/tty1\", \"type\": \"chardev\"},\n"
    "  {\"path\": \"/dev/disks\", \"type\": \"dir\"},\n"
    "  {\"path\": \"/dev/disks/x\", \"type\": \"chardev\", \"mode\": "
    "\"0400\", \"owner\": \"root\"},\n"
    "  {\"path\": \"/a/z\", \"type\": \"file\"},\n"
    "  {\"path\": \"/a/b/c/z\", \"type\": \"file\"},\n"
    "  {\"path\": \"/a/zz\", \"type\": \"file\"}\n"
    " ]}";

static void test_mf_defaults_precedence(void **state)
{
	struct mf_manifest *m = mf_test_ok(1, mf_defaults_doc, NULL);
	const struct mf_entry *e;

	(void)state;
	/* a trailing globstar does not match /dev itself, "/ **" does */
	e = mf_test_get(m, "/dev");
	assert_int_equal(e->mode, 0755);
	assert_int_equal(e->uid, 100);
	assert_int_equal(e->mtime.tv_sec, 1000);
	assert_null(e->log_json);
	/* later default wins per field; the chardev filter applies */
	e = mf_test_get(m, "/dev/null");
	assert_int_equal(e->mode, 0620);
	assert_int_equal(e->gid, 100);
	assert_string_equal(e->log_json, "{\"n\":1}");
	e = mf_test_get(m, "/dev/tty1");
	assert_int_equal(e->mode, 0666);
	assert_string_equal(e->log_json, "{\"n\":2}");
	/* a dir is not a chardev: only the untyped default */
	e = mf_test_get(m, "/dev/disks");
	assert_int_equal(e->mode, 0600);
	assert_int_equal(e->gid, 0);
	/* explicit fields beat every default */
	e = mf_test_get(m, "/dev/disks/x");
	assert_int_equal(e->mode, 0400);
	assert_int_equal(e->uid, 0);
	assert_int_equal(e->gid, 100);
	/* "**" in the middle matches zero or more components */
	e = mf_test_get(m, "/a/z");
	assert_int_equal(e->mode, 0);
	assert_string_equal(e->intercept_json, "{\"k\":true}");
	assert_int_equal(mf_test_get(m, "/a/b/c/z")->mode, 0);
	e = mf_test_get(m, "/a/zz");
	assert_int_equal(e->mode, 0644);
	assert_null(e->intercept_json);
	/* implicit parents get no defaults */
	e = mf_test_get(m, "/a/b");
	assert_int_equal(e->mode, 0755);
	assert_int_equal(e->uid, 0);
	assert_false(e->has_mtime);
	mf_manifest_free(m);
}

static void test_mf_implicit_parents(void **state)
{
	struct mf_manifest *m = mf_test_ok(
	    1,
	    "{\"version\": 1, \"entries\": [\n"
	    " {\"path\": \"/vmfs/volumes/ds1/vm/vm.vmx\", \"type\": "
	    "\"file\"},\n"
	    " {\"path\": \"/vmfs/volumes\", \"type\": \"dir\", \"mode\": "
	    "\"1777\"}\n"
	    "]}",
	    NULL);
	const struct mf_entry *e;

	(void)state;
	assert_int_equal(m->n_entries, 6);
	e = mf_test_get(m, "/vmfs");
	assert_int_equal(e->type, MF_DIR);
	assert_int_equal(e->mode, 0755);
	assert_int_equal(e->uid, 0);
	assert_int_equal(e->gid, 0);
	assert_string_equal(e->origin, "m0.json");
	/* defined explicitly after its child: explicit wins */
	assert_int_equal(mf_test_get(m, "/vmfs/volumes")->mode, 01777);
	assert_int_equal(mf_test_get(m, "/vmfs/volumes/ds1/vm")->type, MF_DIR);
	mf_manifest_free(m);
}

static const char mf_base[] =
    "{\"version\": 1,\n"
    " \"entries\": [\n"
    "  {\"path\": \"/etc/motd\", \"type\": \"file\", \"mode\": \"0644\", "
    "\"owner\": \"dcui\", \"mtime\": 5, \"content\": {\"text\": "
    "\"base\\n\"}},\n"
    "  {\"path\": \"/etc/vmware/esx.conf\", \"type\": \"file\", "
    "\"content\": {\"file\": \"etc/vmware/esx.conf\"}, \"log\": {}},\n"
    "  {\"path\": \"/etc/old/a/b\", \"type\": \"file\"},\n"
    "  {\"path\": \"/etc/old-sibling\", \"type\": \"file\"},\n"
    "  {\"path\": \"/bin/sh\", \"type\": \"symlink\", \"target\": "
    "\"busybox\"},\n"
    "  {\"path\": \"/scratch\", \"type\": \"dir\", \"mode\": \"1777\", "
    "\"owner\": \"dcui\"},\n"
    "  {\"path\": \"/big\", \"type\": \"file\", \"size\": 100}\n"
    " ]}";

static void test_mf_overlay_content_mode_delete(void **state)
{
	struct mf_manifest *m = mf_test_ok(
	    2, mf_base,
	    "{\"version\": 1, \"entries\": [\n"
	    " {\"path\": \"/etc/motd\", \"mode\": \"0600\", \"content\": "
	    "{\"text\": \"overlay\\n\"}},\n"
	    " {\"path\": \"/etc/old\", \"delete\": true},\n"
	    " {\"path\": \"/etc/vmware/esx.conf\", \"owner\": \"vpxuser\"},\n"
	    " {\"path\": \"/bin/sh\", \"target\": \"/bin/busybox\"},\n"
	    " {\"path\": \"/big\", \"content\": {\"text\": \"x\"}},\n"
	    " {\"path\": \"/new/dir/file\", \"type\": \"file\"}\n"
	    "]}");
	const struct mf_entry *e;

	(void)state;
	e = mf_test_get(m, "/etc/motd");
	assert_int_equal(e->mode, 0600);
	assert_int_equal(e->content.kind, MF_SRC_INLINE);
	assert_string_equal(e->content.data, "overlay\n");
	assert_int_equal(e->size, 8);
	/* fields the overlay did not give are kept */
	assert_int_equal(e->uid, 100);
	assert_int_equal(e->mtime.tv_sec, 5);
	assert_string_equal(e->origin, "m1.json");
	/* the deleted path and everything below it are gone */
	assert_null(mf_find(m, "/etc/old"));
	assert_null(mf_find(m, "/etc/old/a"));
	assert_null(mf_find(m, "/etc/old/a/b"));
	assert_non_null(mf_find(m, "/etc/old-sibling"));
	e = mf_test_get(m, "/etc/vmware/esx.conf");
	assert_int_equal(e->uid, 500);
	assert_int_equal(e->content.kind, MF_SRC_FILE);
	assert_string_equal(e->log_json, "{}");
	assert_string_equal(mf_test_get(m, "/bin/sh")->target, "/bin/busybox");
	e = mf_test_get(m, "/big");
	assert_int_equal(e->content.kind, MF_SRC_INLINE);
	assert_int_equal(e->size, 1);
	assert_false(e->has_size);
	assert_string_equal(mf_test_get(m, "/new/dir")->origin, "m1.json");
	assert_string_equal(mf_test_get(m, "/etc")->origin, "m0.json");
	mf_manifest_free(m);
}

static void test_mf_overlay_type_change_and_replace(void **state)
{
	struct mf_manifest *m = mf_test_ok(
	    2, mf_base,
	    "{\"version\": 1,\n"
	    " \"defaults\": [{\"match\": \"/**\", \"group\": \"users\"}],\n"
	    " \"entries\": [\n"
	    " {\"path\": \"/bin/sh\", \"type\": \"file\", \"content\": "
	    "{\"shadow\": \"/.shadow/busybox/busybox\"}},\n"
	    " {\"path\": \"/scratch\", \"replace\": true},\n"
	    " {\"path\": \"/etc/motd\", \"type\": \"file\", \"replace\": "
	    "true},\n"
	    " {\"path\": \"/etc/old-sibling\", \"mode\": \"0400\"},\n"
	    " {\"path\": \"/etc/old\", \"type\": \"dir\", \"mode\": \"0700\"}\n"
	    "]}");
	const struct mf_entry *e;

	(void)state;
	/* a different type replaces the whole entry; defaults apply */
	e = mf_test_get(m, "/bin/sh");
	assert_int_equal(e->type, MF_REG);
	assert_null(e->target);
	assert_int_equal(e->content.kind, MF_SRC_SHADOW);
	assert_int_equal(e->mode, 0644);
	assert_int_equal(e->gid, 100);
	/* replace keeps the type, resets every other field */
	e = mf_test_get(m, "/scratch");
	assert_int_equal(e->type, MF_DIR);
	assert_int_equal(e->mode, 0755);
	assert_int_equal(e->uid, 0);
	assert_int_equal(e->gid, 100);
	e = mf_test_get(m, "/etc/motd");
	assert_int_equal(e->content.kind, MF_SRC_EMPTY);
	assert_false(e->has_mtime);
	/* a modification ignores the overlay's defaults */
	e = mf_test_get(m, "/etc/old-sibling");
	assert_int_equal(e->mode, 0400);
	assert_int_equal(e->gid, 0);
	/* an implicit directory defined explicitly: a new definition */
	e = mf_test_get(m, "/etc/old");
	assert_int_equal(e->mode, 0700);
	assert_int_equal(e->gid, 100);
	assert_non_null(mf_find(m, "/etc/old/a/b"));
	mf_manifest_free(m);
}

static void test_mf_overlay_delete_then_redefine(void **state)
{
	struct mf_manifest *m = mf_test_ok(
	    2, mf_base,
	    "{\"version\": 1, \"entries\": [\n"
	    " {\"path\": \"/etc\", \"delete\": true},\n"
	    " {\"path\": \"/etc/motd\", \"type\": \"file\", \"content\": "
	    "{\"text\": \"new\"}}\n"
	    "]}");
	const struct mf_entry *e;

	(void)state;
	assert_null(mf_find(m, "/etc/vmware"));
	assert_null(mf_find(m, "/etc/old-sibling"));
	e = mf_test_get(m, "/etc/motd");
	assert_int_equal(e->uid, 0);
	assert_string_equal(e->content.data, "new");
	assert_string_equal(mf_test_get(m, "/etc")->origin, "m1.json");
	mf_manifest_free(m);
}

static void test_mf_three_layers_and_users(void **state)
{
	struct mf_manifest *m = NULL;
	struct mf_error err;
	int rc;

	(void)state;
	rc = mf_test_load(
	    &m, &err, 3, mf_base,
	    "{\"version\": 1, \"users\": {\"tester\": 1000}}",
	    "{\"version\": 1, \"entries\": [{\"path\": \"/etc/motd\", "
	    "\"owner\": \"tester\"}]}");
	assert_int_equal(rc, 0);
	assert_int_equal(mf_test_get(m, "/etc/motd")->uid, 1000);
	assert_string_equal(mf_test_get(m, "/etc/motd")->origin, "m2.json");
	assert_int_equal(m->n_origins, 3);
	mf_manifest_free(m);
}

static void test_mf_error_str(void **state)
{
	struct mf_error e;
	char buf[600];

	(void)state;
	memset(&e, 0, sizeof(e));
	snprintf(e.file, sizeof(e.file), "a.json");
	e.line = 3;
	e.col = 7;
	snprintf(e.msg, sizeof(e.msg), "duplicate key 'mode'");
	assert_string_equal(mf_error_str(&e, buf, sizeof(buf)),
			    "a.json:3:7: duplicate key 'mode'");
	e.line = e.col = 0;
	snprintf(e.jpath, sizeof(e.jpath), "/entries/2/mode");
	assert_string_equal(mf_error_str(&e, buf, sizeof(buf)),
			    "a.json: /entries/2/mode: duplicate key 'mode'");
	e.file[0] = '\0';
	assert_string_equal(mf_error_str(&e, buf, sizeof(buf)),
			    "/entries/2/mode: duplicate key 'mode'");
	assert_string_equal(mf_error_str(&e, buf, 6), "/entr");
}

static void test_mf_file_source(void **state)
{
	char dir[] = "/tmp/mftest.XXXXXX", path[64];
	struct mf_source src;
	struct mf_manifest *m = NULL;
	struct mf_error err;
	FILE *f;
	int rc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(mf_all_types, f);
	fclose(f);
	src.name = path;
	src.buf = NULL;
	src.len = 0;
	rc = mf_load(&src, 1, &m, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(mf_test_get(m, "/bin/sh")->origin, path);
	mf_manifest_free(m);
	unlink(path);
	/* missing file */
	rc = mf_load(&src, 1, &m, &err);
	assert_int_equal(rc, -ENOENT);
	assert_null(m);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.msg, "cannot open"));
	/* a directory */
	src.name = dir;
	rc = mf_load(&src, 1, &m, &err);
	assert_int_equal(rc, -EISDIR);
	assert_null(m);
	rmdir(dir);
}

/* The annotated manifest of manifest/FORMAT.md, "//" notes removed, loads
 * and means what the page says. */
static char *mf_format_example(void)
{
	const char *src = getenv("ESXMOCK_SRC");
	char path[512], line[1024];
	char *out = NULL;
	size_t len = 0;
	bool in_sec = false, in_block = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/manifest/FORMAT.md", src);
	f = fopen(path, "r");
	assert_non_null(f);
	out = calloc(1, 65536);
	assert_non_null(out);
	while (fgets(line, sizeof(line), f)) {
		bool q = false;

		if (!strncmp(line, "## An annotated complete manifest", 33))
			in_sec = true;
		if (!in_sec)
			continue;
		if (!strncmp(line, "```", 3)) {
			if (in_block)
				break;
			in_block = true;
			continue;
		}
		if (!in_block)
			continue;
		for (char *p = line; *p; p++) {
			if (*p == '"' && (p == line || p[-1] != '\\'))
				q = !q;
			if (!q && p[0] == '/' && p[1] == '/') {
				strcpy(p, "\n");
				break;
			}
		}
		assert_true(len + strlen(line) < 65536);
		memcpy(out + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	fclose(f);
	assert_true(len > 100);
	return out;
}

static void test_mf_format_md_example(void **state)
{
	char *doc = mf_format_example();
	struct mf_manifest *m = mf_test_ok(1, doc, NULL);
	const struct mf_entry *e;

	(void)state;
	e = mf_test_get(m, "/bin");
	assert_int_equal(e->mode, 0755);
	assert_false(e->has_mtime);
	assert_string_equal(mf_test_get(m, "/bin/sh")->target,
			    "/usr/lib/vmware/busybox/bin/busybox");
	e = mf_test_get(m, "/etc/motd");
	assert_true(e->has_mtime);
	assert_int_equal(e->mtime.tv_sec, 1681812000);
	e = mf_test_get(m, "/etc/vmware/esx.conf");
	assert_int_equal(e->content.kind, MF_SRC_FILE);
	assert_string_equal(e->log_json, "{\"level\":\"data\"}");
	assert_int_equal(mf_test_get(m, "/dev/null")->mode, 0666);
	e = mf_test_get(m, "/dev/vsansparse");
	assert_int_equal(e->mode, 0600);
	assert_int_equal(e->rdev_major, 0);
	assert_int_equal(mf_test_get(m, "/tmp")->mode, 01777);
	e = mf_test_get(m, "/var/log/vpxa.log");
	assert_int_equal(e->uid, 501);
	assert_int_equal(e->gid, 501);
	assert_int_equal(e->content.kind, MF_SRC_EMPTY);
	e = mf_test_get(m, "/vmfs/volumes/datastore1/vm1/vm1-flat.vmdk");
	assert_int_equal(e->content.kind, MF_SRC_SPARSE);
	assert_int_equal(e->size, 10737418240ULL);
	e = mf_test_get(m, "/bin/su");
	assert_int_equal(e->mode, 04755);
	assert_int_equal(e->content.len, 10);
	assert_memory_equal(e->content.data, "#!/bin/sh\n", 10);
	mf_manifest_free(m);
	free(doc);
}

static void test_mf_no_sources(void **state)
{
	struct mf_manifest *m = (struct mf_manifest *)1;
	struct mf_error err;

	(void)state;
	assert_int_equal(mf_load(NULL, 0, &m, &err), -EINVAL);
	assert_null(m);
	assert_non_null(strstr(err.msg, "no manifest"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mf_minimal_has_root),
	    cmocka_unit_test(test_mf_types_modes_and_type_defaults),
	    cmocka_unit_test(test_mf_sorted_and_find),
	    cmocka_unit_test(test_mf_content_kinds),
	    cmocka_unit_test(test_mf_owners_mtime_and_sections),
	    cmocka_unit_test(test_mf_id_tables),
	    cmocka_unit_test(test_mf_defaults_precedence),
	    cmocka_unit_test(test_mf_implicit_parents),
	    cmocka_unit_test(test_mf_overlay_content_mode_delete),
	    cmocka_unit_test(test_mf_overlay_type_change_and_replace),
	    cmocka_unit_test(test_mf_overlay_delete_then_redefine),
	    cmocka_unit_test(test_mf_three_layers_and_users),
	    cmocka_unit_test(test_mf_error_str),
	    cmocka_unit_test(test_mf_file_source),
	    cmocka_unit_test(test_mf_format_md_example),
	    cmocka_unit_test(test_mf_no_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
