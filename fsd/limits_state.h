/* limits_state.h - caps and defaults of the writable layer (state dir,
 * journal, snapshots, xattrs, invalidation queue). Named constants only. */
#ifndef ESXMOCK_FSD_LIMITS_STATE_H
#define ESXMOCK_FSD_LIMITS_STATE_H

/* Longest journal line (one operation's records); a line over it is
 * refused when written and treated as damage when read. */
#define STATE_LINE_MAX (1024 * 1024)

/* The journal is rewritten as a checkpoint (one record per changed node)
 * when it holds more than this many lines per changed node, plus slack. */
#define STATE_COMPACT_RATIO 4
#define STATE_COMPACT_SLACK 4096

/* Snapshot names: 1..64 of [A-Za-z0-9._-], not starting with '.'. */
#define STATE_SNAP_NAME_MAX 64
#define STATE_SNAP_MAX 1024

/* Extended attributes, as Linux: name and value sizes, and the most one
 * node may carry in total (names + values). */
#define STATE_XATTR_NAME_MAX 255
#define STATE_XATTR_VALUE_MAX 65536
#define STATE_XATTR_TOTAL_MAX (256 * 1024)

/* Copy-up and content copies move this much per read/write. */
#define STATE_COPY_CHUNK (1024 * 1024)

/* Largest file a write, truncate or fallocate may make (EFBIG above). */
#define STATE_FILE_MAX (1ULL << 42)

#endif
