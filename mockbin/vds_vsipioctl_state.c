/* vds_vsipioctl_state.c - reports of the mock vds-vsipioctl over its JSON
 * state: filter blocks, `ruleset NAME { ... }` rule listings with computed
 * positions, `addrset NAME { ... }` blocks and heap usage. */
#include "vds_vsipioctl_state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "state.h"

static int bad(char *err, size_t n, const char *ptr, const char *what)
{
	snprintf(err, n, "'%s': %s: %s", STATE_VSIP, ptr, what);
	return -EBADMSG;
}

static int filters(json_object *root, json_object **arr, char *err, size_t n)
{
	json_object *a;

	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "filters", &a)) {
		*arr = NULL;
		return 0; /* no filters at all */
	}
	if (!json_object_is_type(a, json_type_array))
		return bad(err, n, "/filters", "expected an array");
	*arr = a;
	return 0;
}

/* The filter named 'name' (and its index), -ENOENT, -EBADMSG. */
static int find_filter(json_object *root, const char *name, json_object **f,
		       size_t *idx, char *err, size_t n)
{
	json_object *arr, *e;
	char ptr[64];
	size_t i;
	int r = filters(root, &arr, err, n);

	if (r < 0)
		return r;
	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (!state_json_str(e, "name", NULL)) {
			snprintf(ptr, sizeof(ptr), "/filters/%zu/name", i);
			return bad(err, n, ptr, "expected a string");
		}
		if (strcmp(state_json_str(e, "name", ""), name) == 0) {
			*f = e;
			*idx = i;
			return 0;
		}
	}
	snprintf(err, n, "Filter '%s' not found", name);
	return -ENOENT;
}

static void filter_block(json_object *f, struct strbuf *out)
{
	json_object *v;

	strbuf_printf(out, "\n%-25s: %s\n", "Filter Name",
		      state_json_str(f, "name", ""));
	strbuf_printf(out, "%-25s: %s\n", "VM UUID",
		      state_json_str(f, "vm_uuid", ""));
	if (json_object_object_get_ex(f, "vnic_index", &v) &&
	    json_object_is_type(v, json_type_int))
		strbuf_printf(out, "%-25s: %" PRId64 "\n", "VNIC Index",
			      json_object_get_int64(v));
	else
		strbuf_printf(out, "%-25s: %s\n", "VNIC Index",
			      state_json_str(f, "vnic_index", "0"));
	strbuf_printf(out, "%-25s: %s\n", "Service Profile",
		      state_json_str(f, "service_profile", "--NOT SET--"));
}

int vsip_getfilters(json_object *root, const char *filter, struct strbuf *out,
		    char *err, size_t errlen)
{
	json_object *arr, *f;
	size_t i;
	int r;

	if (filter) {
		r = find_filter(root, filter, &f, &i, err, errlen);
		if (r < 0)
			return r;
		filter_block(f, out);
		return 0;
	}
	r = filters(root, &arr, err, errlen);
	if (r < 0)
		return r;
	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		f = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(f, json_type_object) ||
		    !state_json_str(f, "name", NULL)) {
			char ptr[64];

			snprintf(ptr, sizeof(ptr), "/filters/%zu", i);
			return bad(err, errlen, ptr,
				   "expected an object with a \"name\"");
		}
		filter_block(f, out);
	}
	return 0;
}

/* rule <id> at <pos> <dir> protocol <p> from <src> to <dst> [port <n>]
 * <action>[ with log]; -- or the text of a string rule verbatim. */
static int rule_line(json_object *rule, size_t pos, const char *ptr,
		     struct strbuf *out, char *err, size_t n)
{
	const char *port, *ethertype;

	if (json_object_is_type(rule, json_type_string)) {
		strbuf_printf(out, "  %s\n", json_object_get_string(rule));
		return 0;
	}
	if (!json_object_is_type(rule, json_type_object) ||
	    state_json_int(rule, "id", -1) < 0)
		return bad(err, n, ptr,
			   "a rule is a string or an object with an integer "
			   "\"id\"");
	strbuf_printf(out, "  rule %lld at %zu %s",
		      state_json_int(rule, "id", 0), pos,
		      state_json_str(rule, "direction", "inout"));
	ethertype = state_json_str(rule, "ethertype", NULL);
	if (ethertype)
		strbuf_printf(out, " ethertype %s stateless", ethertype);
	else
		strbuf_printf(out, " protocol %s",
			      state_json_str(rule, "protocol", "any"));
	strbuf_printf(out, " from %s to %s",
		      state_json_str(rule, "from", "any"),
		      state_json_str(rule, "to", "any"));
	port = state_json_str(rule, "port", NULL);
	if (port)
		strbuf_printf(out, " port %s", port);
	strbuf_printf(out, " %s", state_json_str(rule, "action", "accept"));
	if (state_json_bool(rule, "log", false))
		strbuf_puts(out, " with log");
	strbuf_puts(out, ";\n");
	return 0;
}

int vsip_getrules(json_object *root, const char *filter, struct strbuf *out,
		  char *err, size_t errlen)
{
	json_object *f, *sets, *rs, *rules;
	char ptr[128];
	size_t fi, i, j;
	int r = find_filter(root, filter, &f, &fi, err, errlen);

	if (r < 0)
		return r;
	sets = state_json_array(f, "rulesets");
	for (i = 0; sets && i < json_object_array_length(sets); i++) {
		rs = json_object_array_get_idx(sets, i);
		snprintf(ptr, sizeof(ptr), "/filters/%zu/rulesets/%zu", fi, i);
		if (!json_object_is_type(rs, json_type_object) ||
		    !state_json_str(rs, "name", NULL))
			return bad(err, errlen, ptr,
				   "expected an object with a \"name\"");
		strbuf_printf(out, "ruleset %s {\n",
			      state_json_str(rs, "name", ""));
		strbuf_printf(out, "  # generation number: %lld\n",
			      state_json_int(rs, "generation", 0));
		strbuf_printf(out, "  # realization time : %s\n",
			      state_json_str(rs, "realization_time", ""));
		strbuf_printf(out, "  # %s\n",
			      state_json_str(rs, "comment", "FILTER rules"));
		rules = state_json_array(rs, "rules");
		for (j = 0; rules && j < json_object_array_length(rules); j++) {
			snprintf(ptr, sizeof(ptr),
				 "/filters/%zu/rulesets/%zu/rules/%zu", fi, i,
				 j);
			r = rule_line(json_object_array_get_idx(rules, j),
				      j + 1, ptr, out, err, errlen);
			if (r < 0)
				return r;
		}
		strbuf_puts(out, "}\n\n");
	}
	return 0;
}

int vsip_getaddrsets(json_object *root, const char *filter, struct strbuf *out,
		     char *err, size_t errlen)
{
	json_object *f, *sets, *as, *ips, *ip;
	char ptr[128];
	size_t fi, i, j;
	int r = find_filter(root, filter, &f, &fi, err, errlen);

	if (r < 0)
		return r;
	sets = state_json_array(f, "addrsets");
	for (i = 0; sets && i < json_object_array_length(sets); i++) {
		as = json_object_array_get_idx(sets, i);
		snprintf(ptr, sizeof(ptr), "/filters/%zu/addrsets/%zu", fi, i);
		if (!json_object_is_type(as, json_type_object) ||
		    !state_json_str(as, "name", NULL))
			return bad(err, errlen, ptr,
				   "expected an object with a \"name\"");
		strbuf_printf(out, "addrset %s {\n",
			      state_json_str(as, "name", ""));
		ips = state_json_array(as, "ips");
		for (j = 0; ips && j < json_object_array_length(ips); j++) {
			ip = json_object_array_get_idx(ips, j);
			if (!json_object_is_type(ip, json_type_string)) {
				snprintf(ptr, sizeof(ptr),
					 "/filters/%zu/addrsets/%zu/ips/%zu",
					 fi, i, j);
				return bad(err, errlen, ptr,
					   "expected a string");
			}
			strbuf_printf(out, "ip %s,\n",
				      json_object_get_string(ip));
		}
		strbuf_puts(out, "}\n\n");
	}
	return 0;
}

int vsip_getmeminfo(json_object *root, struct strbuf *out, char *err,
		    size_t errlen)
{
	json_object *heaps = state_json_array(root, "meminfo"), *h;
	long long max, cur, alloc;
	char ptr[64];
	size_t i;

	strbuf_printf(out, "%-24s %14s %14s %18s %7s\n", "Heap Name",
		      "Max Size", "Current Size", "Current Allocated",
		      "% Used");
	for (i = 0; heaps && i < json_object_array_length(heaps); i++) {
		h = json_object_array_get_idx(heaps, i);
		snprintf(ptr, sizeof(ptr), "/meminfo/%zu", i);
		if (!json_object_is_type(h, json_type_object) ||
		    !state_json_str(h, "name", NULL))
			return bad(err, errlen, ptr,
				   "expected an object with a \"name\"");
		max = state_json_int(h, "max", 0);
		cur = state_json_int(h, "current", 0);
		alloc = state_json_int(h, "allocated", 0);
		if (max < 0 || cur < 0 || alloc < 0)
			return bad(err, errlen, ptr,
				   "sizes must be non-negative integers");
		strbuf_printf(out, "%-24s %14lld %14lld %18lld %7lld\n",
			      state_json_str(h, "name", ""), max, cur, alloc,
			      max ? alloc * 100 / max : 0);
	}
	return 0;
}
