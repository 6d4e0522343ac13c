/* icpt_parse.c - compiling a rule from JSON, once, when it is added: one
 * table of keys per object (rule, match, trigger, action); errors name the
 * member ("action[1].fail: unknown errno 'EFOO'"). json-c stays here. */
#include "icpt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

struct parse_ctx {
	struct icpt_rule *r;
	const char *fixed_path;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int
perr(struct parse_ctx *c, const char *where, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s%s%s", where ? where : "",
		 where && *where ? ": " : "", msg);
	return -EINVAL;
}

static const char *type_name(struct json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

/* A non-negative JSON integer. */
static int get_u64(struct parse_ctx *c, const char *where,
		   struct json_object *v, uint64_t max, uint64_t *out)
{
	int64_t i;

	if (!json_object_is_type(v, json_type_int))
		return perr(c, where, "expected a non-negative integer, got %s",
			    type_name(v));
	i = json_object_get_int64(v);
	if (i < 0 || (uint64_t)i > max)
		return perr(c, where, "%lld is out of range (0..%llu)",
			    (long long)i, (unsigned long long)max);
	*out = (uint64_t)i;
	return 0;
}

static int get_str(struct parse_ctx *c, const char *where,
		   struct json_object *v, const char **out)
{
	if (!json_object_is_type(v, json_type_string))
		return perr(c, where, "expected a string, got %s",
			    type_name(v));
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v))
		return perr(c, where, "NUL character in string");
	return 0;
}

static int get_errno(struct parse_ctx *c, const char *where,
		     struct json_object *v, int *out)
{
	const char *s = NULL;
	uint64_t u = 0;

	if (json_object_is_type(v, json_type_int)) {
		if (get_u64(c, where, v, 4095, &u))
			return -EINVAL;
		if (u == 0)
			return perr(c, where, "errno 0 is not an error");
		*out = (int)u;
		return 0;
	}
	if (get_str(c, where, v, &s))
		return -EINVAL;
	if (icpt_errno_parse(s, out) || *out == 0)
		return perr(c, where, "unknown errno '%s'", s);
	return 0;
}

static int dup_str(struct parse_ctx *c, const char *s, char **out)
{
	(void)c;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

/* ---- keys of an object ---------------------------------------------------
 * Every object is walked with a table: unknown keys are errors. */

struct key {
	const char *name;
	int (*fn)(struct parse_ctx *c, const char *where, struct json_object *v,
		  void *obj);
};

static int walk(struct parse_ctx *c, const char *where, struct json_object *o,
		const struct key *keys, void *obj)
{
	char sub[256];
	const struct key *k;
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return perr(c, where, "expected an object, got %s",
			    type_name(o));
	json_object_object_foreach(o, name, v)
	{
		for (k = keys; k->name; k++)
			if (!strcmp(k->name, name))
				break;
		snprintf(sub, sizeof(sub), "%s%s%s", where, *where ? "." : "",
			 name);
		if (!k->name)
			return perr(c, sub, "unknown key");
		rc = k->fn(c, sub, v, obj);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- match ----------------------------------------------------------------
 */

static int m_path(struct parse_ctx *c, const char *where, struct json_object *v,
		  void *obj)
{
	struct icpt_rule *r = obj;
	const char *s = NULL;
	int rc;

	if (c->fixed_path)
		return perr(c, where,
			    "a manifest rule applies to its entry's path");
	if (get_str(c, where, v, &s))
		return -EINVAL;
	if (r->path_kind != ICPT_PATH_ANY)
		return perr(c, where, "give one of 'path' and 'regex'");
	if (s[0] != '/')
		return perr(c, where, "'%s' is not an absolute path", s);
	if (icpt_is_glob(s)) {
		rc = icpt_glob_compile(s, &r->glob);
		if (rc == -ENOMEM)
			return rc;
		if (rc)
			return perr(c, where,
				    "bad glob '%s' (absolute, no '//', no "
				    "trailing '/')",
				    s);
		r->path_kind = ICPT_PATH_GLOB;
	} else {
		if (strstr(s, "//") || (s[1] && s[strlen(s) - 1] == '/'))
			return perr(c, where,
				    "'%s' is not a normal path (no '//', no "
				    "trailing '/')",
				    s);
		r->path_kind = ICPT_PATH_EXACT;
	}
	return dup_str(c, s, &r->path);
}

static int m_regex(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	struct icpt_rule *r = obj;
	char msg[256];
	const char *s = NULL;
	int rc;

	if (c->fixed_path)
		return perr(c, where,
			    "a manifest rule applies to its entry's path");
	if (get_str(c, where, v, &s))
		return -EINVAL;
	if (r->path_kind != ICPT_PATH_ANY)
		return perr(c, where, "give one of 'path' and 'regex'");
	rc = regcomp(&r->re, s, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, &r->re, msg, sizeof(msg));
		return perr(c, where, "bad regex '%s': %s", s, msg);
	}
	r->path_kind = ICPT_PATH_REGEX;
	return dup_str(c, s, &r->path);
}

/* A string or an array of strings, each through one(). */
static int str_list(struct parse_ctx *c, const char *where,
		    struct json_object *v,
		    int (*one)(struct parse_ctx *c, const char *where,
			       const char *s, void *obj),
		    void *obj)
{
	char sub[256];
	const char *s = NULL;
	size_t i, n;
	int rc;

	if (json_object_is_type(v, json_type_string)) {
		if (get_str(c, where, v, &s))
			return -EINVAL;
		return one(c, where, s, obj);
	}
	if (!json_object_is_type(v, json_type_array))
		return perr(c, where,
			    "expected a string or an array of strings, got %s",
			    type_name(v));
	n = json_object_array_length(v);
	if (n == 0)
		return perr(c, where, "empty list");
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s[%zu]", where, i);
		if (get_str(c, sub, json_object_array_get_idx(v, i), &s))
			return -EINVAL;
		rc = one(c, sub, s, obj);
		if (rc)
			return rc;
	}
	return 0;
}

static int one_op(struct parse_ctx *c, const char *where, const char *s,
		  void *obj)
{
	struct icpt_rule *r = obj;
	uint32_t bits;

	if (icpt_ops_parse(s, &bits))
		return perr(c, where, "unknown op '%s'", s);
	if (bits == ICPT_BIT(ICPT_OP_INVOKE)) /* exec rules decide those */
		return perr(c, where,
			    "op '%s' is an access-log event only (exec rules "
			    "decide invocations)",
			    s);
	r->ops |= bits;
	return 0;
}

static int m_ops(struct parse_ctx *c, const char *where, struct json_object *v,
		 void *obj)
{
	struct icpt_rule *r = obj;

	r->ops = 0;
	return str_list(c, where, v, one_op, obj) ? -EINVAL
	       : r->ops                           ? 0
						  : perr(c, where, "no op");
}

static const struct {
	const char *name;
	int set;      /* flags that must be set */
	unsigned acc; /* access modes allowed */
} flag_names[] = {
    {"read", 0, (1u << O_RDONLY) | (1u << O_RDWR)},
    {"write", 0, (1u << O_WRONLY) | (1u << O_RDWR)},
    {"rdonly", 0, 1u << O_RDONLY},
    {"wronly", 0, 1u << O_WRONLY},
    {"rdwr", 0, 1u << O_RDWR},
    {"append", O_APPEND, 0},
    {"trunc", O_TRUNC, 0},
    {"creat", O_CREAT, 0},
    {"excl", O_EXCL, 0},
    {"sync", O_SYNC, 0},
    {"nonblock", O_NONBLOCK, 0},
    {"direct", O_DIRECT, 0},
    {"exec", 0x20, 0},
};

static int one_flag(struct parse_ctx *c, const char *where, const char *s,
		    void *obj)
{
	struct icpt_rule *r = obj;
	size_t i;

	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (strcmp(flag_names[i].name, s))
			continue;
		r->flags.flags_set |= flag_names[i].set;
		if (flag_names[i].acc) {
			/* several access conditions: all must hold */
			r->flags.acc_modes =
			    r->flags.acc_modes
				? r->flags.acc_modes & flag_names[i].acc
				: flag_names[i].acc;
			if (!r->flags.acc_modes)
				return perr(c, where,
					    "'%s' contradicts an earlier flag",
					    s);
		}
		return 0;
	}
	return perr(c, where,
		    "unknown flag '%s' (read, write, rdonly, wronly, rdwr, "
		    "append, trunc, creat, excl, sync, nonblock, direct, exec)",
		    s);
}

static int m_flags(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	struct icpt_rule *r = obj;

	r->has_flags = true;
	return str_list(c, where, v, one_flag, obj);
}

static int m_pid(struct parse_ctx *c, const char *where, struct json_object *v,
		 void *obj)
{
	struct icpt_rule *r = obj;
	uint64_t u = 0;

	if (get_u64(c, where, v, INT32_MAX, &u))
		return -EINVAL;
	r->has_pid = true;
	r->pid = (pid_t)u;
	return 0;
}

static int m_uid(struct parse_ctx *c, const char *where, struct json_object *v,
		 void *obj)
{
	struct icpt_rule *r = obj;
	uint64_t u = 0;

	if (get_u64(c, where, v, UINT32_MAX - 1, &u))
		return -EINVAL;
	r->has_uid = true;
	r->uid = (uid_t)u;
	return 0;
}

static int m_gid(struct parse_ctx *c, const char *where, struct json_object *v,
		 void *obj)
{
	struct icpt_rule *r = obj;
	uint64_t u = 0;

	if (get_u64(c, where, v, UINT32_MAX - 1, &u))
		return -EINVAL;
	r->has_gid = true;
	r->gid = (gid_t)u;
	return 0;
}

static int m_process(struct parse_ctx *c, const char *where,
		     struct json_object *v, void *obj)
{
	struct icpt_rule *r = obj;
	const char *s = NULL;

	if (get_str(c, where, v, &s))
		return -EINVAL;
	if (!*s)
		return perr(c, where, "empty process name");
	return dup_str(c, s, &r->process);
}

static int m_exe(struct parse_ctx *c, const char *where, struct json_object *v,
		 void *obj)
{
	struct icpt_rule *r = obj;
	const char *s = NULL;

	if (get_str(c, where, v, &s))
		return -EINVAL;
	if (s[0] != '/')
		return perr(c, where, "'%s' is not an absolute path", s);
	return dup_str(c, s, &r->exe);
}

static const struct key match_keys[] = {
    {"path", m_path},   {"regex", m_regex},     {"ops", m_ops},
    {"flags", m_flags}, {"pid", m_pid},         {"uid", m_uid},
    {"gid", m_gid},     {"process", m_process}, {"exe", m_exe},
    {NULL, NULL},
};

/* ---- trigger --------------------------------------------------------------
 */

static int t_count_like(struct parse_ctx *c, const char *where,
			struct json_object *v, uint64_t *out, bool pos)
{
	if (get_u64(c, where, v, UINT64_MAX >> 1, out))
		return -EINVAL;
	if (pos && *out == 0)
		return perr(c, where, "must be at least 1");
	return 0;
}

static int t_nth(struct parse_ctx *c, const char *where, struct json_object *v,
		 void *obj)
{
	return t_count_like(c, where, v, &((struct icpt_rule *)obj)->nth, true);
}

static int t_after(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	return t_count_like(c, where, v, &((struct icpt_rule *)obj)->after,
			    false);
}

static int t_count(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	return t_count_like(c, where, v, &((struct icpt_rule *)obj)->count,
			    true);
}

static int t_prob(struct parse_ctx *c, const char *where, struct json_object *v,
		  void *obj)
{
	struct icpt_rule *r = obj;
	double d;

	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return perr(c, where, "expected a number, got %s",
			    type_name(v));
	d = json_object_get_double(v);
	if (!(d >= 0.0 && d <= 1.0))
		return perr(c, where, "probability %g is not in [0, 1]", d);
	r->has_prob = true;
	r->prob = d;
	return 0;
}

static int t_seed(struct parse_ctx *c, const char *where, struct json_object *v,
		  void *obj)
{
	return get_u64(c, where, v, UINT64_MAX >> 1,
		       &((struct icpt_rule *)obj)->seed);
}

static int t_from(struct parse_ctx *c, const char *where, struct json_object *v,
		  void *obj)
{
	return get_u64(c, where, v, UINT64_MAX >> 1,
		       &((struct icpt_rule *)obj)->from_ms);
}

static int t_until(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	return t_count_like(c, where, v, &((struct icpt_rule *)obj)->until_ms,
			    true);
}

static const struct key trigger_keys[] = {
    {"nth", t_nth},          {"after", t_after}, {"count", t_count},
    {"probability", t_prob}, {"seed", t_seed},   {"from_ms", t_from},
    {"until_ms", t_until},   {NULL, NULL},
};

/* ---- actions --------------------------------------------------------------
 */

static struct icpt_action *act_new(struct parse_ctx *c, const char *where,
				   enum icpt_act_kind kind)
{
	struct icpt_rule *r = c->r;
	struct icpt_action *a;

	if (r->n_acts == ICPT_ACTIONS_MAX) {
		perr(c, where, "more than %d actions", ICPT_ACTIONS_MAX);
		return NULL;
	}
	a = &r->acts[r->n_acts++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	r->act_kinds |= 1u << kind;
	return a;
}

static int a_fail(struct parse_ctx *c, const char *where, struct json_object *v,
		  void *obj)
{
	struct icpt_action *a = act_new(c, where, ICPT_A_FAIL);

	(void)obj;
	return a ? get_errno(c, where, v, &a->err) : -EINVAL;
}

static int a_delay(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	struct icpt_action *a = act_new(c, where, ICPT_A_DELAY);
	char sub[256];

	(void)obj;
	if (!a)
		return -EINVAL;
	if (json_object_is_type(v, json_type_array)) {
		if (json_object_array_length(v) != 2)
			return perr(c, where,
				    "expected milliseconds or a range [min, "
				    "max]");
		snprintf(sub, sizeof(sub), "%s[0]", where);
		if (get_u64(c, sub, json_object_array_get_idx(v, 0),
			    ICPT_DELAY_MAX_MS, &a->a))
			return -EINVAL;
		snprintf(sub, sizeof(sub), "%s[1]", where);
		if (get_u64(c, sub, json_object_array_get_idx(v, 1),
			    ICPT_DELAY_MAX_MS, &a->b))
			return -EINVAL;
		if (a->b < a->a)
			return perr(c, where, "range [%llu, %llu] is reversed",
				    (unsigned long long)a->a,
				    (unsigned long long)a->b);
		return 0;
	}
	if (get_u64(c, where, v, ICPT_DELAY_MAX_MS, &a->a))
		return -EINVAL;
	a->b = a->a;
	return 0;
}

static int h_timeout(struct parse_ctx *c, const char *where,
		     struct json_object *v, void *obj)
{
	struct icpt_action *a = obj;

	if (get_u64(c, where, v, ICPT_HANG_MAX_MS, &a->a))
		return -EINVAL;
	if (a->a == 0)
		return perr(c, where, "must be at least 1");
	return 0;
}

static int h_on_timeout(struct parse_ctx *c, const char *where,
			struct json_object *v, void *obj)
{
	struct icpt_action *a = obj;

	if (json_object_is_type(v, json_type_string) &&
	    !strcmp(json_object_get_string(v), "continue")) {
		a->err = 0;
		return 0;
	}
	return get_errno(c, where, v, &a->err);
}

static const struct key hang_keys[] = {
    {"timeout_ms", h_timeout},
    {"on_timeout", h_on_timeout},
    {NULL, NULL},
};

static int a_hang(struct parse_ctx *c, const char *where, struct json_object *v,
		  void *obj)
{
	struct icpt_action *a = act_new(c, where, ICPT_A_HANG);

	(void)obj;
	if (!a)
		return -EINVAL;
	a->a = ICPT_HANG_DEFAULT_MS;
	if (json_object_is_type(v, json_type_boolean)) {
		if (!json_object_get_boolean(v))
			return perr(c, where, "false is not an action");
		return 0;
	}
	return walk(c, where, v, hang_keys, a);
}

static int c_text(struct parse_ctx *c, const char *where, struct json_object *v,
		  void *obj)
{
	struct icpt_action *a = obj;

	if (a->data)
		return perr(c, where, "give one of 'text' and 'base64'");
	if (!json_object_is_type(v, json_type_string))
		return perr(c, where, "expected a string, got %s",
			    type_name(v));
	a->len = (size_t)json_object_get_string_len(v);
	if (a->len > ICPT_CONTENT_MAX)
		return perr(c, where, "longer than %d bytes", ICPT_CONTENT_MAX);
	a->data = malloc(a->len + 1);
	if (!a->data)
		return -ENOMEM;
	memcpy(a->data, json_object_get_string(v), a->len + 1);
	return 0;
}

static int c_base64(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	struct icpt_action *a = obj;
	const char *s = NULL;
	size_t bad;

	if (a->data)
		return perr(c, where, "give one of 'text' and 'base64'");
	if (get_str(c, where, v, &s))
		return -EINVAL;
	a->data = b64_decode(s, strlen(s), &a->len, &bad);
	if (!a->data) {
		if (bad == (size_t)-1)
			return -ENOMEM;
		return perr(c, where, "invalid base64 at offset %zu", bad);
	}
	if (a->len > ICPT_CONTENT_MAX)
		return perr(c, where, "longer than %d bytes", ICPT_CONTENT_MAX);
	return 0;
}

static int c_offset(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	struct icpt_action *a = obj;

	a->ranged = true;
	return get_u64(c, where, v, UINT64_MAX >> 2, &a->a);
}

static const struct key content_keys[] = {
    {"text", c_text},
    {"base64", c_base64},
    {"offset", c_offset},
    {NULL, NULL},
};

static int a_content(struct parse_ctx *c, const char *where,
		     struct json_object *v, void *obj)
{
	struct icpt_action *a = act_new(c, where, ICPT_A_CONTENT);

	(void)obj;
	if (!a)
		return -EINVAL;
	if (walk(c, where, v, content_keys, a))
		return -EINVAL;
	if (!a->data)
		return perr(c, where, "needs 'text' or 'base64'");
	return 0;
}

static int a_short(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	struct icpt_action *a = act_new(c, where, ICPT_A_SHORT_READ);

	(void)obj;
	if (!a || get_u64(c, where, v, UINT32_MAX, &a->a))
		return -EINVAL;
	if (a->a == 0)
		return perr(c, where, "must be at least 1");
	return 0;
}

static int k_offset(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	return get_u64(c, where, v, UINT64_MAX >> 2,
		       &((struct icpt_action *)obj)->a);
}

static int k_length(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	struct icpt_action *a = obj;

	if (get_u64(c, where, v, UINT32_MAX, &a->b))
		return -EINVAL;
	if (a->b == 0)
		return perr(c, where, "must be at least 1");
	return 0;
}

static int k_xor(struct parse_ctx *c, const char *where, struct json_object *v,
		 void *obj)
{
	uint64_t u = 0;

	if (get_u64(c, where, v, 255, &u))
		return -EINVAL;
	if (u == 0)
		return perr(c, where, "0 changes nothing");
	((struct icpt_action *)obj)->xor_mask = (unsigned char)u;
	return 0;
}

static const struct key corrupt_keys[] = {
    {"offset", k_offset},
    {"length", k_length},
    {"xor", k_xor},
    {NULL, NULL},
};

static int a_corrupt(struct parse_ctx *c, const char *where,
		     struct json_object *v, void *obj)
{
	struct icpt_action *a = act_new(c, where, ICPT_A_CORRUPT);

	(void)obj;
	if (!a)
		return -EINVAL;
	a->b = 1;
	a->xor_mask = 0xff;
	return walk(c, where, v, corrupt_keys, a);
}

static int a_flag_only(struct parse_ctx *c, const char *where,
		       struct json_object *v, enum icpt_act_kind kind)
{
	if (!json_object_is_type(v, json_type_boolean) ||
	    !json_object_get_boolean(v))
		return perr(c, where, "expected true");
	return act_new(c, where, kind) ? 0 : -EINVAL;
}

static int a_discard(struct parse_ctx *c, const char *where,
		     struct json_object *v, void *obj)
{
	(void)obj;
	return a_flag_only(c, where, v, ICPT_A_DISCARD);
}

static int cap_max(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	return get_u64(c, where, v, ICPT_CAPTURE_MAX,
		       &((struct icpt_action *)obj)->a);
}

static const struct key capture_keys[] = {
    {"max_bytes", cap_max},
    {NULL, NULL},
};

static int a_capture(struct parse_ctx *c, const char *where,
		     struct json_object *v, void *obj)
{
	struct icpt_action *a;

	(void)obj;
	if (json_object_is_type(v, json_type_boolean)) {
		if (a_flag_only(c, where, v, ICPT_A_CAPTURE))
			return -EINVAL;
		c->r->acts[c->r->n_acts - 1].a = ICPT_CAPTURE_DEFAULT;
		return 0;
	}
	a = act_new(c, where, ICPT_A_CAPTURE);
	if (!a)
		return -EINVAL;
	a->a = ICPT_CAPTURE_DEFAULT;
	return walk(c, where, v, capture_keys, a);
}

static int fa_bytes(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	return get_u64(c, where, v, UINT64_MAX >> 2,
		       &((struct icpt_action *)obj)->a);
}

static int fa_errno(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	return get_errno(c, where, v, &((struct icpt_action *)obj)->err);
}

static const struct key fail_after_keys[] = {
    {"bytes", fa_bytes},
    {"errno", fa_errno},
    {NULL, NULL},
};

static int a_fail_after(struct parse_ctx *c, const char *where,
			struct json_object *v, void *obj)
{
	struct icpt_action *a = act_new(c, where, ICPT_A_FAIL_AFTER);

	(void)obj;
	if (!a)
		return -EINVAL;
	a->err = ENOSPC;
	if (json_object_is_type(v, json_type_int))
		return get_u64(c, where, v, UINT64_MAX >> 2, &a->a);
	return walk(c, where, v, fail_after_keys, a);
}

static int lg_level(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	struct icpt_action *a = obj;
	const char *s = NULL;

	if (get_str(c, where, v, &s))
		return -EINVAL;
	if (!strcmp(s, "metadata"))
		a->level = 1;
	else if (!strcmp(s, "data"))
		a->level = 2;
	else
		return perr(c, where, "unknown level '%s' (metadata, data)", s);
	return 0;
}

static int lg_bytes(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	return get_u64(c, where, v, ALOG_DATA_MAX,
		       &((struct icpt_action *)obj)->a);
}

static const struct key log_keys[] = {
    {"level", lg_level},
    {"data_bytes", lg_bytes},
    {NULL, NULL},
};

static int a_log(struct parse_ctx *c, const char *where, struct json_object *v,
		 void *obj)
{
	struct icpt_action *a;

	(void)obj;
	if (json_object_is_type(v, json_type_boolean)) {
		if (a_flag_only(c, where, v, ICPT_A_LOG))
			return -EINVAL;
		c->r->acts[c->r->n_acts - 1].level = 1;
		return 0;
	}
	a = act_new(c, where, ICPT_A_LOG);
	if (!a)
		return -EINVAL;
	a->level = 1;
	a->a = ALOG_DATA_DEFAULT;
	return walk(c, where, v, log_keys, a);
}

static const struct key action_keys[] = {
    {"fail", a_fail},
    {"delay_ms", a_delay},
    {"hang", a_hang},
    {"content", a_content},
    {"short_read", a_short},
    {"corrupt", a_corrupt},
    {"discard", a_discard},
    {"capture", a_capture},
    {"fail_after", a_fail_after},
    {"log", a_log},
    {NULL, NULL},
};

/* "action": one object, or an array of them, in order. */
static int r_action(struct parse_ctx *c, const char *where,
		    struct json_object *v, void *obj)
{
	char sub[256];
	size_t i, n;

	if (json_object_is_type(v, json_type_object)) {
		if (json_object_object_length(v) == 0)
			return perr(c, where, "no action");
		return walk(c, where, v, action_keys, obj);
	}
	if (!json_object_is_type(v, json_type_array))
		return perr(c, where,
			    "expected an object or an array of objects, got %s",
			    type_name(v));
	n = json_object_array_length(v);
	if (n == 0)
		return perr(c, where, "no action");
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v, i);

		snprintf(sub, sizeof(sub), "%s[%zu]", where, i);
		if (json_object_is_type(o, json_type_object) &&
		    json_object_object_length(o) == 0)
			return perr(c, sub, "no action");
		if (walk(c, sub, o, action_keys, obj))
			return -EINVAL;
	}
	return 0;
}

/* ---- the rule -------------------------------------------------------------
 */

/* Ids: 1..ICPT_ID_MAX of [A-Za-z0-9._:-]. */
static bool id_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= ICPT_ID_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._:-") == n;
}

static int r_id(struct parse_ctx *c, const char *where, struct json_object *v,
		void *obj)
{
	struct icpt_rule *r = obj;
	const char *s = NULL;

	if (get_str(c, where, v, &s))
		return -EINVAL;
	if (!id_ok(s))
		return perr(c, where,
			    "bad id '%s' (1 to %d of A-Z a-z 0-9 . _ : -)", s,
			    ICPT_ID_MAX);
	return dup_str(c, s, &r->id);
}

static int r_label(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	struct icpt_rule *r = obj;
	const char *s = NULL;

	if (get_str(c, where, v, &s))
		return -EINVAL;
	if (strlen(s) > ICPT_LABEL_MAX)
		return perr(c, where, "longer than %d bytes", ICPT_LABEL_MAX);
	return dup_str(c, s, &r->label);
}

static int r_match(struct parse_ctx *c, const char *where,
		   struct json_object *v, void *obj)
{
	return walk(c, where, v, match_keys, obj);
}

static int r_trigger(struct parse_ctx *c, const char *where,
		     struct json_object *v, void *obj)
{
	return walk(c, where, v, trigger_keys, obj);
}

static const struct key rule_keys[] = {
    {"id", r_id},           {"label", r_label},   {"match", r_match},
    {"trigger", r_trigger}, {"action", r_action}, {NULL, NULL},
};

/* Things no single key can check. */
static int rule_check(struct parse_ctx *c, struct json_object *obj)
{
	struct icpt_rule *r = c->r;
	const uint32_t rd = ICPT_BIT(ICPT_OP_READ),
		       wr = ICPT_BIT(ICPT_OP_WRITE);

	if (!json_object_object_get_ex(obj, "action", NULL))
		return perr(c, "action",
			    "missing (use {\"log\": true} for a log-only "
			    "rule)");
	if (r->until_ms && r->until_ms <= r->from_ms)
		return perr(c, "trigger.until_ms",
			    "window ends before it "
			    "starts");
	if (r->nth && r->after)
		return perr(c, "trigger", "give one of 'nth' and 'after'");
	if ((r->act_kinds &
	     ((1u << ICPT_A_CONTENT) | (1u << ICPT_A_SHORT_READ) |
	      (1u << ICPT_A_CORRUPT))) &&
	    !(r->ops & rd))
		return perr(c, "action",
			    "content, short_read and corrupt act on reads: "
			    "match.ops must include 'read'");
	if ((r->act_kinds & ((1u << ICPT_A_DISCARD) | (1u << ICPT_A_CAPTURE) |
			     (1u << ICPT_A_FAIL_AFTER))) &&
	    !(r->ops & wr))
		return perr(c, "action",
			    "discard, capture and fail_after act on writes: "
			    "match.ops must include 'write'");
	if (c->fixed_path) {
		r->path_kind = ICPT_PATH_EXACT;
		return dup_str(c, c->fixed_path, &r->path);
	}
	return 0;
}

int icpt_rule_compile(struct json_object *obj, const char *fixed_path,
		      struct icpt_rule **out, char *err, size_t errlen)
{
	struct parse_ctx c;
	struct icpt_rule *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r->ops = ICPT_OPS_ALL;
	c.r = r;
	c.fixed_path = fixed_path;
	c.err = err;
	c.errlen = errlen;
	rc = walk(&c, "", obj, rule_keys, r);
	if (!rc)
		rc = rule_check(&c, obj);
	if (!rc) {
		/* the spec as given, without the id (icpt_rule_json adds
		 * the one the rule ends up with) */
		struct json_object *copy = NULL;

		rc = json_object_deep_copy(obj, &copy, NULL) ? -ENOMEM : 0;
		if (!rc) {
			json_object_object_del(copy, "id");
			r->spec = strdup(json_object_to_json_string_ext(
			    copy, JSON_C_TO_STRING_PLAIN));
			json_object_put(copy);
			if (!r->spec)
				rc = -ENOMEM;
		}
	}
	if (rc) {
		if (rc == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		icpt_rule_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void icpt_rule_free(struct icpt_rule *r)
{
	size_t i;

	if (!r)
		return;
	free(r->id);
	free(r->label);
	free(r->spec);
	if (r->path_kind == ICPT_PATH_GLOB)
		icpt_glob_release(&r->glob);
	if (r->path_kind == ICPT_PATH_REGEX)
		regfree(&r->re);
	free(r->path);
	free(r->process);
	free(r->exe);
	for (i = 0; i < r->n_acts; i++)
		free(r->acts[i].data);
	free(r->capture);
	for (i = 0; i < r->n_segs; i++)
		free(r->segs[i].path);
	free(r->segs);
	free(r);
}
