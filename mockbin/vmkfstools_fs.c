/* vmkfstools_fs.c - `vmkfstools -P [-h]`: finds the volume of a path under
 * /vmfs/volumes (by name or UUID) in the storage state file and prints the
 * file-system report in the layout of docs/esx-cli-reference.md 6.2. */
#include "vmkfstools_fs.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "esxroot.h"
#include "state.h"

#define VFS_VOLUMES "/vmfs/volumes/"
#define VFS_VMFS_MAX_FILE                                                      \
	(64ULL << 40) /* VMFS-5/6: 62 TB disks, 64 TB files                    \
		       */

void vfs_human(uint64_t bytes, char *out, size_t n)
{
	static const char *const units[] = {"bytes", "KB", "MB",
					    "GB",    "TB", "PB"};
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(out, n, "%" PRIu64 " %s", (uint64_t)v, units[u]);
	else
		snprintf(out, n, "%.1f %s", v, units[u]);
}

static bool is_vmfs(const struct vfs_volume *v)
{
	return strncmp(v->type, "VMFS", 4) == 0;
}

void vfs_format(const struct vfs_volume *v, bool human, struct strbuf *out)
{
	const char *version = v->version, *mode = v->mode;
	uint64_t bs = v->block_size ? v->block_size : 1;
	char a[32], b[32], c[32], d[32];
	size_t i;

	if (!version)
		version = strcmp(v->type, "VMFS-6") == 0   ? "6.82"
			  : strcmp(v->type, "VMFS-5") == 0 ? "5.81"
			  : strcmp(v->type, "vfat") == 0   ? "0.04"
							   : NULL;
	if (!mode)
		mode = is_vmfs(v) ? "public" : "private";
	/* "VMFS-6" + "6.82" reads "VMFS-6.82"; "vfat" + "0.04" "vfat-0.04" */
	if (version &&
	    (strcmp(v->type, "VMFS-6") == 0 || strcmp(v->type, "VMFS-5") == 0))
		strbuf_printf(out, "VMFS-%s", version);
	else if (version)
		strbuf_printf(out, "%s-%s", v->type, version);
	else
		strbuf_puts(out, v->type);
	strbuf_printf(out, " file system spanning %zu partitions.\n",
		      v->ndevices ? v->ndevices : 1);
	strbuf_printf(out, "File system label (if any): %s\n", v->name);
	strbuf_printf(out, "Mode: %s\n", mode);
	if (human) {
		vfs_human(v->size, a, sizeof(a));
		vfs_human(v->free, b, sizeof(b));
		vfs_human(bs, c, sizeof(c));
		strbuf_printf(out,
			      "Capacity %s, %s available, file block size %s",
			      a, b, c);
		if (is_vmfs(v)) {
			vfs_human(VFS_VMFS_MAX_FILE, d, sizeof(d));
			strbuf_printf(out, ", max supported file size %s", d);
		}
	} else {
		strbuf_printf(out,
			      "Capacity %" PRIu64 " (%" PRIu64
			      " file blocks * %" PRIu64 "), %" PRIu64
			      " (%" PRIu64 " blocks) avail",
			      v->size, v->size / bs, bs, v->free, v->free / bs);
		if (is_vmfs(v))
			strbuf_printf(out, ", max supported file size %llu",
				      (unsigned long long)VFS_VMFS_MAX_FILE);
	}
	strbuf_putc(out, '\n');
	strbuf_printf(out, "UUID: %s\n", v->uuid);
	strbuf_printf(out, "Partitions spanned (on \"%s\"):\n",
		      is_vmfs(v) ? "lvm" : "disks");
	for (i = 0; i < v->ndevices; i++)
		strbuf_printf(out, "\t%s\n", v->devices[i]);
	strbuf_puts(out, "Is Native Snapshot Capable: NO\n");
}

static int bad(char *err, size_t n, size_t idx, const char *what)
{
	snprintf(err, n, "'%s': /filesystems/%zu: %s", STATE_STORAGE, idx,
		 what);
	return -EBADMSG;
}

static uint64_t get_u64(json_object *o, const char *key, bool *ok)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0) {
		*ok = false;
		return 0;
	}
	return (uint64_t)json_object_get_int64(v);
}

static int volume_of(json_object *o, size_t idx, struct vfs_volume *v,
		     char *err, size_t n)
{
	json_object *ext, *e;
	bool ok = true;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (!json_object_is_type(o, json_type_object))
		return bad(err, n, idx, "expected an object");
	v->name = state_json_str(o, "volume_name", NULL);
	v->uuid = state_json_str(o, "uuid", NULL);
	v->type = state_json_str(o, "type", NULL);
	if (!v->name || !v->uuid || !v->type)
		return bad(err, n, idx,
			   "\"volume_name\", \"uuid\" and \"type\" are "
			   "required strings");
	v->version = state_json_str(o, "version", NULL);
	v->mode = state_json_str(o, "mode", NULL);
	v->size = get_u64(o, "size", &ok);
	v->free = get_u64(o, "free", &ok);
	v->block_size = get_u64(o, "block_size", &ok);
	if (!ok)
		return bad(err, n, idx,
			   "\"size\", \"free\" and \"block_size\" must be "
			   "non-negative integers");
	if (!v->block_size)
		v->block_size = is_vmfs(v) ? 1048576 : 4096;
	if (json_object_object_get_ex(o, "extents", &ext)) {
		if (!json_object_is_type(ext, json_type_array))
			return bad(err, n, idx,
				   "\"extents\" must be an array of strings");
		for (i = 0;
		     i < json_object_array_length(ext) &&
		     v->ndevices < sizeof(v->devices) / sizeof(v->devices[0]);
		     i++) {
			e = json_object_array_get_idx(ext, i);
			if (!json_object_is_type(e, json_type_string))
				return bad(err, n, idx,
					   "\"extents\" must be an array of "
					   "strings");
			v->devices[v->ndevices++] = json_object_get_string(e);
		}
	}
	return 0;
}

int vfs_query(const char *path, bool human, struct strbuf *out, char *err,
	      size_t errlen)
{
	char host[PATH_MAX], name[256];
	json_object *root = NULL, *arr;
	struct vfs_volume v;
	struct state_err se;
	struct stat sb;
	size_t i, nl;
	const char *p;
	int r;

	if (esx_path(host, sizeof(host), path) < 0 || stat(host, &sb) < 0) {
		snprintf(err, errlen,
			 "Could not retrieve info for file system at '%s': %s",
			 path, strerror(errno ? errno : ENAMETOOLONG));
		return -ENOENT;
	}
	if (strncmp(path, VFS_VOLUMES, strlen(VFS_VOLUMES)) != 0)
		goto not_volume;
	p = path + strlen(VFS_VOLUMES);
	nl = strcspn(p, "/");
	if (nl == 0 || nl >= sizeof(name))
		goto not_volume;
	memcpy(name, p, nl);
	name[nl] = '\0';
	r = state_json_read(STATE_STORAGE, &root, &se);
	if (r < 0) {
		snprintf(err, errlen, "%s", se.msg);
		return r;
	}
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "filesystems", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(root);
		snprintf(err, errlen, "'%s': /filesystems: expected an array",
			 STATE_STORAGE);
		return -EBADMSG;
	}
	for (i = 0; i < json_object_array_length(arr); i++) {
		r = volume_of(json_object_array_get_idx(arr, i), i, &v, err,
			      errlen);
		if (r < 0) {
			json_object_put(root);
			return r;
		}
		if (strcmp(v.name, name) == 0 || strcmp(v.uuid, name) == 0) {
			vfs_format(&v, human, out);
			json_object_put(root);
			return 0;
		}
	}
	json_object_put(root);
not_volume:
	snprintf(err, errlen,
		 "Could not retrieve info for file system at '%s': not a VMFS "
		 "or vfat volume",
		 path);
	return -ENOENT;
}
