/* ctl_testd.c - a control server with the fake daemon, in the foreground:
 * what the esxmockctl script test and the benchmark talk to.
 * usage: ctl_testd [--control ADDR:PORT] [--control-file PATH]
 *                  [--control-token TOKEN] [--control-connect HOST:PORT]
 * Runs until SIGINT or SIGTERM. Owns nothing beyond main(). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "ctl.h"
#include "fake_host.h"

static void testd_stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
	struct event_base *base = event_base_new();
	struct event *sigs[2];
	struct ctl_config cfg;
	struct fake_host *fh;
	struct rpc_server *rpc;
	struct ctl *ctl = NULL;
	char err[256];
	int rc = 1;

	ctl_config_init(&cfg);
	if (ctl_take_args(&cfg, &argc, argv, err, sizeof(err)) < 0 ||
	    argc != 1) {
		fprintf(stderr, "ctl_testd: %s\nusage: ctl_testd [options]\n",
			argc != 1 ? "unexpected argument" : err);
		ctl_usage(stderr);
		return 2;
	}
	if (!cfg.listen)
		cfg.listen = "127.0.0.1:0";
	signal(SIGPIPE, SIG_IGN);
	fh = fake_host_new(base);
	rpc = rpc_server_new(&fh->host);
	rpc_server_add_methods(rpc, fake_host_methods);
	sigs[0] = evsignal_new(base, SIGINT, testd_stop, base);
	sigs[1] = evsignal_new(base, SIGTERM, testd_stop, base);
	event_add(sigs[0], NULL);
	event_add(sigs[1], NULL);
	if (ctl_new(base, rpc, &cfg, &ctl, err, sizeof(err)) < 0) {
		fprintf(stderr, "ctl_testd: %s\n", err);
		goto out;
	}
	event_base_dispatch(base);
	rc = 0;
out:
	ctl_free(ctl);
	rpc_server_free(rpc);
	fake_host_free(fh);
	event_free(sigs[0]);
	event_free(sigs[1]);
	event_base_free(base);
	return rc;
}
