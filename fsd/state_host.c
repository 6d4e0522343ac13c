/* state_host.c - esxfsd's wiring of the writable layer (see state_host.h):
 * options, open/close of the state dir, the notifier thread, SIGUSR1, and
 * the control channel's operations on it (rpc_state.h: files.put...,
 * state.*). Owns struct fsd_state_glue. */
#include "state_host.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsd.h"
#include "hook.h"
#include "inval.h"
#include "limits.h"
#include "mutate.h"
#include "rpc.h"
#include "rpc_state.h"
#include "state.h"

struct fsd_state_glue {
	struct state_config cfg; /* dir borrowed from argv */
	struct event *sig_usr1;
};

void fsd_state_usage(FILE *out)
{
	fprintf(
	    out,
	    "      --state DIR         keep the writable layer (changed "
	    "files, journal,\n"
	    "                          snapshots) in DIR and resume from it "
	    "(default: a\n"
	    "                          private temp dir, removed at exit)\n"
	    "      --keep-state        keep that temp dir at exit (its path "
	    "is logged)\n"
	    "                          SIGUSR1 resets the tree to the "
	    "manifests\n");
}

int fsd_state_args(struct fsd *fsd, int *argc, char **argv)
{
	int i, j = 1;

	fsd->stg = calloc(1, sizeof(*fsd->stg));
	if (!fsd->stg)
		return -1;
	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--keep-state")) {
			fsd->stg->cfg.keep = true;
		} else if (!strcmp(a, "--state")) {
			if (i + 1 >= *argc) {
				log_msg(&fsd->log, LOG_LV_ERROR,
					"option '--state' needs a directory "
					"(see 'esxfsd --help')");
				return -1;
			}
			fsd->stg->cfg.dir = argv[++i];
		} else if (!strncmp(a, "--state=", 8)) {
			fsd->stg->cfg.dir = a + 8;
		} else {
			argv[j++] = argv[i];
		}
	}
	if (fsd->stg->cfg.dir && !fsd->stg->cfg.dir[0]) {
		log_msg(&fsd->log, LOG_LV_ERROR,
			"option '--state' needs a directory, not ''");
		return -1;
	}
	*argc = j;
	argv[j] = NULL;
	return 0;
}

int fsd_state_open(struct fsd *fsd)
{
	char err[1024];
	int rc;

	rc = state_open(&fsd->stg->cfg, fsd->tree, &fsd->log, &fsd->state, err,
			sizeof(err));
	if (rc) {
		log_msg(&fsd->log, LOG_LV_ERROR, "%s", err);
		return -1;
	}
	LOG_DEBUG(&fsd->log, "state dir '%s'", state_dir(fsd->state));
	return 0;
}

static void state_usr1_cb(evutil_socket_t sig, short what, void *arg)
{
	struct fsd *fsd = arg;
	struct state_stats st;
	int rc;

	(void)sig;
	(void)what;
	rc = state_reset(fsd->state);
	hook_tree_changed(fsd);
	state_get_stats(fsd->state, &st);
	log_msg(&fsd->log, rc ? LOG_LV_ERROR : LOG_LV_INFO,
		"SIGUSR1: reset to the manifests (%llu changed nodes put "
		"back)%s%s",
		(unsigned long long)st.last_nodes_visited, rc ? ": " : "",
		rc ? strerror(-rc) : "");
}

int fsd_state_start(struct fsd *fsd)
{
	int rc;

	rc = inval_new(&fsd->inval);
	if (!rc)
		rc = inval_start(fsd->inval, fsd->se, fsd->base);
	if (rc) {
		log_msg(&fsd->log, LOG_LV_ERROR,
			"cannot start the invalidation thread: %s",
			strerror(-rc));
		return -1;
	}
	state_set_inval(fsd->state, fsd->inval);
	fsd->stg->sig_usr1 =
	    evsignal_new(fsd->base, SIGUSR1, state_usr1_cb, fsd);
	if (!fsd->stg->sig_usr1 || evsignal_add(fsd->stg->sig_usr1, NULL) < 0) {
		log_msg(&fsd->log, LOG_LV_ERROR, "cannot watch SIGUSR1");
		return -1;
	}
	return 0;
}

void fsd_state_stop(struct fsd *fsd)
{
	if (fsd->stg && fsd->stg->sig_usr1) {
		event_free(fsd->stg->sig_usr1);
		fsd->stg->sig_usr1 = NULL;
	}
	if (fsd->state)
		state_set_inval(fsd->state, NULL);
	inval_free(fsd->inval);
	fsd->inval = NULL;
}

void fsd_state_close(struct fsd *fsd)
{
	fsd_state_stop(fsd);
	state_close(fsd->state);
	fsd->state = NULL;
	free(fsd->stg);
	fsd->stg = NULL;
}

/* ---- the control channel's operations (rpc_state.h) -------------------- */

static const struct mut_who fsd_state_root = {
    .uid = 0, .gid = 0, .behind = true};

/* Makes the directories above path (mkdir -p of its dirname). */
static int sh_parents(struct fsd *fsd, const char *path)
{
	char buf[LIMIT_PATH_MAX];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return 0;
	*slash = '\0';
	return mut_mkdirs(fsd->state, &fsd_state_root, buf, 0755);
}

static int sh_put_do(void *ctx, const struct rpc_put *p)
{
	struct fsd *fsd = ctx;
	struct mut_who w = fsd_state_root;
	char name[LIMIT_NAME_MAX + 1];
	struct tree_node *dir, *n;
	struct mut_attr a;
	int rc;

	if (p->parents && (rc = sh_parents(fsd, p->path)))
		return rc;
	/* a symlink to a file: write the file, as the shell's > does */
	if (mut_resolve(fsd->tree, p->path, true, &n) == 0 &&
	    S_ISREG(n->mode) && (dir = tree_get(fsd->tree, n->parent))) {
		snprintf(name, sizeof(name), "%s", n->name);
	} else if ((rc = mut_parent(fsd->tree, p->path, &dir, name))) {
		return rc;
	}
	if (p->uid >= 0)
		w.uid = (uid_t)p->uid;
	if (p->gid >= 0)
		w.gid = (gid_t)p->gid;
	rc = mut_put(fsd->state, &w, dir, name, p->data, p->len,
		     p->mode < 0 ? 0644 : (mode_t)p->mode, &n);
	if (rc || (p->mode < 0 && p->uid < 0 && p->gid < 0))
		return rc;
	memset(&a, 0, sizeof(a));
	if (p->mode >= 0)
		a.set |= MUT_SET_MODE;
	if (p->uid >= 0)
		a.set |= MUT_SET_UID;
	if (p->gid >= 0)
		a.set |= MUT_SET_GID;
	a.mode = (mode_t)(p->mode < 0 ? 0 : p->mode);
	a.uid = (uid_t)(p->uid < 0 ? 0 : p->uid);
	a.gid = (gid_t)(p->gid < 0 ? 0 : p->gid);
	return mut_setattr(fsd->state, &fsd_state_root, n, &a);
}

/* Removes everything below dir n, then n (rm -r). */
static int sh_remove_tree(struct fsd *fsd, struct tree_node *dir,
			  struct tree_node *n)
{
	struct tree_node *c;
	char name[LIMIT_NAME_MAX + 1];
	int rc;

	if (S_ISDIR(n->mode)) {
		while ((c = n->children)) {
			rc = sh_remove_tree(fsd, n, c);
			if (rc)
				return rc;
		}
		snprintf(name, sizeof(name), "%s", n->name);
		return mut_rmdir(fsd->state, &fsd_state_root, dir, name);
	}
	snprintf(name, sizeof(name), "%s", n->name);
	return mut_unlink(fsd->state, &fsd_state_root, dir, name);
}

static int sh_remove_do(void *ctx, const char *path, bool recursive)
{
	struct fsd *fsd = ctx;
	char name[LIMIT_NAME_MAX + 1];
	struct tree_node *dir, *n;
	int rc;

	if ((rc = mut_parent(fsd->tree, path, &dir, name)) ||
	    (rc = tree_lookup(fsd->tree, dir, name, &n)))
		return rc;
	if (S_ISDIR(n->mode) && recursive)
		return sh_remove_tree(fsd, dir, n);
	if (S_ISDIR(n->mode))
		return mut_rmdir(fsd->state, &fsd_state_root, dir, name);
	return mut_unlink(fsd->state, &fsd_state_root, dir, name);
}

static int sh_mkdir_do(void *ctx, const char *path, unsigned mode, bool parents)
{
	struct fsd *fsd = ctx;
	char name[LIMIT_NAME_MAX + 1];
	struct tree_node *dir, *n;
	int rc;

	if (parents)
		return mut_mkdirs(fsd->state, &fsd_state_root, path,
				  (mode_t)mode);
	if ((rc = mut_parent(fsd->tree, path, &dir, name)))
		return rc;
	return mut_make(fsd->state, &fsd_state_root, dir, name,
			S_IFDIR | (mode & 07777), 0, NULL, &n);
}

static int sh_symlink_do(void *ctx, const char *path, const char *target,
			 bool parents)
{
	struct fsd *fsd = ctx;
	char name[LIMIT_NAME_MAX + 1];
	struct tree_node *dir, *n;
	int rc;

	if (parents && (rc = sh_parents(fsd, path)))
		return rc;
	if ((rc = mut_parent(fsd->tree, path, &dir, name)))
		return rc;
	return mut_make(fsd->state, &fsd_state_root, dir, name, S_IFLNK | 0777,
			0, target, &n);
}

static int sh_chmod(void *ctx, const char *path, int64_t mode, int64_t uid,
		    int64_t gid)
{
	struct fsd *fsd = ctx;
	struct tree_node *n;
	struct mut_attr a;
	int rc;

	if ((rc = mut_resolve(fsd->tree, path, true, &n)))
		return rc;
	memset(&a, 0, sizeof(a));
	if (mode >= 0) {
		a.set |= MUT_SET_MODE;
		a.mode = (mode_t)mode;
	}
	if (uid >= 0) {
		a.set |= MUT_SET_UID;
		a.uid = (uid_t)uid;
	}
	if (gid >= 0) {
		a.set |= MUT_SET_GID;
		a.gid = (gid_t)gid;
	}
	return mut_setattr(fsd->state, &fsd_state_root, n, &a);
}

/* Nodes made, replaced or freed outside a FUSE handler: the rules and log
 * configs recompute what they watch (even after an error: a failed
 * recursive remove or mkdir -p may have changed part of the tree). */
static int sh_changed(struct fsd *fsd, int rc)
{
	hook_tree_changed(fsd);
	return rc;
}

static int sh_put(void *ctx, const struct rpc_put *p)
{
	return sh_changed(ctx, sh_put_do(ctx, p));
}

static int sh_remove(void *ctx, const char *path, bool recursive)
{
	return sh_changed(ctx, sh_remove_do(ctx, path, recursive));
}

static int sh_mkdir(void *ctx, const char *path, unsigned mode, bool parents)
{
	return sh_changed(ctx, sh_mkdir_do(ctx, path, mode, parents));
}

static int sh_symlink(void *ctx, const char *path, const char *target,
		      bool parents)
{
	return sh_changed(ctx, sh_symlink_do(ctx, path, target, parents));
}

static int sh_reset(void *ctx)
{
	struct fsd *fsd = ctx;

	return sh_changed(fsd, state_reset(fsd->state));
}

static int sh_snapshot(void *ctx, const char *name)
{
	struct fsd *fsd = ctx;

	return state_snapshot(fsd->state, name);
}

static int sh_restore(void *ctx, const char *name)
{
	struct fsd *fsd = ctx;

	return sh_changed(fsd, state_restore(fsd->state, name));
}

static int sh_forget(void *ctx, const char *name)
{
	struct fsd *fsd = ctx;

	return state_forget(fsd->state, name);
}

struct sh_cb {
	int (*snap)(void *arg, const struct rpc_state_snap *s);
	int (*change)(void *arg, const struct rpc_state_change *c);
	void *arg;
};

static int sh_snap_one(void *arg, const struct state_snap_info *si)
{
	struct sh_cb *cb = arg;
	struct rpc_state_snap s = {
	    .name = si->name,
	    .nodes = si->nodes,
	    .bytes = si->bytes,
	    .created = (int64_t)si->created,
	};

	return cb->snap(cb->arg, &s);
}

static int sh_snapshots(void *ctx,
			int (*fn)(void *arg, const struct rpc_state_snap *s),
			void *arg)
{
	struct fsd *fsd = ctx;
	struct sh_cb cb = {.snap = fn, .arg = arg};

	return state_snapshots(fsd->state, sh_snap_one, &cb);
}

static const char *sh_type(mode_t m)
{
	static const struct {
		mode_t fmt;
		const char *name;
	} types[] = {
	    {S_IFREG, "file"},    {S_IFDIR, "dir"},      {S_IFLNK, "symlink"},
	    {S_IFCHR, "chardev"}, {S_IFBLK, "blockdev"}, {S_IFIFO, "fifo"},
	    {S_IFSOCK, "socket"},
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((m & S_IFMT) == types[i].fmt)
			return types[i].name;
	return "unknown";
}

static int sh_diff_one(void *arg, const struct state_diff_entry *e)
{
	static const char *const kinds[] = {
	    [STATE_DIFF_ADDED] = "added",
	    [STATE_DIFF_DELETED] = "deleted",
	    [STATE_DIFF_RENAMED] = "renamed",
	    [STATE_DIFF_MODIFIED] = "modified",
	};
	struct sh_cb *cb = arg;
	struct rpc_state_change c = {
	    .change = kinds[e->kind],
	    .path = e->path,
	    .old_path = e->old_path,
	    .type =
		sh_type(e->kind == STATE_DIFF_DELETED ? e->old_mode : e->mode),
	    .mode = e->mode & 07777,
	    .old_mode = e->old_mode & 07777,
	    .uid = e->uid,
	    .gid = e->gid,
	    .old_uid = e->old_uid,
	    .old_gid = e->old_gid,
	    .size = e->size,
	    .old_size = e->old_size,
	    .content = e->what & STATE_DW_CONTENT,
	    .mode_changed = e->what & STATE_DW_MODE,
	    .owner = e->what & STATE_DW_OWNER,
	    .times = e->what & STATE_DW_TIMES,
	    .xattrs = e->what & STATE_DW_XATTR,
	    .data = e->data,
	};

	return cb->change(cb->arg, &c);
}

static int sh_diff(void *ctx,
		   int (*fn)(void *arg, const struct rpc_state_change *c),
		   void *arg)
{
	struct fsd *fsd = ctx;
	struct sh_cb cb = {.change = fn, .arg = arg};

	return state_diff(fsd->state, sh_diff_one, &cb);
}

static void sh_counts(void *ctx, struct rpc_state_counts *out)
{
	struct fsd *fsd = ctx;
	struct state_stats st;

	state_get_stats(fsd->state, &st);
	out->dir = state_dir(fsd->state);
	out->dirty = st.dirty;
	out->last_visited = st.last_nodes_visited;
	out->visited = st.nodes_visited;
	out->journal_lines = st.journal_lines;
	out->compactions = st.compactions;
	out->copyups = st.copyups;
	out->resets = st.resets;
	out->snapshots = st.snapshots;
	out->restores = st.restores;
}

static bool sh_barrier(void *ctx, void (*done)(void *arg), void *arg)
{
	struct fsd *fsd = ctx;

	return inval_barrier(fsd->inval, done, arg);
}

const struct rpc_state_host fsd_state_rpc = {
    .put = sh_put,
    .remove = sh_remove,
    .mkdir = sh_mkdir,
    .symlink = sh_symlink,
    .chmod = sh_chmod,
    .reset = sh_reset,
    .snapshot = sh_snapshot,
    .restore = sh_restore,
    .forget = sh_forget,
    .snapshots = sh_snapshots,
    .diff = sh_diff,
    .counts = sh_counts,
    .barrier = sh_barrier,
};

size_t fsd_state_counters(struct fsd *fsd, struct rpc_counter *out, size_t max)
{
	struct state_stats st;
	size_t n = 0, i;

	if (!fsd->state)
		return 0;
	state_get_stats(fsd->state, &st);
	{
		const struct rpc_counter all[] = {
		    {"state_changed_nodes", st.dirty},
		    {"state_nodes_visited", st.nodes_visited},
		    {"state_last_nodes_visited", st.last_nodes_visited},
		    {"state_journal_lines", st.journal_lines},
		    {"state_journal_writes", st.journal_writes},
		    {"state_compactions", st.compactions},
		    {"state_copyups", st.copyups},
		    {"state_copyup_bytes", st.copyup_bytes},
		    {"state_resets", st.resets},
		    {"state_snapshots", st.snapshots},
		    {"state_restores", st.restores},
		};

		for (i = 0; i < sizeof(all) / sizeof(all[0]) && n < max; i++)
			out[n++] = all[i];
	}
	return n;
}
