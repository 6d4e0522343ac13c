/* mf_import_emit.c - writes the imported rows as a manifest (format v1).
 * Owns the output layout: one entry per line sorted by path, "defaults"
 * for the most common owner/group and per-type modes, "users"/"groups"
 * only for ids ESXi's built-in tables lack. Deterministic by design. */
#include "mf_import_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* The loader's modes for an entry no default matches (FORMAT.md). */
static mode_t mfi_builtin_mode(enum mf_type t)
{
	return t == MF_DIR ? 0755 : t == MF_LNK ? 0777 : 0644;
}

static void mfi_str(FILE *f, const char *s)
{
	struct json_object *o = json_object_new_string(s);

	/* json-c escapes quotes, backslashes and control characters */
	fputs(
	    o ? json_object_to_json_string_ext(
		    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
	      : "\"\"",
	    f);
	json_object_put(o);
}

/* A name -> id table being built for "users" or "groups". */
struct mfi_ids {
	struct mf_ident *v;
	size_t n;
};

static int mfi_ids_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mf_ident *)a)->name,
		      ((const struct mf_ident *)b)->name);
}

static bool mfi_numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Makes sure the loader can resolve every owner (group) name of the rows:
 * built-in names pass, others need the listing's uid (gid) and go to *ids.
 */
static int mfi_collect_ids(const struct mfi_set *s,
			   const struct mf_manifest *base, bool group,
			   struct mfi_ids *ids, struct mf_error *err)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct mfi_row *r = &s->v[i];
		const char *name = group ? r->group : r->owner;
		long long id = group ? r->gid : r->uid;
		unsigned int known;
		size_t k;
		int rc;

		if (mfi_numeric(name))
			continue;
		if (group) {
			gid_t g;

			rc = mf_group_id(base, name, &g);
			known = (unsigned int)g;
		} else {
			uid_t u;

			rc = mf_user_id(base, name, &u);
			known = (unsigned int)u;
		}
		if (!rc && (id < 0 || (unsigned int)id == known))
			continue;
		for (k = 0; k < ids->n; k++)
			if (!strcmp(ids->v[k].name, name))
				break;
		if (k < ids->n) {
			if (id >= 0 && ids->v[k].id != (unsigned int)id) {
				snprintf(err->jpath, sizeof(err->jpath), "/%zu",
					 r->index);
				return mfi_fail(
				    err, -EINVAL,
				    "row %zu ('%s'): %s '%s' has id "
				    "%lld here but %u in an earlier "
				    "row",
				    r->index, r->path,
				    group ? "group" : "owner", name, id,
				    ids->v[k].id);
			}
			continue;
		}
		if (id < 0) {
			snprintf(err->jpath, sizeof(err->jpath), "/%zu/%s",
				 r->index, group ? "group" : "owner");
			return mfi_fail(
			    err, -EINVAL,
			    "row %zu ('%s'): unknown %s '%s': not in ESXi's "
			    "built-in %s table and the listing gives no %s "
			    "(capture with scripts/esx-file-listing.sh, which "
			    "records ids)",
			    r->index, r->path, group ? "group" : "owner", name,
			    group ? "group" : "user", group ? "gid" : "uid");
		}
		{
			struct mf_ident *v =
			    realloc(ids->v, (ids->n + 1) * sizeof(*v));

			if (!v)
				return mfi_fail(err, -ENOMEM, "out of memory");
			ids->v = v;
			v[ids->n].name = (char *)name; /* borrowed from row */
			v[ids->n].id = (unsigned int)id;
			ids->n++;
		}
	}
	if (ids->n)
		qsort(ids->v, ids->n, sizeof(*ids->v), mfi_ids_cmp);
	return 0;
}

static void mfi_emit_ids(FILE *f, const char *key, const struct mfi_ids *ids)
{
	if (!ids->n)
		return;
	fprintf(f, "\"%s\": {", key);
	for (size_t i = 0; i < ids->n; i++) {
		fputs(i ? ", " : "", f);
		mfi_str(f, ids->v[i].name);
		fprintf(f, ": %u", ids->v[i].id);
	}
	fputs("},\n", f);
}

/* Most frequent string among the rows' owner (or group); ties: smallest. */
static const char *mfi_most_common_name(const struct mfi_set *s, bool group)
{
	const char *best = "root";
	size_t best_n = 0;

	/* distinct names are few: count each once, quadratic in them only */
	for (size_t i = 0; i < s->n; i++) {
		const char *name = group ? s->v[i].group : s->v[i].owner;
		size_t j, n = 0;

		for (j = 0; j < i; j++)
			if (!strcmp(group ? s->v[j].group : s->v[j].owner,
				    name))
				break;
		if (j < i)
			continue;
		for (j = i; j < s->n; j++)
			if (!strcmp(group ? s->v[j].group : s->v[j].owner,
				    name))
				n++;
		if (n > best_n || (n == best_n && strcmp(name, best) < 0)) {
			best = name;
			best_n = n;
		}
	}
	return best;
}

/* Most frequent mode per type; ties: lowest mode. */
static int mfi_type_modes(const struct mfi_set *s, mode_t *mode, bool *present)
{
	size_t(*cnt)[07777 + 1] = calloc(MF_SOCK + 1, sizeof(*cnt));
	size_t t, m, best;

	if (!cnt)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].path, "/"))
			cnt[s->v[i].type][s->v[i].mode & 07777]++;
	for (t = MF_DIR; t <= MF_SOCK; t++) {
		present[t] = false;
		mode[t] = mfi_builtin_mode((enum mf_type)t);
		best = 0;
		for (m = 0; m <= 07777; m++) {
			if (cnt[t][m] > best) {
				best = cnt[t][m];
				mode[t] = (mode_t)m;
				present[t] = true;
			}
		}
	}
	free(cnt);
	return 0;
}

static void mfi_emit_entry(FILE *f, const struct mfi_row *r, mode_t dmode,
			   const char *downer, const char *dgroup, bool last)
{
	fputs("{\"path\": ", f);
	mfi_str(f, r->path);
	fprintf(f, ", \"type\": \"%s\"", mf_type_name(r->type));
	if (r->mode != dmode)
		fprintf(f, ", \"mode\": \"%04o\"", (unsigned)r->mode);
	if (strcmp(r->owner, downer)) {
		fputs(", \"owner\": ", f);
		mfi_str(f, r->owner);
	}
	if (strcmp(r->group, dgroup)) {
		fputs(", \"group\": ", f);
		mfi_str(f, r->group);
	}
	if (r->type == MF_LNK) {
		fputs(", \"target\": ", f);
		mfi_str(f, r->link);
	}
	if (r->has_rdev)
		fprintf(f, ", \"rdev\": \"%u:%u\"", r->rdev_major,
			r->rdev_minor);
	if (r->type == MF_REG && r->size >= 0)
		fprintf(f, ", \"size\": %lld", r->size);
	if (r->has_mtime)
		fprintf(f, ", \"mtime\": %lld", r->mtime);
	fputs(last ? "}\n" : "},\n", f);
}

static const char *mfi_basename(const char *name)
{
	const char *b = strrchr(name, '/');

	return b && b[1] ? b + 1 : name;
}

int mfi_emit(const struct mfi_set *s, const char *name, char **out,
	     size_t *out_len, struct mf_error *err)
{
	static const char base_doc[] = "{\"version\": 1}";
	struct mf_source src = {.name = "built-in tables",
				.buf = base_doc,
				.len = sizeof(base_doc) - 1};
	struct mf_manifest *base = NULL;
	struct mfi_ids users = {0}, groups = {0};
	mode_t tmode[MF_SOCK + 1];
	bool present[MF_SOCK + 1];
	const char *downer, *dgroup;
	struct mf_error lerr = {0};
	FILE *f = NULL;
	int rc;

	rc = mf_load(&src, 1, &base, &lerr);
	if (rc)
		return mfi_fail(err, rc, "cannot load the built-in tables: %s",
				lerr.msg);
	rc = mfi_collect_ids(s, base, false, &users, err);
	if (!rc)
		rc = mfi_collect_ids(s, base, true, &groups, err);
	if (rc)
		goto out;
	f = open_memstream(out, out_len);
	if (!f) {
		rc = mfi_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	downer = mfi_most_common_name(s, false);
	dgroup = mfi_most_common_name(s, true);
	if (mfi_type_modes(s, tmode, present)) {
		rc = mfi_fail(err, -ENOMEM, "out of memory");
		goto out;
	}

	fputs("{\n\"version\": 1,\n\"comment\": ", f);
	{
		char c[600];

		snprintf(c, sizeof(c),
			 "generated by 'esxmockctl manifest import-listing "
			 "%s': edit the listing or the importer, not this "
			 "file (manifest/LINKS.md explains symlink targets)",
			 mfi_basename(name));
		mfi_str(f, c);
	}
	fputs(",\n", f);
	mfi_emit_ids(f, "users", &users);
	mfi_emit_ids(f, "groups", &groups);
	fputs("\"defaults\": [\n{\"match\": \"/**\", \"owner\": ", f);
	mfi_str(f, downer);
	fputs(", \"group\": ", f);
	mfi_str(f, dgroup);
	fputs("}", f);
	for (int t = MF_DIR; t <= MF_SOCK; t++)
		if (present[t])
			fprintf(f,
				",\n{\"match\": \"/**\", \"type\": \"%s\", "
				"\"mode\": \"%04o\"}",
				mf_type_name((enum mf_type)t),
				(unsigned)tmode[t]);
	fputs("\n],\n\"entries\": [\n", f);
	for (size_t i = 0; i < s->n; i++) {
		const struct mfi_row *r = &s->v[i];
		bool root = !strcmp(r->path, "/");

		/* defaults need a path component: "/" keeps built-in values */
		mfi_emit_entry(
		    f, r, root ? mfi_builtin_mode(r->type) : tmode[r->type],
		    root ? "root" : downer, root ? "root" : dgroup,
		    i + 1 == s->n);
	}
	fputs("]\n}\n", f);
	if (fclose(f)) {
		f = NULL;
		rc = mfi_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	f = NULL;
out:
	if (f)
		fclose(f);
	free(users.v);
	free(groups.v);
	mf_manifest_free(base);
	return rc;
}

void mf_import_report_print(const struct mf_import_report *rep, FILE *f)
{
	fprintf(f, "import: %zu rows read (%s format)\n", rep->rows,
		rep->rich ? "esxmock-listing" : "legacy stat-row");
	if (rep->dup_exact)
		fprintf(f, "import: dropped %zu exact duplicate rows\n",
			rep->dup_exact);
	if (rep->rel_rows && rep->rel_base[0])
		fprintf(f,
			"import: dropped %zu relative rows (%zu distinct "
			"names, from the capture's '*' glob): resolved "
			"against '%s', the only directory holding all of "
			"them: %zu equal to its absolute row, %zu "
			"contradicting it\n",
			rep->rel_rows, rep->rel_names, rep->rel_base,
			rep->rel_resolved, rep->rel_conflict);
	else if (rep->rel_rows)
		fprintf(f,
			"import: dropped %zu relative rows (%zu distinct "
			"names): not resolvable (%zu directories hold all of "
			"them)\n",
			rep->rel_rows, rep->rel_names, rep->rel_candidates);
	if (rep->mode_conflicts)
		fprintf(f,
			"import: %zu rows where hstat and stat disagree "
			"(stat used)\n",
			rep->mode_conflicts);
	fprintf(
	    f,
	    "import: kept %zu unique absolute rows: %zu dir, %zu file, "
	    "%zu symlink, %zu chardev, %zu blockdev, %zu fifo, %zu "
	    "socket; %zu with setuid/setgid/sticky bits\n",
	    rep->by_type[MF_DIR] + rep->by_type[MF_REG] + rep->by_type[MF_LNK] +
		rep->by_type[MF_CHR] + rep->by_type[MF_BLK] +
		rep->by_type[MF_FIFO] + rep->by_type[MF_SOCK],
	    rep->by_type[MF_DIR], rep->by_type[MF_REG], rep->by_type[MF_LNK],
	    rep->by_type[MF_CHR], rep->by_type[MF_BLK], rep->by_type[MF_FIFO],
	    rep->by_type[MF_SOCK], rep->special_bits);
	fprintf(f,
		"import: symlink targets: %zu from the listing, %zu "
		"confirmed, %zu plausible, %zu guessed (manifest/LINKS.md), "
		"%zu placeholders '%s'\n",
		rep->links_by_src[MF_LINK_LISTING],
		rep->links_by_src[MF_LINK_CONFIRMED],
		rep->links_by_src[MF_LINK_PLAUSIBLE],
		rep->links_by_src[MF_LINK_GUESS],
		rep->links_by_src[MF_LINK_PLACEHOLDER], MF_IMPORT_PLACEHOLDER);
	fprintf(f, "import: %zu entries in the manifest\n", rep->entries);
}
