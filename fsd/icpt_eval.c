/* icpt_eval.c - evaluating rules against one op: match, trigger (with the
 * rule's own counters and seeded PRNG), the stacking of actions into a
 * verdict; then the read transforms and the write filter of that verdict.
 * The order and the conflicts are documented in docs/rules.md. */
#include "icpt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "caller.h"

static bool match_path(const struct icpt_rule *r, const struct icpt_call *c)
{
	switch (r->path_kind) {
	case ICPT_PATH_ANY:
		return true;
	case ICPT_PATH_EXACT:
		return !strcmp(r->path, c->path) ||
		       (c->path2 && !strcmp(r->path, c->path2));
	case ICPT_PATH_GLOB:
		return icpt_glob_match(&r->glob, c->path) ||
		       (c->path2 && icpt_glob_match(&r->glob, c->path2));
	case ICPT_PATH_REGEX:
		return regexec(&r->re, c->path, 0, NULL, 0) == 0 ||
		       (c->path2 && regexec(&r->re, c->path2, 0, NULL, 0) == 0);
	}
	return false;
}

static bool match_flags(const struct icpt_rule *r, const struct icpt_call *c)
{
	int acc;

	if (!r->has_flags)
		return true;
	if (!c->has_flags)
		return false;
	if ((c->flags & r->flags.flags_set) != r->flags.flags_set)
		return false;
	acc = c->flags & O_ACCMODE;
	if (r->flags.acc_modes &&
	    (acc > O_RDWR || !(r->flags.acc_modes & (1u << acc))))
		return false;
	return true;
}

/* Cheap conditions first; the process name and executable (a /proc read
 * on a cache miss) last. */
static bool match_rule(const struct icpt_rule *r, const struct icpt_call *c)
{
	const struct icpt_caller *who = c->caller;
	const char *s;

	if (!(r->ops & c->ops))
		return false;
	if (!match_flags(r, c))
		return false;
	if (r->has_pid && (!who || who->pid != r->pid))
		return false;
	if (r->has_uid && (!who || who->uid != r->uid))
		return false;
	if (r->has_gid && (!who || who->gid != r->gid))
		return false;
	if (!match_path(r, c))
		return false;
	if (r->process) {
		s = who ? caller_name(who->cache, who->pid) : NULL;
		if (!s || fnmatch(r->process, s, 0) != 0)
			return false;
	}
	if (r->exe) {
		s = who ? caller_exe(who->cache, who->pid) : NULL;
		if (!s || fnmatch(r->exe, s, 0) != 0)
			return false;
	}
	return true;
}

/* The trigger, on a call whose match holds (docs/rules.md "Triggers"). */
static bool trigger_fires(struct icpt_rule *r, uint64_t now_ms)
{
	uint64_t age = now_ms > r->added_ms ? now_ms - r->added_ms : 0;

	r->calls++;
	if (age < r->from_ms || (r->until_ms && age >= r->until_ms))
		return false;
	if (r->nth && r->calls != r->nth)
		return false;
	if (r->after && r->calls <= r->after)
		return false;
	if (r->count && r->hits >= r->count)
		return false;
	if (r->has_prob && !(erand48(r->rng) < r->prob))
		return false;
	r->hits++;
	return true;
}

static uint64_t draw_range(struct icpt_rule *r, uint64_t a, uint64_t b)
{
	if (b <= a)
		return a;
	return a + (uint64_t)(erand48(r->rng) * (double)(b - a + 1));
}

/* Stacks r's actions onto v. Returns true when evaluation stops (a fail
 * action decided the answer). */
static bool stack_actions(struct icpt_rule *r, struct icpt_verdict *v)
{
	const struct icpt_action *a;
	bool stop = false;
	size_t i;

	for (i = 0; i < r->n_acts; i++) {
		a = &r->acts[i];
		switch (a->kind) {
		case ICPT_A_FAIL:
			if (!v->err)
				v->err = -a->err;
			stop = true;
			break;
		case ICPT_A_DELAY:
			v->delay_ms += draw_range(r, a->a, a->b);
			break;
		case ICPT_A_HANG:
			if (!v->hang) {
				v->hang = true;
				v->hang_timeout_ms = a->a;
				v->hang_timeout_err = a->err ? -a->err : 0;
			}
			break;
		case ICPT_A_CONTENT:
		case ICPT_A_SHORT_READ:
		case ICPT_A_CORRUPT:
			v->rewrites_read = true;
			break;
		case ICPT_A_DISCARD:
		case ICPT_A_CAPTURE:
		case ICPT_A_FAIL_AFTER:
			v->filters_write = true;
			break;
		case ICPT_A_LOG:
			v->log = true;
			if (a->level > v->log_level)
				v->log_level = a->level;
			if (a->a > v->log_data_bytes)
				v->log_data_bytes = a->a;
			break;
		}
	}
	return stop;
}

/* Visits one rule; true when evaluation stops. */
static bool visit(struct icpt_rule *r, const struct icpt_call *c,
		  uint64_t now_ms, struct icpt_verdict *v)
{
	if (!match_rule(r, c) || !trigger_fires(r, now_ms))
		return false;
	if (v->n_fired < ICPT_FIRED_MAX)
		v->fired[v->n_fired++] = r;
	return stack_actions(r, v);
}

void icpt_eval(struct icpt *ic, const struct icpt_call *c, uint64_t now_ms,
	       struct icpt_verdict *v)
{
	struct icpt_rule *ex = NULL, *ex2 = NULL, *ne, *r;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (icpt_empty(ic))
		return;
	/* Exact-path rules come from the path index (and rename's second
	 * path); the others are walked; both in evaluation (seq) order. */
	if (c->path)
		HASH_FIND(hh_path, ic->by_path, c->path, strlen(c->path), ex);
	if (c->path2)
		HASH_FIND(hh_path, ic->by_path, c->path2, strlen(c->path2),
			  ex2);
	if (ex2 == ex)
		ex2 = NULL; /* rename onto itself: visit once */
	ne = ic->ne_first;
	/* a three-way merge on seq: the two exact chains and the list of
	 * the other rules are each in seq order */
	while (ex || ex2 || ne) {
		r = ex;
		if (!r || (ex2 && ex2->seq < r->seq))
			r = ex2;
		if (!r || (ne && ne->seq < r->seq))
			r = ne;
		if (r == ex)
			ex = ex->next_same_path;
		else if (r == ex2)
			ex2 = ex2->next_same_path;
		else
			ne = ne->ne_next;
		if (visit(r, c, now_ms, v))
			break;
	}
	for (i = 0; i < v->n_fired; i++)
		icpt_waiters_check(ic, v->fired[i]);
}

/* ---- reads ----------------------------------------------------------------
 */

int icpt_read_build(const struct icpt_verdict *v, uint64_t file_size,
		    const char *stored, size_t stored_len, uint64_t off,
		    size_t size, char **out, size_t *out_len)
{
	const struct icpt_action *whole = NULL, *a;
	uint64_t view = file_size, end, lo, hi;
	size_t i, j, n, max = (size_t)-1;
	char *buf;

	/* the view: the first whole content, else the stored bytes; range
	 * contents may extend it */
	for (i = 0; i < v->n_fired && !whole; i++)
		for (j = 0; j < v->fired[i]->n_acts && !whole; j++)
			if (v->fired[i]->acts[j].kind == ICPT_A_CONTENT &&
			    !v->fired[i]->acts[j].ranged)
				whole = &v->fired[i]->acts[j];
	if (whole)
		view = whole->len;
	for (i = 0; i < v->n_fired; i++) {
		for (j = 0; j < v->fired[i]->n_acts; j++) {
			a = &v->fired[i]->acts[j];
			if (a->kind == ICPT_A_CONTENT && a->ranged &&
			    a->a + a->len > view)
				view = a->a + a->len;
			if (a->kind == ICPT_A_SHORT_READ && a->a < max)
				max = (size_t)a->a;
		}
	}
	n = off >= view ? 0 : (size_t)(view - off < size ? view - off : size);
	buf = malloc(n ? n : 1);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0, n);
	if (whole) {
		if (off < whole->len)
			memcpy(buf, whole->data + off,
			       whole->len - off < n ? whole->len - off : n);
	} else if (stored_len)
		memcpy(buf, stored, stored_len < n ? stored_len : n);
	end = off + n;
	for (i = 0; i < v->n_fired; i++) {
		for (j = 0; j < v->fired[i]->n_acts; j++) {
			a = &v->fired[i]->acts[j];
			if (a->kind != ICPT_A_CONTENT || !a->ranged)
				continue;
			lo = a->a > off ? a->a : off;
			hi = a->a + a->len < end ? a->a + a->len : end;
			if (lo < hi)
				memcpy(buf + (lo - off), a->data + (lo - a->a),
				       hi - lo);
		}
	}
	for (i = 0; i < v->n_fired; i++) {
		for (j = 0; j < v->fired[i]->n_acts; j++) {
			uint64_t k;

			a = &v->fired[i]->acts[j];
			if (a->kind != ICPT_A_CORRUPT)
				continue;
			lo = a->a > off ? a->a : off;
			hi = a->a + a->b < end ? a->a + a->b : end;
			for (k = lo; k < hi; k++)
				buf[k - off] ^= (char)a->xor_mask;
		}
	}
	*out = buf;
	*out_len = n < max ? n : max;
	return 0;
}

/* ---- writes ---------------------------------------------------------------
 */

static void capture(struct icpt_rule *r, const struct icpt_action *a,
		    const char *path, const char *buf, size_t len, uint64_t off)
{
	struct icpt_seg *seg;
	size_t keep, cap;
	char *p;

	if (r->capture_max < a->a)
		r->capture_max = (size_t)a->a;
	r->capture_total += len;
	keep = r->capture_max - r->capture_len;
	if (keep > len)
		keep = len;
	if (r->capture_len + keep > r->capture_cap) {
		cap = r->capture_cap ? r->capture_cap : 4096;
		while (cap < r->capture_len + keep)
			cap *= 2;
		if (cap > r->capture_max)
			cap = r->capture_max;
		p = realloc(r->capture, cap);
		if (!p)
			keep = 0; /* counted in capture_total, not kept */
		else {
			r->capture = p;
			r->capture_cap = cap;
		}
	}
	if (r->n_segs < ICPT_CAPTURE_SEGS_MAX) {
		if (r->n_segs == r->segs_cap) {
			size_t ncap = r->segs_cap ? r->segs_cap * 2 : 16;

			seg = realloc(r->segs, ncap * sizeof(*seg));
			if (seg) {
				r->segs = seg;
				r->segs_cap = ncap;
			}
		}
		if (r->n_segs < r->segs_cap) {
			seg = &r->segs[r->n_segs];
			seg->path = strdup(path ? path : "");
			if (seg->path) {
				seg->off = off;
				seg->len = len;
				seg->at = r->capture_len;
				r->n_segs++;
			}
		}
	}
	if (keep) {
		memcpy(r->capture + r->capture_len, buf, keep);
		r->capture_len += keep;
	}
}

int icpt_write_filter(const struct icpt_verdict *v, const char *path,
		      const char *buf, size_t *len, uint64_t off)
{
	const struct icpt_action *a;
	struct icpt_rule *r;
	bool discard = false;
	uint64_t room;
	size_t i, j;

	/* fail_after first: what it lets through is what is captured and
	 * stored */
	for (i = 0; i < v->n_fired; i++) {
		r = v->fired[i];
		for (j = 0; j < r->n_acts; j++) {
			a = &r->acts[j];
			if (a->kind != ICPT_A_FAIL_AFTER)
				continue;
			room = r->written < a->a ? a->a - r->written : 0;
			if (room == 0 && *len > 0)
				return -a->err;
			if (*len > room)
				*len = (size_t)room;
			r->written += *len;
		}
	}
	for (i = 0; i < v->n_fired; i++) {
		r = v->fired[i];
		for (j = 0; j < r->n_acts; j++) {
			a = &r->acts[j];
			if (a->kind == ICPT_A_CAPTURE)
				capture(r, a, path, buf, *len, off);
			else if (a->kind == ICPT_A_DISCARD)
				discard = true;
		}
	}
	return discard ? ICPT_WRITE_DISCARD : 0;
}
