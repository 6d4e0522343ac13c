/* state_host.c - esxfsd's wiring of the writable layer (see state_host.h):
 * options, open/close of the state dir, the notifier thread, SIGUSR1.
 * Owns struct fsd_state_glue. */
#include "state_host.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fsd.h"
#include "inval.h"
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
