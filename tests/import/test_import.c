/* test_import.c - unit tests of the listing importer (mf_import_listing).
 * Owns: the fixture counts, row-by-row preservation against an independent
 * parse of the listing, symlink resolution in the default stack, malformed
 * and tolerated listings, determinism and the LINKS.md table. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "manifest.h"
#include "mf_import.h"

#define BUSYBOX "/usr/lib/vmware/busybox/bin/busybox"

static char *read_src(const char *rel, size_t *len)
{
	const char *src = getenv("ESXMOCK_SRC");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/%s", src, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* Imports text; returns rc, fills out (caller frees) and rep. */
static int import(const char *text, char **out, struct mf_import_report *rep,
		  struct mf_error *err)
{
	size_t out_len;

	return mf_import_listing(text, strlen(text), "test.json", out, &out_len,
				 rep, NULL, err);
}

static struct mf_manifest *load_buf(const char *text)
{
	struct mf_source src = {
	    .name = "out", .buf = text, .len = strlen(text)};
	struct mf_manifest *m = NULL;
	struct mf_error err = {0};
	char eb[1200];
	int rc = mf_load(&src, 1, &m, &err);

	if (rc)
		fail_msg("output does not load: %s",
			 mf_error_str(&err, eb, sizeof(eb)));
	return m;
}

static struct mf_manifest *load_default(bool mockbin)
{
	const char *src = getenv("ESXMOCK_SRC");
	char p[3][4096];
	struct mf_source s[3] = {{0}};
	struct mf_manifest *m = NULL;
	struct mf_error err = {0};
	char eb[1200];
	const char *names[3] = {"esx8.json", "esx8-extra.json",
				"esx8-mockbin.json"};
	size_t n = mockbin ? 3 : 2;

	for (size_t i = 0; i < n; i++) {
		snprintf(p[i], sizeof(p[i]), "%s/manifest/data/%s", src,
			 names[i]);
		s[i].name = p[i];
	}
	if (mf_load(s, n, &m, &err))
		fail_msg("default stack: %s",
			 mf_error_str(&err, eb, sizeof(eb)));
	return m;
}

/* ---- the real listing ------------------------------------------------- */

/* The fixture's counts, computed independently (manifest/LISTING.md). */
static void test_import_fixture_counts(void **state)
{
	struct mf_import_report rep;
	struct mf_error err;
	char *in = read_src("manifest/data/esx8-listing.json", NULL), *out;
	size_t links = 0;

	(void)state;
	assert_int_equal(import(in, &out, &rep, &err), 0);
	assert_false(rep.rich);
	assert_int_equal(rep.rows, 9564);
	assert_int_equal(rep.dup_exact, 0);
	assert_int_equal(rep.rel_rows, 210);
	assert_int_equal(rep.rel_names, 14);
	assert_int_equal(rep.rel_resolved, 210);
	assert_int_equal(rep.rel_conflict, 0);
	assert_int_equal(rep.rel_dropped, 0);
	assert_string_equal(
	    rep.rel_base, "/vmfs/volumes/63dd8268-20d773e5-fa32-646266213c0e");
	assert_int_equal(rep.mode_conflicts, 0);
	assert_int_equal(rep.by_type[MF_DIR], 1167);
	assert_int_equal(rep.by_type[MF_REG], 7657);
	assert_int_equal(rep.by_type[MF_LNK], 461);
	assert_int_equal(rep.by_type[MF_CHR], 69);
	assert_int_equal(rep.special_bits, 129);
	assert_int_equal(rep.entries, 9354);
	for (int s = 0; s < MF_LINK_NSRC; s++)
		links += rep.links_by_src[s];
	assert_int_equal(links, 461);
	assert_int_equal(rep.links_by_src[MF_LINK_LISTING], 0);
	assert_true(rep.links_by_src[MF_LINK_PLACEHOLDER] < 20);
	free(in);
	free(out);
}

static enum mf_type type_of(char c)
{
	switch (c) {
	case 'd':
		return MF_DIR;
	case '-':
		return MF_REG;
	case 'l':
		return MF_LNK;
	case 'c':
		return MF_CHR;
	default:
		fail_msg("unexpected hstat letter %c", c);
	}
	return 0;
}

/* Every unique absolute row survives with its type, mode bits (setuid,
 * setgid, sticky included) and owner, checked against json-c's own parse
 * of the listing, not the importer's. */
static void test_import_fixture_rows_kept(void **state)
{
	struct mf_import_report rep;
	struct mf_error err;
	char *in = read_src("manifest/data/esx8-listing.json", NULL), *out;
	struct json_object *doc;
	struct mf_manifest *m;
	size_t i, n, checked = 0, special = 0;

	(void)state;
	assert_int_equal(import(in, &out, &rep, &err), 0);
	m = load_buf(out);
	doc = json_tokener_parse(in); /* tolerates the trailing comma */
	assert_non_null(doc);
	n = json_object_array_length(doc);
	for (i = 0; i < n; i++) {
		struct json_object *row = json_object_array_get_idx(doc, i), *v;
		const char *path, *hstat;
		const struct mf_entry *e;
		mode_t mode;

		assert_true(json_object_object_get_ex(row, "path", &v));
		path = json_object_get_string(v);
		if (path[0] != '/')
			continue;
		assert_true(json_object_object_get_ex(row, "hstat", &v));
		hstat = json_object_get_string(v);
		assert_true(json_object_object_get_ex(row, "stat", &v));
		mode = (mode_t)strtoul(json_object_get_string(v), NULL, 8);
		e = mf_find(m, path);
		if (!e)
			fail_msg("'%s' lost", path);
		assert_int_equal(e->type, type_of(hstat[0]));
		if (e->mode != mode)
			fail_msg("'%s': mode %o, listing %o", path, e->mode,
				 mode);
		assert_int_equal(e->uid, 0);
		assert_int_equal(e->gid, 0);
		if (e->type == MF_LNK)
			assert_non_null(e->target);
		if (mode & 07000)
			special++;
		checked++;
	}
	assert_int_equal(checked, 9354);
	assert_int_equal(special, 129);
	assert_int_equal(m->n_entries, 9354);
	json_object_put(doc);
	mf_manifest_free(m);
	free(in);
	free(out);
}

/* ---- symlink resolution in the default stack ------------------------- */

/* "/a/./b/../c//" -> "/a/c" in place. */
static void normalise(char *p)
{
	char *comps[512], *tok, *save = NULL, buf[8192];
	size_t n = 0, o = 0;

	snprintf(buf, sizeof(buf), "%s", p);
	for (tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (n)
				n--;
			continue;
		}
		comps[n++] = tok;
	}
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(p + o, 8192 - o, "/%s", comps[i]);
	if (!o)
		strcpy(p, "/");
}

/* Follows symlinks like the kernel would in the mounted tree. */
static const struct mf_entry *resolve(const struct mf_manifest *m,
				      const char *path)
{
	char cur[8192];

	snprintf(cur, sizeof(cur), "%s", path);
	for (int hops = 0; hops < 40; hops++) {
		char prefix[8192] = "";
		const char *p = cur + 1;
		bool redo = false;

		normalise(cur);
		if (!strcmp(cur, "/"))
			return mf_find(m, "/");
		p = cur + 1;
		while (*p) {
			const char *slash = strchr(p, '/');
			size_t len = slash ? (size_t)(slash - p) : strlen(p);
			const struct mf_entry *e;
			char next[8192];

			assert_true(snprintf(next, sizeof(next), "%s/%.*s",
					     prefix, (int)len,
					     p) < (int)sizeof(next));
			e = mf_find(m, next);
			if (!e)
				return NULL;
			p += len;
			if (*p == '/')
				p++;
			if (e->type == MF_LNK) {
				char np[8192];

				int w;

				if (e->target[0] == '/')
					w = snprintf(np, sizeof(np), "%s/%s",
						     e->target, p);
				else
					w = snprintf(np, sizeof(np), "%s/%s/%s",
						     prefix, e->target, p);
				assert_true(w < (int)sizeof(np));
				snprintf(cur, sizeof(cur), "%s", np);
				redo = true;
				break;
			}
			if (*p && e->type != MF_DIR)
				return NULL;
			snprintf(prefix, sizeof(prefix), "%s", next);
		}
		if (!redo)
			return mf_find(m, cur);
	}
	return NULL;
}

/* Every symlink of the default tree resolves (placeholders aside), except
 * the one the captured host has dangling; the busybox applet links reach
 * the busybox program; ESXi's /dev names reach Linux device numbers. */
static void test_import_default_links_resolve(void **state)
{
	struct mf_manifest *m = load_default(false);
	size_t i, dangling = 0, applets = 0;
	const struct mf_entry *e;

	(void)state;
	for (i = 0; i < m->n_entries; i++) {
		const struct mf_entry *l = &m->entries[i];

		if (l->type != MF_LNK ||
		    !strcmp(l->target, MF_IMPORT_PLACEHOLDER))
			continue;
		e = resolve(m, l->path);
		if (!e) {
			if (strcmp(l->path, "/var/log/vvol-stats.log"))
				fail_msg("'%s' -> '%s' dangles", l->path,
					 l->target);
			dangling++;
			continue;
		}
		if (!strcmp(l->target, BUSYBOX)) {
			assert_int_equal(e->type, MF_REG);
			assert_string_equal(e->path, BUSYBOX);
			applets++;
		}
	}
	assert_int_equal(dangling, 1);
	assert_true(applets > 100);
	e = resolve(m, "/bin/sh");
	assert_non_null(e);
	assert_int_equal(e->content.kind, MF_SRC_SHADOW);
	assert_string_equal(e->content.path, "/.shadow/busybox/busybox");
	assert_int_equal(e->mode, 0555);
	{
		static const struct {
			const char *dev;
			unsigned int maj, min;
		} devs[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},
			    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9},
			    {"/dev/tty", 5, 0},    {"/dev/console", 5, 1},
			    {"/dev/ptmx", 5, 2}};

		for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
			e = resolve(m, devs[i].dev);
			assert_non_null(e);
			assert_int_equal(e->type, MF_CHR);
			assert_int_equal(e->rdev_major, devs[i].maj);
			assert_int_equal(e->rdev_minor, devs[i].min);
		}
	}
	e = resolve(m, "/var/tmp");
	assert_non_null(e);
	assert_int_equal(e->type, MF_DIR);
	e = resolve(m, "/etc/vmware/esx.conf");
	assert_non_null(e);
	assert_string_equal(e->content.path,
			    "/.shadow/content/etc/vmware/esx.conf");
	assert_int_equal(e->mode, 0644);
	e = resolve(m, "/etc/motd");
	assert_int_equal(e->mode, 0444); /* the listing's mode kept */
	mf_manifest_free(m);
}

/* With the mockbin overlay, each of the eight mock programs is reached
 * through its ESXi path, symlink or not, and keeps the listing's type. */
static void test_import_default_mockbin(void **state)
{
	static const struct {
		const char *path, *shadow;
	} progs[] = {
	    {"/bin/esxcli", "/.shadow/mockbin/esxcli"},
	    {"/bin/localcli", "/.shadow/mockbin/localcli"},
	    {"/bin/vsish", "/.shadow/mockbin/vsish"},
	    {"/bin/configstorecli", "/.shadow/mockbin/configstorecli"},
	    {"/bin/esxcfg-advcfg", "/.shadow/mockbin/esxcfg-advcfg"},
	    {"/bin/vmkfstools", "/.shadow/mockbin/vmkfstools"},
	    {"/bin/vmkload_mod", "/.shadow/mockbin/vmkload_mod"},
	    {"/usr/lib/vmware/vds-vsip/bin/vds-vsipioctl",
	     "/.shadow/mockbin/vds-vsipioctl"},
	};
	struct mf_manifest *m = load_default(true);

	(void)state;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		const struct mf_entry *e = resolve(m, progs[i].path);

		assert_non_null(e);
		assert_int_equal(e->type, MF_REG);
		assert_int_equal(e->content.kind, MF_SRC_SHADOW);
		assert_string_equal(e->content.path, progs[i].shadow);
		assert_int_equal(e->mode, 0555);
	}
	assert_int_equal(mf_find(m, "/bin/esxcli")->type, MF_LNK);
	assert_int_equal(mf_find(m, "/bin/configstorecli")->type, MF_LNK);
	mf_manifest_free(m);
}

/* ---- malformed listings ------------------------------------------------ */

#define ROW(h, s, p)                                                           \
	"{\"hstat\":\"" h "\",\"stat\":\"" s                                   \
	"\",\"owner\":\"root\",\"group\":\"root\",\"path\":\"" p "\"}"

struct bad_case {
	const char *name, *input;
	const char *msg;   /* substring of err.msg */
	const char *jpath; /* exact err.jpath */
	int line, col;     /* 0: not checked */
};

static const struct bad_case bad_cases[] = {
    {"empty", "", "empty listing", "", 0, 0},
    {"blank", " \n\t", "empty listing", "", 0, 0},
    {"truncated array", "[\n" ROW("drwxr-xr-x", "755", "/"),
     "unexpected end of input", "", 2, 0},
    {"truncated row", "[{\"hstat\": \"drwx", "unexpected end of input", "", 1,
     0},
    {"syntax error", "[\n{\"hstat\" \"x\"}]", "JSON syntax error", "", 2, 0},
    {"text after", "[]\nxyz", "unexpected text after the listing", "", 2, 1},
    {"top-level string", "\"rows\"", "expected a JSON array", "", 0, 0},
    {"non-object row", "[1]", "row 0: expected an object, got int", "/0", 0, 0},
    {"array row", "[" ROW("drwxr-xr-x", "755", "/") ",[]]",
     "row 1: expected an object, got array", "/1", 0, 0},
    {"missing path",
     "[{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\","
     "\"owner\":\"root\",\"group\":\"root\"}]",
     "row 0: missing key 'path'", "/0", 0, 0},
    {"missing group",
     "[{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\","
     "\"owner\":\"root\",\"path\":\"/a\"}]",
     "row 0 ('/a'): missing key 'group'", "/0", 0, 0},
    {"unknown key",
     "[{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\","
     "\"owner\":\"root\",\"group\":\"root\",\"path\":\"/a\","
     "\"mode\":\"755\"}]",
     "unknown key 'mode'", "/0/mode", 0, 0},
    {"hstat short", "[" ROW("drwx", "755", "/a") "]", "bad hstat 'drwx'",
     "/0/hstat", 0, 0},
    {"hstat type", "[" ROW("xrwxr-xr-x", "755", "/a") "]",
     "unknown file type letter 'x'", "/0/hstat", 0, 0},
    {"hstat perm letter", "[" ROW("drwxr-xq-x", "755", "/a") "]",
     "bad hstat 'drwxr-xq-x'", "/0/hstat", 0, 0},
    {"hstat sticky in user", "[" ROW("drwtr-xr-x", "755", "/a") "]",
     "bad hstat", "/0/hstat", 0, 0},
    {"stat not octal", "[" ROW("drwxr-xr-x", "789", "/a") "]", "bad stat '789'",
     "/0/stat", 0, 0},
    {"stat too long", "[" ROW("drwxr-xr-x", "10755", "/a") "]",
     "bad stat '10755'", "/0/stat", 0, 0},
    {"stat number",
     "[{\"hstat\":\"drwxr-xr-x\",\"stat\":755,"
     "\"owner\":\"root\",\"group\":\"root\",\"path\":\"/a\"}]",
     "'stat' must be a string", "/0/stat", 0, 0},
    {"empty owner",
     "[{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\","
     "\"owner\":\"\",\"group\":\"root\",\"path\":\"/a\"}]",
     "empty 'owner'", "/0/owner", 0, 0},
    {"empty path", "[" ROW("drwxr-xr-x", "755", "") "]", "empty path",
     "/0/path", 0, 0},
    {"dotdot", "[" ROW("drwxr-xr-x", "755", "/a/../b") "]", "'..' component",
     "/0/path", 0, 0},
    {"nul in path", "[" ROW("drwxr-xr-x", "755", "/a\\u0000b") "]", "NUL byte",
     "/0/path", 0, 0},
    {"conflicting duplicates",
     "[" ROW("drwxr-xr-x", "755", "/a") "," ROW("drwx------", "700", "/a") "]",
     "rows 0 and 1 both list '/a' but differ in mode", "/1", 0, 0},
    {"conflicting type",
     "[" ROW("drwxr-xr-x", "755", "/a") "," ROW("-rwxr-xr-x", "755", "/a") "]",
     "differ in type", "/1", 0, 0},
    {"below a file",
     "[" ROW("-rw-r--r--", "644", "/a") "," ROW("-rw-r--r--", "644",
						"/a/b") "]",
     "row 1 lists '/a/b' below '/a', which row 0 gives as a file", "/1", 0, 0},
    {"unknown owner",
     "[{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\",\"owner\":\"bob\","
     "\"group\":\"root\",\"path\":\"/a\"}]",
     "unknown owner 'bob'", "/0/owner", 0, 0},
    {"unknown group",
     "[{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\",\"owner\":\"root\","
     "\"group\":\"wheel2\",\"path\":\"/a\"}]",
     "unknown group 'wheel2'", "/0/group", 0, 0},
    {"target on a file",
     "[{\"hstat\":\"-rw-r--r--\",\"stat\":\"644\",\"owner\":\"root\","
     "\"group\":\"root\",\"path\":\"/a\",\"target\":\"/b\"}]",
     "'target' on a row that is not a symlink", "/0/target", 0, 0},
    {"rdev on a file",
     "[{\"hstat\":\"-rw-r--r--\",\"stat\":\"644\",\"owner\":\"root\","
     "\"group\":\"root\",\"path\":\"/a\",\"rdev\":\"1:3\"}]",
     "'rdev' on a row that is not a device", "/0/rdev", 0, 0},
    {"bad rdev",
     "[{\"hstat\":\"crw-rw-rw-\",\"stat\":\"666\",\"owner\":\"root\","
     "\"group\":\"root\",\"path\":\"/a\",\"rdev\":\"1-3\"}]",
     "'rdev' must be", "/0/rdev", 0, 0},
    {"uid string",
     "[{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\",\"owner\":\"root\","
     "\"group\":\"root\",\"path\":\"/a\",\"uid\":\"0\"}]",
     "'uid' must be an integer", "/0/uid", 0, 0},
    {"negative size",
     "[{\"hstat\":\"-rw-r--r--\",\"stat\":\"644\",\"owner\":\"root\","
     "\"group\":\"root\",\"path\":\"/a\",\"size\":-1}]",
     "'size' is out of range", "/0/size", 0, 0},
    {"uid conflict",
     "{\"format\":\"esxmock-listing\",\"version\":1,\"rows\":["
     "{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\",\"owner\":\"bob\","
     "\"group\":\"root\",\"uid\":7,\"gid\":0,\"path\":\"/a\"},"
     "{\"hstat\":\"drwxr-xr-x\",\"stat\":\"755\",\"owner\":\"bob\","
     "\"group\":\"root\",\"uid\":8,\"gid\":0,\"path\":\"/b\"}]}",
     "owner 'bob' has id 8 here but 7", "/rows/1", 0, 0},
    {"wrapper format", "{\"format\":\"other\",\"version\":1,\"rows\":[]}",
     "'format' must be \"esxmock-listing\"", "/format", 0, 0},
    {"wrapper version",
     "{\"format\":\"esxmock-listing\",\"version\":2,\"rows\":[]}",
     "'version' must be 1", "/version", 0, 0},
    {"wrapper rows", "{\"format\":\"esxmock-listing\",\"version\":1}",
     "'rows' must be an array", "/rows", 0, 0},
    {"wrapper key",
     "{\"format\":\"esxmock-listing\",\"version\":1,\"rows\":[],"
     "\"hosts\":1}",
     "unknown key 'hosts' in the listing header", "/hosts", 0, 0},
    {"rich row error",
     "{\"format\":\"esxmock-listing\",\"version\":1,\"rows\":[" ROW(
	 "drwxr-xr-x", "755", "/a") "," ROW("d", "755", "/b") "]}",
     "row 1 ('/b'): bad hstat 'd'", "/rows/1/hstat", 0, 0},
    {"sequence error", ROW("drwxr-xr-x", "755", "/a") ",\n7,",
     "row 1: expected an object", "/1", 0, 0},
    {"deep nesting",
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
     "JSON syntax error", "", 1, 0},
};

/* Each malformed listing fails with its message, pointer and position, and
 * produces no output. */
static void test_import_bad_listings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct mf_import_report rep;
		struct mf_error err;
		char *out = (char *)1;
		int rc = import(c->input, &out, &rep, &err);

		if (rc == 0)
			fail_msg("case '%s' was accepted", c->name);
		assert_null(out);
		if (!strstr(err.msg, c->msg))
			fail_msg("case '%s': message '%s' lacks '%s'", c->name,
				 err.msg, c->msg);
		if (strcmp(err.jpath, c->jpath))
			fail_msg("case '%s': pointer '%s', expected '%s'",
				 c->name, err.jpath, c->jpath);
		assert_string_equal(err.file, "test.json");
		if (c->line && err.line != c->line)
			fail_msg("case '%s': line %d, expected %d", c->name,
				 err.line, c->line);
		if (c->col && err.col != c->col)
			fail_msg("case '%s': col %d, expected %d", c->name,
				 err.col, c->col);
	}
}

/* ---- tolerated listings ------------------------------------------------ */

/* The capture command's flaws are tolerated: trailing comma, no [ ]
 * wrapper (comma or newline separated), exact duplicates. */
static void test_import_tolerated_forms(void **state)
{
	static const char *const forms[] = {
	    "[" ROW("drwxr-xr-x", "755", "/a") "," ROW("-rw-r--r--", "644",
						       "/a/f") "]",
	    "[\n" ROW("drwxr-xr-x", "755", "/a") ",\n" ROW("-rw-r--r--", "644",
							   "/a/f") ",\n]\n",
	    ROW("drwxr-xr-x", "755", "/a") ",\n" ROW("-rw-r--r--", "644",
						     "/a/f") ",\n",
	    ROW("drwxr-xr-x", "755", "/a") "\n" ROW("-rw-r--r--", "644",
						    "/a/f") "\n",
	    "\xef\xbb\xbf[" ROW("-rw-r--r--", "644", "/a/f") "," ROW(
		"drwxr-xr-x", "755", "/a/") "," ROW("-rw-r--r--", "644",
						    "//a//f") "]",
	};
	char *first = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct mf_import_report rep;
		struct mf_error err;
		char *out;
		struct mf_manifest *m;

		if (import(forms[i], &out, &rep, &err))
			fail_msg("form %zu: %s", i, err.msg);
		m = load_buf(out);
		assert_non_null(mf_find(m, "/a/f"));
		assert_int_equal(mf_find(m, "/a")->type, MF_DIR);
		assert_int_equal(mf_find(m, "/a/f")->mode, 0644);
		if (i == 4)
			assert_int_equal(rep.dup_exact, 1);
		/* the same tree, so the same text */
		if (!first)
			first = strdup(out);
		else
			assert_string_equal(out, first);
		mf_manifest_free(m);
		free(out);
	}
	free(first);
}

/* Relative rows: resolved when one directory holds them all, dropped with
 * counts when none or several do, and a contradicting one never wins. */
static void test_import_relative_rows(void **state)
{
	struct mf_import_report rep;
	struct mf_error err;
	char *out;
	struct mf_manifest *m;
	const char *one = "[" ROW("drwxr-xr-x", "755", "/s") "," ROW(
	    "-rw-r--r--", "644",
	    "/s/x") "," ROW("drwxr-xr-x", "755",
			    "/s/y") "," ROW("-rw-r--r--", "644",
					    "x") "," ROW("drwxr-xr-x", "755",
							 "y") "," ROW("-rw-----"
								      "--",
								      "600",
								      "x") "]";
	const char *two = "[" ROW("drwxr-xr-x", "755", "/s") "," ROW(
	    "-rw-r--r--", "644",
	    "/s/x") "," ROW("drwxr-xr-x", "755",
			    "/t") "," ROW("-rw-r--r--", "644",
					  "/t/x") "," ROW("-rw-r--r--", "644",
							  "x") "]";
	const char *none = "[" ROW("drwxr-xr-x", "755", "/s") "," ROW(
	    "-rw-r--r--", "644", "./x") "," ROW("-rw-r--r--", "644", "x") "]";

	(void)state;
	assert_int_equal(import(one, &out, &rep, &err), 0);
	assert_string_equal(rep.rel_base, "/s");
	assert_int_equal(rep.rel_rows, 3);
	assert_int_equal(rep.rel_names, 2);
	assert_int_equal(rep.rel_resolved, 2);
	assert_int_equal(rep.rel_conflict, 1);
	m = load_buf(out);
	assert_int_equal(mf_find(m, "/s/x")->mode, 0644);
	assert_int_equal(m->n_entries, 4); /* "/", /s, /s/x, /s/y */
	mf_manifest_free(m);
	free(out);

	assert_int_equal(import(two, &out, &rep, &err), 0);
	assert_string_equal(rep.rel_base, "");
	assert_int_equal(rep.rel_candidates, 2);
	assert_int_equal(rep.rel_dropped, 1);
	free(out);

	assert_int_equal(import(none, &out, &rep, &err), 0);
	assert_int_equal(rep.rel_candidates, 0);
	assert_int_equal(rep.rel_rows, 2);
	assert_int_equal(rep.rel_names, 1); /* "./x" is "x" */
	assert_int_equal(rep.rel_dropped, 2);
	free(out);
}

/* hstat and stat disagreeing: stat wins, the conflict is counted; the
 * special bits come through in both notations. */
static void test_import_mode_bits(void **state)
{
	struct mf_import_report rep;
	struct mf_error err;
	char *out;
	struct mf_manifest *m;
	const char *in = "[" ROW("-rwsr-sr-x", "6755", "/su") "," ROW(
	    "-rwSr-Sr-T", "7644",
	    "/caps") "," ROW("drwxrwxrwt", "1777",
			     "/tmp") "," ROW("lrwxrwxrwt", "1777",
					     "/var") "," ROW("-rwxr-xr-x",
							     "4755",
							     "/conflict") "]";

	(void)state;
	assert_int_equal(import(in, &out, &rep, &err), 0);
	assert_int_equal(rep.mode_conflicts, 1);
	assert_int_equal(rep.special_bits, 5);
	m = load_buf(out);
	assert_int_equal(mf_find(m, "/su")->mode, 06755);
	assert_int_equal(mf_find(m, "/caps")->mode, 07644);
	assert_int_equal(mf_find(m, "/tmp")->mode, 01777);
	assert_int_equal(mf_find(m, "/var")->mode, 01777);
	assert_int_equal(mf_find(m, "/conflict")->mode, 04755);
	mf_manifest_free(m);
	free(out);
}

/* The esxmock-listing format: targets, sizes, mtimes, devices, ids of
 * users ESXi lacks, UNKNOWN names, escaped names. */
static void test_import_rich(void **state)
{
	const char *in =
	    "{\"format\": \"esxmock-listing\", \"version\": 1, \"root\": "
	    "\"/\", \"host\": \"esx\", \"captured\": \"x\", \"tool\": \"t\", "
	    "\"rows\": [\n"
	    "{\"hstat\": \"drwxr-xr-x\", \"stat\": \"755\", \"owner\": "
	    "\"root\", \"group\": \"root\", \"uid\": 0, \"gid\": 0, \"size\": "
	    "512, \"mtime\": 100, \"path\": \"/\"},\n"
	    "{\"hstat\": \"-rw-r-----\", \"stat\": \"640\", \"owner\": "
	    "\"bob\", \"group\": \"staff\", \"uid\": 1001, \"gid\": 50, "
	    "\"size\": 4096, \"mtime\": 1690000000, \"path\": \"/q\\\"u "
	    "o\\\\te\\nx\"},\n"
	    "{\"hstat\": \"lr--r--r--\", \"stat\": \"444\", \"owner\": "
	    "\"root\", \"group\": \"root\", \"uid\": 0, \"gid\": 0, \"size\": "
	    "9, \"mtime\": 5, \"target\": \"../x y\", \"path\": \"/l\"},\n"
	    "{\"hstat\": \"crw-rw-rw-\", \"stat\": \"666\", \"owner\": "
	    "\"UNKNOWN\", \"group\": \"UNKNOWN\", \"uid\": 4242, \"gid\": "
	    "4343, \"size\": 0, \"mtime\": 6, \"rdev\": \"1:3\", \"path\": "
	    "\"/null\"},\n"
	    "{\"hstat\": \"prw-------\", \"stat\": \"600\", \"owner\": "
	    "\"dcui\", \"group\": \"users\", \"uid\": 100, \"gid\": 100, "
	    "\"size\": 0, \"mtime\": 7, \"path\": \"/fifo\"},\n"
	    "{\"hstat\": \"srwxr-xr-x\", \"stat\": \"755\", \"owner\": "
	    "\"root\", \"group\": \"root\", \"uid\": 0, \"gid\": 0, \"size\": "
	    "0, \"mtime\": 8, \"path\": \"/sock\"}\n]}\n";
	struct mf_import_report rep;
	struct mf_error err;
	char *out;
	struct mf_manifest *m;
	const struct mf_entry *e;
	uid_t u;

	(void)state;
	if (import(in, &out, &rep, &err))
		fail_msg("%s %s", err.jpath, err.msg);
	assert_true(rep.rich);
	assert_int_equal(rep.links_by_src[MF_LINK_LISTING], 1);
	m = load_buf(out);
	e = mf_find(m, "/q\"u o\\te\nx");
	assert_non_null(e);
	assert_int_equal(e->uid, 1001);
	assert_int_equal(e->gid, 50);
	assert_int_equal(e->size, 4096);
	assert_int_equal(e->content.kind, MF_SRC_SPARSE);
	assert_true(e->has_mtime);
	assert_int_equal(e->mtime.tv_sec, 1690000000);
	assert_int_equal(mf_user_id(m, "bob", &u), 0);
	assert_int_equal(u, 1001);
	e = mf_find(m, "/l");
	assert_string_equal(e->target, "../x y");
	assert_int_equal(e->mode, 0444);
	e = mf_find(m, "/null");
	assert_int_equal(e->type, MF_CHR);
	assert_int_equal(e->rdev_major, 1);
	assert_int_equal(e->rdev_minor, 3);
	assert_int_equal(e->uid, 4242);
	assert_int_equal(e->gid, 4343);
	assert_int_equal(mf_find(m, "/fifo")->type, MF_FIFO);
	assert_int_equal(mf_find(m, "/fifo")->uid, 100);
	assert_int_equal(mf_find(m, "/sock")->type, MF_SOCK);
	assert_int_equal(mf_find(m, "/")->mtime.tv_sec, 100);
	/* one entry per line: diff-friendly */
	assert_non_null(strstr(out, "\n{\"path\": \"/fifo\", \"type\": "
				    "\"fifo\""));
	mf_manifest_free(m);
	free(out);
}

/* Row order and duplicates do not change the output: the fixture reversed
 * with every row doubled gives the same text. */
static void test_import_deterministic(void **state)
{
	char *in = read_src("manifest/data/esx8-listing.json", NULL);
	struct json_object *doc = json_tokener_parse(in), *rev;
	struct mf_import_report rep, rep2;
	struct mf_error err;
	char *out, *out2;
	const char *text;
	size_t n, out_len;

	(void)state;
	assert_non_null(doc);
	n = json_object_array_length(doc);
	rev = json_object_new_array();
	for (size_t i = n; i-- > 0;) {
		struct json_object *row = json_object_array_get_idx(doc, i);

		json_object_array_add(rev, json_object_get(row));
		json_object_array_add(rev, json_object_get(row));
	}
	text = json_object_to_json_string_ext(rev, JSON_C_TO_STRING_PLAIN);
	assert_int_equal(import(in, &out, &rep, &err), 0);
	assert_int_equal(mf_import_listing(text, strlen(text), "test.json",
					   &out2, &out_len, &rep2, NULL, &err),
			 0);
	assert_int_equal(rep2.dup_exact, 9354);
	assert_string_equal(out, out2);
	json_object_put(rev);
	json_object_put(doc);
	free(in);
	free(out);
	free(out2);
}

/* manifest/LINKS.md shows exactly the table the importer uses. */
static void test_import_links_doc(void **state)
{
	char *doc = read_src("manifest/LINKS.md", NULL), *mine = NULL;
	const char *begin = "<!-- links:begin -->\n",
		   *end = "<!-- links:end -->";
	char *b, *e;
	size_t len = 0;
	FILE *f = open_memstream(&mine, &len);

	(void)state;
	assert_non_null(f);
	mf_import_links_markdown(f);
	fclose(f);
	b = strstr(doc, begin);
	assert_non_null(b);
	b += strlen(begin);
	e = strstr(b, end);
	assert_non_null(e);
	*e = '\0';
	if (strcmp(b, mine))
		fail_msg("manifest/LINKS.md is stale: regenerate its table "
			 "with 'esxmockctl manifest import-listing "
			 "--print-links'");
	free(doc);
	free(mine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_import_fixture_counts),
	    cmocka_unit_test(test_import_fixture_rows_kept),
	    cmocka_unit_test(test_import_default_links_resolve),
	    cmocka_unit_test(test_import_default_mockbin),
	    cmocka_unit_test(test_import_bad_listings),
	    cmocka_unit_test(test_import_tolerated_forms),
	    cmocka_unit_test(test_import_relative_rows),
	    cmocka_unit_test(test_import_mode_bits),
	    cmocka_unit_test(test_import_rich),
	    cmocka_unit_test(test_import_deterministic),
	    cmocka_unit_test(test_import_links_doc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
