/* rpc_manifest.c - the manifest.* methods: manifest.load (an overlay
 * manifest applied at run time). Owns the handler and its table; the work
 * is the host's (rpc_host.manifest_load, fsd/state_overlay.c). */
#include "rpc.h"
#include "rpc_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "rpc_codes.h"

static struct json_object *rpc_mf_error_data(const struct rpc_overlay *ov)
{
	struct json_object *d = json_object_new_object();

	if (!d)
		return NULL;
	if (ov->file[0])
		json_object_object_add(d, "file",
				       json_object_new_string(ov->file));
	if (ov->line > 0)
		json_object_object_add(d, "line",
				       json_object_new_int(ov->line));
	if (ov->col > 0)
		json_object_object_add(d, "column",
				       json_object_new_int(ov->col));
	if (ov->pointer[0])
		json_object_object_add(d, "pointer",
				       json_object_new_string(ov->pointer));
	return d;
}

/* manifest.load {path} | {manifest: object or text, name} */
static int rpc_mf_load(struct rpc_req *req, struct json_object *params,
		       struct json_object **result)
{
	const struct rpc_host *h = rpc_req_host(req);
	struct json_object *path = NULL, *doc = NULL, *o;
	struct rpc_overlay *ov;
	int r;

	if (!h->manifest_load)
		return -ENOSYS;
	json_object_object_get_ex(params, "path", &path);
	json_object_object_get_ex(params, "manifest", &doc);
	if (!path == !doc)
		return rpc_bad_param(req, "path",
				     "give exactly one of 'path' (a manifest "
				     "file) and 'manifest' (the manifest "
				     "itself)");
	if (doc && !json_object_is_type(doc, json_type_object) &&
	    !json_object_is_type(doc, json_type_string))
		return rpc_bad_param(req, "manifest",
				     "must be a JSON object or its text");
	ov = calloc(1, sizeof(*ov));
	if (!ov)
		return -ENOMEM;
	if (path) {
		ov->path = json_object_get_string(path);
		if (ov->path[0] != '/') {
			free(ov);
			return rpc_bad_param(req, "path",
					     "'%s' is not an absolute path",
					     json_object_get_string(path));
		}
	} else if (json_object_is_type(doc, json_type_string)) {
		ov->text = json_object_get_string(doc);
		ov->len = (size_t)json_object_get_string_len(doc);
	} else {
		ov->text = json_object_to_json_string_length(
		    doc, JSON_C_TO_STRING_PLAIN, &ov->len);
	}
	ov->name = rpc_param_str(params, "name", "<manifest.load>");
	r = h->manifest_load(h->ctx, ov);
	if (r == -EINVAL && ov->message[0]) {
		r = rpc_fail_code(req, RPC_ERR_INVAL, rpc_mf_error_data(ov),
				  "%s", ov->message);
		free(ov);
		return r;
	}
	if (r < 0) {
		o = ov->message[0] ? json_object_new_object() : NULL;
		if (o)
			json_object_object_add(
			    o, "reason", json_object_new_string(ov->message));
		r = rpc_fail_detail(
		    req, r, ov->tree_path[0] ? ov->tree_path : ov->path, o);
		free(ov);
		return r;
	}
	o = json_object_new_object();
	if (!o) {
		free(ov);
		return -ENOMEM;
	}
	json_object_object_add(
	    o, "name", json_object_new_string(ov->path ? ov->path : ov->name));
	json_object_object_add(o, "created",
			       json_object_new_uint64(ov->created));
	json_object_object_add(o, "replaced",
			       json_object_new_uint64(ov->replaced));
	json_object_object_add(o, "modified",
			       json_object_new_uint64(ov->modified));
	json_object_object_add(o, "removed",
			       json_object_new_uint64(ov->removed));
	free(ov);
	if (!rpc_state_of(req))
		return (*result = o), 0;
	return rpc_state_answer(req, o, result);
}

const struct rpc_method rpc_manifest_methods[] = {
    {.name = "manifest.load",
     .fn = rpc_mf_load,
     .flags = RPC_MUTATES,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, false},
	     {"manifest", RPC_T_ANY, false},
	     {"name", RPC_T_STRING, false},
	     {NULL, 0, false},
	 }},
    {.name = NULL},
};
