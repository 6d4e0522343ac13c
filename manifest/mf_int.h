/* mf_int.h - private interfaces between the manifest loader's files.
 * Owns the load context (struct mf_ctx), the parsed-entry draft, defaults,
 * the layer tree and the helpers that report errors. Not for other modules.
 */
#ifndef ESXMOCK_MF_INT_H
#define ESXMOCK_MF_INT_H

#include "manifest.h"

#include <stdarg.h>

struct json_object;
struct mf_node;

/* Named caps (manifest/FORMAT.md "limits"). */
#define MF_MAX_DOC_BYTES (64u << 20) /* one manifest file or buffer */
#define MF_MAX_PATH 4095             /* whole path, bytes */
#define MF_MAX_NAME 255              /* one path component, bytes */
#define MF_MAX_JSON_DEPTH 64         /* json-c tokener nesting */
#define MF_MAX_IDNAME 32             /* user / group name, bytes */
#define MF_MAX_ID 4294967294u        /* (uid_t)-1 is reserved */
#define MF_PTR_MAX 256               /* a JSON pointer we report */

/* Which fields an entry or a default gives explicitly. */
enum mf_field {
	MF_F_TYPE = 1u << 0,
	MF_F_MODE = 1u << 1,
	MF_F_OWNER = 1u << 2,
	MF_F_GROUP = 1u << 3,
	MF_F_TARGET = 1u << 4,
	MF_F_RDEV = 1u << 5,
	MF_F_SIZE = 1u << 6,
	MF_F_MTIME = 1u << 7,
	MF_F_CONTENT = 1u << 8,
	MF_F_LOG = 1u << 9,
	MF_F_INTERCEPT = 1u << 10,
	MF_F_DELETE = 1u << 11,
	MF_F_REPLACE = 1u << 12,
};

/* One "entries" element as written, before layering. Strings are heap
 * copies that move into the tree when applied (then set to NULL). */
struct mf_draft {
	unsigned int set; /* enum mf_field bits */
	const char *path; /* borrowed from the JSON document */
	enum mf_type type;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char *target;
	unsigned int rdev_major, rdev_minor;
	uint64_t size;
	struct timespec mtime;
	struct mf_content content;
	char *log_json;
	char *intercept_json;
	bool del, replace;
};

/* One "defaults" element: a compiled glob plus the fields it sets. */
struct mf_default {
	char *match;       /* as written */
	char **comps;      /* match split into components */
	size_t n_comps;    /* 0 for "/" */
	enum mf_type type; /* filter; 0 = any type */
	unsigned int set;  /* MF_F_MODE|OWNER|GROUP|MTIME|LOG|INTERCEPT */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec mtime;
	char *log_json;
	char *intercept_json;
};

/* Growable name -> id table (users or groups). */
struct mf_idtab {
	struct mf_ident *v;
	size_t n, cap;
};

/* State of one mf_load call. */
struct mf_ctx {
	struct mf_error *err;
	const char *file; /* current source name */
	const char *doc;  /* current document bytes (for line:col) */
	size_t doc_len;
	size_t layer; /* index of the current source */
	struct mf_idtab users, groups;
	struct mf_default *defs; /* current source's defaults */
	size_t n_defs;
	struct mf_node *tree; /* uthash head: path -> node */
	size_t n_nodes;
	char **origins;
	size_t n_origins;
};

/* mf_err.c: error reporting. */
int mf_fail(struct mf_ctx *c, const char *jptr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "out of memory" at jptr; returns -ENOMEM. */
int mf_oom(struct mf_ctx *c, const char *jptr);
int mf_fail_at(struct mf_ctx *c, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "/entries/3" + "mo/de" -> "/entries/3/mo~1de" (RFC 6901). */
void mf_ptr_join(char *out, size_t n, const char *base, const char *key);
/* Printable, bounded quoting of a value for messages (no quotes added). */
const char *mf_q(char *buf, size_t n, const char *s, size_t len);
#define MF_QBUF 96

/* mf_json.c: bounded read + json-c parse with positions and duplicate
 * key detection. */
int mf_read_file(struct mf_ctx *c, const char *name, char **out,
		 size_t *out_len);
int mf_json_parse(struct mf_ctx *c, const char *buf, size_t len,
		  struct json_object **out);

/* mf_validate.c: scalar fields. Each returns 0 or fills the error at jptr
 * and returns -EINVAL. */
int mf_parse_type(struct mf_ctx *c, const char *jptr, const char *s,
		  enum mf_type *out);
int mf_check_path(struct mf_ctx *c, const char *jptr, const char *s,
		  size_t len);
int mf_parse_mode(struct mf_ctx *c, const char *jptr, const char *s,
		  mode_t *out);
int mf_parse_rdev(struct mf_ctx *c, const char *jptr, const char *s,
		  unsigned int *maj, unsigned int *min);
int mf_parse_mtime(struct mf_ctx *c, const char *jptr, struct json_object *v,
		   struct timespec *out);
int mf_parse_content(struct mf_ctx *c, const char *jptr, struct json_object *v,
		     struct mf_content *out);
int mf_get_u64(struct mf_ctx *c, const char *jptr, struct json_object *v,
	       const char *what, uint64_t *out);
int mf_json_text(struct mf_ctx *c, const char *jptr, const char *what,
		 struct json_object *v, char **out);
void mf_content_release(struct mf_content *ct);

/* mf_ids.c: the user/group tables. */
int mf_idtab_init_users(struct mf_idtab *t);
int mf_idtab_init_groups(struct mf_idtab *t);
int mf_idtab_set(struct mf_idtab *t, const char *name, unsigned int id);
void mf_idtab_release(struct mf_idtab *t);
int mf_idtab_parse(struct mf_ctx *c, const char *jptr, struct json_object *v,
		   struct mf_idtab *t);
/* Name or decimal string -> id; -ENOENT when unknown. */
int mf_idtab_resolve(const struct mf_ident *v, size_t n, const char *s,
		     unsigned int *out);
int mf_resolve_owner(struct mf_ctx *c, const char *jptr, const char *s,
		     bool group, unsigned int *out);

/* mf_glob.c: globs like "/etc/ *.conf" and "/dev/ **" (without spaces). */
int mf_glob_compile(const char *pattern, char ***comps, size_t *n);
void mf_glob_free(char **comps, size_t n);
/* comps of the path from mf_path_split; true on match. */
bool mf_glob_match(char *const *pat, size_t np, char *const *path, size_t n);
/* Splits a normalised absolute path copy in place; returns the count. */
size_t mf_path_split(char *copy, char **comps, size_t max);

/* mf_entry.c: JSON -> draft / default. */
int mf_draft_parse(struct mf_ctx *c, const char *jptr, struct json_object *v,
		   struct mf_draft *d);
void mf_draft_release(struct mf_draft *d);
int mf_defaults_parse(struct mf_ctx *c, const char *jptr,
		      struct json_object *v);
void mf_defaults_release(struct mf_ctx *c);

/* mf_tree.c: layering. */
int mf_tree_init(struct mf_ctx *c);
int mf_tree_apply(struct mf_ctx *c, const char *jptr, struct mf_draft *d);
/* After every entry of a source: implicit parents, parent types. */
int mf_tree_layer_end(struct mf_ctx *c, const char *const *paths,
		      const size_t *idx, size_t n);
int mf_tree_finish(struct mf_ctx *c, struct mf_manifest *m);
void mf_tree_release(struct mf_ctx *c);
void mf_entry_release(struct mf_entry *e);

#endif
