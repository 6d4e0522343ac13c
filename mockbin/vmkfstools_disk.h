/* vmkfstools_disk.h - virtual disks of the mock vmkfstools.
 * Owns: the VMDK text descriptor (parse, edit, write in ESXi's layout, see
 * docs/esx-cli-reference.md 6.3), size and format parsing, and the disk
 * operations create/clone/extend/delete/rename on descriptor + flat extent.
 * Paths given to the operations are ESXi paths (resolved with esx_path()).
 */
#ifndef ESXMOCK_VMKFSTOOLS_DISK_H
#define ESXMOCK_VMKFSTOOLS_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VD_SECTOR 512ULL

enum vd_format {
	VD_ZEROEDTHICK = 0, /* the default */
	VD_EAGERZEROEDTHICK,
	VD_THIN,
};

struct vd_kv {
	char *key;
	char *val; /* header: raw text after '='; ddb: the unquoted value */
};

struct vd_extent {
	char access[8]; /* RW, RDONLY, NOACCESS */
	uint64_t sectors;
	char type[16]; /* VMFS, FLAT, VMFSRDM, SPARSE... */
	char *file;    /* relative to the descriptor's directory */
	bool has_offset;
	uint64_t offset;
};

struct vd_desc {
	struct vd_kv *hdr; /* version, encoding, CID, parentCID, ... in order */
	size_t nhdr;
	struct vd_extent *ext;
	size_t next;
	struct vd_kv *ddb; /* ddb.* in order */
	size_t nddb;
};

/* "10G", "512m", "1024" (bytes), "100s" (sectors): vmkfstools'
 * #[bBsSkKmMgGtT]. Rounds up to whole sectors. -EINVAL, -ERANGE. */
int vd_parse_size(const char *s, uint64_t *bytes);

/* "thin", "zeroedthick", "eagerzeroedthick" (-EINVAL otherwise, and for
 * formats the mock does not write such as rdm:, 2gbsparse: -ENOTSUP). */
int vd_parse_format(const char *s, enum vd_format *f);

/* The -i "Destination disk format:" name: "VMFS thin-provisioned"... */
const char *vd_format_name(enum vd_format f);

/* BIOS geometry ESXi records for a disk of 'sectors' (ddb.geometry.*). */
void vd_geometry(uint64_t sectors, const char *adapter, unsigned int *cyl,
		 unsigned int *heads, unsigned int *secs);

/* Parses descriptor text. -EINVAL with err "line N: ..." on bad input. */
int vd_desc_parse(const char *text, struct vd_desc *d, char *err,
		  size_t errlen);
/* The descriptor text in ESXi's layout; caller frees. */
char *vd_desc_format(const struct vd_desc *d);
void vd_desc_free(struct vd_desc *d);

const char *vd_hdr_get(const struct vd_desc *d, const char *key);
void vd_hdr_set(struct vd_desc *d, const char *key, const char *val);
const char *vd_ddb_get(const struct vd_desc *d, const char *key);
void vd_ddb_set(struct vd_desc *d, const char *key, const char *val);
void vd_ddb_del(struct vd_desc *d, const char *key);
uint64_t vd_desc_sectors(const struct vd_desc *d);

/* Fresh identity: CID, parentCID=ffffffff, ddb.longContentID (ending in
 * the CID) and ddb.uuid, from the random bytes given (16 + 4). */
void vd_new_identity(struct vd_desc *d, const unsigned char rnd[20]);

/* Outcome of an operation: 0, or a negative errno with a message in the
 * style of vmkfstools' "Failed to ..." lines. */
struct vd_err {
	char msg[512];
};

struct vd_create {
	uint64_t bytes;
	enum vd_format format;
	const char *adapter; /* NULL: lsilogic */
};

/* Opens and parses the descriptor (vmkfstools' DiskLib_Check() of a
 * source disk): 0, -ENOENT, -EBADMSG... with e->msg. */
int vd_check(const char *path, struct vd_err *e);
int vd_create(const char *path, const struct vd_create *c, struct vd_err *e);
int vd_clone(const char *src, const char *dst, enum vd_format format,
	     struct vd_err *e);
int vd_extend(const char *path, uint64_t bytes, struct vd_err *e);
int vd_delete(const char *path, struct vd_err *e);
int vd_rename(const char *src, const char *dst, struct vd_err *e);

#endif
