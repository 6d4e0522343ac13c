/* hook_reply.c - the ops_reply_* wrappers: every FUSE reply of a data-path
 * op goes through here, so its result reaches the access log; a reply a
 * rule delays or hangs is copied and sent later from a timer callback
 * (never blocking the loop), or when rules.release lets it go. */
#include "hook_int.h"
#include "ops_int.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- sending --------------------------------------------------------------
 */

static int reply_send(fuse_req_t req, const struct hook_reply *r)
{
	switch (r->kind) {
	case HOOK_R_ERR:
		return fuse_reply_err(req, -r->err);
	case HOOK_R_ENTRY:
		return fuse_reply_entry(req, &r->e);
	case HOOK_R_ATTR:
		return fuse_reply_attr(req, &r->st, r->timeout);
	case HOOK_R_READLINK:
		return fuse_reply_readlink(req, r->buf);
	case HOOK_R_STATFS:
		return fuse_reply_statfs(req, &r->sv);
	case HOOK_R_XATTR:
		return fuse_reply_xattr(req, r->count);
	case HOOK_R_WRITE:
		return fuse_reply_write(req, r->count);
	case HOOK_R_BUF:
		return fuse_reply_buf(req, r->buf, r->size);
	case HOOK_R_DATA:
		return fuse_reply_data(req, r->bv, 0);
	case HOOK_R_OPEN:
		return fuse_reply_open(req, &r->fi);
	case HOOK_R_CREATE:
		return fuse_reply_create(req, &r->e, &r->fi);
	}
	return -EINVAL;
}

/* A reply that will never reach the kernel gives back what it handed
 * out: the handle of an open, the lookup reference of an entry. */
static void reply_undo(struct fsd *fsd, struct hook_reply *r)
{
	switch (r->kind) {
	case HOOK_R_OPEN:
		ops_open_undo(fsd, &r->fi);
		break;
	case HOOK_R_CREATE:
		ops_open_undo(fsd, &r->fi);
		if (r->e.ino)
			tree_forget(fsd->tree, r->e.ino, 1);
		break;
	case HOOK_R_ENTRY:
		if (r->e.ino)
			tree_forget(fsd->tree, r->e.ino, 1);
		break;
	default:
		break;
	}
}

/* ---- the end of a request ------------------------------------------------ */

static uint64_t elapsed_ns(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0->tv_sec) * 1000000000u +
	       (uint64_t)now.tv_nsec - (uint64_t)t0->tv_nsec;
}

static void log_event(struct hook_req *hr, int err)
{
	struct hook *h = hr->h;
	struct alog_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.mono = hr->mono;
	ev.wall = hr->wall;
	ev.op = hr->op;
	ev.path = hr->path;
	ev.path2 = hr->path2;
	ev.pid = hr->caller.pid;
	ev.uid = hr->caller.uid;
	ev.gid = hr->caller.gid;
	ev.process = caller_name(h->callers, hr->caller.pid);
	ev.has_flags = hr->has_flags;
	ev.flags = hr->flags;
	ev.has_range = hr->has_range;
	ev.off = hr->off;
	ev.len = hr->len;
	ev.bytes = err ? -1 : hr->bytes;
	ev.err = err < 0 ? -err : err;
	ev.rules = hr->rules[0] ? hr->rules : NULL;
	ev.duration_ns = elapsed_ns(&hr->mono);
	ev.data = hr->data;
	ev.data_len = hr->data_len;
	alog_append(h->alog, &ev);
	h->events++;
}

void hook_req_free(struct hook_req *hr)
{
	struct hook *h = hr->h;

	if (hr->hold_handle)
		icpt_hold_end(h->icpt, hr->hold_handle);
	if (hr->timer)
		event_free(hr->timer);
	if (hr->held) {
		if (hr->prev)
			hr->prev->next = hr->next;
		else
			h->held_first = hr->next;
		if (hr->next)
			hr->next->prev = hr->prev;
		h->n_held--;
	}
	free(hr->reply.owned);
	free(hr->path);
	free(hr->path2);
	free(hr->data);
	free(hr);
}

/* The answer went out (or was refused): log it, forget the request. */
static void finish(struct hook_req *hr, int err)
{
	if (hr->log)
		log_event(hr, err);
	if (hr->op == ICPT_OP_EXEC) /* the name changes with the program */
		caller_forget(hr->h->callers, hr->caller.pid);
	hook_req_free(hr);
}

/* ---- holding --------------------------------------------------------------
 */

static void ts_add_ms(struct timespec *t, uint64_t ms)
{
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

/* Milliseconds until t (0 when past). */
static uint64_t ms_until(const struct timespec *t)
{
	struct timespec now;
	int64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (int64_t)(t->tv_sec - now.tv_sec) * 1000000000 +
	     (t->tv_nsec - now.tv_nsec);
	return ns <= 0 ? 0 : (uint64_t)(ns + 999999) / 1000000;
}

static void arm(struct hook_req *hr, uint64_t ms)
{
	struct timeval tv = {(time_t)(ms / 1000),
			     (suseconds_t)(ms % 1000) * 1000};

	evtimer_add(hr->timer, &tv);
}

/* Sends the held reply (or the error that replaces it) and ends hr. */
static void held_send(struct hook_req *hr)
{
	struct fsd *fsd = hr->h->fsd;
	struct hook_reply *r = &hr->reply;
	int err = r->kind == HOOK_R_ERR ? r->err : 0, rc;

	if (hr->release_err) {
		if (r->kind != HOOK_R_ERR) { /* the planned answer is dropped */
			reply_undo(fsd, r);
			fsd->stats.errors++;
		}
		err = hr->release_err;
		rc = fuse_reply_err(hr->req, -err);
	} else {
		rc = reply_send(hr->req, r);
		if (rc < 0)
			reply_undo(fsd, r);
	}
	finish(hr, rc < 0 && !err ? -EINTR : err);
}

static void held_timer(evutil_socket_t fd, short what, void *arg)
{
	struct hook_req *hr = arg;
	uint64_t left;

	(void)fd;
	(void)what;
	if (hr->interrupted) {
		hr->release_err = -EINTR;
		held_send(hr);
		return;
	}
	if (hr->hang_wait) {
		/* the hang's timeout */
		icpt_hold_end(hr->h->icpt, hr->hold_handle);
		hr->hold_handle = 0;
		hr->hang_wait = false;
		if (hr->v.hang_timeout_err)
			hr->release_err = hr->v.hang_timeout_err;
	}
	left = ms_until(&hr->delay_until);
	if (left) {
		arm(hr, left);
		return;
	}
	held_send(hr);
}

/* rules.release (or the rule went away): err 0 = as planned. */
static void held_release(void *arg, int err)
{
	struct hook_req *hr = arg;

	hr->hold_handle = 0;
	hr->hang_wait = false;
	if (err)
		hr->release_err = err;
	/* answer from the loop, not from inside the engine's walk */
	event_active(hr->timer, EV_TIMEOUT, 0);
}

/* The caller got a signal: answer EINTR soon. Never reply from here:
 * libfuse holds the request's lock while calling this. */
static void held_interrupt(fuse_req_t req, void *arg)
{
	struct hook_req *hr = arg;

	(void)req;
	hr->interrupted = true;
	event_active(hr->timer, EV_TIMEOUT, 0);
}

/* Copies r into hr (it outlives the handler's buffers). */
static int hold_copy(struct hook_req *hr, const struct hook_reply *r)
{
	struct hook_reply *k = &hr->reply;

	*k = *r;
	k->owned = NULL;
	if (r->kind == HOOK_R_BUF || r->kind == HOOK_R_READLINK) {
		size_t n = r->kind == HOOK_R_BUF ? r->size : strlen(r->buf) + 1;

		k->owned = malloc(n ? n : 1);
		if (!k->owned)
			return -ENOMEM;
		if (n)
			memcpy(k->owned, r->buf, n);
		k->buf = k->owned;
	} else if (r->kind == HOOK_R_DATA) {
		size_t n = fuse_buf_size(r->bv);
		struct fuse_bufvec dst = FUSE_BUFVEC_INIT(n);
		ssize_t got;

		k->owned = malloc(n ? n : 1);
		if (!k->owned)
			return -ENOMEM;
		dst.buf[0].mem = k->owned;
		got = fuse_buf_copy(&dst, r->bv, 0);
		if (got < 0)
			return (int)got;
		k->kind = HOOK_R_BUF;
		k->buf = k->owned;
		k->size = (size_t)got;
		k->bv = NULL;
	}
	return 0;
}

/* Keeps the reply until the delay has passed and the hang is released. */
static int hold(struct hook_req *hr, const struct hook_reply *r)
{
	struct hook *h = hr->h;
	int rc;

	hr->timer = evtimer_new(h->fsd->base, held_timer, hr);
	if (!hr->timer)
		return -ENOMEM;
	if ((rc = hold_copy(hr, r)))
		return rc;
	hr->delay_until = hr->mono;
	ts_add_ms(&hr->delay_until, hr->v.delay_ms);
	if (hr->v.hang && hr->v.n_fired) {
		struct icpt_rule *by = NULL;
		size_t i;

		/* the hold belongs to the first rule that asked for it */
		for (i = 0; i < hr->v.n_fired && !by; i++)
			if (icpt_rule_hangs(hr->v.fired[i]))
				by = hr->v.fired[i];
		hr->hold_handle = icpt_hold(h->icpt, by ? by : hr->v.fired[0],
					    held_release, hr);
		hr->hang_wait = hr->hold_handle != 0;
	}
	hr->held = true;
	hr->next = h->held_first;
	if (h->held_first)
		h->held_first->prev = hr;
	h->held_first = hr;
	h->n_held++;
	if (hr->hang_wait)
		arm(hr, hr->v.hang_timeout_ms);
	else
		arm(hr, ms_until(&hr->delay_until));
	fuse_req_interrupt_func(hr->req, held_interrupt, hr);
	return 0;
}

void hook_held_free_all(struct hook *h)
{
	struct hook_req *hr;

	/* at shutdown every held op fails with EIO: an answer as planned
	 * would hand out handles nobody will ever release */
	while ((hr = h->held_first)) {
		hr->interrupted = false;
		hr->release_err = -EIO;
		held_send(hr);
	}
}

/* ---- the wrappers' common path --------------------------------------------
 */

/* Log data of a read: the first bytes of what the caller gets. */
static void keep_read_data(struct hook_req *hr, const struct hook_reply *r)
{
	size_t n;

	if (!hr->data_bytes || hr->data || hr->op != ICPT_OP_READ)
		return;
	if (r->kind == HOOK_R_BUF) {
		n = r->size < hr->data_bytes ? r->size : hr->data_bytes;
		if (!n)
			return;
		if ((hr->data = malloc(n))) {
			memcpy(hr->data, r->buf, n);
			hr->data_len = n;
		}
	} else if (r->kind == HOOK_R_DATA) {
		struct fuse_bufvec src = *r->bv, dst;
		ssize_t got;

		n = fuse_buf_size(r->bv);
		if (n > hr->data_bytes)
			n = hr->data_bytes;
		src.buf[0].size = n < src.buf[0].size ? n : src.buf[0].size;
		if (!(hr->data = malloc(n ? n : 1)))
			return;
		dst = (struct fuse_bufvec)FUSE_BUFVEC_INIT(n);
		dst.buf[0].mem = hr->data;
		got = fuse_buf_copy(&dst, &src, 0);
		hr->data_len = got > 0 ? (size_t)got : 0;
	}
}

static int64_t reply_bytes(const struct hook_reply *r)
{
	switch (r->kind) {
	case HOOK_R_BUF:
		return (int64_t)r->size;
	case HOOK_R_DATA:
		return (int64_t)fuse_buf_size(r->bv);
	case HOOK_R_WRITE:
		return (int64_t)r->count;
	default:
		return -1;
	}
}

/* A new name was made or moved: does a rule or the log watch it? */
static void new_entry(struct hook_req *hr, const struct hook_reply *r)
{
	struct tree_node *n;

	if (!hr->path || !(r->kind == HOOK_R_ENTRY || r->kind == HOOK_R_CREATE))
		return;
	if (hr->op == ICPT_OP_LOOKUP || !r->e.ino)
		return;
	n = tree_get(hr->h->fsd->tree, r->e.ino);
	if (n)
		hook_watch_node(hr->h, n, hr->path);
}

/* Reads and writes watched by a rule must each reach the daemon. */
static void open_flags(struct fsd *fsd, const struct tree_node *n,
		       struct fuse_file_info *fi)
{
	const struct hook_watch *w;

	if (!fsd->hook || !n || !(n->flags & TREE_F_WATCHED) ||
	    !(w = hook_watch_of(fsd->hook, n)))
		return;
	if ((w->ops & ICPT_OPS_DATA) ||
	    (w->log && w->log->level && (w->log->ops & ICPT_OPS_DATA))) {
		fi->keep_cache = 0;
		/* an exec maps the file: page cache, no direct_io */
		if (!(fi->flags & FSD_OPEN_EXEC) && !S_ISDIR(n->mode))
			fi->direct_io = 1;
	}
}

static int reply_out(struct fsd *fsd, fuse_req_t req, struct hook_reply *r)
{
	struct hook *h = fsd->hook;
	struct hook_req *hr;
	int rc;

	if (r->kind == HOOK_R_ERR && r->counted)
		fsd->stats.errors++;
	hr = h && h->cur && h->cur->req == req ? h->cur : NULL;
	if (hr)
		new_entry(hr, r);
	if (h && r->kind == HOOK_R_OPEN)
		open_flags(fsd, r->n, &r->fi);
	else if (h && r->kind == HOOK_R_CREATE)
		open_flags(fsd, tree_get(fsd->tree, r->e.ino), &r->fi);
	if (!hr)
		return reply_send(req, r);
	h->cur = NULL;
	if (r->kind != HOOK_R_ERR) {
		hr->bytes = reply_bytes(r);
		keep_read_data(hr, r);
	} else if (hr->op == ICPT_OP_RENAME && !r->err &&
		   !icpt_empty(h->icpt)) {
		/* a rename moves a subtree: paths changed */
		hook_watch_all(h);
	}
	if ((hr->v.delay_ms || hr->v.hang) && h->n_held < ICPT_HELD_MAX) {
		if (hold(hr, r) == 0)
			return 0;
		/* could not keep it: answer now */
	} else if (hr->v.delay_ms || hr->v.hang) {
		h->skipped_holds++;
	}
	rc = reply_send(req, r);
	finish(hr, r->kind == HOOK_R_ERR ? r->err : (rc < 0 ? -EINTR : 0));
	return rc;
}

/* ---- the wrappers
 * ------------------------------------------------------------ */

void ops_reply_err(struct fsd *fsd, fuse_req_t req, int err)
{
	struct hook_reply r = {
	    .kind = HOOK_R_ERR, .err = err, .counted = err < 0};

	reply_out(fsd, req, &r);
}

void ops_reply_status(struct fsd *fsd, fuse_req_t req, int err)
{
	struct hook_reply r = {.kind = HOOK_R_ERR, .err = err > 0 ? -err : err};

	reply_out(fsd, req, &r);
}

void ops_reply_entry(struct fsd *fsd, fuse_req_t req,
		     const struct fuse_entry_param *e)
{
	struct hook_reply r = {.kind = HOOK_R_ENTRY, .e = *e};

	if (reply_out(fsd, req, &r) < 0 && e->ino)
		tree_forget(fsd->tree, e->ino, 1);
}

void ops_reply_attr(struct fsd *fsd, fuse_req_t req, const struct stat *st,
		    double timeout)
{
	struct hook_reply r = {
	    .kind = HOOK_R_ATTR, .st = *st, .timeout = timeout};

	reply_out(fsd, req, &r);
}

void ops_reply_readlink(struct fsd *fsd, fuse_req_t req, const char *link)
{
	struct hook_reply r = {.kind = HOOK_R_READLINK, .buf = link};

	reply_out(fsd, req, &r);
}

void ops_reply_statfs(struct fsd *fsd, fuse_req_t req, const struct statvfs *sv)
{
	struct hook_reply r = {.kind = HOOK_R_STATFS, .sv = *sv};

	reply_out(fsd, req, &r);
}

void ops_reply_xattr(struct fsd *fsd, fuse_req_t req, size_t count)
{
	struct hook_reply r = {.kind = HOOK_R_XATTR, .count = count};

	reply_out(fsd, req, &r);
}

void ops_reply_write(struct fsd *fsd, fuse_req_t req, size_t count)
{
	struct hook_reply r = {.kind = HOOK_R_WRITE, .count = count};

	reply_out(fsd, req, &r);
}

void ops_reply_buf(struct fsd *fsd, fuse_req_t req, const char *buf,
		   size_t size)
{
	struct hook_reply r = {.kind = HOOK_R_BUF, .buf = buf, .size = size};

	reply_out(fsd, req, &r);
}

void ops_reply_data(struct fsd *fsd, fuse_req_t req, struct fuse_bufvec *bv)
{
	struct hook_reply r = {.kind = HOOK_R_DATA, .bv = bv};

	reply_out(fsd, req, &r);
}

int ops_reply_open(struct fsd *fsd, fuse_req_t req, const struct tree_node *n,
		   struct fuse_file_info *fi)
{
	struct hook_reply r = {.kind = HOOK_R_OPEN, .n = n, .fi = *fi};
	int rc = reply_out(fsd, req, &r);

	*fi = r.fi;
	return rc;
}

int ops_reply_create(struct fsd *fsd, fuse_req_t req,
		     const struct fuse_entry_param *e,
		     struct fuse_file_info *fi)
{
	struct hook_reply r = {.kind = HOOK_R_CREATE, .e = *e, .fi = *fi};
	int rc = reply_out(fsd, req, &r);

	*fi = r.fi;
	if (rc < 0 && e->ino)
		tree_forget(fsd->tree, e->ino, 1);
	return rc;
}
