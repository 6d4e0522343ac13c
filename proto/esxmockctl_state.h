/* esxmockctl_state.h - the "state" subcommand of esxmockctl.
 * Owns nothing beyond a call; implemented in esxmockctl_state.c. */
#ifndef ESXMOCK_ESXMOCKCTL_STATE_H
#define ESXMOCK_ESXMOCKCTL_STATE_H

/* argv[0] is "state", argv[1] the verb: diff, reset, snapshot, restore,
 * snapshots, forget. Returns the exit status (0, 1 error answer, 2 usage,
 * 3 no daemon). */
int esxmockctl_state(int argc, char **argv);

#endif
