/* state_host.h - esxfsd's wiring of the writable layer: options, opening
 * the state dir, the invalidation thread, SIGUSR1 (reset), teardown.
 * Owns fsd->state, fsd->inval and fsd->stg. */
#ifndef ESXMOCK_FSD_STATE_HOST_H
#define ESXMOCK_FSD_STATE_HOST_H

#include <stdio.h>

struct fsd;

/* Takes --state DIR and --keep-state out of argv (like hook_take_args).
 * 0, or -1 after printing a usage error. */
int fsd_state_args(struct fsd *fsd, int *argc, char **argv);
void fsd_state_usage(FILE *out);

/* After the tree is built: opens the state dir and replays it. 0, or -1
 * after logging why. */
int fsd_state_open(struct fsd *fsd);
/* After mounting: the invalidation thread and the SIGUSR1 event. */
int fsd_state_start(struct fsd *fsd);
/* After unmounting: stops the thread. */
void fsd_state_stop(struct fsd *fsd);
/* Before the tree is freed. Safe when never opened. */
void fsd_state_close(struct fsd *fsd);

#endif
