/* mf_test.h - helpers shared by the manifest unit tests.
 * Owns loading JSON text from test code (one or several buffers). */
#ifndef ESXMOCK_MF_TEST_H
#define ESXMOCK_MF_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "manifest.h"

/* Loads n JSON texts as a stack named "m0.json", "m1.json"...; returns the
 * mf_load result, fills *m (NULL on error) and err. */
static inline int mf_test_load(struct mf_manifest **m, struct mf_error *err,
			       size_t n, ...)
{
	static const char *const names[] = {"m0.json", "m1.json", "m2.json",
					    "m3.json"};
	struct mf_source src[4];
	va_list ap;

	assert_true(n <= 4);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		src[i].name = names[i];
		src[i].buf = va_arg(ap, const char *);
		src[i].len = strlen(src[i].buf);
	}
	va_end(ap);
	return mf_load(src, n, m, err);
}

/* Loads n texts that must succeed; prints the error otherwise. */
static inline struct mf_manifest *mf_test_ok(size_t n, const char *a,
					     const char *b)
{
	struct mf_manifest *m = NULL;
	struct mf_error err;
	char buf[1024];
	int rc = n == 1 ? mf_test_load(&m, &err, 1, a)
			: mf_test_load(&m, &err, 2, a, b);

	if (rc)
		print_error("unexpected load error: %s\n",
			    mf_error_str(&err, buf, sizeof(buf)));
	assert_int_equal(rc, 0);
	assert_non_null(m);
	return m;
}

static inline const struct mf_entry *mf_test_get(const struct mf_manifest *m,
						 const char *path)
{
	const struct mf_entry *e = mf_find(m, path);

	if (!e)
		print_error("missing path %s\n", path);
	assert_non_null(e);
	return e;
}

#endif
