/* configstorecli_store.h - the mock ESXi configuration store.
 * Owns: the state file STATE_CONFIGSTORE (JSON: component -> group -> key ->
 * record, see docs/state-files.md) and the get/set/update/delete semantics
 * behind `configstorecli config current|default ...`.
 */
#ifndef ESXMOCK_CONFIGSTORECLI_STORE_H
#define ESXMOCK_CONFIGSTORECLI_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "state.h"

/* What a masked secret property reads as without -n. */
#define CS_MASK "*****"
/* Room for the error messages of the cs_* functions. */
#define CS_ERR_MAX 512

struct cs_ref {
	const char *component;
	const char *group;
	const char *key;
	const char *instance; /* NULL: the whole key */
};

enum cs_which {
	CS_CURRENT = 0,
	CS_DEFAULT, /* the record's "default" (config default get) */
	CS_SCHEMA,  /* the record's "schema" (schema get) */
};

/* Errors (negative errno; err holds the message):
 *   -ENOENT   no such component/group/key/instance (message names it)
 *   -EINVAL   instance id given for a single-instance key or missing for
 *             a multi-instance one
 *   -EBADMSG  the state file is broken (message names file and pointer) */

/* The value of the key (or instance); a multi-instance key without an
 * instance id yields an array of its instances in order. Secret properties
 * are masked unless unmask. *out is the caller's. */
int cs_get(const struct cs_ref *ref, enum cs_which which, bool unmask,
	   json_object **out, char *err, size_t errlen);

/* Replaces (creating if needed) the key's value or the instance. Takes
 * ownership of value. */
int cs_set(const struct cs_ref *ref, json_object *value, char *err,
	   size_t errlen);

/* Merges patch into the existing value (RFC 7386: objects merge
 * recursively, null removes a property, anything else replaces). Takes
 * ownership of patch. */
int cs_update(const struct cs_ref *ref, json_object *patch, char *err,
	      size_t errlen);

/* Deletes the instance (ref->instance), every instance (all), or the
 * single-instance key's value. */
int cs_delete(const struct cs_ref *ref, bool all, char *err, size_t errlen);

/* Building blocks, exposed for the unit tests. */
json_object *cs_merge_patch(json_object *target, json_object *patch);
void cs_mask(json_object *o, json_object *secrets);

#endif
