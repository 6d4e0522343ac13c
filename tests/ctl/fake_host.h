/* fake_host.h - an in-memory daemon for control-channel tests: a small
 * fixed tree behind struct rpc_host, plus test-only methods that exercise
 * deferred replies (test.sleep) and notifications (test.ticker).
 * Owns struct fake_host. Runs on the event_base it is given. */
#ifndef ESXMOCK_TESTS_FAKE_HOST_H
#define ESXMOCK_TESTS_FAKE_HOST_H

#include <stdint.h>

#include "rpc.h"

struct event_base;

struct fake_host {
	struct rpc_host host;
	struct event_base *base;
	/* counters, also reported by stats under "daemon" */
	uint64_t sleeps_done;      /* test.sleep answered */
	uint64_t sleeps_cancelled; /* client gone before the answer */
	uint64_t ticks_sent;       /* test.tick notifications */
	uint64_t tickers_cancelled;
	uint64_t live; /* deferred requests + tickers alive */
};

/* The test-only methods, for rpc_server_add_methods(). */
extern const struct rpc_method fake_host_methods[];

/* The content of /bin/busybox in the fake tree (all 256 byte values). */
#define FAKE_BIN_LEN 512
void fake_host_bin(unsigned char *out);

struct fake_host *fake_host_new(struct event_base *base);
/* Every deferred request and ticker must have ended (the server freed). */
void fake_host_free(struct fake_host *fh);

#endif
