/* vmkfstools_fs.h - `vmkfstools -P [-h] PATH` of the mock vmkfstools.
 * Owns: reading the mounted volumes from the storage state file (the
 * "filesystems" array of STATE_STORAGE, shared with esxcli storage) and
 * the -P / -Ph output formats (docs/esx-cli-reference.md 6.2).
 */
#ifndef ESXMOCK_VMKFSTOOLS_FS_H
#define ESXMOCK_VMKFSTOOLS_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "strbuf.h"

/* One volume, as -P needs it. Strings are borrowed from the parsed state. */
struct vfs_volume {
	const char *name;    /* volume name / label: "datastore1" */
	const char *uuid;    /* "63dc3811-5c7d40a7-9b32-646266213c0e" */
	const char *type;    /* "VMFS-6", "VMFS-5", "vfat", "VMFS-L" */
	const char *version; /* "6.82"; NULL: by type */
	const char *mode;    /* "public" / "private"; NULL: by type */
	uint64_t size, free, block_size;
	const char *devices[8]; /* "naa.xxx:3" */
	size_t ndevices;
};

/* Appends the -P (human: -Ph) report of the volume holding ESXi path 'path'
 * to out. -ENOENT / -EBADMSG with a message in err. */
int vfs_query(const char *path, bool human, struct strbuf *out, char *err,
	      size_t errlen);

/* The report of one volume (exposed for the unit tests). */
void vfs_format(const struct vfs_volume *v, bool human, struct strbuf *out);

/* "499.8 GB", "1 MB", "64 TB": the -Ph size form. */
void vfs_human(uint64_t bytes, char *out, size_t n);

#endif
