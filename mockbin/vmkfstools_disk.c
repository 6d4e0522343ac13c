/* vmkfstools_disk.c - the disk operations of the mock vmkfstools: create,
 * clone, extend, delete, rename on descriptor + flat extent. Data extents
 * are sparse files (ftruncate; clone copies only the data regions) whatever
 * the disk format: the format shows in the descriptor (ddb.thinProvisioned)
 * and in the messages, not in disk use. */
#include "vmkfstools_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "esxroot.h"
#include "strbuf.h"

#define VD_DESC_MAX (64 * 1024) /* a descriptor is a small text file */
#define VD_COPY_CHUNK (1024 * 1024)
#define VD_MODE 0600 /* vmkfstools creates disk files rw------- */

/* ---- host paths and files ---- */

static void random_bytes(unsigned char *b, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t r = fd >= 0 ? read(fd, b, n) : -1;
	unsigned long long x;
	size_t i;

	if (fd >= 0)
		close(fd);
	if (r == (ssize_t)n)
		return;
	x = (unsigned long long)time(NULL) ^
	    ((unsigned long long)getpid() << 20);
	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		b[i] = (unsigned char)(x >> 33);
	}
}

/* vmkfstools-style reasons for errno values (DiskLib texts and codes). */
static const char *reason(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		return "The system cannot find the file specified (25)";
	case EEXIST:
		return "The file already exists (39)";
	case EACCES:
	case EPERM:
		return "Insufficient permission to access file (38)";
	case ENOSPC:
		return "There is not enough space on the file system for the "
		       "selected operation (13)";
	case EBADMSG:
		return "The file specified is not a virtual disk (15)";
	case EINVAL:
		return "One of the parameters supplied is invalid (1)";
	case ENOTSUP:
		return "The requested operation is not supported by esxmock "
		       "(6)";
	default:
		return strerror(err);
	}
}

static int failf(struct vd_err *e, const char *what, int err)
{
	snprintf(e->msg, sizeof(e->msg), "Failed to %s: %s.", what,
		 reason(err));
	return -err;
}

static int host_path(const char *esxp, char *out, size_t n)
{
	return esx_path(out, n, esxp) < 0 ? -ENAMETOOLONG : 0;
}

/* Directory part of an ESXi path ("." when none), and the stem of the
 * file name ("disk" for ".../disk.vmdk"). */
static void split_path(const char *p, char *dir, size_t dn, char *stem,
		       size_t sn)
{
	const char *slash = strrchr(p, '/'), *base = slash ? slash + 1 : p;
	size_t bl = strlen(base);

	if (!slash)
		snprintf(dir, dn, ".");
	else if (slash == p)
		snprintf(dir, dn, "/");
	else
		snprintf(dir, dn, "%.*s", (int)(slash - p), p);
	if (bl > 5 && strcmp(base + bl - 5, ".vmdk") == 0)
		bl -= 5;
	snprintf(stem, sn, "%.*s", (int)bl, base);
}

/* The ESXi path of extent file 'file' of the descriptor 'desc'. */
static void extent_path(const char *desc, const char *file, char *out, size_t n)
{
	char dir[PATH_MAX], stem[NAME_MAX + 1];

	if (file[0] == '/') {
		snprintf(out, n, "%s", file);
		return;
	}
	split_path(desc, dir, sizeof(dir), stem, sizeof(stem));
	/* a path that does not fit names nothing: the caller's open fails */
	if (snprintf(out, n, "%s/%s", dir, file) >= (int)n)
		out[0] = '\0';
}

static int dir_exists(const char *esxpath)
{
	char dir[PATH_MAX], stem[NAME_MAX + 1], h[PATH_MAX];
	struct stat sb;

	split_path(esxpath, dir, sizeof(dir), stem, sizeof(stem));
	if (host_path(dir, h, sizeof(h)) < 0)
		return -ENAMETOOLONG;
	if (stat(h, &sb) < 0)
		return -errno;
	return S_ISDIR(sb.st_mode) ? 0 : -ENOTDIR;
}

static int exists(const char *esxpath)
{
	char h[PATH_MAX];
	struct stat sb;

	if (host_path(esxpath, h, sizeof(h)) < 0)
		return 0;
	return lstat(h, &sb) == 0;
}

static int write_new_file(const char *esxpath, const char *text)
{
	return esx_create_file(esxpath, VD_MODE, text, strlen(text));
}

/* Replaces the descriptor at esxpath (temp file + rename). */
static int replace_file(const char *esxpath, const char *text)
{
	return esx_replace_file(esxpath, VD_MODE, text, strlen(text));
}

static int new_sparse(const char *esxpath, uint64_t bytes)
{
	char h[PATH_MAX];
	int fd, r = 0;

	if (host_path(esxpath, h, sizeof(h)) < 0)
		return -ENAMETOOLONG;
	fd = open(h, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, VD_MODE);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)bytes) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlink(h);
	return r;
}

static void unlink_esx(const char *esxpath)
{
	char h[PATH_MAX];

	if (host_path(esxpath, h, sizeof(h)) == 0)
		unlink(h);
}

/* Reads and parses a descriptor: -ENOENT, -EBADMSG (not a disk). */
static int load_desc(const char *esxpath, struct vd_desc *d)
{
	char err[256];
	char *text;
	size_t len;
	size_t i;
	int r = esx_read_file(esxpath, &text, &len);

	if (r < 0)
		return r == -EISDIR ? -EBADMSG : r;
	if (len > VD_DESC_MAX || memchr(text, '\0', len)) {
		free(text);
		return -EBADMSG;
	}
	r = vd_desc_parse(text, d, err, sizeof(err));
	free(text);
	if (r < 0)
		return -EBADMSG;
	for (i = 0; i < d->next; i++) {
		if (strchr(d->ext[i].file, '/') ||
		    strcmp(d->ext[i].file, "..") == 0) {
			vd_desc_free(d);
			return -EBADMSG;
		}
	}
	return 0;
}

static void base_desc(struct vd_desc *d, uint64_t sectors, const char *flat,
		      const char *adapter, enum vd_format fmt)
{
	unsigned char rnd[20];
	unsigned int c, h, s;
	char num[32];

	memset(d, 0, sizeof(*d));
	vd_hdr_set(d, "version", "1");
	vd_hdr_set(d, "encoding", "\"UTF-8\"");
	vd_hdr_set(d, "CID", "ffffffff");
	vd_hdr_set(d, "parentCID", "ffffffff");
	vd_hdr_set(d, "isNativeSnapshot", "\"no\"");
	vd_hdr_set(d, "createType", "\"vmfs\"");
	d->ext = xmalloc(sizeof(*d->ext));
	memset(d->ext, 0, sizeof(*d->ext));
	snprintf(d->ext[0].access, sizeof(d->ext[0].access), "RW");
	snprintf(d->ext[0].type, sizeof(d->ext[0].type), "VMFS");
	d->ext[0].sectors = sectors;
	d->ext[0].file = xstrdup(flat);
	d->next = 1;
	vd_ddb_set(d, "ddb.adapterType", adapter);
	vd_geometry(sectors, adapter, &c, &h, &s);
	snprintf(num, sizeof(num), "%u", c);
	vd_ddb_set(d, "ddb.geometry.cylinders", num);
	snprintf(num, sizeof(num), "%u", h);
	vd_ddb_set(d, "ddb.geometry.heads", num);
	snprintf(num, sizeof(num), "%u", s);
	vd_ddb_set(d, "ddb.geometry.sectors", num);
	if (fmt == VD_THIN)
		vd_ddb_set(d, "ddb.thinProvisioned", "1");
	vd_ddb_set(d, "ddb.virtualHWVersion", "7");
	random_bytes(rnd, sizeof(rnd));
	vd_new_identity(d, rnd);
}

/* ---- operations ---- */

int vd_create(const char *path, const struct vd_create *c, struct vd_err *e)
{
	char dir[PATH_MAX], stem[NAME_MAX + 1], flat[NAME_MAX + 16],
	    flatp[PATH_MAX + NAME_MAX];
	struct vd_desc d;
	char *text;
	int r;

	if (c->bytes == 0)
		return failf(e, "create virtual disk", EINVAL);
	split_path(path, dir, sizeof(dir), stem, sizeof(stem));
	snprintf(flat, sizeof(flat), "%s-flat.vmdk", stem);
	extent_path(path, flat, flatp, sizeof(flatp));
	r = dir_exists(path);
	if (r < 0)
		return failf(e, "create virtual disk", -r);
	if (exists(path) || exists(flatp))
		return failf(e, "create virtual disk", EEXIST);
	base_desc(&d, c->bytes / VD_SECTOR, flat,
		  c->adapter ? c->adapter : "lsilogic", c->format);
	text = vd_desc_format(&d);
	vd_desc_free(&d);
	r = new_sparse(flatp, c->bytes);
	if (r == 0) {
		r = write_new_file(path, text);
		if (r < 0)
			unlink_esx(flatp);
	}
	free(text);
	if (r < 0)
		return failf(e, "create virtual disk", -r);
	return 0;
}

/* Copies the data regions of src (host fd) into dst at offset 'at'. */
static int copy_sparse(int sfd, int dfd, uint64_t len, uint64_t at)
{
	char *buf = xmalloc(VD_COPY_CHUNK);
	off_t off = 0, data, hole, end = (off_t)len;
	ssize_t n;
	int r = 0;

	while (off < end) {
		data = lseek(sfd, off, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break; /* only a hole left */
			data = off;    /* no SEEK_DATA: copy everything */
			hole = end;
		} else {
			hole = lseek(sfd, data, SEEK_HOLE);
			if (hole < 0 || hole > end)
				hole = end;
		}
		if (data >= end)
			break;
		for (off = data; off < hole; off += n) {
			size_t want = (size_t)(hole - off) < VD_COPY_CHUNK
					  ? (size_t)(hole - off)
					  : VD_COPY_CHUNK;

			n = pread(sfd, buf, want, off);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0) {
				r = n < 0 ? -errno : 0;
				off = end;
				break;
			}
			if (pwrite(dfd, buf, (size_t)n, (off_t)at + off) != n) {
				r = -errno;
				goto out;
			}
		}
	}
out:
	free(buf);
	return r;
}

int vd_check(const char *path, struct vd_err *e)
{
	struct vd_desc d;
	int r = load_desc(path, &d);

	if (r < 0) {
		snprintf(e->msg, sizeof(e->msg),
			 "DiskLib_Check() failed for source disk '%s': %s.",
			 path, reason(-r));
		return r;
	}
	vd_desc_free(&d);
	return 0;
}

int vd_clone(const char *src, const char *dst, enum vd_format format,
	     struct vd_err *e)
{
	char dir[PATH_MAX], stem[NAME_MAX + 1], flat[NAME_MAX + 16],
	    dflat[PATH_MAX + NAME_MAX], sext[PATH_MAX + NAME_MAX], h[PATH_MAX];
	unsigned char rnd[20];
	struct vd_desc d;
	uint64_t total, at = 0;
	char *text;
	size_t i;
	int r, sfd, dfd;

	r = load_desc(src, &d);
	if (r < 0) {
		snprintf(e->msg, sizeof(e->msg),
			 "DiskLib_Check() failed for source disk '%s': %s.",
			 src, reason(-r));
		return r;
	}
	for (i = 0; i < d.next; i++) {
		if (strcmp(d.ext[i].type, "VMFS") &&
		    strcmp(d.ext[i].type, "FLAT")) {
			vd_desc_free(&d);
			return failf(e, "clone disk", ENOTSUP);
		}
	}
	split_path(dst, dir, sizeof(dir), stem, sizeof(stem));
	snprintf(flat, sizeof(flat), "%s-flat.vmdk", stem);
	extent_path(dst, flat, dflat, sizeof(dflat));
	r = dir_exists(dst);
	if (r == 0 && (exists(dst) || exists(dflat)))
		r = -EEXIST;
	if (r < 0) {
		vd_desc_free(&d);
		return failf(e, "clone disk", -r);
	}
	total = vd_desc_sectors(&d);
	r = new_sparse(dflat, total * VD_SECTOR);
	if (r < 0) {
		vd_desc_free(&d);
		return failf(e, "clone disk", -r);
	}
	if (host_path(dflat, h, sizeof(h)) < 0 ||
	    (dfd = open(h, O_WRONLY | O_CLOEXEC)) < 0) {
		r = -errno;
		goto fail;
	}
	for (i = 0; i < d.next && r == 0; i++) {
		extent_path(src, d.ext[i].file, sext, sizeof(sext));
		if (host_path(sext, h, sizeof(h)) < 0 ||
		    (sfd = open(h, O_RDONLY | O_CLOEXEC)) < 0) {
			r = -ENOENT;
			break;
		}
		r = copy_sparse(sfd, dfd, d.ext[i].sectors * VD_SECTOR, at);
		close(sfd);
		at += d.ext[i].sectors * VD_SECTOR;
	}
	if (fsync(dfd) < 0 && r == 0)
		r = -errno;
	close(dfd);
	if (r < 0)
		goto fail;
	/* one extent, a new identity, no parent */
	for (i = 1; i < d.next; i++)
		free(d.ext[i].file);
	d.next = 1;
	free(d.ext[0].file);
	d.ext[0].file = xstrdup(flat);
	d.ext[0].sectors = total;
	d.ext[0].has_offset = false;
	snprintf(d.ext[0].access, sizeof(d.ext[0].access), "RW");
	snprintf(d.ext[0].type, sizeof(d.ext[0].type), "VMFS");
	vd_hdr_set(&d, "createType", "\"vmfs\"");
	if (vd_hdr_get(&d, "parentFileNameHint")) {
		struct vd_desc tmp = d;
		size_t k, w = 0;

		for (k = 0; k < tmp.nhdr; k++) {
			if (strcmp(tmp.hdr[k].key, "parentFileNameHint") == 0) {
				free(tmp.hdr[k].key);
				free(tmp.hdr[k].val);
				continue;
			}
			d.hdr[w++] = tmp.hdr[k];
		}
		d.nhdr = w;
	}
	if (format == VD_THIN)
		vd_ddb_set(&d, "ddb.thinProvisioned", "1");
	else
		vd_ddb_del(&d, "ddb.thinProvisioned");
	random_bytes(rnd, sizeof(rnd));
	vd_new_identity(&d, rnd);
	text = vd_desc_format(&d);
	r = write_new_file(dst, text);
	free(text);
	if (r < 0)
		goto fail;
	vd_desc_free(&d);
	return 0;
fail:
	unlink_esx(dflat);
	vd_desc_free(&d);
	return failf(e, "clone disk", -r);
}

int vd_extend(const char *path, uint64_t bytes, struct vd_err *e)
{
	char ext[PATH_MAX + NAME_MAX], h[PATH_MAX], num[32];
	uint64_t cur, sectors = bytes / VD_SECTOR;
	unsigned int c, hd, s;
	struct vd_extent *last;
	struct vd_desc d;
	char *text;
	int r = load_desc(path, &d);

	if (r < 0)
		return failf(e, "extend disk", -r);
	cur = vd_desc_sectors(&d);
	last = &d.ext[d.next - 1];
	if (sectors <= cur ||
	    (strcmp(last->type, "VMFS") && strcmp(last->type, "FLAT"))) {
		vd_desc_free(&d);
		return failf(e, "extend disk",
			     sectors <= cur ? EINVAL : ENOTSUP);
	}
	extent_path(path, last->file, ext, sizeof(ext));
	if (host_path(ext, h, sizeof(h)) < 0) {
		vd_desc_free(&d);
		return failf(e, "extend disk", ENAMETOOLONG);
	}
	last->sectors += sectors - cur;
	if (truncate(h, (off_t)(last->sectors * VD_SECTOR)) < 0) {
		r = -errno;
		vd_desc_free(&d);
		return failf(e, "extend disk", -r);
	}
	vd_geometry(sectors, vd_ddb_get(&d, "ddb.adapterType"), &c, &hd, &s);
	snprintf(num, sizeof(num), "%u", c);
	vd_ddb_set(&d, "ddb.geometry.cylinders", num);
	snprintf(num, sizeof(num), "%u", hd);
	vd_ddb_set(&d, "ddb.geometry.heads", num);
	snprintf(num, sizeof(num), "%u", s);
	vd_ddb_set(&d, "ddb.geometry.sectors", num);
	text = vd_desc_format(&d);
	vd_desc_free(&d);
	r = replace_file(path, text);
	free(text);
	if (r < 0)
		return failf(e, "extend disk", -r);
	return 0;
}

int vd_delete(const char *path, struct vd_err *e)
{
	char ext[PATH_MAX + NAME_MAX], h[PATH_MAX];
	struct vd_desc d;
	size_t i;
	int r = load_desc(path, &d);

	if (r < 0)
		return failf(e, "delete virtual disk", -r);
	for (i = 0; i < d.next; i++) {
		extent_path(path, d.ext[i].file, ext, sizeof(ext));
		if (host_path(ext, h, sizeof(h)) == 0 && unlink(h) < 0 &&
		    errno != ENOENT) {
			r = -errno;
			vd_desc_free(&d);
			return failf(e, "delete virtual disk", -r);
		}
	}
	vd_desc_free(&d);
	if (host_path(path, h, sizeof(h)) < 0 || unlink(h) < 0)
		return failf(e, "delete virtual disk", errno);
	return 0;
}

int vd_rename(const char *src, const char *dst, struct vd_err *e)
{
	char dir[PATH_MAX], stem[NAME_MAX + 1], sstem[NAME_MAX + 1],
	    from[PATH_MAX + NAME_MAX], to[PATH_MAX + NAME_MAX],
	    nname[NAME_MAX + 32], hf[PATH_MAX], ht[PATH_MAX];
	struct vd_desc d;
	size_t i, done = 0, sl;
	char *text, **old;
	int r = load_desc(src, &d);

	if (r < 0)
		return failf(e, "rename virtual disk", -r);
	split_path(src, dir, sizeof(dir), sstem, sizeof(sstem));
	split_path(dst, dir, sizeof(dir), stem, sizeof(stem));
	r = dir_exists(dst);
	if (r == 0 && exists(dst))
		r = -EEXIST;
	sl = strlen(sstem);
	old = xmalloc(sizeof(*old) * d.next);
	/* new extent names: the source stem replaced by the new one */
	for (i = 0; i < d.next && r == 0; i++) {
		old[i] = d.ext[i].file;
		if (strncmp(old[i], sstem, sl) == 0)
			snprintf(nname, sizeof(nname), "%s%s", stem,
				 old[i] + sl);
		else
			snprintf(nname, sizeof(nname), "%s-%s", stem, old[i]);
		d.ext[i].file = xstrdup(nname);
		extent_path(dst, nname, to, sizeof(to));
		if (exists(to))
			r = -EEXIST;
	}
	for (; i < d.next; i++) {
		old[i] = d.ext[i].file;
		d.ext[i].file = xstrdup(old[i]);
	}
	for (i = 0; i < d.next && r == 0; i++, done++) {
		extent_path(src, old[i], from, sizeof(from));
		extent_path(dst, d.ext[i].file, to, sizeof(to));
		if (host_path(from, hf, sizeof(hf)) < 0 ||
		    host_path(to, ht, sizeof(ht)) < 0)
			r = -ENAMETOOLONG;
		else if (rename(hf, ht) < 0)
			r = -errno;
		if (r < 0)
			break;
	}
	if (r == 0) {
		text = vd_desc_format(&d);
		r = write_new_file(dst, text);
		free(text);
	}
	if (r == 0) {
		unlink_esx(src);
	} else {
		while (done-- > 0) { /* undo the extent renames */
			extent_path(src, old[done], from, sizeof(from));
			extent_path(dst, d.ext[done].file, to, sizeof(to));
			if (host_path(from, hf, sizeof(hf)) == 0 &&
			    host_path(to, ht, sizeof(ht)) == 0)
				rename(ht, hf);
		}
	}
	for (i = 0; i < d.next; i++)
		free(old[i]);
	free(old);
	vd_desc_free(&d);
	if (r < 0)
		return failf(e, "rename virtual disk", -r);
	return 0;
}
