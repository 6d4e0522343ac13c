/* exec.c - the invocation broker: hidden nodes (/.esxmock), the shim served
 * at exec-open of watched nodes, the invoke channel (request, deferred
 * answer, end report) and remote invocations (docs/interpose.md). */
#include "exec_int.h"
#include "ops_int.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content.h"
#include "ops_int.h"
#include "rpc.h"

static int hidden_node(struct tree *t, struct tree_node *dir, const char *name,
		       mode_t mode, struct tree_node **out,
		       const struct timespec *ts)
{
	int rc = tree_node_create(t, name, mode, out);

	if (rc)
		return rc;
	(*out)->flags &= ~(uint32_t)TREE_F_NEW; /* never freed by forget */
	(*out)->atime = (*out)->mtime = (*out)->ctime = *ts;
	(*out)->nlink = S_ISDIR(mode) ? 2 : 1;
	if (dir)
		rc = tree_attach(t, dir, *out, name);
	return rc;
}

static void broker_drop(struct exec_broker *b)
{
	json_object_put(b->history);
	free(b->shim_path);
	free(b);
}

int exec_new(struct fsd *fsd, const char *shim, char *err, size_t errlen)
{
	struct exec_broker *b = calloc(1, sizeof(*b));
	struct stat st;
	int rc;

	if (!b)
		return -ENOMEM;
	b->fsd = fsd;
	b->shim_fd = -1;
	if (shim)
		b->shim_path = strdup(shim);
	else if (asprintf(&b->shim_path, "%s/mockbin/interpose",
			  fsd->cfg.shadow_root) < 0)
		b->shim_path = NULL;
	b->history = json_object_new_array();
	if (!b->shim_path || !b->history) {
		broker_drop(b);
		return -ENOMEM;
	}
	/* Without the shim, exec rules cannot be added (exec.add says so);
	 * everything else works. */
	b->shim_fd = open(b->shim_path, O_RDONLY | O_CLOEXEC);
	if (b->shim_fd >= 0 && fstat(b->shim_fd, &st) == 0)
		b->shim_size = (uint64_t)st.st_size;
	rc = hidden_node(fsd->tree, NULL, EXEC_HIDDEN_DIR, S_IFDIR | 0555,
			 &b->hidden, &fsd->start_time);
	if (!rc) {
		b->hidden->parent = TREE_ROOT_INO;
		rc = hidden_node(fsd->tree, b->hidden, "invoke", S_IFREG | 0666,
				 &b->invoke, &fsd->start_time);
	}
	if (!rc)
		rc = hidden_node(fsd->tree, b->hidden, "real", S_IFDIR | 0555,
				 &b->real, &fsd->start_time);
	if (rc) {
		snprintf(err, errlen, "exec: cannot create '/%s': %s",
			 EXEC_HIDDEN_DIR, strerror(-rc));
		if (b->shim_fd >= 0)
			close(b->shim_fd);
		broker_drop(b);
		return rc;
	}
	fsd->exec = b;
	/* image defaults: the manifest's "intercept": {"exec": [...]} */
	rc = exec_image_load(b, err, errlen);
	if (rc)
		exec_free(fsd);
	return rc;
}

static void inv_free(struct exec_inv *inv);

void exec_free(struct fsd *fsd)
{
	struct exec_broker *b = fsd->exec;
	struct exec_rule *r;
	struct exec_pid *p, *ptmp;
	struct exec_ino *e, *etmp;
	struct exec_inv *inv, *itmp;
	struct exec_follower *f;

	if (!b)
		return;
	HASH_ITER(hh, b->pending, inv, itmp)
	{
		HASH_DEL(b->pending, inv);
		if (inv->timer)
			event_free(inv->timer);
		inv->timer = NULL;
		inv->remote = false;
	}
	while ((r = b->rules)) {
		b->rules = r->next;
		exec_rule_free(r);
	}
	HASH_ITER(hh, b->pids, p, ptmp)
	{
		HASH_DEL(b->pids, p);
		free(p);
	}
	HASH_ITER(hh, b->watched, e, etmp)
	{
		HASH_DEL(b->watched, e);
		free(e);
	}
	while ((f = b->followers)) {
		b->followers = f->next;
		free(f); /* the rpc layer frees the subs with their sessions */
	}
	json_object_put(b->history);
	if (b->shim_fd >= 0)
		close(b->shim_fd);
	free(b->shim_path);
	free(b);
	fsd->exec = NULL;
}

struct tree_node *exec_hidden_lookup(struct fsd *fsd,
				     const struct tree_node *dir,
				     const char *name)
{
	struct exec_broker *b = fsd->exec;

	if (!b || !dir || dir->ino != TREE_ROOT_INO ||
	    strcmp(name, EXEC_HIDDEN_DIR))
		return NULL;
	return b->hidden;
}

static bool is_alias(const struct exec_broker *b, const struct tree_node *n)
{
	return n->parent == b->real->ino && n != b->real &&
	       !(n->flags & TREE_F_UNLINKED) && S_ISREG(n->mode);
}

static struct tree_node *alias_target(struct exec_broker *b,
				      const struct tree_node *n)
{
	return tree_get(b->fsd->tree, strtoull(n->name, NULL, 10));
}

struct tree_node *exec_alias(struct exec_broker *b, uint64_t target)
{
	struct tree_node *n = NULL;
	char name[32];

	snprintf(name, sizeof(name), "%llu", (unsigned long long)target);
	if (!tree_get(b->fsd->tree, target))
		return NULL;
	if (tree_lookup(b->fsd->tree, b->real, name, &n) &&
	    hidden_node(b->fsd->tree, b->real, name, S_IFREG | 0555, &n,
			&b->fsd->start_time))
		return NULL;
	/* stat shows the target's size; never cached, so always current */
	n->stat_min_size = tree_get(b->fsd->tree, target)->size;
	n->attr_timeout = n->entry_timeout = 0;
	return n;
}

/* ---- opens ----------------------------------------------------------------
 */

static struct fsd_fh *fh_new(fuse_req_t req, struct tree_node *n,
			     struct fuse_file_info *fi, enum exec_fh_kind kind)
{
	struct fsd_fh *fh = calloc(1, sizeof(*fh));
	struct exec_fh *x = calloc(1, sizeof(*x));
	struct fsd_caller c;

	if (!fh || !x) {
		free(fh);
		free(x);
		return NULL;
	}
	fsd_caller_of(req, &c);
	fh->fd = -1;
	fh->ino = n->ino;
	fh->flags = fi->flags;
	fh->exec = (fi->flags & FSD_OPEN_EXEC) != 0;
	fh->pid = c.pid;
	x->kind = kind;
	fh->xh = x;
	fi->fh = (uint64_t)(uintptr_t)fh;
	fi->noflush = 1;
	return fh;
}

static void remember_pid(struct exec_broker *b, pid_t pid, uint64_t ino)
{
	struct exec_pid *p, *tmp;

	HASH_FIND(hh, b->pids, &pid, sizeof(pid), p);
	if (!p) {
		if (b->n_pids >= EXEC_PIDS_MAX) { /* shims that never asked */
			HASH_ITER(hh, b->pids, p, tmp)
			{
				HASH_DEL(b->pids, p);
				free(p);
			}
			b->n_pids = 0;
		}
		if (!(p = calloc(1, sizeof(*p))))
			return;
		p->pid = pid;
		HASH_ADD(hh, b->pids, pid, sizeof(p->pid), p);
		b->n_pids++;
	}
	p->ino = ino;
}

static uint64_t take_pid(struct exec_broker *b, pid_t pid)
{
	struct exec_pid *p;
	uint64_t ino;

	HASH_FIND(hh, b->pids, &pid, sizeof(pid), p);
	if (!p)
		return 0;
	ino = p->ino;
	HASH_DEL(b->pids, p);
	free(p);
	b->n_pids--;
	return ino;
}

static int open_invoke(struct exec_broker *b, fuse_req_t req,
		       struct tree_node *n, struct fuse_file_info *fi)
{
	struct fsd_fh *fh = fh_new(req, n, fi, EXEC_FH_INVOKE);
	struct exec_inv *inv;
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	char path[4096];
	struct tree_node *t;

	if (!fh)
		return -ENOMEM;
	inv = calloc(1, sizeof(*inv));
	if (!inv) {
		free(fh->xh);
		free(fh);
		fi->fh = 0;
		return -ENOMEM;
	}
	inv->b = b;
	inv->id = ++b->next_inv;
	inv->pid = ctx->pid;
	inv->uid = ctx->uid;
	inv->gid = ctx->gid;
	inv->ino = take_pid(b, ctx->pid);
	clock_gettime(CLOCK_MONOTONIC, &inv->t0);
	clock_gettime(CLOCK_REALTIME, &inv->wall0);
	/* now, while the shim waits for its open (gone at its end report) */
	exec_log_comm(inv->pid, inv->comm, sizeof(inv->comm));
	t = inv->ino ? tree_get(b->fsd->tree, inv->ino) : NULL;
	if (t && tree_path(b->fsd->tree, t, path, sizeof(path)) == 0)
		inv->path = strdup(path);
	else
		inv->ino = 0;
	fh->xh->inv = inv;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fi->nonseekable = 1;
	return 0;
}

int exec_open(struct fsd *fsd, fuse_req_t req, struct tree_node *n,
	      struct fuse_file_info *fi)
{
	struct exec_broker *b = fsd->exec;
	struct fsd_fh *fh;
	struct tree_node *t;
	int rc = 0;

	if (!b || !n || !S_ISREG(n->mode))
		return 0;
	if (n == b->invoke) {
		rc = open_invoke(b, req, n, fi);
	} else if (is_alias(b, n)) {
		if (!(t = alias_target(b, n)) || !S_ISREG(t->mode)) {
			rc = -ENOENT;
		} else if (!(fh = fh_new(req, n, fi, EXEC_FH_ALIAS))) {
			rc = -ENOMEM;
		} else {
			fh->xh->target = t->ino;
			rc = content_fd_sync(fsd->state, t, &fh->fd,
					     &fh->fd_data);
			fi->keep_cache = !(t->flags & TREE_F_CONTENT_CHANGED);
			if (rc)
				ops_open_undo(fsd, fi);
		}
	} else if (!b->watched || !exec_watched(b, n->ino)) {
		return 0;
	} else if (fi->flags & FSD_OPEN_EXEC) {
		/* the shim in the node's place: only exec-opens fill the
		 * node's page cache while it is watched, so it may stay */
		if (!(fh = fh_new(req, n, fi, EXEC_FH_SHIM)))
			rc = -ENOMEM;
		else
			remember_pid(b, fh->pid, n->ino);
		fi->keep_cache = 1;
	} else {
		/* a plain open sees the real bytes, never through the page
		 * cache (which holds the shim's) */
		rc = ops_open_prepare(fsd, n, fi);
		if (!rc)
			rc = ops_fh_new(fsd, req, n, fi);
		if (!rc) {
			fh = (struct fsd_fh *)(uintptr_t)fi->fh;
			if (!(fh->xh = calloc(1, sizeof(*fh->xh)))) {
				ops_open_undo(fsd, fi);
				rc = -ENOMEM;
			} else {
				fh->xh->kind = EXEC_FH_DIRECT;
			}
		}
		fi->keep_cache = 0;
		fi->direct_io = 1;
	}
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return 1;
	}
	if (ops_reply_open(fsd, req, n, fi) == -ENOENT)
		ops_open_undo(fsd, fi);
	return 1;
}

/* ---- reads ------------------------------------------------------------------
 */

/* The answer is read sequentially (the shim's file position also counts
 * its writes, so the read offset is not used). */
static void reply_answer(struct fsd *fsd, fuse_req_t req, struct exec_inv *inv,
			 size_t size, off_t off)
{
	size_t o = inv->ans_pos;
	size_t n = inv->ans_len - o < size ? inv->ans_len - o : size;

	(void)off;
	inv->ans_pos += n;
	ops_reply_buf(fsd, req, inv->ans + o, n);
}

int exec_read(struct fsd *fsd, fuse_req_t req, struct tree_node *n,
	      struct fsd_fh *fh, size_t size, off_t off)
{
	struct exec_broker *b = fsd->exec;
	struct exec_inv *inv;
	struct tree_node *t;
	int rc;

	(void)n;
	if (!b || !fh || !fh->xh)
		return 0;
	switch (fh->xh->kind) {
	case EXEC_FH_SHIM: {
		struct fuse_bufvec bv = FUSE_BUFVEC_INIT(0);
		size_t len = 0;

		if (b->shim_fd >= 0 && (uint64_t)off < b->shim_size)
			len = b->shim_size - (uint64_t)off < size
				  ? (size_t)(b->shim_size - (uint64_t)off)
				  : size;
		if (!len) {
			ops_reply_buf(fsd, req, NULL, 0);
			return 1;
		}
		bv.buf[0].size = len;
		bv.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
		bv.buf[0].fd = b->shim_fd;
		bv.buf[0].pos = off;
		ops_reply_data(fsd, req, &bv);
		return 1;
	}
	case EXEC_FH_ALIAS:
		t = tree_get(fsd->tree, fh->xh->target);
		rc = t ? content_fd_sync(fsd->state, t, &fh->fd, &fh->fd_data)
		       : -ENOENT;
		if (rc) {
			ops_reply_err(fsd, req, rc);
		} else {
			struct content_span sp;

			content_span(t, fh->fd, off, size, &sp);
			ops_reply_span(fsd, req, &sp);
		}
		return 1;
	case EXEC_FH_INVOKE:
		inv = fh->xh->inv;
		if (inv->ready) {
			reply_answer(fsd, req, inv, size, off);
		} else if (inv->rd) {
			ops_reply_err(fsd, req, -EBUSY);
		} else {
			inv->rd = req;
			inv->rd_size = size;
			inv->rd_off = off;
			inv->rd_hr = hook_detach(fsd, req);
		}
		return 1;
	default:
		return 0;
	}
}

/* ---- the invocation ------------------------------------------------------ */

static void inv_send_pending(struct exec_inv *inv)
{
	struct fsd *fsd = inv->b->fsd;
	fuse_req_t rd = inv->rd;

	if (!rd || !inv->ready)
		return;
	inv->rd = NULL;
	hook_attach(fsd, inv->rd_hr);
	inv->rd_hr = NULL;
	reply_answer(fsd, rd, inv, inv->rd_size, inv->rd_off);
}

static void remote_done(struct exec_inv *inv)
{
	if (inv->timer) {
		event_free(inv->timer);
		inv->timer = NULL;
	}
	if (inv->remote)
		HASH_DEL(inv->b->pending, inv);
	inv->remote = false;
	json_object_put(inv->dflt);
	inv->dflt = NULL;
}

void exec_inv_answer(struct exec_inv *inv, json_object *ans)
{
	json_object *own = NULL;

	remote_done(inv);
	if (inv->image_ans) /* image defaults first, then the test's */
		ans = own = exec_image_compose(inv->image_ans, ans);
	if (!ans || exec_answer_build(inv->b, inv, ans)) {
		json_object *fb = json_object_new_object();

		json_object_object_add(fb, "style",
				       json_object_new_string("fail"));
		json_object_object_add(fb, "exit", json_object_new_int(126));
		json_object_object_add(
		    fb, "message",
		    json_object_new_string("esxmock: interpose: the answer "
					   "could not be built"));
		inv->style = NULL;
		exec_answer_build(inv->b, inv, fb);
		json_object_put(fb);
	}
	json_object_put(own);
	inv_send_pending(inv);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct exec_inv *inv = arg;
	json_object *d = json_object_get(inv->dflt);

	(void)fd;
	(void)what;
	exec_inv_answer(inv, d);
	json_object_put(d);
}

static json_object *inv_json(const struct exec_inv *inv)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id",
			       json_object_new_int64((int64_t)inv->id));
	json_object_object_add(
	    o, "path", json_object_new_string(inv->path ? inv->path : ""));
	json_object_object_foreach(inv->info, k, v)
	    json_object_object_add(o, k, json_object_get(v));
	json_object_object_add(o, "pid", json_object_new_int(inv->pid));
	json_object_object_add(o, "ppid", json_object_new_int(inv->ppid));
	json_object_object_add(o, "uid", json_object_new_int((int)inv->uid));
	json_object_object_add(o, "gid", json_object_new_int((int)inv->gid));
	if (inv->rule_id[0])
		json_object_object_add(o, "rule",
				       json_object_new_string(inv->rule_id));
	if (inv->image_id[0])
		json_object_object_add(o, "image_rule",
				       json_object_new_string(inv->image_id));
	return o;
}

static void start_remote(struct exec_inv *inv, json_object *ans)
{
	struct exec_broker *b = inv->b;
	struct exec_follower *f;
	json_object *v, *d;
	int64_t ms = EXEC_TIMEOUT_DEFAULT_MS;
	struct timeval tv;
	int sent = 0;

	if (json_object_object_get_ex(ans, "timeout_ms", &v))
		ms = json_object_get_int64(v);
	if (json_object_object_get_ex(ans, "default", &d))
		inv->dflt = json_object_get(d);
	else
		inv->dflt = json_tokener_parse("{\"style\":\"passthrough\"}");
	for (f = b->followers; f; f = f->next) {
		json_object *p = json_object_new_object();

		json_object_object_add(p, "invocation", inv_json(inv));
		if (rpc_sub_notify(f->sub, "invocation", p) == 0)
			sent++;
	}
	if (!sent) { /* nobody to ask: the default at once */
		on_timeout(-1, 0, inv);
		return;
	}
	inv->remote = true;
	HASH_ADD(hh, b->pending, id, sizeof(inv->id), inv);
	inv->timer = evtimer_new(b->fsd->base, on_timeout, inv);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (!inv->timer || evtimer_add(inv->timer, &tv))
		on_timeout(-1, 0, inv);
}

static void inv_decide(struct exec_inv *inv)
{
	struct exec_broker *b = inv->b;
	struct exec_rule *r, *img;
	json_object *ans, *v;

	if (exec_request_parse(inv) || !inv->ino) {
		ans = json_tokener_parse(
		    "{\"style\":\"fail\",\"exit\":126,\"message\":\"esxmock: "
		    "interpose: no exec of a watched program by this process "
		    "(run through the tree, not directly)\"}");
		exec_inv_answer(inv, ans);
		json_object_put(ans);
		return;
	}
	r = exec_rule_decide(b, inv);
	img = exec_rule_image(b, inv);
	if (r && img) { /* the test's rule on top of the image default */
		snprintf(inv->image_id, sizeof(inv->image_id), "%s", img->id);
		inv->image_ans = json_object_get(img->answer);
	} else if (img) {
		r = img;
		inv->rule_image = true;
	}
	if (r)
		snprintf(inv->rule_id, sizeof(inv->rule_id), "%s", r->id);
	ans = r ? json_object_get(r->answer)
		: json_tokener_parse("{\"style\":\"passthrough\"}");
	if (json_object_object_get_ex(ans, "style", &v) &&
	    !strcmp(json_object_get_string(v), "remote"))
		start_remote(inv, ans);
	else
		exec_inv_answer(inv, ans);
	json_object_put(ans);
}

void exec_inv_history(struct exec_broker *b, struct exec_inv *inv,
		      long long status, long long out_len, long long err_len,
		      const char *out, size_t out_n, const char *err,
		      size_t err_n)
{
	json_object *o = inv_json(inv);
	struct timespec now;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - inv->t0.tv_sec) * 1e3 +
	     (double)(now.tv_nsec - inv->t0.tv_nsec) / 1e6;
	json_object_object_del(o, "env");
	json_object_object_add(
	    o, "style",
	    json_object_new_string(inv->style ? inv->style : "none"));
	if (status >= 256)
		json_object_object_add(
		    o, "signal", json_object_new_int((int)(status - 256)));
	else if (status >= 0)
		json_object_object_add(o, "exit",
				       json_object_new_int((int)status));
	json_object_object_add(o, "stdout_bytes",
			       json_object_new_int64(out_len));
	json_object_object_add(o, "stderr_bytes",
			       json_object_new_int64(err_len));
	json_object_object_add(o, "duration_ms", json_object_new_double(ms));
	if (json_object_array_length(b->history) >= EXEC_HISTORY)
		json_object_array_del_idx(b->history, 0, 1);
	json_object_array_add(b->history, o);
	b->n_invocations++;
	exec_log_invoke(b, inv, status, out_len, err_len, out, out_n, err,
			err_n);
}

/* The shim's end report: "status" (exit code, or 256 + signal), "out" and
 * "err" (bytes written), "outdata"/"errdata" (their first bytes, when the
 * answer said "logout"), then "end". */
static void inv_report(struct exec_inv *inv, size_t from)
{
	long long status = -1, out = -1, err = -1;
	const char *d, *od = NULL, *ed = NULL;
	size_t pos = from, n, on = 0, en = 0;
	char tag[16], num[24];

	while (exec_wire_next(inv->req, inv->req_len, &pos, tag, sizeof(tag),
			      &d, &n) > 0) {
		snprintf(num, sizeof(num), "%.*s", (int)(n < 23 ? n : 23), d);
		if (!strcmp(tag, "outdata")) {
			od = d;
			on = n;
		} else if (!strcmp(tag, "errdata")) {
			ed = d;
			en = n;
		} else if (!strcmp(tag, "status"))
			status = strtoll(num, NULL, 10);
		else if (!strcmp(tag, "out"))
			out = strtoll(num, NULL, 10);
		else if (!strcmp(tag, "err"))
			err = strtoll(num, NULL, 10);
	}
	exec_inv_history(inv->b, inv, status, out, err, od, on, ed, en);
	inv->reported = true;
}

/* true when buf[from..len) holds whole records up to an "end" one; *end
 * is the offset after it. */
static bool has_end(const char *buf, size_t len, size_t from, size_t *end)
{
	size_t pos = from, n;
	const char *d;
	char tag[16];

	while (exec_wire_next(buf, len, &pos, tag, sizeof(tag), &d, &n) > 0)
		if (!strcmp(tag, "end")) {
			*end = pos;
			return true;
		}
	return false;
}

int exec_write(struct fsd *fsd, fuse_req_t req, struct fsd_fh *fh,
	       const char *buf, size_t size, off_t off)
{
	struct exec_inv *inv;
	size_t end;
	char *p;

	if (!fsd->exec || !fh || !fh->xh || fh->xh->kind != EXEC_FH_INVOKE)
		return 0;
	inv = fh->xh->inv;
	(void)off; /* nonseekable: appends */
	if (inv->req_len + size > EXEC_REQ_MAX) {
		ops_reply_err(fsd, req, -E2BIG);
		return 1;
	}
	p = realloc(inv->req, inv->req_len + size + 1);
	if (!p) {
		ops_reply_err(fsd, req, -ENOMEM);
		return 1;
	}
	inv->req = p;
	memcpy(inv->req + inv->req_len, buf, size);
	inv->req_len += size;
	ops_reply_write(fsd, req, size);
	if (!inv->req_done && has_end(inv->req, inv->req_len, 0, &end)) {
		inv->req_done = true;
		inv_decide(inv);
	} else if (inv->req_done && inv->ready && !inv->reported) {
		size_t first = 0;

		has_end(inv->req, inv->req_len, 0, &first);
		if (has_end(inv->req, inv->req_len, first, &end))
			inv_report(inv, first);
	}
	return 1;
}

static void inv_free(struct exec_inv *inv)
{
	remote_done(inv);
	json_object_put(inv->image_ans);
	json_object_put(inv->info);
	free(inv->req);
	free(inv->ans);
	free(inv->path);
	free(inv);
}

void exec_release(struct fsd *fsd, struct fsd_fh *fh)
{
	struct exec_inv *inv;

	if (!fh || !fh->xh)
		return;
	inv = fh->xh->inv;
	if (inv) {
		if (inv->rd) { /* the shim died waiting */
			hook_attach(fsd, inv->rd_hr);
			ops_reply_err(fsd, inv->rd, -EINTR);
			inv->rd = NULL;
		}
		if (inv->req_done && !inv->reported) /* no end report */
			exec_inv_history(fsd->exec, inv, -1, -1, -1, NULL, 0,
					 NULL, 0);
		inv_free(inv);
	}
	free(fh->xh);
	fh->xh = NULL;
}
