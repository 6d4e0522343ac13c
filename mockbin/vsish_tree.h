/* vsish_tree.h - the VSI node tree of the mock vsish.
 * Owns: the node model over the state file STATE_VSI (a flat JSON map
 * "/abs/path" -> node; directories are implied by path prefixes, see
 * docs/state-files.md), path resolution, listing, output formats and set.
 */
#ifndef ESXMOCK_VSISH_TREE_H
#define ESXMOCK_VSISH_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "state.h"
#include "strbuf.h"

#define VSI_PATH_MAX 1024

enum vsi_kind {
	VSI_MISSING = 0,
	VSI_DIR,
	VSI_LEAF,
};

/* Outcome of a failed node operation: the text after "Get failed: " /
 * "Set failed: " (VMkernel status names such as "Not supported",
 * "Bad parameter"), or a state-file error when 'state' is set. */
struct vsi_err {
	bool state; /* the state file itself is wrong */
	char msg[512];
};

/* Resolves 'in' against the directory 'cwd' (both may use ".", ".." and
 * repeated '/'): out is absolute, without a trailing '/' except "/".
 * -ENAMETOOLONG when it does not fit. */
int vsi_path_resolve(const char *cwd, const char *in, char *out, size_t n);

/* The "nodes" object of a parsed state document, or NULL (err set). */
json_object *vsi_nodes(json_object *root, struct vsi_err *err);

/* Classifies an absolute, resolved path. For VSI_LEAF *leaf is the node
 * (borrowed). For VSI_MISSING 'missing' receives the first component that
 * does not exist (for "Extraneous 'X' in path"). */
enum vsi_kind vsi_lookup(json_object *nodes, const char *path,
			 json_object **leaf, char *missing, size_t n);

/* Appends the children of directory 'dir', one per line, directories with a
 * trailing '/', in the order they first appear in the state file. */
void vsi_list(json_object *nodes, const char *dir, struct strbuf *out);

/* Appends the value of a leaf in the human (parse=false) or the -p format.
 * -EINVAL with err when the node cannot be read (write-only, bad form). */
int vsi_format(json_object *node, const char *path, bool parse,
	       struct strbuf *out, struct vsi_err *err);

/* Applies `set PATH ARGS...` to the leaf 'path' in 'nodes' (which the caller
 * holds locked and commits). -EINVAL with err on a refused value. */
int vsi_set(json_object *nodes, const char *path, int argc, char **argv,
	    struct vsi_err *err);

#endif
