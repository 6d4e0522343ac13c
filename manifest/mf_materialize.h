/* mf_materialize.h - writes a loaded manifest out as a plain directory.
 * Owns the mapping of manifest entries onto real files (for chroot checks
 * and the tmpfs baseline of benchmarks) and of shadow paths onto a host
 * shadow root. */
#ifndef ESXMOCK_MF_MATERIALIZE_H
#define ESXMOCK_MF_MATERIALIZE_H

#include <stddef.h>
#include <stdio.h>

#include "manifest.h"

struct mf_materialize_opts {
	const char *shadow_root;  /* host dir for "/.shadow/..."; NULL: none */
	const char *content_root; /* host dir for {"file": ...}; NULL: none */
};

struct mf_materialize_stats {
	size_t entries, dirs, files, symlinks, devices, fifos, sockets;
	size_t bytes;              /* content bytes written (sparse: size) */
	size_t devices_as_files;   /* mknod refused: empty file instead */
	size_t symlink_modes_lost; /* symlinks whose mode is not 0777 */
	size_t owners_lost;        /* chown refused (not root) */
};

/* Creates dir (absent or empty) holding the tree of m. Returns 0 or a
 * negative errno after printing what failed, and where, to log. */
int mf_materialize(const struct mf_manifest *m, const char *dir,
		   const struct mf_materialize_opts *o,
		   struct mf_materialize_stats *st, FILE *log);

/* "/.shadow/content/etc/passwd" -> "ROOT/content/etc/passwd". */
void mf_shadow_host_path(const char *shadow_root, const char *shadow_path,
			 char *out, size_t n);

#endif
