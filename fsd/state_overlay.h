/* state_overlay.h - manifest.load over the writable layer: an overlay
 * manifest layered on the daemon's stack, applied as run-time changes.
 * Owns nothing beyond a call; rpc_host.c puts it in struct rpc_host. */
#ifndef ESXMOCK_FSD_STATE_OVERLAY_H
#define ESXMOCK_FSD_STATE_OVERLAY_H

struct rpc_overlay;

/* ctx is the struct fsd. Loads the daemon's manifest stack plus the
 * overlay (full validation: an error names the manifest, line, column and
 * JSON pointer), then changes the tree through mutate.h (journaled, shown
 * by state.diff, undone by state.reset; kernel caches invalidated) so
 * every path the overlay sets ends up as the overlay says and every path
 * it deletes is gone. A failure while applying rolls back to the state
 * before the call. 0, -EINVAL (ov->message), or a negative errno. */
int fsd_overlay_load(void *ctx, struct rpc_overlay *ov);

#endif
