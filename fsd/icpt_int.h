/* icpt_int.h - the rule engine's private structures, shared by icpt*.c.
 * Owns struct icpt_rule's layout and struct icpt's. */
#ifndef ESXMOCK_FSD_ICPT_INT_H
#define ESXMOCK_FSD_ICPT_INT_H

#include "icpt_hash.h" /* first */

#include <regex.h>

#include "icpt.h"
#include "icpt_glob.h"

enum icpt_path_kind {
	ICPT_PATH_ANY = 0,
	ICPT_PATH_EXACT,
	ICPT_PATH_GLOB,
	ICPT_PATH_REGEX,
};

/* Open-flag conditions: every bit in flags_set must be set, and the access
 * mode, when acc_modes is not 0, must be one of its bits (1 << O_RDONLY,
 * 1 << O_WRONLY, 1 << O_RDWR). */
struct icpt_flags_cond {
	int flags_set;
	unsigned acc_modes;
};

enum icpt_act_kind {
	ICPT_A_FAIL = 0,
	ICPT_A_DELAY,
	ICPT_A_HANG,
	ICPT_A_CONTENT,
	ICPT_A_SHORT_READ,
	ICPT_A_CORRUPT,
	ICPT_A_DISCARD,
	ICPT_A_CAPTURE,
	ICPT_A_FAIL_AFTER,
	ICPT_A_LOG,
};

struct icpt_action {
	enum icpt_act_kind kind;
	int err;                /* FAIL, FAIL_AFTER, HANG (on timeout) */
	uint64_t a, b;          /* DELAY: range [a, b]; HANG: timeout;
				   SHORT_READ: max; FAIL_AFTER: bytes;
				   CAPTURE: max bytes; LOG: data bytes;
				   CORRUPT: offset, length */
	unsigned char xor_mask; /* CORRUPT */
	bool ranged;            /* CONTENT: at offset a, else whole */
	int level;              /* LOG */
	char *data;             /* CONTENT bytes */
	size_t len;
};

/* A captured write segment. */
struct icpt_seg {
	char *path;
	uint64_t off;
	uint64_t len; /* bytes written (kept: see capture_len) */
	uint64_t at;  /* where its kept bytes start in capture */
};

struct icpt_rule {
	char *id;
	char *label;
	char *spec; /* the rule's JSON as given, with its id: for listing */
	enum icpt_origin origin;
	uint64_t seq; /* evaluation order */

	/* match */
	enum icpt_path_kind path_kind;
	char *path; /* EXACT: the path; GLOB/REGEX: the pattern text */
	struct icpt_glob glob;
	regex_t re;
	uint32_t ops;
	bool has_flags;
	struct icpt_flags_cond flags;
	bool has_pid, has_uid, has_gid;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	char *process; /* glob on the process name, or NULL */
	char *exe;     /* glob on the executable path, or NULL */

	/* trigger */
	uint64_t nth, after, count; /* 0: no such condition */
	bool has_prob;
	double prob;
	uint64_t seed;
	uint64_t from_ms, until_ms; /* window after the rule's addition;
				       until 0: no end */
	/* trigger state */
	uint64_t added_ms;
	uint64_t calls, hits;
	unsigned short rng[3];

	/* actions */
	struct icpt_action acts[ICPT_ACTIONS_MAX];
	size_t n_acts;
	uint32_t act_kinds; /* bits of enum icpt_act_kind */

	/* action state */
	uint64_t written; /* FAIL_AFTER: bytes let through so far */
	char *capture;    /* CAPTURE: kept bytes */
	size_t capture_len, capture_cap, capture_max;
	uint64_t capture_total; /* bytes seen, kept or not */
	struct icpt_seg *segs;
	size_t n_segs, segs_cap;
	size_t held; /* requests held now by its hang */

	UT_hash_handle hh;      /* ic->by_id */
	UT_hash_handle hh_path; /* ic->by_path (EXACT rules) */
	struct icpt_rule *next_same_path;
	struct icpt_rule *prev, *next;       /* evaluation order */
	struct icpt_rule *ne_prev, *ne_next; /* non-exact rules, in order */
};

struct icpt_hold_ent {
	uint64_t handle;
	struct icpt_rule *rule;
	void (*release)(void *arg, int err);
	void *arg;
	struct icpt_hold_ent *prev, *next;
};

struct icpt_waiter;

struct icpt {
	struct event_base *base;
	struct icpt_rule *first, *last;
	struct icpt_rule *by_id;   /* uthash on id */
	struct icpt_rule *by_path; /* uthash on path: first EXACT rule of
				      each path, chained by next_same_path */
	size_t n_rules;
	size_t n_nonexact; /* rules that are not EXACT */
	struct icpt_rule *ne_first, *ne_last;
	uint64_t next_seq;
	uint64_t next_auto_id;
	struct icpt_hold_ent *holds_first, *holds_last;
	size_t n_holds;
	uint64_t next_handle;
	struct icpt_waiter *waiters;
	size_t n_waiters;
	void (*on_change)(void *arg, const struct icpt_rule *added);
	void *on_change_arg;
	bool (*barrier)(void *fn_arg, void (*done)(void *arg), void *arg);
	void *barrier_arg;
};

/* icpt_wait.c: a rule's hits changed / the rule is going away. */
void icpt_waiters_check(struct icpt *ic, struct icpt_rule *r);
void icpt_waiters_rule_gone(struct icpt *ic, struct icpt_rule *r);
void icpt_waiters_free(struct icpt *ic);
/* icpt.c: releases the holds of r (it is going away). */
void icpt_holds_rule_gone(struct icpt *ic, struct icpt_rule *r);

#endif
