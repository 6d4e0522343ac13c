/* harness.h - runs the control server (ctl + rpc + fake host) on its own
 * event_base in a thread, and gives tests blocking client sockets.
 * Owns struct harness: everything the server thread touches. */
#ifndef ESXMOCK_TESTS_HARNESS_H
#define ESXMOCK_TESTS_HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "ctl.h"
#include "fake_host.h"

struct harness {
	struct event_base *base;
	struct rpc_server *rpc;
	struct fake_host *fh;
	struct ctl *ctl;
	struct event *stop_ev;
	int stop_pipe[2];
	pthread_t th;
	char addr[80];
	char log[4096]; /* the server's diagnostic lines, newline-separated */
	size_t log_len;
	pthread_mutex_t log_lock;
};

/* Starts a server; cfg may be NULL. cfg->listen NULL means 127.0.0.1:0,
 * "default" means the daemon's default (CTL_DEFAULT_LISTEN). The listener
 * address is in h->addr. 0 or a negative errno. */
int harness_start(struct harness *h, const struct ctl_config *cfg);
void harness_stop(struct harness *h);

/* A blocking TCP connection to h (or to addr), with a receive timeout so a
 * broken server fails the test instead of hanging it. -1 on error. */
int harness_connect(const char *addr);

/* Sends all of buf. 0 or -1. */
int harness_send(int fd, const char *buf, size_t len);
/* Reads one line (without newline) into a malloc'd string; NULL on EOF,
 * error or timeout. */
char *harness_readline(int fd);
/* Sends line + "\n" and reads one reply line. */
char *harness_rpc(int fd, const char *line);
/* harness_rpc, parsed (NULL when no reply or not JSON). */
struct json_object *harness_call(int fd, const char *line);
/* o's member at a dotted path ("error.data.errno"), or NULL. */
struct json_object *harness_get(struct json_object *o, const char *path);
/* Integer at path, or -999999 when absent. */
long long harness_int(struct json_object *o, const char *path);
/* String at path, or "" when absent. */
const char *harness_str(struct json_object *o, const char *path);
/* A stats member ("control.clients") fetched over a fresh connection. */
long long harness_stat(const struct harness *h, const char *path);
/* Waits (polling stats, at most 60 s) until the stat reaches at least
 * want; returns the last value seen. */
long long harness_wait_stat(const struct harness *h, const char *path,
			    long long want);
/* Resident set size of this process in bytes. */
long long harness_rss(void);

/* Raises RLIMIT_NOFILE to at least n (up to the hard limit). */
void harness_nofile(unsigned n);

#endif
