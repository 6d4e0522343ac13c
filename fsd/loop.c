/* loop.c - the one libevent loop: /dev/fuse as a persistent read event,
 * SIGINT/SIGTERM/SIGHUP as signal events, and the "ready" hand-off. */
#include "fsd.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void loop_fuse_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fsd *fsd = arg;
	int i, res;

	(void)fd;
	(void)what;
	/* What lib/fuse_loop.c does, a bounded batch at a time: the fd is
	 * non-blocking, so an empty queue reads as -EAGAIN. */
	for (i = 0; i < LIMIT_FUSE_BATCH; i++) {
		res = fuse_session_receive_buf(fsd->se, &fsd->fbuf);
		if (res == -EINTR || res == -EAGAIN)
			break;
		if (res <= 0) { /* 0: unmounted or aborted */
			if (res < 0) {
				fsd->exit_status = 1;
				log_msg(&fsd->log, LOG_LV_ERROR,
					"reading '/dev/fuse': %s",
					strerror(-res));
			} else {
				log_msg(&fsd->log, LOG_LV_INFO,
					"'%s' was unmounted",
					fsd->cfg.mountpoint);
			}
			fuse_session_exit(fsd->se);
			break;
		}
		fuse_session_process_buf(fsd->se, &fsd->fbuf);
		if (fuse_session_exited(fsd->se))
			break;
	}
	if (fsd->initialized && !fsd->ready_sent)
		fsd_ready(fsd);
	if (fuse_session_exited(fsd->se))
		event_base_loopbreak(fsd->base);
}

static void loop_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct fsd *fsd = arg;

	(void)what;
	log_msg(&fsd->log, LOG_LV_INFO, "%s: unmounting '%s'",
		strsignal((int)sig), fsd->cfg.mountpoint);
	fuse_session_exit(fsd->se);
	event_base_loopbreak(fsd->base);
}

int fsd_loop_signals(struct fsd *fsd)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		fsd->sig_ev[i] =
		    evsignal_new(fsd->base, sigs[i], loop_signal_cb, fsd);
		if (!fsd->sig_ev[i] || evsignal_add(fsd->sig_ev[i], NULL) < 0)
			return -ENOMEM;
	}
	return 0;
}

int fsd_loop_watch_fuse(struct fsd *fsd)
{
	int fd = fuse_session_fd(fsd->se), fl;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	fsd->fuse_ev =
	    event_new(fsd->base, fd, EV_READ | EV_PERSIST, loop_fuse_cb, fsd);
	if (!fsd->fuse_ev || event_add(fsd->fuse_ev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

int fsd_loop_run(struct fsd *fsd)
{
	if (event_base_dispatch(fsd->base) < 0)
		return -EIO;
	return 0;
}

void fsd_loop_teardown(struct fsd *fsd)
{
	size_t i;

	if (fsd->fuse_ev) {
		event_free(fsd->fuse_ev);
		fsd->fuse_ev = NULL;
	}
	for (i = 0; i < sizeof(fsd->sig_ev) / sizeof(fsd->sig_ev[0]); i++) {
		if (fsd->sig_ev[i])
			event_free(fsd->sig_ev[i]);
		fsd->sig_ev[i] = NULL;
	}
}

void fsd_ready(struct fsd *fsd)
{
	FILE *f;
	int devnull;

	fsd->ready_sent = true;
	if (fsd->cfg.pid_file) {
		f = fopen(fsd->cfg.pid_file, "w");
		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0)
			log_msg(&fsd->log, LOG_LV_WARN,
				"cannot write pid file '%s': %s",
				fsd->cfg.pid_file, strerror(errno));
		if (f)
			fclose(f);
	}
	log_msg(&fsd->log, LOG_LV_INFO, "mounted %zu entries on '%s'",
		fsd->tree->n_live, fsd->cfg.mountpoint);
	if (fsd->ready_fd < 0)
		return;
	/* Daemon mode: detach from the terminal, then release the starter. */
	if (chdir("/") < 0)
		log_msg(&fsd->log, LOG_LV_WARN, "chdir '/': %s",
			strerror(errno));
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		if (!fsd->cfg.debug)
			dup2(devnull, STDERR_FILENO);
		close(devnull);
	}
	if (write(fsd->ready_fd, "R", 1) != 1)
		log_msg(&fsd->log, LOG_LV_WARN, "cannot signal readiness: %s",
			strerror(errno));
	close(fsd->ready_fd);
	fsd->ready_fd = -1;
}
