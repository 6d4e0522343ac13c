/* esxroot.h - where the ESXi tree is, and locked access to its state files.
 * Owns: the process-wide root path (set once, read-only after). Used by every
 * mock CLI so that ESXi paths resolve under ESXMOCK_ROOT or the mounted tree.
 */
#ifndef ESXMOCK_ESXROOT_H
#define ESXMOCK_ESXROOT_H

#include <stddef.h>
#include <sys/types.h>

/* The marker whose presence identifies a tree root when searching upwards
 * from the running executable (see esx_root()). */
#define ESX_ROOT_MARKER "etc/vmware/esx.conf"

/* The root of the ESXi tree, without a trailing slash ("" means "/"):
 * 1. $ESXMOCK_ROOT when set and non-empty;
 * 2. else the nearest ancestor of /proc/self/exe's directory holding
 *    ESX_ROOT_MARKER (so MOUNT/bin/esxcli run from the host finds MOUNT);
 * 3. else "" (the real root, as in a container or chroot). */
const char *esx_root(void);

/* Maps an ESXi path to a host path: absolute paths are prefixed with the
 * root, relative ones are returned unchanged. Under a root other than "/",
 * the symlinks of the tree on the way are followed inside it, as after a
 * chroot (an absolute target such as /scratch's restarts at the root), so
 * that the tree's links work from the host; the walk stops at the first
 * missing component. -ENAMETOOLONG if out is short, -ELOOP, or an errno of
 * readlink. */
int esx_path(char *out, size_t n, const char *esxpath);

/* Reads a whole file (ESXi path) into a NUL-terminated malloc'd buffer.
 * Returns 0 or a negative errno; *len may be NULL. */
int esx_read_file(const char *esxpath, char **buf, size_t *len);

/* Writes len bytes to a new ESXi path created with 'mode' (-EEXIST when it
 * exists) and fsyncs it; on a failed write the file is removed. */
int esx_create_file(const char *esxpath, mode_t mode, const char *buf,
		    size_t len);

/* Atomically replaces the content of an ESXi path (temp file beside it,
 * fsync, rename): a reader sees the old or the new content, never a mix. */
int esx_replace_file(const char *esxpath, mode_t mode, const char *buf,
		     size_t len);

/* A state file held under an exclusive flock for a read-modify-write cycle.
 * esx_state_open() takes the lock (re-opening if the file was replaced while
 * waiting), creating the file with 'mode' if missing; esx_state_commit()
 * atomically replaces the content (temp file + fsync + rename) and releases;
 * esx_state_close() releases without writing. */
struct esx_state {
	int fd;
	char path[4096];
	char *data; /* current content, NUL-terminated; owned by the struct */
	size_t len;
};

int esx_state_open(struct esx_state *st, const char *esxpath, mode_t mode);
int esx_state_commit(struct esx_state *st, const char *buf, size_t len);
void esx_state_close(struct esx_state *st);

#endif
