/* mnt.h - startup checks around mounting: the mount point, /dev/fuse,
 * and daemonising with a readiness pipe. Owns no state. */
#ifndef ESXMOCK_FSD_MNT_H
#define ESXMOCK_FSD_MNT_H

#include "log.h"

/* Checks that path can take a mount: it exists, is a directory, and is not
 * already a FUSE mount. A stale FUSE mount (ENOTCONN: its daemon died) is
 * lazily unmounted with a message. On success *abs is the canonical path
 * (caller frees). Messages go to lg. 0 or a negative errno. */
int mnt_check_point(const struct fsd_log *lg, const char *path, char **abs);

/* Checks that /dev/fuse exists and can be opened. 0 or a negative errno. */
int mnt_check_dev_fuse(const struct fsd_log *lg);

/* Forks. The parent waits until the child writes one byte to *ready_fd
 * (fsd_ready) and exits 0, or exits with the child's status if it dies
 * first; it never returns. The child returns 0 in a new session with
 * *ready_fd set. A negative errno when fork or pipe fails. */
int mnt_daemon_start(const struct fsd_log *lg, int *ready_fd);

#endif
