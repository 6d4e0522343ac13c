/* mf_hash.h - how the manifest loader uses uthash (path -> node tables).
 * Owns the uthash configuration; include it instead of <uthash.h>. */
#ifndef ESXMOCK_MF_HASH_H
#define ESXMOCK_MF_HASH_H

/* An allocation failure leaves the item out (hh.tbl == NULL) instead of
 * calling exit(); callers check and report -ENOMEM. */
#define HASH_NONFATAL_OOM 1
/* FNV-1a: good on paths, and unlike the default (Jenkins) it has no switch
 * fall-through that clang's -Wimplicit-fallthrough rejects. */
#define HASH_FUNCTION(keyptr, keylen, hashv) HASH_FNV(keyptr, keylen, hashv)

#include <uthash.h>

#endif
