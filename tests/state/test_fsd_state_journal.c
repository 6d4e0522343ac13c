/* test_fsd_state_journal.c - unit tests of fsd/state_journal.c: line building
 * and crc, round trips of awkward names and values, folding by REF, torn
 * tails, damage in the middle, malformed records. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "state_journal.h"

/* Appends one finished line to a growing buffer. */
static void put_line(char **buf, size_t *len, struct sj_line *l)
{
	const char *out;
	size_t n;

	assert_int_equal(sj_line_end(l, &out, &n), 0);
	*buf = realloc(*buf, *len + n + 1);
	assert_non_null(*buf);
	memcpy(*buf + *len, out, n);
	*len += n;
	(*buf)[*len] = '\0';
	sj_line_reset(l);
}

static void put_set(struct sj_line *l, const char *ref, const char *parent,
		    const char *name, char type, unsigned mode)
{
	struct timespec ts = {1700000000, 5};

	sj_line_rec(l, "set");
	sj_line_str(l, "ref", ref, strlen(ref));
	sj_line_str(l, "parent", parent, strlen(parent));
	sj_line_str(l, "name", name, strlen(name));
	sj_line_str(l, "type", &type, 1);
	sj_line_oct(l, "mode", mode);
	sj_line_u64(l, "uid", 0);
	sj_line_u64(l, "gid", 0);
	sj_line_time(l, "atime", &ts);
	sj_line_time(l, "mtime", &ts);
	sj_line_time(l, "ctime", &ts);
}

static char *journal(size_t *len)
{
	struct sj_line l;
	char *buf = NULL;

	*len = 0;
	sj_line_init(&l);
	sj_line_header(&l, 7);
	put_line(&buf, len, &l);
	/* a name with every byte that needs escaping, and UTF-8 */
	put_set(&l, "#3", "/tmp", "a b\t%=,\n\x7f\xc3\xa9", 'f', 0644);
	sj_line_u64(&l, "data", 9);
	sj_line_xattr(&l, "user.k", "v\0=,", 4);
	put_line(&buf, len, &l);
	/* two records on one line (one operation) */
	put_set(&l, "/etc/motd", "/etc", "motd", 'f', 0600);
	put_set(&l, "/etc", "/", "etc", 'd', 0755);
	put_line(&buf, len, &l);
	put_set(&l, "#4", "/", "gone", 'd', 0700);
	put_line(&buf, len, &l);
	sj_line_rec(&l, "del");
	sj_line_str(&l, "ref", "#4", 2);
	put_line(&buf, len, &l);
	sj_line_rec(&l, "del");
	sj_line_str(&l, "ref", "/bin/sh", 7);
	put_line(&buf, len, &l);
	sj_line_release(&l);
	return buf;
}

/* Everything written reads back; the last record of a REF wins; "del" of
 * a run-time node forgets it, of a manifest node stays. */
static void test_state_journal_round_trip(void **state)
{
	struct sj_map m;
	struct sj_rec *r;
	char err[256];
	size_t len;
	char *buf = journal(&len);

	(void)state;
	sj_map_init(&m);
	assert_int_equal(sj_parse("j", buf, len, &m, err, sizeof(err)), 0);
	assert_false(m.torn);
	assert_int_equal(m.lines, 6);
	assert_int_equal(m.good_len, (off_t)len);
	assert_int_equal(HASH_COUNT(m.recs), 4);
	assert_true(m.next >= 10); /* above data=9 and #4 */
	HASH_FIND_STR(m.recs, "#3", r);
	assert_non_null(r);
	assert_string_equal(r->name, "a b\t%=,\n\x7f\xc3\xa9");
	assert_string_equal(r->parent, "/tmp");
	assert_int_equal(r->type, 'f');
	assert_int_equal(r->mode, 0644);
	assert_int_equal(r->data, 9);
	assert_int_equal(r->mtime.tv_sec, 1700000000);
	assert_int_equal(r->mtime.tv_nsec, 5);
	assert_int_equal(r->nx, 1);
	assert_string_equal(r->x[0].name, "user.k");
	assert_int_equal(r->x[0].len, 4);
	assert_memory_equal(r->x[0].value, "v\0=,", 4);
	HASH_FIND_STR(m.recs, "/etc/motd", r);
	assert_non_null(r);
	assert_int_equal(r->mode, 0600);
	assert_int_equal(r->line, 3);
	HASH_FIND_STR(m.recs, "#4", r);
	assert_null(r);
	HASH_FIND_STR(m.recs, "/bin/sh", r);
	assert_non_null(r);
	assert_true(r->del);
	sj_map_release(&m);
	free(buf);
}

/* A cut anywhere in the last line is a torn tail: the lines before stand. */
static void test_state_journal_torn_tail(void **state)
{
	struct sj_map m;
	char err[256];
	size_t len, cut, last;
	char *buf = journal(&len);

	(void)state;
	last = len - 1;
	while (last > 0 && buf[last - 1] != '\n')
		last--;
	for (cut = last + 1; cut < len; cut++) {
		sj_map_init(&m);
		assert_int_equal(sj_parse("j", buf, cut, &m, err, sizeof(err)),
				 0);
		assert_true(m.torn);
		assert_int_equal(m.good_len, (off_t)last);
		assert_int_equal(m.lines, 5);
		sj_map_release(&m);
	}
	/* a flipped byte in the last line: torn as well */
	buf[len - 3] ^= 1;
	sj_map_init(&m);
	assert_int_equal(sj_parse("j", buf, len, &m, err, sizeof(err)), 0);
	assert_true(m.torn);
	assert_int_equal(m.good_len, (off_t)last);
	sj_map_release(&m);
	free(buf);
}

/* Damage followed by intact lines is not a crash: an error naming the
 * line. */
static void test_state_journal_damage_in_the_middle(void **state)
{
	struct sj_map m;
	char err[256];
	size_t len;
	char *buf = journal(&len);
	char *second = strchr(buf, '\n') + 1;

	(void)state;
	second[20] ^= 0x20;
	sj_map_init(&m);
	assert_int_equal(sj_parse("jrnl", buf, len, &m, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "jrnl: line 2 is damaged"));
	sj_map_release(&m);
	free(buf);
}

/* Lines with a good crc but a bad record, or no header. */
static void test_state_journal_malformed(void **state)
{
	static const char *const bad[] = {
	    "set ref=#1",                          /* no parent/name/type */
	    "set ref=x parent=/ name=a type=f",    /* ref neither / nor # */
	    "set ref=#1 parent=/ name=a type=q",   /* unknown type */
	    "set ref=#1 parent=/ name=a/b type=f", /* a slash in a name */
	    "set ref=#1 parent=/ name= type=f",    /* empty name */
	    "set ref=#1 parent=/ name=a type=l",   /* symlink, no target */
	    "set ref=#1 parent=/ name=a type=f mode=99999",
	    "set ref=#1 parent=/ name=a type=f mtime=1.x",
	    "set ref=#1 parent=/ name=a type=f data=0",
	    "set ref=#1 parent=/ name=%zz type=f",         /* bad escape */
	    "set ref=#1 parent=/ name=a type=f color=red", /* unknown key */
	    "frob ref=#1",                                 /* unknown verb */
	};
	struct sj_line l;
	struct sj_map m;
	char err[256], *buf = NULL;
	const char *out;
	size_t i, len = 0, n;

	(void)state;
	sj_line_init(&l);
	sj_line_header(&l, 1);
	put_line(&buf, &len, &l);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *one = NULL;
		size_t onelen = 0;

		/* the record's words raw, with a good crc */
		sj_line_reset(&l);
		l.len = 9;
		l.nrec = 1;
		memcpy(l.p + 9, bad[i], strlen(bad[i]));
		l.len += strlen(bad[i]);
		assert_int_equal(sj_line_end(&l, &out, &n), 0);
		one = malloc(len + n);
		memcpy(one, buf, len);
		memcpy(one + len, out, n);
		onelen = len + n;
		sj_map_init(&m);
		if (sj_parse("j", one, onelen, &m, err, sizeof(err)) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(err, "line 2: malformed record"));
		sj_map_release(&m);
		free(one);
	}
	/* no header */
	sj_map_init(&m);
	assert_int_equal(sj_parse("j", buf + 0, 0, &m, err, sizeof(err)), 0);
	sj_line_reset(&l);
	put_set(&l, "#1", "/", "a", 'f', 0644);
	assert_int_equal(sj_line_end(&l, &out, &n), 0);
	assert_int_equal(sj_parse("j", out, n, &m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no 'esxmock-state' header"));
	sj_map_release(&m);
	sj_line_release(&l);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_journal_round_trip),
	    cmocka_unit_test(test_state_journal_torn_tail),
	    cmocka_unit_test(test_state_journal_damage_in_the_middle),
	    cmocka_unit_test(test_state_journal_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
