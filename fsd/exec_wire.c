/* exec_wire.c - the byte format between esxfsd and the interpose shim
 * (records "TAG LEN\n<LEN bytes>\n"), requests in, answers out. */
#include "exec_int.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "icpt.h"
#include "limits_rules.h"

static int buf_grow(struct exec_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->len + more > EXEC_ANS_MAX)
		return -E2BIG;
	while (cap < b->len + more)
		cap *= 2;
	if (cap == b->cap)
		return 0;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int exec_wire_put(struct exec_buf *b, const char *tag, const void *data,
		  size_t len)
{
	char head[64];
	int n = snprintf(head, sizeof(head), "%s %zu\n", tag, len);
	int rc = buf_grow(b, (size_t)n + len + 1);

	if (rc)
		return rc;
	memcpy(b->p + b->len, head, (size_t)n);
	b->len += (size_t)n;
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len++] = '\n';
	return 0;
}

int exec_wire_puts(struct exec_buf *b, const char *tag, const char *s)
{
	return exec_wire_put(b, tag, s, strlen(s));
}

int exec_wire_putl(struct exec_buf *b, const char *tag, long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	return exec_wire_puts(b, tag, s);
}

int exec_wire_next(const char *buf, size_t len, size_t *pos, char *tag,
		   size_t taglen, const char **data, size_t *dlen)
{
	const char *p = buf + *pos, *nl, *sp;
	size_t rest = len - *pos, t, hl;
	char num[24], *end;
	unsigned long long n;

	if (rest == 0)
		return 0;
	nl = memchr(p, '\n', rest < 64 ? rest : 64);
	sp = nl ? memchr(p, ' ', (size_t)(nl - p)) : NULL;
	if (!nl || !sp || sp == p)
		return -EINVAL;
	t = (size_t)(sp - p);
	hl = (size_t)(nl - sp - 1);
	if (t >= taglen || hl == 0 || hl >= sizeof(num))
		return -EINVAL;
	memcpy(tag, p, t);
	tag[t] = '\0';
	memcpy(num, sp + 1, hl);
	num[hl] = '\0';
	n = strtoull(num, &end, 10);
	if (*end || n > rest || (size_t)(nl - p) + 1 + n + 1 > rest)
		return -EINVAL;
	*data = nl + 1;
	*dlen = (size_t)n;
	if ((*data)[n] != '\n')
		return -EINVAL;
	*pos += (size_t)(nl - p) + 1 + n + 1;
	return 1;
}

static json_object *str_obj(const char *d, size_t n)
{
	/* argv and env are bytes; JSON strings must be UTF-8: invalid bytes
	 * become U+FFFD via json-c's own escaping of the raw text. */
	return json_object_new_string_len(d, (int)n);
}

int exec_request_parse(struct exec_inv *inv)
{
	json_object *info = json_object_new_object(), *argv, *env;
	const char *d;
	size_t pos = 0, n;
	char tag[16];
	int rc;

	if (!info)
		return -ENOMEM;
	argv = json_object_new_array();
	env = json_object_new_array();
	json_object_object_add(info, "argv", argv);
	json_object_object_add(info, "env", env);
	while ((rc = exec_wire_next(inv->req, inv->req_len, &pos, tag,
				    sizeof(tag), &d, &n)) > 0) {
		if (!strcmp(tag, "argv"))
			json_object_array_add(argv, str_obj(d, n));
		else if (!strcmp(tag, "env"))
			json_object_array_add(env, str_obj(d, n));
		else if (!strcmp(tag, "cwd") || !strcmp(tag, "caller") ||
			 !strcmp(tag, "caller_exe"))
			json_object_object_add(info, tag, str_obj(d, n));
		else if (!strcmp(tag, "ppid"))
			inv->ppid = (pid_t)strtol(d, NULL, 10);
		else if (!strcmp(tag, "end"))
			break;
		/* unknown tags: a newer shim; ignored */
	}
	json_object_put(inv->info);
	inv->info = info;
	return rc < 0 ? rc : 0;
}

/* ---- answers ------------------------------------------------------------ */

static const char *const exec_styles[] = {"static", "passthrough", "rewrite",
					  "fail", "remote"};

static int sig_parse(json_object *v, int *sig)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {
	    {"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT},
	    {"SIGABRT", SIGABRT}, {"SIGKILL", SIGKILL}, {"SIGSEGV", SIGSEGV},
	    {"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM},
	    {"SIGUSR1", SIGUSR1}, {"SIGUSR2", SIGUSR2}, {"SIGBUS", SIGBUS}};
	size_t i;

	if (json_object_is_type(v, json_type_int)) {
		*sig = json_object_get_int(v);
		return *sig >= 1 && *sig < 65 ? 0 : -EINVAL;
	}
	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(json_object_get_string(v), names[i].name) ||
		    !strcmp(json_object_get_string(v), names[i].name + 3)) {
			*sig = names[i].sig;
			return 0;
		}
	return -EINVAL;
}

#define CHECK_FAIL(...)                                                        \
	do {                                                                   \
		snprintf(err, errlen, __VA_ARGS__);                            \
		return -EINVAL;                                                \
	} while (0)

static int check_xforms(json_object *xs, const char *where, char *err,
			size_t errlen)
{
	static const char *const ops[] = {"replace", "replace_all", "prepend",
					  "append"};
	size_t i, k;

	if (!json_object_is_type(xs, json_type_array))
		CHECK_FAIL("%s/transforms: not an array", where);
	for (i = 0; i < json_object_array_length(xs); i++) {
		json_object *x = json_object_array_get_idx(xs, i), *v;
		const char *op = NULL;
		regex_t re;

		if (!json_object_is_type(x, json_type_object))
			CHECK_FAIL("%s/transforms/%zu: not an object", where,
				   i);
		json_object_object_foreach(x, key, val)
		{
			if (strcmp(key, "stream") && strcmp(key, "op") &&
			    strcmp(key, "pattern") && strcmp(key, "with") &&
			    strcmp(key, "text"))
				CHECK_FAIL("%s/transforms/%zu: unknown key "
					   "'%s'",
					   where, i, key);
			if (!json_object_is_type(val, json_type_string))
				CHECK_FAIL("%s/transforms/%zu/%s: not a "
					   "string",
					   where, i, key);
		}
		if (json_object_object_get_ex(x, "stream", &v) &&
		    strcmp(json_object_get_string(v), "stdout") &&
		    strcmp(json_object_get_string(v), "stderr"))
			CHECK_FAIL("%s/transforms/%zu/stream: '%s' is not "
				   "stdout or stderr",
				   where, i, json_object_get_string(v));
		if (json_object_object_get_ex(x, "op", &v))
			op = json_object_get_string(v);
		for (k = 0; op && k < sizeof(ops) / sizeof(ops[0]); k++)
			if (!strcmp(op, ops[k]))
				break;
		if (!op || k == sizeof(ops) / sizeof(ops[0]))
			CHECK_FAIL("%s/transforms/%zu/op: missing or not one "
				   "of replace, replace_all, prepend, append",
				   where, i);
		if (k < 2) {
			if (!json_object_object_get_ex(x, "pattern", &v))
				CHECK_FAIL("%s/transforms/%zu: '%s' needs "
					   "'pattern'",
					   where, i, op);
			if (regcomp(&re, json_object_get_string(v),
				    REG_EXTENDED))
				CHECK_FAIL("%s/transforms/%zu/pattern: bad "
					   "regex '%s'",
					   where, i, json_object_get_string(v));
			regfree(&re);
		} else if (!json_object_object_get_ex(x, "text", &v)) {
			CHECK_FAIL("%s/transforms/%zu: '%s' needs 'text'",
				   where, i, op);
		}
	}
	return 0;
}

int exec_answer_check(json_object *ans, bool allow_remote, const char *where,
		      char *err, size_t errlen)
{
	static const char *const keys[] = {
	    "style",      "stdout",     "stdout_b64",      "stderr",
	    "stderr_b64", "exit",       "signal",          "delay_ms",
	    "errno",      "message",    "ld_library_path", "env",
	    "transforms", "timeout_ms", "default",         "log_output"};
	json_object *v;
	const char *style;
	size_t i, k;
	int sig, e;

	if (!json_object_is_type(ans, json_type_object))
		CHECK_FAIL("%s: not an object", where);
	json_object_object_foreach(ans, key, val)
	{
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(key, keys[k]))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			CHECK_FAIL("%s: unknown key '%s'", where, key);
		(void)val;
	}
	if (!json_object_object_get_ex(ans, "style", &v) ||
	    !json_object_is_type(v, json_type_string))
		CHECK_FAIL("%s/style: missing (static, passthrough, rewrite, "
			   "fail, remote)",
			   where);
	style = json_object_get_string(v);
	for (i = 0; i < sizeof(exec_styles) / sizeof(exec_styles[0]); i++)
		if (!strcmp(style, exec_styles[i]))
			break;
	if (i == sizeof(exec_styles) / sizeof(exec_styles[0]) ||
	    (!allow_remote && !strcmp(style, "remote")))
		CHECK_FAIL("%s/style: '%s' is not one of static, passthrough, "
			   "rewrite, fail%s",
			   where, style, allow_remote ? ", remote" : "");
	for (k = 0; k < 6; k++) {
		static const char *const strs[] = {
		    "stdout",     "stdout_b64", "stderr",
		    "stderr_b64", "message",    "ld_library_path"};

		if (json_object_object_get_ex(ans, strs[k], &v) &&
		    !json_object_is_type(v, json_type_string))
			CHECK_FAIL("%s/%s: not a string", where, strs[k]);
	}
	if (json_object_object_get_ex(ans, "exit", &v) &&
	    (!json_object_is_type(v, json_type_int) ||
	     json_object_get_int64(v) < 0 || json_object_get_int64(v) > 255))
		CHECK_FAIL("%s/exit: not an integer 0..255", where);
	if (json_object_object_get_ex(ans, "signal", &v) && sig_parse(v, &sig))
		CHECK_FAIL("%s/signal: not a signal number or name", where);
	if (json_object_object_get_ex(ans, "delay_ms", &v) &&
	    (!json_object_is_type(v, json_type_int) ||
	     json_object_get_int64(v) < 0 ||
	     json_object_get_int64(v) > EXEC_TIMEOUT_MAX_MS))
		CHECK_FAIL("%s/delay_ms: not an integer 0..%d", where,
			   EXEC_TIMEOUT_MAX_MS);
	if (json_object_object_get_ex(ans, "timeout_ms", &v) &&
	    (!json_object_is_type(v, json_type_int) ||
	     json_object_get_int64(v) < 1 ||
	     json_object_get_int64(v) > EXEC_TIMEOUT_MAX_MS))
		CHECK_FAIL("%s/timeout_ms: not an integer 1..%d", where,
			   EXEC_TIMEOUT_MAX_MS);
	if (json_object_object_get_ex(ans, "errno", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	     icpt_errno_parse(json_object_get_string(v), &e)))
		CHECK_FAIL("%s/errno: not an errno name (ENOENT, EACCES...)",
			   where);
	if (json_object_object_get_ex(ans, "env", &v)) {
		if (!json_object_is_type(v, json_type_object))
			CHECK_FAIL("%s/env: not an object", where);
		json_object_object_foreach(v, ek, ev)
		{
			if (!json_object_is_type(ev, json_type_string) ||
			    !*ek || strchr(ek, '='))
				CHECK_FAIL("%s/env/%s: not NAME: \"value\"",
					   where, ek);
		}
	}
	if (json_object_object_get_ex(ans, "log_output", &v) &&
	    !json_object_is_type(v, json_type_boolean) &&
	    (!json_object_is_type(v, json_type_int) ||
	     json_object_get_int64(v) < 0 ||
	     json_object_get_int64(v) > ALOG_OUTPUT_MAX))
		CHECK_FAIL("%s/log_output: not a boolean or an integer 0..%d",
			   where, ALOG_OUTPUT_MAX);
	if (json_object_object_get_ex(ans, "transforms", &v) &&
	    check_xforms(v, where, err, errlen))
		return -EINVAL;
	if (json_object_object_get_ex(ans, "default", &v)) {
		char w[256];

		snprintf(w, sizeof(w), "%s/default", where);
		return exec_answer_check(v, false, w, err, errlen);
	}
	return 0;
}

static const char *get_str(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v)
						   : NULL;
}

/* stdout / stdout_b64 into the record tag. */
static int put_bytes(struct exec_buf *b, json_object *ans, const char *key,
		     const char *tag)
{
	char k64[32];
	const char *s = get_str(ans, key);
	size_t n, bad;
	void *raw;
	int rc;

	if (s)
		return exec_wire_puts(b, tag, s);
	snprintf(k64, sizeof(k64), "%s_b64", key);
	if (!(s = get_str(ans, k64)))
		return 0;
	raw = b64_decode(s, strlen(s), &n, &bad);
	if (!raw)
		return -EINVAL;
	rc = exec_wire_put(b, tag, raw, n);
	free(raw);
	return rc;
}

static int put_run(struct exec_broker *b, struct exec_inv *inv,
		   struct exec_buf *w, json_object *ans)
{
	struct tree_node *alias = exec_alias(b, inv->ino);
	json_object *env, *xs, *v;
	char path[64];
	const char *ld = get_str(ans, "ld_library_path");
	size_t i;
	int rc;

	if (!alias)
		return -ENOENT;
	snprintf(path, sizeof(path), "/" EXEC_HIDDEN_DIR "/real/%llu",
		 (unsigned long long)inv->ino);
	rc = exec_wire_puts(w, "exec", path);
	if (!rc && ld)
		rc = exec_wire_puts(w, "ldpath", ld);
	if (!rc && json_object_object_get_ex(ans, "env", &env)) {
		json_object_object_foreach(env, k, ev)
		{
			char *kv = NULL;

			if (asprintf(&kv, "%s=%s", k,
				     json_object_get_string(ev)) < 0)
				return -ENOMEM;
			rc = exec_wire_puts(w, "setenv", kv);
			free(kv);
			if (rc)
				return rc;
		}
	}
	if (rc || !json_object_object_get_ex(ans, "transforms", &xs))
		return rc;
	for (i = 0; !rc && i < json_object_array_length(xs); i++) {
		json_object *x = json_object_array_get_idx(xs, i);
		struct exec_buf one = {0};
		const char *f[4];
		size_t k;

		f[0] = get_str(x, "stream") ? get_str(x, "stream") : "stdout";
		f[1] = get_str(x, "op");
		f[2] = json_object_object_get_ex(x, "pattern", &v)
			   ? json_object_get_string(v)
			   : "";
		f[3] = get_str(x, "with")
			   ? get_str(x, "with")
			   : (get_str(x, "text") ? get_str(x, "text") : "");
		for (k = 0; !rc && k < 4; k++)
			rc = exec_wire_puts(&one, "f", f[k]);
		if (!rc)
			rc = exec_wire_put(w, "xform", one.p, one.len);
		free(one.p);
	}
	return rc;
}

int exec_answer_build(struct exec_broker *b, struct exec_inv *inv,
		      json_object *ans)
{
	struct exec_buf w = {0};
	const char *style = get_str(ans, "style");
	json_object *v;
	size_t i;
	int rc, sig = 0, e = 0;

	for (i = 0; i < sizeof(exec_styles) / sizeof(exec_styles[0]); i++)
		if (style && !strcmp(style, exec_styles[i]))
			inv->style = exec_styles[i];
	if (!inv->style || !strcmp(inv->style, "remote"))
		return -EINVAL;
	rc = exec_wire_puts(&w, "style", inv->style);
	if (!rc)
		rc = exec_wire_putl(&w, "id", (long long)inv->id);
	if (!rc && (!strcmp(inv->style, "passthrough") ||
		    !strcmp(inv->style, "rewrite")))
		rc = put_run(b, inv, &w, ans);
	if (!rc && !strcmp(inv->style, "static")) {
		rc = put_bytes(&w, ans, "stdout", "out");
		if (!rc)
			rc = put_bytes(&w, ans, "stderr", "err");
	}
	inv->log_out = exec_log_output(ans);
	if (!rc && inv->log_out)
		rc = exec_wire_putl(&w, "logout", (long long)inv->log_out);
	if (!rc && json_object_object_get_ex(ans, "delay_ms", &v))
		rc = exec_wire_putl(&w, "delay", json_object_get_int64(v));
	if (!rc && json_object_object_get_ex(ans, "exit", &v))
		rc = exec_wire_putl(&w, "exit", json_object_get_int64(v));
	if (!rc && json_object_object_get_ex(ans, "signal", &v) &&
	    !sig_parse(v, &sig))
		rc = exec_wire_putl(&w, "signal", sig);
	if (!rc && !strcmp(inv->style, "fail")) {
		if (json_object_object_get_ex(ans, "errno", &v))
			icpt_errno_parse(json_object_get_string(v), &e);
		if (!rc && e)
			rc = exec_wire_putl(&w, "errno", e);
		if (!rc && get_str(ans, "message"))
			rc = exec_wire_puts(&w, "msg", get_str(ans, "message"));
	}
	if (!rc)
		rc = exec_wire_put(&w, "end", NULL, 0);
	if (rc) {
		free(w.p);
		return rc;
	}
	free(inv->ans);
	inv->ans = w.p;
	inv->ans_len = w.len;
	inv->ans_pos = 0;
	inv->ready = true;
	return 0;
}
