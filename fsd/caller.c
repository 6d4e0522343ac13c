/* caller.c - process name and executable of a request's pid, read from
 * /proc on demand and cached per pid (uthash) for a short time. */
#include "icpt_hash.h" /* first */

#include "caller.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "limits_rules.h"

struct caller_ent {
	pid_t pid;
	uint64_t name_ms, exe_ms; /* when read; 0: not yet */
	char name[32];
	char *exe; /* NULL: unreadable */
	bool name_ok;
	UT_hash_handle hh;
};

struct caller_cache {
	struct caller_ent *by_pid;
	size_t n;
	uint64_t hits, reads;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 + 1;
}

struct caller_cache *caller_cache_new(void)
{
	return calloc(1, sizeof(struct caller_cache));
}

static void ent_free(struct caller_ent *e)
{
	free(e->exe);
	free(e);
}

static void cache_clear(struct caller_cache *c)
{
	struct caller_ent *e, *tmp;

	HASH_ITER(hh, c->by_pid, e, tmp)
	{
		HASH_DEL(c->by_pid, e);
		ent_free(e);
	}
	c->n = 0;
}

void caller_cache_free(struct caller_cache *c)
{
	if (!c)
		return;
	cache_clear(c);
	free(c);
}

static struct caller_ent *ent_get(struct caller_cache *c, pid_t pid)
{
	struct caller_ent *e;

	HASH_FIND(hh, c->by_pid, &pid, sizeof(pid), e);
	if (e)
		return e;
	if (c->n >= CALLER_CACHE_MAX)
		cache_clear(c); /* simple and bounded: start over */
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->pid = pid;
	HASH_ADD(hh, c->by_pid, pid, sizeof(pid), e);
	if (!e->hh.tbl) { /* no memory for the table: not added */
		free(e);
		return NULL;
	}
	c->n++;
	return e;
}

static bool fresh(uint64_t when, uint64_t now)
{
	return when && now - when < CALLER_TTL_MS;
}

const char *caller_name(struct caller_cache *c, pid_t pid)
{
	struct caller_ent *e;
	char path[64];
	uint64_t now;
	ssize_t n;
	int fd;

	if (!c || pid <= 0 || !(e = ent_get(c, pid)))
		return NULL;
	now = now_ms();
	if (fresh(e->name_ms, now)) {
		c->hits++;
		return e->name_ok ? e->name : NULL;
	}
	c->reads++;
	e->name_ms = now;
	e->name_ok = false;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, e->name, sizeof(e->name) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	if (e->name[n - 1] == '\n')
		n--;
	e->name[n] = '\0';
	e->name_ok = true;
	return e->name;
}

const char *caller_exe(struct caller_cache *c, pid_t pid)
{
	struct caller_ent *e;
	char path[64], buf[PATH_MAX];
	uint64_t now;
	ssize_t n;

	if (!c || pid <= 0 || !(e = ent_get(c, pid)))
		return NULL;
	now = now_ms();
	if (fresh(e->exe_ms, now)) {
		c->hits++;
		return e->exe;
	}
	c->reads++;
	e->exe_ms = now;
	free(e->exe);
	e->exe = NULL;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	e->exe = strdup(buf);
	return e->exe;
}

void caller_forget(struct caller_cache *c, pid_t pid)
{
	struct caller_ent *e;

	if (!c)
		return;
	HASH_FIND(hh, c->by_pid, &pid, sizeof(pid), e);
	if (e) {
		HASH_DEL(c->by_pid, e);
		ent_free(e);
		c->n--;
	}
}

void caller_counts(const struct caller_cache *c, uint64_t *hits,
		   uint64_t *reads)
{
	*hits = c ? c->hits : 0;
	*reads = c ? c->reads : 0;
}
