/* embed.h - the default manifest stack compiled into esxfsd.
 * Owns nothing: the table is generated at build time by embed.cmake. */
#ifndef ESXMOCK_FSD_EMBED_H
#define ESXMOCK_FSD_EMBED_H

#include <stddef.h>

struct fsd_embedded {
	const char *name; /* "esx8.json": shown in manifest errors */
	const unsigned char *data;
	size_t len;
};

/* In stack order (base first). fsd_embedded_count may be 0. */
extern const struct fsd_embedded fsd_embedded_manifests[];
extern const size_t fsd_embedded_count;

#endif
