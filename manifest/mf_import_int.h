/* mf_import_int.h - private interfaces between the importer's files.
 * Owns the listing row (struct mfi_row), the sorted row set that the
 * parser fills and the emitter writes out, and the link-rule type. */
#ifndef ESXMOCK_MF_IMPORT_INT_H
#define ESXMOCK_MF_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mf_import.h"

/* Caps on what one listing may hold (a real ESXi 8 root has ~10^4 paths). */
#define MFI_MAX_ROWS 4000000u
#define MFI_MAX_PATH 4095
#define MFI_MAX_NAME 255
#define MFI_MAX_WARN 20 /* warning lines printed per kind */

/* One listing row, validated. Strings are heap copies owned by the row. */
struct mfi_row {
	char *path; /* normalised; absolute, or relative without "./" */
	enum mf_type type;
	mode_t mode; /* 07777 */
	char *owner, *group;
	long long uid, gid; /* -1 when the listing has none */
	long long size;     /* -1 when the listing has none */
	bool has_mtime;
	long long mtime;
	bool has_rdev;
	unsigned int rdev_major, rdev_minor;
	char *target; /* symlink target from the listing, or NULL */
	size_t index; /* 0-based row index in the listing */
	/* Filled by the link table (mfi_links_assign). */
	char *link; /* target to write (heap), NULL for non-links */
	enum mf_link_src link_src;
};

/* Rows sorted by path (strcmp); one row per path after mfi_rows_dedupe. */
struct mfi_set {
	struct mfi_row *v;
	size_t n, cap;
};

/* mf_import_rows.c */
void mfi_row_release(struct mfi_row *r);
void mfi_set_release(struct mfi_set *s);
int mfi_set_push(struct mfi_set *s, struct mfi_row *r);
/* Row lookup by absolute path in the sorted set; NULL when absent. */
const struct mfi_row *mfi_set_find(const struct mfi_set *s, const char *path);
/* Index of the first row whose path starts with prefix (sorted set). */
size_t mfi_set_lower(const struct mfi_set *s, const char *prefix);
/* true when a and b describe the same object (all fields). */
bool mfi_row_same(const struct mfi_row *a, const struct mfi_row *b);
/* Sorts, drops exact duplicates, fails on conflicting ones, then resolves
 * the relative rows against the one directory holding all of them. */
int mfi_rows_dedupe(struct mfi_set *s, struct mf_import_report *rep, FILE *warn,
		    struct mf_error *err);

/* mf_import_links.c: fills row->link and row->link_src of every symlink. */
int mfi_links_assign(struct mfi_set *s, struct mf_import_report *rep);

/* The known-links table (mf_import_linktab.c, engine in mf_import_links.c).
 */
#define MFI_EXISTS 1u   /* the expanded target must be a path of the listing */
#define MFI_ANYDEPTH 2u /* match without FNM_PATHNAME: "*" crosses "/" */

/* Computes a target for the link at path from the listing; returns a heap
 * string, or NULL when the rule does not apply. arg is the rule's. */
typedef char *(*mfi_resolve_fn)(const struct mfi_set *s, const char *path,
				const char *arg);

/* One row of the table: the first rule that yields a target wins. */
struct mfi_link_rule {
	const char *match;        /* fnmatch on the link path (FNM_PATHNAME) */
	const char *const *names; /* NULL, or the link names it applies to */
	const char *target;       /* template (see mfi_expand) */
	mfi_resolve_fn resolve;   /* or: computes the target from the listing */
	const char *arg;          /* the resolver's argument (a template) */
	unsigned int flags;       /* MFI_EXISTS, MFI_ANYDEPTH */
	enum mf_link_src src;
	const char *why; /* evidence, printed in LINKS.md */
};

extern const struct mfi_link_rule mfi_link_rules[];
extern const size_t mfi_n_link_rules;

/* Resolvers (manifest/LINKS.md "How the table is applied"). */
char *mfi_res_glob(const struct mfi_set *s, const char *path, const char *arg);
char *mfi_res_so(const struct mfi_set *s, const char *path, const char *arg);
char *mfi_res_devchar(const struct mfi_set *s, const char *path,
		      const char *arg);
char *mfi_res_osdata(const struct mfi_set *s, const char *path,
		     const char *arg);
char *mfi_res_strip(const struct mfi_set *s, const char *path, const char *arg);

/* mf_import_emit.c: the manifest text. */
int mfi_emit(const struct mfi_set *s, const char *name, char **out,
	     size_t *out_len, struct mf_error *err);

/* Error helper shared by the importer's files: fills err->msg. */
int mfi_fail(struct mf_error *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
