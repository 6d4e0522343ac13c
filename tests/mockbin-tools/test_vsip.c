/* test_vsip.c - unit tests of vds_vsipioctl_state.c: rule lines with
 * computed positions, addrsets, filters, heaps and state errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "vds_vsipioctl_state.h"

static json_object *J(const char *s)
{
	json_object *o = json_tokener_parse(s);

	assert_non_null(o);
	return o;
}

/* rule objects become NSX rule lines; positions count from 1 */
static void test_vsip_getrules(void **state)
{
	json_object *root =
	    J("{\"filters\": [{\"name\": \"f1\", \"rulesets\": [{\"name\": "
	      "\"mainrs\", \"generation\": 3, \"realization_time\": \"T\", "
	      "\"rules\": [{\"id\": 7, \"protocol\": \"tcp\", \"to\": "
	      "\"addrset s\", \"port\": \"22\", \"log\": true}, {\"id\": 8, "
	      "\"direction\": \"out\", \"action\": \"reject\"}, \"rule 9 at 3 "
	      "inout protocol any from any to any drop;\"]}]}]}");
	char err[256];
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	assert_int_equal(vsip_getrules(root, "f1", &b, err, sizeof(err)), 0);
	assert_string_equal(
	    b.s, "ruleset mainrs {\n"
		 "  # generation number: 3\n"
		 "  # realization time : T\n"
		 "  # FILTER rules\n"
		 "  rule 7 at 1 inout protocol tcp from any to addrset s port "
		 "22 accept with log;\n"
		 "  rule 8 at 2 out protocol any from any to any reject;\n"
		 "  rule 9 at 3 inout protocol any from any to any drop;\n"
		 "}\n\n");
	strbuf_release(&b);
	assert_int_equal(vsip_getrules(root, "f2", &b, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "Filter 'f2' not found");
	json_object_put(root);
}

static void test_vsip_addrsets_filters(void **state)
{
	json_object *root =
	    J("{\"filters\": [{\"name\": \"f1\", \"vm_uuid\": \"u\", "
	      "\"vnic_index\": 1, \"addrsets\": [{\"name\": \"s\", \"ips\": "
	      "[\"10.0.0.1\"]}, {\"name\": \"empty\"}]}]}");
	char err[256];
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	assert_int_equal(vsip_getaddrsets(root, "f1", &b, err, sizeof(err)), 0);
	assert_string_equal(b.s, "addrset s {\nip 10.0.0.1,\n}\n\n"
				 "addrset empty {\n}\n\n");
	strbuf_release(&b);
	assert_int_equal(vsip_getfilters(root, NULL, &b, err, sizeof(err)), 0);
	assert_string_equal(b.s, "\nFilter Name              : f1\n"
				 "VM UUID                  : u\n"
				 "VNIC Index               : 1\n"
				 "Service Profile          : --NOT SET--\n");
	strbuf_release(&b);
	json_object_put(root);
}

/* no state at all: empty reports; wrong shapes: pointer errors */
static void test_vsip_state_errors(void **state)
{
	json_object *empty = J("{}"),
		    *bad =
			J("{\"filters\": [{\"name\": \"f\", \"rulesets\": "
			  "[{\"name\": \"r\", \"rules\": [{\"id\": \"x\"}]}],"
			  " \"addrsets\": [{\"name\": \"a\", \"ips\": [1]}]}],"
			  " \"meminfo\": [{\"name\": \"h\", \"max\": -1}]}");
	char err[256];
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	assert_int_equal(vsip_getfilters(empty, NULL, &b, err, sizeof(err)), 0);
	assert_null(b.s);
	assert_int_equal(vsip_getmeminfo(empty, &b, err, sizeof(err)), 0);
	strbuf_release(&b);
	assert_int_equal(vsip_getrules(bad, "f", &b, err, sizeof(err)),
			 -EBADMSG);
	assert_string_equal(err, "'/var/lib/esxmock/vsip.json': "
				 "/filters/0/rulesets/0/rules/0: a rule is a "
				 "string or an object with an integer \"id\"");
	strbuf_release(&b);
	assert_int_equal(vsip_getaddrsets(bad, "f", &b, err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "/filters/0/addrsets/0/ips/0: expected a "
				    "string"));
	strbuf_release(&b);
	assert_int_equal(vsip_getmeminfo(bad, &b, err, sizeof(err)), -EBADMSG);
	strbuf_release(&b);
	json_object_put(empty);
	json_object_put(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vsip_getrules),
	    cmocka_unit_test(test_vsip_addrsets_filters),
	    cmocka_unit_test(test_vsip_state_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
