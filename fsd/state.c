/* state.c - the state directory: opening, locking, replay at start, the
 * dirty list, node records and the journal (append, compaction).
 * Owns struct state's life; reset/snapshots are in state_snap.c. */
#include "state_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "limits.h"
#include "limits_state.h"

static const char state_readme[] =
    "This is an esxfsd state directory (esxmock): what the tests changed in\n"
    "the mounted tree, on top of the manifests. See docs/state-dir.md.\n"
    "\n"
    "  journal     one line per change: 'set' (a node's whole state) or\n"
    "              'del'; the last line of a node wins; path= says where\n"
    "  data/ID     the bytes of a changed or new file (journal: data=ID)\n"
    "  snapshots/  NAME/journal + NAME/data: saved states\n"
    "  lock        held by the running esxfsd\n"
    "\n"
    "What changed, as a list: esxmockctl state diff (or --state DIR).\n";

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
static void state_release_cb(void *arg, struct tree_node *n)
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

static size_t state_compact_limit(const struct state *s)
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

/* ---- opening ----------------------------------------------------------- */

static int state_mkdirs(const char *path)
{
	char buf[LIMIT_PATH_MAX];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = i == len ? '\0' : '/';
	}
	return 0;
}

static int state_lock(struct state *s, char *err, size_t errlen)
{
	char pid[32], other[32] = "";
	ssize_t n;
	int len;

	s->lockfd =
	    openat(s->dirfd, STATE_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lockfd < 0) {
		snprintf(err, errlen, "state dir '%s': cannot create '%s': %s",
			 s->dir, STATE_LOCK, strerror(errno));
		return -errno;
	}
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) < 0) {
		n = pread(s->lockfd, other, sizeof(other) - 1, 0);
		if (n > 0)
			other[n] = '\0';
		other[strcspn(other, "\n")] = '\0';
		snprintf(err, errlen,
			 "state dir '%s' is in use by another esxfsd (pid %s)",
			 s->dir, other[0] ? other : "unknown");
		return -EBUSY;
	}
	len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(s->lockfd, 0) == 0 &&
	    pwrite(s->lockfd, pid, (size_t)len, 0) != len) {
		/* the pid is for messages only */
	}
	return 0;
}

static int state_rm_cb(const char *path, const struct stat *sb, int flag,
		       struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void state_rm_tree(const char *path)
{
	nftw(path, state_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Removes what an interrupted snapshot or checkpoint left. */
static void state_clean_tmp(struct state *s)
{
	struct dirent *de;
	DIR *d;
	int fd;

	unlinkat(s->dirfd, STATE_JOURNAL_TMP, 0);
	fd = dup(s->snapfd);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char path[LIMIT_PATH_MAX];

		if (l > 4 && !strcmp(de->d_name + l - 4, ".tmp")) {
			snprintf(path, sizeof(path), "%s/%s/%s", s->dir,
				 STATE_SNAPS, de->d_name);
			state_rm_tree(path);
		}
	}
	closedir(d);
}

/* next_id must stay above every id a snapshot holds (data files are
 * linked back on restore): their headers say so. */
static void state_scan_snapshot_ids(struct state *s)
{
	struct dirent *de;
	DIR *d;
	int fd = dup(s->snapfd);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		char path[LIMIT_PATH_MAX], line[512], err[256];
		struct sj_map m;
		ssize_t n;
		char *nl;
		int jfd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", de->d_name,
			 STATE_JOURNAL);
		jfd = openat(s->snapfd, path, O_RDONLY | O_CLOEXEC);
		if (jfd < 0)
			continue;
		n = read(jfd, line, sizeof(line) - 1);
		close(jfd);
		if (n <= 0)
			continue;
		line[n] = '\0';
		nl = strchr(line, '\n');
		if (!nl)
			continue;
		sj_map_init(&m);
		if (!sj_parse(path, line, (size_t)(nl - line + 1), &m, err,
			      sizeof(err)) &&
		    m.next > s->next_id)
			s->next_id = m.next;
		sj_map_release(&m);
	}
	closedir(d);
}

static int state_id_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Deletes data files no node refers to (a crash between making a data
 * file and journaling it, or after dropping one), and keeps next_id above
 * every data id on disk. */
static int state_sweep_data(struct state *s)
{
	struct state_node *sn;
	uint64_t *ids = NULL, id;
	size_t n = 0, i = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	for (sn = s->dirty.next; sn != &s->dirty; sn = sn->next)
		n += sn->data != 0;
	if (n && !(ids = malloc(n * sizeof(*ids))))
		return -ENOMEM;
	for (sn = s->dirty.next; sn != &s->dirty; sn = sn->next)
		if (sn->data)
			ids[i++] = sn->data;
	if (n)
		qsort(ids, n, sizeof(*ids), state_id_cmp);
	fd = dup(s->datafd);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		free(ids);
		return -errno;
	}
	while ((de = readdir(d))) {
		char *end;

		if (de->d_name[0] == '.')
			continue;
		id = strtoull(de->d_name, &end, 10);
		if (*end || !id) {
			log_msg(s->lg, LOG_LV_WARN,
				"state dir '%s': stray file 'data/%s' (left "
				"alone)",
				s->dir, de->d_name);
			continue;
		}
		if (id >= s->next_id)
			s->next_id = id + 1;
		if (!n || !bsearch(&id, ids, n, sizeof(*ids), state_id_cmp))
			unlinkat(s->datafd, de->d_name, 0);
	}
	closedir(d);
	free(ids);
	return 0;
}

/* Creates an empty journal (header only) when there is none. */
static int state_journal_init(struct state *s)
{
	struct stat st;

	if (fstatat(s->dirfd, STATE_JOURNAL, &st, 0) == 0)
		return 0;
	if (errno != ENOENT)
		return -errno;
	return state_checkpoint(s, s->dirfd, STATE_JOURNAL, false);
}

static int state_open_dirs(struct state *s, char *err, size_t errlen)
{
	const char *what = STATE_DATA;
	int fd;

	if (mkdirat(s->dirfd, STATE_DATA, 0700) < 0 && errno != EEXIST)
		goto fail;
	what = STATE_SNAPS;
	if (mkdirat(s->dirfd, STATE_SNAPS, 0700) < 0 && errno != EEXIST)
		goto fail;
	what = STATE_DATA;
	s->datafd =
	    openat(s->dirfd, STATE_DATA, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->datafd < 0)
		goto fail;
	what = STATE_SNAPS;
	s->snapfd =
	    openat(s->dirfd, STATE_SNAPS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->snapfd < 0)
		goto fail;
	fd = openat(s->dirfd, STATE_README,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0) {
		state_write_all(fd, state_readme, sizeof(state_readme) - 1);
		close(fd);
	}
	return 0;
fail:
	snprintf(err, errlen, "state dir '%s': cannot create '%s': %s", s->dir,
		 what, strerror(errno));
	return -errno;
}

/* Reads the journal, cuts a torn tail, applies it to the tree. */
static int state_replay(struct state *s, char *err, size_t errlen)
{
	struct sj_map m;
	char msg[512];
	int rc;

	sj_map_init(&m);
	rc = sj_read(s->dirfd, STATE_JOURNAL, &m, msg, sizeof(msg));
	if (rc) {
		snprintf(err, errlen, "state dir '%s': %s", s->dir, msg);
		goto out;
	}
	if (m.torn) {
		log_msg(s->lg, LOG_LV_WARN,
			"state dir '%s': the journal's last line was "
			"incomplete (the daemon died while writing it): "
			"ignored",
			s->dir);
		{
			int fd = openat(s->dirfd, STATE_JOURNAL,
					O_WRONLY | O_CLOEXEC);

			if (fd < 0 || ftruncate(fd, m.good_len) < 0) {
				rc = -errno;
				snprintf(err, errlen,
					 "state dir '%s': cannot cut the "
					 "journal's torn tail: %s",
					 s->dir, strerror(errno));
				if (fd >= 0)
					close(fd);
				goto out;
			}
			close(fd);
		}
	}
	if (m.next > s->next_id)
		s->next_id = m.next;
	rc = state_apply(s, &m, s->datafd, STATE_JOURNAL, msg, sizeof(msg));
	if (rc)
		snprintf(err, errlen,
			 "state dir '%s': %s (start with another --state "
			 "dir, or the manifests the state was made with)",
			 s->dir, msg);
	s->stats.journal_lines = m.lines;
out:
	sj_map_release(&m);
	return rc;
}

int state_open(const struct state_config *cfg, struct tree *t,
	       const struct fsd_log *lg, struct state **out, char *err,
	       size_t errlen)
{
	struct state *s = calloc(1, sizeof(*s));
	char tmpl[LIMIT_PATH_MAX];
	const char *tmpdir;
	int rc;

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->t = t;
	s->lg = lg;
	s->dirfd = s->datafd = s->snapfd = s->jfd = s->lockfd = -1;
	s->next_id = 1;
	s->keep = cfg->keep;
	s->dirty.next = s->dirty.prev = &s->dirty;
	s->detached.next = s->detached.prev = &s->detached;
	sj_line_init(&s->line);
	if (cfg->dir) {
		rc = state_mkdirs(cfg->dir);
		if (rc) {
			snprintf(err, errlen, "state dir '%s': %s", cfg->dir,
				 strerror(-rc));
			goto fail;
		}
		s->dir = realpath(cfg->dir, NULL);
	} else {
		tmpdir = getenv("TMPDIR");
		snprintf(tmpl, sizeof(tmpl), "%s/esxfsd-state.XXXXXX",
			 tmpdir && *tmpdir ? tmpdir : "/tmp");
		if (!mkdtemp(tmpl)) {
			rc = -errno;
			snprintf(err, errlen,
				 "cannot make a state dir '%s': %s", tmpl,
				 strerror(errno));
			goto fail;
		}
		s->temp = true;
		s->dir = strdup(tmpl);
	}
	rc = -ENOMEM;
	if (!s->dir) {
		snprintf(err, errlen, "state dir '%s': %s",
			 cfg->dir ? cfg->dir : tmpl, strerror(errno));
		goto fail;
	}
	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "state dir '%s': %s", s->dir,
			 strerror(errno));
		goto fail;
	}
	if ((rc = state_lock(s, err, errlen)) ||
	    (rc = state_open_dirs(s, err, errlen)))
		goto fail;
	state_clean_tmp(s);
	t->release_st = state_release_cb;
	t->release_arg = s;
	if ((rc = state_journal_init(s))) {
		snprintf(err, errlen, "state dir '%s': cannot write '%s': %s",
			 s->dir, STATE_JOURNAL, strerror(-rc));
		goto fail;
	}
	if ((rc = state_replay(s, err, errlen)))
		goto fail;
	state_scan_snapshot_ids(s);
	if ((rc = state_sweep_data(s))) {
		snprintf(err, errlen, "state dir '%s': cannot list '%s': %s",
			 s->dir, STATE_DATA, strerror(-rc));
		goto fail;
	}
	if ((rc = state_journal_reopen(s))) {
		snprintf(err, errlen, "state dir '%s': cannot open '%s': %s",
			 s->dir, STATE_JOURNAL, strerror(-rc));
		goto fail;
	}
	if (s->stats.journal_lines > state_compact_limit(s) &&
	    !state_checkpoint(s, s->dirfd, STATE_JOURNAL, false))
		state_journal_reopen(s);
	s->stats.last_nodes_visited = 0;
	s->stats.nodes_visited = 0;
	*out = s;
	return 0;
fail:
	s->keep = s->keep || !s->temp;
	state_close(s);
	return rc;
}

void state_close(struct state *s)
{
	struct state_node *sn;

	if (!s)
		return;
	while ((sn = s->dirty.next) != &s->dirty)
		state_node_free(s, sn, false);
	while ((sn = s->detached.next) != &s->detached)
		state_node_free(s, sn, s->datafd >= 0);
	if (s->t && s->t->release_arg == s) {
		s->t->release_st = NULL;
		s->t->release_arg = NULL;
	}
	if (s->jfd >= 0)
		close(s->jfd);
	if (s->datafd >= 0)
		close(s->datafd);
	if (s->snapfd >= 0)
		close(s->snapfd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	if (s->dir && s->temp && !s->keep)
		state_rm_tree(s->dir);
	else if (s->dir && s->temp && s->lg)
		log_msg(s->lg, LOG_LV_INFO, "state kept in '%s'", s->dir);
	if (s->lockfd >= 0)
		close(s->lockfd); /* last: releases the lock */
	sj_line_release(&s->line);
	free(s->dir);
	free(s);
}

void state_set_inval(struct state *s, struct inval *q)
{
	s->inval = q;
}

struct inval *state_inval(const struct state *s)
{
	return s ? s->inval : NULL;
}

const char *state_dir(const struct state *s)
{
	return s->dir;
}

struct tree *state_tree(const struct state *s)
{
	return s->t;
}

void state_space(const struct state *s, unsigned long bsize,
		 unsigned long *bfree, unsigned long *ffree)
{
	struct statvfs sv;

	if (fstatvfs(s->dirfd, &sv) < 0)
		return;
	*bfree = (unsigned long)((uint64_t)sv.f_bavail * sv.f_frsize / bsize);
	*ffree = (unsigned long)sv.f_favail;
}

bool state_broken(const struct state *s)
{
	return s->broken;
}

void state_get_stats(const struct state *s, struct state_stats *out)
{
	*out = s->stats;
}
