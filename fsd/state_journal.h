/* state_journal.h - the text format of the state journal and checkpoints.
 * Owns encoding and parsing of journal lines and the folded record map.
 * Plain libc + zlib (crc32): esxmockctl links it for offline diffs.
 *
 * A journal is a text file of lines "CRC RECORD[<TAB>RECORD...]\n": CRC is
 * the crc32 of everything after "CRC " up to the newline, as 8 lowercase
 * hex digits. One line is one operation, so a line is applied whole or
 * not at all. A RECORD is space-separated words: a verb, then key=value
 * pairs whose values are percent-encoded (bytes <= 0x20, '%', '=' and
 * 0x7f as %XX; other bytes, UTF-8 included, as they are):
 *
 *   esxmock-state v=1 next=ID          header, first line of every file
 *   set ref=REF parent=REF name=NAME type=T mode=OCTAL uid=N gid=N
 *       [rdev=MAJ,MIN] atime=S.NS mtime=S.NS ctime=S.NS [data=ID]
 *       [target=TEXT] [link=REF] [x=NAME,VALUE]... [path=PATH]
 *                                      the whole state of one node
 *   del ref=REF [path=PATH]            the node is gone
 *
 * REF names a node for good: "/manifest/path" for a node the manifest
 * made (its path in the manifest, wherever it is now), "#ID" for a node
 * made at run time. T is one of f d l c b p s. link=REF: the record is a
 * hard link (a "#" node, an extra name of the node REF, whose type T it
 * repeats; its own mode, owner and times mean nothing). data=ID: the node's
 * bytes are the data file data/ID. path= is the node's path when the record was
 * written, for people (renaming a directory does not rewrite its
 * descendants' records). The last record of a REF wins; "del" of a "#"
 * REF forgets it.
 */
#ifndef ESXMOCK_FSD_STATE_JOURNAL_H
#define ESXMOCK_FSD_STATE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <uthash.h>

#define SJ_VERSION 1
#define SJ_MAGIC "esxmock-state"

struct sj_xattr {
	char *name;
	char *value;
	size_t len;
};

/* One node's last record. Strings are owned, NUL-terminated. */
struct sj_rec {
	char *ref;
	bool del;
	char *parent, *name, *target, *path;
	char *link; /* a hard link: the REF of the node it names, or NULL */
	char type;  /* f d l c b p s */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	unsigned rdev_major, rdev_minor;
	struct timespec atime, mtime, ctime;
	uint64_t data; /* 0: none */
	struct sj_xattr *x;
	size_t nx;
	size_t line; /* 1-based line of the record, for messages */
	void *node;  /* for the applier: the tree node it resolved to */
	void *pnode; /* and its parent's (manifest parents only) */
	void *lnode; /* and the node its link= names */
	UT_hash_handle hh;
};

/* The records of a journal folded by REF (the last one wins). */
struct sj_map {
	struct sj_rec *recs; /* uthash head, keyed by ref */
	uint64_t next;       /* one more than every ID seen (header too) */
	size_t lines;        /* good lines read */
	off_t good_len;      /* bytes of those lines: the rest was torn */
	bool torn;           /* an incomplete last line was ignored */
};

void sj_map_init(struct sj_map *m);
void sj_map_release(struct sj_map *m);
void sj_rec_free(struct sj_rec *r);

/* Parses buf (a whole journal or checkpoint file) into m (initialised by
 * the caller; records add to what is there). A damaged line followed only
 * by damage is a torn tail: m->torn, m->good_len says where to cut. A
 * damaged line followed by good lines is an error. Errors name the file
 * and line in err: -EINVAL, -ENOMEM. */
int sj_parse(const char *name, const char *buf, size_t len, struct sj_map *m,
	     char *err, size_t errlen);
/* Reads and parses the file at dirfd/path. -ENOENT when missing. */
int sj_read(int dirfd, const char *path, struct sj_map *m, char *err,
	    size_t errlen);

/* ---- writing: a line builder ------------------------------------------ */

struct sj_line {
	char *p;
	size_t len, cap;
	size_t nrec; /* records in the line */
	bool oom;    /* an append failed: the line is unusable */
};

void sj_line_init(struct sj_line *l);
void sj_line_release(struct sj_line *l);
/* Starts a new line (keeps the memory). */
void sj_line_reset(struct sj_line *l);
/* Starts a record with verb ("set", "del", SJ_MAGIC). */
void sj_line_rec(struct sj_line *l, const char *verb);
void sj_line_str(struct sj_line *l, const char *key, const char *val,
		 size_t len);
void sj_line_u64(struct sj_line *l, const char *key, uint64_t v);
void sj_line_oct(struct sj_line *l, const char *key, unsigned v);
void sj_line_time(struct sj_line *l, const char *key,
		  const struct timespec *ts);
void sj_line_rdev(struct sj_line *l, unsigned major, unsigned minor);
void sj_line_xattr(struct sj_line *l, const char *name, const char *val,
		   size_t len);
/* Finishes the line: fills the crc, appends the newline. 0, or -ENOMEM
 * (an append failed), -E2BIG (over STATE_LINE_MAX). *out and *outlen: the
 * line, borrowed until the next call. */
int sj_line_end(struct sj_line *l, const char **out, size_t *outlen);

/* Writes one header line "esxmock-state v=1 next=N" into l. */
void sj_line_header(struct sj_line *l, uint64_t next);

/* Appends a record's words for r (used to copy a checkpoint's records). */
void sj_line_put_rec(struct sj_line *l, const struct sj_rec *r);

/* The type letter of a mode's S_IFMT, and back (0 when unknown). */
char sj_type_of(mode_t mode);
mode_t sj_mode_of(char type);

#endif
