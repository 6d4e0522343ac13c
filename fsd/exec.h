/* exec.h - command interception: exec rules, the invocation broker and the
 * hidden nodes under /.esxmock (docs/interpose.md).
 * Owns struct exec_broker; the FUSE handlers call the hooks below.
 *
 * An exec-open (FSD_OPEN_EXEC) of a node some exec rule's path matches is
 * answered with a handle whose reads serve the interpose shim instead of
 * the node's bytes; the shim opens /.esxmock/invoke, writes its request,
 * reads the daemon's answer (a deferred read while a remote client
 * decides) and writes back how it ended. Nodes no exec rule names are not
 * touched (the exec event of the access log is all they cost).
 */
#ifndef ESXMOCK_FSD_EXEC_H
#define ESXMOCK_FSD_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fsd.h"

struct exec_broker;
struct rpc_req;
struct json_object;

/* The hidden directory at the root: reachable by lookup, never listed. */
#define EXEC_HIDDEN_DIR ".esxmock"

/* main.c: after the tree is built and before mounting; shim is the host
 * path of the interpose binary (NULL: <shadow root>/mockbin/interpose).
 * 0 or a negative errno with a message in err. */
int exec_new(struct fsd *fsd, const char *shim, char *err, size_t errlen);
void exec_free(struct fsd *fsd);

/* ops_attr.c lookup: the hidden directory under the root. */
struct tree_node *exec_hidden_lookup(struct fsd *fsd,
				     const struct tree_node *dir,
				     const char *name);

/* ops_file.c open, after the hook: 0 = not ours (go on), 1 = replied. */
int exec_open(struct fsd *fsd, fuse_req_t req, struct tree_node *n,
	      struct fuse_file_info *fi);
/* ops_file.c read / ops_write.c write, after the hook: 0 = not ours,
 * 1 = replied (now or later). */
int exec_read(struct fsd *fsd, fuse_req_t req, struct tree_node *n,
	      struct fsd_fh *fh, size_t size, off_t off);
int exec_write(struct fsd *fsd, fuse_req_t req, struct fsd_fh *fh,
	       const char *buf, size_t size, off_t off);
/* ops_file.c release: frees what the broker hung on fh. */
void exec_release(struct fsd *fsd, struct fsd_fh *fh);

/* The control methods (rpc_exec.c forwards exec.* and invocations.*
 * here through struct rpc_host): the rpc handler contract of rpc.h. */
int exec_rpc_call(void *ctx, struct rpc_req *req, const char *method,
		  struct json_object *params, struct json_object **result);

#endif
