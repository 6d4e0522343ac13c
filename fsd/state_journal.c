/* state_journal.c - journal lines: building, crc, parsing, folding by REF
 * (see state_journal.h). Owns the text format; knows nothing of the tree. */
#include "state_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "limits_state.h"

#define SJ_CRC_LEN 8 /* hex digits, then one space */

/* ---- building --------------------------------------------------------- */

void sj_line_init(struct sj_line *l)
{
	memset(l, 0, sizeof(*l));
}

void sj_line_release(struct sj_line *l)
{
	free(l->p);
	memset(l, 0, sizeof(*l));
}

static void sj_put(struct sj_line *l, const char *s, size_t n)
{
	if (l->oom)
		return;
	if (l->len + n + 2 > l->cap) {
		size_t cap = l->cap ? l->cap : 256;
		char *p;

		while (cap < l->len + n + 2)
			cap *= 2;
		p = realloc(l->p, cap);
		if (!p) {
			l->oom = true;
			return;
		}
		l->p = p;
		l->cap = cap;
	}
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

void sj_line_reset(struct sj_line *l)
{
	l->len = 0;
	l->nrec = 0;
	l->oom = false;
	sj_put(l, "00000000 ", SJ_CRC_LEN + 1);
}

void sj_line_rec(struct sj_line *l, const char *verb)
{
	if (l->len == 0)
		sj_line_reset(l);
	if (l->nrec++)
		sj_put(l, "\t", 1);
	sj_put(l, verb, strlen(verb));
}

static bool sj_must_escape(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '%' || c == '=' || c == ',';
}

static void sj_put_enc(struct sj_line *l, const char *val, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, start = 0;
	char esc[3];

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)val[i];

		if (!sj_must_escape(c))
			continue;
		sj_put(l, val + start, i - start);
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		sj_put(l, esc, 3);
		start = i + 1;
	}
	sj_put(l, val + start, len - start);
}

static void sj_put_key(struct sj_line *l, const char *key)
{
	sj_put(l, " ", 1);
	sj_put(l, key, strlen(key));
	sj_put(l, "=", 1);
}

void sj_line_str(struct sj_line *l, const char *key, const char *val,
		 size_t len)
{
	sj_put_key(l, key);
	sj_put_enc(l, val, len);
}

static void sj_put_num(struct sj_line *l, const char *key, const char *num,
		       int n)
{
	sj_put_key(l, key);
	sj_put(l, num, n > 0 ? (size_t)n : 0);
}

void sj_line_u64(struct sj_line *l, const char *key, uint64_t v)
{
	char num[32];

	sj_put_num(l, key, num,
		   snprintf(num, sizeof(num), "%llu", (unsigned long long)v));
}

void sj_line_oct(struct sj_line *l, const char *key, unsigned v)
{
	char num[32];

	sj_put_num(l, key, num, snprintf(num, sizeof(num), "%04o", v));
}

void sj_line_time(struct sj_line *l, const char *key, const struct timespec *ts)
{
	char num[64];

	sj_put_num(l, key, num,
		   snprintf(num, sizeof(num), "%llu.%09llu",
			    (unsigned long long)ts->tv_sec,
			    (unsigned long long)ts->tv_nsec));
}

void sj_line_rdev(struct sj_line *l, unsigned major, unsigned minor)
{
	char num[32];

	sj_put_num(l, "rdev", num,
		   snprintf(num, sizeof(num), "%u,%u", major, minor));
}

void sj_line_xattr(struct sj_line *l, const char *name, const char *val,
		   size_t len)
{
	sj_put_key(l, "x");
	sj_put_enc(l, name, strlen(name));
	sj_put(l, ",", 1);
	sj_put_enc(l, val, len);
}

int sj_line_end(struct sj_line *l, const char **out, size_t *outlen)
{
	char crc[SJ_CRC_LEN + 2];
	uLong c;

	*out = NULL;
	*outlen = 0;
	if (l->len == 0)
		sj_line_reset(l);
	if (l->oom)
		return -ENOMEM;
	if (l->len + 1 > STATE_LINE_MAX)
		return -E2BIG;
	c = crc32(0L, (const Bytef *)l->p + SJ_CRC_LEN + 1,
		  (uInt)(l->len - SJ_CRC_LEN - 1));
	snprintf(crc, sizeof(crc), "%08lx", c & 0xffffffffUL);
	memcpy(l->p, crc, SJ_CRC_LEN);
	l->p[l->len++] = '\n';
	*out = l->p;
	*outlen = l->len;
	return 0;
}

void sj_line_header(struct sj_line *l, uint64_t next)
{
	sj_line_rec(l, SJ_MAGIC);
	sj_line_u64(l, "v", SJ_VERSION);
	sj_line_u64(l, "next", next);
}

char sj_type_of(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return 'f';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	}
	return 0;
}

mode_t sj_mode_of(char type)
{
	switch (type) {
	case 'f':
		return S_IFREG;
	case 'd':
		return S_IFDIR;
	case 'l':
		return S_IFLNK;
	case 'c':
		return S_IFCHR;
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	case 's':
		return S_IFSOCK;
	}
	return 0;
}

void sj_line_put_rec(struct sj_line *l, const struct sj_rec *r)
{
	size_t i;

	if (r->del) {
		sj_line_rec(l, "del");
		sj_line_str(l, "ref", r->ref, strlen(r->ref));
		if (r->path)
			sj_line_str(l, "path", r->path, strlen(r->path));
		return;
	}
	sj_line_rec(l, "set");
	sj_line_str(l, "ref", r->ref, strlen(r->ref));
	sj_line_str(l, "parent", r->parent, strlen(r->parent));
	sj_line_str(l, "name", r->name, strlen(r->name));
	sj_put(l, " type=", 6);
	sj_put(l, &r->type, 1);
	sj_line_oct(l, "mode", (unsigned)r->mode);
	sj_line_u64(l, "uid", r->uid);
	sj_line_u64(l, "gid", r->gid);
	if (r->type == 'c' || r->type == 'b')
		sj_line_rdev(l, r->rdev_major, r->rdev_minor);
	sj_line_time(l, "atime", &r->atime);
	sj_line_time(l, "mtime", &r->mtime);
	sj_line_time(l, "ctime", &r->ctime);
	if (r->data)
		sj_line_u64(l, "data", r->data);
	if (r->target)
		sj_line_str(l, "target", r->target, strlen(r->target));
	if (r->link)
		sj_line_str(l, "link", r->link, strlen(r->link));
	for (i = 0; i < r->nx; i++)
		sj_line_xattr(l, r->x[i].name, r->x[i].value, r->x[i].len);
	if (r->path)
		sj_line_str(l, "path", r->path, strlen(r->path));
}

/* ---- parsing ---------------------------------------------------------- */

void sj_map_init(struct sj_map *m)
{
	memset(m, 0, sizeof(*m));
	m->next = 1;
}

void sj_rec_free(struct sj_rec *r)
{
	size_t i;

	if (!r)
		return;
	free(r->ref);
	free(r->parent);
	free(r->name);
	free(r->target);
	free(r->path);
	free(r->link);
	for (i = 0; i < r->nx; i++) {
		free(r->x[i].name);
		free(r->x[i].value);
	}
	free(r->x);
	free(r);
}

void sj_map_release(struct sj_map *m)
{
	struct sj_rec *r, *tmp;

	HASH_ITER(hh, m->recs, r, tmp)
	{
		HASH_DEL(m->recs, r);
		sj_rec_free(r);
	}
	sj_map_init(m);
}

static int sj_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into a new NUL-terminated string (*len bytes). */
static int sj_dec(const char *s, size_t n, char **out, size_t *len)
{
	char *d = malloc(n + 1);
	size_t i, j = 0;

	*out = NULL;
	if (!d)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n) {
				free(d);
				return -EINVAL;
			}
			hi = sj_hexval(s[i + 1]);
			lo = sj_hexval(s[i + 2]);
			if (hi < 0 || lo < 0) {
				free(d);
				return -EINVAL;
			}
			d[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			d[j++] = s[i];
		}
	}
	d[j] = '\0';
	if (len)
		*len = j;
	*out = d;
	return 0;
}

static int sj_num(const char *s, size_t n, int base, uint64_t *out)
{
	char buf[32], *end;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == '-' || buf[0] == '+' || buf[0] == ' ')
		return -EINVAL;
	errno = 0;
	*out = strtoull(buf, &end, base);
	return errno || *end ? -EINVAL : 0;
}

static int sj_pair(const char *s, size_t n, uint64_t *a, uint64_t *b, char sep)
{
	const char *p = memchr(s, sep, n);

	if (!p)
		return -EINVAL;
	if (sj_num(s, (size_t)(p - s), 10, a) ||
	    sj_num(p + 1, n - (size_t)(p - s) - 1, 10, b))
		return -EINVAL;
	return 0;
}

static int sj_time(const char *s, size_t n, struct timespec *ts)
{
	uint64_t sec, nsec;

	if (sj_pair(s, n, &sec, &nsec, '.') || nsec >= 1000000000ULL)
		return -EINVAL;
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = (long)nsec;
	return 0;
}

static int sj_add_xattr(struct sj_rec *r, const char *s, size_t n)
{
	const char *comma = memchr(s, ',', n);
	struct sj_xattr *x;
	int rc;

	if (!comma)
		return -EINVAL;
	x = realloc(r->x, (r->nx + 1) * sizeof(*x));
	if (!x)
		return -ENOMEM;
	r->x = x;
	x = &r->x[r->nx];
	memset(x, 0, sizeof(*x));
	rc = sj_dec(s, (size_t)(comma - s), &x->name, NULL);
	if (!rc)
		rc = sj_dec(comma + 1, n - (size_t)(comma - s) - 1, &x->value,
			    &x->len);
	if (rc) {
		free(x->name);
		free(x->value);
		return rc;
	}
	r->nx++;
	return 0;
}

/* Keeps m->next above every id: "#N" refs and data ids. */
static void sj_see_id(struct sj_map *m, uint64_t id)
{
	if (id >= m->next)
		m->next = id + 1;
}

static void sj_see_ref(struct sj_map *m, const char *ref)
{
	uint64_t id;

	if (ref && ref[0] == '#' && !sj_num(ref + 1, strlen(ref + 1), 10, &id))
		sj_see_id(m, id);
}

/* One key=value word of a set/del record. */
static int sj_field(struct sj_map *m, struct sj_rec *r, const char *k,
		    size_t kn, const char *v, size_t vn)
{
	uint64_t a, b;

#define SJ_IS(lit) (kn == sizeof(lit) - 1 && !memcmp(k, lit, kn))
	if (SJ_IS("ref"))
		return r->ref ? -EINVAL : sj_dec(v, vn, &r->ref, NULL);
	if (SJ_IS("parent"))
		return r->parent ? -EINVAL : sj_dec(v, vn, &r->parent, NULL);
	if (SJ_IS("name"))
		return r->name ? -EINVAL : sj_dec(v, vn, &r->name, NULL);
	if (SJ_IS("target"))
		return r->target ? -EINVAL : sj_dec(v, vn, &r->target, NULL);
	if (SJ_IS("path"))
		return r->path ? -EINVAL : sj_dec(v, vn, &r->path, NULL);
	if (SJ_IS("link"))
		return r->link ? -EINVAL : sj_dec(v, vn, &r->link, NULL);
	if (SJ_IS("type")) {
		if (vn != 1 || !sj_mode_of(v[0]))
			return -EINVAL;
		r->type = v[0];
		return 0;
	}
	if (SJ_IS("mode")) {
		if (sj_num(v, vn, 8, &a) || a > 07777)
			return -EINVAL;
		r->mode = (mode_t)a;
		return 0;
	}
	if (SJ_IS("uid") || SJ_IS("gid")) {
		if (sj_num(v, vn, 10, &a) || a > UINT32_MAX)
			return -EINVAL;
		if (k[0] == 'u')
			r->uid = (uid_t)a;
		else
			r->gid = (gid_t)a;
		return 0;
	}
	if (SJ_IS("rdev")) {
		if (sj_pair(v, vn, &a, &b, ',') || a > UINT32_MAX ||
		    b > UINT32_MAX)
			return -EINVAL;
		r->rdev_major = (unsigned)a;
		r->rdev_minor = (unsigned)b;
		return 0;
	}
	if (SJ_IS("atime"))
		return sj_time(v, vn, &r->atime);
	if (SJ_IS("mtime"))
		return sj_time(v, vn, &r->mtime);
	if (SJ_IS("ctime"))
		return sj_time(v, vn, &r->ctime);
	if (SJ_IS("data")) {
		if (sj_num(v, vn, 10, &a) || !a)
			return -EINVAL;
		r->data = a;
		sj_see_id(m, a);
		return 0;
	}
	if (SJ_IS("x"))
		return sj_add_xattr(r, v, vn);
#undef SJ_IS
	return -EINVAL; /* unknown key: written by a newer esxfsd? */
}

/* Parses one record (words separated by spaces) and folds it into m. */
static int sj_record(struct sj_map *m, const char *s, size_t n, size_t lineno,
		     bool first_line)
{
	const char *end = s + n, *w = s, *sp;
	struct sj_rec *r, *old;
	size_t wn;
	int rc = 0;
	bool del, hdr;

	sp = memchr(w, ' ', n);
	wn = sp ? (size_t)(sp - w) : n;
	hdr = wn == strlen(SJ_MAGIC) && !memcmp(w, SJ_MAGIC, wn);
	del = wn == 3 && !memcmp(w, "del", 3);
	if (hdr) {
		uint64_t v;

		if (!first_line)
			return -EINVAL;
		/* esxmock-state v=1 next=N */
		while (sp && sp < end) {
			const char *k = sp + 1, *eq, *we;

			sp = memchr(k, ' ', (size_t)(end - k));
			we = sp ? sp : end;
			eq = memchr(k, '=', (size_t)(we - k));
			if (!eq ||
			    sj_num(eq + 1, (size_t)(we - eq - 1), 10, &v))
				return -EINVAL;
			if (eq - k == 1 && k[0] == 'v' && v != SJ_VERSION)
				return -EPROTO;
			if (eq - k == 4 && !memcmp(k, "next", 4))
				sj_see_id(m, v ? v - 1 : 0);
		}
		return 0;
	}
	if (!del && !(wn == 3 && !memcmp(w, "set", 3)))
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->del = del;
	r->line = lineno;
	while (!rc && sp && sp < end) {
		const char *k = sp + 1, *eq, *we;

		sp = memchr(k, ' ', (size_t)(end - k));
		we = sp ? sp : end;
		eq = memchr(k, '=', (size_t)(we - k));
		if (!eq) {
			rc = -EINVAL;
			break;
		}
		rc = sj_field(m, r, k, (size_t)(eq - k), eq + 1,
			      (size_t)(we - eq - 1));
	}
	if (!rc &&
	    (!r->ref || !r->ref[0] || (r->ref[0] != '/' && r->ref[0] != '#')))
		rc = -EINVAL;
	/* the root's record has name "" and is its own parent */
	if (!rc && !del &&
	    (!r->parent || !r->name || !r->type ||
	     (!r->name[0] && strcmp(r->ref, "/")) || strchr(r->name, '/') ||
	     (r->type == 'l') != (r->target != NULL)))
		rc = -EINVAL;
	if (rc) {
		sj_rec_free(r);
		return rc;
	}
	sj_see_ref(m, r->ref);
	sj_see_ref(m, r->parent);
	HASH_FIND_STR(m->recs, r->ref, old);
	if (old) {
		HASH_DEL(m->recs, old);
		sj_rec_free(old);
	}
	if (del && r->ref[0] == '#') {
		sj_rec_free(r); /* made and removed at run time: nothing */
		return 0;
	}
	HASH_ADD_KEYPTR(hh, m->recs, r->ref, strlen(r->ref), r);
	return 0;
}

/* Checks a line's crc: true when "CRC " matches the rest. */
static bool sj_line_ok(const char *s, size_t n)
{
	char want[SJ_CRC_LEN + 1];
	uLong c;

	if (n < SJ_CRC_LEN + 2 || s[SJ_CRC_LEN] != ' ')
		return false;
	c = crc32(0L, (const Bytef *)s + SJ_CRC_LEN + 1,
		  (uInt)(n - SJ_CRC_LEN - 1));
	snprintf(want, sizeof(want), "%08lx", c & 0xffffffffUL);
	return !memcmp(want, s, SJ_CRC_LEN);
}

int sj_parse(const char *name, const char *buf, size_t len, struct sj_map *m,
	     char *err, size_t errlen)
{
	size_t off = 0, lineno = 0;
	int rc;

	m->torn = false;
	while (off < len) {
		const char *s = buf + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;
		const char *rec, *tab, *end = s + n;

		lineno++;
		if (!nl || n > STATE_LINE_MAX || !sj_line_ok(s, n)) {
			/* Damage. Only a torn tail is expected: nothing
			 * valid may follow. */
			size_t o2 = nl ? off + n + 1 : len;

			while (o2 < len) {
				const char *s2 = buf + o2;
				const char *nl2 = memchr(s2, '\n', len - o2);
				size_t n2 = nl2 ? (size_t)(nl2 - s2) : len - o2;

				if (nl2 && sj_line_ok(s2, n2)) {
					snprintf(err, errlen,
						 "%s: line %zu is damaged but "
						 "line(s) after it are intact "
						 "(not a torn tail)",
						 name, lineno);
					return -EINVAL;
				}
				o2 += n2 + 1;
			}
			m->torn = true;
			break;
		}
		if (lineno == 1 &&
		    (n < SJ_CRC_LEN + 1 + strlen(SJ_MAGIC) ||
		     memcmp(s + SJ_CRC_LEN + 1, SJ_MAGIC, strlen(SJ_MAGIC)))) {
			snprintf(err, errlen,
				 "%s: line 1: not an esxmock state journal "
				 "(no '%s' header)",
				 name, SJ_MAGIC);
			return -EINVAL;
		}
		rec = s + SJ_CRC_LEN + 1;
		while (rec < end) {
			tab = memchr(rec, '\t', (size_t)(end - rec));
			rc =
			    sj_record(m, rec, (size_t)((tab ? tab : end) - rec),
				      lineno, lineno == 1);
			if (rc) {
				snprintf(err, errlen, "%s: line %zu: %s", name,
					 lineno,
					 rc == -ENOMEM ? "out of memory"
					 : rc == -EPROTO
					     ? "journal version not supported"
					     : "malformed record");
				return rc == -EPROTO ? -EINVAL : rc;
			}
			rec = tab ? tab + 1 : end;
		}
		off += n + 1;
		m->lines++;
		m->good_len = (off_t)off;
	}
	return 0;
}

int sj_read(int dirfd, const char *path, struct sj_map *m, char *err,
	    size_t errlen)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int rc;

	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", path,
			 strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	rc = -ENOMEM;
	if (!buf)
		goto out;
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	rc = sj_parse(path, buf, got, m, err, errlen);
	free(buf);
	close(fd);
	return rc;
out:
	snprintf(err, errlen, "cannot read '%s': %s", path, strerror(-rc));
	free(buf);
	close(fd);
	return rc;
}
