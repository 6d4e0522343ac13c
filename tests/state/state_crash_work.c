/* state_crash_work.c - the workload and the checker of the crash test.
 *
 *   run W M LOG SEED   does random operations in W (in the mount) until one
 *                      fails because the daemon died; after each one that
 *                      succeeded, does the same in M (a plain directory, the
 *                      model of what was acknowledged). LOG gets "B op" before
 *                      and "A" after each operation.
 *   verify W M LOG     W must equal M, except for what the last operation
 *                      (begun, never acknowledged) may have done: its
 *                      targets are in their old state, their new state, or
 *                      (for plain writes only) a state a partial write
 *                      explains. A rename or an atomic replace is never seen
 *                      half done, and nothing else may differ.
 *
 * Operations: put (O_TRUNC + write + close), atomic (write a temp file,
 * fsync, rename over), append (+ fsync), patch (pwrite inside + fsync),
 * rename, unlink, mkdir, rmdir, rename of a directory with files, link
 * (a second name: names that are one file in the model must be one file in
 * W, and a write in flight shows the same under every name). Exit 0:
 * done (run: the daemon died; verify: W is explained), 1: a mismatch, with
 * what differs on stderr, 2: usage or a local error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CW_FILES 12
#define CW_DIRS 3
#define CW_MAX (256 * 1024)

enum cw_op {
	OP_PUT,
	OP_ATOMIC,
	OP_APPEND,
	OP_PATCH,
	OP_RENAME,
	OP_UNLINK,
	OP_MKDIR,
	OP_RMDIR,
	OP_RENAMEDIR,
	OP_LINK,
	OP_COUNT
};

static const char *const cw_names[OP_COUNT] = {
    "put",    "atomic", "append", "patch",     "rename",
    "unlink", "mkdir",  "rmdir",  "renamedir", "link"};

struct cw_rec {
	enum cw_op op;
	unsigned long no; /* operation number: seeds its bytes */
	char a[256], b[256];
	size_t off, len;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static int mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int mismatch(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "MISMATCH: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* The bytes an operation writes: a function of its number. */
static void cw_gen(unsigned long no, char *buf, size_t len)
{
	uint64_t x = no * 0x9E3779B97F4A7C15ULL + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (char)(x >> 24);
	}
}

/* ---- reading files ---------------------------------------------------- */

/* Reads dir/path: 0 and *buf (malloc'ed) / *len; -ENOENT; -EISDIR. */
static int cw_read(int dfd, const char *path, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	*buf = NULL;
	*len = 0;
	if (fstatat(dfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	fd = openat(dfd, path, O_RDONLY);
	if (fd < 0)
		return -errno;
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf)
		die("out of memory");
	while (got < (size_t)st.st_size) {
		n = read(fd, *buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

/* ---- operations --------------------------------------------------------- */

/* The temp file of an atomic replace of path: ".t_NAME" next to it. */
static void cw_tmpname(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash)
		snprintf(out, len, "%.*s/.t_%s", (int)(slash - path), path,
			 slash + 1);
	else
		snprintf(out, len, ".t_%s", path);
}

static int cw_write_all(int fd, const char *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(fd, buf + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Applies r in dir dfd. 0 or -errno. */
static int cw_apply(int dfd, const struct cw_rec *r)
{
	static char buf[CW_MAX];
	char tmp[300];
	struct stat st;
	int fd, rc = 0;

	switch (r->op) {
	case OP_PUT:
		cw_gen(r->no, buf, r->len);
		fd = openat(dfd, r->a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return -errno;
		if (cw_write_all(fd, buf, r->len, 0))
			rc = -errno;
		if (close(fd) < 0 && !rc)
			rc = -errno;
		return rc;
	case OP_ATOMIC:
		cw_gen(r->no, buf, r->len);
		cw_tmpname(r->a, tmp, sizeof(tmp));
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return -errno;
		if (cw_write_all(fd, buf, r->len, 0) || fsync(fd))
			rc = -errno;
		if (close(fd) < 0 && !rc)
			rc = -errno;
		if (!rc && renameat(dfd, tmp, dfd, r->a) < 0)
			rc = -errno;
		return rc;
	case OP_APPEND:
	case OP_PATCH:
		cw_gen(r->no, buf, r->len);
		fd = openat(dfd, r->a,
			    O_WRONLY | (r->op == OP_APPEND ? O_APPEND : 0));
		if (fd < 0)
			return -errno;
		if (r->op == OP_APPEND) {
			if (fstat(fd, &st) < 0 ||
			    cw_write_all(fd, buf, r->len, st.st_size))
				rc = -errno;
		} else if (cw_write_all(fd, buf, r->len, (off_t)r->off)) {
			rc = -errno;
		}
		if (!rc && fsync(fd) < 0)
			rc = -errno;
		if (close(fd) < 0 && !rc)
			rc = -errno;
		return rc;
	case OP_RENAME:
	case OP_RENAMEDIR:
		return renameat(dfd, r->a, dfd, r->b) < 0 ? -errno : 0;
	case OP_UNLINK:
		return unlinkat(dfd, r->a, 0) < 0 ? -errno : 0;
	case OP_MKDIR:
		return mkdirat(dfd, r->a, 0755) < 0 ? -errno : 0;
	case OP_RMDIR:
		return unlinkat(dfd, r->a, AT_REMOVEDIR) < 0 ? -errno : 0;
	case OP_LINK:
		return linkat(dfd, r->a, dfd, r->b, 0) < 0 ? -errno : 0;
	default:
		return -EINVAL;
	}
}

static bool cw_exists(int dfd, const char *p, bool *isdir)
{
	struct stat st;

	if (fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	if (isdir)
		*isdir = S_ISDIR(st.st_mode);
	return true;
}

static size_t cw_size(int dfd, const char *p)
{
	struct stat st;

	return fstatat(dfd, p, &st, 0) < 0 ? 0 : (size_t)st.st_size;
}

static bool cw_dir_empty(int dfd, const char *p)
{
	int fd = openat(dfd, p, O_RDONLY | O_DIRECTORY);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

/* A random operation that makes sense on the model's state. */
static bool cw_pick(int mfd, unsigned long no, struct cw_rec *r)
{
	unsigned k = (unsigned)random();
	char dir[64] = "";
	bool isdir;

	memset(r, 0, sizeof(*r));
	r->no = no;
	r->op = (enum cw_op)(k % OP_COUNT);
	/* files live at the top and in the directories d0..d2 */
	if ((k >> 8) % 3 == 0) {
		snprintf(dir, sizeof(dir), "d%u/", (k >> 12) % CW_DIRS);
		if (!cw_exists(mfd, dir, &isdir) || !isdir)
			dir[0] = '\0';
	}
	snprintf(r->a, sizeof(r->a), "%s%c%u", dir, (k >> 16) % 4 ? 'f' : 'm',
		 (k >> 18) % CW_FILES);
	snprintf(r->b, sizeof(r->b), "%sf%u", dir, (k >> 22) % CW_FILES);
	r->len = (size_t)random() % CW_MAX;
	if ((k >> 26) % 2)
		r->len %= 4096; /* many small files too */
	switch (r->op) {
	case OP_PUT:
	case OP_ATOMIC:
		return !cw_exists(mfd, r->a, &isdir) || !isdir;
	case OP_APPEND:
		r->len %= 65536;
		return cw_exists(mfd, r->a, &isdir) && !isdir &&
		       cw_size(mfd, r->a) + r->len < 4 * CW_MAX;
	case OP_PATCH: {
		size_t sz = cw_exists(mfd, r->a, &isdir) && !isdir
				? cw_size(mfd, r->a)
				: 0;

		if (sz < 2)
			return false;
		r->off = (size_t)random() % (sz - 1);
		r->len = 1 + (size_t)random() % (sz - r->off);
		if (r->len > 70000)
			r->len = 70000;
		return true;
	}
	case OP_RENAME:
		return strcmp(r->a, r->b) && cw_exists(mfd, r->a, &isdir) &&
		       !isdir && (!cw_exists(mfd, r->b, &isdir) || !isdir);
	case OP_UNLINK:
		return cw_exists(mfd, r->a, &isdir) && !isdir;
	case OP_MKDIR:
		snprintf(r->a, sizeof(r->a), "d%u", (k >> 12) % CW_DIRS);
		return !cw_exists(mfd, r->a, NULL);
	case OP_RMDIR:
		snprintf(r->a, sizeof(r->a), "d%u", (k >> 12) % CW_DIRS);
		return cw_exists(mfd, r->a, &isdir) && isdir &&
		       cw_dir_empty(mfd, r->a);
	case OP_RENAMEDIR:
		snprintf(r->a, sizeof(r->a), "d%u", (k >> 12) % CW_DIRS);
		snprintf(r->b, sizeof(r->b), "d%u", (k >> 20) % CW_DIRS);
		return strcmp(r->a, r->b) && cw_exists(mfd, r->a, &isdir) &&
		       isdir && !cw_exists(mfd, r->b, NULL);
	case OP_LINK:
		return cw_exists(mfd, r->a, &isdir) && !isdir &&
		       !cw_exists(mfd, r->b, NULL);
	default:
		return false;
	}
}

static void cw_log_rec(FILE *f, const struct cw_rec *r)
{
	fprintf(f, "B %s %lu %s %s %zu %zu\n", cw_names[r->op], r->no, r->a,
		r->b, r->off, r->len);
	fflush(f);
}

static int cw_run(int wfd, int mfd, const char *log, unsigned seed)
{
	FILE *f = fopen(log, "a");
	unsigned long no = (unsigned long)seed * 1000000UL;
	struct cw_rec r;
	int rc;

	if (!f)
		die("cannot open '%s'", log);
	setvbuf(f, NULL, _IOLBF, 0);
	srandom(seed);
	for (;;) {
		if (!cw_pick(mfd, ++no, &r))
			continue;
		cw_log_rec(f, &r);
		rc = cw_apply(wfd, &r);
		if (rc == -ENOTCONN || rc == -ECONNABORTED || rc == -EIO ||
		    rc == -ENODEV) {
			fclose(f);
			return 0; /* the daemon is gone: this one is pending */
		}
		if (rc) {
			fprintf(stderr, "%s %s %s: unexpected %s\n",
				cw_names[r.op], r.a, r.b, strerror(-rc));
			return 1;
		}
		rc = cw_apply(mfd, &r);
		if (rc)
			die("model: %s %s: %s", cw_names[r.op], r.a,
			    strerror(-rc));
		fprintf(f, "A\n");
	}
}

/* ---- verifying ------------------------------------------------------------
 */

/* Every path below dir "rel" in either tree, into list (deduplicated). */
struct cw_paths {
	char **p;
	size_t n, cap;
};

static void cw_paths_add(struct cw_paths *ps, const char *p)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->p[i], p))
			return;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->p = realloc(ps->p, ps->cap * sizeof(*ps->p));
		if (!ps->p)
			die("out of memory");
	}
	ps->p[ps->n++] = strdup(p);
}

static void cw_walk(int dfd, const char *rel, struct cw_paths *ps)
{
	int fd = openat(dfd, rel[0] ? rel : ".", O_RDONLY | O_DIRECTORY);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	char p[512];
	bool isdir;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s%s%s", rel, rel[0] ? "/" : "",
			 de->d_name);
		cw_paths_add(ps, p);
		if (cw_exists(dfd, p, &isdir) && isdir)
			cw_walk(dfd, p, ps);
	}
	closedir(d);
}

/* Same type and bytes at path in both trees (or absent in both). */
static bool cw_same(int wfd, const char *wp, int mfd, const char *mp)
{
	bool wd = false, md = false, we = cw_exists(wfd, wp, &wd),
	     me = cw_exists(mfd, mp, &md);
	char *a, *b;
	size_t al, bl;
	bool same;

	if (we != me || wd != md)
		return false;
	if (!we || wd)
		return true;
	cw_read(wfd, wp, &a, &al);
	cw_read(mfd, mp, &b, &bl);
	same = al == bl && !memcmp(a, b, al);
	free(a);
	free(b);
	return same;
}

/* What a partial write of the pending op may leave at r->a. */
static bool cw_partial_ok(int wfd, int mfd, const struct cw_rec *r)
{
	static char gen[CW_MAX];
	char *w = NULL, *m = NULL;
	size_t wl = 0, ml = 0, i;
	bool ok = false;

	cw_gen(r->no, gen, r->len);
	if (cw_read(wfd, r->a, &w, &wl))
		return false;
	if (cw_read(mfd, r->a, &m, &ml) && r->op != OP_PUT)
		goto out;
	switch (r->op) {
	case OP_PUT: /* truncated, then a prefix of the new bytes */
		ok = wl <= r->len && !memcmp(w, gen, wl);
		break;
	case OP_APPEND: /* the old bytes, then a prefix of the new ones */
		ok = wl >= ml && wl <= ml + r->len && !memcmp(w, m, ml) &&
		     !memcmp(w + ml, gen, wl - ml);
		break;
	case OP_PATCH: /* each byte of the range old or new */
		ok = wl == ml && !memcmp(w, m, r->off) &&
		     !memcmp(w + r->off + r->len, m + r->off + r->len,
			     ml - r->off - r->len);
		for (i = 0; ok && i < r->len; i++)
			ok = w[r->off + i] == m[r->off + i] ||
			     w[r->off + i] == gen[i];
		break;
	default:
		break;
	}
out:
	free(w);
	free(m);
	return ok;
}

/* a and b are one file (not a directory) in the tree dfd. */
static bool cw_one_file(int dfd, const char *a, const char *b)
{
	struct stat x, y;

	return fstatat(dfd, a, &x, AT_SYMLINK_NOFOLLOW) == 0 &&
	       fstatat(dfd, b, &y, AT_SYMLINK_NOFOLLOW) == 0 &&
	       !S_ISDIR(x.st_mode) && x.st_ino == y.st_ino &&
	       x.st_dev == y.st_dev;
}

static bool cw_is_write(enum cw_op op)
{
	return op == OP_PUT || op == OP_APPEND || op == OP_PATCH;
}

/* true when path is p or below p (p a directory name). */
static bool cw_under(const char *path, const char *p)
{
	size_t n = strlen(p);

	return !strncmp(path, p, n) && (path[n] == '\0' || path[n] == '/');
}

static int cw_verify(int wfd, int mfd, const char *mpath, const char *log)
{
	FILE *f = fopen(log, "r");
	struct cw_rec r, pend;
	struct cw_paths ps = {0};
	bool pending = false, old_ok, new_ok;
	char line[1024], name[32], tmp[300];
	size_t i;
	int bad = 0, mfd2;

	if (!f)
		die("cannot open '%s'", log);
	memset(&pend, 0, sizeof(pend));
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == 'A') {
			pending = false;
			continue;
		}
		memset(&r, 0, sizeof(r));
		if (sscanf(line, "B %31s %lu %255s %255s %zu %zu", name, &r.no,
			   r.a, r.b, &r.off, &r.len) != 6)
			die("bad log line: %s", line);
		for (i = 0; i < OP_COUNT && strcmp(cw_names[i], name); i++)
			;
		r.op = (enum cw_op)i;
		pend = r;
		pending = true;
	}
	fclose(f);
	cw_walk(wfd, "", &ps);
	cw_walk(mfd, "", &ps);
	cw_tmpname(pend.a, tmp, sizeof(tmp));
	/* the new state of the pending op, in a scratch copy of the model's
	 * affected paths, for whole-state alternatives */
	for (i = 0; i < ps.n; i++) {
		const char *p = ps.p[i];
		bool affected =
		    pending && (!strcmp(p, pend.a) || !strcmp(p, pend.b) ||
				!strcmp(p, tmp) ||
				(pend.op == OP_RENAMEDIR &&
				 (cw_under(p, pend.a) || cw_under(p, pend.b))));

		/* another name of a file a write in flight changes: it
		 * must be that file in W (checked below) */
		if (pending && !affected && cw_is_write(pend.op) &&
		    cw_one_file(mfd, p, pend.a)) {
			if (!cw_one_file(wfd, p, pend.a))
				bad |= mismatch("'%s' is no longer a name of "
						"'%s'",
						p, pend.a);
			continue;
		}
		if (!affected && !cw_same(wfd, p, mfd, p))
			bad |= mismatch("'%s' differs from the model", p);
	}
	/* names of one file in the model are one file in W */
	for (i = 0; i < ps.n; i++) {
		size_t j;

		for (j = i + 1; j < ps.n; j++) {
			const char *p = ps.p[i], *q = ps.p[j];

			if (pending &&
			    (!strcmp(p, pend.a) || !strcmp(p, pend.b) ||
			     !strcmp(q, pend.a) || !strcmp(q, pend.b) ||
			     (pend.op == OP_RENAMEDIR &&
			      (cw_under(p, pend.a) || cw_under(p, pend.b) ||
			       cw_under(q, pend.a) || cw_under(q, pend.b)))))
				continue;
			if (cw_one_file(mfd, p, q) != cw_one_file(wfd, p, q))
				bad |= mismatch("'%s' and '%s': one file in "
						"one tree, two in the other",
						p, q);
		}
	}
	if (!pending) {
		printf("verify: %zu paths, nothing pending\n", ps.n);
		return bad;
	}
	/* old state: the model as it is */
	old_ok = cw_same(wfd, pend.a, mfd, pend.a) &&
		 (pend.op != OP_RENAME || cw_same(wfd, pend.b, mfd, pend.b));
	if (pend.op == OP_RENAMEDIR)
		for (i = 0; i < ps.n; i++)
			if (cw_under(ps.p[i], pend.a) ||
			    cw_under(ps.p[i], pend.b))
				old_ok = old_ok &&
					 cw_same(wfd, ps.p[i], mfd, ps.p[i]);
	/* new state: apply it to a copy of the model's affected paths */
	new_ok = false;
	{
		char scratch[] = "/tmp/state-crash-XXXXXX", cmd[1024];

		if (!mkdtemp(scratch))
			die("mkdtemp");
		snprintf(cmd, sizeof(cmd), "cp -a '%s/.' %s", mpath, scratch);
		if (system(cmd) != 0)
			die("cannot copy the model");
		mfd2 = open(scratch, O_RDONLY | O_DIRECTORY);
		if (cw_apply(mfd2, &pend) == 0) {
			new_ok = cw_same(wfd, pend.a, mfd2, pend.a) &&
				 cw_same(wfd, pend.b, mfd2, pend.b);
			for (i = 0; pend.op == OP_RENAMEDIR && i < ps.n; i++)
				if (cw_under(ps.p[i], pend.a) ||
				    cw_under(ps.p[i], pend.b))
					new_ok =
					    new_ok && cw_same(wfd, ps.p[i],
							      mfd2, ps.p[i]);
		}
		close(mfd2);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", scratch);
		if (system(cmd) != 0)
			die("cannot remove '%s'", scratch);
	}
	if (pend.op == OP_ATOMIC) {
		/* the temp file may be anywhere in its writing; the target
		 * itself is never torn */
		if (cw_exists(wfd, tmp, NULL) && new_ok)
			bad |= mismatch("'%s' replaced but '%s' still there",
					pend.a, tmp);
	} else if (!old_ok && !new_ok &&
		   (pend.op == OP_PUT || pend.op == OP_APPEND ||
		    pend.op == OP_PATCH)) {
		new_ok = cw_partial_ok(wfd, mfd, &pend);
	}
	if (!old_ok && !new_ok)
		bad |= mismatch("pending %s %s %s: neither before nor after "
				"(torn)",
				cw_names[pend.op], pend.a, pend.b);
	printf("verify: %zu paths; pending %s %s: %s\n", ps.n,
	       cw_names[pend.op], pend.a,
	       old_ok   ? "not done"
	       : new_ok ? "done"
			: "TORN");
	for (i = 0; i < ps.n; i++)
		free(ps.p[i]);
	free(ps.p);
	return bad;
}

int main(int argc, char **argv)
{
	int wfd, mfd;

	if (argc < 5 || (strcmp(argv[1], "run") && strcmp(argv[1], "verify")))
		die("usage: state_crash_work run W M LOG SEED | verify W M "
		    "LOG");
	wfd = open(argv[2], O_RDONLY | O_DIRECTORY);
	mfd = open(argv[3], O_RDONLY | O_DIRECTORY);
	if (wfd < 0 || mfd < 0)
		die("cannot open '%s' or '%s'", argv[2], argv[3]);
	if (!strcmp(argv[1], "run")) {
		if (argc != 6)
			die("run W M LOG SEED");
		return cw_run(wfd, mfd, argv[4],
			      (unsigned)strtoul(argv[5], NULL, 10));
	}
	return cw_verify(wfd, mfd, argv[3], argv[4]);
}
