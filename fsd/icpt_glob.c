/* icpt_glob.c - path globs of rules and log filters: fnmatch(3) per
 * component, "**" = any number of components (a trailing "**" needs at
 * least one), the same as manifest "defaults" globs (FORMAT.md). */
#include "icpt_glob.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Deepest path a glob is matched against (deeper paths never match). */
#define GLOB_DEPTH_MAX 512

bool icpt_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

int icpt_glob_compile(const char *pattern, struct icpt_glob *g)
{
	size_t len = strlen(pattern), max = len / 2 + 1, n = 0;
	char *copy, *p, **v;

	memset(g, 0, sizeof(*g));
	if (pattern[0] != '/' || (len > 1 && pattern[len - 1] == '/') ||
	    strstr(pattern, "//"))
		return -EINVAL;
	/* one allocation: the pointer array, then the split copy */
	v = malloc(max * sizeof(*v) + len + 1);
	if (!v)
		return -ENOMEM;
	copy = (char *)(v + max);
	memcpy(copy, pattern, len + 1);
	p = copy + 1;
	while (*p && n < max) {
		v[n++] = p;
		p = strchr(p, '/');
		if (!p)
			break;
		*p++ = '\0';
	}
	g->comps = v;
	g->n = n;
	return 0;
}

void icpt_glob_release(struct icpt_glob *g)
{
	free(g->comps);
	memset(g, 0, sizeof(*g));
}

/* s[ns - 1] may be the wildcard component (NULL): any pattern component
 * matches it. */
static bool glob_m(char *const *p, size_t np, const char *const *s, size_t ns)
{
	size_t k;

	if (np == 0)
		return ns == 0;
	if (!strcmp(p[0], "**")) {
		if (np == 1)
			return ns >= 1;
		for (k = 0; k <= ns; k++)
			if (glob_m(p + 1, np - 1, s + k, ns - k))
				return true;
		return false;
	}
	if (ns == 0)
		return false;
	if (s[0] && fnmatch(p[0], s[0], 0) != 0)
		return false;
	return glob_m(p + 1, np - 1, s + 1, ns - 1);
}

/* Splits path into buf/comps; returns the count or -1 when too deep. */
static int glob_split(const char *path, char *buf, size_t bufsz,
		      const char **comps, size_t max)
{
	size_t len = strlen(path), n = 0;
	char *p;

	if (len >= bufsz)
		return -1;
	memcpy(buf, path, len + 1);
	p = buf;
	while (*p == '/')
		p++;
	while (*p) {
		if (n == max)
			return -1;
		comps[n++] = p;
		p = strchr(p, '/');
		if (!p)
			break;
		*p++ = '\0';
		while (*p == '/')
			p++;
	}
	return (int)n;
}

static bool glob_match_split(const struct icpt_glob *g, const char *path,
			     bool wild_child)
{
	char buf[PATH_MAX + 1];
	const char *comps[GLOB_DEPTH_MAX + 1];
	int n = glob_split(path, buf, sizeof(buf), comps, GLOB_DEPTH_MAX);

	if (n < 0)
		return false;
	if (wild_child)
		comps[n++] = NULL;
	return glob_m(g->comps, g->n, comps, (size_t)n);
}

bool icpt_glob_match(const struct icpt_glob *g, const char *path)
{
	return glob_match_split(g, path, false);
}

bool icpt_glob_match_child_of(const struct icpt_glob *g, const char *dir)
{
	return glob_match_split(g, dir, true);
}
