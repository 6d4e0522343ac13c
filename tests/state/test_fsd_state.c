/* test_fsd_state.c - unit tests of the writable layer without FUSE: changes
 * made with mutate.h on a tree built from a manifest, then the state dir
 * replayed onto a fresh tree (restart), compaction, a torn journal tail,
 * damage, orphan data files, reset/snapshot/restore and what they cost. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "content.h"
#include "manifest.h"
#include "mutate.h"
#include "state.h"
#include "state_journal.h"
#include "tree.h"

static const char *const base_json =
    "{\"version\": 1, \"entries\": ["
    "{\"path\": \"/etc\", \"type\": \"dir\"},"
    "{\"path\": \"/etc/motd\", \"type\": \"file\","
    " \"content\": {\"text\": \"hello\\n\"}},"
    "{\"path\": \"/etc/sub\", \"type\": \"dir\"},"
    "{\"path\": \"/etc/sub/deep\", \"type\": \"file\","
    " \"content\": {\"text\": \"deep\\n\"}},"
    "{\"path\": \"/tmp\", \"type\": \"dir\", \"mode\": \"1777\"},"
    "{\"path\": \"/big\", \"type\": \"file\", \"size\": 100000},"
    "{\"path\": \"/bin/sh\", \"type\": \"symlink\", \"target\": \"busybox\"}"
    "]}";

struct fix {
	char dir[64]; /* the state dir */
	struct fsd_log lg;
	struct tree *t;
	struct state *s;
};

static const struct mut_who root = {0, 0, false};

static struct tree *build(size_t extra)
{
	struct mf_source src = {"test.json", base_json, strlen(base_json)};
	struct mf_manifest *m = NULL;
	struct mf_error merr;
	struct tree_opts opts = {NULL, NULL, {1000, 0}};
	struct tree *t = NULL;
	char err[512], *json = NULL;
	size_t i, len = 0;
	FILE *f;

	if (extra) { /* the base plus 'extra' files in /many */
		f = open_memstream(&json, &len);
		fprintf(f, "%.*s", (int)strlen(base_json) - 2, base_json);
		fprintf(f, ",{\"path\": \"/many\", \"type\": \"dir\"}");
		for (i = 0; i < extra; i++)
			fprintf(f,
				",{\"path\": \"/many/f%zu\", \"type\": "
				"\"file\"}",
				i);
		fprintf(f, "]}");
		fclose(f);
		src.buf = json;
		src.len = len;
	}
	if (mf_load(&src, 1, &m, &merr))
		fail_msg("manifest: %s", mf_error_str(&merr, err, sizeof(err)));
	if (tree_build(m, &opts, &t, err, sizeof(err)))
		fail_msg("tree: %s", err);
	mf_manifest_free(m);
	free(json);
	return t;
}

static int rm_cb(const char *p, const struct stat *sb, int fl, struct FTW *ftw)
{
	(void)sb;
	(void)fl;
	(void)ftw;
	return remove(p);
}

static int open_state(struct fix *f, size_t extra, char *err, size_t errlen)
{
	struct state_config cfg = {f->dir, false};

	f->t = build(extra);
	return state_open(&cfg, f->t, &f->lg, &f->s, err, errlen);
}

static void close_state(struct fix *f)
{
	state_close(f->s);
	tree_free(f->t);
	f->s = NULL;
	f->t = NULL;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	char err[512];

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-state.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	log_init(&f->lg, "test_state");
	f->lg.level = LOG_LV_ERROR;
	if (open_state(f, 0, err, sizeof(err)))
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	close_state(f);
	nftw(f->dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static struct tree_node *get(struct fix *f, const char *path)
{
	struct tree_node *n = NULL;

	return tree_resolve(f->t, path, &n) ? NULL : n;
}

/* The bytes of a file as a reader sees them. */
static char *bytes_of(struct fix *f, struct tree_node *n, size_t *len)
{
	struct content_span sp;
	uint64_t fd_data = 0;
	int fd = -1;
	char *buf = calloc(1, n->size + 1);
	ssize_t got;

	assert_int_equal(content_fd_sync(f->s, n, &fd, &fd_data), 0);
	content_span(n, fd, 0, n->size, &sp);
	if (sp.mem)
		memcpy(buf, sp.mem, sp.len);
	else if (sp.fd >= 0) {
		got = pread(sp.fd, buf, sp.len, 0);
		assert_int_equal(got, (ssize_t)sp.len);
	}
	if (fd >= 0)
		close(fd);
	*len = sp.len;
	return buf;
}

/* A text dump of the whole tree: paths, types, modes, owners, bytes. */
static void dump_node(struct fix *f, struct tree_node *n, const char *path,
		      FILE *out)
{
	struct tree_node *c;
	char sub[4096];
	size_t len, i;
	char *b;

	struct tree_node *e = n; /* the entry: a hard link names its file */
	struct stat st;

	n = tree_entry_node(e);
	tree_stat(n, &st);
	fprintf(out, "%s %o %u:%u %llu nlink=%lu", path, (unsigned)n->mode,
		n->uid, n->gid, (unsigned long long)n->size,
		(unsigned long)st.st_nlink);
	if (e != n && !tree_path(f->t, n, sub, sizeof(sub)))
		fprintf(out, " link-of %s", sub);
	if (S_ISLNK(n->mode))
		fprintf(out, " -> %s", n->target);
	if (S_ISREG(n->mode)) {
		b = bytes_of(f, n, &len);
		fprintf(out, " [");
		for (i = 0; i < len && i < 64; i++)
			fprintf(out, "%02x", (unsigned char)b[i]);
		fprintf(out, "]");
		free(b);
	}
	for (i = 0; n->st && i < n->st->n_xattrs; i++)
		fprintf(out, " x:%s", n->st->xattrs[i].name);
	fprintf(out, "\n");
	if (!S_ISDIR(n->mode))
		return;
	for (c = tree_dir_next(n, 0); c; c = c->hh.next) {
		snprintf(sub, sizeof(sub), "%s/%s",
			 strcmp(path, "/") ? path : "", c->name);
		dump_node(f, c, sub, out);
	}
}

/* strcmp on char ** for qsort */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Dumps sorted, so listing order does not matter. */
static char *dump(struct fix *f)
{
	char *buf = NULL, *sorted, **lines, *p;
	size_t len = 0, n = 0, i, cap = 0;
	FILE *out = open_memstream(&buf, &len);

	dump_node(f, tree_get(f->t, TREE_ROOT_INO), "/", out);
	fclose(out);
	lines = NULL;
	for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n")) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			lines = realloc(lines, cap * sizeof(*lines));
		}
		lines[n++] = p;
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	sorted = calloc(1, len + n + 2);
	for (i = 0; i < n; i++) {
		strcat(sorted, lines[i]);
		strcat(sorted, "\n");
	}
	free(lines);
	free(buf);
	return sorted;
}

static void restart(struct fix *f, size_t extra)
{
	char err[512];

	close_state(f);
	if (open_state(f, extra, err, sizeof(err)))
		fail_msg("reopen: %s", err);
}

static void write_at(struct fix *f, const char *path, const char *text,
		     off_t off)
{
	struct tree_node *n = get(f, path);
	uint64_t fd_data = 0;
	size_t done;
	int fd = -1;

	assert_non_null(n);
	assert_int_equal(
	    mut_write(f->s, n, &fd, &fd_data, text, strlen(text), off, &done),
	    0);
	assert_int_equal(done, strlen(text));
	if (fd >= 0)
		close(fd);
}

/* A mix of every change; a restart on the state dir gives the same tree. */
static void changes(struct fix *f)
{
	struct tree_node *n, *d;
	struct mut_attr a;

	memset(&a, 0, sizeof(a));
	write_at(f, "/etc/motd", "HE", 0);  /* copy-up of inline */
	write_at(f, "/big", "tail", 99998); /* copy-up of sparse */
	assert_int_equal(mut_make(f->s, &root, get(f, "/tmp"), "new",
				  S_IFREG | 0640, 0, NULL, &n),
			 0);
	write_at(f, "/tmp/new", "fresh", 0);
	assert_int_equal(mut_make(f->s, &root, get(f, "/tmp"), "d",
				  S_IFDIR | 0700, 0, NULL, &d),
			 0);
	assert_int_equal(
	    mut_make(f->s, &root, d, "l", S_IFLNK | 0777, 0, "../new", &n), 0);
	assert_int_equal(
	    mut_make(f->s, &root, d, "fifo", S_IFIFO | 0600, 0, NULL, &n), 0);
	/* a manifest directory moves under a new one, with its child */
	assert_int_equal(
	    mut_rename(f->s, &root, get(f, "/etc"), "sub", d, "moved", 0), 0);
	assert_int_equal(mut_unlink(f->s, &root, get(f, "/bin"), "sh"), 0);
	a.set = MUT_SET_MODE | MUT_SET_UID;
	a.mode = 04711;
	a.uid = 42;
	assert_int_equal(mut_setattr(f->s, &root, get(f, "/etc/motd"), &a), 0);
	assert_int_equal(
	    state_xattr_set(f->s, get(f, "/tmp/new"), "user.k", "v", 1, 0), 0);
	/* made and removed: nothing is left of it */
	assert_int_equal(mut_make(f->s, &root, get(f, "/tmp"), "brief",
				  S_IFREG | 0644, 0, NULL, &n),
			 0);
	assert_int_equal(mut_unlink(f->s, &root, get(f, "/tmp"), "brief"), 0);
}

static void test_state_replay_gives_the_same_tree(void **state)
{
	struct fix *f = *state;
	char *before, *after;

	changes(f);
	before = dump(f);
	assert_non_null(strstr(before, "/tmp/d/moved/deep"));
	assert_null(strstr(before, "/bin/sh"));
	restart(f, 0);
	after = dump(f);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_state_reset_snapshot_restore(void **state)
{
	struct fix *f = *state;
	char *pristine, *s1, *now;
	struct state_stats st;

	restart(f, 5000); /* the base plus 5,000 files */
	pristine = dump(f);
	changes(f);
	s1 = dump(f);
	assert_int_equal(state_snapshot(f->s, "s1"), 0);
	assert_int_equal(state_snapshot(f->s, "s1"), -EEXIST);
	assert_int_equal(state_snapshot(f->s, ".hidden"), -EINVAL);
	assert_int_equal(state_snapshot(f->s, "a/b"), -EINVAL);
	/* writes after the snapshot do not reach its shared data files */
	write_at(f, "/etc/motd", "XXXX", 0);
	write_at(f, "/tmp/new", "later", 0);
	assert_int_equal(mut_unlink(f->s, &root, get(f, "/tmp"), "new"), 0);
	assert_int_equal(state_restore(f->s, "s1"), 0);
	state_get_stats(f->s, &st);
	assert_true(st.last_nodes_visited < 50);
	now = dump(f);
	assert_string_equal(s1, now);
	free(now);
	assert_int_equal(state_reset(f->s), 0);
	state_get_stats(f->s, &st);
	assert_true(st.last_nodes_visited < 50);
	assert_int_equal(st.dirty, 0);
	now = dump(f);
	assert_string_equal(pristine, now);
	free(now);
	/* a restart after the reset: still pristine; the snapshot is kept */
	restart(f, 5000);
	now = dump(f);
	assert_string_equal(pristine, now);
	free(now);
	assert_int_equal(state_restore(f->s, "s1"), 0);
	restart(f, 5000);
	now = dump(f);
	assert_string_equal(s1, now);
	free(now);
	assert_int_equal(state_forget(f->s, "s1"), 0);
	assert_int_equal(state_restore(f->s, "s1"), -ENOENT);
	free(pristine);
	free(s1);
}

/* Hard links: names, nlink, errors; the first name going moves the file
 * into another; replay, snapshot, restore and reset give them back. */
static void test_state_hard_links(void **state)
{
	struct fix *f = *state;
	struct tree_node *a, *motd, *out;
	char *pristine, *s1, *now;
	struct state_stats st;
	struct stat sb;

	pristine = dump(f);
	motd = get(f, "/etc/motd");
	assert_int_equal(mut_make(f->s, &root, get(f, "/tmp"), "a",
				  S_IFREG | 0644, 0, NULL, &a),
			 0);
	write_at(f, "/tmp/a", "AAA", 0);
	assert_int_equal(mut_link(f->s, &root, a, get(f, "/tmp"), "b", &out),
			 0);
	assert_ptr_equal(out, a);
	assert_ptr_equal(get(f, "/tmp/b"), a);
	assert_int_equal(
	    mut_link(f->s, &root, motd, get(f, "/etc/sub"), "m2", &out), 0);
	assert_int_equal(
	    mut_link(f->s, &root, motd, get(f, "/tmp"), "m3", &out), 0);
	assert_int_equal(mut_link(f->s, &root, a, get(f, "/tmp"), "b", &out),
			 -EEXIST);
	assert_int_equal(
	    mut_link(f->s, &root, get(f, "/etc"), get(f, "/tmp"), "x", &out),
	    -EPERM);
	assert_int_equal(mut_link(f->s, &root, NULL, get(f, "/tmp"), "x", &out),
			 -ENOENT);
	assert_int_equal(
	    mut_link(f->s, &root, a, get(f, "/etc/motd"), "x", &out), -ENOTDIR);
	tree_stat(motd, &sb);
	assert_int_equal(sb.st_nlink, 3);
	/* the first name goes: the file takes another name's place */
	assert_int_equal(mut_unlink(f->s, &root, get(f, "/etc"), "motd"), 0);
	assert_ptr_equal(get(f, "/tmp/m3"), motd);
	assert_ptr_equal(get(f, "/etc/sub/m2"), motd);
	tree_stat(motd, &sb);
	assert_int_equal(sb.st_nlink, 2);
	write_at(f, "/etc/sub/m2", "J", 0);
	s1 = dump(f);
	assert_non_null(strstr(s1, "nlink=2 link-of /tmp/"));
	restart(f, 0);
	now = dump(f);
	assert_string_equal(s1, now);
	free(now);
	assert_int_equal(state_snapshot(f->s, "s1"), 0);
	a = get(f, "/tmp/a"); /* the restart built a new tree */
	/* replace a link entry, drop a name, write through another */
	write_at(f, "/tmp/b", "BBBB", 0);
	assert_int_equal(mut_rename(f->s, &root, get(f, "/tmp"), "a",
				    get(f, "/tmp"), "m3", 0),
			 0);
	assert_int_equal(mut_unlink(f->s, &root, get(f, "/etc/sub"), "m2"), 0);
	assert_ptr_equal(get(f, "/tmp/m3"), a);
	assert_int_equal(state_restore(f->s, "s1"), 0);
	now = dump(f);
	assert_string_equal(s1, now);
	free(now);
	restart(f, 0);
	now = dump(f);
	assert_string_equal(s1, now);
	free(now);
	assert_int_equal(state_reset(f->s), 0);
	state_get_stats(f->s, &st);
	assert_int_equal(st.dirty, 0);
	now = dump(f);
	assert_string_equal(pristine, now);
	free(now);
	restart(f, 0);
	now = dump(f);
	assert_string_equal(pristine, now);
	free(now);
	free(pristine);
	free(s1);
}

/* Thousands of changes to one node: the journal is compacted, and still
 * replays to the same state. */
static void test_state_compaction(void **state)
{
	struct fix *f = *state;
	struct state_stats st;
	struct mut_attr a;
	char *before, *after;
	int i;

	memset(&a, 0, sizeof(a));
	a.set = MUT_SET_MODE;
	for (i = 0; i < 9000; i++) {
		a.mode = (mode_t)(i & 0777);
		assert_int_equal(
		    mut_setattr(f->s, &root, get(f, "/etc/motd"), &a), 0);
	}
	state_get_stats(f->s, &st);
	assert_true(st.compactions >= 1);
	assert_true(st.journal_lines < 5000);
	before = dump(f);
	restart(f, 0);
	after = dump(f);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void append_file(const char *dir, const char *name, const char *text)
{
	char p[256];
	FILE *out;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	out = fopen(p, "a");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
}

/* A half-written last line (the daemon died in write(2)) is cut off; an
 * orphan data file (died between making it and journaling it) goes. */
static void test_state_torn_tail_and_orphans(void **state)
{
	struct fix *f = *state;
	char *before, *after, p[256];
	struct stat st;

	changes(f);
	before = dump(f);
	append_file(f->dir, "journal", "0badc0de set ref=#99 parent=/ na");
	append_file(f->dir, "data/999999", "orphan");
	restart(f, 0);
	after = dump(f);
	assert_string_equal(before, after);
	snprintf(p, sizeof(p), "%s/data/999999", f->dir);
	assert_int_equal(stat(p, &st), -1);
	snprintf(p, sizeof(p), "%s/journal", f->dir);
	assert_int_equal(stat(p, &st), 0);
	free(before);
	free(after);
	/* and the next change appends after the cut, cleanly */
	write_at(f, "/tmp/new", "again", 0);
	before = dump(f);
	restart(f, 0);
	after = dump(f);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* Damage before intact lines, or a journal of other manifests: the state
 * dir is refused with a message naming the line. */
static void test_state_refuses_damage(void **state)
{
	struct fix *f = *state;
	char err[512], p[256], buf[65536];
	ssize_t n;
	int fd;

	changes(f);
	close_state(f);
	snprintf(p, sizeof(p), "%s/journal", f->dir);
	fd = open(p, O_RDWR);
	n = pread(fd, buf, sizeof(buf), 0);
	assert_true(n > 100);
	buf[strchr(buf, '\n') - buf + 30] ^= 1; /* line 2 */
	assert_int_equal(pwrite(fd, buf, (size_t)n, 0), n);
	close(fd);
	assert_int_equal(open_state(f, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 2 is damaged"));
	tree_free(f->t);
	f->t = NULL;
	/* repair it; then a reference the manifest lacks */
	buf[strchr(buf, '\n') - buf + 30] ^= 1;
	fd = open(p, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, buf, (size_t)n), n);
	close(fd);
	assert_int_equal(open_state(f, 0, err, sizeof(err)), 0);
	close_state(f);
	{
		struct sj_line l;
		const char *out;
		size_t len;

		sj_line_init(&l);
		sj_line_rec(&l, "del");
		sj_line_str(&l, "ref", "/nope", 5);
		assert_int_equal(sj_line_end(&l, &out, &len), 0);
		fd = open(p, O_WRONLY | O_APPEND);
		assert_int_equal(write(fd, out, len), (ssize_t)len);
		close(fd);
		sj_line_release(&l);
	}
	assert_int_equal(open_state(f, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'/nope' is not in the manifest"));
	tree_free(f->t);
	f->t = NULL;
	assert_int_equal(open_state(f, 0, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_state_replay_gives_the_same_tree, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_reset_snapshot_restore,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_hard_links, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_state_compaction, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_state_torn_tail_and_orphans,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_refuses_damage, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
