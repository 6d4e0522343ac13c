/* alog.c - the access log's ring (one allocation per event: the record
 * and its strings), seq cursors, followers and the JSON-lines file. */
#include "alog.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "limits_rules.h"

struct alog_follower {
	uint64_t handle;
	struct alog_filter filter;
	void (*fn)(void *arg, const struct alog_rec *r);
	void *arg;
	bool dead; /* unfollowed while events were being handed out */
	struct alog_follower *next;
};

struct alog {
	struct alog_rec **ring;
	size_t cap;
	size_t head;  /* index of the oldest event */
	size_t count; /* events kept */
	uint64_t next_seq;
	uint64_t dropped, cleared;
	struct alog_follower *followers;
	size_t n_followers;
	bool notifying; /* inside the followers loop: unfollow defers */
	uint64_t next_handle;
	FILE *file;
	char *file_path;
	struct event *flush_ev;
	uint64_t file_errors;
	bool file_dirty;
};

struct alog *alog_new(size_t cap)
{
	struct alog *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->cap = cap ? cap : ALOG_RING_DEFAULT;
	if (a->cap > ALOG_RING_MAX)
		a->cap = ALOG_RING_MAX;
	a->ring = calloc(a->cap, sizeof(*a->ring));
	if (!a->ring) {
		free(a);
		return NULL;
	}
	a->next_seq = 1;
	a->next_handle = 1;
	return a;
}

static void file_flush(struct alog *a)
{
	if (a->file && a->file_dirty) {
		if (fflush(a->file) != 0)
			a->file_errors++;
		a->file_dirty = false;
	}
}

void alog_free(struct alog *a)
{
	struct alog_follower *f;
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->count; i++)
		free(a->ring[(a->head + i) % a->cap]);
	free(a->ring);
	while ((f = a->followers)) {
		a->followers = f->next;
		alog_filter_release(&f->filter);
		free(f);
	}
	if (a->flush_ev)
		event_free(a->flush_ev);
	if (a->file) {
		file_flush(a);
		fclose(a->file);
	}
	free(a->file_path);
	free(a);
}

static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	file_flush(arg);
}

int alog_open_file(struct alog *a, const char *path, struct event_base *base,
		   char *err, size_t errlen)
{
	struct timeval tv = {ALOG_FLUSH_MS / 1000,
			     (ALOG_FLUSH_MS % 1000) * 1000};
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "access log '%s': %s", path, strerror(e));
		return -e;
	}
	a->file = fdopen(fd, "a");
	if (!a->file) {
		close(fd);
		snprintf(err, errlen, "access log '%s': out of memory", path);
		return -ENOMEM;
	}
	a->file_path = strdup(path);
	if (base) {
		a->flush_ev = event_new(base, -1, EV_PERSIST, flush_cb, a);
		if (!a->flush_ev || event_add(a->flush_ev, &tv) < 0) {
			snprintf(err, errlen, "access log '%s': out of memory",
				 path);
			return -ENOMEM;
		}
	}
	return 0;
}

/* ---- storing ----------------------------------------------------------------
 */

static size_t slen(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* Copies s into the block at *p; returns the copy (NULL for NULL). */
static char *put(char **p, const char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	d = *p;
	memcpy(d, s, n);
	*p += n;
	return d;
}

/* base64 of d (NULL when absent or empty); *n: its size with the NUL.
 * -ENOMEM only when the encoding failed. */
static int b64_of(const void *d, size_t len, char **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!d || !len)
		return 0;
	if (!(*out = b64_encode(d, len, n)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* The invoke part: the struct at *p, then its strings. */
static struct alog_rec_invoke *put_invoke(char **p, const struct alog_invoke *v,
					  char *ob64, size_t no, char *eb64,
					  size_t ne)
{
	struct alog_rec_invoke *ri = (struct alog_rec_invoke *)*p;

	*p += sizeof(*ri);
	ri->ppid = v->ppid;
	ri->argv_truncated = v->argv_truncated;
	ri->image = v->image;
	ri->exit_code = v->exit_code;
	ri->signal = v->signal;
	ri->out_bytes = v->out_bytes;
	ri->err_bytes = v->err_bytes;
	ri->argc = v->argv ? v->argc : 0;
	ri->argv_len = v->argv ? v->argv_len : 0;
	ri->out_len = ob64 ? v->out_len : 0;
	ri->err_len = eb64 ? v->err_len : 0;
	ri->argv = v->argv ? put(p, v->argv, v->argv_len) : NULL;
	ri->caller = put(p, v->caller, slen(v->caller));
	ri->style = put(p, v->style, slen(v->style));
	ri->image_rule = put(p, v->image_rule, slen(v->image_rule));
	ri->out_b64 = put(p, ob64, no);
	ri->err_b64 = put(p, eb64, ne);
	return ri;
}

static struct alog_rec *rec_new(const struct alog_event *ev)
{
	const struct alog_invoke *v = ev->invoke;
	size_t np = slen(ev->path), np2 = slen(ev->path2),
	       npr = slen(ev->process), nr = slen(ev->rules), nd = 0, ni = 0,
	       no = 0, ne = 0;
	char *b64 = NULL, *ob64 = NULL, *eb64 = NULL, *p;
	struct alog_rec *r;

	if (b64_of(ev->data, ev->data_len, &b64, &nd) ||
	    (v && (b64_of(v->out, v->out_len, &ob64, &no) ||
		   b64_of(v->err, v->err_len, &eb64, &ne)))) {
		free(b64);
		free(ob64);
		return NULL;
	}
	if (v)
		ni = sizeof(struct alog_rec_invoke) +
		     (v->argv ? v->argv_len : 0) + slen(v->caller) +
		     slen(v->style) + slen(v->image_rule) + no + ne;
	r = malloc(sizeof(*r) + ni + np + np2 + npr + nr + nd);
	if (!r) {
		free(b64);
		free(ob64);
		free(eb64);
		return NULL;
	}
	r->seq = 0;
	r->mono = ev->mono;
	r->wall = ev->wall;
	r->op = ev->op;
	r->pid = ev->pid;
	r->uid = ev->uid;
	r->gid = ev->gid;
	r->has_flags = ev->has_flags;
	r->flags = ev->flags;
	r->has_range = ev->has_range;
	r->off = ev->off;
	r->len = ev->len;
	r->bytes = ev->bytes;
	r->err = ev->err;
	r->duration_ns = ev->duration_ns;
	r->data_len = b64 ? ev->data_len : 0;
	p = (char *)(r + 1);
	/* the invoke part first: struct alog_rec's alignment suits it */
	r->invoke = v ? put_invoke(&p, v, ob64, no, eb64, ne) : NULL;
	r->path = put(&p, ev->path, np);
	r->path2 = put(&p, ev->path2, np2);
	r->process = put(&p, ev->process, npr);
	r->rules = put(&p, ev->rules, nr);
	r->data_b64 = put(&p, b64, nd);
	free(b64);
	free(ob64);
	free(eb64);
	return r;
}

static void file_write(struct alog *a, const struct alog_rec *r)
{
	struct json_object *o = alog_rec_json(r);
	const char *s;

	if (!o) {
		a->file_errors++;
		return;
	}
	s = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (fputs(s, a->file) == EOF || fputc('\n', a->file) == EOF)
		a->file_errors++;
	a->file_dirty = true;
	json_object_put(o);
}

uint64_t alog_append(struct alog *a, const struct alog_event *ev)
{
	struct alog_rec *r = rec_new(ev);
	struct alog_follower *f, *next;
	uint64_t seq;

	if (!r) {
		a->dropped++;
		a->next_seq++; /* the gap shows in the seqs too */
		return 0;
	}
	r->seq = seq = a->next_seq++;
	if (a->count == a->cap) {
		free(a->ring[a->head]);
		a->ring[a->head] = NULL;
		a->head = (a->head + 1) % a->cap;
		a->count--;
		a->dropped++;
	}
	a->ring[(a->head + a->count) % a->cap] = r;
	a->count++;
	if (a->file)
		file_write(a, r);
	/* fn may unfollow (itself or others): those are only marked dead
	 * until the loop ends */
	a->notifying = true;
	for (f = a->followers; f; f = f->next)
		if (!f->dead && alog_filter_match(&f->filter, r))
			f->fn(f->arg, r);
	a->notifying = false;
	for (f = a->followers; f; f = next) {
		next = f->next;
		if (f->dead)
			alog_unfollow(a, f->handle);
	}
	return seq;
}

void alog_stats(const struct alog *a, struct alog_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->count = a->count;
	st->cap = a->cap;
	st->first_seq = a->count ? a->ring[a->head]->seq : 0;
	st->last_seq = a->next_seq - 1;
	st->dropped = a->dropped;
	st->cleared = a->cleared;
	st->file_errors = a->file_errors;
}

size_t alog_fetch(const struct alog *a, uint64_t since,
		  const struct alog_filter *f, size_t limit,
		  void (*fn)(void *arg, const struct alog_rec *r), void *arg,
		  uint64_t *next, uint64_t *missed)
{
	uint64_t first, i;
	const struct alog_rec *r;
	size_t n = 0;

	*next = since;
	*missed = 0;
	if (since >= a->next_seq - 1) {
		/* a cursor from the future (after a restart): clamp */
		if (since > a->next_seq - 1)
			*next = a->next_seq - 1;
		return 0;
	}
	if (!a->count) {
		*missed = a->next_seq - 1 - since;
		*next = a->next_seq - 1;
		return 0;
	}
	first = a->ring[a->head]->seq;
	if (since + 1 < first)
		*missed = first - since - 1;
	/* seqs in the ring are consecutive except where an allocation
	 * failed: index by difference, then check */
	i = since + 1 > first ? since + 1 - first : 0;
	if (i > a->count)
		i = a->count;
	while (i > 0 && a->ring[(a->head + i - 1) % a->cap]->seq > since)
		i--;
	for (; i < a->count && n < limit; i++) {
		r = a->ring[(a->head + i) % a->cap];
		if (r->seq <= since)
			continue;
		*next = r->seq;
		if (f && !alog_filter_match(f, r))
			continue;
		fn(arg, r);
		n++;
	}
	if (i == a->count && n < limit)
		*next = a->next_seq - 1; /* everything examined */
	return n;
}

uint64_t alog_clear(struct alog *a)
{
	uint64_t n = a->count;
	size_t i;

	for (i = 0; i < a->count; i++) {
		free(a->ring[(a->head + i) % a->cap]);
		a->ring[(a->head + i) % a->cap] = NULL;
	}
	a->head = 0;
	a->count = 0;
	a->cleared += n;
	return n;
}

uint64_t alog_follow(struct alog *a, struct alog_filter *f,
		     void (*fn)(void *arg, const struct alog_rec *r), void *arg)
{
	struct alog_follower *fl;

	if (a->n_followers >= ALOG_FOLLOWERS_MAX ||
	    !(fl = calloc(1, sizeof(*fl)))) {
		alog_filter_release(f);
		return 0;
	}
	fl->handle = a->next_handle++;
	fl->filter = *f;
	memset(f, 0, sizeof(*f));
	fl->fn = fn;
	fl->arg = arg;
	fl->next = a->followers;
	a->followers = fl;
	a->n_followers++;
	return fl->handle;
}

void alog_unfollow(struct alog *a, uint64_t handle)
{
	struct alog_follower **pp, *f;

	for (pp = &a->followers; (f = *pp); pp = &f->next) {
		if (f->handle == handle) {
			if (a->notifying) {
				f->dead = true;
				return;
			}
			*pp = f->next;
			alog_filter_release(&f->filter);
			free(f);
			a->n_followers--;
			return;
		}
	}
}

void *alog_follow_find(const struct alog *a,
		       bool (*match)(void *arg, void *ctx), void *ctx)
{
	const struct alog_follower *f;

	for (f = a->followers; f; f = f->next)
		if (!f->dead && match(f->arg, ctx))
			return f->arg;
	return NULL;
}
