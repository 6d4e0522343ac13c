/* state_snap.c - reset, snapshot, restore, forget and the snapshot list.
 * Owns the order of their disk steps (what makes them crash-safe) and the
 * kernel invalidations they need. Every loop here walks the dirty list or
 * a snapshot's records, never the tree. */
#include "state_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inval.h"
#include "limits.h"
#include "limits_state.h"

static bool state_snap_name_ok(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len > STATE_SNAP_NAME_MAX || name[0] == '.')
		return false;
	if (len > 4 && !strcmp(name + len - 4, ".tmp"))
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

static int state_ids_push(uint64_t **ids, size_t *n, size_t *cap, uint64_t id)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		uint64_t *p = realloc(*ids, c * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*ids = p;
		*cap = c;
	}
	(*ids)[(*n)++] = id;
	return 0;
}

/* Tells the kernel to forget what it knows of n's name and inode. */
static void state_inval_place(struct state *s, struct tree_node *n)
{
	struct tree_node *p = tree_get(s->t, n->parent);

	if (!p || (n->flags & TREE_F_UNLINKED) || n->ino == TREE_ROOT_INO)
		return;
	if (p->nlookup) {
		inval_entry(s->inval, p->ino, n->name);
		inval_inode(s->inval, p->ino); /* its cached listing */
	}
}

int state_reset_tree(struct state *s, uint64_t **ids, size_t *n_ids)
{
	struct state_node *sn, *next;
	struct tree_node *n, *p;
	size_t cap = 0;
	int rc = 0;

	*ids = NULL;
	*n_ids = 0;
	/* Pass 1: every changed node leaves its current place. */
	for (sn = s->dirty.next; sn != &s->dirty; sn = sn->next) {
		n = sn->n;
		state_inval_place(s, n);
		if (n->ino != TREE_ROOT_INO)
			tree_detach(s->t, n);
		if (sn->data && !rc)
			rc = state_ids_push(ids, n_ids, &cap, sn->data);
	}
	/* Pass 2: manifest nodes go back, run-time nodes go away. */
	for (sn = s->dirty.next; sn != &s->dirty; sn = next) {
		next = sn->next;
		n = sn->n;
		s->stats.last_nodes_visited++;
		if (n->nlookup)
			inval_inode(s->inval, n->ino);
		if (sn->id) {
			state_list_del(sn);
			sn->detached = true;
			s->stats.dirty--;
			state_list_add(&s->detached, sn);
			/* open handles keep the bytes; the file is not ours */
			sn->data_unowned = true;
			sn->data_shared = true;
			tree_free_if_unused(s->t, n);
			continue;
		}
		n->mode = sn->undo.mode;
		n->uid = sn->undo.uid;
		n->gid = sn->undo.gid;
		n->size = sn->undo.size;
		n->atime = sn->undo.atime;
		n->mtime = sn->undo.mtime;
		n->ctime = sn->undo.ctime;
		p = tree_get(s->t, sn->undo.parent);
		if (n->ino != TREE_ROOT_INO && p) {
			int arc = tree_attach(s->t, p, n, sn->undo.name);

			if (arc && !rc)
				rc = arc;
			if (p->nlookup) {
				inval_entry(s->inval, p->ino, sn->undo.name);
				inval_inode(s->inval, p->ino);
			}
		}
		state_node_free(s, sn, false);
	}
	s->stats.nodes_visited += s->stats.last_nodes_visited;
	return rc;
}

int state_reset(struct state *s)
{
	uint64_t *ids;
	size_t n, i;
	int rc;

	s->stats.last_nodes_visited = 0;
	/* The journal first: a crash from here on restarts pristine. */
	rc = state_checkpoint(s, s->dirfd, STATE_JOURNAL, true);
	if (!rc)
		rc = state_journal_reopen(s);
	if (rc) {
		log_msg(s->lg, LOG_LV_ERROR,
			"reset: cannot rewrite the journal of '%s': %s", s->dir,
			strerror(-rc));
		return -EIO;
	}
	s->broken = false;
	rc = state_reset_tree(s, &ids, &n);
	for (i = 0; i < n; i++)
		state_data_drop(s, ids[i]);
	free(ids);
	s->stats.resets++;
	return rc;
}

void state_snap_rm(struct state *s, const char *name)
{
	char path[LIMIT_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", s->dir, STATE_SNAPS, name);
	state_rm_tree(path);
}

int state_snapshot(struct state *s, const char *name)
{
	char tmp[STATE_SNAP_NAME_MAX + 8], id[32];
	struct state_node *sn;
	struct stat st;
	int tfd = -1, dfd = -1, rc = 0;

	if (!state_snap_name_ok(name))
		return -EINVAL;
	if (fstatat(s->snapfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return -EEXIST;
	s->stats.last_nodes_visited = 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	state_snap_rm(s, tmp);
	if (mkdirat(s->snapfd, tmp, 0700) < 0)
		return -errno;
	tfd = openat(s->snapfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0 || mkdirat(tfd, STATE_DATA, 0700) < 0 ||
	    (dfd = openat(tfd, STATE_DATA,
			  O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = -errno;
		goto fail;
	}
	/* Data files are shared by hard link: no byte is copied now; the
	 * next write to a shared one copies it first (state_data_private). */
	for (sn = s->dirty.next; sn != &s->dirty; sn = sn->next) {
		if (!sn->data)
			continue;
		snprintf(id, sizeof(id), "%llu", (unsigned long long)sn->data);
		if (linkat(s->datafd, id, dfd, id, 0) < 0) {
			rc = -errno;
			goto fail;
		}
	}
	rc = state_checkpoint(s, tfd, STATE_JOURNAL, false);
	if (!rc && fsync(dfd) < 0)
		rc = -errno;
	if (!rc && renameat(s->snapfd, tmp, s->snapfd, name) < 0)
		rc = -errno;
	if (!rc && fsync(s->snapfd) < 0)
		rc = -errno;
	if (rc)
		goto fail;
	for (sn = s->dirty.next; sn != &s->dirty; sn = sn->next)
		if (sn->data)
			sn->data_shared = true;
	close(dfd);
	close(tfd);
	s->stats.snapshots++;
	s->stats.nodes_visited += s->stats.last_nodes_visited;
	return 0;
fail:
	if (dfd >= 0)
		close(dfd);
	if (tfd >= 0)
		close(tfd);
	state_snap_rm(s, tmp);
	return rc == -EDQUOT ? -ENOSPC : rc;
}

/* Writes m as the journal (header + one line per record). */
static int state_write_map(struct state *s, struct sj_map *m)
{
	char tmp[] = STATE_JOURNAL_TMP;
	struct sj_rec *r, *t;
	struct sj_line l;
	const char *out;
	size_t len, lines = 1;
	int fd, rc;

	fd = openat(s->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
	if (fd < 0)
		return -errno;
	sj_line_init(&l);
	sj_line_header(&l, s->next_id);
	rc = sj_line_end(&l, &out, &len);
	if (!rc)
		rc = state_write_all(fd, out, len);
	HASH_ITER(hh, m->recs, r, t)
	{
		if (rc)
			break;
		sj_line_reset(&l);
		sj_line_put_rec(&l, r);
		rc = sj_line_end(&l, &out, &len);
		if (!rc)
			rc = state_write_all(fd, out, len);
		lines++;
	}
	sj_line_release(&l);
	if (!rc && fdatasync(fd) < 0)
		rc = -errno;
	close(fd);
	if (!rc && renameat(s->dirfd, tmp, s->dirfd, STATE_JOURNAL) < 0)
		rc = -errno;
	if (!rc && fsync(s->dirfd) < 0)
		rc = -errno;
	if (rc)
		unlinkat(s->dirfd, tmp, 0);
	else
		s->stats.journal_lines = lines;
	return rc;
}

/* After a restore: the kernel forgets the names and inodes now in use. */
static void state_inval_map(struct state *s, struct sj_map *m)
{
	struct sj_rec *r, *t;
	struct tree_node *n;

	HASH_ITER(hh, m->recs, r, t)
	{
		n = r->node;
		if (!n)
			continue;
		state_inval_place(s, n);
		if (n->nlookup)
			inval_inode(s->inval, n->ino);
	}
}

int state_restore(struct state *s, const char *name)
{
	char path[LIMIT_PATH_MAX], err[512], id[32];
	uint64_t *old = NULL, *keep = NULL;
	size_t n_old = 0, n_keep = 0, cap = 0, i, j;
	struct sj_rec *r, *t;
	struct sj_map m;
	int sdfd = -1, rc;

	if (!state_snap_name_ok(name))
		return -EINVAL;
	err[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", name, STATE_JOURNAL);
	sj_map_init(&m);
	rc = sj_read(s->snapfd, path, &m, err, sizeof(err));
	if (rc == -ENOENT)
		goto out;
	if (!rc && m.torn)
		rc = -EINVAL; /* snapshots are written whole */
	if (rc) {
		log_msg(s->lg, LOG_LV_ERROR, "restore '%s': %s", name, err);
		rc = rc == -ENOMEM ? rc : -EINVAL;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", name, STATE_DATA);
	sdfd = openat(s->snapfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sdfd < 0) {
		rc = -errno;
		goto out;
	}
	s->stats.last_nodes_visited = 0;
	if (m.next > s->next_id)
		s->next_id = m.next;
	/* 1. the snapshot's data files get their names in data/ ... */
	HASH_ITER(hh, m.recs, r, t)
	{
		if (!r->data)
			continue;
		snprintf(id, sizeof(id), "%llu", (unsigned long long)r->data);
		if (linkat(sdfd, id, s->datafd, id, 0) < 0 && errno != EEXIST) {
			rc = -errno;
			log_msg(s->lg, LOG_LV_ERROR,
				"restore '%s': cannot link data file %s: %s",
				name, id, strerror(errno));
			goto out;
		}
		if ((rc = state_ids_push(&keep, &n_keep, &cap, r->data)))
			goto out;
	}
	/* 2. ... then the journal says so (a crash from here on restarts
	 * in the snapshot's state) ... */
	rc = state_write_map(s, &m);
	if (!rc)
		rc = state_journal_reopen(s);
	if (rc) {
		log_msg(s->lg, LOG_LV_ERROR,
			"restore '%s': cannot rewrite the journal: %s", name,
			strerror(-rc));
		rc = -EIO;
		goto out;
	}
	s->broken = false;
	/* 3. ... then the tree: back to the manifest, then the records. */
	rc = state_reset_tree(s, &old, &n_old);
	if (!rc)
		rc = state_apply(s, &m, s->datafd, path, err, sizeof(err));
	if (rc) {
		uint64_t *more;
		size_t n_more;

		log_msg(s->lg, LOG_LV_ERROR,
			"restore '%s': %s: the tree is back to the manifest",
			name, err[0] ? err : strerror(-rc));
		state_reset_tree(s, &more, &n_more);
		for (i = 0; i < n_more; i++)
			state_data_drop(s, more[i]);
		free(more);
		for (i = 0; i < n_keep; i++)
			state_data_drop(s, keep[i]);
		n_keep = 0;
		if (!state_checkpoint(s, s->dirfd, STATE_JOURNAL, true))
			state_journal_reopen(s);
		rc = -EINVAL;
	} else {
		state_inval_map(s, &m);
		s->stats.restores++;
	}
	/* 4. data files of the old state that the new one does not use */
	for (i = 0; i < n_old; i++) {
		for (j = 0; j < n_keep && keep[j] != old[i]; j++)
			;
		if (j == n_keep)
			state_data_drop(s, old[i]);
	}
out:
	if (sdfd >= 0)
		close(sdfd);
	free(old);
	free(keep);
	sj_map_release(&m);
	return rc;
}

int state_forget(struct state *s, const char *name)
{
	char tmp[STATE_SNAP_NAME_MAX + 8];

	if (!state_snap_name_ok(name))
		return -EINVAL;
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	state_snap_rm(s, tmp);
	/* renamed first: a crash never leaves half a snapshot under name */
	if (renameat(s->snapfd, name, s->snapfd, tmp) < 0)
		return -errno;
	state_snap_rm(s, tmp);
	return 0;
}

static int state_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Counts the lines of a snapshot's journal (records + header). */
static size_t state_snap_lines(int dirfd, const char *name)
{
	char path[LIMIT_PATH_MAX], buf[65536];
	size_t lines = 0;
	ssize_t n, i;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", name, STATE_JOURNAL);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

static uint64_t state_snap_bytes(int dirfd, const char *name)
{
	char path[LIMIT_PATH_MAX];
	struct dirent *de;
	struct stat st;
	uint64_t sum = 0;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", name, STATE_DATA);
	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' &&
		    fstatat(fd, de->d_name, &st, 0) == 0)
			sum += (uint64_t)st.st_size;
	closedir(d);
	return sum;
}

int state_snapshots(struct state *s,
		    int (*fn)(void *arg, const struct state_snap_info *si),
		    void *arg)
{
	char **names = NULL, **p;
	size_t n = 0, cap = 0, i;
	struct state_snap_info si;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd = dup(s->snapfd), rc = 0;

	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		if (!state_snap_name_ok(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			p = realloc(names, cap * sizeof(*p));
			if (!p) {
				rc = -ENOMEM;
				break;
			}
			names = p;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc && n)
		qsort(names, n, sizeof(*names), state_name_cmp);
	for (i = 0; !rc && i < n; i++) {
		size_t lines = state_snap_lines(s->snapfd, names[i]);

		memset(&si, 0, sizeof(si));
		si.name = names[i];
		si.nodes = lines ? lines - 1 : 0;
		if (fstatat(s->snapfd, names[i], &st, 0) == 0)
			si.created = st.st_mtim.tv_sec;
		si.bytes = state_snap_bytes(s->snapfd, names[i]);
		rc = fn(arg, &si);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
