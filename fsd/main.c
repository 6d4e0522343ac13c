/* main.c - esxfsd: options, wiring, the startup ladder and teardown.
 * Owns main() and struct fsd's life; no file-system logic lives here.
 *
 * THREADING AND EVENT MODEL (decided; later issues rely on it)
 * - FUSE low-level API (fuse_lowlevel.h, libfuse 3.14). ONE libevent loop,
 *   on ONE thread, owns everything: fuse_session_fd() is a persistent,
 *   non-blocking read event whose callback runs fuse_session_receive_buf()
 *   + fuse_session_process_buf() (what lib/fuse_loop.c does) for a bounded
 *   batch; SIGINT/SIGTERM/SIGHUP are evsignal events that exit the session
 *   and break the loop; the control channel (issue 5) adds its listener and
 *   bufferevents to the same event_base. No threads, no locks: FUSE ops and
 *   control mutations are ordered by the loop.
 * - Nothing may block the loop. A handler that must wait (a rule that
 *   delays or hangs a read, an exec answered by a test) keeps its fuse_req_t
 *   and replies later from an event callback (a deferred reply): each
 *   handler replies exactly once, now or later.
 * - All state is in struct fsd (fsd.h), which lives in main() and reaches
 *   FUSE handlers as the session's userdata and libevent callbacks as arg.
 *   No file-scope mutable globals.
 * - Per-request identity comes from fuse_req_ctx() (fsd_caller_of: pid,
 *   uid, gid); an open caused by execve() carries FSD_OPEN_EXEC (0x20) in
 *   fi->flags, recorded in struct fsd_fh.
 * - Every data-path op calls fsd_hook() first: the rule engine's place.
 * - The ONE exception to "no threads": the kernel cache notifier (inval.h).
 *   Changes made behind the kernel's back (control-channel writes, state
 *   reset/restore) need fuse_lowlevel_notify_inval_*(), which may block
 *   while a process holds an inode lock waiting for a FUSE request: called
 *   from the loop thread that would deadlock. The loop only queues; one
 *   thread, which touches nothing else, notifies and reports barriers back
 *   through an eventfd, so control replies wait until the kernel forgot.
 * - Writable layer (state.h, mutate.h): the tree stays authoritative; every
 *   change is one journal line in the state dir before its reply, file
 *   bytes are written in place into data files (docs/state-dir.md).
 * - Kernel caching: long entry/attr timeouts, negative entries, keep_cache
 *   and cache_readdir for unchanged nodes, READDIRPLUS with full attributes;
 *   all per node (struct tree_node), so watched paths can opt out.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "embed.h"
#include "exec.h"
#include "fsd.h"
#include "hook.h"
#include "manifest.h"
#include "mnt.h"
#include "rpc_host.h"
#include "state_host.h"

#ifndef ESXMOCK_VERSION
#define ESXMOCK_VERSION "0"
#endif
#ifndef ESXMOCK_SHADOW_DIR
#define ESXMOCK_SHADOW_DIR "/.shadow"
#endif

#define FSD_MOUNT_OPTS                                                         \
	"default_permissions,allow_other,dev,suid,fsname=esxmock,"             \
	"subtype=esxfsd"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: esxfsd [options] MOUNTPOINT\n"
		"Mounts a synthetic VMware ESXi root tree described by JSON "
		"manifests.\n\n"
		"  -f, --foreground        stay in the foreground (default: "
		"return once\n"
		"                          the mount is ready, then run in "
		"the background)\n"
		"  -m, --manifest FILE     manifest to load; repeat for "
		"overlays (later\n"
		"                          ones win); default: the embedded "
		"ESXi 8 tree\n"
		"      --content-root DIR  where \"file\" content paths are "
		"relative to\n"
		"      --shadow-root DIR   what \"/.shadow/...\" content maps "
		"to (default:\n"
		"                          $ESXMOCK_SHADOW, /.shadow, or %s)\n"
		"      --pid-file FILE     write the daemon's pid once the "
		"mount is ready\n"
		"  -d, --debug             log every FUSE request (stderr)\n"
		"  -o OPTS                 extra FUSE mount options\n"
		"  -h, --help              this text\n"
		"  -V, --version           print the version\n",
		ESXMOCK_SHADOW_DIR);
	hook_usage(out);
	fsd_state_usage(out);
	fsd_ctl_usage(out);
}

static char *abs_dir(const struct fsd_log *lg, const char *what,
		     const char *path)
{
	struct stat st;
	char *abs;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_msg(lg, LOG_LV_ERROR, "%s '%s' %s", what, path,
			errno == ENOENT ? "does not exist"
					: "is not a directory");
		return NULL;
	}
	abs = realpath(path, NULL);
	if (!abs)
		log_msg(lg, LOG_LV_ERROR, "%s '%s': %s", what, path,
			strerror(errno));
	return abs;
}

static char *default_shadow_root(void)
{
	const char *env = getenv("ESXMOCK_SHADOW");
	struct stat st;
	char *abs;

	if (env && *env) {
		abs = realpath(env, NULL);
		return abs ? abs : strdup(env);
	}
	if (stat("/.shadow", &st) == 0 && S_ISDIR(st.st_mode))
		return strdup("/.shadow");
	return strdup(ESXMOCK_SHADOW_DIR);
}

enum {
	OPT_CONTENT_ROOT = 256,
	OPT_SHADOW_ROOT,
	OPT_PID_FILE,
};

/* Returns 0 to go on, 1 to exit successfully (help/version), -1 on a
 * usage error (already reported). */
static int parse_args(struct fsd *fsd, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"foreground", no_argument, NULL, 'f'},
	    {"manifest", required_argument, NULL, 'm'},
	    {"content-root", required_argument, NULL, OPT_CONTENT_ROOT},
	    {"shadow-root", required_argument, NULL, OPT_SHADOW_ROOT},
	    {"pid-file", required_argument, NULL, OPT_PID_FILE},
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct fsd_config *cfg = &fsd->cfg;
	const char *content = NULL, *shadow = NULL, *pidf = NULL;
	int c;

	if (fuse_opt_add_arg(&cfg->fuse_args, "esxfsd") ||
	    fuse_opt_add_arg(&cfg->fuse_args, "-o") ||
	    fuse_opt_add_arg(&cfg->fuse_args, FSD_MOUNT_OPTS))
		return -1;
	while ((c = getopt_long(argc, argv, "fm:do:hV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			cfg->foreground = true;
			break;
		case 'm':
			if (cfg->n_manifests == LIMIT_MANIFESTS) {
				log_msg(&fsd->log, LOG_LV_ERROR,
					"too many manifests (at most %d)",
					LIMIT_MANIFESTS);
				return -1;
			}
			cfg->manifests[cfg->n_manifests] = strdup(optarg);
			if (!cfg->manifests[cfg->n_manifests++])
				return -1;
			break;
		case OPT_CONTENT_ROOT:
			content = optarg;
			break;
		case OPT_SHADOW_ROOT:
			shadow = optarg;
			break;
		case OPT_PID_FILE:
			pidf = optarg;
			break;
		case 'd':
			cfg->debug = true;
			fsd->log.level = LOG_LV_DEBUG;
			if (fuse_opt_add_arg(&cfg->fuse_args, "-d"))
				return -1;
			break;
		case 'o':
			if (fuse_opt_add_arg(&cfg->fuse_args, "-o") ||
			    fuse_opt_add_arg(&cfg->fuse_args, optarg))
				return -1;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("esxfsd %s (libfuse %s)\n", ESXMOCK_VERSION,
			       fuse_pkgversion());
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		log_msg(&fsd->log, LOG_LV_ERROR, "%s (see 'esxfsd --help')",
			optind >= argc ? "missing MOUNTPOINT"
				       : "too many arguments");
		return -1;
	}
	cfg->mountpoint = strdup(argv[optind]);
	if (content &&
	    !(cfg->content_root = abs_dir(&fsd->log, "content root", content)))
		return -1;
	if (shadow)
		cfg->shadow_root = abs_dir(&fsd->log, "shadow root", shadow);
	else
		cfg->shadow_root = default_shadow_root();
	if (!cfg->mountpoint || !cfg->shadow_root)
		return -1;
	if (pidf) {
		/* absolute: the daemon changes to "/" */
		if (pidf[0] == '/') {
			cfg->pid_file = strdup(pidf);
		} else {
			char *cwd = getcwd(NULL, 0);

			if (cwd &&
			    asprintf(&cfg->pid_file, "%s/%s", cwd, pidf) < 0)
				cfg->pid_file = NULL;
			free(cwd);
		}
		if (!cfg->pid_file)
			return -1;
	}
	return 0;
}

/* Loads the -m manifests (or the embedded stack) and builds the tree. */
static int load_tree(struct fsd *fsd)
{
	struct mf_source *srcs = fsd->cfg.stack; /* kept for manifest.load */
	char(*names)[64] = fsd->cfg.stack_names;
	struct mf_manifest *m = NULL;
	struct mf_error merr;
	struct tree_opts topts;
	char buf[1024], err[1024];
	size_t i, n;
	int rc;

	memset(fsd->cfg.stack, 0, sizeof(fsd->cfg.stack));
	memset(&merr, 0, sizeof(merr));
	if (fsd->cfg.n_manifests) {
		n = fsd->cfg.n_manifests;
		for (i = 0; i < n; i++) {
			srcs[i].name = fsd->cfg.manifests[i];
			/* manifest.load reads them again, maybe after a
			 * chdir: their absolute paths */
			fsd->cfg.stack_paths[i] =
			    realpath(fsd->cfg.manifests[i], NULL);
		}
	} else {
		n = fsd_embedded_count;
		if (n == 0) {
			log_msg(&fsd->log, LOG_LV_ERROR,
				"no manifest given and none embedded in this "
				"build (use -m FILE)");
			return -EINVAL;
		}
		for (i = 0; i < n && i < LIMIT_MANIFESTS; i++) {
			snprintf(names[i], sizeof(names[i]), "<embedded>/%s",
				 fsd_embedded_manifests[i].name);
			srcs[i].name = names[i];
			srcs[i].buf =
			    (const char *)fsd_embedded_manifests[i].data;
			srcs[i].len = fsd_embedded_manifests[i].len;
		}
	}
	fsd->cfg.n_stack = n < LIMIT_MANIFESTS ? n : LIMIT_MANIFESTS;
	rc = mf_load(srcs, fsd->cfg.n_stack, &m, &merr);
	if (rc) {
		log_msg(&fsd->log, LOG_LV_ERROR, "manifest error: %s",
			mf_error_str(&merr, buf, sizeof(buf)));
		return rc;
	}
	topts.content_root = fsd->cfg.content_root;
	topts.shadow_root = fsd->cfg.shadow_root;
	topts.default_time = fsd->start_time;
	rc = tree_build(m, &topts, &fsd->tree, err, sizeof(err));
	if (!rc && fsd_names_keep(fsd, m) < 0) {
		snprintf(err, sizeof(err),
			 "out of memory keeping the user and group names");
		rc = -ENOMEM;
	}
	mf_manifest_free(m);
	malloc_trim(0); /* give the JSON documents' memory back to the OS */
	if (rc)
		log_msg(&fsd->log, LOG_LV_ERROR, "%s", err);
	return rc;
}

static void fsd_config_release(struct fsd_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_manifests; i++) {
		free(cfg->manifests[i]);
		free(cfg->stack_paths[i]);
	}
	free(cfg->mountpoint);
	free(cfg->content_root);
	free(cfg->shadow_root);
	free(cfg->pid_file);
	fuse_opt_free_args(&cfg->fuse_args);
}

int main(int argc, char **argv)
{
	struct fsd fsd;
	struct hook_config hcfg;
	char *abs = NULL, herr[1024];
	int rc;

	memset(&fsd, 0, sizeof(fsd));
	log_init(&fsd.log, "esxfsd");
	fsd.ready_fd = -1;
	fsd.exit_status = 1;
	clock_gettime(CLOCK_REALTIME, &fsd.start_time);

	hook_config_init(&hcfg);
	if (hook_take_args(&hcfg, &argc, argv, herr, sizeof(herr))) {
		log_msg(&fsd.log, LOG_LV_ERROR, "%s (see 'esxfsd --help')",
			herr);
		fsd.exit_status = 2;
		goto out_cfg;
	}
	if (fsd_ctl_args(&fsd, &argc, argv) ||
	    fsd_state_args(&fsd, &argc, argv)) {
		fsd.exit_status = 2;
		goto out_cfg;
	}
	rc = parse_args(&fsd, argc, argv);
	if (rc) {
		fsd.exit_status = rc > 0 ? 0 : 2;
		goto out_cfg;
	}
	if (mnt_check_point(&fsd.log, fsd.cfg.mountpoint, &abs))
		goto out_cfg;
	free(fsd.cfg.mountpoint);
	fsd.cfg.mountpoint = abs;
	if (mnt_check_dev_fuse(&fsd.log))
		goto out_cfg;
	if (!fsd.cfg.foreground && mnt_daemon_start(&fsd.log, &fsd.ready_fd))
		goto out_cfg;
	if (load_tree(&fsd))
		goto out_cfg;
	if (fsd_state_open(&fsd)) /* --state: replays what changed */
		goto out_tree;

	fsd.se = fuse_session_new(&fsd.cfg.fuse_args, fsd_ops(),
				  sizeof(*fsd_ops()), &fsd);
	if (!fsd.se) {
		log_msg(&fsd.log, LOG_LV_ERROR,
			"cannot create the FUSE session (bad -o option?)");
		goto out_tree;
	}
	fsd.base = event_base_new();
	if (!fsd.base) {
		log_msg(&fsd.log, LOG_LV_ERROR, "cannot create the event loop");
		goto out_session;
	}
	/* Rules and access log (manifest sections, sinks) before mounting:
	 * the first request already sees them. */
	if (hook_new(&fsd, &hcfg, herr, sizeof(herr))) {
		log_msg(&fsd.log, LOG_LV_ERROR, "%s", herr);
		goto out_base;
	}
	/* Command interception: /.esxmock and the broker (exec.h); the shim
	 * is $ESXMOCK_INTERPOSE or <shadow root>/mockbin/interpose. */
	if (exec_new(&fsd, getenv("ESXMOCK_INTERPOSE"), herr, sizeof(herr))) {
		log_msg(&fsd.log, LOG_LV_ERROR, "%s", herr);
		goto out_hook;
	}
	/* Signals first, so a SIGTERM right after mounting still unmounts. */
	if (fsd_loop_signals(&fsd)) {
		log_msg(&fsd.log, LOG_LV_ERROR, "cannot set up signal events");
		goto out_hook;
	}
	if (fuse_session_mount(fsd.se, fsd.cfg.mountpoint) != 0) {
		log_msg(&fsd.log, LOG_LV_ERROR,
			"cannot mount on '%s' (see the message above)",
			fsd.cfg.mountpoint);
		goto out_loop;
	}
	fsd.mounted = true;
	if (fsd_loop_watch_fuse(&fsd)) {
		log_msg(&fsd.log, LOG_LV_ERROR,
			"cannot watch '/dev/fuse' in the event loop");
		goto out_unmount;
	}

	if (fsd_state_start(&fsd)) /* invalidation thread, SIGUSR1 */
		goto out_unmount;
	if (fsd_ctl_start(&fsd)) /* control channel (rpc_host.c) */
		goto out_unmount;

	fsd.exit_status = 0; /* from here on, only a loop failure is one */
	if (fsd_loop_run(&fsd))
		fsd.exit_status = 1;

	hook_stop(&fsd); /* held ops fail (EIO) while still mounted */
	fsd_ctl_stop(&fsd);
out_unmount:
	if (fsd.mounted)
		fuse_session_unmount(fsd.se);
	fsd_state_stop(&fsd); /* after unmounting: no notify can block */
out_loop:
	fsd_loop_teardown(&fsd);
out_hook:
	exec_free(&fsd);
	hook_free(&fsd);
out_base:
	event_base_free(fsd.base);
out_session:
	fuse_session_destroy(fsd.se);
	free(fsd.fbuf.mem);
out_tree:
	fsd_state_close(&fsd);
	tree_free(fsd.tree);
	fsd_names_free(fsd.names);
	if (fsd.cfg.pid_file && fsd.ready_sent)
		unlink(fsd.cfg.pid_file);
out_cfg:
	fsd_state_close(&fsd);
	fsd_config_release(&fsd.cfg);
	if (fsd.ready_fd >= 0)
		close(fsd.ready_fd);
	return fsd.exit_status;
}
