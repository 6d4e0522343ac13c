/* esxmockctl_rules.h - the rules and log subcommands of esxmockctl.
 * Owns nothing beyond a call; implemented in esxmockctl_rules.c. */
#ifndef ESXMOCK_ESXMOCKCTL_RULES_H
#define ESXMOCK_ESXMOCKCTL_RULES_H

/* argv[0] is the subcommand ("rules", "log"). Exit status: 0 ok, 1 the
 * daemon answered with an error, 2 usage, 3 cannot talk to the daemon. */
int esxmockctl_rules(int argc, char **argv);
int esxmockctl_log(int argc, char **argv);

#endif
