/* hook_inval.c - telling the kernel to forget what it cached of a node
 * that just became watched (its dentry, attributes and pages), so the next
 * access reaches the rules. Only queues, on the writable layer's notifier
 * (inval.h): the notifications go out from its thread, never from the
 * loop thread (which can deadlock). */
#include "hook_int.h"
#include "inval.h"

void hook_inval_node(struct hook *h, const struct tree_node *n)
{
	struct inval *q = h->fsd->inval;

	if (!q) /* not mounted yet: the kernel has nothing cached */
		return;
	if (n->ino != TREE_ROOT_INO && !(n->flags & TREE_F_UNLINKED))
		inval_entry(q, n->parent, n->name);
	inval_inode(q, n->ino);
	h->invals++;
}

bool hook_inval_barrier(void *arg, void (*done)(void *arg), void *done_arg)
{
	struct hook *h = arg;

	return h->fsd->inval && inval_barrier(h->fsd->inval, done, done_arg);
}
