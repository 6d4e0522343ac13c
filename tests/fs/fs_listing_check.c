/* fs_listing_check.c - compares a mounted tree with an ESXi listing file.
 * Owns the listing parsing of the fs tests (json-c; trailing comma ok).
 *
 * usage: fs_listing_check LISTING MOUNT [--exact]
 *   Every unique absolute row of LISTING must exist under MOUNT with the
 *   same type (from "hstat"), permission bits incl. setuid/setgid/sticky
 *   ("stat", octal), owner and group. --exact: the mount may hold no other
 *   path. Prints each mismatch and a summary; exit 0 only when all match.
 * usage: fs_listing_check --emit-manifest LISTING
 *   Writes a minimal manifest of the listing's absolute rows on stdout (the
 *   test's own conversion, used only when no importer is available).
 */
#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct row {
	const char *path, *hstat, *stat, *owner, *group;
};

struct listing {
	struct json_object *root;
	struct row *rows; /* unique absolute rows, first occurrence wins */
	size_t n;
	size_t n_relative, n_dups;
};

static const char *row_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->path,
		      ((const struct row *)b)->path);
}

static int listing_load(const char *file, struct listing *l)
{
	size_t i, len, w = 0;

	memset(l, 0, sizeof(*l));
	l->root = json_object_from_file(file);
	if (!l->root || !json_object_is_type(l->root, json_type_array)) {
		fprintf(stderr, "listing '%s': %s\n", file,
			l->root ? "not an array" : json_util_get_last_err());
		return -1;
	}
	len = json_object_array_length(l->root);
	l->rows = calloc(len ? len : 1, sizeof(*l->rows));
	if (!l->rows)
		return -1;
	for (i = 0; i < len; i++) {
		struct json_object *o = json_object_array_get_idx(l->root, i);
		struct row r = {
		    row_str(o, "path"),  row_str(o, "hstat"),
		    row_str(o, "stat"),  row_str(o, "owner"),
		    row_str(o, "group"),
		};

		if (!r.path || !r.hstat || !r.stat || !r.owner || !r.group) {
			fprintf(stderr, "listing '%s': row %zu incomplete\n",
				file, i);
			return -1;
		}
		if (r.path[0] != '/') {
			l->n_relative++;
			continue;
		}
		l->rows[w++] = r;
	}
	/* stable unique: sort, keep the first of equal paths */
	qsort(l->rows, w, sizeof(*l->rows), cmp_row);
	for (i = 0; i < w; i++) {
		if (l->n && !strcmp(l->rows[l->n - 1].path, l->rows[i].path)) {
			l->n_dups++;
			continue;
		}
		l->rows[l->n++] = l->rows[i];
	}
	return 0;
}

static mode_t type_of(char c)
{
	switch (c) {
	case 'd':
		return S_IFDIR;
	case '-':
		return S_IFREG;
	case 'l':
		return S_IFLNK;
	case 'c':
		return S_IFCHR;
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	case 's':
		return S_IFSOCK;
	default:
		return 0;
	}
}

/* ESXi's ids for the names the listing uses; the host's as a fallback. */
static long id_of(const char *name, bool user)
{
	char *end;
	long v = strtol(name, &end, 10);

	if (*name && !*end)
		return v;
	if (!strcmp(name, "root"))
		return 0;
	if (user) {
		struct passwd *pw = getpwnam(name);

		return pw ? (long)pw->pw_uid : -1;
	} else {
		struct group *gr = getgrnam(name);

		return gr ? (long)gr->gr_gid : -1;
	}
}

static int check_row(const char *mnt, const struct row *r)
{
	char p[8192];
	struct stat st;
	mode_t want_type = type_of(r->hstat[0]);
	unsigned long want_mode = strtoul(r->stat, NULL, 8);
	long uid = id_of(r->owner, true), gid = id_of(r->group, false);
	int bad = 0;

	snprintf(p, sizeof(p), "%s%s", mnt,
		 strcmp(r->path, "/") ? r->path : "");
	if (lstat(p, &st) < 0) {
		printf("MISSING %s: %s\n", r->path, strerror(errno));
		return 1;
	}
	if ((st.st_mode & S_IFMT) != want_type) {
		printf("TYPE %s: want '%c' got 0%o\n", r->path, r->hstat[0],
		       (unsigned)(st.st_mode & S_IFMT));
		bad = 1;
	}
	if ((st.st_mode & 07777) != want_mode) {
		printf("MODE %s: want %04lo got %04o\n", r->path, want_mode,
		       (unsigned)(st.st_mode & 07777));
		bad = 1;
	}
	if (uid < 0 || gid < 0 || (long)st.st_uid != uid ||
	    (long)st.st_gid != gid) {
		printf("OWNER %s: want %s:%s (%ld:%ld) got %u:%u\n", r->path,
		       r->owner, r->group, uid, gid, (unsigned)st.st_uid,
		       (unsigned)st.st_gid);
		bad = 1;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[8192];
		ssize_t n = readlink(p, target, sizeof(target) - 1);

		if (n <= 0) {
			printf("READLINK %s: %s\n", r->path,
			       n < 0 ? strerror(errno) : "empty target");
			bad = 1;
		}
	}
	return bad;
}

/* --exact: every path of the mount must be a listing row. */
static const struct listing *walk_listing;
static size_t walk_mnt_len, walk_extra, walk_seen;

static int walk_cb(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	struct row key = {0};

	(void)st;
	(void)flag;
	(void)ftw;
	walk_seen++;
	key.path = path[walk_mnt_len] ? path + walk_mnt_len : "/";
	if (!bsearch(&key, walk_listing->rows, walk_listing->n, sizeof(key),
		     cmp_row)) {
		printf("EXTRA %s\n", key.path);
		walk_extra++;
	}
	return 0;
}

static void json_print_str(const char *s)
{
	struct json_object *o = json_object_new_string(s);

	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	      stdout);
	json_object_put(o);
}

static int emit_manifest(const struct listing *l)
{
	static const char *const types[] = {
	    ['d'] = "dir",     ['-'] = "file",     ['l'] = "symlink",
	    ['c'] = "chardev", ['b'] = "blockdev", ['p'] = "fifo",
	    ['s'] = "socket",
	};
	size_t i;

	printf("{\"version\": 1, \"entries\": [\n");
	for (i = 0; i < l->n; i++) {
		const struct row *r = &l->rows[i];
		unsigned char t = (unsigned char)r->hstat[0];

		if (t >= sizeof(types) / sizeof(types[0]) || !types[t]) {
			fprintf(stderr, "row '%s': unknown type '%c'\n",
				r->path, t);
			return 1;
		}
		printf("%s{\"path\": ", i ? ",\n" : "");
		json_print_str(r->path);
		printf(", \"type\": \"%s\", \"mode\": \"%04lo\", \"owner\": ",
		       types[t], strtoul(r->stat, NULL, 8));
		json_print_str(r->owner);
		printf(", \"group\": ");
		json_print_str(r->group);
		if (t == 'l')
			printf(", \"target\": \"/placeholder%s\"", "");
		printf("}");
	}
	printf("\n]}\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct listing l;
	size_t i, bad = 0;
	const char *mnt;
	bool exact = false;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--emit-manifest")) {
		if (listing_load(argv[2], &l))
			return 1;
		rc = emit_manifest(&l);
		free(l.rows);
		json_object_put(l.root);
		return rc;
	}
	if (argc < 3 || argc > 4 ||
	    (argc == 4 && !(exact = !strcmp(argv[3], "--exact")))) {
		fprintf(stderr, "usage: fs_listing_check LISTING MOUNT "
				"[--exact]\n");
		return 2;
	}
	mnt = argv[2];
	if (listing_load(argv[1], &l))
		return 1;
	for (i = 0; i < l.n; i++)
		bad += check_row(mnt, &l.rows[i]) ? 1 : 0;
	printf("listing: %zu unique absolute rows (%zu relative, %zu "
	       "duplicates ignored); %zu match, %zu differ\n",
	       l.n, l.n_relative, l.n_dups, l.n - bad, bad);
	if (exact) {
		walk_listing = &l;
		walk_mnt_len = strlen(mnt);
		if (nftw(mnt, walk_cb, 64, FTW_PHYS) < 0) {
			printf("walk '%s': %s\n", mnt, strerror(errno));
			bad++;
		}
		printf("mount: %zu paths, %zu not in the listing\n", walk_seen,
		       walk_extra);
		bad += walk_extra;
	}
	free(l.rows);
	json_object_put(l.root);
	return bad ? 1 : 0;
}
