/* exec_log.c - the broker's invocations as access-log "invoke" events
 * (argv bounded, style, rules, status, sizes, optional output). */
#include "exec_int.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alog.h"
#include "limits_rules.h"

size_t exec_log_output(struct json_object *ans)
{
	struct json_object *v;

	if (!json_object_object_get_ex(ans, "log_output", &v))
		return 0;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? ALOG_OUTPUT_DEFAULT : 0;
	if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) > 0 &&
	    json_object_get_int64(v) <= ALOG_OUTPUT_MAX)
		return (size_t)json_object_get_int64(v);
	return 0;
}

/* argv[] of the request packed as NUL-terminated strings, at most
 * ALOG_ARGV_MAX_ARGS args and ALOG_ARGV_MAX_BYTES bytes (an arg that
 * does not fit is cut short). */
static void pack_argv(struct json_object *info, char *buf,
		      struct alog_invoke *v)
{
	struct json_object *argv = NULL;
	size_t i, n, cnt, room;
	const char *s;

	v->argv = buf;
	if (!info || !json_object_object_get_ex(info, "argv", &argv))
		return;
	cnt = json_object_array_length(argv);
	for (i = 0; i < cnt; i++) {
		room = ALOG_ARGV_MAX_BYTES - v->argv_len;
		if (i == ALOG_ARGV_MAX_ARGS || room < 1) {
			v->argv_truncated = true;
			break;
		}
		s = json_object_get_string(json_object_array_get_idx(argv, i));
		n = strlen(s ? s : "");
		if (n + 1 > room) {
			n = room - 1;
			v->argv_truncated = true;
		}
		memcpy(buf + v->argv_len, s ? s : "", n);
		buf[v->argv_len + n] = '\0';
		v->argv_len += n + 1;
		v->argc++;
	}
}

void exec_log_comm(pid_t pid, char *buf, size_t len)
{
	char p[64];
	ssize_t n = -1;
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/comm", (int)pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
}

void exec_log_invoke(struct exec_broker *b, const struct exec_inv *inv,
		     long long status, long long out_len, long long err_len,
		     const char *out, size_t out_n, const char *err,
		     size_t err_n)
{
	struct alog *a = hook_alog(b->fsd);
	struct alog_invoke v = {0};
	struct alog_event ev = {0};
	struct json_object *caller = NULL;
	char argv[ALOG_ARGV_MAX_BYTES], rules[2 * EXEC_ID_MAX + 2];
	struct timespec now;

	if (!a)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pack_argv(inv->info, argv, &v);
	v.ppid = inv->ppid;
	if (inv->info &&
	    json_object_object_get_ex(inv->info, "caller", &caller))
		v.caller = json_object_get_string(caller);
	v.style = inv->style;
	v.image = inv->rule_image;
	if (inv->image_id[0])
		v.image_rule = inv->image_id;
	else if (inv->rule_image)
		v.image_rule = inv->rule_id;
	v.exit_code = status >= 0 && status < 256 ? (int)status : -1;
	v.signal = status >= 256 ? (int)(status - 256) : 0;
	v.out_bytes = out_len;
	v.err_bytes = err_len;
	if (inv->log_out) {
		v.out = out;
		v.out_len = out && out_n < inv->log_out ? out_n : inv->log_out;
		v.err = err;
		v.err_len = err && err_n < inv->log_out ? err_n : inv->log_out;
		if (!out)
			v.out_len = 0;
		if (!err)
			v.err_len = 0;
	}
	/* the deciding rule, then the image default under it */
	snprintf(rules, sizeof(rules), "%s%s%s", inv->rule_id,
		 inv->rule_id[0] && inv->image_id[0] ? "," : "", inv->image_id);
	ev.mono = inv->t0;
	ev.wall = inv->wall0;
	ev.op = ICPT_OP_INVOKE;
	ev.path = inv->path;
	ev.pid = inv->pid;
	ev.uid = inv->uid;
	ev.gid = inv->gid;
	ev.process = inv->comm[0] ? inv->comm : NULL;
	ev.bytes = -1;
	ev.rules = rules[0] ? rules : NULL;
	ev.duration_ns =
	    (uint64_t)((now.tv_sec - inv->t0.tv_sec) * 1000000000LL +
		       (now.tv_nsec - inv->t0.tv_nsec));
	ev.invoke = &v;
	alog_append(a, &ev);
}
