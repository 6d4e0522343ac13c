/* exec_rule.c - exec rules: parsing (unknown keys are errors), matching an
 * invocation (path, argv, env, caller) and the set of watched inodes. */
#include "exec_int.h"

#include <errno.h>
#include <fnmatch.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icpt_glob.h"
#include "inval.h"

#define PFAIL(...)                                                             \
	do {                                                                   \
		snprintf(err, errlen, __VA_ARGS__);                            \
		return -EINVAL;                                                \
	} while (0)

/* "re:..." is an extended regex, anything else a glob. */
static int pat_init(struct exec_pat *p, const char *s, const char *where,
		    char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (!strncmp(s, "re:", 3)) {
		if (regcomp(&p->re, s + 3, REG_EXTENDED | REG_NOSUB))
			PFAIL("%s: bad regex '%s'", where, s + 3);
		p->is_re = true;
		return 0;
	}
	p->glob = strdup(s);
	return p->glob ? 0 : -ENOMEM;
}

static void pat_free(struct exec_pat *p)
{
	if (!p)
		return;
	if (p->is_re)
		regfree(&p->re);
	free(p->glob);
}

static bool pat_match(const struct exec_pat *p, const char *s)
{
	if (p->is_re)
		return regexec(&p->re, s, 0, NULL, 0) == 0;
	return fnmatch(p->glob, s, 0) == 0;
}

void exec_rule_free(struct exec_rule *r)
{
	struct exec_ino *i, *tmp;
	size_t k;

	if (!r)
		return;
	free(r->label);
	free(r->path);
	if (r->path_glob)
		icpt_glob_release(&r->path_g);
	pat_free(r->path_re);
	free(r->path_re);
	pat_free(r->args);
	free(r->args);
	for (k = 0; k < r->n_argv; k++)
		pat_free(&r->argv[k]);
	free(r->argv);
	for (k = 0; k < r->n_env; k++) {
		free(r->env[k].name);
		pat_free(&r->env[k].pat);
	}
	free(r->env);
	pat_free(r->caller);
	free(r->caller);
	json_object_put(r->answer);
	json_object_put(r->spec);
	HASH_ITER(hh, r->inos, i, tmp)
	{
		HASH_DEL(r->inos, i);
		free(i);
	}
	free(r);
}

static int new_pat(struct exec_pat **out, json_object *v, const char *where,
		   char *err, size_t errlen)
{
	if (!json_object_is_type(v, json_type_string))
		PFAIL("%s: not a string", where);
	if (!(*out = calloc(1, sizeof(**out))))
		return -ENOMEM;
	return pat_init(*out, json_object_get_string(v), where, err, errlen);
}

static int parse_match(struct exec_rule *r, json_object *m, char *err,
		       size_t errlen)
{
	json_object *v;
	const char *p;
	size_t i;
	int rc = 0;

	if (!json_object_is_type(m, json_type_object))
		PFAIL("/match: not an object");
	json_object_object_foreach(m, k, val)
	{
		(void)val;
		if (strcmp(k, "path") && strcmp(k, "args") &&
		    strcmp(k, "argv") && strcmp(k, "env") &&
		    strcmp(k, "caller"))
			PFAIL("/match: unknown key '%s' (path, args, argv, "
			      "env, caller)",
			      k);
	}
	if (!json_object_object_get_ex(m, "path", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !*(p = json_object_get_string(v)))
		PFAIL("/match/path: missing (an absolute path, a glob, or "
		      "re:REGEX)");
	if (!strncmp(p, "re:", 3)) {
		rc = new_pat(&r->path_re, v, "/match/path", err, errlen);
	} else {
		if (p[0] != '/')
			PFAIL("/match/path: '%s' is not absolute", p);
		r->path = strdup(p);
		if (!r->path)
			return -ENOMEM;
		if (icpt_is_glob(p)) {
			rc = icpt_glob_compile(p, &r->path_g);
			if (rc == -ENOMEM)
				return rc;
			r->path_glob = rc == 0;
			if (rc)
				PFAIL(
				    "/match/path: bad glob '%s' (no \"//\", no "
				    "trailing \"/\")",
				    p);
		}
	}
	if (!rc && json_object_object_get_ex(m, "args", &v))
		rc = new_pat(&r->args, v, "/match/args", err, errlen);
	if (!rc && json_object_object_get_ex(m, "caller", &v))
		rc = new_pat(&r->caller, v, "/match/caller", err, errlen);
	if (!rc && json_object_object_get_ex(m, "argv", &v)) {
		size_t n;

		if (!json_object_is_type(v, json_type_array))
			PFAIL("/match/argv: not an array");
		n = json_object_array_length(v);
		if (n && !strcmp(json_object_get_string(
				     json_object_array_get_idx(v, n - 1)),
				 "**")) {
			r->argv_more = true;
			n--;
		}
		r->argv = calloc(n ? n : 1, sizeof(*r->argv));
		if (!r->argv)
			return -ENOMEM;
		for (i = 0; !rc && i < n; i++) {
			json_object *a = json_object_array_get_idx(v, i);
			char w[64];

			snprintf(w, sizeof(w), "/match/argv/%zu", i);
			if (!json_object_is_type(a, json_type_string))
				PFAIL("%s: not a string", w);
			rc = pat_init(&r->argv[i], json_object_get_string(a), w,
				      err, errlen);
			if (!rc)
				r->n_argv++;
		}
	}
	if (!rc && json_object_object_get_ex(m, "env", &v)) {
		if (!json_object_is_type(v, json_type_object))
			PFAIL("/match/env: not an object");
		r->env =
		    calloc(json_object_object_length(v) + 1, sizeof(*r->env));
		if (!r->env)
			return -ENOMEM;
		json_object_object_foreach(v, ek, ev)
		{
			char w[128];

			snprintf(w, sizeof(w), "/match/env/%s", ek);
			if (!json_object_is_type(ev, json_type_string))
				PFAIL("%s: not a string", w);
			rc = pat_init(&r->env[r->n_env].pat,
				      json_object_get_string(ev), w, err,
				      errlen);
			if (rc)
				return rc;
			r->env[r->n_env++].name = strdup(ek);
		}
	}
	return rc;
}

int exec_rule_parse(struct exec_broker *b, json_object *spec, bool image,
		    struct exec_rule **out, char *err, size_t errlen)
{
	struct exec_rule *r;
	json_object *v;
	int rc;

	*out = NULL;
	if (!json_object_is_type(spec, json_type_object))
		PFAIL("rule: not an object");
	json_object_object_foreach(spec, k, val)
	{
		(void)val;
		if (strcmp(k, "id") && strcmp(k, "label") &&
		    strcmp(k, "match") && strcmp(k, "answer"))
			PFAIL("rule: unknown key '%s' (id, label, match, "
			      "answer)",
			      k);
	}
	if (!json_object_object_get_ex(spec, "answer", &v))
		PFAIL("/answer: missing");
	/* an image default is data the image ships: no test to ask */
	rc = exec_answer_check(v, !image, "/answer", err, errlen);
	if (rc)
		return rc;
	if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	r->image = image;
	r->answer = json_object_get(v);
	r->spec = json_object_get(spec);
	if (json_object_object_get_ex(spec, "id", &v)) {
		const char *id = json_object_get_string(v);

		if (!json_object_is_type(v, json_type_string) || !*id ||
		    strlen(id) >= EXEC_ID_MAX) {
			exec_rule_free(r);
			PFAIL("/id: not a string of 1..%d characters",
			      EXEC_ID_MAX - 1);
		}
		snprintf(r->id, sizeof(r->id), "%s", id);
	} else {
		snprintf(r->id, sizeof(r->id), "x%llu",
			 (unsigned long long)++b->next_rule);
	}
	if (json_object_object_get_ex(spec, "label", &v) &&
	    !(r->label = strdup(json_object_get_string(v)))) {
		exec_rule_free(r);
		return -ENOMEM;
	}
	if (!json_object_object_get_ex(spec, "match", &v)) {
		exec_rule_free(r);
		PFAIL("/match: missing");
	}
	rc = parse_match(r, v, err, errlen);
	if (rc) {
		exec_rule_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ---- the watched set ------------------------------------------------------
 */

/* An exact path, symlinks inside the tree followed (at most 16). */
static struct tree_node *resolve_follow(const struct tree *t, const char *path)
{
	char cur[4096], next[4096];
	struct tree_node *n = NULL;
	int hops;

	snprintf(cur, sizeof(cur), "%s", path);
	for (hops = 0; hops < 16; hops++) {
		if (tree_resolve(t, cur, &n))
			return NULL;
		if (!S_ISLNK(n->mode) || !n->target)
			return n;
		if (n->target[0] == '/') {
			if (strlen(n->target) >= sizeof(next))
				return NULL;
			strcpy(next, n->target);
		} else {
			char *slash = strrchr(cur, '/');

			*slash = '\0';
			if (strlen(cur) + strlen(n->target) + 2 > sizeof(next))
				return NULL;
			strcpy(next, cur);
			strcat(next, "/");
			strcat(next, n->target);
		}
		memcpy(cur, next, sizeof(cur));
	}
	return NULL;
}

static int ino_add(struct exec_ino **set, uint64_t ino)
{
	struct exec_ino *e;

	HASH_FIND(hh, *set, &ino, sizeof(ino), e);
	if (e) {
		e->refs++;
		return 0;
	}
	if (!(e = calloc(1, sizeof(*e))))
		return -ENOMEM;
	e->ino = ino;
	e->refs = 1;
	HASH_ADD(hh, *set, ino, sizeof(e->ino), e);
	return 0;
}

static bool ino_has(struct exec_ino *set, uint64_t ino)
{
	struct exec_ino *e;

	HASH_FIND(hh, set, &ino, sizeof(ino), e);
	return e != NULL;
}

static void ino_clear(struct exec_ino **set)
{
	struct exec_ino *e, *tmp;

	HASH_ITER(hh, *set, e, tmp)
	{
		HASH_DEL(*set, e);
		free(e);
	}
}

static void rule_inos(struct exec_broker *b, struct exec_rule *r)
{
	struct tree *t = b->fsd->tree;
	char path[4096];
	size_t i;

	ino_clear(&r->inos);
	if (r->path && !r->path_glob) {
		struct tree_node *n = resolve_follow(t, r->path);

		if (n && S_ISREG(n->mode))
			ino_add(&r->inos, n->ino);
		return;
	}
	for (i = 1; i < t->n_slots; i++) {
		struct tree_node *n = t->nodes[i];

		if (!n || !S_ISREG(n->mode) || (n->flags & TREE_F_UNLINKED) ||
		    tree_path(t, n, path, sizeof(path)))
			continue;
		if (r->path_re ? pat_match(r->path_re, path)
			       : icpt_glob_match(&r->path_g, path))
			ino_add(&r->inos, n->ino);
	}
}

bool exec_rules_recompute(struct exec_broker *b)
{
	struct exec_ino *old = b->watched, *e, *tmp;
	struct exec_rule *r;
	bool queued = false;

	b->watched = NULL;
	for (r = b->rules; r; r = r->next) {
		rule_inos(b, r);
		HASH_ITER(hh, r->inos, e, tmp)
		ino_add(&b->watched, e->ino);
	}
	/* nodes entering or leaving: their size and cached pages change */
	HASH_ITER(hh, b->watched, e, tmp)
	{
		struct tree_node *n = tree_get(b->fsd->tree, e->ino);

		if (n) /* the kernel must map the whole shim */
			n->stat_min_size = b->shim_size;
		if (!ino_has(old, e->ino)) {
			inval_inode(b->fsd->inval, e->ino);
			queued = true;
		}
	}
	HASH_ITER(hh, old, e, tmp)
	{
		if (!ino_has(b->watched, e->ino)) {
			struct tree_node *n = tree_get(b->fsd->tree, e->ino);

			if (n)
				n->stat_min_size = 0;
			inval_inode(b->fsd->inval, e->ino);
			queued = true;
		}
	}
	ino_clear(&old);
	return queued;
}

bool exec_watched(const struct exec_broker *b, uint64_t ino)
{
	return b->watched && ino_has(b->watched, ino);
}

/* ---- deciding an invocation -----------------------------------------------
 */

static bool match_argv(const struct exec_rule *r, json_object *argv)
{
	size_t n = json_object_array_length(argv), i;

	if (n < 1 || n - 1 < r->n_argv || (!r->argv_more && n - 1 != r->n_argv))
		return false;
	for (i = 0; i < r->n_argv; i++)
		if (!pat_match(&r->argv[i],
			       json_object_get_string(
				   json_object_array_get_idx(argv, i + 1))))
			return false;
	return true;
}

static bool match_args(const struct exec_rule *r, json_object *argv)
{
	size_t n = json_object_array_length(argv), i, len = 0;
	char *joined;
	bool ok;

	for (i = 1; i < n; i++)
		len += json_object_get_string_len(
			   json_object_array_get_idx(argv, i)) +
		       1;
	if (!(joined = calloc(1, len + 1)))
		return false;
	for (i = 1; i < n; i++) {
		if (i > 1)
			strcat(joined, " ");
		strcat(joined, json_object_get_string(
				   json_object_array_get_idx(argv, i)));
	}
	ok = pat_match(r->args, joined);
	free(joined);
	return ok;
}

static bool match_env(const struct exec_env_pat *p, json_object *env)
{
	size_t i, nl = strlen(p->name);

	for (i = 0; i < json_object_array_length(env); i++) {
		const char *kv =
		    json_object_get_string(json_object_array_get_idx(env, i));

		if (!strncmp(kv, p->name, nl) && kv[nl] == '=')
			return pat_match(&p->pat, kv + nl + 1);
	}
	return false;
}

static bool rule_matches(const struct exec_rule *r, const struct exec_inv *inv,
			 json_object *argv, json_object *env,
			 json_object *caller)
{
	size_t i;

	if (!ino_has(r->inos, inv->ino))
		return false;
	if (r->n_argv || r->argv_more)
		if (!argv || !match_argv(r, argv))
			return false;
	if (r->args && (!argv || !match_args(r, argv)))
		return false;
	for (i = 0; i < r->n_env; i++)
		if (!env || !match_env(&r->env[i], env))
			return false;
	if (r->caller &&
	    (!caller || !pat_match(r->caller, json_object_get_string(caller))))
		return false;
	return true;
}

/* Test rules: the newest that matches. Image rules: the first loaded (the
 * list is newest first, so the last match in it). */
static struct exec_rule *decide(struct exec_broker *b,
				const struct exec_inv *inv, bool image)
{
	json_object *argv = NULL, *env = NULL, *caller = NULL;
	struct exec_rule *r, *found = NULL;

	json_object_object_get_ex(inv->info, "argv", &argv);
	json_object_object_get_ex(inv->info, "env", &env);
	json_object_object_get_ex(inv->info, "caller", &caller);
	for (r = b->rules; r; r = r->next) {
		if (r->image != image ||
		    !rule_matches(r, inv, argv, env, caller))
			continue;
		found = r;
		if (!image)
			break;
	}
	if (found)
		found->hits++;
	return found;
}

struct exec_rule *exec_rule_decide(struct exec_broker *b,
				   const struct exec_inv *inv)
{
	return decide(b, inv, false);
}

struct exec_rule *exec_rule_image(struct exec_broker *b,
				  const struct exec_inv *inv)
{
	return decide(b, inv, true);
}
