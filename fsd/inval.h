/* inval.h - telling the kernel about changes it did not make itself.
 * Owns the notifier thread and its queue (the one exception to "no threads").
 *
 * Changes made through FUSE keep the kernel's caches right by themselves.
 * Changes made behind the kernel's back (control-channel writes, reset,
 * restore, rule changes) must drop the kernel's cached dentries (also
 * negative ones), attributes, pages and directory listings. Calling
 * fuse_lowlevel_notify_inval_* from the loop thread can deadlock: the
 * kernel may wait for an inode lock held by a process that is itself
 * waiting for a FUSE request the blocked loop would have to answer. So the
 * loop only queues; a dedicated thread that does nothing else calls the
 * notify functions, and tells the loop (an eventfd read by a libevent
 * event) when a barrier is reached, so a control request can answer only
 * once the kernel has forgotten the old state.
 *
 * Everything but the thread runs on the loop thread. Before inval_start()
 * (no mount yet) requests are dropped: the kernel has nothing cached.
 */
#ifndef ESXMOCK_FSD_INVAL_H
#define ESXMOCK_FSD_INVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fuse_session;
struct event_base;
struct inval;

/* Allocates the queue (no thread yet). 0 or -ENOMEM. */
int inval_new(struct inval **out);
/* Starts the thread once the session is mounted; base gets the completion
 * event. 0 or a negative errno. */
int inval_start(struct inval *q, struct fuse_session *se,
		struct event_base *base);
/* Stops the thread (pending notifications are dropped, barriers are
 * completed) and frees q. Call after unmounting. NULL is fine. */
void inval_free(struct inval *q);

/* Queue the invalidation of the dentry parent/name (positive or negative)
 * and of parent's attributes; of an inode's attributes and cached pages
 * (a directory's cached listing). No-ops while not started or q NULL. */
void inval_entry(struct inval *q, uint64_t parent, const char *name);
void inval_inode(struct inval *q, uint64_t ino);

/* Calls done(arg) on the loop thread once everything queued before has
 * been delivered. Returns true when done will be called, false when
 * nothing is pending (done is not called: go on at once). A barrier that
 * cannot be queued (no memory) waits for nothing: false. */
bool inval_barrier(struct inval *q, void (*done)(void *arg), void *arg);

/* Notifications sent, and how many the kernel refused (ENOENT: it had
 * nothing cached there), for stats. */
void inval_counts(const struct inval *q, uint64_t *sent, uint64_t *refused);

#endif
