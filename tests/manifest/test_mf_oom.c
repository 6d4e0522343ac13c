/* test_mf_oom.c - allocation failures inside mf_load: the Nth malloc,
 * calloc, realloc or strdup of the loader fails, for every N until a load
 * succeeds; each must give -ENOMEM, no manifest and no leak (ASan).
 * Linked with -Wl,--wrap for those four functions (CMakeLists.txt). */
#include "mf_test.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static long mf_fail_at = -1; /* allocation number that fails; -1: none */
static long mf_count;

static bool mf_should_fail(void)
{
	return mf_fail_at >= 0 && mf_count++ == mf_fail_at;
}

void *__wrap_malloc(size_t n)
{
	return mf_should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	return mf_should_fail() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	return mf_should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return mf_should_fail() ? NULL : __real_strdup(s);
}

static const char mf_base[] =
    "{\"version\": 1, \"users\": {\"vpxa\": 501}, \"groups\": {\"g\": 7},\n"
    " \"defaults\": [{\"match\": \"/etc/**\", \"mode\": \"0600\", \"log\": "
    "{\"a\": 1}},\n"
    "              {\"match\": \"/**/x\", \"intercept\": {\"b\": 2}}],\n"
    " \"entries\": [\n"
    "  {\"path\": \"/etc/a/x\", \"type\": \"file\", \"content\": {\"text\": "
    "\"t\"}},\n"
    "  {\"path\": \"/etc/b\", \"type\": \"file\", \"content\": {\"base64\": "
    "\"eA==\"}},\n"
    "  {\"path\": \"/etc/c\", \"type\": \"file\", \"content\": {\"file\": "
    "\"c\"}},\n"
    "  {\"path\": \"/etc/d\", \"type\": \"file\", \"content\": {\"shadow\": "
    "\"/.shadow/d\"}},\n"
    "  {\"path\": \"/l\", \"type\": \"symlink\", \"target\": \"/etc\", "
    "\"owner\": \"vpxa\"},\n"
    "  {\"path\": \"/v/w/x\", \"type\": \"dir\", \"intercept\": {}}\n"
    " ]}";

static const char mf_overlay[] =
    "{\"version\": 1, \"users\": {\"t\": 1000},\n"
    " \"defaults\": [{\"match\": \"/**\", \"owner\": \"t\"}],\n"
    " \"entries\": [\n"
    "  {\"path\": \"/etc/b\", \"content\": {\"text\": \"o\"}, \"log\": {}},\n"
    "  {\"path\": \"/etc/a\", \"delete\": true},\n"
    "  {\"path\": \"/l\", \"type\": \"file\", \"content\": {\"sparse\": 9}},\n"
    "  {\"path\": \"/v/w\", \"replace\": true},\n"
    "  {\"path\": \"/n/m\", \"type\": \"file\"}\n"
    " ]}";

static void test_mf_oom_every_allocation(void **state)
{
	char dir[] = "/tmp/mfoom.XXXXXX", path[64];
	struct mf_source src[2];
	struct mf_error err;
	long n, failures = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/base.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(mf_base, f);
	fclose(f);
	src[0].name = path;
	src[0].buf = NULL;
	src[0].len = 0;
	src[1].name = "overlay.json";
	src[1].buf = mf_overlay;
	src[1].len = strlen(mf_overlay);
	for (n = 0;; n++) {
		struct mf_manifest *m = (struct mf_manifest *)&n;
		int rc;

		mf_count = 0;
		mf_fail_at = n;
		rc = mf_load(src, 2, &m, &err);
		mf_fail_at = -1;
		if (rc == 0 && mf_count <= n) {
			assert_non_null(m);
			assert_non_null(mf_find(m, "/v/w/x"));
			assert_null(mf_find(m, "/etc/a/x"));
			mf_manifest_free(m);
			break;
		}
		if (rc != -ENOMEM)
			print_error("allocation %ld: rc %d, %s\n", n, rc,
				    err.msg);
		assert_int_equal(rc, -ENOMEM);
		assert_null(m);
		assert_string_equal(err.msg, "out of memory");
		failures++;
	}
	print_message("%ld allocations failed one at a time\n", failures);
	assert_true(failures > 50);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mf_oom_every_allocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
