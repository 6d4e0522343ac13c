/* inval.c - the notifier thread and its queue (see inval.h).
 * Owns the only mutex and condition variable of esxfsd. */
#include "inval.h"

#include <errno.h>
#include <event2/event.h>
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

enum inval_kind {
	INVAL_ENTRY,
	INVAL_INODE,
	INVAL_BARRIER,
};

struct inval_item {
	struct inval_item *next;
	enum inval_kind kind;
	uint64_t ino; /* ENTRY: the parent */
	void (*done)(void *arg);
	void *arg;
	size_t namelen;
	char name[]; /* ENTRY only */
};

struct inval {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started, stop;
	/* protected by mu: */
	struct inval_item *head, *tail; /* waiting for the thread */
	struct inval_item *done_head;   /* barriers reached, for the loop */
	struct inval_item *done_tail;
	size_t pending; /* queued items, and the one being delivered */
	uint64_t sent, refused;
	/* loop thread only: */
	struct fuse_session *se;
	struct event *ev;
	int efd;
};

int inval_new(struct inval **out)
{
	struct inval *q = calloc(1, sizeof(*q));

	*out = NULL;
	if (!q)
		return -ENOMEM;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->efd = -1;
	*out = q;
	return 0;
}

/* Thread side: takes items one by one; the mutex is never held while the
 * kernel is being notified. */
static void *inval_main(void *arg)
{
	struct inval *q = arg;
	struct inval_item *it;
	uint64_t one = 1;
	int rc;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->head && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stop)
			break;
		it = q->head;
		q->head = it->next;
		if (!q->head)
			q->tail = NULL;
		it->next = NULL;
		if (it->kind == INVAL_BARRIER) {
			q->pending--;
			if (q->done_tail)
				q->done_tail->next = it;
			else
				q->done_head = it;
			q->done_tail = it;
			pthread_mutex_unlock(&q->mu);
			if (write(q->efd, &one, sizeof(one)) < 0) {
				/* the counter saturates only after 2^64 */
			}
			pthread_mutex_lock(&q->mu);
			continue;
		}
		pthread_mutex_unlock(&q->mu);
		if (it->kind == INVAL_ENTRY)
			rc = fuse_lowlevel_notify_inval_entry(
			    q->se, it->ino, it->name, it->namelen);
		else
			rc = fuse_lowlevel_notify_inval_inode(q->se, it->ino, 0,
							      0);
		free(it);
		pthread_mutex_lock(&q->mu);
		q->pending--; /* counted until delivered: see inval_barrier */
		q->sent++;
		if (rc < 0)
			q->refused++;
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Loop side: runs the callbacks of the barriers the thread reached. */
static void inval_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct inval *q = arg;
	struct inval_item *list, *it;
	uint64_t v;

	(void)what;
	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: a previous callback took them */
	}
	pthread_mutex_lock(&q->mu);
	list = q->done_head;
	q->done_head = q->done_tail = NULL;
	pthread_mutex_unlock(&q->mu);
	while ((it = list)) {
		list = it->next;
		it->done(it->arg);
		free(it);
	}
}

int inval_start(struct inval *q, struct fuse_session *se,
		struct event_base *base)
{
	int rc;

	q->se = se;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0)
		return -errno;
	q->ev = event_new(base, q->efd, EV_READ | EV_PERSIST, inval_done_cb, q);
	if (!q->ev || event_add(q->ev, NULL) < 0)
		return -ENOMEM;
	rc = pthread_create(&q->thread, NULL, inval_main, q);
	if (rc)
		return -rc;
	q->started = true;
	return 0;
}

static void inval_push(struct inval *q, struct inval_item *it)
{
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->pending++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void inval_entry(struct inval *q, uint64_t parent, const char *name)
{
	size_t len = strlen(name);
	struct inval_item *it;

	if (!q || !q->started)
		return;
	it = malloc(sizeof(*it) + len + 1);
	if (!it)
		return; /* the entry stays cached until its timeout */
	memset(it, 0, sizeof(*it));
	it->kind = INVAL_ENTRY;
	it->ino = parent;
	it->namelen = len;
	memcpy(it->name, name, len + 1);
	inval_push(q, it);
}

void inval_inode(struct inval *q, uint64_t ino)
{
	struct inval_item *it;

	if (!q || !q->started)
		return;
	it = calloc(1, sizeof(*it));
	if (!it)
		return;
	it->kind = INVAL_INODE;
	it->ino = ino;
	inval_push(q, it);
}

bool inval_barrier(struct inval *q, void (*done)(void *arg), void *arg)
{
	struct inval_item *it;
	bool busy;

	if (!q || !q->started)
		return false;
	/* pending also counts the notification the thread is delivering */
	pthread_mutex_lock(&q->mu);
	busy = q->pending > 0;
	pthread_mutex_unlock(&q->mu);
	if (!busy)
		return false;
	it = calloc(1, sizeof(*it));
	if (!it)
		return false;
	it->kind = INVAL_BARRIER;
	it->done = done;
	it->arg = arg;
	inval_push(q, it);
	return true;
}

void inval_counts(const struct inval *q, uint64_t *sent, uint64_t *refused)
{
	struct inval *mq = (struct inval *)q;

	*sent = *refused = 0;
	if (!q)
		return;
	pthread_mutex_lock(&mq->mu);
	*sent = q->sent;
	*refused = q->refused;
	pthread_mutex_unlock(&mq->mu);
}

void inval_free(struct inval *q)
{
	struct inval_item *it, *list;

	if (!q)
		return;
	if (q->started) {
		pthread_mutex_lock(&q->mu);
		q->stop = true;
		pthread_cond_signal(&q->cv);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
	}
	/* Barriers still queued complete now: their waiters must answer. */
	list = q->head;
	q->head = q->tail = NULL;
	while ((it = list)) {
		list = it->next;
		if (it->kind == INVAL_BARRIER) {
			it->next = NULL;
			if (q->done_tail)
				q->done_tail->next = it;
			else
				q->done_head = it;
			q->done_tail = it;
		} else {
			free(it);
		}
	}
	list = q->done_head;
	q->done_head = q->done_tail = NULL;
	while ((it = list)) {
		list = it->next;
		it->done(it->arg);
		free(it);
	}
	if (q->ev)
		event_free(q->ev);
	if (q->efd >= 0)
		close(q->efd);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
