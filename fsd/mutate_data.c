/* mutate_data.c - attribute and content changes: setattr (chmod, chown,
 * truncate, utimens), write, fallocate, fsync, and whole-file puts.
 * Owns keeping a node's size and times in step with its data file. */
#include "mutate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content.h"
#include "inval.h"
#include "limits.h"
#include "limits_state.h"

/* Sets n's data file size (n has a private data file). */
static int mut_data_truncate(struct state *s, struct tree_node *n,
			     uint64_t size)
{
	int fd = state_data_open(s, n->st->data), rc = 0;

	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)size) < 0)
		rc = errno == EDQUOT ? -ENOSPC : -errno;
	close(fd);
	if (!rc)
		n->size = size;
	return rc;
}

/* The data file carries the node's times (what a restart reads). */
static void mut_data_times(struct state *s, struct tree_node *n)
{
	struct timespec ts[2] = {n->atime, n->mtime};
	int fd;

	if (!state_data_of(n))
		return;
	fd = state_data_open(s, n->st->data);
	if (fd < 0)
		return;
	if (futimens(fd, ts) < 0) {
		/* the journal still has the right times */
	}
	close(fd);
}

int mut_setattr(struct state *s, const struct mut_who *w, struct tree_node *n,
		const struct mut_attr *a)
{
	struct timespec now;
	int rc;

	if (!n)
		return -ENOENT;
	if (state_broken(s))
		return -EIO;
	if (a->set & MUT_SET_SIZE) {
		if (S_ISDIR(n->mode))
			return -EISDIR;
		if (!S_ISREG(n->mode))
			return -EINVAL;
		if (a->size > STATE_FILE_MAX)
			return -EFBIG;
	}
	if ((rc = state_touch(s, n)))
		return rc;
	state_now(&now);
	if ((a->set & MUT_SET_SIZE) &&
	    (a->size != n->size || state_data_of(n))) {
		/* truncating to 0 needs no copy of the old bytes */
		rc = state_data_private(s, n, a->size != 0);
		if (!rc)
			rc = mut_data_truncate(s, n, a->size);
		if (rc)
			return rc;
	}
	if (a->set & MUT_SET_SIZE)
		n->mtime = now;
	if (a->set & MUT_SET_MODE)
		n->mode = (n->mode & S_IFMT) | (a->mode & 07777);
	if (a->set & MUT_SET_UID)
		n->uid = a->uid;
	if (a->set & MUT_SET_GID)
		n->gid = a->gid;
	if (a->set & MUT_SET_ATIME)
		n->atime = a->atime;
	if (a->set & MUT_SET_ATIME_NOW)
		n->atime = now;
	if (a->set & MUT_SET_MTIME)
		n->mtime = a->mtime;
	if (a->set & MUT_SET_MTIME_NOW)
		n->mtime = now;
	n->ctime = (a->set & MUT_SET_CTIME) ? a->ctime : now;
	if (a->set & (MUT_SET_ATIME | MUT_SET_MTIME | MUT_SET_ATIME_NOW |
		      MUT_SET_MTIME_NOW | MUT_SET_SIZE))
		mut_data_times(s, n);
	state_log(s, n);
	rc = state_log_commit(s);
	if (w->behind && n->nlookup)
		inval_inode(state_inval(s), n->ino);
	return rc;
}

/* Checks a write or allocation range: -EINVAL, -EFBIG; clips *len. */
static int mut_range(const struct tree_node *n, off_t off, uint64_t *len)
{
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode))
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	if ((uint64_t)off >= STATE_FILE_MAX && *len)
		return -EFBIG;
	if (*len > STATE_FILE_MAX - (uint64_t)off)
		*len = STATE_FILE_MAX - (uint64_t)off;
	return 0;
}

int mut_write(struct state *s, struct tree_node *n, int *fd, uint64_t *fd_data,
	      const char *buf, size_t len, off_t off, size_t *done)
{
	uint64_t want = len;
	struct timespec now;
	size_t got = 0;
	ssize_t k;
	int rc;

	*done = 0;
	if (!n)
		return -ENOENT;
	if ((rc = mut_range(n, off, &want)))
		return rc;
	if ((rc = state_data_private(s, n, true)) ||
	    (rc = content_fd_sync(s, n, fd, fd_data)))
		return rc;
	while (got < want) {
		k = pwrite(*fd, buf + got, (size_t)want - got,
			   off + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = k < 0 ? -errno : -EIO;
			break;
		}
		got += (size_t)k;
	}
	if (got) {
		if ((uint64_t)off + got > n->size)
			n->size = (uint64_t)off + got;
		state_now(&now);
		n->mtime = n->ctime = now;
	}
	*done = got;
	if (got && rc)
		rc = 0; /* a short write: the caller sees the count */
	if (!got && want < len)
		rc = -EFBIG;
	return rc == -EDQUOT ? -ENOSPC : rc;
}

int mut_fallocate(struct state *s, struct tree_node *n, int *fd,
		  uint64_t *fd_data, int mode, off_t off, off_t len)
{
	uint64_t want = len < 0 ? 0 : (uint64_t)len;
	struct timespec now;
	struct stat st;
	int rc;

	if (!n)
		return -ENOENT;
	if (len <= 0)
		return -EINVAL;
	if ((rc = mut_range(n, off, &want)))
		return rc;
	if (want < (uint64_t)len)
		return -EFBIG;
	if ((rc = state_data_private(s, n, true)) ||
	    (rc = content_fd_sync(s, n, fd, fd_data)))
		return rc;
	if (fallocate(*fd, mode, off, len) < 0)
		return errno == EDQUOT ? -ENOSPC : -errno;
	if (fstat(*fd, &st) == 0)
		n->size = (uint64_t)st.st_size;
	state_now(&now);
	n->mtime = n->ctime = now;
	return 0;
}

int mut_fsync(struct state *s, struct tree_node *n, int *fd, uint64_t *fd_data)
{
	int rc = 0;

	if (n && state_data_of(n))
		rc = content_fd_sync(s, n, fd, fd_data);
	if (rc)
		return rc;
	return state_sync(s, n && state_data_of(n) ? *fd : -1);
}

int mut_put(struct state *s, const struct mut_who *w, struct tree_node *dir,
	    const char *name, const void *data, size_t len, mode_t mode,
	    struct tree_node **out)
{
	struct tree_node *n = NULL;
	struct timespec now;
	bool made = false;
	int fd, rc;

	*out = NULL;
	if (!dir || !S_ISDIR(dir->mode))
		return dir ? -ENOTDIR : -ENOENT;
	rc = tree_lookup(state_tree(s), dir, name, &n);
	if (rc == -ENOENT) {
		rc = mut_make(s, w, dir, name, S_IFREG | (mode & 07777), 0,
			      NULL, &n);
		made = true;
	}
	if (rc)
		return rc;
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode))
		return -EINVAL;
	if (len > STATE_FILE_MAX)
		return -EFBIG;
	/* new bytes: nothing of the old ones is copied */
	if ((rc = state_data_private(s, n, false)))
		return rc;
	fd = state_data_open(s, n->st->data);
	if (fd < 0)
		return fd;
	rc = ftruncate(fd, 0) < 0 ? -errno : 0;
	if (!rc)
		rc = state_write_all(fd, data, len); /* fd is at offset 0 */
	close(fd);
	if (rc)
		return rc == -EDQUOT ? -ENOSPC : rc;
	n->size = len;
	state_now(&now);
	n->mtime = n->ctime = now;
	state_log(s, n);
	rc = state_log_commit(s);
	if (!made && w->behind && n->nlookup)
		inval_inode(state_inval(s), n->ino);
	*out = n;
	return rc;
}
