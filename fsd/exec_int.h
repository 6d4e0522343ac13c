/* exec_int.h - the broker's private state, shared by exec*.c only.
 * Owns struct exec_broker, exec rules, invocations and the wire format
 * between esxfsd and the interpose shim. */
#ifndef ESXMOCK_FSD_EXEC_INT_H
#define ESXMOCK_FSD_EXEC_INT_H

#include "icpt_hash.h" /* first: before tree.h includes <uthash.h> */

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "exec.h"
#include "hook.h"
#include "icpt_glob.h"

/* Caps (no file of their own: they concern only the broker). */
#define EXEC_RULES_MAX 10000
#define EXEC_REQ_MAX (4u * 1024 * 1024)   /* argv + env of one request */
#define EXEC_ANS_MAX (64u * 1024 * 1024)  /* one answer (static output) */
#define EXEC_PIDS_MAX 65536               /* exec-opens remembered */
#define EXEC_HISTORY 256                  /* invocations.list */
#define EXEC_TIMEOUT_DEFAULT_MS 30000     /* remote, when the rule says none */
#define EXEC_TIMEOUT_MAX_MS (3600 * 1000) /* remote, at most */
#define EXEC_ID_MAX 64

/* What an open handle of the broker serves (struct fsd_fh.exec). */
enum exec_fh_kind {
	EXEC_FH_SHIM = 1, /* exec-open of a watched node: the shim's bytes */
	EXEC_FH_INVOKE,   /* /.esxmock/invoke: one invocation */
	EXEC_FH_ALIAS,    /* /.esxmock/real/<ino>: another node's bytes */
	EXEC_FH_DIRECT,   /* plain open of a watched node (direct_io) */
};

struct exec_inv;

struct exec_fh {
	enum exec_fh_kind kind;
	uint64_t target;      /* ALIAS: the node whose bytes are served */
	struct exec_inv *inv; /* INVOKE */
};

/* One argv/env matcher: a glob (fnmatch) or an extended regex. */
struct exec_pat {
	char *glob;
	regex_t re;
	bool is_re;
};

struct exec_env_pat {
	char *name;
	struct exec_pat pat;
};

/* The inodes a rule's path matched when it was added (uthash set). */
struct exec_ino {
	uint64_t ino;
	unsigned refs; /* rules naming it (broker set only) */
	UT_hash_handle hh;
};

struct exec_rule {
	char id[EXEC_ID_MAX];
	char *label;
	bool image; /* from the manifest: an image default (transforms) */
	/* match */
	char *path;     /* exact (symlinks in the tree followed) or glob */
	bool path_glob; /* path is a glob, compiled in path_g */
	struct icpt_glob path_g; /* as rules' path globs: per component, "**" */
	struct exec_pat *path_re; /* path_regex, or NULL */
	struct exec_pat *args;    /* args: on argv[1..] joined by spaces */
	struct exec_pat *argv;    /* per position, argv[1..] */
	size_t n_argv;
	bool argv_more; /* the argv list ended with "**": more args allowed */
	struct exec_env_pat *env;
	size_t n_env;
	struct exec_pat *caller; /* the parent process' name */
	/* answer: {"style": ..., ...} (rule JSON "answer"), kept as given */
	struct json_object *answer;
	struct json_object *spec; /* the rule as given, for exec.list */
	uint64_t hits;
	struct exec_ino *inos; /* matched at the last recompute */
	struct exec_rule *next;
};

/* An invocation: from the shim's open of /.esxmock/invoke to its release. */
struct exec_inv {
	uint64_t id;
	struct exec_broker *b;
	uint64_t ino; /* the node exec'd (0: unknown) */
	char *path;   /* its tree path */
	pid_t pid, ppid;
	uid_t uid;
	gid_t gid;
	char *req; /* the shim's request bytes */
	size_t req_len;
	bool req_done;            /* the "end" record arrived */
	bool reported;            /* the shim's end report arrived */
	struct json_object *info; /* argv, env, cwd, caller... */
	/* the answer, served by offset */
	char *ans;
	size_t ans_len;
	size_t ans_pos; /* served so far */
	bool ready;
	const char *style; /* string literal */
	char rule_id[EXEC_ID_MAX];
	char image_id[EXEC_ID_MAX]; /* the image default under rule_id */
	/* a read waiting for the answer */
	fuse_req_t rd;
	size_t rd_size;
	off_t rd_off;
	struct hook_req *rd_hr;
	/* remote: waiting for invocations.answer */
	struct event *timer;
	struct json_object *dflt;      /* the default answer on timeout */
	struct json_object *image_ans; /* an image default under a test rule */
	bool remote;
	bool rule_image; /* rule_id is an image default (no test rule) */
	size_t log_out;  /* output bytes the answer logs per stream */
	struct timespec t0, wall0;
	char comm[20];     /* the shim's process name, read at its open */
	UT_hash_handle hh; /* b->pending (remote only) */
};

struct exec_pid {
	pid_t pid;
	uint64_t ino;
	UT_hash_handle hh;
};

struct exec_follower {
	struct rpc_sub *sub;
	struct exec_broker *b;
	struct exec_follower *next;
};

struct exec_broker {
	struct fsd *fsd;
	char *shim_path;
	int shim_fd;
	uint64_t shim_size;
	struct tree_node *hidden; /* /.esxmock */
	struct tree_node *invoke; /* /.esxmock/invoke */
	struct tree_node *real;   /* /.esxmock/real */
	struct exec_rule *rules;  /* newest first */
	size_t n_rules;
	uint64_t next_rule;
	struct exec_ino *watched; /* inodes some rule names */
	struct exec_pid *pids;    /* pid -> node of its last watched exec */
	size_t n_pids;
	struct exec_inv *pending; /* remote invocations by id */
	uint64_t next_inv;
	struct exec_follower *followers;
	struct json_object *history; /* array, the last EXEC_HISTORY */
	uint64_t n_invocations;
};

/* exec_rule.c: parsing, matching, the watched set. */
int exec_rule_parse(struct exec_broker *b, struct json_object *spec, bool image,
		    struct exec_rule **out, char *err, size_t errlen);
void exec_rule_free(struct exec_rule *r);
/* Recomputes every rule's inodes and b->watched; invalidates the kernel's
 * view of nodes that entered or left the set. true when a barrier is
 * worth waiting for (something was queued). */
bool exec_rules_recompute(struct exec_broker *b);
/* The rule deciding inv (image defaults excluded), or NULL. */
struct exec_rule *exec_rule_decide(struct exec_broker *b,
				   const struct exec_inv *inv);
/* The image default of inv (the first loaded that matches), or NULL. */
struct exec_rule *exec_rule_image(struct exec_broker *b,
				  const struct exec_inv *inv);
bool exec_watched(const struct exec_broker *b, uint64_t ino);
/* Checks an answer object ({"style": ...}); remote ones when allow_remote.
 * 0 or -EINVAL with a message naming the member (prefix: where). */
int exec_answer_check(struct json_object *ans, bool allow_remote,
		      const char *where, char *err, size_t errlen);

/* exec_wire.c: the records "TAG LEN\n<LEN bytes>\n". */
struct exec_buf {
	char *p;
	size_t len, cap;
};
int exec_wire_put(struct exec_buf *b, const char *tag, const void *data,
		  size_t len);
int exec_wire_puts(struct exec_buf *b, const char *tag, const char *s);
int exec_wire_putl(struct exec_buf *b, const char *tag, long long v);
/* Next record of buf[*pos..len): 1 with tag/data, 0 at the end of the
 * buffer, -EINVAL on a malformed record. */
int exec_wire_next(const char *buf, size_t len, size_t *pos, char *tag,
		   size_t taglen, const char **data, size_t *dlen);
/* Builds the answer records of an answer object into inv. 0 or <0. */
int exec_answer_build(struct exec_broker *b, struct exec_inv *inv,
		      struct json_object *ans);
/* Parses the request records of inv (argv, env...) into inv->info. */
int exec_request_parse(struct exec_inv *inv);

/* exec_image.c: image defaults, the manifest's "intercept": {"exec": [...]}
 * sections (docs/interpose.md "Image defaults"). */
/* Loads every entry's exec rules as image rules (exec_new). 0 or <0 with
 * a message naming the manifest file and entry. */
int exec_image_load(struct exec_broker *b, char *err, size_t errlen);
/* The answer for an invocation an image default and a test's answer both
 * decide (a new reference): the test's answer, with the image's
 * transforms, exit, env and ld_library_path underneath when both run the
 * real program (passthrough or rewrite). */
struct json_object *exec_image_compose(struct json_object *image,
				       struct json_object *test);

/* exec_log.c: invocations as access-log "invoke" events. */
/* /proc/PID/comm into buf ("" when the process is gone). */
void exec_log_comm(pid_t pid, char *buf, size_t len);
/* The output bytes an answer's log_output asks for per stream (0: none). */
size_t exec_log_output(struct json_object *ans);
/* Appends inv's event: status as the shim reported it (exit code, 256 +
 * signal, -1 unknown), output sizes (-1: not captured) and the logged
 * output (NULL: none). */
void exec_log_invoke(struct exec_broker *b, const struct exec_inv *inv,
		     long long status, long long out_len, long long err_len,
		     const char *out, size_t out_n, const char *err,
		     size_t err_n);

/* exec.c */
void exec_inv_answer(struct exec_inv *inv, struct json_object *ans);
/* Records how inv ended (invocations.list and the access log). */
void exec_inv_history(struct exec_broker *b, struct exec_inv *inv,
		      long long status, long long out_len, long long err_len,
		      const char *out, size_t out_n, const char *err,
		      size_t err_n);
struct tree_node *exec_alias(struct exec_broker *b, uint64_t target);

#endif
