/* state_int.h - what the state*.c files share: struct state and helpers.
 * Owns nothing beyond the declarations; see state.h for the model. */
#ifndef ESXMOCK_FSD_STATE_INT_H
#define ESXMOCK_FSD_STATE_INT_H

#include "state.h"
#include "state_journal.h"

#define STATE_JOURNAL "journal"
#define STATE_JOURNAL_TMP "journal.tmp"
#define STATE_DATA "data"
#define STATE_SNAPS "snapshots"
#define STATE_LOCK "lock"
#define STATE_README "README"
#define STATE_KEEP "keep" /* in a temp dir kept by --keep-state */
#define STATE_TEMP_PREFIX "esxfsd-state."

struct state {
	struct tree *t;
	const struct fsd_log *lg;
	struct inval *inval;
	char *dir; /* absolute */
	bool temp, keep, broken;
	int dirfd, datafd, snapfd, jfd, lockfd;
	uint64_t next_id;
	struct state_node dirty; /* list sentinels */
	struct state_node detached;
	struct sj_line line; /* the operation being recorded */
	bool data_dir_dirty; /* data files made since data/ was synced */
	struct state_stats stats;
};

/* state.c */
void state_list_add(struct state_node *head, struct state_node *sn);
void state_list_del(struct state_node *sn);
/* tree->release_st: a run-time node is freed; its record goes too. */
void state_release_cb(void *arg, struct tree_node *n);
/* Frees sn (and deletes its data file when drop_data), clears n->st. */
void state_node_free(struct state *s, struct state_node *sn, bool drop_data);
/* The REF of n ("#id" or its manifest path) into buf. */
int state_ref(const struct state *s, const struct tree_node *n, char *buf,
	      size_t len);
/* Adds n's "set"/"del" record to line l (s->line or a checkpoint). */
void state_rec_put(struct state *s, struct sj_line *l, struct tree_node *n);
/* Writes a checkpoint of the dirty list (header + one line per node; only
 * the header when empty) to dirfd/name atomically (name.tmp, fsync,
 * rename, fsync dirfd). */
int state_checkpoint(struct state *s, int dirfd, const char *name, bool empty);
/* Reopens the journal for appending after it was replaced. */
int state_journal_reopen(struct state *s);
/* Journal lines above which it is rewritten as a checkpoint. */
size_t state_compact_limit(const struct state *s);

/* state_open.c: removes path and everything under it (best effort). */
void state_rm_tree(const char *path);

/* state_apply.c: applies folded records to the pristine tree. datafd is
 * where the data files are (s->datafd, or a snapshot's data/ to link them
 * from). On error (names the record's line) the tree may be half done. */
int state_apply(struct state *s, struct sj_map *m, int srcdatafd,
		const char *what, char *err, size_t errlen);

/* state_data.c */
int state_copy_fd(int in, int out, uint64_t len);
void state_data_drop(struct state *s, uint64_t id);

/* state_snap.c: the in-memory half of a reset: every dirty node back to
 * its manifest state, kernel caches told. Data files are NOT deleted:
 * their ids are appended to *ids (caller frees). */
int state_reset_tree(struct state *s, uint64_t **ids, size_t *n_ids);
/* Removes snapshots/name (a snapshot or an interrupted one's .tmp). */
void state_snap_rm(struct state *s, const char *name);

#endif
