/* test_ctl_spec.c - the single source of truth holds: proto/methods.json,
 * the server's dispatch table, proto/rpc_codes.h and the method headings of
 * proto/PROTOCOL.md all agree. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "rpc.h"
#include "rpc_codes.h"

#define C(x)                                                                   \
	{                                                                      \
#x, x                                                          \
	}
static const struct {
	const char *name;
	int code;
} spec_codes[] = {
    C(RPC_PARSE_ERROR),
    C(RPC_INVALID_REQUEST),
    C(RPC_METHOD_NOT_FOUND),
    C(RPC_INVALID_PARAMS),
    C(RPC_INTERNAL_ERROR),
    C(RPC_ERR_ERRNO),
    C(RPC_ERR_NOENT),
    C(RPC_ERR_EXIST),
    C(RPC_ERR_NOTDIR),
    C(RPC_ERR_ISDIR),
    C(RPC_ERR_ACCES),
    C(RPC_ERR_INVAL),
    C(RPC_ERR_TOOBIG),
    C(RPC_ERR_TIMEDOUT),
    C(RPC_ERR_BUSY),
    C(RPC_ERR_NOSPC),
    C(RPC_ERR_NOTEMPTY),
    C(RPC_ERR_ILSEQ),
    C(RPC_ERR_ROFS),
    C(RPC_ERR_NOMEM),
    C(RPC_ERR_NOSYS),
    C(RPC_ERR_UNAUTHORIZED),
    C(RPC_ERR_LINE_TOO_LONG),
    C(RPC_ERR_TOO_MANY_CLIENTS),
    C(RPC_ERR_REPLY_TOO_LARGE),
    C(RPC_ERR_PROTOCOL),
    C(RPC_ERR_SHUTDOWN),
};
#undef C
#define N_CODES (sizeof(spec_codes) / sizeof(spec_codes[0]))

static const char *const spec_types[] = {
    [RPC_T_STRING] = "string", [RPC_T_INT] = "integer",
    [RPC_T_BOOL] = "boolean",  [RPC_T_NUMBER] = "number",
    [RPC_T_OBJECT] = "object", [RPC_T_ARRAY] = "array",
    [RPC_T_ANY] = "any",
};

static const struct {
	const char *name;
	unsigned flag;
} spec_flags[] = {
    {"mutates", RPC_MUTATES},
    {"noauth", RPC_NOAUTH},
    {"streams", RPC_STREAMS},
};

static char *spec_path(const char *rel)
{
	const char *src = getenv("ESXMOCK_SRC");
	char *p;

	assert_non_null(src);
	assert_true(asprintf(&p, "%s/%s", src, rel) > 0);
	return p;
}

static struct json_object *spec_load(void)
{
	char *p = spec_path("proto/methods.json");
	struct json_object *o = json_object_from_file(p);

	if (!o)
		fail_msg("cannot load '%s': %s", p, json_util_get_last_err());
	free(p);
	return o;
}

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("'%s' missing in %s", k,
			 json_object_to_json_string(o));
	return v;
}

static bool spec_code_known(int code)
{
	size_t i;

	for (i = 0; i < N_CODES; i++)
		if (spec_codes[i].code == code)
			return true;
	return false;
}

/* The codes in methods.json are exactly those of rpc_codes.h. */
static void test_ctl_spec_codes_match_header(void **state)
{
	struct json_object *spec = spec_load(), *codes = member(spec, "codes");
	size_t i, k, n = json_object_array_length(codes);

	(void)state;
	assert_int_equal(json_object_get_int(member(spec, "protocol")),
			 RPC_PROTOCOL_VERSION);
	assert_int_equal(n, N_CODES);
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(codes, i);
		const char *name = json_object_get_string(member(c, "name"));

		for (k = 0; k < N_CODES; k++)
			if (!strcmp(spec_codes[k].name, name))
				break;
		if (k == N_CODES)
			fail_msg("methods.json: code '%s' not in rpc_codes.h",
				 name);
		assert_int_equal(json_object_get_int(member(c, "code")),
				 spec_codes[k].code);
	}
	json_object_put(spec);
}

struct seen {
	struct json_object *methods;
	int n;
};

static struct json_object *spec_method(struct json_object *methods,
				       const char *name)
{
	size_t i;

	for (i = 0; i < json_object_array_length(methods); i++) {
		struct json_object *m = json_object_array_get_idx(methods, i);

		if (!strcmp(json_object_get_string(member(m, "name")), name))
			return m;
	}
	return NULL;
}

static void spec_check_dispatched(void *arg, const struct rpc_method *m)
{
	struct seen *s = arg;
	struct json_object *j = spec_method(s->methods, m->name);

	if (!j)
		fail_msg("method '%s' is dispatched but not in methods.json",
			 m->name);
	if (strcmp(json_object_get_string(member(j, "status")), "available"))
		fail_msg("method '%s' is dispatched but not 'available' in "
			 "methods.json",
			 m->name);
	s->n++;
}

/* Every dispatched method is described, with the same params and flags;
 * no planned method is dispatched. */
static void test_ctl_spec_methods_match_dispatch(void **state)
{
	struct json_object *spec = spec_load(),
			   *methods = member(spec, "methods");
	struct rpc_server *srv = rpc_server_new(NULL);
	struct seen seen = {methods, 0};
	int available = 0;
	size_t i, k, f;

	(void)state;
	rpc_server_each_method(srv, spec_check_dispatched, &seen);
	for (i = 0; i < json_object_array_length(methods); i++) {
		struct json_object *j = json_object_array_get_idx(methods, i);
		const char *name = json_object_get_string(member(j, "name"));
		const char *status =
		    json_object_get_string(member(j, "status"));
		const struct rpc_method *m = rpc_server_find(srv, name);
		struct json_object *params = member(j, "params");
		struct json_object *flags = member(j, "flags");
		struct json_object *errors = member(j, "errors");
		unsigned want = 0;
		size_t np = 0;

		for (k = 0; k < json_object_array_length(errors); k++)
			if (!spec_code_known(json_object_get_int(
				json_object_array_get_idx(errors, k))))
				fail_msg(
				    "'%s': unknown error code %d", name,
				    json_object_get_int(
					json_object_array_get_idx(errors, k)));
		for (k = 0; k < json_object_array_length(flags); k++) {
			const char *fl = json_object_get_string(
			    json_object_array_get_idx(flags, k));

			for (f = 0;
			     f < sizeof(spec_flags) / sizeof(*spec_flags); f++)
				if (!strcmp(spec_flags[f].name, fl))
					break;
			if (f == sizeof(spec_flags) / sizeof(*spec_flags))
				fail_msg("'%s': unknown flag '%s'", name, fl);
			want |= spec_flags[f].flag;
		}
		if (!strcmp(status, "planned")) {
			if (m)
				fail_msg("'%s' is planned but dispatched",
					 name);
			assert_true(json_object_get_int(member(j, "issue")) >
				    0);
			continue;
		}
		assert_string_equal(status, "available");
		available++;
		if (!m)
			fail_msg("'%s' is available in methods.json but not "
				 "dispatched",
				 name);
		if (m->flags != want)
			fail_msg("'%s': flags 0x%x in the table, 0x%x in "
				 "methods.json",
				 name, m->flags, want);
		for (k = 0; m->params && m->params[k].name; k++) {
			const struct rpc_param *p = &m->params[k];
			struct json_object *jp = NULL;
			size_t x;

			for (x = 0; x < json_object_array_length(params); x++)
				if (!strcmp(json_object_get_string(member(
						json_object_array_get_idx(
						    params, x),
						"name")),
					    p->name))
					jp = json_object_array_get_idx(params,
								       x);
			if (!jp)
				fail_msg("'%s': param '%s' not in "
					 "methods.json",
					 name, p->name);
			if (strcmp(json_object_get_string(member(jp, "type")),
				   spec_types[p->type]))
				fail_msg("'%s': param '%s' is %s in the "
					 "table",
					 name, p->name, spec_types[p->type]);
			if (json_object_get_boolean(member(jp, "required")) !=
			    p->required)
				fail_msg("'%s': param '%s' required differs",
					 name, p->name);
			np++;
		}
		if (np != json_object_array_length(params))
			fail_msg("'%s': %zu params in the table, %zu in "
				 "methods.json",
				 name, np, json_object_array_length(params));
	}
	assert_int_equal(available, seen.n);
	rpc_server_free(srv);
	json_object_put(spec);
}

/* PROTOCOL.md has one "### `name`" heading per method of methods.json,
 * marked "(planned, issue N)" exactly for the planned ones, and no other. */
static void test_ctl_spec_doc_headings(void **state)
{
	struct json_object *spec = spec_load(),
			   *methods = member(spec, "methods");
	char *p = spec_path("proto/PROTOCOL.md"), line[512], want[64];
	char *seen[256];
	FILE *f = fopen(p, "r");
	int headings = 0, i;

	(void)state;
	if (!f)
		fail_msg("cannot open '%s'", p);
	while (fgets(line, sizeof(line), f)) {
		char *name, *end;
		struct json_object *j;

		if (strncmp(line, "### `", 5))
			continue;
		name = line + 5;
		end = strchr(name, '`');
		assert_non_null(end);
		*end = '\0';
		j = spec_method(methods, name);
		if (!j)
			fail_msg("PROTOCOL.md: heading '%s' is not in "
				 "methods.json",
				 name);
		for (i = 0; i < headings; i++)
			if (!strcmp(seen[i], name))
				fail_msg("PROTOCOL.md: two headings '%s'",
					 name);
		assert_true(headings < 256);
		seen[headings++] = strdup(name);
		if (!strcmp(json_object_get_string(member(j, "status")),
			    "planned")) {
			snprintf(want, sizeof(want), " (planned, issue %d)",
				 json_object_get_int(member(j, "issue")));
			if (strncmp(end + 1, want, strlen(want)))
				fail_msg("PROTOCOL.md: '%s' must say '%s'",
					 name, want);
		} else if (strstr(end + 1, "planned")) {
			fail_msg("PROTOCOL.md: '%s' is available, not planned",
				 name);
		}
	}
	fclose(f);
	free(p);
	assert_int_equal(headings, json_object_array_length(methods));
	for (i = 0; i < headings; i++)
		free(seen[i]);
	json_object_put(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_spec_codes_match_header),
	    cmocka_unit_test(test_ctl_spec_methods_match_dispatch),
	    cmocka_unit_test(test_ctl_spec_doc_headings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
