/* state.c - the dirty list, node records and the journal (append,
 * compaction, checkpoints). Opening, replay and closing are in
 * state_open.c; reset and snapshots in state_snap.c. */
#include "state_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "limits.h"
#include "limits_state.h"

void state_now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

void state_list_add(struct state_node *head, struct state_node *sn)
{
	sn->next = head;
	sn->prev = head->prev;
	head->prev->next = sn;
	head->prev = sn;
}

void state_list_del(struct state_node *sn)
{
	if (!sn->next)
		return;
	sn->prev->next = sn->next;
	sn->next->prev = sn->prev;
	sn->next = sn->prev = NULL;
}

int state_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

void state_node_free(struct state *s, struct state_node *sn, bool drop_data)
{
	size_t i;

	state_list_del(sn);
	if (!sn->detached && s->stats.dirty)
		s->stats.dirty--;
	if (drop_data && sn->data && !sn->data_unowned)
		state_data_drop(s, sn->data);
	if (sn->n)
		sn->n->st = NULL;
	free(sn->ppath);
	free(sn->undo.name);
	for (i = 0; i < sn->n_xattrs; i++) {
		free(sn->xattrs[i].name);
		free(sn->xattrs[i].value);
	}
	free(sn->xattrs);
	free(sn);
}

/* tree->release_st: a run-time node is being freed (unlinked, forgotten
 * by the kernel): its record goes, and its data file (no longer in the
 * journal) with it. */
void state_release_cb(void *arg, struct tree_node *n)
{
	struct state *s = arg;

	if (n->st)
		state_node_free(s, n->st, true);
}

int state_ref(const struct state *s, const struct tree_node *n, char *buf,
	      size_t len)
{
	const struct tree_node *a = n;
	size_t pos = len;

	if (len < 2)
		return -ENAMETOOLONG;
	if (n->st && n->st->id) {
		snprintf(buf, len, "#%llu", (unsigned long long)n->st->id);
		return 0;
	}
	/* A manifest node that never moved sits where the manifest put it,
	 * below the nearest changed ancestor (whose manifest path we know). */
	buf[--pos] = '\0';
	while (a && a->ino != TREE_ROOT_INO && !(a->st && a->st->ppath)) {
		size_t nl = strlen(a->name);

		if (nl + 1 > pos)
			return -ENAMETOOLONG;
		pos -= nl;
		memcpy(buf + pos, a->name, nl);
		buf[--pos] = '/';
		a = tree_get(s->t, a->parent);
	}
	if (a && a->st && a->st->ppath && a->ino != TREE_ROOT_INO) {
		size_t pl = strlen(a->st->ppath);

		if (pl + 1 > pos)
			return -ENAMETOOLONG;
		pos -= pl;
		memcpy(buf + pos, a->st->ppath, pl);
	}
	if (pos == len - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, len - pos);
	return 0;
}

int state_touch(struct state *s, struct tree_node *n)
{
	char ref[LIMIT_PATH_MAX];
	struct state_node *sn;
	int rc;

	if (n->st)
		return 0;
	rc = state_ref(s, n, ref, sizeof(ref));
	if (rc)
		return rc;
	sn = calloc(1, sizeof(*sn));
	if (!sn)
		return -ENOMEM;
	sn->ppath = strdup(ref);
	sn->undo.name = strdup(n->name);
	if (!sn->ppath || !sn->undo.name) {
		free(sn->ppath);
		free(sn->undo.name);
		free(sn);
		return -ENOMEM;
	}
	sn->n = n;
	sn->undo.parent = n->parent;
	sn->undo.mode = n->mode;
	sn->undo.uid = n->uid;
	sn->undo.gid = n->gid;
	sn->undo.size = n->size;
	sn->undo.atime = n->atime;
	sn->undo.mtime = n->mtime;
	sn->undo.ctime = n->ctime;
	n->st = sn;
	state_list_add(&s->dirty, sn);
	s->stats.dirty++;
	return 0;
}

int state_adopt(struct state *s, struct tree_node *n)
{
	struct state_node *sn = calloc(1, sizeof(*sn));

	if (!sn)
		return -ENOMEM;
	sn->n = n;
	sn->id = s->next_id++;
	n->st = sn;
	state_list_add(&s->dirty, sn);
	s->stats.dirty++;
	return 0;
}

void state_rec_put(struct state *s, struct sj_line *l, struct tree_node *n)
{
	char ref[LIMIT_PATH_MAX], path[LIMIT_PATH_MAX];
	struct tree_node *p;
	struct state_node *sn = n->st;
	size_t i;

	if (state_ref(s, n, ref, sizeof(ref)))
		goto fail;
	if (n->flags & TREE_F_UNLINKED) {
		sj_line_rec(l, "del");
		sj_line_str(l, "ref", ref, strlen(ref));
		return;
	}
	p = tree_get(s->t, n->parent);
	if (!p || state_ref(s, p, path, sizeof(path)))
		goto fail;
	sj_line_rec(l, "set");
	sj_line_str(l, "ref", ref, strlen(ref));
	sj_line_str(l, "parent", path, strlen(path));
	sj_line_str(l, "name", n->name, strlen(n->name));
	sj_line_str(l, "type", (const char[]){sj_type_of(n->mode)}, 1);
	sj_line_oct(l, "mode", (unsigned)(n->mode & 07777));
	sj_line_u64(l, "uid", n->uid);
	sj_line_u64(l, "gid", n->gid);
	if (S_ISCHR(n->mode) || S_ISBLK(n->mode))
		sj_line_rdev(l, major(n->rdev), minor(n->rdev));
	sj_line_time(l, "atime", &n->atime);
	sj_line_time(l, "mtime", &n->mtime);
	sj_line_time(l, "ctime", &n->ctime);
	if (sn && sn->data)
		sj_line_u64(l, "data", sn->data);
	if (S_ISLNK(n->mode))
		sj_line_str(l, "target", n->target ? n->target : "",
			    n->target ? strlen(n->target) : 0);
	if (n->link_to) {
		if (state_ref(s, n->link_to, path, sizeof(path)))
			goto fail;
		sj_line_str(l, "link", path, strlen(path));
	}
	for (i = 0; sn && i < sn->n_xattrs; i++)
		sj_line_xattr(l, sn->xattrs[i].name, sn->xattrs[i].value,
			      sn->xattrs[i].len);
	if (!tree_path(s->t, n, path, sizeof(path)))
		sj_line_str(l, "path", path, strlen(path));
	return;
fail:
	l->oom = true; /* a path too long to name: refuse the line */
}

void state_log(struct state *s, struct tree_node *n)
{
	struct state_node *sn = n->st;

	state_rec_put(s, &s->line, n);
	/* A run-time node that is gone leaves the state; while the kernel
	 * still refers to it (an open file) its record stays, detached. */
	if (sn && sn->id && (n->flags & TREE_F_UNLINKED) && !sn->detached) {
		state_list_del(sn);
		sn->detached = true;
		s->stats.dirty--;
		state_list_add(&s->detached, sn);
	}
}

size_t state_compact_limit(const struct state *s)
{
	return (size_t)s->stats.dirty * STATE_COMPACT_RATIO +
	       STATE_COMPACT_SLACK;
}

int state_log_commit(struct state *s)
{
	const char *line;
	size_t len;
	int rc;

	if (s->line.nrec == 0 && !s->line.oom) {
		sj_line_reset(&s->line);
		return s->broken ? -EIO : 0;
	}
	if (s->broken) {
		sj_line_reset(&s->line);
		return -EIO;
	}
	rc = sj_line_end(&s->line, &line, &len);
	if (!rc)
		rc = state_write_all(s->jfd, line, len);
	sj_line_reset(&s->line);
	s->line.nrec = 0;
	s->line.len = 0;
	if (rc) {
		s->broken = true;
		log_msg(s->lg, LOG_LV_ERROR,
			"cannot write the journal of state dir '%s': %s; the "
			"tree keeps serving but changes now fail with EIO",
			s->dir, strerror(-rc));
		return -EIO;
	}
	s->stats.journal_writes++;
	s->stats.journal_lines++;
	if (s->stats.journal_lines > state_compact_limit(s)) {
		rc = state_checkpoint(s, s->dirfd, STATE_JOURNAL, false);
		if (!rc)
			rc = state_journal_reopen(s);
		if (rc)
			log_msg(s->lg, LOG_LV_WARN,
				"cannot compact the journal of '%s': %s",
				s->dir, strerror(-rc));
		else
			s->stats.compactions++;
	}
	return 0;
}

int state_journal_reopen(struct state *s)
{
	int fd =
	    openat(s->dirfd, STATE_JOURNAL, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (s->jfd >= 0)
		close(s->jfd);
	s->jfd = fd;
	return 0;
}

/* Writes a header and the records of the dirty list to dirfd/name.tmp,
 * syncs it and renames it over name. */
int state_checkpoint(struct state *s, int dirfd, const char *name, bool empty)
{
	char tmp[256];
	struct sj_line l;
	struct state_node *sn;
	const char *out;
	size_t len, lines = 1;
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	sj_line_init(&l);
	sj_line_header(&l, s->next_id);
	rc = sj_line_end(&l, &out, &len);
	if (!rc)
		rc = state_write_all(fd, out, len);
	for (sn = s->dirty.next; !rc && !empty && sn != &s->dirty;
	     sn = sn->next) {
		sj_line_reset(&l);
		state_rec_put(s, &l, sn->n);
		rc = sj_line_end(&l, &out, &len);
		if (!rc)
			rc = state_write_all(fd, out, len);
		lines++;
		s->stats.last_nodes_visited++;
	}
	sj_line_release(&l);
	if (!rc && fdatasync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && renameat(dirfd, tmp, dirfd, name) < 0)
		rc = -errno;
	if (!rc && fsync(dirfd) < 0)
		rc = -errno;
	if (rc) {
		unlinkat(dirfd, tmp, 0);
		return rc;
	}
	if (dirfd == s->dirfd && !strcmp(name, STATE_JOURNAL))
		s->stats.journal_lines = lines;
	return 0;
}
