/* ops_xattr.c - FUSE handlers for extended attributes: set, get, list,
 * remove. The manifest gives none; the writable layer keeps them per node.
 * Owns the namespace check (user., trusted., security., as ext4 and tmpfs;
 * the kernel checks trusted.* privileges and user.* file types itself). */
#include "ops_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "mutate.h"

static bool ops_xattr_ns_ok(const char *name)
{
	static const char *const ns[] = {"user.", "trusted.", "security."};
	size_t i;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (!strncmp(name, ns[i], strlen(ns[i])) && name[strlen(ns[i])])
			return true;
	return false;
}

void fsd_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     const char *value, size_t size, int flags)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	struct hook_args a = HOOK_ARGS(FSD_OP_SETXATTR, n, name);
	int rc;

	a.flags = flags;
	a.len = size;
	rc = fsd_hook_ex(fsd, req, &a);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && !ops_xattr_ns_ok(name))
		rc = -EOPNOTSUPP;
	if (!rc && (flags & ~(XATTR_CREATE | XATTR_REPLACE)))
		rc = -EINVAL;
	if (!rc)
		rc = state_xattr_set(fsd->state, n, name, value, size, flags);
	ops_reply_err(fsd, req, rc);
}

void fsd_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     size_t size)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	const struct state_xattr *x = NULL;
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_GETXATTR, n, name);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && !ops_xattr_ns_ok(name))
		rc = -EOPNOTSUPP;
	if (!rc && !(x = state_xattr_get(n, name)))
		rc = -ENODATA;
	if (!rc && size && size < x->len)
		rc = -ERANGE;
	if (rc == -ENODATA)
		ops_reply_status(fsd, req, rc); /* the usual answer */
	else if (rc)
		ops_reply_err(fsd, req, rc);
	else if (size == 0)
		ops_reply_xattr(fsd, req, x->len);
	else
		ops_reply_buf(fsd, req, x->value, x->len);
}

void fsd_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	size_t need = 0, i, pos = 0;
	char *buf = NULL;
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_LISTXATTR, n, NULL);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	for (i = 0; !rc && n->st && i < n->st->n_xattrs; i++)
		need += strlen(n->st->xattrs[i].name) + 1;
	if (!rc && size && size < need)
		rc = -ERANGE;
	if (!rc && size && need && !(buf = malloc(need)))
		rc = -ENOMEM;
	if (rc) {
		ops_reply_err(fsd, req, rc);
		return;
	}
	if (size == 0) {
		ops_reply_xattr(fsd, req, need);
		return;
	}
	for (i = 0; n->st && i < n->st->n_xattrs; i++) {
		size_t l = strlen(n->st->xattrs[i].name) + 1;

		memcpy(buf + pos, n->st->xattrs[i].name, l);
		pos += l;
	}
	ops_reply_buf(fsd, req, buf, pos);
	free(buf);
}

void fsd_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct fsd *fsd = ops_fsd(req);
	struct tree_node *n = tree_get(fsd->tree, ino);
	int rc;

	rc = fsd_hook(fsd, req, FSD_OP_REMOVEXATTR, n, name);
	if (rc == FSD_HOOK_TAKEN)
		return;
	if (!rc && !n)
		rc = -ENOENT;
	if (!rc && !ops_xattr_ns_ok(name))
		rc = -EOPNOTSUPP;
	if (!rc)
		rc = state_xattr_remove(fsd->state, n, name);
	ops_reply_err(fsd, req, rc);
}
