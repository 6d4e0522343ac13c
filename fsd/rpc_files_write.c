/* rpc_files_write.c - the files.* methods that change the tree: put,
 * remove, mkdir, symlink, chmod (thin wrappers over the daemon's writable
 * layer, rpc_state.h). Owns their params checks and the
 * rpc_files_write_methods table; answers wait for the kernel's caches to
 * be invalidated (rpc_state_answer). */
#include "rpc.h"
#include "rpc_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "b64.h"

/* "0644" (octal digits, at most 07777) -> 0644; -1 when absent. */
static int rpc_fw_mode(struct rpc_req *req, struct json_object *params,
		       int64_t *out)
{
	const char *s = rpc_param_str(params, "mode", NULL);
	char *end;
	long v;

	*out = -1;
	if (!s)
		return 0;
	v = strtol(s, &end, 8);
	if (!*s || *end || v < 0 || v > 07777)
		return rpc_bad_param(req, "mode",
				     "must be octal digits up to 07777, like "
				     "\"0644\", not '%s'",
				     s);
	*out = v;
	return 0;
}

/* "uid" (or "gid"), else the id of the name in "user" (or "group"). */
static int rpc_fw_id(struct rpc_req *req, struct json_object *params,
		     const char *name, int64_t *out)
{
	bool group = !strcmp(name, "gid");
	const char *key = group ? "group" : "user";
	const char *who = rpc_param_str(params, key, NULL);
	const struct rpc_host *h = rpc_req_host(req);

	*out = rpc_param_int(params, name, -1);
	if (json_object_object_get_ex(params, name, NULL) &&
	    (*out < 0 || *out > 0xfffffffeLL))
		return rpc_bad_param(req, name, "must be 0..4294967294");
	if (!who)
		return 0;
	if (*out >= 0)
		return rpc_bad_param(req, key, "give '%s' or '%s', not both",
				     name, key);
	if (!h->ident || h->ident(h->ctx, group, who, out) < 0)
		return rpc_bad_param(req, key, "unknown %s '%s'", key, who);
	return 0;
}

static int rpc_fw_path(struct rpc_req *req, struct json_object *params,
		       const char **path)
{
	*path = rpc_param_str(params, "path", "");
	if ((*path)[0] != '/')
		return rpc_bad_param(req, "path", "must be absolute, not '%s'",
				     *path);
	if (!strcmp(*path, "/"))
		return rpc_bad_param(req, "path", "must not be '/'");
	return 0;
}

/* The answer of a change: {path, ...}, once the kernel forgot. */
static int rpc_fw_done(struct rpc_req *req, const char *path, int64_t size,
		       struct json_object **result)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "path", json_object_new_string(path));
	if (size >= 0)
		json_object_object_add(o, "size", json_object_new_int64(size));
	return rpc_state_answer(req, o, result);
}

/* files.put {path, text | base64, mode, uid, gid, parents=true} */
static int rpc_fw_put(struct rpc_req *req, struct json_object *params,
		      struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	const char *text = rpc_param_str(params, "text", NULL);
	const char *b64 = rpc_param_str(params, "base64", NULL);
	struct rpc_put p;
	size_t bad = 0;
	void *buf = NULL;
	int r;

	if (!sh || !sh->put)
		return -ENOSYS;
	memset(&p, 0, sizeof(p));
	if ((r = rpc_fw_path(req, params, &p.path)) ||
	    (r = rpc_fw_mode(req, params, &p.mode)) ||
	    (r = rpc_fw_id(req, params, "uid", &p.uid)) ||
	    (r = rpc_fw_id(req, params, "gid", &p.gid)))
		return r;
	if (text && b64)
		return rpc_bad_param(req, "base64",
				     "give 'text' or 'base64', not both");
	p.parents = rpc_param_bool(params, "parents", true);
	if (text) {
		p.data = text;
		p.len = strlen(text);
	} else if (b64) {
		buf = b64_decode(b64, strlen(b64), &p.len, &bad);
		if (!buf)
			return rpc_bad_param(req, "base64",
					     "not base64 (character %zu)", bad);
		p.data = buf;
	}
	r = sh->put(rpc_req_host(req)->ctx, &p);
	free(buf);
	if (r < 0)
		return rpc_fail(req, r, p.path);
	return rpc_fw_done(req, p.path, (int64_t)p.len, result);
}

/* files.remove {path, recursive=false} */
static int rpc_fw_remove(struct rpc_req *req, struct json_object *params,
			 struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	const char *path;
	int r;

	if (!sh || !sh->remove)
		return -ENOSYS;
	if ((r = rpc_fw_path(req, params, &path)))
		return r;
	r = sh->remove(rpc_req_host(req)->ctx, path,
		       rpc_param_bool(params, "recursive", false));
	if (r < 0)
		return rpc_fail(req, r, path);
	return rpc_fw_done(req, path, -1, result);
}

/* files.mkdir {path, mode="0755", parents=false} */
static int rpc_fw_mkdir(struct rpc_req *req, struct json_object *params,
			struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	const char *path;
	int64_t mode;
	int r;

	if (!sh || !sh->mkdir)
		return -ENOSYS;
	if ((r = rpc_fw_path(req, params, &path)) ||
	    (r = rpc_fw_mode(req, params, &mode)))
		return r;
	r = sh->mkdir(rpc_req_host(req)->ctx, path,
		      mode < 0 ? 0755 : (unsigned)mode,
		      rpc_param_bool(params, "parents", false));
	if (r < 0)
		return rpc_fail(req, r, path);
	return rpc_fw_done(req, path, -1, result);
}

/* files.symlink {path, target, parents=false} */
static int rpc_fw_symlink(struct rpc_req *req, struct json_object *params,
			  struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	const char *target = rpc_param_str(params, "target", "");
	const char *path;
	int r;

	if (!sh || !sh->symlink)
		return -ENOSYS;
	if ((r = rpc_fw_path(req, params, &path)))
		return r;
	if (!target[0])
		return rpc_bad_param(req, "target", "must not be empty");
	r = sh->symlink(rpc_req_host(req)->ctx, path, target,
			rpc_param_bool(params, "parents", false));
	if (r < 0)
		return rpc_fail(req, r, path);
	return rpc_fw_done(req, path, -1, result);
}

/* files.chmod {path, mode, uid, gid}: at least one of the three */
static int rpc_fw_chmod(struct rpc_req *req, struct json_object *params,
			struct json_object **result)
{
	const struct rpc_state_host *sh = rpc_state_of(req);
	int64_t mode, uid, gid;
	const char *path;
	int r;

	if (!sh || !sh->chmod)
		return -ENOSYS;
	if ((r = rpc_fw_path(req, params, &path)) ||
	    (r = rpc_fw_mode(req, params, &mode)) ||
	    (r = rpc_fw_id(req, params, "uid", &uid)) ||
	    (r = rpc_fw_id(req, params, "gid", &gid)))
		return r;
	if (mode < 0 && uid < 0 && gid < 0)
		return rpc_bad_param(req, "mode",
				     "give at least one of 'mode', 'uid', "
				     "'gid', 'user', 'group'");
	r = sh->chmod(rpc_req_host(req)->ctx, path, mode, uid, gid);
	if (r < 0)
		return rpc_fail(req, r, path);
	return rpc_fw_done(req, path, -1, result);
}

const struct rpc_method rpc_files_write_methods[] = {
    {.name = "files.put",
     .fn = rpc_fw_put,
     .flags = RPC_MUTATES,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, true},
	     {"text", RPC_T_STRING, false},
	     {"base64", RPC_T_STRING, false},
	     {"mode", RPC_T_STRING, false},
	     {"uid", RPC_T_INT, false},
	     {"gid", RPC_T_INT, false},
	     {"user", RPC_T_STRING, false},
	     {"group", RPC_T_STRING, false},
	     {"parents", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = "files.remove",
     .fn = rpc_fw_remove,
     .flags = RPC_MUTATES,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, true},
	     {"recursive", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = "files.mkdir",
     .fn = rpc_fw_mkdir,
     .flags = RPC_MUTATES,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, true},
	     {"mode", RPC_T_STRING, false},
	     {"parents", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = "files.symlink",
     .fn = rpc_fw_symlink,
     .flags = RPC_MUTATES,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, true},
	     {"target", RPC_T_STRING, true},
	     {"parents", RPC_T_BOOL, false},
	     {NULL, 0, false},
	 }},
    {.name = "files.chmod",
     .fn = rpc_fw_chmod,
     .flags = RPC_MUTATES,
     .params =
	 (const struct rpc_param[]){
	     {"path", RPC_T_STRING, true},
	     {"mode", RPC_T_STRING, false},
	     {"uid", RPC_T_INT, false},
	     {"gid", RPC_T_INT, false},
	     {"user", RPC_T_STRING, false},
	     {"group", RPC_T_STRING, false},
	     {NULL, 0, false},
	 }},
    {.name = NULL},
};
