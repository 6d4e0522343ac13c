/* content.h - the bytes of regular files: inline, host file, shadow, sparse.
 * Owns resolving a manifest content source at startup and reading it. */
#ifndef ESXMOCK_FSD_CONTENT_H
#define ESXMOCK_FSD_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tree.h"

/* Resolves e->content into *c: inline bytes are copied; "file" and "shadow"
 * become absolute host paths that must name readable regular files, whose
 * size and mtime are returned. *size is the file's size for every kind.
 * On error returns a negative errno and writes a message naming the entry
 * (e->origin, e->path) into err. */
int content_resolve(const struct mf_entry *e, const struct tree_opts *opts,
		    struct tree_content *c, uint64_t *size,
		    struct timespec *host_mtime, char *err, size_t errlen);
void content_release(struct tree_content *c);

/* true when reads of c need a host fd (content_open at open time). */
bool content_needs_fd(const struct tree_content *c);

/* Opens the host file behind c read-only: fd >= 0 or a negative errno. */
int content_open(const struct tree_content *c);

struct state;

/* Makes *fd (an open handle's fd, -1 for none) the fd that n's bytes are
 * read and written through now: n's data file when the writable layer
 * holds its bytes (*fd_data is then its id), its host content file, or -1
 * (inline or sparse content). Reopens only when n's source changed since
 * (a copy-up, a snapshot copy, a reset or restore). 0 or a negative errno. */
int content_fd_sync(struct state *s, const struct tree_node *n, int *fd,
		    uint64_t *fd_data);

/* What a read of 'size' bytes at 'off' of node n returns, clipped to
 * n->size: memory (mem), zeros (mem NULL, fd < 0), or fd at off (the host
 * content, or the data file: call content_fd_sync first). */
struct content_span {
	const char *mem; /* borrowed from the node */
	int fd;          /* host fd to read from at off, or -1 */
	off_t off;
	size_t len; /* 0 at or past the end */
};
void content_span(const struct tree_node *n, int fd, off_t off, size_t size,
		  struct content_span *out);

#endif
