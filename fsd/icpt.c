/* icpt.c - the rule set: op and errno names, adding, removing and listing
 * rules (an id index and an exact-path index), held requests, and which
 * nodes a rule watches. Evaluation is in icpt_eval.c. */
#include "icpt_int.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64.h"

const char *const icpt_op_names[ICPT_OP_COUNT] = {
    [ICPT_OP_LOOKUP] = "lookup",
    [ICPT_OP_GETATTR] = "getattr",
    [ICPT_OP_READLINK] = "readlink",
    [ICPT_OP_ACCESS] = "access",
    [ICPT_OP_STATFS] = "statfs",
    [ICPT_OP_OPEN] = "open",
    [ICPT_OP_EXEC] = "exec",
    [ICPT_OP_READ] = "read",
    [ICPT_OP_WRITE] = "write",
    [ICPT_OP_FLUSH] = "flush",
    [ICPT_OP_RELEASE] = "release",
    [ICPT_OP_FSYNC] = "fsync",
    [ICPT_OP_CREATE] = "create",
    [ICPT_OP_MKNOD] = "mknod",
    [ICPT_OP_MKDIR] = "mkdir",
    [ICPT_OP_SYMLINK] = "symlink",
    [ICPT_OP_LINK] = "link",
    [ICPT_OP_UNLINK] = "unlink",
    [ICPT_OP_RMDIR] = "rmdir",
    [ICPT_OP_RENAME] = "rename",
    [ICPT_OP_READDIR] = "readdir",
    [ICPT_OP_TRUNCATE] = "truncate",
    [ICPT_OP_CHMOD] = "chmod",
    [ICPT_OP_CHOWN] = "chown",
    [ICPT_OP_UTIMENS] = "utimens",
    [ICPT_OP_SETXATTR] = "setxattr",
    [ICPT_OP_GETXATTR] = "getxattr",
    [ICPT_OP_LISTXATTR] = "listxattr",
    [ICPT_OP_REMOVEXATTR] = "removexattr",
    [ICPT_OP_FALLOCATE] = "fallocate",
    [ICPT_OP_INVOKE] = "invoke",
};

static const struct {
	const char *name;
	uint32_t bits;
} op_groups[] = {
    {"all", ICPT_OPS_ALL},
    {"meta", ICPT_OPS_META},
    {"data", ICPT_OPS_DATA},
    {"namespace", ICPT_OPS_NAMESPACE & ~ICPT_BIT(ICPT_OP_LOOKUP)},
    {"setattr", ICPT_BIT(ICPT_OP_TRUNCATE) | ICPT_BIT(ICPT_OP_CHMOD) |
		    ICPT_BIT(ICPT_OP_CHOWN) | ICPT_BIT(ICPT_OP_UTIMENS)},
    {"xattr", ICPT_BIT(ICPT_OP_SETXATTR) | ICPT_BIT(ICPT_OP_GETXATTR) |
		  ICPT_BIT(ICPT_OP_LISTXATTR) | ICPT_BIT(ICPT_OP_REMOVEXATTR)},
    {"stat", ICPT_BIT(ICPT_OP_LOOKUP) | ICPT_BIT(ICPT_OP_GETATTR)},
};

int icpt_ops_parse(const char *name, uint32_t *bits)
{
	size_t i;

	for (i = 0; i < ICPT_OP_COUNT; i++) {
		if (!strcmp(icpt_op_names[i], name)) {
			*bits = ICPT_BIT(i);
			return 0;
		}
	}
	for (i = 0; i < sizeof(op_groups) / sizeof(op_groups[0]); i++) {
		if (!strcmp(op_groups[i].name, name)) {
			*bits = op_groups[i].bits;
			return 0;
		}
	}
	return -EINVAL;
}

int icpt_errno_parse(const char *name, int *err)
{
	const char *n;
	char *end;
	long v;
	int e;

	if (name[0] >= '0' && name[0] <= '9') {
		v = strtol(name, &end, 10);
		if (*end || v <= 0 || v > 4095)
			return -EINVAL;
		*err = (int)v;
		return 0;
	}
	for (e = 1; e < 4096; e++) {
		n = strerrorname_np(e);
		if (n && !strcmp(n, name)) {
			*err = e;
			return 0;
		}
	}
	return -EINVAL;
}

const char *icpt_errno_name(int err, char *buf, size_t n)
{
	const char *s = strerrorname_np(err < 0 ? -err : err);

	if (s)
		return s;
	snprintf(buf, n, "E%d", err < 0 ? -err : err);
	return buf;
}

uint64_t icpt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the set --------------------------------------------------------------
 */

struct icpt *icpt_new(struct event_base *base)
{
	struct icpt *ic = calloc(1, sizeof(*ic));

	if (!ic)
		return NULL;
	ic->base = base;
	ic->next_seq = 1;
	ic->next_auto_id = 1;
	ic->next_handle = 1;
	return ic;
}

static void changed(struct icpt *ic, const struct icpt_rule *added)
{
	if (ic->on_change)
		ic->on_change(ic->on_change_arg, added);
}

void icpt_on_change(struct icpt *ic,
		    void (*fn)(void *arg, const struct icpt_rule *added),
		    void *arg)
{
	ic->on_change = fn;
	ic->on_change_arg = arg;
}

int icpt_add(struct icpt *ic, struct icpt_rule *r, enum icpt_origin origin)
{
	struct icpt_rule *same;
	char id[32];

	if (ic->n_rules >= ICPT_RULES_MAX) {
		icpt_rule_free(r);
		return -ENOSPC;
	}
	while (!r->id) {
		snprintf(id, sizeof(id), "r%llu",
			 (unsigned long long)ic->next_auto_id++);
		if (icpt_find(ic, id))
			continue;
		if (!(r->id = strdup(id))) {
			icpt_rule_free(r);
			return -ENOMEM;
		}
	}
	if (icpt_find(ic, r->id)) {
		icpt_rule_free(r);
		return -EEXIST;
	}
	r->origin = origin;
	r->seq = ic->next_seq++;
	r->added_ms = icpt_now_ms();
	/* the same seed gives the same sequence: erand48 state from it */
	r->rng[0] = 0x330e;
	r->rng[1] = (unsigned short)(r->seed & 0xffff);
	r->rng[2] = (unsigned short)((r->seed >> 16) & 0xffff);
	r->rng[0] ^= (unsigned short)((r->seed >> 32) & 0xffff);
	HASH_ADD_KEYPTR(hh, ic->by_id, r->id, strlen(r->id), r);
	if (!r->hh.tbl) { /* no memory for the index: not added */
		icpt_rule_free(r);
		return -ENOMEM;
	}
	if (r->path_kind == ICPT_PATH_EXACT) {
		HASH_FIND(hh_path, ic->by_path, r->path, strlen(r->path), same);
		if (same) {
			while (same->next_same_path)
				same = same->next_same_path;
			same->next_same_path = r;
		} else {
			HASH_ADD_KEYPTR(hh_path, ic->by_path, r->path,
					strlen(r->path), r);
			if (!r->hh_path.tbl) {
				HASH_DELETE(hh, ic->by_id, r);
				icpt_rule_free(r);
				return -ENOMEM;
			}
		}
	} else {
		ic->n_nonexact++;
		r->ne_prev = ic->ne_last;
		if (ic->ne_last)
			ic->ne_last->ne_next = r;
		else
			ic->ne_first = r;
		ic->ne_last = r;
	}
	r->prev = ic->last;
	if (ic->last)
		ic->last->next = r;
	else
		ic->first = r;
	ic->last = r;
	ic->n_rules++;
	changed(ic, r);
	return 0;
}

/* Unlinks r from every index, ends its holds and waits, frees it. */
static void rule_drop(struct icpt *ic, struct icpt_rule *r)
{
	struct icpt_rule *head, *p;

	icpt_holds_rule_gone(ic, r);
	icpt_waiters_rule_gone(ic, r);
	HASH_DELETE(hh, ic->by_id, r);
	if (r->path_kind == ICPT_PATH_EXACT) {
		HASH_FIND(hh_path, ic->by_path, r->path, strlen(r->path), head);
		if (head == r) {
			HASH_DELETE(hh_path, ic->by_path, r);
			if (r->next_same_path)
				HASH_ADD_KEYPTR(hh_path, ic->by_path,
						r->next_same_path->path,
						strlen(r->path),
						r->next_same_path);
		} else {
			for (p = head; p && p->next_same_path != r;
			     p = p->next_same_path)
				;
			if (p)
				p->next_same_path = r->next_same_path;
		}
	} else {
		ic->n_nonexact--;
		if (r->ne_prev)
			r->ne_prev->ne_next = r->ne_next;
		else
			ic->ne_first = r->ne_next;
		if (r->ne_next)
			r->ne_next->ne_prev = r->ne_prev;
		else
			ic->ne_last = r->ne_prev;
	}
	if (r->prev)
		r->prev->next = r->next;
	else
		ic->first = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		ic->last = r->prev;
	ic->n_rules--;
	icpt_rule_free(r);
}

int icpt_remove(struct icpt *ic, const char *id)
{
	struct icpt_rule *r = icpt_find(ic, id);

	if (!r)
		return -ENOENT;
	rule_drop(ic, r);
	changed(ic, NULL);
	return 0;
}

size_t icpt_clear(struct icpt *ic, bool all)
{
	struct icpt_rule *r, *next;
	size_t n = 0;

	for (r = ic->first; r; r = next) {
		next = r->next;
		if (all || r->origin == ICPT_FROM_API) {
			rule_drop(ic, r);
			n++;
		}
	}
	if (n)
		changed(ic, NULL);
	return n;
}

void icpt_free(struct icpt *ic)
{
	struct icpt_rule *r, *next;
	struct icpt_hold_ent *h;

	if (!ic)
		return;
	/* held requests answer EIO; waiters hear the shutdown */
	while ((h = ic->holds_first)) {
		void (*fn)(void *, int) = h->release;
		void *arg = h->arg;

		icpt_hold_end(ic, h->handle);
		fn(arg, -EIO);
	}
	icpt_waiters_free(ic);
	/* the indexes' tables live in their head rules: clear them first */
	HASH_CLEAR(hh_path, ic->by_path);
	HASH_CLEAR(hh, ic->by_id);
	for (r = ic->first; r; r = next) {
		next = r->next;
		icpt_rule_free(r);
	}
	free(ic);
}

size_t icpt_count(const struct icpt *ic)
{
	return ic->n_rules;
}

bool icpt_empty(const struct icpt *ic)
{
	return !ic || ic->n_rules == 0;
}

struct icpt_rule *icpt_find(const struct icpt *ic, const char *id)
{
	struct icpt_rule *r;

	HASH_FIND(hh, ic->by_id, id, strlen(id), r);
	return r;
}

int icpt_each(const struct icpt *ic,
	      int (*fn)(void *arg, const struct icpt_rule *r), void *arg)
{
	const struct icpt_rule *r;
	int rc;

	for (r = ic->first; r; r = r->next)
		if ((rc = fn(arg, r)))
			return rc;
	return 0;
}

const char *icpt_rule_id(const struct icpt_rule *r)
{
	return r->id;
}

uint64_t icpt_rule_hits(const struct icpt_rule *r)
{
	return r->hits;
}

/* ---- listing --------------------------------------------------------------
 */

static int add_u64(struct json_object *o, const char *k, uint64_t v)
{
	struct json_object *n = json_object_new_int64((int64_t)v);

	if (!n || json_object_object_add(o, k, n)) {
		json_object_put(n);
		return -ENOMEM;
	}
	return 0;
}

struct json_object *icpt_rule_json(const struct icpt_rule *r)
{
	struct json_object *o = json_tokener_parse(r->spec), *id;

	if (!o)
		return NULL;
	id = json_object_new_string(r->id);
	if (!id || json_object_object_add(o, "id", id)) {
		json_object_put(id);
		goto fail;
	}
	/* "id" first in listings: move it by re-adding the others */
	{
		struct json_object *n = json_object_new_object();

		if (!n)
			goto fail;
		json_object_object_add(n, "id", json_object_get(id));
		json_object_object_foreach(o, k, v)
		{
			if (strcmp(k, "id"))
				json_object_object_add(n, k,
						       json_object_get(v));
		}
		json_object_put(o);
		o = n;
	}
	if (json_object_object_add(
		o, "origin",
		json_object_new_string(
		    r->origin == ICPT_FROM_MANIFEST ? "manifest" : "api")) ||
	    add_u64(o, "calls", r->calls) || add_u64(o, "hits", r->hits) ||
	    add_u64(o, "held", r->held))
		goto fail;
	if ((r->act_kinds & (1u << ICPT_A_CAPTURE)) &&
	    (add_u64(o, "captured_bytes", r->capture_total) ||
	     add_u64(o, "captured_writes", r->n_segs)))
		goto fail;
	if ((r->act_kinds & (1u << ICPT_A_FAIL_AFTER)) &&
	    add_u64(o, "written_bytes", r->written))
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

struct json_object *icpt_rule_capture_json(const struct icpt_rule *r,
					   bool with_data)
{
	struct json_object *o = json_object_new_object(), *segs, *s;
	char *b64;
	size_t i, n;

	if (!o)
		return NULL;
	segs = json_object_new_array();
	if (!segs || json_object_object_add(o, "writes", segs)) {
		json_object_put(segs);
		goto fail;
	}
	for (i = 0; i < r->n_segs; i++) {
		s = json_object_new_object();
		if (!s || json_object_array_add(segs, s)) {
			json_object_put(s);
			goto fail;
		}
		if (json_object_object_add(
			s, "path", json_object_new_string(r->segs[i].path)) ||
		    add_u64(s, "offset", r->segs[i].off) ||
		    add_u64(s, "length", r->segs[i].len))
			goto fail;
	}
	if (add_u64(o, "bytes", r->capture_total) ||
	    add_u64(o, "kept", r->capture_len) ||
	    json_object_object_add(
		o, "truncated",
		json_object_new_boolean(r->capture_total > r->capture_len)))
		goto fail;
	if (with_data) {
		b64 = b64_encode(r->capture ? r->capture : "", r->capture_len,
				 &n);
		if (!b64)
			goto fail;
		s = json_object_new_string_len(b64, (int)n);
		free(b64);
		if (!s || json_object_object_add(o, "data", s)) {
			json_object_put(s);
			goto fail;
		}
	}
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* ---- watching -------------------------------------------------------------
 */

bool icpt_rule_any_path(const struct icpt_rule *r)
{
	return r->path_kind == ICPT_PATH_ANY;
}

bool icpt_rule_is_regex(const struct icpt_rule *r)
{
	return r->path_kind == ICPT_PATH_REGEX;
}

bool icpt_rule_hangs(const struct icpt_rule *r)
{
	return (r->act_kinds & (1u << ICPT_A_HANG)) != 0;
}

uint32_t icpt_rule_ops(const struct icpt_rule *r)
{
	return r->ops;
}

const char *icpt_rule_exact_path(const struct icpt_rule *r)
{
	return r->path_kind == ICPT_PATH_EXACT ? r->path : NULL;
}

uint32_t icpt_watch_path(const struct icpt *ic, const char *path, bool is_dir,
			 bool *dir)
{
	const struct icpt_rule *r;
	uint32_t ops = 0;

	*dir = false;
	HASH_FIND(hh_path, ic->by_path, path, strlen(path), r);
	for (; r; r = r->next_same_path)
		ops |= r->ops;
	for (r = ic->ne_first; r; r = r->ne_next) {
		ops |= icpt_rule_watch(r, path);
		if (is_dir && !*dir)
			*dir = icpt_rule_watch_dir(r, path);
	}
	return ops;
}

void icpt_set_barrier(struct icpt *ic,
		      bool (*fn)(void *fn_arg, void (*done)(void *arg),
				 void *arg),
		      void *fn_arg)
{
	ic->barrier = fn;
	ic->barrier_arg = fn_arg;
}

bool icpt_barrier(struct icpt *ic, void (*done)(void *arg), void *arg)
{
	return ic->barrier && ic->barrier(ic->barrier_arg, done, arg);
}

static bool path_matches(const struct icpt_rule *r, const char *path)
{
	switch (r->path_kind) {
	case ICPT_PATH_ANY:
		return true;
	case ICPT_PATH_EXACT:
		return !strcmp(r->path, path);
	case ICPT_PATH_GLOB:
		return icpt_glob_match(&r->glob, path);
	case ICPT_PATH_REGEX:
		return regexec(&r->re, path, 0, NULL, 0) == 0;
	}
	return false;
}

uint32_t icpt_rule_watch(const struct icpt_rule *r, const char *path)
{
	return path_matches(r, path) ? r->ops : 0;
}

bool icpt_rule_watch_dir(const struct icpt_rule *r, const char *dir_path)
{
	size_t n;
	const char *slash;

	if (!(r->ops & ICPT_OPS_NAMESPACE))
		return false;
	switch (r->path_kind) {
	case ICPT_PATH_ANY:
		return true;
	case ICPT_PATH_EXACT:
		slash = strrchr(r->path, '/');
		n = (size_t)(slash - r->path);
		if (n == 0) /* a child of "/" */
			return !strcmp(dir_path, "/");
		return strlen(dir_path) == n && !strncmp(r->path, dir_path, n);
	case ICPT_PATH_GLOB:
		return icpt_glob_match_child_of(&r->glob, dir_path);
	case ICPT_PATH_REGEX:
		/* no way to know which names a regex wants: the directories
		 * holding a match are watched (hook.c) */
		return false;
	}
	return false;
}

/* ---- held requests --------------------------------------------------------
 */

uint64_t icpt_hold(struct icpt *ic, struct icpt_rule *r,
		   void (*release)(void *arg, int err), void *arg)
{
	struct icpt_hold_ent *h;

	if (ic->n_holds >= ICPT_HELD_MAX || !(h = calloc(1, sizeof(*h))))
		return 0;
	h->handle = ic->next_handle++;
	h->rule = r;
	h->release = release;
	h->arg = arg;
	h->prev = ic->holds_last;
	if (ic->holds_last)
		ic->holds_last->next = h;
	else
		ic->holds_first = h;
	ic->holds_last = h;
	ic->n_holds++;
	r->held++;
	return h->handle;
}

static void hold_unlink(struct icpt *ic, struct icpt_hold_ent *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		ic->holds_first = h->next;
	if (h->next)
		h->next->prev = h->prev;
	else
		ic->holds_last = h->prev;
	ic->n_holds--;
	if (h->rule)
		h->rule->held--;
	free(h);
}

void icpt_hold_end(struct icpt *ic, uint64_t handle)
{
	struct icpt_hold_ent *h;

	for (h = ic->holds_first; h; h = h->next) {
		if (h->handle == handle) {
			hold_unlink(ic, h);
			return;
		}
	}
}

int icpt_release(struct icpt *ic, const char *id, int err, size_t max)
{
	struct icpt_rule *r = NULL;
	struct icpt_hold_ent *h, *next;
	void (*fn)(void *, int);
	void *arg;
	int n = 0;

	if (id && !(r = icpt_find(ic, id)))
		return -ENOENT;
	for (h = ic->holds_first; h; h = next) {
		next = h->next;
		if (r && h->rule != r)
			continue;
		fn = h->release;
		arg = h->arg;
		hold_unlink(ic, h);
		n++;
		/* may end other holds: restart from the first */
		fn(arg, err);
		next = ic->holds_first;
		if (max && (size_t)n >= max)
			break;
	}
	return n;
}

size_t icpt_held(const struct icpt *ic)
{
	return ic->n_holds;
}

void icpt_holds_rule_gone(struct icpt *ic, struct icpt_rule *r)
{
	struct icpt_hold_ent *h, *next;
	void (*fn)(void *, int);
	void *arg;

	for (h = ic->holds_first; h; h = next) {
		next = h->next;
		if (h->rule != r)
			continue;
		fn = h->release;
		arg = h->arg;
		hold_unlink(ic, h);
		fn(arg, 0);
		next = ic->holds_first;
	}
}
