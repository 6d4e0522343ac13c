/* content.c - resolving and reading file content (see content.h).
 * Owns the mapping of "file"/"shadow" sources to host paths and their checks.
 */
#include "content.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

#define SHADOW_PREFIX "/.shadow/"

static int content_err(char *err, size_t errlen, const struct mf_entry *e,
		       int rc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int content_err(char *err, size_t errlen, const struct mf_entry *e,
		       int rc, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: entry '%s': %s",
		 e->origin ? e->origin : "<manifest>", e->path, what);
	return rc;
}

static int content_host_path(const struct mf_entry *e,
			     const struct tree_opts *opts, char **out,
			     char *err, size_t errlen)
{
	const char *root, *rel;
	const struct mf_content *mc = &e->content;

	if (mc->kind == MF_SRC_FILE) {
		root = opts->content_root;
		rel = mc->path;
		if (!root)
			return content_err(err, errlen, e, -EINVAL,
					   "content file '%s' needs "
					   "--content-root",
					   mc->path);
	} else {
		root = opts->shadow_root;
		if (strncmp(mc->path, SHADOW_PREFIX, strlen(SHADOW_PREFIX)))
			return content_err(err, errlen, e, -EINVAL,
					   "shadow content '%s' does not start "
					   "with '%s'",
					   mc->path, SHADOW_PREFIX);
		rel = mc->path + strlen(SHADOW_PREFIX);
		if (!root)
			return content_err(err, errlen, e, -EINVAL,
					   "shadow content '%s' needs "
					   "--shadow-root",
					   mc->path);
	}
	while (*rel == '/')
		rel++;
	if (asprintf(out, "%s/%s", root, rel) < 0) {
		*out = NULL;
		return content_err(err, errlen, e, -ENOMEM, "out of memory");
	}
	return 0;
}

int content_resolve(const struct mf_entry *e, const struct tree_opts *opts,
		    struct tree_content *c, uint64_t *size,
		    struct timespec *host_mtime, char *err, size_t errlen)
{
	const struct mf_content *mc = &e->content;
	struct stat st;
	int rc, fd;

	memset(c, 0, sizeof(*c));
	c->kind = mc->kind;
	host_mtime->tv_sec = 0;
	host_mtime->tv_nsec = 0;
	switch (mc->kind) {
	case MF_SRC_EMPTY:
		*size = e->has_size ? e->size : 0;
		if (*size)
			c->kind = MF_SRC_SPARSE;
		return 0;
	case MF_SRC_SPARSE:
		*size = mc->size;
		return 0;
	case MF_SRC_INLINE:
		c->data = malloc(mc->len ? mc->len : 1);
		if (!c->data)
			return content_err(err, errlen, e, -ENOMEM,
					   "out of memory");
		if (mc->len)
			memcpy(c->data, mc->data, mc->len);
		c->len = mc->len;
		*size = mc->len;
		return 0;
	case MF_SRC_FILE:
	case MF_SRC_SHADOW:
		break;
	default:
		return content_err(err, errlen, e, -EINVAL,
				   "unknown content kind");
	}
	rc = content_host_path(e, opts, &c->host_path, err, errlen);
	if (rc)
		return rc;
	fd = open(c->host_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		content_err(err, errlen, e, rc, "cannot open content '%s': %s",
			    c->host_path, strerror(-rc));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		content_err(err, errlen, e, rc,
			    "content '%s' is not a regular file", c->host_path);
		close(fd);
		goto fail;
	}
	close(fd);
	*size = (uint64_t)st.st_size;
	*host_mtime = st.st_mtim;
	return 0;
fail:
	free(c->host_path);
	c->host_path = NULL;
	return rc;
}

void content_release(struct tree_content *c)
{
	free(c->data);
	free(c->host_path);
	memset(c, 0, sizeof(*c));
}

bool content_needs_fd(const struct tree_content *c)
{
	return c->kind == MF_SRC_FILE || c->kind == MF_SRC_SHADOW;
}

int content_open(const struct tree_content *c)
{
	int fd;

	if (!c->host_path)
		return -EINVAL;
	fd = open(c->host_path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int content_fd_sync(struct state *s, const struct tree_node *n, int *fd,
		    uint64_t *fd_data)
{
	uint64_t want = state_data_of(n);
	int nfd = -1;

	if (want) {
		if (*fd >= 0 && *fd_data == want)
			return 0;
		nfd = state_data_open(s, want);
		if (nfd < 0)
			return nfd;
	} else {
		if (*fd_data == 0 &&
		    (*fd >= 0 || !content_needs_fd(&n->content)))
			return 0;
		if (content_needs_fd(&n->content)) {
			nfd = content_open(&n->content);
			if (nfd < 0)
				return -EIO;
		}
	}
	if (*fd >= 0)
		close(*fd);
	*fd = nfd;
	*fd_data = want;
	return 0;
}

void content_span(const struct tree_node *n, int fd, off_t off, size_t size,
		  struct content_span *out)
{
	uint64_t avail;

	out->mem = NULL;
	out->fd = -1;
	out->off = off;
	out->len = 0;
	if (off < 0 || (uint64_t)off >= n->size)
		return;
	avail = n->size - (uint64_t)off;
	out->len = avail < size ? (size_t)avail : size;
	if (state_data_of(n)) {
		out->fd = fd; /* the writable layer's data file */
		return;
	}
	switch (n->content.kind) {
	case MF_SRC_INLINE:
		out->mem = n->content.data + off;
		break;
	case MF_SRC_FILE:
	case MF_SRC_SHADOW:
		out->fd = fd;
		break;
	default: /* EMPTY, SPARSE: zeros */
		break;
	}
}
