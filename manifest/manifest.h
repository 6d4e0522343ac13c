/* manifest.h - the resolved model of an esxmock manifest stack.
 * Owns: struct mf_manifest and everything reachable from it (entries, user
 * and group tables). No FUSE, no libevent: used by esxfsd, esxmockctl, tests.
 */
#ifndef ESXMOCK_MANIFEST_H
#define ESXMOCK_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define MF_VERSION 1

enum mf_type {
	MF_DIR = 1,
	MF_REG,
	MF_LNK,
	MF_CHR,
	MF_BLK,
	MF_FIFO,
	MF_SOCK,
};

/* Where a regular file's bytes come from (manifest/FORMAT.md "content"). */
enum mf_src {
	MF_SRC_EMPTY = 0, /* zero bytes */
	MF_SRC_INLINE,    /* "text" or "base64": bytes held in data/len */
	MF_SRC_FILE,   /* "file": host file, path relative to --content-root */
	MF_SRC_SHADOW, /* "shadow": /.shadow/... mapped to --shadow-root */
	MF_SRC_SPARSE, /* "sparse": size bytes of zeros, no storage */
};

struct mf_content {
	enum mf_src kind;
	char *data;    /* MF_SRC_INLINE: the bytes (NUL-terminated copy) */
	size_t len;    /* MF_SRC_INLINE: byte count */
	char *path;    /* MF_SRC_FILE: as written (relative);
			  MF_SRC_SHADOW: as written, starting with "/.shadow/" */
	uint64_t size; /* MF_SRC_SPARSE: size in bytes */
};

/* One path of the final tree, after defaults, globs and layering applied. */
struct mf_entry {
	char *path; /* absolute, normalised: "/", "/bin", "/bin/sh" */
	enum mf_type type;
	mode_t mode; /* permission bits incl. setuid/setgid/sticky (07777) */
	uid_t uid;
	gid_t gid;
	char *target; /* MF_LNK: symlink target, verbatim */
	unsigned int rdev_major, rdev_minor; /* MF_CHR / MF_BLK */
	bool has_size; /* MF_REG: size given explicitly in the manifest */
	uint64_t size;
	bool has_mtime;
	struct timespec mtime;
	struct mf_content content; /* MF_REG only */
	/* Reserved sections, kept as compact JSON text (NULL when absent);
	 * the rule engine and the access log parse them. */
	char *log_json;
	char *intercept_json;
	const char
	    *origin; /* borrowed: file name of the manifest that last set
			this entry (for messages); owned by mf_manifest */
};

struct mf_ident {
	char *name;
	unsigned int id;
};

/* The result of loading one or more manifests in order. */
struct mf_manifest {
	struct mf_entry *entries; /* sorted by path (strcmp), "/" first */
	size_t n_entries;
	struct mf_ident
	    *users; /* name -> uid (ESXi's table unless overridden) */
	size_t n_users;
	struct mf_ident *groups;
	size_t n_groups;
	char **origins; /* manifest file names, for mf_entry.origin */
	size_t n_origins;
};

/* Where and why loading failed. Filled by every function taking one. */
struct mf_error {
	char file[256];  /* manifest file (or buffer name) */
	int line, col;   /* 1-based; 0 when not known */
	char jpath[256]; /* JSON pointer into the document, "" when not known */
	char msg[512];   /* lowercase, no final period: "unknown key 'modd'" */
};

/* Formats err as "FILE:LINE:COL: JPATH: MSG" (omitting unknown parts). */
const char *mf_error_str(const struct mf_error *err, char *buf, size_t n);

/* One manifest source in the stack: a file, or an in-memory buffer. */
struct mf_source {
	const char *name; /* file path, or a display name for a buffer */
	const char *buf;  /* NULL: read the file 'name' */
	size_t len;
};

/* Loads the sources in order (later ones override or delete paths of earlier
 * ones), applies defaults, validates. On success returns 0 and *out (caller
 * frees with mf_manifest_free). On any error returns a negative errno
 * (-EINVAL for content errors), fills *err and leaves *out NULL. */
int mf_load(const struct mf_source *srcs, size_t n, struct mf_manifest **out,
	    struct mf_error *err);

void mf_manifest_free(struct mf_manifest *m);

/* Binary search by normalised absolute path; NULL when absent. */
const struct mf_entry *mf_find(const struct mf_manifest *m, const char *path);

/* Name <-> id through the manifest's tables; -ENOENT when unknown. */
int mf_user_id(const struct mf_manifest *m, const char *name, uid_t *out);
int mf_group_id(const struct mf_manifest *m, const char *name, gid_t *out);
const char *mf_user_name(const struct mf_manifest *m, uid_t uid);
const char *mf_group_name(const struct mf_manifest *m, gid_t gid);

const char *mf_type_name(enum mf_type t); /* "dir", "file", "symlink", ... */

#endif
