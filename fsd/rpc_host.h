/* rpc_host.h - esxfsd's side of the control channel: struct rpc_host over
 * the tree, and starting/stopping the server on the daemon's loop.
 * Owns fsd->rpc and fsd->ctl (created here, freed here). */
#ifndef ESXMOCK_FSD_RPC_HOST_H
#define ESXMOCK_FSD_RPC_HOST_H

#include <stdio.h>

struct fsd;

/* Takes the control options out of argv (see ctl_take_args) into
 * fsd->ctl_cfg, and the token from ESXMOCK_TOKEN. 0, or -1 after printing
 * a usage error. */
int fsd_ctl_args(struct fsd *fsd, int *argc, char **argv);

/* The control options' usage lines. */
void fsd_ctl_usage(FILE *out);

/* Starts the control server on fsd->base. 0, or -1 after logging why. */
int fsd_ctl_start(struct fsd *fsd);

/* Answers pending requests with a shutdown error, closes every control
 * connection, frees the server. Safe when never started. */
void fsd_ctl_stop(struct fsd *fsd);

/* Keeps copies of m's user and group tables in fsd->names (replacing any
 * earlier ones) for the names files.stat/list report and files.put/chmod
 * accept. 0 or -ENOMEM. */
struct mf_manifest;
struct fsd_names;
int fsd_names_keep(struct fsd *fsd, const struct mf_manifest *m);
void fsd_names_free(struct fsd_names *nm);

#endif
