/* hook_inval.c - telling the kernel to forget what it cached of a node
 * that just became watched (its dentry, attributes and pages), so the next
 * access reaches the rules. Only queues: the notifications are sent by the
 * notifier thread (never from the loop thread, which can deadlock). */
#include "hook_int.h"

void hook_inval_node(struct hook *h, const struct tree_node *n)
{
	/* NOTIFIER: queue inval_entry(n->parent, n->name) and
	 * inval_inode(n->ino) once the notifier queue is wired in. */
	(void)h;
	(void)n;
}

bool hook_inval_barrier(void *arg, void (*done)(void *arg), void *done_arg)
{
	(void)arg;
	(void)done;
	(void)done_arg;
	return false;
}
