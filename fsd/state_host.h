/* state_host.h - esxfsd's wiring of the writable layer: options, opening
 * the state dir, the invalidation thread, SIGUSR1 (reset), teardown.
 * Owns fsd->state, fsd->inval and fsd->stg. */
#ifndef ESXMOCK_FSD_STATE_HOST_H
#define ESXMOCK_FSD_STATE_HOST_H

#include <stddef.h>
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

/* The control channel's view of the writable layer (rpc_state.h), with
 * the struct fsd as ctx: rpc_host.c puts it in struct rpc_host. */
struct rpc_state_host;
extern const struct rpc_state_host fsd_state_rpc;
/* The writable layer's counters for the control channel's stats (state_*:
 * changed nodes, nodes the last reset/restore/snapshot visited...). Fills
 * at most max; returns how many. */
struct rpc_counter;
size_t fsd_state_counters(struct fsd *fsd, struct rpc_counter *out, size_t max);

#endif
