/* mf_import.h - converts an ESXi file listing into a manifest (format v1).
 * Owns: the listing formats (the legacy "find | xargs stat" rows and the
 * richer "esxmock-listing" document of scripts/esx-file-listing.sh), the
 * import report, and the table of known ESXi symlink targets. */
#ifndef ESXMOCK_MF_IMPORT_H
#define ESXMOCK_MF_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "manifest.h"

/* Target written for a symlink whose target neither the listing nor the
 * known-links table gives (manifest/LINKS.md). */
#define MF_IMPORT_PLACEHOLDER "/.esxmock/unknown-symlink-target"

/* Where a symlink's target came from. */
enum mf_link_src {
	MF_LINK_LISTING = 0, /* the listing's "target" key */
	MF_LINK_CONFIRMED,   /* table: seen on a real host */
	MF_LINK_PLAUSIBLE,   /* table: documented or consistent with listing */
	MF_LINK_GUESS,       /* table: best guess, nothing better known */
	MF_LINK_PLACEHOLDER, /* MF_IMPORT_PLACEHOLDER */
	MF_LINK_NSRC,
};

/* Counts reported on stderr by "esxmockctl manifest import-listing". */
struct mf_import_report {
	bool rich;             /* the esxmock-listing format was read */
	size_t rows;           /* rows in the listing */
	size_t entries;        /* entries written */
	size_t dup_exact;      /* absolute rows equal to an earlier row */
	size_t rel_rows;       /* rows with a relative path */
	size_t rel_names;      /* distinct relative paths among them */
	size_t rel_resolved;   /* resolved and equal to an absolute row */
	size_t rel_added;      /* resolved to a path the listing lacks */
	size_t rel_conflict;   /* resolved but contradicting the absolute row */
	size_t rel_dropped;    /* not resolvable: dropped */
	char rel_base[512];    /* the directory they resolved against, or "" */
	size_t rel_candidates; /* directories holding every relative name */
	size_t mode_conflicts; /* hstat and stat disagree (stat wins) */
	size_t special_bits;   /* entries with setuid, setgid or sticky */
	size_t by_type[MF_SOCK + 1];
	size_t links_by_src[MF_LINK_NSRC];
};

/* Converts the listing in buf (name is used in messages and in the output's
 * comment; only its base name is written, so the output does not depend on
 * where the listing lives). On success returns 0 and *out holds the
 * manifest text (caller frees), validated with mf_load. Warnings (dropped
 * or conflicting rows) go to warn when not NULL. On error returns a negative
 * errno and fills err ("row 12: ..." in msg, line:col for JSON syntax). */
int mf_import_listing(const char *buf, size_t len, const char *name, char **out,
		      size_t *out_len, struct mf_import_report *rep, FILE *warn,
		      struct mf_error *err);

/* Prints the report as "import: ..." lines. */
void mf_import_report_print(const struct mf_import_report *rep, FILE *f);

/* Prints the known-links table as the Markdown table of manifest/LINKS.md. */
void mf_import_links_markdown(FILE *f);

const char *mf_link_src_name(enum mf_link_src s);

#endif
