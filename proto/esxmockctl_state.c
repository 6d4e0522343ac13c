/* esxmockctl_state.c - "esxmockctl state": diff, reset, snapshot, restore,
 * snapshots, forget over the control channel, and an offline diff of a
 * state directory (--state DIR, read with fsd/state_journal.c).
 * Owns their options and human output; exit status 0 ok, 1 the daemon
 * answered with an error (or the state dir is unreadable), 2 usage, 3 the
 * daemon cannot be reached. */
#include "esxmockctl_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "esxmockctl_common.h"
#include "manifest.h"
#include "state_journal.h"

#define ST_MANIFESTS 64

static const char st_usage[] =
    "usage: esxmockctl state diff [--all] [options]\n"
    "       esxmockctl state diff --state DIR [-m MANIFEST...] [--all]\n"
    "       esxmockctl state reset [options]\n"
    "       esxmockctl state snapshot NAME [options]\n"
    "       esxmockctl state restore NAME [options]\n"
    "       esxmockctl state snapshots [options]\n"
    "       esxmockctl state forget NAME [options]\n"
    "What the writable layer changed relative to the manifests, and its\n"
    "reset, snapshots and restore (docs/state-dir.md). diff prints one line\n"
    "per change: A added, D deleted, R renamed (old -> new), M modified\n"
    "(what changed in parentheses). With --state DIR it reads a state\n"
    "directory offline (the daemon may be stopped); -m gives the manifests\n"
    "it was made with, for the old modes and owners.\n"
    "  -a, --all                also directories whose only change is "
    "their times\n"
    "  -s, --state DIR          offline: read this state directory\n"
    "  -m, --manifest FILE      offline: the manifests (repeat, in "
    "order)\n" ECTL_HELP_ADDRESS ECTL_HELP_JSON_RESULT ECTL_HELP_HELP
	ECTL_HELP_EXIT;

struct st_opts {
	struct ectl_opts com; /* no --timeout: 30000 */
	const char *state;
	const char *manifests[ST_MANIFESTS];
	size_t n_manifests;
	bool all;
};

/* One of the state options. */
static int st_opt(void *ctx, int c, const char *arg)
{
	struct st_opts *o = ctx;

	switch (c) {
	case 'a':
		o->all = true;
		break;
	case 's':
		o->state = arg;
		break;
	case 'm':
		if (o->n_manifests == ST_MANIFESTS) {
			fprintf(stderr, "esxmockctl: state: too many "
					"manifests\n");
			return -1;
		}
		o->manifests[o->n_manifests++] = arg;
		break;
	}
	return 0;
}

/* Parses options after the verb; returns the first operand's index, -1
 * on a usage error, -2 after --help. */
static int st_parse(int argc, char **argv, struct st_opts *o)
{
	static const struct option lo[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"state", required_argument, NULL, 's'},
	    {"manifest", required_argument, NULL, 'm'},
	    {NULL, 0, NULL, 0},
	};
	const struct ectl_parser p = {
	    .usage = st_usage,
	    .who = "state",
	    .no_timeout = true,
	    .shortopts = "as:m:",
	    .longopts = lo,
	    .opt = st_opt,
	    .ctx = o,
	};

	memset(o, 0, sizeof(*o));
	return ectl_parse(argc, argv, &o->com, &p);
}

/* ---- online ---------------------------------------------------------- */

static const char *st_str(struct json_object *o, const char *k)
{
	return ectl_jstr(o, k, "");
}

/* "M /etc/motd (content, mode 0644 -> 0600)" */
static void st_print_change(struct json_object *e)
{
	const char *ch = st_str(e, "change");
	struct json_object *what = NULL;
	size_t i, n;
	int first = 1;

	json_object_object_get_ex(e, "what", &what);
	n = what ? json_object_array_length(what) : 0;
	if (!strcmp(ch, "renamed"))
		printf("R  %s -> %s", st_str(e, "old_path"), st_str(e, "path"));
	else
		printf("%c  %s", ch[0] ? ch[0] - 'a' + 'A' : '?',
		       st_str(e, "path"));
	if (!strcmp(ch, "added"))
		printf("  (%s %s)", st_str(e, "type"), st_str(e, "mode"));
	for (i = 0; i < n; i++) {
		const char *w =
		    json_object_get_string(json_object_array_get_idx(what, i));

		printf("%s", first ? "  (" : ", ");
		first = 0;
		if (!strcmp(w, "mode"))
			printf("mode %s -> %s", st_str(e, "old_mode"),
			       st_str(e, "mode"));
		else if (!strcmp(w, "owner"))
			printf("owner %lld:%lld -> %lld:%lld",
			       ectl_jint(e, "old_uid"), ectl_jint(e, "old_gid"),
			       ectl_jint(e, "uid"), ectl_jint(e, "gid"));
		else if (!strcmp(w, "content") &&
			 json_object_object_get_ex(e, "old_size", NULL))
			printf("content, %lld -> %lld bytes",
			       ectl_jint(e, "old_size"), ectl_jint(e, "size"));
		else if (!strcmp(w, "content"))
			printf("content, %lld bytes", ectl_jint(e, "size"));
		else
			printf("%s", w);
	}
	printf("%s\n", first ? "" : ")");
}

static void st_print(const char *verb, struct json_object *res)
{
	struct json_object *arr;
	size_t i;

	if (!strcmp(verb, "diff")) {
		json_object_object_get_ex(res, "changes", &arr);
		for (i = 0; arr && i < json_object_array_length(arr); i++)
			st_print_change(json_object_array_get_idx(arr, i));
		printf("%lld change(s)", ectl_jint(res, "total"));
		if (ectl_jint(res, "hidden"))
			printf(", %lld directory time change(s) not shown "
			       "(--all)",
			       ectl_jint(res, "hidden"));
		printf("; state dir %s\n", st_str(res, "state_dir"));
	} else if (!strcmp(verb, "snapshots")) {
		json_object_object_get_ex(res, "snapshots", &arr);
		for (i = 0; arr && i < json_object_array_length(arr); i++) {
			struct json_object *s =
			    json_object_array_get_idx(arr, i);
			time_t t = (time_t)ectl_jint(s, "created");
			char when[32];

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
				 localtime(&t));
			printf("%-24s %s  %6lld nodes %10lld bytes\n",
			       st_str(s, "name"), when, ectl_jint(s, "nodes"),
			       ectl_jint(s, "bytes"));
		}
	} else {
		printf("%s%s%s: %lld changed node(s) now, %lld visited\n", verb,
		       st_str(res, "name")[0] ? " " : "", st_str(res, "name"),
		       ectl_jint(res, "changed_nodes"),
		       ectl_jint(res, "nodes_visited"));
	}
}

static int st_online(const struct st_opts *o, const char *verb,
		     const char *method, struct json_object *params)
{
	struct json_object *res = NULL;
	struct ctlc_error err;
	struct ctlc *c;
	char cmd[32];
	int r;

	snprintf(cmd, sizeof(cmd), "state %s", verb);
	if ((r = ectl_open(&o->com, cmd, 0, &c, NULL)))
		return r;
	r = ctlc_call(c, method, params, &res, &err);
	ctlc_close(c);
	if (r < 0)
		return ectl_report_ex(cmd, r, &err, ECTL_REPORT_NO_CODE);
	if (o->com.json)
		ectl_print_json(res, false);
	else
		st_print(verb, res);
	json_object_put(res);
	return 0;
}

/* ---- offline diff ------------------------------------------------------ */

/* The current path of REF: its parent's path and its name, up to a node
 * the journal does not name (which sits where the manifest put it). */
static int st_path_of(struct sj_map *m, const char *ref, char *buf, size_t len,
		      int depth)
{
	struct sj_rec *r;
	char parent[4096];
	size_t pl;

	if (depth > 4096)
		return -ELOOP;
	HASH_FIND_STR(m->recs, ref, r);
	if (!r || r->del) {
		snprintf(buf, len, "%s", ref);
		return ref[0] == '/' ? 0 : -ENOENT;
	}
	if (!strcmp(ref, "/")) {
		snprintf(buf, len, "/");
		return 0;
	}
	if (st_path_of(m, r->parent, parent, sizeof(parent), depth + 1))
		return -ENOENT;
	pl = strlen(parent);
	if (snprintf(buf, len, "%s/%s", pl == 1 ? "" : parent, r->name) >=
	    (int)len)
		return -ENAMETOOLONG;
	return 0;
}

static const char *st_type_name(char t)
{
	switch (t) {
	case 'f':
		return "file";
	case 'd':
		return "dir";
	case 'l':
		return "symlink";
	case 'c':
		return "chardev";
	case 'b':
		return "blockdev";
	case 'p':
		return "fifo";
	case 's':
		return "socket";
	}
	return "unknown";
}

static void st_add_u(struct json_object *o, const char *k, long long v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void st_add_mode(struct json_object *o, const char *k, unsigned m)
{
	char b[8];

	snprintf(b, sizeof(b), "%04o", m & 07777);
	json_object_object_add(o, k, json_object_new_string(b));
}

/* One journal record as a state.diff change (NULL: nothing to show). */
static struct json_object *st_change(struct sj_map *m,
				     const struct mf_manifest *mf,
				     const struct sj_rec *r, const char *dir,
				     bool all)
{
	const struct mf_entry *e =
	    mf && r->ref[0] == '/' ? mf_find(mf, r->ref) : NULL;
	struct json_object *o = json_object_new_object(), *what;
	char path[4096], data[4200];
	struct stat st;
	bool renamed;

	what = json_object_new_array();
	if (r->del) {
		json_object_object_add(o, "change",
				       json_object_new_string("deleted"));
		json_object_object_add(o, "path",
				       json_object_new_string(r->ref));
		if (e) {
			json_object_object_add(
			    o, "type",
			    json_object_new_string(mf_type_name(e->type)));
			st_add_mode(o, "old_mode", e->mode);
		}
		json_object_object_add(o, "what", what);
		return o;
	}
	if (st_path_of(m, r->ref, path, sizeof(path), 0))
		snprintf(path, sizeof(path), "%s", r->path ? r->path : r->ref);
	renamed = r->ref[0] == '/' && strcmp(path, r->ref);
	json_object_object_add(o, "change",
			       json_object_new_string(r->ref[0] == '#' ? "added"
						      : renamed ? "renamed"
								: "modified"));
	json_object_object_add(o, "path", json_object_new_string(path));
	if (renamed)
		json_object_object_add(o, "old_path",
				       json_object_new_string(r->ref));
	json_object_object_add(o, "type",
			       json_object_new_string(st_type_name(r->type)));
	st_add_mode(o, "mode", r->mode);
	st_add_u(o, "uid", r->uid);
	st_add_u(o, "gid", r->gid);
	if (r->data) {
		snprintf(data, sizeof(data), "%s/data/%llu", dir,
			 (unsigned long long)r->data);
		if (stat(data, &st) == 0)
			st_add_u(o, "size", (long long)st.st_size);
		st_add_u(o, "data", (long long)r->data);
		if (r->ref[0] == '/')
			json_object_array_add(
			    what, json_object_new_string("content"));
	}
	if (e) {
		st_add_mode(o, "old_mode", e->mode);
		st_add_u(o, "old_uid", e->uid);
		st_add_u(o, "old_gid", e->gid);
		if (e->type == MF_REG && e->content.kind == MF_SRC_INLINE)
			st_add_u(o, "old_size", (long long)e->content.len);
		else if (e->type == MF_REG && e->content.kind == MF_SRC_SPARSE)
			st_add_u(o, "old_size", (long long)e->content.size);
		else if (e->type == MF_REG && e->content.kind == MF_SRC_EMPTY)
			st_add_u(o, "old_size",
				 e->has_size ? (long long)e->size : 0);
		if ((e->mode & 07777) != r->mode)
			json_object_array_add(what,
					      json_object_new_string("mode"));
		if (e->uid != r->uid || e->gid != r->gid)
			json_object_array_add(what,
					      json_object_new_string("owner"));
	}
	if (r->nx)
		json_object_array_add(what, json_object_new_string("xattrs"));
	if (r->ref[0] == '/' && !renamed && !json_object_array_length(what) &&
	    (!all && r->type == 'd')) {
		json_object_put(what);
		json_object_put(o);
		return NULL; /* a directory whose entries changed: hidden */
	}
	if (r->ref[0] == '/' && !json_object_array_length(what) && !renamed)
		json_object_array_add(what, json_object_new_string("times"));
	json_object_object_add(o, "what", what);
	return o;
}

static int st_cmp_path(const void *a, const void *b)
{
	struct json_object *x = *(struct json_object *const *)a;
	struct json_object *y = *(struct json_object *const *)b;

	return strcmp(st_str(x, "path"), st_str(y, "path"));
}

/* As state.diff does: a manifest file deleted and a new file at its path
 * (a tool's temp file renamed over it) is one "modified" change. */
static struct json_object *st_merge(struct json_object *in)
{
	struct json_object *out = json_object_new_array(), *a, *b, *w;
	size_t i, n = json_object_array_length(in);

	for (i = 0; i < n; i++) {
		a = json_object_array_get_idx(in, i);
		b = i + 1 < n ? json_object_array_get_idx(in, i + 1) : NULL;
		if (b && !strcmp(st_str(a, "path"), st_str(b, "path")) &&
		    ((!strcmp(st_str(a, "change"), "added") &&
		      !strcmp(st_str(b, "change"), "deleted")) ||
		     (!strcmp(st_str(a, "change"), "deleted") &&
		      !strcmp(st_str(b, "change"), "added")))) {
			struct json_object *add =
			    !strcmp(st_str(a, "change"), "added") ? a : b;
			struct json_object *del = add == a ? b : a;

			json_object_object_add(
			    add, "change", json_object_new_string("modified"));
			if (json_object_object_get_ex(del, "old_mode", &w))
				json_object_object_add(add, "old_mode",
						       json_object_get(w));
			w = json_object_new_array();
			json_object_array_add(
			    w, json_object_new_string("content"));
			json_object_object_add(add, "what", w);
			json_object_array_add(out, json_object_get(add));
			i++;
			continue;
		}
		json_object_array_add(out, json_object_get(a));
	}
	json_object_put(in);
	return out;
}

static int st_offline(const struct st_opts *o)
{
	struct mf_source srcs[ST_MANIFESTS];
	struct mf_manifest *mf = NULL;
	struct mf_error merr;
	struct json_object *res, *changes, *c;
	struct sj_rec *r, *tmp;
	struct sj_map m;
	char err[1024];
	size_t i, n = 0, hidden = 0;
	int dfd, rc;

	memset(srcs, 0, sizeof(srcs));
	for (i = 0; i < o->n_manifests; i++)
		srcs[i].name = o->manifests[i];
	if (o->n_manifests && mf_load(srcs, o->n_manifests, &mf, &merr)) {
		fprintf(stderr, "esxmockctl: state diff: manifest error: %s\n",
			mf_error_str(&merr, err, sizeof(err)));
		return EXIT_RPC;
	}
	dfd = open(o->state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	sj_map_init(&m);
	rc = dfd < 0 ? -errno : sj_read(dfd, "journal", &m, err, sizeof(err));
	if (dfd < 0)
		snprintf(err, sizeof(err), "%s", strerror(-rc));
	if (dfd >= 0)
		close(dfd);
	if (rc) {
		fprintf(stderr, "esxmockctl: state diff: state dir '%s': %s\n",
			o->state, err);
		sj_map_release(&m);
		mf_manifest_free(mf);
		return EXIT_RPC;
	}
	res = json_object_new_object();
	changes = json_object_new_array();
	HASH_ITER(hh, m.recs, r, tmp)
	{
		c = st_change(&m, mf, r, o->state, o->all);
		if (c)
			json_object_array_add(changes, c);
		else
			hidden++;
	}
	json_object_array_sort(changes, st_cmp_path);
	changes = st_merge(changes);
	n = json_object_array_length(changes);
	json_object_object_add(res, "changes", changes);
	st_add_u(res, "total", (long long)n);
	st_add_u(res, "hidden", (long long)hidden);
	json_object_object_add(res, "state_dir",
			       json_object_new_string(o->state));
	if (m.torn)
		fprintf(stderr,
			"esxmockctl: state diff: the journal's last line is "
			"incomplete (ignored, as esxfsd will)\n");
	if (o->com.json)
		ectl_print_json(res, false);
	else
		st_print("diff", res);
	json_object_put(res);
	sj_map_release(&m);
	mf_manifest_free(mf);
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

struct st_verb {
	const char *verb, *method;
	bool named; /* takes NAME */
};

static const struct st_verb st_verbs[] = {
    {"diff", "state.diff", false},           {"reset", "state.reset", false},
    {"snapshot", "state.snapshot", true},    {"restore", "state.restore", true},
    {"snapshots", "state.snapshots", false}, {"forget", "state.forget", true},
};

int esxmockctl_state(int argc, char **argv)
{
	const struct st_verb *v = NULL;
	struct json_object *params;
	struct st_opts o;
	size_t i;
	int first, r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(st_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (i = 0; i < sizeof(st_verbs) / sizeof(st_verbs[0]); i++)
		if (!strcmp(argv[1], st_verbs[i].verb))
			v = &st_verbs[i];
	if (!v) {
		fprintf(stderr, "esxmockctl: state: unknown verb '%s'\n%s",
			argv[1], st_usage);
		return EXIT_USAGE;
	}
	first = st_parse(argc - 1, argv + 1, &o);
	if (first < 0)
		return first == -2 ? 0 : EXIT_USAGE;
	first++; /* index in argv */
	if (argc - first != (v->named ? 1 : 0)) {
		fprintf(stderr, "esxmockctl: state %s: %s\n%s", v->verb,
			v->named ? "give one NAME" : "takes no operand",
			st_usage);
		return EXIT_USAGE;
	}
	if ((o.state || o.n_manifests) && strcmp(v->verb, "diff")) {
		fprintf(stderr,
			"esxmockctl: state %s: --state and -m are for an "
			"offline diff only\n",
			v->verb);
		return EXIT_USAGE;
	}
	if (o.state)
		return st_offline(&o);
	if (o.n_manifests) {
		fprintf(stderr,
			"esxmockctl: state diff: -m needs --state DIR\n");
		return EXIT_USAGE;
	}
	params = json_object_new_object();
	if (v->named)
		json_object_object_add(params, "name",
				       json_object_new_string(argv[first]));
	if (o.all && !strcmp(v->verb, "diff"))
		json_object_object_add(params, "all",
				       json_object_new_boolean(true));
	r = st_online(&o, v->verb, v->method, params);
	json_object_put(params);
	return r;
}
