/* test_mf_bad.c - unit tests of mf_load on malformed manifests.
 * Owns the table of tests/manifest/bad/NN-name.json cases (expected location
 * and message), layered error cases, size caps and a mutation loop. */
#include "mf_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* at: "LINE:COL" for JSON syntax errors, else the JSON pointer ("" for the
 * document). msg: a substring of the message. */
static const struct mf_bad_case {
	const char *file, *at, *msg;
} mf_bad_cases[] = {
    {"01-syntax-missing-comma", "3:32",
     "json syntax error: object value separator ',' expected at '\"'"},
    {"02-syntax-trailing-comma", "4:2",
     "json syntax error: unexpected character at ']'"},
    {"03-syntax-unterminated", "4:1", "unexpected end of document"},
    {"04-duplicate-key", "3:49", "duplicate key 'mode'"},
    {"05-not-an-object", "", "the document must be a JSON object"},
    {"06-version-missing", "", "missing required key 'version'"},
    {"07-version-2", "/version", "unsupported version 2"},
    {"08-version-string", "/version", "unsupported version \"1\""},
    {"09-unknown-top-key", "/entrys", "unknown key 'entrys'"},
    {"10-unknown-entry-key", "/entries/0/modd", "unknown key 'modd'"},
    {"11-mode-0999", "/entries/0/mode", "invalid mode '0999'"},
    {"12-mode-abc", "/entries/0/mode", "invalid mode 'abc'"},
    {"13-mode-too-big", "/entries/0/mode",
     "invalid mode '17777': larger than 07777"},
    {"14-mode-integer", "/entries/0/mode", "'mode' must be a string"},
    {"15-path-relative", "/entries/0/path", "path 'etc/motd' is not absolute"},
    {"16-path-dotdot", "/entries/0/path",
     "path '/etc/../motd' contains a '..' component"},
    {"17-path-dot", "/entries/0/path",
     "path '/etc/./motd' contains a '.' component"},
    {"18-path-double-slash", "/entries/0/path",
     "path '/etc//motd' contains '//'"},
    {"19-path-trailing-slash", "/entries/0/path", "path '/etc/' ends with '/'"},
    {"20-path-nul", "/entries/0/path",
     "path '/etc/mo\\x00td' contains a NUL byte"},
    {"21-path-long-component", "/entries/0/path", "is longer than 255 bytes"},
    {"22-path-too-long", "/entries/0/path", "is longer than 4095 bytes"},
    {"23-content-two-keys", "/entries/0/content",
     "content must have exactly one key"},
    {"24-content-on-dir", "/entries/0/content",
     "'content' is only valid for a file, and '/a' is a dir"},
    {"25-symlink-no-target", "/entries/0",
     "symlink '/bin/sh' needs a 'target'"},
    {"26-target-on-file", "/entries/0/target",
     "'target' is only valid for a symlink, and '/bin/sh' is a file"},
    {"27-bad-base64", "/entries/0/content/base64",
     "invalid base64 'aGVs*G8=': bad character '*' at offset 4"},
    {"28-rdev-malformed", "/entries/0/rdev", "invalid rdev '1-3'"},
    {"29-unknown-owner", "/entries/0/owner", "unknown user 'nobody'"},
    {"30-unknown-group", "/entries/0/group", "unknown group 'wheel'"},
    {"31-duplicate-path", "/entries/2/path",
     "duplicate path '/a' (also at /entries/0)"},
    {"32-delete-unknown", "/entries/0/delete",
     "cannot delete '/etc/old': no earlier manifest defines it"},
    {"33-parent-not-dir", "/entries/1/path",
     "parent '/etc' of '/etc/motd' is not a directory (it is a file)"},
    {"34-type-unknown", "/entries/0/type", "unknown type 'pipe'"},
    {"35-content-unknown-source", "/entries/0/content/url",
     "unknown content source 'url'"},
    {"36-size-mismatch", "/entries/0/size",
     "size 4 does not match the content's 5 bytes"},
    {"37-shadow-prefix", "/entries/0/content/shadow",
     "shadow path '/shadow/busybox' must start with '/.shadow/'"},
    {"38-content-file-dotdot", "/entries/0/content/file",
     "content file 'content/../../etc/shadow' contains a '..' component"},
    {"39-default-relative-glob", "/defaults/0/match", "invalid glob 'dev/**'"},
    {"40-default-unknown-key", "/defaults/0/target",
     "unknown key 'target' in a default"},
    {"41-users-negative-id", "/users/esxadmin",
     "id -1 of 'esxadmin' is out of range"},
    {"42-delete-with-mode", "/entries/0/mode",
     "'delete' cannot be combined with 'mode'"},
    {"43-mtime-bad", "/entries/0/mtime",
     "invalid mtime '2023-02-30T10:00:00Z'"},
    {"44-entries-not-array", "/entries", "'entries' must be an array"},
    {"45-entry-not-object", "/entries/0", "an entry must be an object"},
    {"46-path-missing", "/entries/0", "missing required key 'path'"},
    {"47-root-not-dir", "/entries/0/type", "'/' must be a directory"},
    {"48-sparse-negative", "/entries/0/content/sparse",
     "sparse size -1 is negative"},
    {"49-empty-false", "/entries/0/content/empty", "'empty' must be true"},
    {"50-trailing-text", "2:1", "unexpected text after the document"},
    {"51-size-with-shadow", "/entries/0/size",
     "'size' cannot be combined with 'shadow' content"},
    {"52-replace-unknown", "/entries/0",
     "cannot replace '/a': no earlier manifest defines it"},
    {"53-type-missing", "/entries/0", "new path '/a' needs a 'type'"},
    {"54-rdev-on-file", "/entries/0/rdev",
     "'rdev' is only valid for a chardev or blockdev"},
    {"55-owner-integer", "/entries/0/owner", "'owner' must be a string"},
    {"56-content-not-object", "/entries/0/content",
     "content must be an object"},
    {"57-users-bad-name", "/users/500", "invalid name '500'"},
    {"58-deep-nesting", "3:407", "json syntax error: nesting too deep"},
    {"59-invalid-utf8", "3:18", "json syntax error: invalid utf-8 string"},
    {"60-raw-nul", "2:14", "NUL byte in the document"},
    {"61-version-before-unknown-keys", "/version", "unsupported version 2"},
    {"62-users-not-object", "/users",
     "'users' must be an object mapping names to ids"},
    {"63-log-not-object", "/entries/0/log", "'log' must be an object"},
    {"64-rdev-major-too-big", "/entries/0/rdev",
     "invalid rdev '4096:0': expected \"MAJOR:MINOR\" (major <= 4095"},
    {"65-mtime-boolean", "/entries/0/mtime",
     "mtime must be an integer or an RFC 3339 string"},
};

#define MF_N_BAD (sizeof(mf_bad_cases) / sizeof(mf_bad_cases[0]))

static void mf_expect_error(const struct mf_error *err, const char *file,
			    const char *at, const char *msg)
{
	char where[300], buf[1024];

	if (err->line)
		snprintf(where, sizeof(where), "%d:%d", err->line, err->col);
	else
		snprintf(where, sizeof(where), "%s", err->jpath);
	if (strcmp(where, at) != 0 || !strstr(err->msg, msg) ||
	    (file && !strstr(err->file, file)))
		print_error("%s: want at '%s' msg '%s'\n  got: %s\n", file, at,
			    msg, mf_error_str(err, buf, sizeof(buf)));
	assert_string_equal(where, at);
	assert_non_null(strstr(err->msg, msg));
	if (file)
		assert_non_null(strstr(err->file, file));
	/* messages are lowercase-led and have no final period */
	assert_true(err->msg[0] != '\0');
	assert_true(err->msg[strlen(err->msg) - 1] != '.');
}

static void test_mf_bad_files(void **state)
{
	const char *src = getenv("ESXMOCK_SRC");
	char path[512];

	(void)state;
	assert_non_null(src);
	for (size_t i = 0; i < MF_N_BAD; i++) {
		const struct mf_bad_case *bc = &mf_bad_cases[i];
		struct mf_source s;
		struct mf_manifest *m = (struct mf_manifest *)&s;
		struct mf_error err;
		int rc;

		snprintf(path, sizeof(path), "%s/tests/manifest/bad/%s.json",
			 src, bc->file);
		s.name = path;
		s.buf = NULL;
		s.len = 0;
		rc = mf_load(&s, 1, &m, &err);
		if (rc == 0)
			print_error("%s loaded without error\n", bc->file);
		assert_int_equal(rc, -EINVAL);
		assert_null(m);
		mf_expect_error(&err, bc->file, bc->at, bc->msg);
	}
}

/* Every file in bad/ has a row, and there are at least 25 of them. */
static void test_mf_bad_files_all_listed(void **state)
{
	const char *src = getenv("ESXMOCK_SRC");
	char path[512];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/manifest/bad", src);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		bool found = false;

		if (de->d_name[0] == '.')
			continue;
		assert_true(len > 5 && !strcmp(de->d_name + len - 5, ".json"));
		for (size_t i = 0; i < MF_N_BAD; i++)
			found =
			    found || (strlen(mf_bad_cases[i].file) == len - 5 &&
				      !strncmp(mf_bad_cases[i].file, de->d_name,
					       len - 5));
		if (!found)
			print_error("%s has no expected message\n", de->d_name);
		assert_true(found);
		n++;
	}
	closedir(d);
	assert_int_equal(n, MF_N_BAD);
	assert_true(n >= 25);
}

static const char mf_base[] =
    "{\"version\": 1, \"entries\": [\n"
    " {\"path\": \"/etc/motd\", \"type\": \"file\"},\n"
    " {\"path\": \"/etc/x/y\", \"type\": \"file\"},\n"
    " {\"path\": \"/bin/sh\", \"type\": \"symlink\", \"target\": \"b\"}\n"
    "]}";

/* Errors that need an earlier manifest. */
static const struct {
	const char *overlay, *at, *msg;
} mf_bad_layers[] = {
    {"{\"version\": 1, \"entries\": [{\"path\": \"/etc\", \"type\": "
     "\"file\"}]}",
     "/entries/0/type", "'/etc' cannot become a file: '/etc/"},
    {"{\"version\": 1, \"entries\": [{\"path\": \"/etc/motd\", \"target\": "
     "\"x\"}]}",
     "/entries/0/target", "'target' is only valid for a symlink"},
    {"{\"version\": 1, \"entries\": [{\"path\": \"/bin/sh\", \"content\": "
     "{\"text\": \"x\"}}]}",
     "/entries/0/content",
     "'content' is only valid for a file, and "
     "'/bin/sh' is a symlink"},
    {"{\"version\": 1, \"entries\": [{\"path\": \"/etc/motd/z\", \"type\": "
     "\"file\"}]}",
     "/entries/0/path",
     "parent '/etc/motd' of '/etc/motd/z' is not a "
     "directory"},
    {"{\"version\": 1, \"entries\": [{\"path\": \"/etc\", \"delete\": "
     "true}, {\"path\": \"/etc/motd\", \"delete\": true}]}",
     "/entries/1/delete", "cannot delete '/etc/motd'"},
    {"{\"version\": 1, \"entries\": [{\"path\": \"/\", \"delete\": true}]}",
     "/entries/0/delete", "cannot delete '/'"},
    {"{\"version\": 1, \"entries\": [{\"path\": \"/etc/motd\", \"owner\": "
     "\"tester\"}]}",
     "/entries/0/owner", "unknown user 'tester'"},
    {"{\"version\": 1, \"entries\": [{\"path\": \"/etc/motd\", \"mode\": "
     "\"0644\"}, {\"path\": \"/etc/motd\", \"delete\": true}]}",
     "/entries/1/path", "duplicate path '/etc/motd'"},
};

static void test_mf_bad_layers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mf_bad_layers) / sizeof(mf_bad_layers[0]);
	     i++) {
		struct mf_manifest *m = NULL;
		struct mf_error err;
		int rc = mf_test_load(&m, &err, 2, mf_base,
				      mf_bad_layers[i].overlay);

		assert_int_equal(rc, -EINVAL);
		assert_null(m);
		mf_expect_error(&err, "m1.json", mf_bad_layers[i].at,
				mf_bad_layers[i].msg);
	}
}

/* An error in the second source names that source and loads nothing. */
static void test_mf_bad_second_source_syntax(void **state)
{
	struct mf_manifest *m = NULL;
	struct mf_error err;
	char buf[1024];
	int rc;

	(void)state;
	rc = mf_test_load(&m, &err, 2, mf_base, "{\"version\": 1,\n\n  x}");
	assert_int_equal(rc, -EINVAL);
	assert_null(m);
	assert_string_equal(mf_error_str(&err, buf, sizeof(buf)),
			    "m1.json:3:3: json syntax error: quoted object "
			    "property name expected at 'x'");
}

static void test_mf_bad_too_large(void **state)
{
	char dir[] = "/tmp/mftest.XXXXXX", path[64];
	struct mf_source s;
	struct mf_manifest *m = NULL;
	struct mf_error err;
	int fd, rc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/big.json", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(64u << 20) + 1), 0);
	close(fd);
	s.name = path;
	s.buf = NULL;
	s.len = 0;
	rc = mf_load(&s, 1, &m, &err);
	assert_int_equal(rc, -EFBIG);
	assert_null(m);
	assert_non_null(strstr(err.msg, "larger than 64 MiB"));
	unlink(path);
	rmdir(dir);
	/* a buffer source: the cap is checked before any byte is read */
	s.name = "buf";
	s.buf = "{}";
	s.len = (64u << 20) + 1;
	rc = mf_load(&s, 1, &m, &err);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err.msg, "larger than 64 MiB"));
}

/* Deterministic byte mutations of a good manifest: never a crash, never a
 * leak (ASan), and either a manifest or an error with a message. */
static void test_mf_bad_mutations(void **state)
{
	static const char good[] =
	    "{\"version\": 1, \"users\": {\"u\": 5},\n"
	    " \"defaults\": [{\"match\": \"/d/**\", \"mode\": \"0600\"}],\n"
	    " \"entries\": [\n"
	    "  {\"path\": \"/d/a\", \"type\": \"file\", \"content\": "
	    "{\"text\": "
	    "\"x\"}},\n"
	    "  {\"path\": \"/d/b\", \"type\": \"file\", \"content\": "
	    "{\"base64\": \"eA==\"}, \"mtime\": \"2023-04-18T10:00:00Z\"},\n"
	    "  {\"path\": \"/l\", \"type\": \"symlink\", \"target\": \"/d\"},\n"
	    "  {\"path\": \"/c\", \"type\": \"chardev\", \"rdev\": \"1:3\", "
	    "\"owner\": \"u\"}\n"
	    " ]}";
	static const char alphabet[] = "{}[]\":,/.*0179aez\\ \n\x01\xff";
	char doc[sizeof(good)];
	unsigned int seed = 12345, ok = 0, bad = 0;

	(void)state;
	for (int round = 0; round < 4000; round++) {
		struct mf_manifest *m = NULL;
		struct mf_error err;
		int muts = 1 + round % 3, rc;

		memcpy(doc, good, sizeof(good));
		for (int k = 0; k < muts; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % (sizeof(good) - 1);

			seed = seed * 1103515245u + 12345u;
			doc[pos] =
			    alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
		}
		rc = mf_test_load(&m, &err, 2, good, doc);
		if (rc == 0) {
			assert_non_null(m);
			assert_non_null(mf_find(m, "/"));
			mf_manifest_free(m);
			ok++;
		} else {
			assert_null(m);
			assert_true(err.msg[0] != '\0');
			bad++;
		}
	}
	print_message("mutations: %u loaded, %u rejected\n", ok, bad);
	assert_true(bad > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mf_bad_files),
	    cmocka_unit_test(test_mf_bad_files_all_listed),
	    cmocka_unit_test(test_mf_bad_layers),
	    cmocka_unit_test(test_mf_bad_second_source_syntax),
	    cmocka_unit_test(test_mf_bad_too_large),
	    cmocka_unit_test(test_mf_bad_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
