/* mf_cli.h - the "esxmockctl manifest ..." subcommands (import-listing,
 * validate). Owns nothing beyond a call; implemented in mf_cli.c. */
#ifndef ESXMOCK_MF_CLI_H
#define ESXMOCK_MF_CLI_H

/* argv[0] is "manifest". Returns the process exit status. */
int mf_cli_main(int argc, char **argv);

#endif
