/* exec_answerer.c - a test client of remote invocations: follows them
 * (invocations.follow) and answers each with a fixed answer, or never.
 * Owns nothing of the daemon; used by tests/exec and bench/bench-exec.sh.
 *
 * usage: exec_answerer ADDR answer ANSWER_JSON|@FILE [COUNT]
 *        exec_answerer ADDR ignore
 * Prints "ready" once subscribed; "answered ID" for each answer; exits
 * after COUNT answers (0 or none: never). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

struct pending {
	long long ids[1024];
	size_t n;
};

static void on_notify(void *arg, const char *method, struct json_object *p)
{
	struct pending *pd = arg;
	struct json_object *inv, *id;

	if (strcmp(method, "invocation") ||
	    !json_object_object_get_ex(p, "invocation", &inv) ||
	    !json_object_object_get_ex(inv, "id", &id) || pd->n >= 1024)
		return;
	pd->ids[pd->n++] = json_object_get_int64(id);
}

int main(int argc, char **argv)
{
	struct ctlc_error err;
	struct ctlc *c;
	struct pending pd = {.n = 0};
	struct json_object *ans = NULL;
	long long count = 0, done = 0;
	bool answer;
	size_t i;

	if (argc < 3 ||
	    (strcmp(argv[2], "answer") && strcmp(argv[2], "ignore")) ||
	    (!strcmp(argv[2], "answer") && argc < 4)) {
		fprintf(stderr, "usage: exec_answerer ADDR answer JSON [COUNT] "
				"| ADDR ignore\n");
		return 2;
	}
	answer = !strcmp(argv[2], "answer");
	if (answer && argv[3][0] == '@')
		ans = json_object_from_file(argv[3] + 1);
	else if (answer)
		ans = json_tokener_parse(argv[3]);
	if (answer && !ans) {
		fprintf(stderr, "exec_answerer: bad answer JSON '%s'\n",
			argv[3]);
		return 2;
	}
	if (argc > 4)
		count = atoll(argv[4]);
	if (ctlc_connect(argv[1], 5000, &c, &err) ||
	    ctlc_call_json(c, "invocations.follow", NULL, NULL, &err)) {
		fprintf(stderr, "exec_answerer: %s\n", err.message);
		return 1;
	}
	ctlc_on_notify(c, on_notify, &pd);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int rc = ctlc_wait_notify(c, -1, &err);

		if (rc && rc != -ETIMEDOUT) {
			fprintf(stderr, "exec_answerer: %s\n", err.message);
			break;
		}
		for (i = 0; answer && i < pd.n; i++) {
			struct json_object *p = json_object_new_object();

			json_object_object_add(
			    p, "id", json_object_new_int64(pd.ids[i]));
			json_object_object_add(p, "answer",
					       json_object_get(ans));
			if (ctlc_call(c, "invocations.answer", p, NULL, &err))
				fprintf(stderr,
					"exec_answerer: answer %lld: %s\n",
					pd.ids[i], err.message);
			else
				printf("answered %lld\n", pd.ids[i]);
			fflush(stdout);
			json_object_put(p);
			done++;
		}
		pd.n = 0;
		if (count && done >= count)
			break;
	}
	json_object_put(ans);
	ctlc_close(c);
	return 0;
}
