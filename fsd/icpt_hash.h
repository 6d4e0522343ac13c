/* icpt_hash.h - how the rule engine, the access log, the caller cache, the
 * hook and the exec broker use uthash (their own tables only). Owns that
 * configuration: include it first, before anything that includes <uthash.h>. */
#ifndef ESXMOCK_FSD_ICPT_HASH_H
#define ESXMOCK_FSD_ICPT_HASH_H

/* An allocation failure leaves the item out (the add is checked with a
 * find) instead of calling exit() in the daemon. */
#define HASH_NONFATAL_OOM 1
/* FNV-1a: good on paths and ids, and unlike the default (Jenkins) no switch
 * fall-through that clang's -Wimplicit-fallthrough rejects. */
#define HASH_FUNCTION(keyptr, keylen, hashv) HASH_FNV(keyptr, keylen, hashv)

#include <uthash.h>

#endif
