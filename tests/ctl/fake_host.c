/* fake_host.c - an in-memory daemon for control-channel tests.
 * Owns the fake tree and the test.* methods (deferred replies, tickers). */
#include "fake_host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "rpc_codes.h"

#define FAKE_BIG_SIZE (5 * 1024 * 1024)
#define FAKE_MANY 50

struct fake_node {
	const char *path;
	mode_t mode; /* S_IF* | perms */
	const char *data;
	size_t len;
	uint64_t sparse; /* size of a file of zeros */
	const char *target;
	uid_t uid;
	dev_t rdev;
};

#define FAKE_CTRL_SIZE (2 * 1024 * 1024)

static unsigned char fake_bin[FAKE_BIN_LEN];
static char fake_ctrl[FAKE_CTRL_SIZE]; /* \x01 bytes: 6x larger as JSON text */
static char fake_many_names[FAKE_MANY][32];

void fake_host_bin(unsigned char *out)
{
	size_t i;

	for (i = 0; i < FAKE_BIN_LEN; i++)
		out[i] = (unsigned char)(i * 7 + 3);
	out[10] = 0;
	out[11] = 0xff;
}

#define T(s) s, sizeof(s) - 1
static struct fake_node fake_tree[] = {
    {"/", S_IFDIR | 0755, NULL, 0, 0, NULL, 0, 0},
    {"/bin", S_IFDIR | 0755, NULL, 0, 0, NULL, 0, 0},
    {"/bin/busybox", S_IFREG | 0755, (const char *)fake_bin, FAKE_BIN_LEN, 0,
     NULL, 0, 0},
    {"/bin/sh", S_IFLNK | 0777, NULL, 0, 0, "busybox", 0, 0},
    {"/bin/loop1", S_IFLNK | 0777, NULL, 0, 0, "loop2", 0, 0},
    {"/bin/loop2", S_IFLNK | 0777, NULL, 0, 0, "/bin/loop1", 0, 0},
    {"/big", S_IFREG | 0644, NULL, 0, FAKE_BIG_SIZE, NULL, 0, 0},
    {"/dev", S_IFDIR | 0755, NULL, 0, 0, NULL, 0, 0},
    {"/dev/null", S_IFCHR | 0666, NULL, 0, 0, NULL, 0, 0},
    {"/etc", S_IFDIR | 0755, NULL, 0, 0, NULL, 0, 0},
    {"/etc/ctrl", S_IFREG | 0644, fake_ctrl, FAKE_CTRL_SIZE, 0, NULL, 0, 0},
    {"/etc/latin1", S_IFREG | 0644, T("caf\xe9\n"), 0, NULL, 0, 0},
    {"/etc/motd", S_IFREG | 0644, T("Welcome to the esxmock fake host\n"), 0,
     NULL, 0, 0},
    {"/etc/quote\"and\\back", S_IFREG | 0644, T(""), 0, NULL, 0, 0},
    {"/etc/setuid", S_IFREG | 04755, T("#!/bin/sh\n"), 0, NULL, 0, 0},
    {"/etc/shadow", S_IFREG | 0400, T("root:*:19000:0:99999:7:::\n"), 0, NULL,
     0, 0},
    {"/etc/vmware", S_IFDIR | 0755, NULL, 0, 0, NULL, 0, 0},
    {"/etc/vmware/esx.conf", S_IFREG | 0644,
     T("/adv/Misc/HostName = \"esx01\"\n"), 0, NULL, 0, 0},
    {"/etc/zero", S_IFREG | 0644, T("a\0b"), 0, NULL, 0, 0},
    {"/locker", S_IFDIR | 01777, NULL, 0, 0, NULL, 0, 0},
    {"/locker/packages", S_IFDIR | 0755, NULL, 0, 0, NULL, 0, 0},
    {"/locker/packages/tools.txt", S_IFREG | 0644, T("vmtools\n"), 0, NULL, 0,
     0},
    {"/many", S_IFDIR | 0755, NULL, 0, 0, NULL, 0, 0},
    {"/odd", S_IFDIR | 0755, NULL, 0, 0, NULL, 0, 0},
    {"/odd/\xff\xfe", S_IFREG | 0644, T("x"), 0, NULL, 0, 0},
    {"/productLocker", S_IFLNK | 0777, NULL, 0, 0, "/locker/packages", 0, 0},
};
#undef T

static const size_t fake_n = sizeof(fake_tree) / sizeof(fake_tree[0]);

static const struct fake_node *fake_find(const char *path, size_t *idx)
{
	size_t i;

	for (i = 0; i < fake_n; i++)
		if (!strcmp(fake_tree[i].path, path)) {
			if (idx)
				*idx = i;
			return &fake_tree[i];
		}
	return NULL;
}

static void fake_info(const struct fake_node *n, size_t idx,
		      struct rpc_file_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	fi->st.st_mode = n->mode;
	fi->st.st_ino = idx + 1;
	fi->st.st_nlink = S_ISDIR(n->mode) ? 2 : 1;
	fi->st.st_uid = n->uid;
	fi->st.st_size = (off_t)(n->sparse          ? n->sparse
				 : S_ISLNK(n->mode) ? strlen(n->target)
						    : n->len);
	fi->st.st_mtim.tv_sec = 1700000000 + (time_t)idx;
	fi->st.st_mtim.tv_nsec = 123456789;
	fi->st.st_atim = fi->st.st_mtim;
	fi->st.st_ctim = fi->st.st_mtim;
	if (S_ISCHR(n->mode))
		fi->st.st_rdev = makedev(1, 3);
	fi->target = n->target;
	fi->user = "root";
	fi->group = "root";
}

/* Every path of the tree exists as listed; "many" children are generated. */
static int fake_stat(void *ctx, const char *path, struct rpc_file_info *fi)
{
	const struct fake_node *n;
	size_t idx, i;

	(void)ctx;
	if ((n = fake_find(path, &idx))) {
		fake_info(n, idx, fi);
		return 0;
	}
	for (i = 0; i < FAKE_MANY; i++)
		if (!strncmp(path, "/many/", 6) &&
		    !strcmp(path + 6, fake_many_names[i])) {
			static const struct fake_node f = {
			    "/many/x", S_IFREG | 0644, "", 0, 0, NULL, 0, 0};

			fake_info(&f, 1000 + i, fi);
			return 0;
		}
	/* a component that is a file makes the rest ENOTDIR */
	for (i = 0; i < fake_n; i++) {
		size_t l = strlen(fake_tree[i].path);

		if (l > 1 && !strncmp(path, fake_tree[i].path, l) &&
		    path[l] == '/' && !S_ISDIR(fake_tree[i].mode))
			return -ENOTDIR;
	}
	return -ENOENT;
}

static int fake_read(void *ctx, const char *path, uint64_t off, void *buf,
		     size_t len, size_t *got)
{
	const struct fake_node *n = fake_find(path, NULL);
	uint64_t size;

	(void)ctx;
	*got = 0;
	if (!n)
		return strncmp(path, "/many/", 6) ? -ENOENT : 0;
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode))
		return -EINVAL;
	size = n->sparse ? n->sparse : n->len;
	if (off >= size)
		return 0;
	if (len > size - off)
		len = (size_t)(size - off);
	if (len > 100000)
		len = 100000; /* short reads: callers must loop */
	if (n->sparse)
		memset(buf, 0, len);
	else
		memcpy(buf, n->data + off, len);
	*got = len;
	return 0;
}

static int fake_list(void *ctx, const char *path, rpc_list_fn *emit, void *arg)
{
	const struct fake_node *n = fake_find(path, NULL);
	struct rpc_file_info fi;
	size_t plen = strlen(path), i;
	int r;

	(void)ctx;
	if (!n)
		return -ENOENT;
	if (!S_ISDIR(n->mode))
		return -ENOTDIR;
	for (i = 0; i < fake_n; i++) {
		const char *p = fake_tree[i].path, *name;

		if (!strcmp(p, "/") || strncmp(p, path, plen) != 0)
			continue;
		name = p + plen + (plen > 1);
		if ((plen > 1 && p[plen] != '/') || strchr(name, '/') || !*name)
			continue;
		fake_info(&fake_tree[i], i, &fi);
		if ((r = emit(arg, name, &fi)))
			return r;
	}
	if (!strcmp(path, "/many"))
		for (i = 0; i < FAKE_MANY; i++) {
			static const struct fake_node f = {
			    "/many/x", S_IFREG | 0644, "", 0, 0, NULL, 0, 0};

			fake_info(&f, 1000 + i, &fi);
			if ((r = emit(arg, fake_many_names[i], &fi)))
				return r;
		}
	return 0;
}

static size_t fake_counters(void *ctx, struct rpc_counter *out, size_t max)
{
	struct fake_host *fh = ctx;
	const struct rpc_counter c[] = {
	    {"sleeps_done", fh->sleeps_done},
	    {"sleeps_cancelled", fh->sleeps_cancelled},
	    {"ticks_sent", fh->ticks_sent},
	    {"tickers_cancelled", fh->tickers_cancelled},
	    {"live", fh->live},
	};
	size_t n = sizeof(c) / sizeof(c[0]), i;

	for (i = 0; i < n && i < max; i++)
		out[i] = c[i];
	return i;
}

/* ---- test.sleep: a deferred reply ------------------------------------ */

struct fake_sleep {
	struct fake_host *fh;
	struct rpc_req *req;
	struct event *ev;
	int64_t ms, value;
	bool fail;
};

static void fake_sleep_end(struct fake_sleep *sl)
{
	sl->fh->live--;
	event_free(sl->ev);
	free(sl);
}

static void fake_sleep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_sleep *sl = arg;
	struct json_object *r;

	(void)fd;
	(void)what;
	sl->fh->sleeps_done++;
	if (sl->fail) {
		rpc_fail(sl->req, -ETIMEDOUT, "/sleep");
		rpc_req_fail(sl->req, -ETIMEDOUT);
	} else {
		r = json_object_new_object();
		json_object_object_add(r, "slept_ms",
				       json_object_new_int64(sl->ms));
		json_object_object_add(r, "value",
				       json_object_new_int64(sl->value));
		rpc_req_done(sl->req, r);
	}
	fake_sleep_end(sl);
}

static void fake_sleep_cancel(void *arg)
{
	struct fake_sleep *sl = arg;

	sl->fh->sleeps_cancelled++;
	fake_sleep_end(sl);
}

static int fake_m_sleep(struct rpc_req *req, struct json_object *params,
			struct json_object **result)
{
	struct fake_host *fh = rpc_req_host(req)->ctx;
	struct fake_sleep *sl;
	int64_t ms = rpc_param_int(params, "ms", 0);
	struct timeval tv;

	(void)result;
	if (ms < 0 || ms > 60000)
		return rpc_bad_param(req, "ms", "must be 0..60000");
	if (rpc_param_bool(params, "now", false)) {
		/* answered before the handler returns */
		int r = rpc_defer(req, NULL, NULL);

		fh->sleeps_done++;
		rpc_req_done(req, json_object_new_string("now"));
		return r;
	}
	if (!(sl = calloc(1, sizeof(*sl))))
		return -ENOMEM;
	sl->fh = fh;
	sl->req = req;
	sl->ms = ms;
	sl->value = rpc_param_int(params, "value", 0);
	sl->fail = rpc_param_bool(params, "fail", false);
	sl->ev = evtimer_new(fh->base, fake_sleep_cb, sl);
	if (!sl->ev) {
		free(sl);
		return -ENOMEM;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(sl->ev, &tv);
	fh->live++;
	return rpc_defer(req, fake_sleep_cancel, sl);
}

/* ---- test.ticker: notifications --------------------------------------- */

struct fake_ticker {
	struct fake_host *fh;
	struct rpc_sub *sub;
	struct event *ev;
	int64_t left, n, interval, pad;
};

static void fake_ticker_end(struct fake_ticker *t)
{
	t->fh->live--;
	event_free(t->ev);
	free(t);
}

static void fake_ticker_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_ticker *t = arg;
	struct json_object *p = json_object_new_object();
	struct timeval tv = {.tv_sec = t->interval / 1000,
			     .tv_usec = (t->interval % 1000) * 1000};
	char *pad;

	(void)fd;
	(void)what;
	json_object_object_add(p, "n", json_object_new_int64(t->n++));
	if (t->pad > 0 && (pad = malloc((size_t)t->pad))) {
		memset(pad, 'p', (size_t)t->pad);
		json_object_object_add(
		    p, "pad", json_object_new_string_len(pad, (int)t->pad));
		free(pad);
	}
	t->fh->ticks_sent++;
	if (rpc_sub_notify(t->sub, "test.tick", p) < 0 || --t->left <= 0) {
		/* done, or the client is being dropped: its session frees
		 * the sub and calls the cancel, unless we end it here */
		if (t->left <= 0) {
			rpc_sub_free(t->sub);
			fake_ticker_end(t);
		}
		return;
	}
	evtimer_add(t->ev, &tv);
}

static void fake_ticker_cancel(void *arg)
{
	struct fake_ticker *t = arg;

	t->fh->tickers_cancelled++;
	fake_ticker_end(t);
}

static int fake_m_ticker(struct rpc_req *req, struct json_object *params,
			 struct json_object **result)
{
	struct fake_host *fh = rpc_req_host(req)->ctx;
	struct fake_ticker *t;
	struct timeval tv = {0, 0};

	if (!(t = calloc(1, sizeof(*t))))
		return -ENOMEM;
	t->fh = fh;
	t->left = rpc_param_int(params, "count", 3);
	t->interval = rpc_param_int(params, "interval_ms", 0);
	t->pad = rpc_param_int(params, "pad", 0);
	if (t->left < 1 || t->interval < 0 || t->pad < 0 ||
	    t->pad > 1024 * 1024) {
		free(t);
		return rpc_bad_param(req, "count", "bad ticker parameters");
	}
	t->ev = evtimer_new(fh->base, fake_ticker_cb, t);
	t->sub = rpc_sub_new(req, fake_ticker_cancel, t);
	if (!t->ev || !t->sub) {
		if (t->ev)
			event_free(t->ev);
		rpc_sub_free(t->sub);
		free(t);
		return -ENOMEM;
	}
	fh->live++;
	evtimer_add(t->ev, &tv);
	*result = json_object_new_object();
	json_object_object_add(
	    *result, "subscription",
	    json_object_new_int64((int64_t)rpc_sub_id(t->sub)));
	return 0;
}

/* test.fail {errno: "ENOENT"...}: an error reply for any errno number. */
static int fake_m_fail(struct rpc_req *req, struct json_object *params,
		       struct json_object **result)
{
	int64_t e = rpc_param_int(params, "errno", EIO);

	(void)result;
	if (e <= 0 || e > 4095)
		return rpc_bad_param(req, "errno", "must be 1..4095");
	return rpc_fail(req, (int)-e, rpc_param_str(params, "path", NULL));
}

/* test.echo {value}: returns value (large replies, odd ids). */
static int fake_m_echo(struct rpc_req *req, struct json_object *params,
		       struct json_object **result)
{
	struct json_object *v;

	(void)req;
	if (!json_object_object_get_ex(params, "value", &v))
		v = NULL;
	*result = json_object_get(v);
	return 0;
}

const struct rpc_method fake_host_methods[] = {
    {.name = "test.sleep",
     .fn = fake_m_sleep,
     .params =
	 (const struct rpc_param[]){
	     {"ms", RPC_T_INT, true},
	     {"value", RPC_T_INT, false},
	     {"fail", RPC_T_BOOL, false},
	     {"now", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = "test.ticker",
     .fn = fake_m_ticker,
     .flags = RPC_STREAMS,
     .params =
	 (const struct rpc_param[]){
	     {"count", RPC_T_INT, false},
	     {"interval_ms", RPC_T_INT, false},
	     {"pad", RPC_T_INT, false},
	     {NULL, 0, false},
	 }},
    {.name = "test.fail",
     .fn = fake_m_fail,
     .params =
	 (const struct rpc_param[]){
	     {"errno", RPC_T_INT, true},
	     {"path", RPC_T_STRING, false},
	     {NULL, 0, false},
	 }},
    {.name = "test.echo",
     .fn = fake_m_echo,
     .params =
	 (const struct rpc_param[]){
	     {"value", RPC_T_ANY, false},
	     {NULL, 0, false},
	 }},
    {.name = NULL},
};

struct fake_host *fake_host_new(struct event_base *base)
{
	struct fake_host *fh = calloc(1, sizeof(*fh));
	size_t i;

	if (!fh)
		return NULL;
	fake_host_bin(fake_bin);
	memset(fake_ctrl, 1, sizeof(fake_ctrl));
	for (i = 0; i < FAKE_MANY; i++)
		snprintf(fake_many_names[i], sizeof(fake_many_names[i]),
			 "f%02zu", i);
	fh->base = base;
	fh->host.ctx = fh;
	fh->host.stat = fake_stat;
	fh->host.read = fake_read;
	fh->host.list = fake_list;
	fh->host.counters = fake_counters;
	return fh;
}

void fake_host_free(struct fake_host *fh)
{
	free(fh);
}
