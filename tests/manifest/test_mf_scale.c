/* test_mf_scale.c - a generated ESXi-sized manifest (9,400 entries) plus an
 * overlay: checks the result and prints the load time (never asserted). */
#include "mf_test.h"

#include <stdlib.h>
#include <time.h>

#define MF_DIRS 100
#define MF_FILES 93 /* 100 dirs + 9,300 files = 9,400 entries */

struct mf_buf {
	char *p;
	size_t len, cap;
};

static void mf_buf_add(struct mf_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void mf_buf_add(struct mf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->cap - b->len < 512) {
		b->cap = b->cap ? b->cap * 2 : 1 << 20;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < b->cap - b->len);
	b->len += (size_t)n;
}

static char *mf_gen_base(void)
{
	static const char *const types[] = {"file", "symlink", "chardev",
					    "file"};
	struct mf_buf b = {0};

	mf_buf_add(&b, "{\"version\": 1,\n \"defaults\": [\n"
		       "  {\"match\": \"/**\", \"owner\": \"root\"},\n"
		       "  {\"match\": \"/d00*/**\", \"mode\": \"0600\"},\n"
		       "  {\"match\": \"/**/f00*\", \"type\": \"file\", "
		       "\"mtime\": 1000}\n ],\n \"entries\": [\n");
	/* files first, their directories after: parents must not depend on
	 * order */
	for (int d = MF_DIRS - 1; d >= 0; d--) {
		for (int f = 0; f < MF_FILES; f++) {
			const char *t = types[f % 4];

			mf_buf_add(&b,
				   "  {\"path\": \"/d%03d/f%03d\", \"type\": "
				   "\"%s\"",
				   d, f, t);
			if (t[0] == 's')
				mf_buf_add(&b, ", \"target\": \"f%03d\"",
					   f - 1);
			else if (t[0] == 'c')
				mf_buf_add(&b, ", \"rdev\": \"1:%d\"", f);
			else
				mf_buf_add(&b,
					   ", \"content\": {\"text\": "
					   "\"d%df%d\\n\"}",
					   d, f);
			mf_buf_add(&b, "},\n");
		}
	}
	for (int d = 0; d < MF_DIRS; d++)
		mf_buf_add(&b,
			   "  {\"path\": \"/d%03d\", \"type\": \"dir\", "
			   "\"mode\": \"0755\"}%s\n",
			   d, d + 1 < MF_DIRS ? "," : "");
	mf_buf_add(&b, " ]}\n");
	return b.p;
}

static char *mf_gen_overlay(void)
{
	struct mf_buf b = {0};

	mf_buf_add(&b, "{\"version\": 1, \"entries\": [\n");
	for (int d = 0; d < 50; d++)
		mf_buf_add(&b,
			   "  {\"path\": \"/d%03d/f000\", \"mode\": \"0640\", "
			   "\"content\": {\"text\": \"over\"}},\n",
			   d);
	for (int d = 50; d < 60; d++)
		mf_buf_add(&b, "  {\"path\": \"/d%03d\", \"delete\": true},\n",
			   d);
	mf_buf_add(&b, "  {\"path\": \"/new\", \"type\": \"dir\"}\n ]}\n");
	return b.p;
}

static double mf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_mf_scale_9400(void **state)
{
	char *base = mf_gen_base(), *over = mf_gen_overlay();
	struct mf_manifest *m = NULL;
	struct mf_error err;
	const struct mf_entry *e;
	double t0, t1, t2;
	char buf[1024];
	int rc;

	(void)state;
	t0 = mf_now();
	rc = mf_test_load(&m, &err, 1, base);
	t1 = mf_now();
	if (rc)
		print_error("%s\n", mf_error_str(&err, buf, sizeof(buf)));
	assert_int_equal(rc, 0);
	assert_int_equal(m->n_entries, 1 + MF_DIRS + MF_DIRS * MF_FILES);
	e = mf_test_get(m, "/d005/f002");
	assert_int_equal(e->type, MF_CHR);
	assert_int_equal(e->mode, 0600);
	assert_int_equal(e->rdev_minor, 2);
	e = mf_test_get(m, "/d042/f001");
	assert_int_equal(e->type, MF_LNK);
	assert_string_equal(e->target, "f000");
	e = mf_test_get(m, "/d042/f000");
	assert_true(e->has_mtime);
	assert_int_equal(e->mode, 0644);
	assert_string_equal(e->content.data, "d42f0\n");
	assert_int_equal(mf_test_get(m, "/d099")->mode, 0755);
	print_message("load of %zu entries (%zu KiB of JSON): %.1f ms\n",
		      m->n_entries, strlen(base) / 1024, (t1 - t0) * 1e3);
	mf_manifest_free(m);

	t1 = mf_now();
	rc = mf_test_load(&m, &err, 2, base, over);
	t2 = mf_now();
	assert_int_equal(rc, 0);
	assert_int_equal(m->n_entries, 1 + MF_DIRS + MF_DIRS * MF_FILES + 1 -
					   10 * (1 + MF_FILES));
	e = mf_test_get(m, "/d007/f000");
	assert_int_equal(e->mode, 0640);
	assert_string_equal(e->content.data, "over");
	assert_null(mf_find(m, "/d055"));
	assert_null(mf_find(m, "/d055/f001"));
	print_message("load of base + overlay (%zu entries): %.1f ms\n",
		      m->n_entries, (t2 - t1) * 1e3);
	mf_manifest_free(m);
	free(base);
	free(over);
}

/* The shipped default stack (manifest/data), as esxfsd loads it. */
static void test_mf_scale_default_tree(void **state)
{
	static const char *const files[] = {"esx8.json", "esx8-extra.json"};
	const char *src = getenv("ESXMOCK_SRC");
	char paths[2][512];
	struct mf_source s[2];
	struct mf_manifest *m = NULL;
	struct mf_error err;
	char buf[1024];
	double t0, t1;
	int rc;

	(void)state;
	assert_non_null(src);
	for (int i = 0; i < 2; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/manifest/data/%s", src,
			 files[i]);
		s[i].name = paths[i];
		s[i].buf = NULL;
		s[i].len = 0;
	}
	t0 = mf_now();
	rc = mf_load(s, 2, &m, &err);
	t1 = mf_now();
	if (rc)
		print_error("%s\n", mf_error_str(&err, buf, sizeof(buf)));
	assert_int_equal(rc, 0);
	assert_true(m->n_entries > 9000);
	assert_int_equal(mf_test_get(m, "/bin")->type, MF_DIR);
	print_message("load of the default tree (%zu entries, 2 files): "
		      "%.1f ms\n",
		      m->n_entries, (t1 - t0) * 1e3);
	mf_manifest_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mf_scale_9400),
	    cmocka_unit_test(test_mf_scale_default_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
