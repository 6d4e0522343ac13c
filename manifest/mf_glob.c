/* mf_glob.c - path globs of manifest "defaults": fnmatch per component plus
 * "**" (any number of components; a trailing "**" needs at least one). */
#include "mf_int.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

size_t mf_path_split(char *copy, char **comps, size_t max)
{
	size_t n = 0;
	char *p = copy;

	while (*p == '/')
		p++;
	while (*p && n < max) {
		comps[n++] = p;
		p = strchr(p, '/');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

int mf_glob_compile(const char *pattern, char ***comps, size_t *n)
{
	size_t len = strlen(pattern), max = len / 2 + 1, cnt;
	char *copy, **v;

	*comps = NULL;
	*n = 0;
	if (pattern[0] != '/' || (len > 1 && pattern[len - 1] == '/'))
		return -EINVAL;
	/* one allocation: pointer array followed by the split copy */
	v = malloc(max * sizeof(*v) + len + 1);
	if (!v)
		return -ENOMEM;
	copy = (char *)(v + max);
	memcpy(copy, pattern, len + 1);
	cnt = mf_path_split(copy, v, max);
	for (size_t i = 0; i < cnt; i++) {
		if (!v[i][0]) {
			free(v);
			return -EINVAL; /* "//" or trailing "/" */
		}
	}
	*comps = v;
	*n = cnt;
	return 0;
}

void mf_glob_free(char **comps, size_t n)
{
	(void)n;
	free(comps);
}

static bool mf_is_globstar(const char *s)
{
	return s[0] == '*' && s[1] == '*' && s[2] == '\0';
}

/* Dynamic programming over (pattern prefix, path prefix): no exponential
 * backtracking whatever the number of "**". */
bool mf_glob_match(char *const *pat, size_t np, char *const *path, size_t n)
{
	/* a normalised path has at most MF_MAX_PATH / 2 components */
	bool rows[2][MF_MAX_PATH / 2 + 2];
	bool *prev = rows[0], *cur = rows[1];

	if (n > MF_MAX_PATH / 2)
		return false;
	memset(prev, 0, (n + 1) * sizeof(bool));
	prev[0] = true;
	for (size_t i = 0; i < np; i++) {
		bool star = mf_is_globstar(pat[i]);
		bool last = i + 1 == np;
		bool any = false, *t;

		for (size_t j = 0; j <= n; j++) {
			if (star) {
				/* any of prev[0..j] (trailing: prev[0..j-1]) */
				if (last) {
					cur[j] = any;
					any = any || prev[j];
				} else {
					any = any || prev[j];
					cur[j] = any;
				}
			} else {
				cur[j] = j > 0 && prev[j - 1] &&
					 fnmatch(pat[i], path[j - 1], 0) == 0;
			}
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	return prev[n];
}
