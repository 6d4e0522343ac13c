/* esxmockctl_ctl.h - the control-channel subcommands of esxmockctl.
 * Owns nothing beyond a call; implemented in esxmockctl_ctl.c. */
#ifndef ESXMOCK_ESXMOCKCTL_CTL_H
#define ESXMOCK_ESXMOCKCTL_CTL_H

/* argv[0] is the subcommand ("hello", "files"...). Each returns the exit
 * status: 0 ok, 1 the daemon answered with an error, 2 usage, 3 the daemon
 * cannot be reached or spoke nonsense. */
int esxmockctl_hello(int argc, char **argv);
int esxmockctl_stats(int argc, char **argv);
int esxmockctl_files(int argc, char **argv);
int esxmockctl_call(int argc, char **argv);
int esxmockctl_overlay(int argc, char **argv);

#endif
