/* esxroot.c - root discovery and locked state-file access for the mock CLIs.
 * Locking is flock(2) on the state file itself; writers replace the file by
 * rename, so a waiter re-checks the inode after it gets the lock. */
#include "esxroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char root_buf[PATH_MAX];
static int root_done;

static void root_from_exe(void)
{
	char exe[PATH_MAX], probe[PATH_MAX + sizeof(ESX_ROOT_MARKER) + 1];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return;
	exe[n] = '\0';
	while ((slash = strrchr(exe, '/')) != NULL) {
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/%s", exe, ESX_ROOT_MARKER);
		if (access(probe, F_OK) == 0) {
			snprintf(root_buf, sizeof(root_buf), "%s", exe);
			return;
		}
	}
}

const char *esx_root(void)
{
	const char *env;
	size_t n;

	if (root_done)
		return root_buf;
	root_done = 1;
	env = getenv("ESXMOCK_ROOT");
	if (env && *env)
		snprintf(root_buf, sizeof(root_buf), "%s", env);
	else
		root_from_exe();
	n = strlen(root_buf);
	while (n > 0 && root_buf[n - 1] == '/')
		root_buf[--n] = '\0';
	return root_buf;
}

/* Follows the symlinks of esxpath inside the tree at 'root', as the kernel
 * would after chroot(root): an absolute target restarts at the tree's
 * root, ".." stops there. The walk ends at the first component that does
 * not exist (the rest is kept as is, for paths about to be created).
 * Writes the ESXi path to out. */
static int resolve_in_root(const char *root, const char *esxpath, char *out,
			   size_t n)
{
	char rest[PATH_MAX], cur[PATH_MAX], host[PATH_MAX], link[PATH_MAX];
	char tmp[PATH_MAX];
	int hops = 0, w;
	struct stat sb;
	ssize_t l;

	if (snprintf(rest, sizeof(rest), "%s", esxpath) >= (int)sizeof(rest))
		return -ENAMETOOLONG;
	cur[0] = '\0'; /* "" is "/" */
	for (char *p = rest; *p;) {
		char *c = p, *next;
		size_t cl;

		while (*c == '/')
			c++;
		next = c + strcspn(c, "/");
		cl = (size_t)(next - c);
		p = *next ? next + 1 : next;
		if (cl == 0 || (cl == 1 && c[0] == '.'))
			continue;
		if (cl == 2 && c[0] == '.' && c[1] == '.') {
			char *slash = strrchr(cur, '/');

			if (slash)
				*slash = '\0';
			continue;
		}
		w = snprintf(tmp, sizeof(tmp), "%s/%.*s", cur, (int)cl, c);
		if (w < 0 || (size_t)w >= sizeof(tmp) ||
		    snprintf(host, sizeof(host), "%s%s", root, tmp) >=
			(int)sizeof(host))
			return -ENAMETOOLONG;
		if (lstat(host, &sb) < 0) { /* missing: keep the rest */
			w = snprintf(out, n, "%s%s%s", tmp, *p ? "/" : "", p);
			return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : 0;
		}
		if (!S_ISLNK(sb.st_mode)) {
			memcpy(cur, tmp, (size_t)w + 1);
			continue;
		}
		if (++hops > 40)
			return -ELOOP;
		l = readlink(host, link, sizeof(link) - 1);
		if (l < 0)
			return -errno;
		link[l] = '\0';
		if (link[0] == '/')
			cur[0] = '\0';
		/* the target replaces the link's name in what is left */
		w = snprintf(tmp, sizeof(tmp), "%s%s%s", link, *p ? "/" : "",
			     p);
		if (w < 0 || (size_t)w >= sizeof(rest))
			return -ENAMETOOLONG;
		memcpy(rest, tmp, (size_t)w + 1);
		p = rest;
	}
	w = snprintf(out, n, "%s", cur[0] ? cur : "/");
	return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : 0;
}

int esx_path(char *out, size_t n, const char *esxpath)
{
	char resolved[PATH_MAX];
	const char *root = esx_root();
	int r;

	if (esxpath[0] != '/') {
		r = snprintf(out, n, "%s", esxpath);
	} else if (!*root) { /* the real root: the kernel resolves */
		r = snprintf(out, n, "%s", esxpath);
	} else {
		r = resolve_in_root(root, esxpath, resolved, sizeof(resolved));
		if (r < 0)
			return r;
		r = snprintf(out, n, "%s%s", root, resolved);
	}
	if (r < 0 || (size_t)r >= n)
		return -ENAMETOOLONG;
	return 0;
}

static int read_fd(int fd, char **buf, size_t *len)
{
	size_t cap = 4096, used = 0;
	char *b = malloc(cap), *nb;
	ssize_t r;

	if (!b)
		return -ENOMEM;
	for (;;) {
		if (used + 1 >= cap) {
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + used, cap - used - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(b);
			return (int)r;
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	b[used] = '\0';
	*buf = b;
	if (len)
		*len = used;
	return 0;
}

int esx_read_file(const char *esxpath, char **buf, size_t *len)
{
	char p[PATH_MAX];
	int fd, r = esx_path(p, sizeof(p), esxpath);

	if (r < 0)
		return r;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read_fd(fd, buf, len);
	close(fd);
	return r;
}

int esx_state_open(struct esx_state *st, const char *esxpath, mode_t mode)
{
	struct stat a, b;
	int r;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	r = esx_path(st->path, sizeof(st->path), esxpath);
	if (r < 0)
		return r;
	for (;;) {
		st->fd = open(st->path, O_RDWR | O_CREAT | O_CLOEXEC, mode);
		if (st->fd < 0)
			return -errno;
		if (flock(st->fd, LOCK_EX) < 0) {
			r = -errno;
			goto fail;
		}
		/* A writer may have renamed a new file over the path while we
		 * waited: our lock would then be on a dead inode. */
		if (fstat(st->fd, &a) == 0 && stat(st->path, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			break;
		close(st->fd);
	}
	r = read_fd(st->fd, &st->data, &st->len);
	if (r < 0)
		goto fail;
	return 0;
fail:
	close(st->fd);
	st->fd = -1;
	return r;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Creates (O_EXCL) or truncates the host file, writes and fsyncs it; a
 * failure removes it. */
static int write_host(const char *host, int flags, mode_t mode, const char *buf,
		      size_t len)
{
	int fd = open(host, O_WRONLY | O_CREAT | O_CLOEXEC | flags, mode);
	int r;

	if (fd < 0)
		return -errno;
	r = write_all(fd, buf, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlink(host);
	return r;
}

/* Temp file "<host>.esxmock-<pid>" beside the host file, then rename. */
static int replace_host(const char *host, mode_t mode, const char *buf,
			size_t len)
{
	char tmp[PATH_MAX + 32];
	int r;

	if (snprintf(tmp, sizeof(tmp), "%s.esxmock-%d", host, (int)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	r = write_host(tmp, O_TRUNC, mode, buf, len);
	if (r == 0 && rename(tmp, host) < 0) {
		r = -errno;
		unlink(tmp);
	}
	return r;
}

int esx_create_file(const char *esxpath, mode_t mode, const char *buf,
		    size_t len)
{
	char p[PATH_MAX];
	int r = esx_path(p, sizeof(p), esxpath);

	return r < 0 ? r : write_host(p, O_EXCL, mode, buf, len);
}

int esx_replace_file(const char *esxpath, mode_t mode, const char *buf,
		     size_t len)
{
	char p[PATH_MAX];
	int r = esx_path(p, sizeof(p), esxpath);

	return r < 0 ? r : replace_host(p, mode, buf, len);
}

int esx_state_commit(struct esx_state *st, const char *buf, size_t len)
{
	struct stat sb;
	int r;

	if (fstat(st->fd, &sb) < 0)
		sb.st_mode = 0644;
	r = replace_host(st->path, sb.st_mode & 07777, buf, len);
	esx_state_close(st);
	return r;
}

void esx_state_close(struct esx_state *st)
{
	if (st->fd >= 0)
		close(st->fd); /* releases the flock */
	st->fd = -1;
	free(st->data);
	st->data = NULL;
	st->len = 0;
}
