/* state_data.c - data files (the bytes of changed and new files) and the
 * extended attributes of changed nodes.
 * Owns copy-up, copying a data file shared with a snapshot, fsync. */
#include "state_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "content.h"
#include "limits_state.h"

static void state_data_name(uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)id);
}

int state_data_open(struct state *s, uint64_t id)
{
	char name[32];
	int fd;

	state_data_name(id, name, sizeof(name));
	fd = openat(s->datafd, name, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

void state_data_drop(struct state *s, uint64_t id)
{
	char name[32];

	if (s->datafd < 0)
		return;
	state_data_name(id, name, sizeof(name));
	unlinkat(s->datafd, name, 0);
}

int state_copy_fd(int in, int out, uint64_t len)
{
	static const size_t chunk = STATE_COPY_CHUNK;
	uint64_t done = 0;
	char *buf = NULL;
	ssize_t n;
	bool plain = false;

	while (done < len) {
		size_t want = len - done < chunk ? (size_t)(len - done) : chunk;
		loff_t ipos = (loff_t)done, opos = (loff_t)done;

		if (!plain) {
			n = copy_file_range(in, &ipos, out, &opos, want, 0);
			if (n < 0 && errno != EINTR) {
				if (errno != EXDEV && errno != EINVAL &&
				    errno != ENOSYS && errno != EOPNOTSUPP)
					return -errno;
				plain = true;
				continue;
			}
		} else {
			if (!buf && !(buf = malloc(chunk)))
				return -ENOMEM;
			n = pread(in, buf, want, (off_t)done);
			if (n > 0) {
				ssize_t w = 0, k;

				while (w < n) {
					k = pwrite(out, buf + w,
						   (size_t)(n - w),
						   (off_t)done + w);
					if (k < 0 && errno == EINTR)
						continue;
					if (k <= 0) {
						free(buf);
						return k < 0 ? -errno : -EIO;
					}
					w += k;
				}
			}
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break; /* the source is shorter: the rest reads 0 */
		done += (uint64_t)n;
	}
	free(buf);
	return 0;
}

/* Fills the new data file out with what n reads now. */
static int state_data_fill(struct tree_node *n, int in, int out)
{
	switch (n->content.kind) {
	case MF_SRC_INLINE:
		return state_write_all(out, n->content.data,
				       n->size < n->content.len
					   ? (size_t)n->size
					   : n->content.len);
	case MF_SRC_FILE:
	case MF_SRC_SHADOW:
		return in >= 0 ? state_copy_fd(in, out, n->size) : -EIO;
	default: /* EMPTY, SPARSE: zeros, made by the ftruncate below */
		return 0;
	}
}

int state_data_private(struct state *s, struct tree_node *n, bool keep)
{
	struct state_node *sn;
	struct timespec times[2];
	uint64_t old = 0, id, size = keep ? n->size : 0;
	char name[32];
	struct stat st;
	int in = -1, out, rc;

	if (s->broken)
		return -EIO;
	if ((rc = state_touch(s, n)))
		return rc;
	sn = n->st;
	if (sn->data && !sn->data_shared)
		return 0;
	if (sn->data) {
		/* shared with a snapshot: copy it, unless the snapshot is
		 * gone (forgotten) and we are its only name again */
		in = state_data_open(s, sn->data);
		if (in < 0)
			return -EIO;
		if (fstat(in, &st) == 0 && st.st_nlink == 1) {
			close(in);
			sn->data_shared = false;
			return 0;
		}
		old = sn->data;
	} else if (keep && content_needs_fd(&n->content)) {
		in = content_open(&n->content);
		if (in < 0) {
			log_msg(s->lg, LOG_LV_WARN,
				"copy-up: cannot open content '%s': %s",
				n->content.host_path, strerror(-in));
			return -EIO;
		}
	}
	id = s->next_id++;
	state_data_name(id, name, sizeof(name));
	out = openat(s->datafd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		     0600);
	if (out < 0) {
		rc = -errno;
		goto out_in;
	}
	if (keep && old)
		rc = state_copy_fd(in, out, size);
	else if (keep)
		rc = state_data_fill(n, in, out);
	if (!rc && ftruncate(out, (off_t)size) < 0)
		rc = -errno;
	times[0] = n->atime;
	times[1] = n->mtime;
	if (!rc && futimens(out, times) < 0)
		rc = -errno;
	/* the copy is whole on disk before the journal names it */
	if (!rc && size && fdatasync(out) < 0)
		rc = -errno;
	close(out);
	if (rc) {
		unlinkat(s->datafd, name, 0);
		goto out_in;
	}
	sn->data = id;
	sn->data_shared = false;
	n->size = size;
	s->data_dir_dirty = true;
	if (keep && size) {
		s->stats.copyups++;
		s->stats.copyup_bytes += size;
	}
	state_log(s, n);
	rc = state_log_commit(s);
	if (old)
		state_data_drop(s, old); /* the snapshot keeps its own name */
out_in:
	if (in >= 0)
		close(in);
	return rc == -EDQUOT ? -ENOSPC : rc;
}

int state_sync(struct state *s, int fd)
{
	if (fd >= 0 && fdatasync(fd) < 0)
		return -errno;
	if (s->jfd >= 0 && fdatasync(s->jfd) < 0)
		return -errno;
	if (s->data_dir_dirty) {
		if (fsync(s->datafd) < 0)
			return -errno;
		s->data_dir_dirty = false;
	}
	return 0;
}

/* ---- extended attributes ---------------------------------------------- */

static struct state_xattr *state_xattr_find(const struct tree_node *n,
					    const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; n->st && i < n->st->n_xattrs; i++) {
		if (!strcmp(n->st->xattrs[i].name, name)) {
			if (idx)
				*idx = i;
			return &n->st->xattrs[i];
		}
	}
	return NULL;
}

const struct state_xattr *state_xattr_get(const struct tree_node *n,
					  const char *name)
{
	return state_xattr_find(n, name, NULL);
}

int state_xattr_set(struct state *s, struct tree_node *n, const char *name,
		    const char *value, size_t len, int flags)
{
	size_t nl = strlen(name), total;
	struct state_xattr *x, *arr;
	char *copy;
	int rc;

	if (nl == 0 || nl > STATE_XATTR_NAME_MAX)
		return -ERANGE;
	if (len > STATE_XATTR_VALUE_MAX)
		return -E2BIG;
	if (s->broken)
		return -EIO;
	x = state_xattr_find(n, name, NULL);
	if (x && (flags & XATTR_CREATE))
		return -EEXIST;
	if (!x && (flags & XATTR_REPLACE))
		return -ENODATA;
	total = (n->st ? n->st->xattr_bytes : 0) + len + (x ? 0 : nl) -
		(x ? x->len : 0);
	if (total > STATE_XATTR_TOTAL_MAX)
		return -ENOSPC;
	if ((rc = state_touch(s, n)))
		return rc;
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, value, len);
	if (!x) {
		arr = realloc(n->st->xattrs,
			      (n->st->n_xattrs + 1) * sizeof(*arr));
		if (!arr) {
			free(copy);
			return -ENOMEM;
		}
		n->st->xattrs = arr;
		x = &arr[n->st->n_xattrs];
		x->name = strdup(name);
		if (!x->name) {
			free(copy);
			return -ENOMEM;
		}
		x->value = NULL;
		x->len = 0;
		n->st->n_xattrs++;
	}
	free(x->value);
	x->value = copy;
	x->len = len;
	n->st->xattr_bytes = total;
	state_now(&n->ctime);
	state_log(s, n);
	return state_log_commit(s);
}

int state_xattr_remove(struct state *s, struct tree_node *n, const char *name)
{
	struct state_xattr *x;
	size_t i;

	if (s->broken)
		return -EIO;
	x = state_xattr_find(n, name, &i);
	if (!x)
		return -ENODATA;
	n->st->xattr_bytes -= strlen(x->name) + x->len;
	free(x->name);
	free(x->value);
	memmove(&n->st->xattrs[i], &n->st->xattrs[i + 1],
		(n->st->n_xattrs - i - 1) * sizeof(*x));
	n->st->n_xattrs--;
	state_now(&n->ctime);
	state_log(s, n);
	return state_log_commit(s);
}
