/* hook.c - the pre-op hook every data-path handler calls first (fast path:
 * one branch when nothing is configured), the write filter and the read
 * transforms; the options and the life of struct hook. */
#include "hook_int.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "limits_rules.h"
#include "rpc.h"

/* ---- ops -------------------------------------------------------------------
 * fsd_op -> the op rules and the log name (-1: not hooked). setattr and
 * open are refined from their flags. */
static const signed char op_map[FSD_OP_COUNT] = {
    [FSD_OP_INIT] = -1,
    [FSD_OP_LOOKUP] = ICPT_OP_LOOKUP,
    [FSD_OP_FORGET] = -1,
    [FSD_OP_GETATTR] = ICPT_OP_GETATTR,
    [FSD_OP_SETATTR] = ICPT_OP_UTIMENS,
    [FSD_OP_READLINK] = ICPT_OP_READLINK,
    [FSD_OP_MKNOD] = ICPT_OP_MKNOD,
    [FSD_OP_MKDIR] = ICPT_OP_MKDIR,
    [FSD_OP_UNLINK] = ICPT_OP_UNLINK,
    [FSD_OP_RMDIR] = ICPT_OP_RMDIR,
    [FSD_OP_SYMLINK] = ICPT_OP_SYMLINK,
    [FSD_OP_RENAME] = ICPT_OP_RENAME,
    [FSD_OP_LINK] = ICPT_OP_LINK,
    [FSD_OP_OPEN] = ICPT_OP_OPEN,
    [FSD_OP_READ] = ICPT_OP_READ,
    [FSD_OP_WRITE] = ICPT_OP_WRITE,
    [FSD_OP_RELEASE] = ICPT_OP_RELEASE,
    [FSD_OP_FSYNC] = ICPT_OP_FSYNC,
    [FSD_OP_OPENDIR] = ICPT_OP_READDIR,
    [FSD_OP_READDIR] = ICPT_OP_READDIR,
    [FSD_OP_READDIRPLUS] = ICPT_OP_READDIR,
    [FSD_OP_RELEASEDIR] = ICPT_OP_RELEASE,
    [FSD_OP_FSYNCDIR] = ICPT_OP_FSYNC,
    [FSD_OP_STATFS] = ICPT_OP_STATFS,
    [FSD_OP_SETXATTR] = ICPT_OP_SETXATTR,
    [FSD_OP_GETXATTR] = ICPT_OP_GETXATTR,
    [FSD_OP_LISTXATTR] = ICPT_OP_LISTXATTR,
    [FSD_OP_REMOVEXATTR] = ICPT_OP_REMOVEXATTR,
    [FSD_OP_ACCESS] = ICPT_OP_ACCESS,
    [FSD_OP_CREATE] = ICPT_OP_CREATE,
    [FSD_OP_FALLOCATE] = ICPT_OP_FALLOCATE,
    [FSD_OP_COPY_FILE_RANGE] = ICPT_OP_WRITE,
};

/* The op of a, and every op it counts as; false when not hooked. */
static bool map_op(const struct hook_args *a, enum icpt_op *op, uint32_t *ops)
{
	int m = op_map[a->op];

	if (m < 0)
		return false;
	*op = (enum icpt_op)m;
	*ops = ICPT_BIT(m);
	if (a->op == FSD_OP_OPEN && (a->flags & FSD_OPEN_EXEC)) {
		*op = ICPT_OP_EXEC;
		*ops |= ICPT_BIT(ICPT_OP_EXEC);
	} else if (a->op == FSD_OP_SETATTR) {
		*ops = 0;
		if (a->flags & FUSE_SET_ATTR_SIZE)
			*ops |= ICPT_BIT(ICPT_OP_TRUNCATE);
		if (a->flags & FUSE_SET_ATTR_MODE)
			*ops |= ICPT_BIT(ICPT_OP_CHMOD);
		if (a->flags & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))
			*ops |= ICPT_BIT(ICPT_OP_CHOWN);
		if (a->flags & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
				FUSE_SET_ATTR_ATIME_NOW |
				FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME))
			*ops |= ICPT_BIT(ICPT_OP_UTIMENS);
		if (!*ops)
			*ops = ICPT_BIT(ICPT_OP_UTIMENS);
		*op = (enum icpt_op)__builtin_ctz(*ops);
	}
	return true;
}

/* Ops that make a name (their new node's watch is computed at the reply). */
static bool fsd_op_creates(enum fsd_op op)
{
	return op == FSD_OP_CREATE || op == FSD_OP_MKNOD ||
	       op == FSD_OP_MKDIR || op == FSD_OP_SYMLINK ||
	       op == FSD_OP_LINK || op == FSD_OP_RENAME;
}

static bool fsd_op_namespace(enum fsd_op op)
{
	switch (op) {
	case FSD_OP_LOOKUP:
	case FSD_OP_MKNOD:
	case FSD_OP_MKDIR:
	case FSD_OP_UNLINK:
	case FSD_OP_RMDIR:
	case FSD_OP_SYMLINK:
	case FSD_OP_RENAME:
	case FSD_OP_LINK:
	case FSD_OP_CREATE:
		return true;
	default:
		return false;
	}
}

/* "/a/b" of n, plus "/name" when name is given. 0 or -ENAMETOOLONG. */
static int node_path(const struct tree *t, const struct tree_node *n,
		     const char *name, char *buf, size_t len)
{
	size_t l;
	int rc = tree_path(t, n, buf, len);

	if (rc || !name)
		return rc;
	l = strlen(buf);
	if (l == 1)
		l = 0; /* "/" + name */
	if (l + 1 + strlen(name) + 1 > len)
		return -ENAMETOOLONG;
	buf[l] = '/';
	strcpy(buf + l + 1, name);
	return 0;
}

/* ---- the hook -------------------------------------------------------------
 */

void hook_update_active(struct hook *h)
{
	h->active = !icpt_empty(h->icpt) || h->n_logcfgs || h->cfg.log_all ||
		    h->cfg.log_exec;
}

/* A request the previous handler never answered through a wrapper:
 * log what is known and drop the context. */
static void hook_stale(struct hook *h)
{
	struct hook_req *hr = h->cur;

	h->cur = NULL;
	LOG_DEBUG(&h->fsd->log, "request %s '%s' left without a wrapped reply",
		  icpt_op_names[hr->op], hr->path ? hr->path : "");
	hook_req_free(hr);
}

/* The log config for the node ops act on (NULL: none). */
static const struct hook_logcfg *log_config(const struct hook *h,
					    const struct tree_node *t)
{
	const struct hook_watch *w = t ? hook_watch_of(h, t) : NULL;

	if (w && w->log)
		return w->log;
	return h->cfg.log_all ? &h->all_cfg : NULL;
}

static void join_rules(struct hook_req *hr)
{
	size_t i, len = 0, n;
	const char *id;

	hr->rules[0] = '\0';
	for (i = 0; i < hr->v.n_fired; i++) {
		id = icpt_rule_id(hr->v.fired[i]);
		n = strlen(id);
		if (len + n + 2 > sizeof(hr->rules))
			break;
		if (len)
			hr->rules[len++] = ',';
		memcpy(hr->rules + len, id, n + 1);
		len += n;
	}
}

static int hook_slow(struct fsd *fsd, fuse_req_t req, const struct hook_args *a)
{
	struct hook *h = fsd->hook;
	const struct tree_node *n = a->n, *target = n;
	struct tree_node *child = NULL;
	const struct hook_logcfg *lc;
	char path[LIMIT_PATH_MAX], path2[LIMIT_PATH_MAX];
	struct icpt_caller who;
	struct icpt_call c;
	struct icpt_verdict v;
	struct hook_req *hr;
	bool ns, eval, want_log, track;
	enum icpt_op op;
	uint32_t ops;
	int level;

	if (!map_op(a, &op, &ops))
		return 0;
	ns = fsd_op_namespace(a->op) && a->name;
	if (ns) {
		target = NULL;
		if (n && tree_lookup(fsd->tree, n, a->name, &child) == 0)
			target = child;
	}
	eval = !icpt_empty(h->icpt) &&
	       ((n && (n->flags & TREE_F_WATCHED)) ||
		(a->n2 && (a->n2->flags & TREE_F_WATCHED)) ||
		(ns && h->ns_always) || !n);
	lc = log_config(h, target);
	want_log = lc && lc->level > 0 && (lc->ops & ops);
	level = want_log ? lc->level : 0;
	if (op == ICPT_OP_EXEC && h->cfg.log_exec &&
	    !(lc && lc->level == 0 && lc != &h->all_cfg)) {
		want_log = true;
		if (!level)
			level = 1;
	}
	/* a new or moved name may be one a rule or a log config watches */
	track = fsd_op_creates(a->op) &&
		(!icpt_empty(h->icpt) || h->n_logcfgs || h->cfg.log_all);
	if (!eval && !want_log && !track)
		return 0;

	path[0] = path2[0] = '\0';
	if (n &&
	    node_path(fsd->tree, n, ns ? a->name : NULL, path, sizeof(path)))
		path[0] = '\0';
	if (a->n2 &&
	    node_path(fsd->tree, a->n2, a->name2, path2, sizeof(path2)))
		path2[0] = '\0';
	memset(&c, 0, sizeof(c));
	{
		struct fsd_caller fc;

		fsd_caller_of(req, &fc);
		who.pid = fc.pid;
		who.uid = fc.uid;
		who.gid = fc.gid;
		who.cache = h->callers;
	}
	c.op = op;
	c.ops = ops;
	c.path = path[0] ? path : NULL;
	c.path2 = path2[0] ? path2 : NULL;
	c.has_flags =
	    a->op == FSD_OP_OPEN || a->op == FSD_OP_CREATE ||
	    ((a->op == FSD_OP_READ || a->op == FSD_OP_WRITE) && a->fi);
	c.flags = a->flags;
	c.off = a->off;
	c.len = a->len;
	c.caller = &who;
	memset(&v, 0, sizeof(v));
	if (eval && c.path)
		icpt_eval(h->icpt, &c, icpt_now_ms(), &v);
	if (!v.n_fired && !want_log && !track)
		return 0;

	hr = calloc(1, sizeof(*hr));
	if (!hr)
		return v.err; /* the rules still apply, unlogged */
	hr->h = h;
	hr->req = req;
	hr->op = op;
	clock_gettime(CLOCK_MONOTONIC, &hr->mono);
	clock_gettime(CLOCK_REALTIME, &hr->wall);
	hr->path = c.path ? strdup(c.path) : NULL;
	hr->path2 = c.path2 ? strdup(c.path2) : NULL;
	hr->caller.pid = who.pid;
	hr->caller.uid = who.uid;
	hr->caller.gid = who.gid;
	hr->has_flags = c.has_flags;
	hr->flags = a->flags;
	hr->has_range =
	    a->op == FSD_OP_READ || a->op == FSD_OP_WRITE ||
	    a->op == FSD_OP_FALLOCATE ||
	    (a->op == FSD_OP_SETATTR && (a->flags & FUSE_SET_ATTR_SIZE));
	hr->off = a->off;
	hr->len = a->len;
	hr->ino = ns ? (child ? child->ino : 0) : (n ? n->ino : 0);
	hr->v = v;
	hr->bytes = -1;
	join_rules(hr);
	if (v.log && v.log_level > level)
		level = v.log_level;
	hr->log = want_log || v.n_fired;
	hr->log_level = level ? level : 1;
	hr->data_bytes = lc && lc->level == 2 ? lc->data_bytes : 0;
	if (v.log_data_bytes > hr->data_bytes)
		hr->data_bytes = v.log_data_bytes;
	if (hr->log_level >= 2 && !hr->data_bytes)
		hr->data_bytes = h->cfg.data_bytes;
	if (hr->log_level < 2)
		hr->data_bytes = 0;
	h->cur = hr;
	return v.err;
}

int fsd_hook(struct fsd *fsd, fuse_req_t req, enum fsd_op op,
	     const struct tree_node *n, const char *name)
{
	struct hook_args a = HOOK_ARGS(op, n, name);

	return fsd_hook_ex(fsd, req, &a);
}

int fsd_hook_ex(struct fsd *fsd, fuse_req_t req, const struct hook_args *a)
{
	struct hook *h = fsd->hook;

	fsd->stats.ops[a->op]++;
	if (!h || !h->active)
		return 0;
	if (h->cur)
		hook_stale(h);
	/* nothing watched here, no global logging, not an exec: done */
	if (a->n && !(a->n->flags & TREE_F_WATCHED) && !h->cfg.log_all &&
	    !(a->n2 && (a->n2->flags & TREE_F_WATCHED)) &&
	    !(a->op == FSD_OP_OPEN && (a->flags & FSD_OPEN_EXEC)) &&
	    !(h->ns_always && fsd_op_namespace(a->op)) &&
	    !fsd_op_creates(a->op))
		return 0;
	return hook_slow(fsd, req, a);
}

/* ---- data -------------------------------------------------------------------
 */

static struct hook_req *cur_of(struct fsd *fsd, fuse_req_t req)
{
	struct hook *h = fsd->hook;

	return h && h->cur && h->cur->req == req ? h->cur : NULL;
}

int hook_write_filter(struct fsd *fsd, fuse_req_t req, const char *buf,
		      size_t *len, off_t off)
{
	struct hook_req *hr = cur_of(fsd, req);
	int rc = 0;

	if (!hr)
		return 0;
	if (hr->v.filters_write)
		rc = icpt_write_filter(&hr->v, hr->path, buf, len,
				       (uint64_t)off);
	if (rc >= 0 && hr->data_bytes && !hr->data) {
		size_t n = *len < hr->data_bytes ? *len : hr->data_bytes;

		hr->data = malloc(n ? n : 1);
		if (hr->data) {
			memcpy(hr->data, buf, n);
			hr->data_len = n;
		}
	}
	return rc == ICPT_WRITE_DISCARD ? HOOK_WRITE_DISCARD : rc;
}

bool hook_read_rewrites(struct fsd *fsd, fuse_req_t req)
{
	struct hook_req *hr = cur_of(fsd, req);

	return hr && hr->v.rewrites_read;
}

int hook_read_build(struct fsd *fsd, fuse_req_t req, uint64_t file_size,
		    const char *stored, size_t stored_len, off_t off,
		    size_t size, char **out, size_t *out_len)
{
	struct hook_req *hr = cur_of(fsd, req);

	if (!hr || !hr->v.rewrites_read) {
		*out = malloc(stored_len ? stored_len : 1);
		if (!*out)
			return -ENOMEM;
		memcpy(*out, stored, stored_len);
		*out_len = stored_len;
		return 0;
	}
	return icpt_read_build(&hr->v, file_size, stored, stored_len,
			       (uint64_t)off, size, out, out_len);
}

struct hook_req *hook_detach(struct fsd *fsd, fuse_req_t req)
{
	struct hook_req *hr = cur_of(fsd, req);

	if (hr)
		fsd->hook->cur = NULL;
	return hr;
}

void hook_attach(struct fsd *fsd, struct hook_req *hr)
{
	if (fsd->hook) {
		if (fsd->hook->cur && fsd->hook->cur != hr)
			hook_stale(fsd->hook);
		fsd->hook->cur = hr;
	}
}

void hook_tree_changed(struct fsd *fsd)
{
	struct hook *h = fsd->hook;

	if (h && (!icpt_empty(h->icpt) || h->n_logcfgs || h->cfg.watch_all))
		hook_watch_all(h);
}

struct icpt *hook_icpt(struct fsd *fsd)
{
	return fsd->hook ? fsd->hook->icpt : NULL;
}

struct alog *hook_alog(struct fsd *fsd)
{
	return fsd->hook ? fsd->hook->alog : NULL;
}

size_t hook_counters(struct fsd *fsd, struct rpc_counter *out, size_t max)
{
	struct hook *h = fsd->hook;
	struct alog_stats st;
	uint64_t hits, reads;
	size_t n = 0, i;

	if (!h)
		return 0;
	alog_stats(h->alog, &st);
	caller_counts(h->callers, &hits, &reads);
	{
		const struct rpc_counter c[] = {
		    {"rules", icpt_count(h->icpt)},
		    {"rules_held", h->n_held},
		    {"rules_holds_skipped", h->skipped_holds},
		    {"rules_invalidations", h->invals},
		    {"log_events", st.last_seq},
		    {"log_kept", st.count},
		    {"log_dropped", st.dropped},
		    {"log_file_errors", st.file_errors},
		    {"caller_proc_reads", reads},
		};

		for (i = 0; i < sizeof(c) / sizeof(c[0]) && n < max; i++)
			out[n++] = c[i];
	}
	return n;
}

/* ---- options ----------------------------------------------------------------
 */

void hook_config_init(struct hook_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_exec = true;
}

void hook_usage(FILE *f)
{
	fprintf(
	    f,
	    "\nrules and access log (docs/rules.md):\n"
	    "      --access-log FILE   also append every access-log "
	    "event to FILE\n"
	    "                          (JSON lines)\n"
	    "      --access-log-all[=metadata|data]\n"
	    "                          log every operation esxfsd receives "
	    "(paths with\n"
	    "                          their own \"log\" section keep it; "
	    "the kernel\n"
	    "                          still caches: repeated lstats of a "
	    "path are\n"
	    "                          answered by the kernel, unlogged)\n"
	    "      --access-log-watch-all\n"
	    "                          like --access-log-all, and no kernel "
	    "caching:\n"
	    "                          every access of every path is logged "
	    "(slow)\n"
	    "      --access-log-ring N events kept in memory (default "
	    "%d)\n"
	    "      --access-log-data-bytes N\n"
	    "                          data level: bytes kept per read or "
	    "write\n"
	    "                          (default %d)\n"
	    "      --no-access-log-exec\n"
	    "                          do not log every execution (logged "
	    "by default)\n"
	    "      --no-intercept      no rules and no access log at all "
	    "(a baseline\n"
	    "                          for benchmarks; manifest sections "
	    "are ignored)\n",
	    ALOG_RING_DEFAULT, ALOG_DATA_DEFAULT);
}

/* Parses a size option value: 0 or -EINVAL. */
static int opt_size(const char *v, size_t min, size_t max, size_t *out)
{
	char *end;
	unsigned long long u;

	if (!v || !*v || *v == '-')
		return -EINVAL;
	errno = 0;
	u = strtoull(v, &end, 10);
	if (errno || *end || u < min || u > max)
		return -EINVAL;
	*out = (size_t)u;
	return 0;
}

enum {
	HOPT_FILE,
	HOPT_ALL,
	HOPT_RING,
	HOPT_DATA,
	HOPT_EXEC,
	HOPT_NO_EXEC,
	HOPT_OFF,
	HOPT_WATCH_ALL,
};

static const struct {
	const char *name;
	int id;
	int arg; /* 0 none, 1 required, 2 optional (only as --opt=VALUE) */
} hook_opts[] = {
    {"access-log", HOPT_FILE, 1},
    {"access-log-all", HOPT_ALL, 2},
    {"access-log-ring", HOPT_RING, 1},
    {"access-log-data-bytes", HOPT_DATA, 1},
    {"access-log-exec", HOPT_EXEC, 0},
    {"no-access-log-exec", HOPT_NO_EXEC, 0},
    {"no-intercept", HOPT_OFF, 0},
    {"access-log-watch-all", HOPT_WATCH_ALL, 0},
};

static int hook_opt(struct hook_config *cfg, int id, const char *name,
		    const char *v, char *err, size_t errlen)
{
	switch (id) {
	case HOPT_FILE:
		cfg->access_log = v;
		return 0;
	case HOPT_ALL:
		if (!v || !strcmp(v, "metadata"))
			cfg->log_all = 1;
		else if (!strcmp(v, "data"))
			cfg->log_all = 2;
		else
			goto bad;
		return 0;
	case HOPT_RING:
		if (opt_size(v, 1, ALOG_RING_MAX, &cfg->ring))
			goto bad;
		return 0;
	case HOPT_DATA:
		if (opt_size(v, 1, ALOG_DATA_MAX, &cfg->data_bytes))
			goto bad;
		return 0;
	case HOPT_EXEC:
		cfg->log_exec = true;
		return 0;
	case HOPT_NO_EXEC:
		cfg->log_exec = false;
		return 0;
	case HOPT_OFF:
		cfg->disabled = true;
		return 0;
	case HOPT_WATCH_ALL:
		cfg->watch_all = true;
		if (!cfg->log_all)
			cfg->log_all = 1;
		return 0;
	}
bad:
	snprintf(err, errlen, "bad value '%s' for --%s", v ? v : "", name);
	return -EINVAL;
}

int hook_take_args(struct hook_config *cfg, int *argc, char **argv, char *err,
		   size_t errlen)
{
	int i, out = 1, skip;
	size_t k, nl;
	const char *a, *v;

	for (i = 1; i < *argc; i++) {
		a = argv[i];
		if (!strcmp(a, "--")) { /* the rest is not ours */
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		skip = 0;
		k = sizeof(hook_opts) / sizeof(hook_opts[0]);
		if (a[0] == '-' && a[1] == '-')
			k = 0;
		for (; k < sizeof(hook_opts) / sizeof(hook_opts[0]); k++) {
			nl = strlen(hook_opts[k].name);
			if (strncmp(a + 2, hook_opts[k].name, nl) ||
			    (a[2 + nl] != '\0' && a[2 + nl] != '='))
				continue;
			v = a[2 + nl] == '=' ? a + 3 + nl : NULL;
			if (v && hook_opts[k].arg == 0) {
				snprintf(err, errlen,
					 "option '--%s' takes no value",
					 hook_opts[k].name);
				return -EINVAL;
			}
			if (!v && hook_opts[k].arg == 1) {
				if (i + 1 >= *argc) {
					snprintf(err, errlen,
						 "option '--%s' needs a value",
						 hook_opts[k].name);
					return -EINVAL;
				}
				v = argv[i + 1];
				skip = 1;
			}
			if (hook_opt(cfg, hook_opts[k].id, hook_opts[k].name, v,
				     err, errlen))
				return -EINVAL;
			break;
		}
		if (k < sizeof(hook_opts) / sizeof(hook_opts[0])) {
			i += skip;
			continue;
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

/* ---- life -------------------------------------------------------------------
 */

int hook_new(struct fsd *fsd, const struct hook_config *cfg, char *err,
	     size_t errlen)
{
	struct hook *h;
	int rc;

	if (cfg->disabled)
		return 0; /* fsd->hook NULL: every hook call only counts */
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h->fsd = fsd;
	h->cfg = *cfg;
	if (!h->cfg.data_bytes)
		h->cfg.data_bytes = ALOG_DATA_DEFAULT;
	h->all_cfg.level = cfg->log_all;
	h->all_cfg.ops = ICPT_OPS_ALL;
	h->all_cfg.data_bytes = h->cfg.data_bytes;
	h->icpt = icpt_new(fsd->base);
	h->alog = alog_new(cfg->ring);
	h->callers = caller_cache_new();
	fsd->hook = h;
	if (!h->icpt || !h->alog || !h->callers) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto fail;
	}
	if (cfg->access_log && (rc = alog_open_file(h->alog, cfg->access_log,
						    fsd->base, err, errlen)))
		goto fail;
	rc = hook_load_manifest(h, err, errlen);
	if (rc)
		goto fail;
	hook_update_active(h);
	return 0;
fail:
	hook_free(fsd);
	return rc;
}

void hook_stop(struct fsd *fsd)
{
	if (fsd->hook)
		hook_held_free_all(fsd->hook);
}

void hook_free(struct fsd *fsd)
{
	struct hook *h = fsd->hook;

	if (!h)
		return;
	if (h->cur)
		hook_stale(h);
	/* held replies are sent first (as planned), then the rules go */
	hook_held_free_all(h);
	icpt_free(h->icpt);
	alog_free(h->alog);
	caller_cache_free(h->callers);
	hook_watch_free(h);
	hook_logcfgs_free(h);
	free(h);
	fsd->hook = NULL;
}
