/* icpt_wait.c - rules.wait: waiters on a rule's hit count, each with an
 * optional timeout (a libevent timer on the daemon's loop). */
#include "icpt_int.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>

struct icpt_waiter {
	uint64_t handle;
	struct icpt *ic;
	struct icpt_rule *rule;
	uint64_t hits;
	struct event *timer;
	void (*done)(void *arg, int err);
	void *arg;
	struct icpt_waiter *prev, *next;
};

static void waiter_unlink(struct icpt *ic, struct icpt_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		ic->waiters = w->next;
	if (w->next)
		w->next->prev = w->prev;
	ic->n_waiters--;
	if (w->timer)
		event_free(w->timer);
	free(w);
}

/* Ends w and tells its owner (after unlinking: done may add waiters). */
static void waiter_finish(struct icpt *ic, struct icpt_waiter *w, int err)
{
	void (*done)(void *, int) = w->done;
	void *arg = w->arg;

	waiter_unlink(ic, w);
	done(arg, err);
}

static void waiter_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct icpt_waiter *w = arg;

	(void)fd;
	(void)what;
	waiter_finish(w->ic, w, -ETIMEDOUT);
}

int icpt_wait(struct icpt *ic, const char *id, uint64_t hits,
	      uint64_t timeout_ms, void (*done)(void *arg, int err), void *arg,
	      uint64_t *handle)
{
	struct icpt_rule *r = icpt_find(ic, id);
	struct icpt_waiter *w;
	struct timeval tv;

	if (!r)
		return -ENOENT;
	if (r->hits >= hits)
		return 1;
	if (ic->n_waiters >= ICPT_WAITERS_MAX)
		return -EAGAIN;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->handle = ic->next_handle++;
	w->ic = ic;
	w->rule = r;
	w->hits = hits;
	w->done = done;
	w->arg = arg;
	if (timeout_ms && ic->base) {
		w->timer = evtimer_new(ic->base, waiter_timeout, w);
		tv.tv_sec = (time_t)(timeout_ms / 1000);
		tv.tv_usec = (suseconds_t)(timeout_ms % 1000) * 1000;
		if (!w->timer || evtimer_add(w->timer, &tv) < 0) {
			if (w->timer)
				event_free(w->timer);
			free(w);
			return -ENOMEM;
		}
	}
	w->next = ic->waiters;
	if (ic->waiters)
		ic->waiters->prev = w;
	ic->waiters = w;
	ic->n_waiters++;
	*handle = w->handle;
	return 0;
}

void icpt_wait_cancel(struct icpt *ic, uint64_t handle)
{
	struct icpt_waiter *w;

	for (w = ic->waiters; w; w = w->next) {
		if (w->handle == handle) {
			waiter_unlink(ic, w);
			return;
		}
	}
}

void icpt_waiters_check(struct icpt *ic, struct icpt_rule *r)
{
	struct icpt_waiter *w, *next;

	for (w = ic->waiters; w; w = next) {
		next = w->next;
		if (w->rule == r && r->hits >= w->hits) {
			waiter_finish(ic, w, 0);
			next = ic->waiters; /* done() may have changed it */
		}
	}
}

void icpt_waiters_rule_gone(struct icpt *ic, struct icpt_rule *r)
{
	struct icpt_waiter *w, *next;

	for (w = ic->waiters; w; w = next) {
		next = w->next;
		if (w->rule == r) {
			waiter_finish(ic, w, -ENOENT);
			next = ic->waiters;
		}
	}
}

void icpt_waiters_free(struct icpt *ic)
{
	while (ic->waiters)
		waiter_finish(ic, ic->waiters, -ESHUTDOWN);
}
