/* vsish_derive.c - vsish nodes built from esx.conf, the advanced options,
 * host.json and the module state on every run, and their setters (which
 * write esx.conf through advopt.h, as esxcfg-advcfg does). */
#include "vsish_derive.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advopt.h"
#include "esxconf.h"
#include "modules.h"
#include "state.h"
#include "strbuf.h"

#define PNIC "/net/pnic/"

/* ---- node building ---- */

static json_object *struct_node(const char *title, const char *set)
{
	json_object *n = json_object_new_object();

	json_object_object_add(n, "title", json_object_new_string(title));
	if (set)
		json_object_object_add(n, "set", json_object_new_string(set));
	json_object_object_add(n, "fields", json_object_new_array());
	return n;
}

static json_object *find_field(json_object *node, const char *name)
{
	json_object *fields, *f;
	size_t i, n;

	if (!json_object_object_get_ex(node, "fields", &fields) ||
	    !json_object_is_type(fields, json_type_array))
		return NULL;
	n = json_object_array_length(fields);
	for (i = 0; i < n; i++) {
		f = json_object_array_get_idx(fields, i);
		if (strcmp(state_json_str(f, "name", ""), name) == 0)
			return f;
	}
	return NULL;
}

static bool has_field(json_object *node, const char *name)
{
	return find_field(node, name) != NULL;
}

/* Sets the field 'name' of a struct node to v (taken), appending the field
 * with 'label' when the node lacks it. */
static void set_field(json_object *node, const char *name, const char *label,
		      json_object *v)
{
	json_object *fields, *f = find_field(node, name);

	if (f) {
		json_object_object_add(f, "value", v);
		return;
	}
	if (!json_object_object_get_ex(node, "fields", &fields) ||
	    !json_object_is_type(fields, json_type_array)) {
		fields = json_object_new_array();
		json_object_object_add(node, "fields", fields);
	}
	f = json_object_new_object();
	json_object_object_add(f, "name", json_object_new_string(name));
	json_object_object_add(f, "label", json_object_new_string(label));
	json_object_object_add(f, "value", v);
	json_object_array_add(fields, f);
}

/* "/Net/TcpipHeapSize" -> "/config/Net/intOpts/TcpipHeapSize"; -EINVAL
 * for paths that are not /<Group>/<Name> (not VMkernel options). */
static int config_path(const struct advopt *o, char *out, size_t n)
{
	const char *slash = strchr(o->path + 1, '/');
	int w;

	if (o->path[0] != '/' || !slash || slash == o->path + 1 || !slash[1] ||
	    strchr(slash + 1, '/'))
		return -EINVAL;
	w = snprintf(out, n, "/config/%.*s/%s/%s", (int)(slash - o->path - 1),
		     o->path + 1, o->is_int ? "intOpts" : "strOpts", slash + 1);
	return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : 0;
}

static void derive_config(json_object *nodes, const struct advopt_set *s)
{
	char path[VSI_PATH_MAX];
	json_object *n;

	for (size_t i = 0; i < s->n; i++) {
		const struct advopt *o = &s->v[i];

		if (config_path(o, path, sizeof(path)) < 0)
			continue;
		if (o->is_int) {
			n = struct_node("Vmkernel Config Option", "cur");
			set_field(n, "def", "Default value",
				  json_object_new_int64(o->idef));
			set_field(n, "min", "Min value",
				  json_object_new_int64(o->min));
			set_field(n, "max", "Max value",
				  json_object_new_int64(o->max));
			set_field(n, "cur", "Current value",
				  json_object_new_int64(o->ival));
			set_field(n, "hidden", "hidden config option",
				  json_object_new_int(o->hidden));
		} else {
			n = struct_node("Vmkernel Config Option [string]",
					"cur");
			set_field(
			    n, "def", "Default value",
			    json_object_new_string(o->sdef ? o->sdef : ""));
			set_field(
			    n, "valid", "valid characters",
			    json_object_new_string(o->valid ? o->valid : "**"));
			set_field(
			    n, "cur", "Current value",
			    json_object_new_string(o->sval ? o->sval : ""));
		}
		set_field(n, "description", "Description",
			  json_object_new_string(o->desc ? o->desc : ""));
		json_object_object_add(nodes, path, n);
	}
}

static void derive_system(json_object *nodes, const struct esxconf *conf,
			  const struct advopt_set *s)
{
	const char *uuid = esxconf_get(conf, "/system/uuid");
	const struct advopt *host = s ? advopt_find(s, "/Misc/HostName") : NULL;

	if (uuid)
		json_object_object_add(nodes, "/system/uuid",
				       json_object_new_string(uuid));
	if (host && host->sval)
		json_object_object_add(nodes, "/system/hostname",
				       json_object_new_string(host->sval));
}

/* "Releasebuild-21224876" -> 21224876; -1 without a number at the end. */
static long long build_number(const char *build)
{
	const char *p = strrchr(build, '-');
	char *end;
	long long v;

	p = p ? p + 1 : build;
	v = strtoll(p, &end, 10);
	return end == p || *end ? -1 : v;
}

static void derive_version(json_object *nodes, json_object *host)
{
	json_object *ver, *node;
	const char *build;

	if (!json_object_object_get_ex(host, "version", &ver) ||
	    !json_object_is_type(ver, json_type_object))
		return;
	if (!json_object_object_get_ex(nodes, "/system/version", &node) ||
	    !json_object_is_type(node, json_type_object)) {
		node = struct_node("VMkernel Version Info", NULL);
		json_object_object_add(nodes, "/system/version", node);
	}
	set_field(node, "product", "product",
		  json_object_new_string(state_json_str(ver, "Product", "")));
	set_field(node, "productVersion", "product version",
		  json_object_new_string(state_json_str(ver, "Version", "")));
	build = state_json_str(ver, "Build", "");
	set_field(node, "build", "build", json_object_new_string(build));
	if (build_number(build) >= 0)
		set_field(node, "buildNumber", "build number",
			  json_object_new_int64(build_number(build)));
}

static bool nic_known(const char *const *names, size_t n, const char *name,
		      size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], name, len))
			return true;
	return false;
}

/* Drops /net/pNics/<nic>/... of NICs esx.conf does not list. */
static void drop_unknown_nics(json_object *nodes, const char *const *names,
			      size_t n)
{
	static const char pre[] = "/net/pNics/";
	struct strbuf gone = STRBUF_INIT; /* NUL-separated keys */
	size_t off;

	json_object_object_foreach(nodes, key, val)
	{
		const char *nic = key + sizeof(pre) - 1;

		(void)val;
		if (strncmp(key, pre, sizeof(pre) - 1) != 0 || !*nic)
			continue;
		if (!nic_known(names, n, nic, strcspn(nic, "/")))
			strbuf_put(&gone, key, strlen(key) + 1);
	}
	for (off = 0; !gone.oom && off < gone.len;
	     off += strlen(gone.s + off) + 1)
		json_object_object_del(nodes, gone.s + off);
	strbuf_release(&gone);
}

static void derive_pnics(json_object *nodes, const struct esxconf *conf)
{
	static const struct {
		const char *key, *name, *label;
		bool is_int;
	} map[] = {
	    {"driver", "driverName", "Driver Name", false},
	    {"driverVersion", "driverVersion", "Driver Version", false},
	    {"firmwareVersion", "firmwareVersion", "Firmware Version", false},
	    {"pciDevice", "pciDBDF", "Device PCI Address", false},
	    {"mac", "macAddr", "MAC Address", false},
	    {"mtu", "mtu", "MTU", true},
	};
	int idx[ESXCONF_MAX_CHILDREN];
	const char *names[ESXCONF_MAX_CHILDREN];
	size_t n = esxconf_children(conf, PNIC, idx, ESXCONF_MAX_CHILDREN),
	       k = 0;
	char path[VSI_PATH_MAX];
	json_object *node;

	for (size_t i = 0; i < n; i++) {
		const char *name =
		    esxconf_getf(conf, PNIC "child[%04d]/name", idx[i]);

		if (!name || !*name || strchr(name, '/'))
			continue;
		names[k++] = name;
		snprintf(path, sizeof(path), "/net/pNics/%s/properties", name);
		if (!json_object_object_get_ex(nodes, path, &node) ||
		    !json_object_is_type(node, json_type_object)) {
			node = struct_node("NIC properties", NULL);
			json_object_object_add(nodes, path, node);
		}
		for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++) {
			const char *v = esxconf_getf(
			    conf, PNIC "child[%04d]/%s", idx[i], map[m].key);

			if (!v)
				v = "";
			set_field(node, map[m].name, map[m].label,
				  map[m].is_int
				      ? json_object_new_int64(atoll(v))
				      : json_object_new_string(v));
		}
		if (!has_field(node, "deviceNUMANode"))
			set_field(node, "deviceNUMANode", "Device NUMA Node",
				  json_object_new_int(0));
	}
	drop_unknown_nics(nodes, names, k);
}

/* /system/modules/<m>/general of every loaded module. A broken module
 * state only hides these nodes: vmkload_mod reports it. */
static void derive_modules(json_object *nodes)
{
	char path[VSI_PATH_MAX];
	struct mod_list l;
	json_object *node;

	if (mod_list_read(&l) < 0)
		return;
	for (size_t i = 0; i < l.n; i++) {
		const struct mod_info *m = &l.v[i];

		if (!m->loaded)
			continue;
		snprintf(path, sizeof(path), "/system/modules/%s/general",
			 m->name);
		node = struct_node("module info", NULL);
		set_field(node, "name", "name",
			  json_object_new_string(m->name));
		set_field(node, "id", "id", json_object_new_int64(m->id));
		set_field(node, "version", "version",
			  json_object_new_string(m->version));
		set_field(node, "license", "license",
			  json_object_new_string(m->license));
		set_field(node, "useCount", "useCount",
			  json_object_new_int64(m->use_count));
		set_field(node, "loadedSize", "loadedSize",
			  json_object_new_int64((int64_t)m->size_kb * 1024));
		json_object_object_add(nodes, path, node);
	}
	mod_list_free(&l);
}

void vsi_derive(json_object *nodes)
{
	struct state_err err;
	struct advopt_set set;
	struct esxconf conf;
	json_object *host = NULL;

	if (state_conf_load(&conf, &err) == 0) {
		bool opts = advopt_load(&set, &conf, &err) == 0;

		derive_system(nodes, &conf, opts ? &set : NULL);
		derive_pnics(nodes, &conf);
		if (opts) {
			derive_config(nodes, &set);
			advopt_release(&set);
		}
		esxconf_release(&conf);
	}
	if (state_json_read(STATE_HOST, &host, &err) == 0 && host)
		derive_version(nodes, host);
	json_object_put(host);
	derive_modules(nodes);
}

/* ---- setters ---- */

struct opt_set {
	const char *path; /* the option, "/Net/TcpipHeapSize" */
	int want_int;     /* 1 int, 0 string, -1 either */
	const char *text;
	struct vsi_err *err;
};

static int fail_msg(struct vsi_err *err, bool state, const char *msg)
{
	err->state = state;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -EINVAL;
}

static int opt_set_fn(struct esxconf *conf, void *arg)
{
	struct opt_set *a = arg;
	struct advopt_set set;
	struct state_err serr;
	struct advopt *o;
	char num[32], msg[256];
	const char *value = a->text;
	long long v;
	char *end;
	int r;

	r = advopt_load(&set, conf, &serr);
	if (r < 0) {
		fail_msg(a->err, true, serr.msg);
		return r;
	}
	o = advopt_find(&set, a->path);
	if (!o || (a->want_int >= 0 && o->is_int != (a->want_int == 1))) {
		advopt_release(&set);
		return fail_msg(a->err, false, "Not supported");
	}
	if (o->is_int) { /* vsish takes 0x hex too; esx.conf holds decimal */
		errno = 0;
		v = strtoll(value, &end, 0);
		if (!*value || *end || errno) {
			advopt_release(&set);
			return fail_msg(a->err, false, "Bad parameter");
		}
		snprintf(num, sizeof(num), "%lld", v);
		value = num;
	}
	r = advopt_store(conf, o, value, msg, sizeof(msg));
	advopt_release(&set);
	return r < 0 ? fail_msg(a->err, false, "Bad parameter") : 0;
}

static int set_option(const char *opt, int want_int, int argc, char **argv,
		      struct vsi_err *err)
{
	struct strbuf text = STRBUF_INIT;
	struct opt_set a = {opt, want_int, NULL, err};
	struct state_err serr = {.msg = ""};
	int r;

	if (argc < 1)
		return fail_msg(err, false, "Bad parameter");
	for (int i = 0; i < argc; i++) {
		if (i)
			strbuf_putc(&text, ' ');
		strbuf_puts(&text, argv[i]);
	}
	a.text = strbuf_xtake(&text);
	err->msg[0] = '\0';
	r = state_conf_update(opt_set_fn, &a, &serr);
	free((char *)a.text);
	if (r < 0 && !err->msg[0])
		fail_msg(err, true, *serr.msg ? serr.msg : strerror(-r));
	return r < 0 ? r : 0;
}

int vsi_derived_set(const char *path, int argc, char **argv,
		    struct vsi_err *err)
{
	static const char *const read_only[] = {
	    "/system/uuid",
	    "/system/version",
	    "/net/pNics/*/properties",
	    "/system/modules/*/general",
	};
	char opt[VSI_PATH_MAX];
	const char *p = path + strlen("/config/"), *kind, *name;
	int is_int;

	if (strcmp(path, "/system/hostname") == 0)
		return set_option("/Misc/HostName", 0, argc, argv, err);
	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		if (fnmatch(read_only[i], path, FNM_PATHNAME) == 0)
			return fail_msg(err, false, "Not supported");
	if (strncmp(path, "/config/", 8) != 0 || !(kind = strchr(p, '/')))
		return 1;
	name = strchr(kind + 1, '/');
	if (!name || strchr(name + 1, '/') || kind == p)
		return 1;
	if (!strncmp(kind, "/intOpts/", 9))
		is_int = 1;
	else if (!strncmp(kind, "/strOpts/", 9))
		is_int = 0;
	else
		return 1;
	snprintf(opt, sizeof(opt), "/%.*s/%s", (int)(kind - p), p, name + 1);
	return set_option(opt, is_int, argc, argv, err);
}
