/* advopt.h - VMkernel advanced options: definitions and current values.
 * Owns: struct advopt_set, the options defined in STATE_ADVOPTS (a JSON
 * catalog: path, type, default, range, description...) with their values
 * taken from esx.conf's "/adv<path>" keys, which hold only what was set
 * (an absent key means "default", as on ESXi). Shared by esxcli
 * (system settings advanced), esxcfg-advcfg and anyone mirroring the
 * options (vsish /config/<Group>/intOpts/<Name>).
 */
#ifndef ESXMOCK_ADVOPT_H
#define ESXMOCK_ADVOPT_H

#include <stdbool.h>
#include <stddef.h>

#include "esxconf.h"
#include "state.h"

#define ADVOPT_CONF_PREFIX "/adv"

struct advopt {
	char *path; /* "/Net/GuestIPHack": canonical case from the catalog */
	bool is_int;
	long long ival, idef, min, max;
	char *sval, *sdef; /* string options */
	char *valid;       /* "Valid Characters" (string options) */
	char *desc;
	char *impact; /* "none", "reboot" or "maintenance-mode" */
	bool host_specific, hidden, user_defined;
	bool is_set; /* esx.conf holds a value for it */
};

struct advopt_set {
	struct advopt *v;
	size_t n;
};

/* Loads the catalog and resolves values from conf (may be NULL: defaults).
 * Returns 0 or a negative errno with err filled in. */
int advopt_load(struct advopt_set *s, const struct esxconf *conf,
		struct state_err *err);
void advopt_release(struct advopt_set *s);

/* Finds an option by path, case-insensitively; the leading '/' may be
 * omitted. NULL when unknown. */
struct advopt *advopt_find(const struct advopt_set *s, const char *path);

/* Parses a whole decimal integer option value (default, minimum, maximum
 * or current value); false when s is empty, has junk or overflows. */
bool advopt_parse_int(const char *s, long long *v);

/* "/Net/GuestIPHack" -> "GuestIPHack". */
const char *advopt_leaf(const char *path);

/* True when the current value equals the default. */
bool advopt_is_default(const struct advopt *o);

/* Validates value for o and writes "/adv<path>" into conf (the caller holds
 * esx.conf's lock). Integer options take a decimal integer within
 * [min, max]; string options any text without a newline. Returns 0, or
 * -EINVAL / -ERANGE with a message in msg. o's value is updated. */
int advopt_store(struct esxconf *conf, struct advopt *o, const char *value,
		 char *msg, size_t n);

/* Resets o to its default by removing its esx.conf key. */
void advopt_reset(struct esxconf *conf, struct advopt *o);

/* Catalog edits for user-defined options (/UserVars/<name>): 'def' holds
 * the new option (path, type, default, range, description...). Locks the
 * catalog; returns 0, -EEXIST, -ENOENT (remove of an unknown or built-in
 * option: -EPERM) or another negative errno. */
int advopt_add_user(const struct advopt *def, struct state_err *err);
int advopt_remove_user(const char *path, struct state_err *err);

#endif
