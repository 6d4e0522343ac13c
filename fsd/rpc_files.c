/* rpc_files.c - the files.* methods: the tree as the daemon serves it.
 * Owns path resolution for control requests (symlinks followed here, the
 * host interface never follows them) and the files.* handlers. */
#include "rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <json-c/json.h>

#include "b64.h"
#include "limits.h"
#include "limits_ctl.h"

#define FILES_MAX_SYMLINKS 40 /* as Linux: ELOOP beyond */

static const char *rpc_files_type(mode_t m)
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
	}
	return "unknown";
}

/* Appends "/comp" to the canonical path buf (length *len). */
static int rpc_files_push(char *buf, size_t *len, const char *comp, size_t clen)
{
	size_t at = *len == 1 ? 1 : *len + 1;

	if (at + clen >= LIMIT_PATH_MAX)
		return -ENAMETOOLONG;
	if (*len > 1)
		buf[*len] = '/';
	memcpy(buf + at, comp, clen);
	*len = at + clen;
	buf[*len] = '\0';
	return 0;
}

static void rpc_files_pop(char *buf, size_t *len)
{
	while (*len > 1 && buf[*len - 1] != '/')
		(*len)--;
	if (*len > 1)
		(*len)--;
	buf[*len] = '\0';
}

/* Resolves an absolute path to a canonical tree path: ".", ".." and
 * repeated slashes removed, every symlink followed but the last component
 * when !follow. out has LIMIT_PATH_MAX bytes; *fi describes out. */
static int rpc_files_resolve(const struct rpc_host *h, const char *path,
			     bool follow, char *out, struct rpc_file_info *fi)
{
	char *rest = malloc(LIMIT_PATH_MAX * 2), *tmp;
	size_t len = 1, n, restlen;
	int hops = 0, r = 0;
	const char *p;

	if (!rest)
		return -ENOMEM;
	if (path[0] != '/') {
		r = -EINVAL;
		goto out;
	}
	restlen = strlen(path);
	if (restlen >= LIMIT_PATH_MAX) {
		r = -ENAMETOOLONG;
		goto out;
	}
	memcpy(rest, path, restlen + 1);
	strcpy(out, "/");
	p = rest;
	for (;;) {
		const char *comp;
		bool last;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - comp);
		if (n > LIMIT_NAME_MAX) {
			r = -ENAMETOOLONG;
			goto out;
		}
		last = strspn(p, "/") == strlen(p);
		if (n == 1 && comp[0] == '.')
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			rpc_files_pop(out, &len);
			continue;
		}
		if ((r = rpc_files_push(out, &len, comp, n)) < 0)
			goto out;
		if (last && !follow)
			break;
		if ((r = h->stat(h->ctx, out, fi)) < 0)
			goto out;
		if (S_ISLNK(fi->st.st_mode)) {
			size_t tlen = fi->target ? strlen(fi->target) : 0;
			size_t plen = strlen(p);

			if (++hops > FILES_MAX_SYMLINKS) {
				r = -ELOOP;
				goto out;
			}
			if (!tlen) {
				r = -ENOENT;
				goto out;
			}
			if (tlen + plen + 2 >= LIMIT_PATH_MAX) {
				r = -ENAMETOOLONG;
				goto out;
			}
			/* rest becomes target + what followed the link */
			tmp = malloc(tlen + plen + 2);
			if (!tmp) {
				r = -ENOMEM;
				goto out;
			}
			memcpy(tmp, fi->target, tlen);
			tmp[tlen] = '/';
			memcpy(tmp + tlen + 1, p, plen + 1);
			memcpy(rest, tmp, tlen + plen + 2);
			free(tmp);
			p = rest;
			rpc_files_pop(out, &len);
			if (rest[0] == '/') {
				strcpy(out, "/");
				len = 1;
			}
			continue;
		}
		if (!last && !S_ISDIR(fi->st.st_mode)) {
			r = -ENOTDIR;
			goto out;
		}
	}
	r = h->stat(h->ctx, out, fi);
out:
	free(rest);
	return r;
}

static bool rpc_files_need(struct rpc_req *req, const struct rpc_host *h,
			   bool need_read, bool need_list, int *r)
{
	if (!h->stat || (need_read && !h->read) || (need_list && !h->list)) {
		*r = -ENOSYS;
		return false;
	}
	(void)req;
	return true;
}

static void rpc_files_time(struct json_object *o, const char *k,
			   const struct timespec *ts)
{
	char nk[32];

	json_object_object_add(o, k, json_object_new_int64(ts->tv_sec));
	snprintf(nk, sizeof(nk), "%s_nsec", k);
	json_object_object_add(o, nk, json_object_new_int64(ts->tv_nsec));
}

/* The members shared by files.stat and files.list entries. */
static void rpc_files_describe(struct json_object *o,
			       const struct rpc_file_info *fi, bool full)
{
	const struct stat *st = &fi->st;
	char mode[8];

	snprintf(mode, sizeof(mode), "%04o", (unsigned)(st->st_mode & 07777));
	json_object_object_add(
	    o, "type", json_object_new_string(rpc_files_type(st->st_mode)));
	json_object_object_add(o, "mode", json_object_new_string(mode));
	json_object_object_add(o, "uid", json_object_new_int64(st->st_uid));
	json_object_object_add(o, "gid", json_object_new_int64(st->st_gid));
	if (fi->user)
		json_object_object_add(o, "user",
				       json_object_new_string(fi->user));
	if (fi->group)
		json_object_object_add(o, "group",
				       json_object_new_string(fi->group));
	json_object_object_add(o, "size",
			       json_object_new_int64((int64_t)st->st_size));
	if (S_ISLNK(st->st_mode) && fi->target)
		json_object_object_add(o, "target",
				       json_object_new_string(fi->target));
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		json_object_object_add(
		    o, "rdev_major",
		    json_object_new_int64((int64_t)major(st->st_rdev)));
		json_object_object_add(
		    o, "rdev_minor",
		    json_object_new_int64((int64_t)minor(st->st_rdev)));
	}
	rpc_files_time(o, "mtime", &st->st_mtim);
	if (!full)
		return;
	json_object_object_add(o, "ino",
			       json_object_new_uint64((uint64_t)st->st_ino));
	json_object_object_add(o, "nlink",
			       json_object_new_int64((int64_t)st->st_nlink));
	rpc_files_time(o, "atime", &st->st_atim);
	rpc_files_time(o, "ctime", &st->st_ctim);
}

/* files.stat {path, follow=false} */
static int rpc_files_stat(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	const struct rpc_host *h = rpc_req_host(req);
	const char *path = rpc_param_str(params, "path", "");
	bool follow = rpc_param_bool(params, "follow", false);
	struct rpc_file_info fi;
	char real[LIMIT_PATH_MAX];
	struct json_object *o;
	int r;

	if (!rpc_files_need(req, h, false, false, &r))
		return r;
	if (path[0] != '/')
		return rpc_bad_param(req, "path", "must be absolute, not '%s'",
				     path);
	memset(&fi, 0, sizeof(fi));
	if ((r = rpc_files_resolve(h, path, follow, real, &fi)) < 0)
		return rpc_fail(req, r, path);
	if (!(o = json_object_new_object()))
		return -ENOMEM;
	json_object_object_add(o, "path", json_object_new_string(real));
	rpc_files_describe(o, &fi, true);
	*result = o;
	return 0;
}

/* "auto" sends text only when it reads as text: no control characters but
 * TAB, LF and CR (a binary that happens to be UTF-8 goes as base64, and
 * JSON escapes never blow a reply up sixfold). */
static bool rpc_files_plain(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 && p[i] != '\t' &&
		    p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

/* files.get {path, encoding="auto", offset=0, length, follow=true} */
static int rpc_files_get(struct rpc_req *req, struct json_object *params,
			 struct json_object **result)
{
	const struct rpc_host *h = rpc_req_host(req);
	const char *path = rpc_param_str(params, "path", "");
	const char *enc = rpc_param_str(params, "encoding", "auto");
	bool follow = rpc_param_bool(params, "follow", true);
	int64_t off = rpc_param_int(params, "offset", 0);
	int64_t want = rpc_param_int(params, "length", -1);
	struct rpc_file_info fi;
	char real[LIMIT_PATH_MAX];
	struct json_object *o, *data;
	uint64_t size, left;
	size_t len, got = 0, n;
	char *buf = NULL, *txt;
	bool text;
	int r;

	if (!rpc_files_need(req, h, true, false, &r))
		return r;
	if (path[0] != '/')
		return rpc_bad_param(req, "path", "must be absolute, not '%s'",
				     path);
	if (strcmp(enc, "auto") && strcmp(enc, "text") && strcmp(enc, "base64"))
		return rpc_bad_param(req, "encoding",
				     "must be 'auto', 'text' or 'base64', not "
				     "'%s'",
				     enc);
	if (off < 0)
		return rpc_bad_param(req, "offset", "must be >= 0");
	if (params && json_object_object_get_ex(params, "length", NULL) &&
	    (want < 0 || want > CTL_FILE_GET_MAX))
		return rpc_bad_param(req, "length", "must be 0..%d",
				     CTL_FILE_GET_MAX);
	memset(&fi, 0, sizeof(fi));
	if ((r = rpc_files_resolve(h, path, follow, real, &fi)) < 0)
		return rpc_fail(req, r, path);
	if (S_ISDIR(fi.st.st_mode))
		return rpc_fail(req, -EISDIR, real);
	if (!S_ISREG(fi.st.st_mode))
		return rpc_fail(req, -EINVAL, real);
	size = (uint64_t)fi.st.st_size;
	left = (uint64_t)off < size ? size - (uint64_t)off : 0;
	if (want < 0 && left > CTL_FILE_GET_MAX) {
		data = json_object_new_object();
		json_object_object_add(data, "size",
				       json_object_new_int64((int64_t)size));
		json_object_object_add(data, "limit",
				       json_object_new_int(CTL_FILE_GET_MAX));
		return rpc_fail_detail(req, -EFBIG, real, data);
	}
	len =
	    (size_t)(want < 0 || (uint64_t)want > left ? left : (uint64_t)want);
	if (len && !(buf = malloc(len)))
		return -ENOMEM;
	while (got < len) {
		r = h->read(h->ctx, real, (uint64_t)off + got, buf + got,
			    len - got, &n);
		if (r < 0) {
			free(buf);
			return rpc_fail(req, r, real);
		}
		if (!n)
			break; /* shrank under us: return what exists */
		got += n;
	}
	text = strcmp(enc, "base64") && rpc_utf8_check(buf, got) == got &&
	       (!strcmp(enc, "text") || rpc_files_plain(buf, got));
	if (!strcmp(enc, "text") && !text) {
		free(buf);
		return rpc_fail(req, -EILSEQ, real);
	}
	o = json_object_new_object();
	if (!o) {
		free(buf);
		return -ENOMEM;
	}
	json_object_object_add(o, "path", json_object_new_string(real));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)size));
	json_object_object_add(o, "offset", json_object_new_int64(off));
	json_object_object_add(o, "length",
			       json_object_new_int64((int64_t)got));
	json_object_object_add(
	    o, "eof", json_object_new_boolean((uint64_t)off + got >= size));
	json_object_object_add(
	    o, "encoding", json_object_new_string(text ? "text" : "base64"));
	if (text) {
		json_object_object_add(
		    o, "data",
		    json_object_new_string_len(buf ? buf : "", (int)got));
	} else {
		txt = b64_encode(buf, got, &n);
		if (!txt) {
			free(buf);
			json_object_put(o);
			return -ENOMEM;
		}
		json_object_object_add(o, "data",
				       json_object_new_string_len(txt, (int)n));
		free(txt);
	}
	free(buf);
	*result = o;
	return 0;
}

struct rpc_files_list_ctx {
	struct json_object *entries;
	int64_t skip, limit, total;
};

static int rpc_files_list_one(void *arg, const char *name,
			      const struct rpc_file_info *fi)
{
	struct rpc_files_list_ctx *c = arg;
	struct json_object *e;
	size_t nlen = strlen(name), blen;
	char *b;

	c->total++;
	if (c->total <= c->skip ||
	    (int64_t)json_object_array_length(c->entries) >= c->limit)
		return 0;
	if (!(e = json_object_new_object()))
		return -ENOMEM;
	if (rpc_utf8_check(name, nlen) == nlen) {
		json_object_object_add(e, "name", json_object_new_string(name));
	} else {
		/* names are bytes: not every one is text */
		b = b64_encode(name, nlen, &blen);
		if (!b) {
			json_object_put(e);
			return -ENOMEM;
		}
		json_object_object_add(
		    e, "name_base64", json_object_new_string_len(b, (int)blen));
		free(b);
	}
	rpc_files_describe(e, fi, false);
	json_object_array_add(c->entries, e);
	return 0;
}

/* files.list {path, offset=0, limit=CTL_LIST_DEFAULT, follow=true} */
static int rpc_files_list(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	const struct rpc_host *h = rpc_req_host(req);
	const char *path = rpc_param_str(params, "path", "");
	bool follow = rpc_param_bool(params, "follow", true);
	struct rpc_files_list_ctx c = {
	    .skip = rpc_param_int(params, "offset", 0),
	    .limit = rpc_param_int(params, "limit", CTL_LIST_DEFAULT),
	};
	struct rpc_file_info fi;
	char real[LIMIT_PATH_MAX];
	struct json_object *o;
	int r;

	if (!rpc_files_need(req, h, false, true, &r))
		return r;
	if (path[0] != '/')
		return rpc_bad_param(req, "path", "must be absolute, not '%s'",
				     path);
	if (c.skip < 0)
		return rpc_bad_param(req, "offset", "must be >= 0");
	if (c.limit < 0 || c.limit > CTL_LIST_MAX)
		return rpc_bad_param(req, "limit", "must be 0..%d",
				     CTL_LIST_MAX);
	memset(&fi, 0, sizeof(fi));
	if ((r = rpc_files_resolve(h, path, follow, real, &fi)) < 0)
		return rpc_fail(req, r, path);
	if (!S_ISDIR(fi.st.st_mode))
		return rpc_fail(req, -ENOTDIR, real);
	if (!(c.entries = json_object_new_array()))
		return -ENOMEM;
	if ((r = h->list(h->ctx, real, rpc_files_list_one, &c)) < 0) {
		json_object_put(c.entries);
		return rpc_fail(req, r, real);
	}
	if (!(o = json_object_new_object())) {
		json_object_put(c.entries);
		return -ENOMEM;
	}
	json_object_object_add(o, "path", json_object_new_string(real));
	json_object_object_add(o, "total", json_object_new_int64(c.total));
	json_object_object_add(o, "offset", json_object_new_int64(c.skip));
	json_object_object_add(
	    o, "truncated",
	    json_object_new_boolean(
		c.skip + (int64_t)json_object_array_length(c.entries) <
		c.total));
	json_object_object_add(o, "entries", c.entries);
	*result = o;
	return 0;
}

const struct rpc_method rpc_files_methods[] = {
    {.name = "files.get",
     .fn = rpc_files_get,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, true},
	     {"encoding", RPC_T_STRING, false},
	     {"offset", RPC_T_INT, false},
	     {"length", RPC_T_INT, false},
	     {"follow", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = "files.stat",
     .fn = rpc_files_stat,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, true},
	     {"follow", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = "files.list",
     .fn = rpc_files_list,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, true},
	     {"offset", RPC_T_INT, false},
	     {"limit", RPC_T_INT, false},
	     {"follow", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = NULL},
};
