/* icpt_glob.h - path globs of rules and access-log filters: fnmatch(3)
 * per component plus "**" (any number of components; a trailing "**"
 * needs at least one), as manifest "defaults" globs (FORMAT.md).
 * Owns struct icpt_glob. */
#ifndef ESXMOCK_FSD_ICPT_GLOB_H
#define ESXMOCK_FSD_ICPT_GLOB_H

#include <stdbool.h>
#include <stddef.h>

struct icpt_glob {
	char **comps;
	size_t n;
};

/* 0, -EINVAL (not absolute, "//", trailing "/"), -ENOMEM. */
int icpt_glob_compile(const char *pattern, struct icpt_glob *g);
void icpt_glob_release(struct icpt_glob *g);
bool icpt_glob_match(const struct icpt_glob *g, const char *path);
/* true when some path directly inside dir could match g. */
bool icpt_glob_match_child_of(const struct icpt_glob *g, const char *dir);
/* true when s has glob characters (* ? [). */
bool icpt_is_glob(const char *s);

#endif
