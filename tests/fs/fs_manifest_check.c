/* fs_manifest_check.c - compares a mounted tree with the manifests it was
 * mounted from: every entry's type, mode, owner, group, rdev, size, symlink
 * target and content bytes; and that the mount holds no other path.
 *
 * usage: fs_manifest_check MOUNT [--content-root DIR] [--shadow-root DIR]
 *                          -m MANIFEST [-m OVERLAY ...]
 * Exit 0 only when everything matches; prints each mismatch.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "manifest.h"

#define CHUNK (64 * 1024)
#define SPARSE_CHECK (1024 * 1024) /* bytes of zeros checked at each end */

static const struct mf_manifest *walk_mf;
static size_t walk_mnt_len, walk_seen, walk_extra;

static const char *type_name(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR:
		return "dir";
	case S_IFREG:
		return "file";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "chardev";
	case S_IFBLK:
		return "blockdev";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "?";
	}
}

/* Reads all of fd into a malloc'd buffer; -1 on error. */
static ssize_t slurp(int fd, char **out)
{
	size_t cap = CHUNK, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return -1;
	for (;;) {
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	return (ssize_t)len;
}

static ssize_t slurp_path(const char *p, char **out)
{
	int fd = open(p, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = slurp(fd, out);
	close(fd);
	return n;
}

static int all_zero_at(int fd, off_t off, size_t len)
{
	char buf[CHUNK];

	while (len) {
		size_t want = len < sizeof(buf) ? len : sizeof(buf);
		ssize_t n = pread(fd, buf, want, off);
		ssize_t i;

		if (n <= 0)
			return 0;
		for (i = 0; i < n; i++)
			if (buf[i])
				return 0;
		off += n;
		len -= (size_t)n;
	}
	return 1;
}

static int check_content(const char *p, const struct mf_entry *e,
			 const struct stat *st, const char *content_root,
			 const char *shadow_root)
{
	const struct mf_content *c = &e->content;
	char host[8192], *got = NULL, *want = NULL;
	ssize_t ng, nw;
	int bad = 0, fd;

	if (c->kind == MF_SRC_SPARSE ||
	    (c->kind == MF_SRC_EMPTY && e->has_size)) {
		uint64_t size = c->kind == MF_SRC_SPARSE ? c->size : e->size;
		size_t head = size < SPARSE_CHECK ? size : SPARSE_CHECK;

		if ((uint64_t)st->st_size != size) {
			printf("SIZE %s: want %llu got %lld\n", e->path,
			       (unsigned long long)size,
			       (long long)st->st_size);
			return 1;
		}
		fd = open(p, O_RDONLY);
		if (fd < 0 || !all_zero_at(fd, 0, head) ||
		    !all_zero_at(fd, (off_t)(size - head), head)) {
			printf("SPARSE %s: not all zeros\n", e->path);
			bad = 1;
		}
		if (fd >= 0)
			close(fd);
		return bad;
	}
	ng = slurp_path(p, &got);
	if (ng < 0) {
		printf("READ %s: %s\n", e->path, strerror(errno));
		return 1;
	}
	switch (c->kind) {
	case MF_SRC_INLINE:
		want = malloc(c->len + 1);
		if (want)
			memcpy(want, c->data, c->len);
		nw = want ? (ssize_t)c->len : -1;
		break;
	case MF_SRC_FILE:
		snprintf(host, sizeof(host), "%s/%s", content_root, c->path);
		nw = slurp_path(host, &want);
		break;
	case MF_SRC_SHADOW:
		snprintf(host, sizeof(host), "%s/%s", shadow_root,
			 c->path + strlen("/.shadow/"));
		nw = slurp_path(host, &want);
		break;
	default:
		nw = 0;
		break;
	}
	if (nw < 0) {
		printf("CONTENT %s: cannot read the expected bytes\n", e->path);
		bad = 1;
	} else if (ng != nw || (nw && memcmp(got, want, (size_t)nw))) {
		printf("CONTENT %s: %zd bytes differ from the %zd expected\n",
		       e->path, ng, nw);
		bad = 1;
	} else if ((ssize_t)st->st_size != ng) {
		printf("SIZE %s: stat says %lld, read %zd\n", e->path,
		       (long long)st->st_size, ng);
		bad = 1;
	}
	free(got);
	free(want);
	return bad;
}

static int check_entry(const char *mnt, const struct mf_entry *e,
		       const char *content_root, const char *shadow_root)
{
	static const char *const tnames[] = {
	    [MF_DIR] = "dir",     [MF_REG] = "file",     [MF_LNK] = "symlink",
	    [MF_CHR] = "chardev", [MF_BLK] = "blockdev", [MF_FIFO] = "fifo",
	    [MF_SOCK] = "socket",
	};
	char p[8192], target[8192];
	struct stat st;
	int bad = 0;

	snprintf(p, sizeof(p), "%s%s", mnt,
		 strcmp(e->path, "/") ? e->path : "");
	if (lstat(p, &st) < 0) {
		printf("MISSING %s: %s\n", e->path, strerror(errno));
		return 1;
	}
	if (strcmp(type_name(st.st_mode), tnames[e->type])) {
		printf("TYPE %s: want %s got %s\n", e->path, tnames[e->type],
		       type_name(st.st_mode));
		return 1;
	}
	if ((st.st_mode & 07777) != (e->mode & 07777)) {
		printf("MODE %s: want %04o got %04o\n", e->path,
		       (unsigned)(e->mode & 07777),
		       (unsigned)(st.st_mode & 07777));
		bad = 1;
	}
	if (st.st_uid != e->uid || st.st_gid != e->gid) {
		printf("OWNER %s: want %u:%u got %u:%u\n", e->path,
		       (unsigned)e->uid, (unsigned)e->gid, (unsigned)st.st_uid,
		       (unsigned)st.st_gid);
		bad = 1;
	}
	if (e->has_mtime && st.st_mtime != e->mtime.tv_sec) {
		printf("MTIME %s: want %lld got %lld\n", e->path,
		       (long long)e->mtime.tv_sec, (long long)st.st_mtime);
		bad = 1;
	}
	if ((e->type == MF_CHR || e->type == MF_BLK) &&
	    (major(st.st_rdev) != e->rdev_major ||
	     minor(st.st_rdev) != e->rdev_minor)) {
		printf("RDEV %s: want %u:%u got %u:%u\n", e->path,
		       e->rdev_major, e->rdev_minor, major(st.st_rdev),
		       minor(st.st_rdev));
		bad = 1;
	}
	if (e->type == MF_LNK) {
		ssize_t n = readlink(p, target, sizeof(target) - 1);

		if (n < 0 || (target[n] = '\0', strcmp(target, e->target))) {
			printf("TARGET %s: want '%s' got '%s'\n", e->path,
			       e->target, n < 0 ? strerror(errno) : target);
			bad = 1;
		}
	}
	if (e->type == MF_REG)
		bad |= check_content(p, e, &st, content_root, shadow_root);
	return bad;
}

static int walk_cb(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	const char *rel = path[walk_mnt_len] ? path + walk_mnt_len : "/";

	(void)st;
	(void)flag;
	(void)ftw;
	walk_seen++;
	if (!mf_find(walk_mf, rel) && strcmp(rel, "/")) {
		printf("EXTRA %s\n", rel);
		walk_extra++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mf_source srcs[64];
	struct mf_manifest *m = NULL;
	struct mf_error err;
	const char *mnt = NULL, *content_root = ".", *shadow_root = "/.shadow";
	size_t n = 0, i, bad = 0;
	char buf[1024];
	int a;

	memset(srcs, 0, sizeof(srcs));
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-m") && a + 1 < argc && n < 64)
			srcs[n++].name = argv[++a];
		else if (!strcmp(argv[a], "--content-root") && a + 1 < argc)
			content_root = argv[++a];
		else if (!strcmp(argv[a], "--shadow-root") && a + 1 < argc)
			shadow_root = argv[++a];
		else if (!mnt && argv[a][0] != '-')
			mnt = argv[a];
		else
			mnt = NULL, a = argc;
	}
	if (!mnt || !n) {
		fprintf(stderr,
			"usage: fs_manifest_check MOUNT [--content-root "
			"DIR] [--shadow-root DIR] -m FILE...\n");
		return 2;
	}
	if (mf_load(srcs, n, &m, &err)) {
		fprintf(stderr, "manifest: %s\n",
			mf_error_str(&err, buf, sizeof(buf)));
		return 1;
	}
	for (i = 0; i < m->n_entries; i++)
		bad +=
		    check_entry(mnt, &m->entries[i], content_root, shadow_root)
			? 1
			: 0;
	walk_mf = m;
	walk_mnt_len = strlen(mnt);
	if (nftw(mnt, walk_cb, 64, FTW_PHYS) < 0) {
		printf("walk '%s': %s\n", mnt, strerror(errno));
		bad++;
	}
	printf("manifest: %zu entries, %zu match, %zu differ; mount: %zu "
	       "paths, %zu not in the manifest\n",
	       m->n_entries, m->n_entries - bad, bad, walk_seen, walk_extra);
	mf_manifest_free(m);
	return bad || walk_extra ? 1 : 0;
}
