/* hook_watch.c - which nodes the kernel must not cache: the manifest's log
 * and intercept sections at mount time, recomputed after every rule
 * change. A watched node gets zero entry/attr timeouts when meta ops
 * (lookup, getattr, readlink, access) are watched on it; reads and writes
 * watched by a rule make its opens direct_io without keep_cache
 * (hook_reply.c); a node that becomes watched is invalidated in the
 * kernel, through the notifier queue (never from the loop thread). */
#include "hook_int.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits_rules.h"

static struct hook_watch *watch_find(const struct hook *h, uint64_t ino)
{
	struct hook_watch *w;

	if (!h->watch)
		return NULL;
	HASH_FIND(hh, h->watch, &ino, sizeof(ino), w);
	return w;
}

/* An entry whose node is gone (its inode number reused) is stale. */
struct hook_watch *hook_watch_of(const struct hook *h,
				 const struct tree_node *n)
{
	struct hook_watch *w = n ? watch_find(h, n->ino) : NULL;

	return w && w->node == n ? w : NULL;
}

static struct hook_watch *watch_get(struct hook *h, const struct tree_node *n)
{
	struct hook_watch *w = watch_find(h, n->ino);

	if (w && w->node != n) {
		w->why = 0; /* a new node with an old number */
		w->ops = 0;
		w->log = NULL;
		w->node = n;
	}
	if (w)
		return w;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->ino = n->ino;
	w->node = n;
	HASH_ADD(hh, h->watch, ino, sizeof(w->ino), w);
	if (!w->hh.tbl) { /* no memory for the table: not added */
		free(w);
		return NULL;
	}
	return w;
}

void hook_watch_free(struct hook *h)
{
	struct hook_watch *w, *tmp;

	HASH_ITER(hh, h->watch, w, tmp)
	{
		HASH_DEL(h->watch, w);
		free(w);
	}
}

/* ---- log configs -------------------------------------------------------- */

static int logcfg_fill(struct hook_logcfg *lc, struct json_object *o, char *err,
		       size_t errlen)
{
	struct json_object *v;
	uint32_t bits;
	const char *s;
	size_t i, n;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "expected an object");
		return -EINVAL;
	}
	lc->level = 1;
	lc->ops = ICPT_OPS_ALL;
	lc->data_bytes = ALOG_DATA_DEFAULT;
	json_object_object_foreach(o, k, val)
	{
		if (!strcmp(k, "level")) {
			s = json_object_is_type(val, json_type_string)
				? json_object_get_string(val)
				: "";
			if (!strcmp(s, "off"))
				lc->level = 0;
			else if (!strcmp(s, "metadata"))
				lc->level = 1;
			else if (!strcmp(s, "data"))
				lc->level = 2;
			else {
				snprintf(err, errlen,
					 "level: expected \"off\", "
					 "\"metadata\" or \"data\"");
				return -EINVAL;
			}
		} else if (!strcmp(k, "ops")) {
			if (json_object_is_type(val, json_type_string)) {
				if (icpt_ops_parse(json_object_get_string(val),
						   &lc->ops))
					goto bad_op;
				continue;
			}
			if (!json_object_is_type(val, json_type_array) ||
			    !(n = json_object_array_length(val))) {
				snprintf(err, errlen,
					 "ops: expected an op name or a "
					 "non-empty array of them");
				return -EINVAL;
			}
			lc->ops = 0;
			for (i = 0; i < n; i++) {
				v = json_object_array_get_idx(val, i);
				if (!json_object_is_type(v, json_type_string) ||
				    icpt_ops_parse(json_object_get_string(v),
						   &bits)) {
					snprintf(err, errlen,
						 "ops[%zu]: unknown op '%s'", i,
						 json_object_get_string(v));
					return -EINVAL;
				}
				lc->ops |= bits;
			}
		} else if (!strcmp(k, "data_bytes")) {
			int64_t b = json_object_get_int64(val);

			if (!json_object_is_type(val, json_type_int) || b < 1 ||
			    b > ALOG_DATA_MAX) {
				snprintf(err, errlen,
					 "data_bytes: expected an integer "
					 "from 1 to %d",
					 ALOG_DATA_MAX);
				return -EINVAL;
			}
			lc->data_bytes = (size_t)b;
		} else {
			snprintf(err, errlen,
				 "%s: unknown key (level, ops, data_bytes)", k);
			return -EINVAL;
		}
	}
	return 0;
bad_op:
	snprintf(err, errlen, "ops: unknown op '%s'",
		 json_object_get_string(json_object_object_get(o, "ops")));
	return -EINVAL;
}

int hook_logcfg_parse(struct hook *h, const char *text,
		      const struct hook_logcfg **out, char *err, size_t errlen)
{
	struct hook_logcfg *lc;
	struct json_object *o;
	int rc;

	HASH_FIND_STR(h->logcfgs, text, lc);
	if (lc) {
		*out = lc;
		return 0;
	}
	o = json_tokener_parse(text);
	if (!o) {
		snprintf(err, errlen, "not JSON");
		return -EINVAL;
	}
	lc = calloc(1, sizeof(*lc));
	if (!lc || !(lc->text = strdup(text))) {
		free(lc);
		json_object_put(o);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = logcfg_fill(lc, o, err, errlen);
	json_object_put(o);
	if (rc) {
		free(lc->text);
		free(lc);
		return rc;
	}
	HASH_ADD_KEYPTR(hh, h->logcfgs, lc->text, strlen(lc->text), lc);
	if (!lc->hh.tbl) {
		free(lc->text);
		free(lc);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h->n_logcfgs++;
	*out = lc;
	return 0;
}

void hook_logcfgs_free(struct hook *h)
{
	struct hook_logcfg *lc, *tmp;

	HASH_ITER(hh, h->logcfgs, lc, tmp)
	{
		HASH_DEL(h->logcfgs, lc);
		free(lc->text);
		free(lc);
	}
	h->n_logcfgs = 0;
}

static void on_rules_changed(void *arg, const struct icpt_rule *added);

/* ---- the manifest's sections -------------------------------------------- */

static int load_intercept(struct hook *h, const struct tree_node *n,
			  const char *path, char *err, size_t errlen)
{
	struct json_object *o = json_tokener_parse(n->intercept_cfg), *rules;
	struct icpt_rule *r;
	char msg[512];
	size_t i, cnt;
	int rc = 0;

	if (!o || !json_object_is_type(o, json_type_object)) {
		snprintf(msg, sizeof(msg), "expected an object");
		rc = -EINVAL;
		goto out;
	}
	json_object_object_foreach(o, k, v)
	{
		(void)v;
		/* "exec": image defaults, loaded by exec_image.c */
		if (strcmp(k, "rules") && strcmp(k, "exec")) {
			snprintf(msg, sizeof(msg),
				 "%s: unknown key (rules, exec)", k);
			rc = -EINVAL;
			goto out;
		}
	}
	rules = json_object_object_get(o, "rules");
	if (!rules)
		goto out;
	if (!json_object_is_type(rules, json_type_array)) {
		snprintf(msg, sizeof(msg), "rules: expected an array");
		rc = -EINVAL;
		goto out;
	}
	cnt = json_object_array_length(rules);
	for (i = 0; i < cnt; i++) {
		char e[400];

		rc = icpt_rule_compile(json_object_array_get_idx(rules, i),
				       path, &r, e, sizeof(e));
		if (!rc) {
			rc = icpt_add(h->icpt, r, ICPT_FROM_MANIFEST);
			if (rc == -EEXIST)
				snprintf(e, sizeof(e),
					 "id: a rule has it "
					 "already");
			else if (rc)
				snprintf(e, sizeof(e), "%s", strerror(-rc));
		}
		if (rc) {
			snprintf(msg, sizeof(msg), "rules[%zu]%s%s", i,
				 e[0] == '[' || !e[0] ? "" : ".", e);
			goto out;
		}
	}
out:
	if (rc)
		snprintf(err, errlen, "%s: entry '%s': intercept: %s",
			 n->origin ? n->origin : "<manifest>", path, msg);
	json_object_put(o);
	return rc;
}

int hook_load_manifest(struct hook *h, char *err, size_t errlen)
{
	struct tree *t = h->fsd->tree;
	const struct hook_logcfg *lc;
	struct hook_watch *w;
	char path[LIMIT_PATH_MAX], msg[512];
	struct tree_node *n;
	size_t ino;
	int rc;

	for (ino = 1; t && ino < t->n_slots; ino++) {
		n = t->nodes[ino];
		if (!n || (!n->intercept_cfg && !n->log_cfg))
			continue;
		if (tree_path(t, n, path, sizeof(path)))
			continue;
		if (n->log_cfg) {
			rc = hook_logcfg_parse(h, n->log_cfg, &lc, msg,
					       sizeof(msg));
			if (rc) {
				snprintf(err, errlen, "%s: entry '%s': log: %s",
					 n->origin ? n->origin : "<manifest>",
					 path, msg);
				return rc;
			}
			if (!(w = watch_get(h, n))) {
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			w->log = lc;
			w->why |= HOOK_W_LOG;
		}
		if (n->intercept_cfg &&
		    (rc = load_intercept(h, n, path, err, errlen)))
			return rc;
	}
	hook_watch_all(h);
	icpt_on_change(h->icpt, on_rules_changed, h);
	icpt_set_barrier(h->icpt, hook_inval_barrier, h);
	return 0;
}

/* ---- computing the watched set ------------------------------------------ */

/* Rules that look at names inside directories they cannot enumerate
 * (regex, or no path at all) make every namespace op go through rules. */
static int ns_always_fn(void *arg, const struct icpt_rule *r)
{
	bool *any = arg;

	if ((icpt_rule_any_path(r) || icpt_rule_is_regex(r)) &&
	    icpt_rule_ops(r) & ICPT_OPS_NAMESPACE)
		*any = true;
	return 0;
}

/* The directory holding path, when it exists. */
static struct tree_node *parent_of_path(const struct tree *t, const char *p)
{
	char dir[LIMIT_PATH_MAX];
	const char *slash = strrchr(p, '/');
	struct tree_node *d;

	if (!slash || (size_t)(slash - p) >= sizeof(dir))
		return NULL;
	if (slash == p) {
		strcpy(dir, "/");
	} else {
		memcpy(dir, p, (size_t)(slash - p));
		dir[slash - p] = '\0';
	}
	if (tree_resolve(t, dir, &d) || !S_ISDIR(d->mode))
		return NULL;
	return d;
}

/* Marks the parent directory of each exact rule's path (namespace ops on
 * a name that does not exist yet). */
static int exact_parent_fn(void *arg, const struct icpt_rule *r)
{
	struct hook *h = arg;
	const char *p = icpt_rule_exact_path(r);
	struct tree_node *d;
	struct hook_watch *w;

	if (!p || !(icpt_rule_ops(r) & ICPT_OPS_NAMESPACE))
		return 0;
	if ((d = parent_of_path(h->fsd->tree, p)) && (w = watch_get(h, d)))
		w->why |= HOOK_W_DIR;
	return 0;
}

static bool zero_timeouts(const struct hook *h, const struct hook_watch *w)
{
	if (h->cfg.watch_all)
		return true;
	if (!w)
		return false;
	if (w->ops & ICPT_OPS_META)
		return true;
	return w->log && w->log->level && (w->log->ops & ICPT_OPS_META);
}

/* Sets n's flag and timeouts from its watch; invalidates what the kernel
 * cached when n just became watched. */
static void apply(struct hook *h, struct tree_node *n,
		  const struct hook_watch *w)
{
	bool watched = h->cfg.watch_all || (w && w->why);
	bool zero = zero_timeouts(h, w);
	bool was = (n->flags & TREE_F_WATCHED) != 0;
	bool was_zero = n->entry_timeout == LIMIT_TIMEOUT_WATCHED;

	if (watched)
		n->flags |= TREE_F_WATCHED;
	else
		n->flags &= ~(uint32_t)TREE_F_WATCHED;
	n->entry_timeout = zero ? LIMIT_TIMEOUT_WATCHED : LIMIT_TIMEOUT_LONG;
	n->attr_timeout = n->entry_timeout;
	if ((watched && !was) || (zero && !was_zero)) {
		hook_inval_node(h, n);
	}
}

/* Applies w to n and, when n is watched for itself, marks its parent. */
static void hook_watch_node_apply(struct hook *h, struct tree_node *n,
				  struct hook_watch *w)
{
	struct tree_node *p;
	struct hook_watch *pw;

	apply(h, n, w);
	if (!w || !(w->why & (HOOK_W_RULE | HOOK_W_LOG)))
		return;
	p = tree_get(h->fsd->tree, n->parent);
	if (p && p != n && (pw = watch_get(h, p)) &&
	    !(pw->why & HOOK_W_PARENT)) {
		pw->why |= HOOK_W_PARENT;
		apply(h, p, pw);
	}
}

void hook_watch_node(struct hook *h, struct tree_node *n, const char *path)
{
	struct hook_watch *w = hook_watch_of(h, n);
	bool dir = false;
	uint32_t ops = 0;

	if (!icpt_empty(h->icpt))
		ops = icpt_watch_path(h->icpt, path, S_ISDIR(n->mode), &dir);
	if ((ops || dir || n->log_cfg) && !w)
		w = watch_get(h, n);
	if (w) {
		const struct hook_logcfg *lc = NULL;
		char e[256];

		if (n->log_cfg &&
		    !hook_logcfg_parse(h, n->log_cfg, &lc, e, sizeof(e)))
			w->why |= HOOK_W_LOG;
		else
			w->why &= ~(uint32_t)HOOK_W_LOG;
		w->log = lc;
		w->why &= ~(uint32_t)(HOOK_W_RULE | HOOK_W_DIR);
		w->ops = ops;
		if (ops)
			w->why |= HOOK_W_RULE;
		if (dir)
			w->why |= HOOK_W_DIR;
	}
	hook_watch_node_apply(h, n, w);
}

void hook_watch_all(struct hook *h)
{
	struct tree *t = h->fsd->tree;
	char path[LIMIT_PATH_MAX];
	struct hook_watch *w, *tmp, *pw;
	struct tree_node *n, *p;
	bool rules = !icpt_empty(h->icpt), dir;
	uint32_t ops;
	size_t ino;

	/* 1. forget rule-derived reasons; log configs stay */
	HASH_ITER(hh, h->watch, w, tmp)
	{
		w->why &= HOOK_W_LOG;
		w->ops = 0;
	}
	h->ns_always = false;
	/* nodes made outside FUSE handlers (restore, files.put) with a log
	 * section of their own */
	for (ino = 1; h->n_logcfgs && t && ino < t->n_slots; ino++) {
		const struct hook_logcfg *lc;
		char e[256];

		n = t->nodes[ino];
		if (!n || !n->log_cfg || hook_watch_of(h, n) ||
		    hook_logcfg_parse(h, n->log_cfg, &lc, e, sizeof(e)) ||
		    !(w = watch_get(h, n)))
			continue;
		w->log = lc;
		w->why |= HOOK_W_LOG;
	}
	if (rules) {
		icpt_each(h->icpt, ns_always_fn, &h->ns_always);
		/* 2. every node against the rules (exact ones by index) */
		for (ino = 1; t && ino < t->n_slots; ino++) {
			n = t->nodes[ino];
			if (!n || (n->flags & TREE_F_UNLINKED && ino != 1) ||
			    tree_path(t, n, path, sizeof(path)))
				continue;
			dir = false;
			ops = icpt_watch_path(h->icpt, path, S_ISDIR(n->mode),
					      &dir);
			if (!ops && !dir)
				continue;
			if (!(w = watch_get(h, n)))
				continue;
			w->ops = ops;
			if (ops)
				w->why |= HOOK_W_RULE;
			if (dir)
				w->why |= HOOK_W_DIR;
		}
		icpt_each(h->icpt, exact_parent_fn, h);
	}
	/* 3. parents of watched nodes see lookups of them */
	HASH_ITER(hh, h->watch, w, tmp)
	{
		if (!(w->why & (HOOK_W_RULE | HOOK_W_LOG)))
			continue;
		n = tree_get(t, w->ino);
		if (n != w->node)
			continue;
		p = n ? tree_get(t, n->parent) : NULL;
		if (p && p != n && (pw = watch_get(h, p)))
			pw->why |= HOOK_W_PARENT;
	}
	/* 4. flags and timeouts of every node */
	for (ino = 1; t && ino < t->n_slots; ino++) {
		n = t->nodes[ino];
		if (!n)
			continue;
		w = hook_watch_of(h, n);
		if (w || (n->flags & TREE_F_WATCHED) || h->cfg.watch_all)
			apply(h, n, w);
	}
	/* 5. drop entries with no reason left */
	HASH_ITER(hh, h->watch, w, tmp)
	{
		if (!w->why) {
			HASH_DEL(h->watch, w);
			free(w);
		}
	}
}

/* One rule added: only what it watches changes (a full walk for a glob or
 * regex, a lookup for an exact path). */
static void watch_add(struct hook *h, const struct icpt_rule *r)
{
	struct tree *t = h->fsd->tree;
	char path[LIMIT_PATH_MAX];
	const char *exact = icpt_rule_exact_path(r);
	struct hook_watch *w;
	struct tree_node *n;
	uint32_t ops;
	size_t ino;
	bool dir;

	if (exact) {
		if (tree_resolve(t, exact, &n) == 0 && (w = watch_get(h, n))) {
			w->ops |= icpt_rule_ops(r);
			w->why |= HOOK_W_RULE;
			hook_watch_node_apply(h, n, w);
		}
		exact_parent_fn(h, r);
		if ((n = parent_of_path(t, exact)))
			apply(h, n, hook_watch_of(h, n));
		return;
	}
	ns_always_fn(&h->ns_always, r);
	for (ino = 1; t && ino < t->n_slots; ino++) {
		n = t->nodes[ino];
		if (!n || (n->flags & TREE_F_UNLINKED && ino != 1) ||
		    tree_path(t, n, path, sizeof(path)))
			continue;
		ops = icpt_rule_watch(r, path);
		dir = S_ISDIR(n->mode) && icpt_rule_watch_dir(r, path);
		if (!ops && !dir)
			continue;
		if (!(w = watch_get(h, n)))
			continue;
		w->ops |= ops;
		if (ops)
			w->why |= HOOK_W_RULE;
		if (dir)
			w->why |= HOOK_W_DIR;
		hook_watch_node_apply(h, n, w);
	}
}

static void on_rules_changed(void *arg, const struct icpt_rule *added)
{
	struct hook *h = arg;

	if (added)
		watch_add(h, added);
	else
		hook_watch_all(h);
	hook_update_active(h);
}
