/* test_vmkfstools_desc.c - unit tests of vmkfstools_desc.c and the -P
 * formatter: sizes, formats, geometry, the descriptor of
 * docs/esx-cli-reference.md 6.3 parsed and written back byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmkfstools_disk.h"
#include "vmkfstools_fs.h"

/* The reference's descriptor sample, verbatim. */
static const char sample[] =
    "# Disk DescriptorFile\n"
    "version=1\n"
    "encoding=\"UTF-8\"\n"
    "CID=5352cace\n"
    "parentCID=ffffffff\n"
    "isNativeSnapshot=\"no\"\n"
    "createType=\"vmfs\"\n"
    "\n"
    "# Extent description\n"
    "RW 268435456 VMFS \"sql-flat.vmdk\"\n"
    "\n"
    "# The Disk Data Base \n"
    "#DDB\n"
    "\n"
    "ddb.adapterType = \"lsilogic\"\n"
    "ddb.geometry.cylinders = \"16709\"\n"
    "ddb.geometry.heads = \"255\"\n"
    "ddb.geometry.sectors = \"63\"\n"
    "ddb.longContentID = \"abc01f80a6019b4b2fa062d35352cace\"\n"
    "ddb.thinProvisioned = \"1\"\n"
    "ddb.uuid = \"60 00 C2 97 ee 00 4e ed-cb 09 ab 10 91 3f 7f 99\"\n"
    "ddb.virtualHWVersion = \"7\"\n";

static void size_ok(const char *s, uint64_t want)
{
	uint64_t b = 0;

	assert_int_equal(vd_parse_size(s, &b), 0);
	assert_true(b == want);
}

/* #[bBsSkKmMgGtT], plain bytes rounded up to a sector */
static void test_vd_parse_size(void **state)
{
	uint64_t b;

	(void)state;
	size_ok("10G", 10737418240ULL);
	size_ok("10g", 10737418240ULL);
	size_ok("512m", 536870912ULL);
	size_ok("4k", 4096);
	size_ok("1T", 1099511627776ULL);
	size_ok("100s", 51200);
	size_ok("1024", 1024);
	size_ok("1000b", 1024);
	size_ok("1", 512);
	assert_int_equal(vd_parse_size("", &b), -EINVAL);
	assert_int_equal(vd_parse_size("G", &b), -EINVAL);
	assert_int_equal(vd_parse_size("-1G", &b), -EINVAL);
	assert_int_equal(vd_parse_size("1GB", &b), -EINVAL);
	assert_int_equal(vd_parse_size("1x", &b), -EINVAL);
	assert_int_equal(vd_parse_size("99999999999999999999", &b), -ERANGE);
	assert_int_equal(vd_parse_size("99999999T", &b), -ERANGE);
}

static void test_vd_parse_format(void **state)
{
	enum vd_format f;

	(void)state;
	assert_int_equal(vd_parse_format("thin", &f), 0);
	assert_int_equal(f, VD_THIN);
	assert_string_equal(vd_format_name(f), "VMFS thin-provisioned");
	assert_int_equal(vd_parse_format("eagerzeroedthick", &f), 0);
	assert_int_equal(f, VD_EAGERZEROEDTHICK);
	assert_int_equal(vd_parse_format("zeroedthick", &f), 0);
	assert_string_equal(vd_format_name(f), "VMFS zeroedthick");
	assert_int_equal(vd_parse_format("rdmp:/dev/x", &f), -ENOTSUP);
	assert_int_equal(vd_parse_format("2gbsparse", &f), -ENOTSUP);
	assert_int_equal(vd_parse_format("fat", &f), -EINVAL);
}

/* the sample's 268435456 sectors give 16709/255/63 */
static void test_vd_geometry(void **state)
{
	unsigned int c, h, s;

	(void)state;
	vd_geometry(268435456, "lsilogic", &c, &h, &s);
	assert_int_equal(c, 16709);
	assert_int_equal(h, 255);
	assert_int_equal(s, 63);
	vd_geometry(204800, "pvscsi", &c, &h, &s);
	assert_int_equal(c, 100);
	assert_int_equal(h, 64);
	assert_int_equal(s, 32);
	vd_geometry(268435456, "ide", &c, &h, &s);
	assert_int_equal(c, 16383);
	assert_int_equal(h, 16);
}

/* parse + format reproduces the reference sample exactly */
static void test_vd_desc_roundtrip(void **state)
{
	struct vd_desc d;
	char err[128], *text;

	(void)state;
	assert_int_equal(vd_desc_parse(sample, &d, err, sizeof(err)), 0);
	assert_int_equal(d.next, 1);
	assert_true(d.ext[0].sectors == 268435456ULL);
	assert_string_equal(d.ext[0].file, "sql-flat.vmdk");
	assert_string_equal(vd_hdr_get(&d, "CID"), "5352cace");
	assert_string_equal(vd_ddb_get(&d, "ddb.thinProvisioned"), "1");
	text = vd_desc_format(&d);
	assert_string_equal(text, sample);
	free(text);
	/* edits keep ddb sorted */
	vd_ddb_del(&d, "ddb.thinProvisioned");
	vd_ddb_set(&d, "ddb.deletable", "true");
	assert_string_equal(d.ddb[1].key, "ddb.deletable");
	assert_null(vd_ddb_get(&d, "ddb.thinProvisioned"));
	vd_desc_free(&d);
}

/* a new identity: CID is the tail of longContentID, uuid in 60 00 C2 form */
static void test_vd_new_identity(void **state)
{
	unsigned char rnd[20];
	struct vd_desc d;
	char err[128];
	int i;

	(void)state;
	for (i = 0; i < 20; i++)
		rnd[i] = (unsigned char)(i * 17);
	assert_int_equal(vd_desc_parse(sample, &d, err, sizeof(err)), 0);
	vd_new_identity(&d, rnd);
	assert_string_equal(vd_hdr_get(&d, "CID"), "10213243");
	assert_string_equal(vd_ddb_get(&d, "ddb.longContentID"),
			    "00112233445566778899aabb10213243");
	assert_string_equal(vd_ddb_get(&d, "ddb.uuid"),
			    "60 00 C2 00 11 22 33 44-55 66 77 88 99 aa bb cc");
	vd_desc_free(&d);
}

/* malformed descriptors are refused with the line */
static void test_vd_desc_parse_errors(void **state)
{
	struct vd_desc d;
	char err[128];

	(void)state;
	assert_int_equal(vd_desc_parse("hello\n", &d, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "line 1: not a disk descriptor");
	assert_int_equal(vd_desc_parse("# Disk DescriptorFile\nversion=1\n", &d,
				       err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "no extent description");
	assert_int_equal(
	    vd_desc_parse("# Disk DescriptorFile\nRW x VMFS \"a\"\n", &d, err,
			  sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "line 2: malformed extent line");
	assert_int_equal(vd_desc_parse("# Disk DescriptorFile\nnonsense\n", &d,
				       err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "line 2: expected key=value");
}

/* -P layout of the reference's vfat sample and the -h size form */
static void test_vfs_format(void **state)
{
	struct vfs_volume v = {.name = "",
			       .uuid = "f3512b78-bf3b7cad-7894-c76c8646a5b6",
			       .type = "vfat",
			       .size = 261853184,
			       .free = 123760640,
			       .block_size = 4096,
			       .devices = {"naa.1:5"},
			       .ndevices = 1};
	char h[32];
	struct strbuf b;

	(void)state;
	strbuf_init(&b);
	vfs_format(&v, false, &b);
	assert_string_equal(b.s,
			    "vfat-0.04 file system spanning 1 partitions.\n"
			    "File system label (if any): \n"
			    "Mode: private\n"
			    "Capacity 261853184 (63929 file blocks * 4096), "
			    "123760640 (30215 blocks) avail\n"
			    "UUID: f3512b78-bf3b7cad-7894-c76c8646a5b6\n"
			    "Partitions spanned (on \"disks\"):\n"
			    "\tnaa.1:5\n"
			    "Is Native Snapshot Capable: NO\n");
	strbuf_release(&b);
	vfs_human(1048576, h, sizeof(h));
	assert_string_equal(h, "1 MB");
	vfs_human(536602476544ULL, h, sizeof(h));
	assert_string_equal(h, "499.8 GB");
	vfs_human(512, h, sizeof(h));
	assert_string_equal(h, "512 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vd_parse_size),
	    cmocka_unit_test(test_vd_parse_format),
	    cmocka_unit_test(test_vd_geometry),
	    cmocka_unit_test(test_vd_desc_roundtrip),
	    cmocka_unit_test(test_vd_new_identity),
	    cmocka_unit_test(test_vd_desc_parse_errors),
	    cmocka_unit_test(test_vfs_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
