/* state_overlay.c - manifest.load: the daemon's manifest stack plus an
 * overlay, compared with the stack alone; what the overlay sets or deletes
 * is applied to the live tree through mutate.h. Owns that plan and its
 * rollback (a snapshot taken first, restored on a failure). */
#include "state_overlay.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "content.h"
#include "fsd.h"
#include "hook.h"
#include "limits.h"
#include "manifest.h"
#include "mutate.h"
#include "rpc.h"
#include "state.h"

/* Content bigger than this is refused (it is read into memory). */
#define OVL_CONTENT_MAX (64u << 20)

struct ovl {
	struct fsd *fsd;
	struct rpc_overlay *ov;
	const struct mf_manifest *base, *all;
	const char *layer; /* the overlay's origin string in all */
	void **bytes;      /* per entry of all: content read (REG) */
	size_t *lens;
};

static int ovl_fail(struct ovl *o, int rc, const char *path, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* Records the failure (message, tree path) and returns rc. */
static int ovl_fail(struct ovl *o, int rc, const char *path, const char *fmt,
		    ...)
{
	va_list ap;

	snprintf(o->ov->tree_path, sizeof(o->ov->tree_path), "%s", path);
	va_start(ap, fmt);
	vsnprintf(o->ov->message, sizeof(o->ov->message), fmt, ap);
	va_end(ap);
	return rc;
}

static bool ovl_same_content(const struct mf_content *a,
			     const struct mf_content *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case MF_SRC_INLINE:
		return a->len == b->len && !memcmp(a->data, b->data, a->len);
	case MF_SRC_FILE:
	case MF_SRC_SHADOW:
		return !strcmp(a->path, b->path);
	case MF_SRC_SPARSE:
		return a->size == b->size;
	default:
		return true;
	}
}

static bool ovl_str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Reads a "file" or "shadow" content source into memory. */
static int ovl_read_host(struct ovl *o, const struct mf_entry *e, void **out,
			 size_t *len)
{
	const struct fsd_config *cfg = &o->fsd->cfg;
	char host[LIMIT_PATH_MAX];
	struct stat st;
	ssize_t rd;
	size_t got = 0;
	char *buf;
	int fd;

	if (e->content.kind == MF_SRC_SHADOW)
		snprintf(host, sizeof(host), "%s%s", cfg->shadow_root,
			 e->content.path + strlen("/.shadow"));
	else if (e->content.path[0] != '/' && cfg->content_root)
		snprintf(host, sizeof(host), "%s/%s", cfg->content_root,
			 e->content.path);
	else
		snprintf(host, sizeof(host), "%s", e->content.path);
	fd = open(host, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rd = -errno;
		if (fd >= 0)
			close(fd);
		ovl_fail(o, 0, e->path, "'%.256s': content file '%.512s': %s",
			 e->path, host, strerror((int)-rd));
		return (int)rd;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > OVL_CONTENT_MAX) {
		close(fd);
		ovl_fail(o, 0, e->path, "'%.256s': content file '%.512s' is %s",
			 e->path, host,
			 S_ISREG(st.st_mode) ? "over 64 MiB"
					     : "not a regular file");
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size &&
	       (rd = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)rd;
	close(fd);
	*out = buf;
	*len = got;
	return 0;
}

/* Checks what cannot be applied and reads content, before any change. */
static int ovl_prepare(struct ovl *o)
{
	const struct mf_entry *e, *b;
	size_t i;
	int rc;

	for (i = 0; i < o->all->n_entries; i++) {
		e = &o->all->entries[i];
		if (e->origin != o->layer)
			continue;
		b = mf_find(o->base, e->path);
		if (!ovl_str_eq(e->log_json, b ? b->log_json : NULL) ||
		    !ovl_str_eq(e->intercept_json,
				b ? b->intercept_json : NULL))
			return ovl_fail(o, -EINVAL, e->path,
					"'%s': 'log' and 'intercept' sections "
					"are not applied by manifest.load "
					"(add rules with rules.add or "
					"exec.add)",
					e->path);
		if (e->type != MF_REG)
			continue;
		if (e->content.kind == MF_SRC_FILE ||
		    e->content.kind == MF_SRC_SHADOW) {
			rc = ovl_read_host(o, e, &o->bytes[i], &o->lens[i]);
			if (rc)
				return rc == -ENOMEM ? rc : -EINVAL;
		}
	}
	return 0;
}

static const struct mut_who ovl_root = {.uid = 0, .gid = 0, .behind = true};

static int ovl_rm(struct state *s, struct tree_node *dir, struct tree_node *n)
{
	char name[LIMIT_NAME_MAX + 1];
	int rc;

	if (S_ISDIR(n->mode)) {
		while (n->children)
			if ((rc = ovl_rm(s, n, n->children)))
				return rc;
		snprintf(name, sizeof(name), "%s", n->name);
		return mut_rmdir(s, &ovl_root, dir, name);
	}
	snprintf(name, sizeof(name), "%s", n->name);
	return mut_unlink(s, &ovl_root, dir, name);
}

/* Mode, owner, times and size as the entry says (what differs). */
static int ovl_attrs(struct ovl *o, const struct mf_entry *e,
		     struct tree_node *n, size_t len, bool *changed)
{
	struct mut_attr a;

	memset(&a, 0, sizeof(a));
	if (e->type != MF_LNK && (n->mode & 07777) != e->mode) {
		a.set |= MUT_SET_MODE;
		a.mode = e->mode;
	}
	if (n->uid != e->uid) {
		a.set |= MUT_SET_UID;
		a.uid = e->uid;
	}
	if (n->gid != e->gid) {
		a.set |= MUT_SET_GID;
		a.gid = e->gid;
	}
	if (e->type == MF_REG) {
		uint64_t want = e->content.kind == MF_SRC_SPARSE
				    ? e->content.size
				    : (e->has_size ? e->size : len);
		if (n->size != want) {
			a.set |= MUT_SET_SIZE;
			a.size = want;
		}
	}
	if (e->has_mtime && (n->mtime.tv_sec != e->mtime.tv_sec ||
			     n->mtime.tv_nsec != e->mtime.tv_nsec)) {
		a.set |= MUT_SET_MTIME;
		a.mtime = e->mtime;
	}
	if (!a.set)
		return 0;
	*changed = true;
	return mut_setattr(o->fsd->state, &ovl_root, n, &a);
}

static int ovl_make(struct ovl *o, const struct mf_entry *e, const void *data,
		    size_t len, struct tree_node **n)
{
	struct mut_who w = {.uid = e->uid, .gid = e->gid, .behind = true};
	char name[LIMIT_NAME_MAX + 1], parent[LIMIT_PATH_MAX], *slash;
	struct tree_node *dir;
	int rc;

	rc = mut_parent(o->fsd->tree, e->path, &dir, name);
	if (rc == -ENOENT) { /* a parent removed at run time */
		snprintf(parent, sizeof(parent), "%s", e->path);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			rc = mut_mkdirs(o->fsd->state, &ovl_root, parent, 0755);
		}
		if (!rc)
			rc = mut_parent(o->fsd->tree, e->path, &dir, name);
	}
	if (rc)
		return rc;
	if (e->type == MF_REG)
		return mut_put(o->fsd->state, &w, dir, name, data, len, e->mode,
			       n);
	return mut_make(o->fsd->state, &w, dir, name,
			tree_mode_of_type(e->type) |
			    (e->type == MF_LNK ? 0777 : e->mode),
			makedev(e->rdev_major, e->rdev_minor), e->target, n);
}

/* true when n holds exactly the len bytes at data (read from its data
 * file or its manifest content, as the FUSE read handler would). */
static bool ovl_same_bytes(struct ovl *o, const struct tree_node *n,
			   const void *data, size_t len)
{
	struct content_span sp;
	uint64_t fd_data = 0;
	size_t done = 0;
	bool same = true;
	char buf[65536];
	ssize_t rd;
	int fd = -1;

	if (n->size != len || !data || !len)
		return n->size == len && (!len || data);
	if (content_fd_sync(o->fsd->state, n, &fd, &fd_data) < 0)
		return false;
	while (same && done < len) {
		content_span(
		    n, fd, (off_t)done,
		    len - done < sizeof(buf) ? len - done : sizeof(buf), &sp);
		if (!sp.len)
			break;
		if (sp.mem) {
			same =
			    !memcmp(sp.mem, (const char *)data + done, sp.len);
			rd = (ssize_t)sp.len;
		} else if (sp.fd >= 0) {
			rd = pread(sp.fd, buf, sp.len, sp.off);
			same = rd > 0 && !memcmp(buf, (const char *)data + done,
						 (size_t)rd);
		} else { /* sparse: zeros */
			memset(buf, 0, sp.len);
			rd = (ssize_t)sp.len;
			same = !memcmp(buf, (const char *)data + done, sp.len);
		}
		if (rd <= 0)
			break;
		done += (size_t)rd;
	}
	if (fd >= 0)
		close(fd);
	return same && done == len;
}

/* One entry the overlay sets: the tree's node becomes what it says. */
static int ovl_apply(struct ovl *o, size_t i)
{
	const struct mf_entry *e = &o->all->entries[i];
	const struct mf_entry *b = mf_find(o->base, e->path);
	struct tree_node *n = NULL, *dir;
	const void *data = o->bytes[i];
	size_t len = o->lens[i];
	bool changed = false, same;
	int rc;

	if (e->type == MF_REG && e->content.kind == MF_SRC_INLINE) {
		data = e->content.data;
		len = e->content.len;
	}
	rc = mut_resolve(o->fsd->tree, e->path, false, &n);
	if (rc && rc != -ENOENT)
		return rc;
	if (n && strcmp(e->path, "/")) {
		same =
		    (n->mode & S_IFMT) == tree_mode_of_type(e->type) &&
		    (e->type != MF_LNK || ovl_str_eq(n->target, e->target)) &&
		    ((e->type != MF_CHR && e->type != MF_BLK) ||
		     n->rdev == makedev(e->rdev_major, e->rdev_minor));
		if (!same) {
			dir = tree_get(o->fsd->tree, n->parent);
			if (!dir)
				return -EIO;
			if ((rc = ovl_rm(o->fsd->state, dir, n)))
				return rc;
			n = NULL;
			o->ov->replaced++;
			o->ov->created--; /* counted once, as replaced */
		}
	}
	if (!n) {
		o->ov->created++;
		if ((rc = ovl_make(o, e, data, len, &n)))
			return rc;
		return ovl_attrs(o, e, n, len, &changed);
	}
	/* the same kind of node: its bytes when they differ from the
	 * overlay's (a node unchanged at run time holds the stack's content;
	 * a sparse file changed at run time is rewritten), then the
	 * attributes */
	if (e->type == MF_REG &&
	    (n->st ? e->content.kind == MF_SRC_SPARSE ||
			 !ovl_same_bytes(o, n, data, len)
		   : !b || b->type != MF_REG ||
			 !ovl_same_content(&b->content, &e->content))) {
		struct mut_who w = {
		    .uid = n->uid, .gid = n->gid, .behind = true};
		char name[LIMIT_NAME_MAX + 1];

		if (!(dir = tree_get(o->fsd->tree, n->parent)))
			return -EIO;
		snprintf(name, sizeof(name), "%s", n->name);
		if ((rc = mut_put(o->fsd->state, &w, dir, name, data, len,
				  e->mode, &n)))
			return rc;
		changed = true;
	}
	if ((rc = ovl_attrs(o, e, n, len, &changed)))
		return rc;
	if (changed)
		o->ov->modified++;
	return 0;
}

/* Paths of the stack the overlay deletes (not below another one). */
static int ovl_deletes(struct ovl *o)
{
	const char *last = NULL;
	struct tree_node *n, *dir;
	size_t i, ll = 0;
	int rc;

	for (i = 0; i < o->base->n_entries; i++) {
		const char *p = o->base->entries[i].path;

		if (mf_find(o->all, p))
			continue;
		if (last && !strncmp(p, last, ll) && p[ll] == '/')
			continue; /* below a path already removed */
		last = p;
		ll = strlen(p);
		rc = mut_resolve(o->fsd->tree, p, false, &n);
		if (rc == -ENOENT)
			continue; /* gone at run time already */
		if (rc)
			return ovl_fail(o, rc, p, "'%s': %s", p, strerror(-rc));
		if (!(dir = tree_get(o->fsd->tree, n->parent)))
			return -EIO;
		if ((rc = ovl_rm(o->fsd->state, dir, n)))
			return ovl_fail(o, rc, p, "'%s': cannot remove: %s", p,
					strerror(-rc));
		o->ov->removed++;
	}
	return 0;
}

static int ovl_run(struct ovl *o)
{
	size_t i;
	int rc;

	if ((rc = ovl_deletes(o)))
		return rc;
	for (i = 0; i < o->all->n_entries; i++) {
		if (o->all->entries[i].origin != o->layer)
			continue;
		if ((rc = ovl_apply(o, i)))
			return ovl_fail(o, rc, o->all->entries[i].path,
					"'%s': %s", o->all->entries[i].path,
					strerror(-rc));
	}
	return 0;
}

/* Applies the plan; on a failure the snapshot taken first comes back. */
static int ovl_commit(struct ovl *o)
{
	struct state *s = o->fsd->state;
	char snap[64];
	int rc, i;

	for (i = 0;; i++) {
		snprintf(snap, sizeof(snap), "manifest-load-%ld-%d",
			 (long)getpid(), i);
		rc = state_snapshot(s, snap);
		if (rc != -EEXIST)
			break;
	}
	if (rc)
		return ovl_fail(o, rc, "/",
				"cannot save the state before applying: %s",
				strerror(-rc));
	rc = ovl_run(o);
	if (rc && state_restore(s, snap))
		snprintf(o->ov->message + strlen(o->ov->message),
			 sizeof(o->ov->message) - strlen(o->ov->message),
			 " (and the rollback failed)");
	state_forget(s, snap);
	hook_tree_changed(o->fsd);
	return rc;
}

static int ovl_load_err(struct rpc_overlay *ov, int rc,
			const struct mf_error *err, const char *what)
{
	char buf[900];

	snprintf(ov->message, sizeof(ov->message), "%s%s", what,
		 mf_error_str(err, buf, sizeof(buf)));
	snprintf(ov->file, sizeof(ov->file), "%s", err->file);
	ov->line = err->line;
	ov->col = err->col;
	snprintf(ov->pointer, sizeof(ov->pointer), "%s", err->jpath);
	return rc == -ENOMEM ? rc : -EINVAL;
}

int fsd_overlay_load(void *ctx, struct rpc_overlay *ov)
{
	struct fsd *fsd = ctx;
	struct mf_source srcs[LIMIT_MANIFESTS + 1];
	struct mf_manifest *base = NULL, *all = NULL;
	struct mf_error err;
	struct ovl o;
	size_t i, n = fsd->cfg.n_stack;
	int rc;

	if (!fsd->state || !n)
		return -ENOSYS;
	for (i = 0; i < n; i++) {
		srcs[i] = fsd->cfg.stack[i];
		if (fsd->cfg.stack_paths[i])
			srcs[i].name = fsd->cfg.stack_paths[i];
	}
	srcs[n].name = ov->path ? ov->path : ov->name;
	srcs[n].buf = ov->path ? NULL : ov->text;
	srcs[n].len = ov->path ? 0 : ov->len;
	memset(&err, 0, sizeof(err));
	rc = mf_load(srcs, n + 1, &all, &err);
	if (rc)
		return ovl_load_err(ov, rc, &err, "");
	memset(&err, 0, sizeof(err));
	rc = mf_load(srcs, n, &base, &err);
	if (rc) {
		mf_manifest_free(all);
		return ovl_load_err(ov, rc, &err,
				    "the daemon's own manifests no longer "
				    "load: ");
	}
	memset(&o, 0, sizeof(o));
	o.fsd = fsd;
	o.ov = ov;
	o.base = base;
	o.all = all;
	o.layer = all->origins[all->n_origins - 1];
	o.bytes = calloc(all->n_entries + 1, sizeof(*o.bytes));
	o.lens = calloc(all->n_entries + 1, sizeof(*o.lens));
	if (!o.bytes || !o.lens)
		rc = -ENOMEM;
	if (!rc)
		rc = ovl_prepare(&o);
	if (!rc)
		rc = ovl_commit(&o);
	for (i = 0; o.bytes && i < all->n_entries; i++)
		free(o.bytes[i]);
	free(o.bytes);
	free(o.lens);
	mf_manifest_free(all);
	mf_manifest_free(base);
	return rc;
}
