/* limits.h - every cap and default of esxfsd in one place.
 * Owns named constants only; no code. */
/* fsd/ is on the include path, so <limits.h> finds this file first: pass
 * through to the system header (GNU include_next) before our own caps. */
#include_next <limits.h>

#ifndef ESXMOCK_FSD_LIMITS_H
#define ESXMOCK_FSD_LIMITS_H

/* Kernel cache timeouts (seconds) for paths nothing watches. The rule engine
 * sets a node's timeouts to LIMIT_TIMEOUT_WATCHED when a rule or a log config
 * applies to it, and invalidates the kernel's cache when it changes. */
#define LIMIT_TIMEOUT_LONG 86400.0
#define LIMIT_TIMEOUT_WATCHED 0.0

/* One path component, and a whole path, as on Linux and ESXi. */
#define LIMIT_NAME_MAX 255
#define LIMIT_PATH_MAX 4096

/* Most -m manifests on one command line. */
#define LIMIT_MANIFESTS 64

/* FUSE requests handled per readiness event of /dev/fuse before the loop
 * lets other events (signals, control clients) run. */
#define LIMIT_FUSE_BATCH 64

/* statfs: block size reported, and the file system's name length limit. */
#define LIMIT_STATFS_BSIZE 4096

#endif
