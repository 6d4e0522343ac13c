/* test_esxconf.c - unit tests of the esx.conf model (mockbin/lib/esxconf):
 * parsing with junk lines and quoting, byte-exact write-back, in-place
 * updates, insertion next to related keys, deletion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "esxconf.h"

static void parse(struct esxconf *c, const char *text)
{
	esxconf_init(c);
	assert_int_equal(esxconf_parse(c, text, strlen(text)), 0);
}

static void assert_format(const struct esxconf *c, const char *want)
{
	size_t len = 0;
	char *s = esxconf_format(c, &len);

	assert_non_null(s);
	assert_string_equal(s, want);
	assert_int_equal(len, strlen(want));
	free(s);
}

static void test_esxconf_basic_get(void **state)
{
	struct esxconf c;

	(void)state;
	parse(&c, "/system/uuid = \"473027ac-5705f21d-6d09-000c2918f3dd\"\n"
		  "/adv/Net/GuestIPHack = \"1\"\n");
	assert_string_equal(esxconf_get(&c, "/system/uuid"),
			    "473027ac-5705f21d-6d09-000c2918f3dd");
	assert_string_equal(esxconf_get(&c, "/adv/Net/GuestIPHack"), "1");
	assert_null(esxconf_get(&c, "/adv/Net/Other"));
	assert_int_equal(c.nkeys, 2);
	assert_int_equal(c.njunk, 0);
	esxconf_release(&c);
}

static void test_esxconf_junk_lines_kept(void **state)
{
	const char *text = "# comment\n"
			   "\n"
			   "this is junk\n"
			   "/a = \"1\"\n"
			   "= \"no key\"\n"
			   "/b = \"unterminated\n"
			   "/c = \"x\" trailing\n"
			   "/d\t=\t\"tabs\"\n"
			   "/e=\"tight\"\n"
			   "/f = bare value \n"
			   "key with space = \"v\"\n";
	struct esxconf c;

	(void)state;
	parse(&c, text);
	assert_int_equal(c.njunk, 5);
	assert_int_equal(c.first_junk_line, 3);
	assert_string_equal(esxconf_get(&c, "/a"), "1");
	assert_null(esxconf_get(&c, "/b"));
	assert_null(esxconf_get(&c, "/c"));
	assert_string_equal(esxconf_get(&c, "/d"), "tabs");
	assert_string_equal(esxconf_get(&c, "/e"), "tight");
	assert_string_equal(esxconf_get(&c, "/f"), "bare value");
	/* nothing changed: written back byte for byte */
	assert_format(&c, text);
	esxconf_release(&c);
}

static void test_esxconf_quoting(void **state)
{
	struct esxconf c;

	(void)state;
	parse(&c, "/q = \"say \\\"hi\\\" \\\\ back\"\n/empty = \"\"\n");
	assert_string_equal(esxconf_get(&c, "/q"), "say \"hi\" \\ back");
	assert_string_equal(esxconf_get(&c, "/empty"), "");
	assert_int_equal(esxconf_set(&c, "/q", "a\"b\\c"), 0);
	assert_format(&c, "/q = \"a\\\"b\\\\c\"\n/empty = \"\"\n");
	esxconf_release(&c);
}

static void test_esxconf_no_final_newline(void **state)
{
	struct esxconf c;

	(void)state;
	parse(&c, "/a = \"1\"\n/b = \"2\"");
	assert_string_equal(esxconf_get(&c, "/b"), "2");
	assert_format(&c, "/a = \"1\"\n/b = \"2\"\n");
	esxconf_release(&c);
}

static void test_esxconf_set_in_place_keeps_order(void **state)
{
	struct esxconf c;

	(void)state;
	parse(&c, "/z = \"1\"\n# note\n/a=\"2\"\n/m = \"3\"\n");
	assert_int_equal(esxconf_set(&c, "/a", "changed"), 0);
	/* only the changed line is rewritten, in canonical form */
	assert_format(&c, "/z = \"1\"\n# note\n/a = \"changed\"\n/m = \"3\"\n");
	esxconf_release(&c);
}

static void test_esxconf_set_new_key_near_siblings(void **state)
{
	struct esxconf c;

	(void)state;
	parse(&c, "/adv/Net/A = \"1\"\n"
		  "/adv/Net/B = \"2\"\n"
		  "/net/vswitch/child[0000]/name = \"vSwitch0\"\n"
		  "/system/uuid = \"u\"\n");
	assert_int_equal(esxconf_set(&c, "/adv/Net/C", "3"), 0);
	assert_int_equal(esxconf_set(&c, "/other/x", "4"), 0);
	assert_int_equal(
	    esxconf_set(&c, "/net/vswitch/child[0000]/mtu", "1500"), 0);
	assert_format(&c, "/adv/Net/A = \"1\"\n"
			  "/adv/Net/B = \"2\"\n"
			  "/adv/Net/C = \"3\"\n"
			  "/net/vswitch/child[0000]/name = \"vSwitch0\"\n"
			  "/net/vswitch/child[0000]/mtu = \"1500\"\n"
			  "/system/uuid = \"u\"\n"
			  "/other/x = \"4\"\n");
	assert_int_equal(c.nkeys, 7);
	esxconf_release(&c);
}

static void test_esxconf_duplicates_last_wins(void **state)
{
	struct esxconf c;

	(void)state;
	parse(&c, "/k = \"first\"\n/x = \"1\"\n/k = \"second\"\n");
	assert_string_equal(esxconf_get(&c, "/k"), "second");
	assert_int_equal(c.nkeys, 2);
	assert_int_equal(esxconf_set(&c, "/k", "third"), 0);
	assert_format(&c, "/k = \"first\"\n/x = \"1\"\n/k = \"third\"\n");
	assert_int_equal(esxconf_del(&c, "/k"), 0);
	assert_null(esxconf_get(&c, "/k"));
	assert_format(&c, "/x = \"1\"\n");
	assert_int_equal(esxconf_del(&c, "/k"), -ENOENT);
	esxconf_release(&c);
}

static void test_esxconf_del_prefix_and_iterate(void **state)
{
	const struct esxconf_entry *e = NULL;
	struct esxconf c;
	int n = 0;

	(void)state;
	parse(&c, "/net/vswitch/child[0000]/name = \"a\"\n"
		  "junk\n"
		  "/net/vswitch/child[0001]/name = \"b\"\n"
		  "/net/vswitch/child[0001]/mtu = \"9000\"\n"
		  "/net/vswitchx = \"c\"\n");
	while ((e = esxconf_next(&c, e, "/net/vswitch/")))
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(esxconf_del_prefix(&c, "/net/vswitch/child[0001]/"),
			 2);
	assert_format(&c, "/net/vswitch/child[0000]/name = \"a\"\n"
			  "junk\n"
			  "/net/vswitchx = \"c\"\n");
	esxconf_release(&c);
}

static void test_esxconf_rejects_bad_keys(void **state)
{
	struct esxconf c;

	(void)state;
	parse(&c, "");
	assert_int_equal(esxconf_set(&c, "", "v"), -EINVAL);
	assert_int_equal(esxconf_set(&c, "/a b", "v"), -EINVAL);
	assert_int_equal(esxconf_set(&c, "/a", "line\nbreak"), -EINVAL);
	assert_int_equal(esxconf_set(&c, "/a=b", "v"), -EINVAL);
	assert_format(&c, "");
	esxconf_release(&c);
}

static void test_esxconf_binary_garbage(void **state)
{
	static const char text[] = "/a = \"1\"\n\x01\xff\xfe garbage \"\"\"\n"
				   "/b = \"\xc3\xa9t\xc3\xa9\"\n";
	struct esxconf c;

	(void)state;
	esxconf_init(&c);
	assert_int_equal(esxconf_parse(&c, text, sizeof(text) - 1), 0);
	assert_string_equal(esxconf_get(&c, "/b"), "\xc3\xa9t\xc3\xa9");
	assert_int_equal(c.njunk, 1);
	assert_format(&c, text);
	esxconf_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_esxconf_basic_get),
	    cmocka_unit_test(test_esxconf_junk_lines_kept),
	    cmocka_unit_test(test_esxconf_quoting),
	    cmocka_unit_test(test_esxconf_no_final_newline),
	    cmocka_unit_test(test_esxconf_set_in_place_keeps_order),
	    cmocka_unit_test(test_esxconf_set_new_key_near_siblings),
	    cmocka_unit_test(test_esxconf_duplicates_last_wins),
	    cmocka_unit_test(test_esxconf_del_prefix_and_iterate),
	    cmocka_unit_test(test_esxconf_rejects_bad_keys),
	    cmocka_unit_test(test_esxconf_binary_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
