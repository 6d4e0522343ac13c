/* caller.h - who made a request, beyond fuse_req_ctx's pid/uid/gid: the
 * process name (/proc/PID/comm) and executable path (/proc/PID/exe).
 * Owns struct caller_cache: looked up only when a rule or the access log
 * asks, cached per pid for CALLER_TTL_MS (a name changes at execve; an
 * exec seen in the tree drops the pid at once). No FUSE types here. */
#ifndef ESXMOCK_FSD_CALLER_H
#define ESXMOCK_FSD_CALLER_H

#include <stdint.h>
#include <sys/types.h>

struct caller_cache;

struct caller_cache *caller_cache_new(void);
void caller_cache_free(struct caller_cache *c);

/* The process name ("cat") / executable path of pid, or NULL when the
 * process is gone or c is NULL. The string is borrowed until the next
 * call on c. */
const char *caller_name(struct caller_cache *c, pid_t pid);
const char *caller_exe(struct caller_cache *c, pid_t pid);

/* Drops what is known of pid (it is executing a new program). */
void caller_forget(struct caller_cache *c, pid_t pid);

/* Lookups served from the cache, and /proc reads, for stats. */
void caller_counts(const struct caller_cache *c, uint64_t *hits,
		   uint64_t *reads);

#endif
