/* rpc_host.c - the daemon behind the control channel: struct rpc_host
 * implemented over esxfsd's tree, and the control server's start/stop.
 * Owns fsd->rpc and fsd->ctl. Reads never go through the mount (a daemon
 * reading its own mount point can deadlock): bytes come from the tree's
 * content sources directly, as the FUSE read handler gets them. */
#include "rpc_host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content.h"
#include "ctl.h"
#include "exec.h"
#include "fsd.h"
#include "hook.h"
#include "manifest.h"
#include "rpc.h"
#include "state_host.h"
#include "state_overlay.h"
#include "tree.h"

/* The manifest's user and group tables, copied before the manifest is
 * freed: names in files.stat/list, ids of names in files.put/chmod. */
struct fsd_names {
	struct mf_ident *ids; /* users, then groups; names owned */
	size_t n_users, n_groups;
	char ubuf[16], gbuf[16]; /* numeric fallback for unknown ids */
};

int fsd_names_keep(struct fsd *fsd, const struct mf_manifest *m)
{
	struct fsd_names *nm = calloc(1, sizeof(*nm));
	size_t i, n = m->n_users + m->n_groups;

	if (!nm || !(nm->ids = calloc(n ? n : 1, sizeof(*nm->ids)))) {
		free(nm);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const struct mf_ident *src =
		    i < m->n_users ? &m->users[i] : &m->groups[i - m->n_users];

		nm->ids[i].id = src->id;
		if (!(nm->ids[i].name = strdup(src->name))) {
			nm->n_users = i;
			fsd_names_free(nm);
			return -ENOMEM;
		}
	}
	nm->n_users = m->n_users;
	nm->n_groups = m->n_groups;
	fsd_names_free(fsd->names);
	fsd->names = nm;
	return 0;
}

void fsd_names_free(struct fsd_names *nm)
{
	size_t i;

	if (!nm)
		return;
	for (i = 0; i < nm->n_users + nm->n_groups; i++)
		free(nm->ids[i].name);
	free(nm->ids);
	free(nm);
}

/* The name of id in the user (group) table, else the id in decimal. */
static const char *host_name(struct fsd_names *nm, bool group, unsigned int id)
{
	size_t i, from = group ? nm->n_users : 0;
	size_t to = group ? nm->n_users + nm->n_groups : nm->n_users;
	char *buf = group ? nm->gbuf : nm->ubuf;

	for (i = from; i < to; i++)
		if (nm->ids[i].id == id)
			return nm->ids[i].name;
	snprintf(buf, sizeof(nm->ubuf), "%u", id);
	return buf;
}

static int host_ident(void *ctx, bool group, const char *name, int64_t *id)
{
	struct fsd *fsd = ctx;
	struct fsd_names *nm = fsd->names;
	size_t i, from, to;

	if (!nm)
		return -ENOENT;
	from = group ? nm->n_users : 0;
	to = group ? nm->n_users + nm->n_groups : nm->n_users;
	for (i = from; i < to; i++)
		if (!strcmp(nm->ids[i].name, name)) {
			*id = nm->ids[i].id;
			return 0;
		}
	return -ENOENT;
}

static void host_info(struct fsd *fsd, const struct tree_node *n,
		      struct rpc_file_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	tree_stat(n, &fi->st);
	fi->target = S_ISLNK(n->mode) ? n->target : NULL;
	if (fsd->names) {
		fi->user = host_name(fsd->names, false, fi->st.st_uid);
		fi->group = host_name(fsd->names, true, fi->st.st_gid);
	}
}

static int host_stat(void *ctx, const char *path, struct rpc_file_info *fi)
{
	struct fsd *fsd = ctx;
	struct tree_node *n;
	int r = tree_resolve(fsd->tree, path, &n);

	if (r < 0)
		return r;
	host_info(fsd, n, fi);
	return 0;
}

static int host_read(void *ctx, const char *path, uint64_t off, void *buf,
		     size_t len, size_t *got)
{
	struct fsd *fsd = ctx;
	struct content_span sp;
	struct tree_node *n;
	uint64_t fd_data = 0;
	ssize_t rd;
	int fd = -1, r;

	*got = 0;
	if ((r = tree_resolve(fsd->tree, path, &n)) < 0)
		return r;
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode))
		return -EINVAL;
	if (off >= n->size)
		return 0;
	/* the node's bytes now: its data file once written, else the
	 * manifest's content */
	if ((r = content_fd_sync(fsd->state, n, &fd, &fd_data)) < 0)
		return r;
	content_span(n, fd, (off_t)off, len, &sp);
	if (sp.mem) {
		memcpy(buf, sp.mem, sp.len);
		rd = (ssize_t)sp.len;
	} else if (sp.fd >= 0) {
		rd = pread(sp.fd, buf, sp.len, sp.off);
		if (rd < 0)
			rd = -errno;
	} else {
		memset(buf, 0, sp.len); /* sparse */
		rd = (ssize_t)sp.len;
	}
	if (fd >= 0)
		close(fd);
	if (rd < 0)
		return (int)rd;
	*got = (size_t)rd;
	return 0;
}

static int host_list(void *ctx, const char *path, rpc_list_fn *emit, void *arg)
{
	struct fsd *fsd = ctx;
	struct rpc_file_info fi;
	struct tree_node *dir, *c;
	int r = tree_resolve(fsd->tree, path, &dir);

	if (r < 0)
		return r;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	for (c = tree_dir_next(dir, 0); c; c = c->hh.next) {
		host_info(fsd, c, &fi);
		if ((r = emit(arg, c->name, &fi)))
			return r;
	}
	return 0;
}

static size_t host_counters(void *ctx, struct rpc_counter *out, size_t max)
{
	struct fsd *fsd = ctx;
	uint64_t total = 0;
	size_t n = 0, i;

	for (i = 0; i < FSD_OP_COUNT; i++)
		total += fsd->stats.ops[i];
	if (n < max)
		out[n++] = (struct rpc_counter){"nodes", fsd->tree->n_live};
	if (n < max)
		out[n++] = (struct rpc_counter){"ops_total", total};
	if (n < max)
		out[n++] = (struct rpc_counter){"op_errors", fsd->stats.errors};
	for (i = 0; i < FSD_OP_COUNT && n < max; i++)
		out[n++] =
		    (struct rpc_counter){fsd_op_names[i], fsd->stats.ops[i]};
	n += hook_counters(fsd, out + n, max - n);
	return n + fsd_state_counters(fsd, out + n, max - n);
}

int fsd_ctl_args(struct fsd *fsd, int *argc, char **argv)
{
	char err[256];

	ctl_config_init(&fsd->ctl_cfg);
	if (ctl_take_args(&fsd->ctl_cfg, argc, argv, err, sizeof(err)) < 0) {
		log_msg(&fsd->log, LOG_LV_ERROR, "%s", err);
		return -1;
	}
	return 0;
}

void fsd_ctl_usage(FILE *out)
{
	ctl_usage(out);
}

static void host_log(void *arg, enum ctl_log_level lv, const char *line)
{
	struct fsd *fsd = arg;

	log_msg(&fsd->log, lv == CTL_LOG_WARN ? LOG_LV_WARN : LOG_LV_INFO, "%s",
		line);
}

int fsd_ctl_start(struct fsd *fsd)
{
	struct rpc_host host = {
	    .ctx = fsd,
	    .stat = host_stat,
	    .read = host_read,
	    .list = host_list,
	    .counters = host_counters,
	    .icpt = hook_icpt(fsd),
	    .alog = hook_alog(fsd),
	    .state = &fsd_state_rpc,
	    .exec_call = exec_rpc_call,
	    .manifest_load = fsd_overlay_load,
	    .ident = host_ident,
	};
	char err[256];

	fsd->rpc = rpc_server_new(&host);
	if (!fsd->rpc) {
		log_msg(&fsd->log, LOG_LV_ERROR, "control: out of memory");
		return -1;
	}
	fsd->ctl_cfg.log = host_log;
	fsd->ctl_cfg.log_arg = fsd;
	fsd->ctl_cfg.verbose = fsd->cfg.debug;
	if (ctl_new(fsd->base, fsd->rpc, &fsd->ctl_cfg, &fsd->ctl, err,
		    sizeof(err)) < 0) {
		log_msg(&fsd->log, LOG_LV_ERROR, "control: %s", err);
		rpc_server_free(fsd->rpc);
		fsd->rpc = NULL;
		return -1;
	}
	return 0;
}

void fsd_ctl_stop(struct fsd *fsd)
{
	ctl_free(fsd->ctl);
	fsd->ctl = NULL;
	rpc_server_free(fsd->rpc);
	fsd->rpc = NULL;
}
