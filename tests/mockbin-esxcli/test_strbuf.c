/* test_strbuf.c - unit tests of lib/strbuf.c: appending, taking, and the
 * two JSON string forms (esxcli's json formatter, Python's ensure_ascii). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static char *json(const char *s, size_t len, unsigned flags)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_json_str(&b, s, len, flags);
	return strbuf_take(&b);
}

/* put, putc, pad and printf append in order; take resets the buffer */
static void test_strbuf_append_take(void **state)
{
	struct strbuf b = STRBUF_INIT;
	char *s;

	(void)state;
	strbuf_puts(&b, "ab");
	strbuf_putc(&b, 'c');
	strbuf_pad(&b, 2);
	strbuf_printf(&b, "%d-%s", 42, "x");
	strbuf_put(&b, "yz!", 2);
	assert_int_equal(b.len, 11);
	s = strbuf_take(&b);
	assert_string_equal(s, "abc  42-xyz");
	free(s);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
}

/* an empty buffer takes as "", not NULL; a buffer out of memory as NULL */
static void test_strbuf_take_empty_and_oom(void **state)
{
	struct strbuf b = STRBUF_INIT;
	char *s = strbuf_take(&b);

	(void)state;
	assert_string_equal(s, "");
	free(s);
	strbuf_puts(&b, "x");
	b.oom = true;
	strbuf_puts(&b, "more");
	assert_int_equal(b.len, 1);
	assert_null(strbuf_take(&b));
	assert_false(b.oom);
}

/* a growth past any sane size marks the buffer out of memory */
static void test_strbuf_huge_growth_is_oom(void **state)
{
	struct strbuf b = STRBUF_INIT;

	(void)state;
	strbuf_put(&b, "", SIZE_MAX - 1);
	assert_true(b.oom);
	strbuf_release(&b);
}

/* esxcli form: '/' escaped, control characters as \u00XX, UTF-8 verbatim */
static void test_strbuf_json_slash(void **state)
{
	const char in[] = "a/\"b\\\n\t\x01\xc3\xa9";
	char *s = json(in, sizeof(in) - 1, STRBUF_JSON_SLASH);

	(void)state;
	assert_string_equal(s, "\"a\\/\\\"b\\\\\\n\\t\\u0001\xc3\xa9\"");
	free(s);
}

/* Python form: '/' kept, non-ASCII as \uXXXX, surrogate pairs above
 * U+FFFF, a bad UTF-8 byte as \ufffd, DEL verbatim */
static void test_strbuf_json_ascii(void **state)
{
	const char in[] = "/\xc3\xa9\xf0\x9f\x98\x80\xff\x7f";
	char *s = json(in, sizeof(in) - 1, STRBUF_JSON_ASCII);

	(void)state;
	assert_string_equal(s, "\"/\\u00e9\\ud83d\\ude00\\ufffd\x7f\"");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strbuf_append_take),
	    cmocka_unit_test(test_strbuf_take_empty_and_oom),
	    cmocka_unit_test(test_strbuf_huge_growth_is_oom),
	    cmocka_unit_test(test_strbuf_json_slash),
	    cmocka_unit_test(test_strbuf_json_ascii),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
