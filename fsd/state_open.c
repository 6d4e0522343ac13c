/* state_open.c - the state directory's life: creating or opening it,
 * the lock, replay at start (a torn tail cut, orphans swept), closing.
 * Owns struct state's allocation and the accessors. */
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
#include <time.h>
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

void state_rm_tree(const char *path)
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

		if (l > 4 && !strcmp(de->d_name + l - 4, ".tmp"))
			state_snap_rm(s, de->d_name);
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

/* Private temp dirs of daemons that died (kill -9) stay behind: before
 * making one, remove those whose lock nobody holds, that were not kept
 * (--keep-state leaves a "keep" file) and that are a minute old. */
static void state_sweep_temp(const char *tmpdir)
{
	char path[LIMIT_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(tmpdir);
	time_t now = time(NULL);
	int fd;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, STATE_TEMP_PREFIX,
			    strlen(STATE_TEMP_PREFIX)))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", tmpdir, de->d_name,
			 STATE_KEEP);
		if (stat(path, &st) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid() || now - st.st_mtime < 60)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", tmpdir, de->d_name,
			 STATE_LOCK);
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno != ENOENT)
			continue;
		/* no lock file: a removal the kill -9 interrupted */
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) == 0) {
			snprintf(path, sizeof(path), "%s/%s", tmpdir,
				 de->d_name);
			state_rm_tree(path);
		}
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
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
		tmpdir = tmpdir && *tmpdir ? tmpdir : "/tmp";
		state_sweep_temp(tmpdir);
		snprintf(tmpl, sizeof(tmpl), "%s/%sXXXXXX", tmpdir,
			 STATE_TEMP_PREFIX);
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
	if (s->temp && s->keep) { /* a later start's sweep leaves it alone */
		int kfd = openat(s->dirfd, STATE_KEEP,
				 O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (kfd >= 0)
			close(kfd);
	}
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
