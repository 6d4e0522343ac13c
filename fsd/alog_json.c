/* alog_json.c - access-log events as JSON objects, and reader filters
 * (parsed from a request's params, matched against stored events). */
#include "alog.h"

#include <errno.h>
#include <fnmatch.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "icpt_glob.h"

static int add(struct json_object *o, const char *k, struct json_object *v)
{
	if (!v || json_object_object_add(o, k, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int add_i64(struct json_object *o, const char *k, int64_t v)
{
	return add(o, k, json_object_new_int64(v));
}

static int add_str(struct json_object *o, const char *k, const char *s)
{
	return s ? add(o, k, json_object_new_string(s)) : 0;
}

/* "2024-05-01T10:00:00.123456Z" */
static void iso_time(const struct timespec *ts, char *buf, size_t n)
{
	struct tm tm;
	char base[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%06ldZ", base, ts->tv_nsec / 1000);
}

/* "r1,r3" -> ["r1", "r3"] */
static struct json_object *rules_array(const char *rules)
{
	struct json_object *a = json_object_new_array();
	const char *p = rules, *comma;

	while (a && *p) {
		comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		if (json_object_array_add(
			a, json_object_new_string_len(p, (int)(comma - p)))) {
			json_object_put(a);
			return NULL;
		}
		p = *comma ? comma + 1 : comma;
	}
	return a;
}

/* The invoke part of an event (docs/rules.md "Events"). */
static int invoke_json(struct json_object *o, const struct alog_rec_invoke *v)
{
	struct json_object *a = json_object_new_array();
	const char *p = v->argv;
	size_t i, n;
	int rc = 0;

	for (i = 0; a && p && i < v->argc; i++) {
		n = strlen(p);
		if (json_object_array_add(
			a, json_object_new_string_len(p, (int)n))) {
			json_object_put(a);
			return -ENOMEM;
		}
		p += n + 1;
	}
	rc |= add(o, "argv", a);
	if (v->argv_truncated)
		rc |= add(o, "argv_truncated", json_object_new_boolean(1));
	rc |= add_i64(o, "ppid", v->ppid);
	rc |= add_str(o, "caller", v->caller);
	rc |= add_str(o, "style", v->style);
	rc |= add_str(o, "image_rule", v->image_rule);
	rc |= add(o, "image", json_object_new_boolean(v->image));
	if (v->exit_code >= 0)
		rc |= add_i64(o, "exit", v->exit_code);
	if (v->signal > 0)
		rc |= add_i64(o, "signal", v->signal);
	rc |= add_i64(o, "stdout_bytes", v->out_bytes);
	rc |= add_i64(o, "stderr_bytes", v->err_bytes);
	if (v->out_b64) {
		rc |= add_str(o, "stdout_b64", v->out_b64);
		rc |= add_i64(o, "stdout_logged", (int64_t)v->out_len);
	}
	if (v->err_b64) {
		rc |= add_str(o, "stderr_b64", v->err_b64);
		rc |= add_i64(o, "stderr_logged", (int64_t)v->err_len);
	}
	return rc;
}

struct json_object *alog_rec_json(const struct alog_rec *r)
{
	struct json_object *o = json_object_new_object();
	char t[64], eb[16];
	const char *comma;
	int rc = 0;

	if (!o)
		return NULL;
	iso_time(&r->wall, t, sizeof(t));
	rc |= add_i64(o, "seq", (int64_t)r->seq);
	rc |= add_str(o, "time", t);
	rc |= add_i64(o, "mono_ns",
		      (int64_t)r->mono.tv_sec * 1000000000 + r->mono.tv_nsec);
	rc |= add_str(o, "op", icpt_op_names[r->op]);
	rc |= add_str(o, "path", r->path);
	rc |= add_str(o, "path2", r->path2);
	rc |= add_i64(o, "pid", r->pid);
	rc |= add_str(o, "process", r->process);
	rc |= add_i64(o, "uid", r->uid);
	rc |= add_i64(o, "gid", r->gid);
	if (r->has_flags)
		rc |= add_i64(o, "flags", r->flags);
	if (r->has_range) {
		rc |= add_i64(o, "offset", (int64_t)r->off);
		rc |= add_i64(o, "length", (int64_t)r->len);
	}
	if (r->bytes >= 0)
		rc |= add_i64(o, "bytes", r->bytes);
	rc |= add_str(o, "result",
		      r->err ? icpt_errno_name(r->err, eb, sizeof(eb)) : "ok");
	rc |= add_i64(o, "errno", r->err);
	if (r->rules) {
		comma = strchr(r->rules, ',');
		if (comma)
			rc |= add(o, "rule",
				  json_object_new_string_len(
				      r->rules, (int)(comma - r->rules)));
		else
			rc |= add_str(o, "rule", r->rules);
		if (comma)
			rc |= add(o, "rules", rules_array(r->rules));
	}
	rc |= add_i64(o, "duration_ns", (int64_t)r->duration_ns);
	if (r->data_b64) {
		rc |= add_str(o, "data", r->data_b64);
		rc |= add_i64(o, "data_bytes", (int64_t)r->data_len);
	}
	if (r->invoke)
		rc |= invoke_json(o, r->invoke);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* ---- filters --------------------------------------------------------------
 */

static int ferr(char *err, size_t n, const char *member, const char *msg,
		const char *val)
{
	snprintf(err, n, "'%s': %s%s%s%s", member, msg, val ? " '" : "",
		 val ? val : "", val ? "'" : "");
	return -EINVAL;
}

static int filter_ops(struct json_object *v, struct alog_filter *f, char *err,
		      size_t n)
{
	uint32_t bits;
	size_t i, cnt;
	struct json_object *e;

	if (json_object_is_type(v, json_type_string)) {
		if (icpt_ops_parse(json_object_get_string(v), &bits))
			return ferr(err, n, "op", "unknown op",
				    json_object_get_string(v));
		f->ops |= bits;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return ferr(err, n, "op", "expected a string or an array",
			    NULL);
	cnt = json_object_array_length(v);
	for (i = 0; i < cnt; i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string))
			return ferr(err, n, "op", "expected op names", NULL);
		if (icpt_ops_parse(json_object_get_string(e), &bits))
			return ferr(err, n, "op", "unknown op",
				    json_object_get_string(e));
		f->ops |= bits;
	}
	return 0;
}

int alog_filter_parse(struct json_object *o, struct alog_filter *f, char *err,
		      size_t errlen)
{
	struct json_object *v;
	struct icpt_glob *g;
	const char *s;
	int rc;

	memset(f, 0, sizeof(*f));
	if (json_object_object_get_ex(o, "path", &v) && v) {
		if (!json_object_is_type(v, json_type_string))
			return ferr(err, errlen, "path", "expected a string",
				    NULL);
		s = json_object_get_string(v);
		g = calloc(1, sizeof(*g));
		if (!g)
			return -ENOMEM;
		rc = icpt_glob_compile(s, g);
		if (rc) {
			free(g);
			if (rc == -ENOMEM)
				return rc;
			return ferr(err, errlen, "path", "not an absolute glob",
				    s);
		}
		f->glob = g;
		if (!(f->path = strdup(s)))
			goto nomem;
	}
	if (json_object_object_get_ex(o, "op", &v) && v &&
	    (rc = filter_ops(v, f, err, errlen)))
		goto fail;
	if (json_object_object_get_ex(o, "pid", &v) && v) {
		if (!json_object_is_type(v, json_type_int)) {
			rc = ferr(err, errlen, "pid", "expected an integer",
				  NULL);
			goto fail;
		}
		f->has_pid = true;
		f->pid = (pid_t)json_object_get_int64(v);
	}
	if (json_object_object_get_ex(o, "process", &v) && v) {
		if (!json_object_is_type(v, json_type_string)) {
			rc = ferr(err, errlen, "process", "expected a string",
				  NULL);
			goto fail;
		}
		if (!(f->process = strdup(json_object_get_string(v))))
			goto nomem;
	}
	if (json_object_object_get_ex(o, "result", &v) && v) {
		if (!json_object_is_type(v, json_type_string)) {
			rc = ferr(err, errlen, "result", "expected a string",
				  NULL);
			goto fail;
		}
		s = json_object_get_string(v);
		if (!strcmp(s, "ok"))
			f->result = ALOG_RESULT_OK;
		else if (!strcmp(s, "error"))
			f->result = ALOG_RESULT_ERROR;
		else if (!icpt_errno_parse(s, &f->result_errno))
			f->result = ALOG_RESULT_ERRNO;
		else {
			rc = ferr(err, errlen, "result",
				  "expected \"ok\", \"error\" or an errno "
				  "name, got",
				  s);
			goto fail;
		}
	}
	if (json_object_object_get_ex(o, "rule", &v) && v) {
		if (!json_object_is_type(v, json_type_string)) {
			rc = ferr(err, errlen, "rule", "expected a string",
				  NULL);
			goto fail;
		}
		if (!(f->rule = strdup(json_object_get_string(v))))
			goto nomem;
	}
	return 0;
nomem:
	rc = -ENOMEM;
	snprintf(err, errlen, "out of memory");
fail:
	alog_filter_release(f);
	return rc;
}

void alog_filter_release(struct alog_filter *f)
{
	if (f->glob) {
		icpt_glob_release(f->glob);
		free(f->glob);
	}
	free(f->path);
	free(f->process);
	free(f->rule);
	memset(f, 0, sizeof(*f));
}

static bool has_rule(const char *rules, const char *id)
{
	size_t n = strlen(id);
	const char *p = rules;

	while (p && *p) {
		if (!strncmp(p, id, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

bool alog_filter_match(const struct alog_filter *f, const struct alog_rec *r)
{
	/* an exec is also an open */
	if (f->ops && !(f->ops & ICPT_BIT(r->op)) &&
	    !(r->op == ICPT_OP_EXEC && (f->ops & ICPT_BIT(ICPT_OP_OPEN))))
		return false;
	if (f->has_pid && r->pid != f->pid)
		return false;
	switch (f->result) {
	case ALOG_RESULT_ANY:
		break;
	case ALOG_RESULT_OK:
		if (r->err)
			return false;
		break;
	case ALOG_RESULT_ERROR:
		if (!r->err)
			return false;
		break;
	case ALOG_RESULT_ERRNO:
		if (r->err != f->result_errno)
			return false;
		break;
	}
	if (f->glob && !((r->path && icpt_glob_match(f->glob, r->path)) ||
			 (r->path2 && icpt_glob_match(f->glob, r->path2))))
		return false;
	if (f->process &&
	    (!r->process || fnmatch(f->process, r->process, 0) != 0))
		return false;
	if (f->rule && (!r->rules || !has_rule(r->rules, f->rule)))
		return false;
	return true;
}
