/* mutate_path.c - path resolution for changes made by path (the control
 * channel): symlinks, ".", "..", and mkdir -p.
 * Owns nothing but the walk; FUSE requests come by inode and never here. */
#include "mutate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "limits.h"

#define MUT_MAX_SYMLINKS 40

int mut_resolve(struct tree *t, const char *path, bool follow,
		struct tree_node **out)
{
	struct tree_node *cur = tree_get(t, TREE_ROOT_INO), *c;
	char *rest, comp[LIMIT_NAME_MAX + 1];
	size_t n, restlen;
	const char *p;
	int hops = 0, rc = 0;

	*out = NULL;
	if (!path || path[0] != '/')
		return -EINVAL;
	restlen = strlen(path);
	if (restlen >= LIMIT_PATH_MAX)
		return -ENAMETOOLONG;
	rest = malloc(LIMIT_PATH_MAX * 2);
	if (!rest)
		return -ENOMEM;
	memcpy(rest, path, restlen + 1);
	p = rest;
	for (;;) {
		const char *start;
		bool last;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (n > LIMIT_NAME_MAX) {
			rc = -ENAMETOOLONG;
			break;
		}
		memcpy(comp, start, n);
		comp[n] = '\0';
		last = strspn(p, "/") == strlen(p);
		if (!S_ISDIR(cur->mode)) {
			rc = -ENOTDIR;
			break;
		}
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			cur = tree_get(t, cur->parent);
			continue;
		}
		rc = tree_lookup(t, cur, comp, &c);
		if (rc)
			break;
		if (S_ISLNK(c->mode) && (!last || follow)) {
			size_t tl = c->target ? strlen(c->target) : 0;
			size_t pl = strlen(p);

			if (++hops > MUT_MAX_SYMLINKS) {
				rc = -ELOOP;
				break;
			}
			if (!tl) {
				rc = -ENOENT;
				break;
			}
			if (tl + pl + 2 >= LIMIT_PATH_MAX) {
				rc = -ENAMETOOLONG;
				break;
			}
			/* rest becomes target "/" rest-of-path, in place */
			memmove(rest + tl + 1, p, pl + 1);
			memcpy(rest, c->target, tl);
			rest[tl] = '/';
			p = rest;
			if (rest[0] == '/')
				cur = tree_get(t, TREE_ROOT_INO);
			continue;
		}
		cur = c;
	}
	free(rest);
	if (!rc)
		*out = cur;
	return rc;
}

int mut_parent(struct tree *t, const char *path, struct tree_node **dir,
	       char *name)
{
	char buf[LIMIT_PATH_MAX];
	size_t len;
	char *slash;
	int rc;

	*dir = NULL;
	if (!path || path[0] != '/')
		return -EINVAL;
	len = strlen(path);
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	slash = strrchr(buf, '/');
	if (strlen(slash + 1) > LIMIT_NAME_MAX)
		return -ENAMETOOLONG;
	strcpy(name, slash + 1);
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if (slash == buf)
		slash[1] = '\0';
	else
		*slash = '\0';
	rc = mut_resolve(t, buf, true, dir);
	if (!rc && !S_ISDIR((*dir)->mode))
		rc = -ENOTDIR;
	return rc;
}

int mut_mkdirs(struct state *s, const struct mut_who *w, const char *path,
	       mode_t mode)
{
	char buf[LIMIT_PATH_MAX], name[LIMIT_NAME_MAX + 1];
	struct tree_node *n, *dir;
	size_t len, i;
	int rc;

	if (!path || path[0] != '/')
		return -EINVAL;
	len = strlen(path);
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (path[i - 1] == '/')
			continue;
		memcpy(buf, path, i);
		buf[i] = '\0';
		rc = mut_resolve(state_tree(s), buf, true, &n);
		if (rc == -ENOENT) {
			rc = mut_parent(state_tree(s), buf, &dir, name);
			if (!rc)
				rc = mut_make(s, w, dir, name,
					      S_IFDIR | (mode & 07777), 0, NULL,
					      &n);
		} else if (!rc && !S_ISDIR(n->mode)) {
			rc = -ENOTDIR;
		}
		if (rc)
			return rc;
	}
	return 0;
}
