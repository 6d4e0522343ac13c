/* esxmockctl_exec.h - the exec and invocations subcommands of esxmockctl.
 * Owns nothing beyond a call; implemented in esxmockctl_exec.c. */
#ifndef ESXMOCK_ESXMOCKCTL_EXEC_H
#define ESXMOCK_ESXMOCKCTL_EXEC_H

/* argv[0] is the subcommand ("exec", "invocations"). Exit status: 0 ok, 1
 * the daemon answered with an error, 2 usage, 3 cannot talk to the
 * daemon. */
int esxmockctl_exec(int argc, char **argv);
int esxmockctl_invocations(int argc, char **argv);

#endif
