/* mf_materialize.c - writes a loaded manifest out as a plain directory.
 * Owns entry -> real file creation: parents first, then owners, modes and
 * times of directories last (deepest first) so read-only directories do not
 * block their own children and directory mtimes stay as given. */
#include "mf_materialize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MFM_COPY_BUF (64u << 10)

void mf_shadow_host_path(const char *shadow_root, const char *shadow_path,
			 char *out, size_t n)
{
	static const char pfx[] = "/.shadow";
	const char *rest = shadow_path;

	if (!strncmp(shadow_path, pfx, sizeof(pfx) - 1))
		rest = shadow_path + sizeof(pfx) - 1;
	snprintf(out, n, "%s%s", shadow_root, rest);
}

struct mfm_ctx {
	int dfd;
	const struct mf_materialize_opts *o;
	struct mf_materialize_stats *st;
	FILE *log;
};

static int mfm_fail(struct mfm_ctx *c, const char *path, const char *what,
		    int rc)
{
	if (c->log)
		fprintf(c->log, "materialize: '%s': %s: %s\n", path, what,
			strerror(-rc));
	return rc;
}

/* Relative name under the target directory: "/bin/sh" -> "bin/sh". */
static const char *mfm_rel(const struct mf_entry *e)
{
	return e->path[1] ? e->path + 1 : ".";
}

static int mfm_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int mfm_copy(struct mfm_ctx *c, int out, const char *host)
{
	int in = open(host, O_RDONLY | O_CLOEXEC), rc = 0;
	char *buf;

	if (in < 0)
		return -errno;
	buf = malloc(MFM_COPY_BUF);
	if (!buf) {
		close(in);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r = read(in, buf, MFM_COPY_BUF);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (!r)
			break;
		rc = mfm_write_all(out, buf, (size_t)r);
		if (rc)
			break;
		c->st->bytes += (size_t)r;
	}
	free(buf);
	close(in);
	return rc;
}

static int mfm_file(struct mfm_ctx *c, const struct mf_entry *e)
{
	const struct mf_content *ct = &e->content;
	char host[8192];
	int fd, rc = 0;

	fd = openat(c->dfd, mfm_rel(e),
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return mfm_fail(c, e->path, "create", -errno);
	switch (ct->kind) {
	case MF_SRC_INLINE:
		rc = mfm_write_all(fd, ct->data, ct->len);
		c->st->bytes += ct->len;
		break;
	case MF_SRC_SHADOW:
	case MF_SRC_FILE: {
		const char *root = ct->kind == MF_SRC_SHADOW
				       ? c->o->shadow_root
				       : c->o->content_root;

		if (!root) {
			close(fd);
			if (c->log)
				fprintf(c->log,
					"materialize: '%s': content '%s' "
					"needs %s\n",
					e->path, ct->path,
					ct->kind == MF_SRC_SHADOW
					    ? "--shadow-root"
					    : "--content-root");
			return -EINVAL;
		}
		if (ct->kind == MF_SRC_SHADOW)
			mf_shadow_host_path(root, ct->path, host, sizeof(host));
		else
			snprintf(host, sizeof(host), "%s/%s", root, ct->path);
		rc = mfm_copy(c, fd, host);
		if (rc) {
			close(fd);
			return mfm_fail(c, e->path, host, rc);
		}
		break;
	}
	case MF_SRC_SPARSE:
		if (ftruncate(fd, (off_t)ct->size))
			rc = -errno;
		c->st->bytes += ct->size;
		break;
	case MF_SRC_EMPTY:
		if (e->has_size && e->size && ftruncate(fd, (off_t)e->size))
			rc = -errno;
		break;
	}
	if (close(fd) && !rc)
		rc = -errno;
	c->st->files++;
	return rc ? mfm_fail(c, e->path, "write", rc) : 0;
}

static int mfm_node(struct mfm_ctx *c, const struct mf_entry *e)
{
	mode_t kind = e->type == MF_CHR    ? S_IFCHR
		      : e->type == MF_BLK  ? S_IFBLK
		      : e->type == MF_FIFO ? S_IFIFO
					   : S_IFSOCK;
	dev_t dev = makedev(e->rdev_major, e->rdev_minor);

	if (!mknodat(c->dfd, mfm_rel(e), kind | 0600,
		     kind == S_IFCHR || kind == S_IFBLK ? dev : 0)) {
		if (kind == S_IFCHR || kind == S_IFBLK)
			c->st->devices++;
		else if (kind == S_IFIFO)
			c->st->fifos++;
		else
			c->st->sockets++;
		return 0;
	}
	if ((errno == EPERM || errno == EACCES) &&
	    (kind == S_IFCHR || kind == S_IFBLK)) {
		int fd = openat(c->dfd, mfm_rel(e),
				O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd < 0)
			return mfm_fail(c, e->path, "create", -errno);
		close(fd);
		c->st->devices++;
		c->st->devices_as_files++;
		return 0;
	}
	return mfm_fail(c, e->path, "mknod", -errno);
}

/* Owner, mode and mtime of an entry already created. */
static int mfm_attrs(struct mfm_ctx *c, const struct mf_entry *e)
{
	const char *rel = mfm_rel(e);

	if (fchownat(c->dfd, rel, e->uid, e->gid, AT_SYMLINK_NOFOLLOW)) {
		if (errno != EPERM)
			return mfm_fail(c, e->path, "chown", -errno);
		c->st->owners_lost++;
	}
	/* after chown, which clears setuid/setgid */
	if (e->type != MF_LNK && fchmodat(c->dfd, rel, e->mode & 07777, 0))
		return mfm_fail(c, e->path, "chmod", -errno);
	if (e->has_mtime) {
		struct timespec ts[2] = {e->mtime, e->mtime};

		if (utimensat(c->dfd, rel, ts, AT_SYMLINK_NOFOLLOW))
			return mfm_fail(c, e->path, "utimensat", -errno);
	}
	return 0;
}

static int mfm_create(struct mfm_ctx *c, const struct mf_entry *e)
{
	switch (e->type) {
	case MF_DIR:
		if (!strcmp(e->path, "/"))
			return 0;
		if (mkdirat(c->dfd, mfm_rel(e), 0700))
			return mfm_fail(c, e->path, "mkdir", -errno);
		return 0;
	case MF_REG:
		return mfm_file(c, e);
	case MF_LNK:
		if (symlinkat(e->target, c->dfd, mfm_rel(e)))
			return mfm_fail(c, e->path, "symlink", -errno);
		c->st->symlinks++;
		if ((e->mode & 07777) != 0777)
			c->st->symlink_modes_lost++;
		return 0;
	case MF_CHR:
	case MF_BLK:
	case MF_FIFO:
	case MF_SOCK:
		return mfm_node(c, e);
	}
	return mfm_fail(c, e->path, "type", -EINVAL);
}

/* dir must be absent (created 0700 here) or an empty directory. */
static int mfm_open_dir(const char *dir, FILE *log)
{
	DIR *d;
	struct dirent *de;
	int fd;

	if (mkdir(dir, 0700) && errno != EEXIST)
		goto fail;
	d = opendir(dir);
	if (!d)
		goto fail;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			closedir(d);
			if (log)
				fprintf(log,
					"materialize: '%s' is not empty: "
					"refusing to write into it\n",
					dir);
			return -ENOTEMPTY;
		}
	fd = dup(dirfd(d));
	closedir(d);
	if (fd >= 0)
		return fd;
fail:
	if (log)
		fprintf(log, "materialize: '%s': %s\n", dir, strerror(errno));
	return -errno;
}

int mf_materialize(const struct mf_manifest *m, const char *dir,
		   const struct mf_materialize_opts *o,
		   struct mf_materialize_stats *st, FILE *log)
{
	struct mfm_ctx c = {.o = o, .st = st, .log = log};
	size_t i;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	c.dfd = mfm_open_dir(dir, log);
	if (c.dfd < 0)
		return c.dfd;
	for (i = 0; i < m->n_entries && !rc; i++) {
		const struct mf_entry *e = &m->entries[i];

		rc = mfm_create(&c, e);
		if (!rc && e->type != MF_DIR)
			rc = mfm_attrs(&c, e);
		st->entries++;
	}
	/* directories deepest first: sorted order reversed puts every child
	 * before its parent */
	for (i = m->n_entries; i-- > 0 && !rc;) {
		const struct mf_entry *e = &m->entries[i];

		if (e->type != MF_DIR)
			continue;
		rc = mfm_attrs(&c, e);
		st->dirs++;
	}
	close(c.dfd);
	return rc;
}
