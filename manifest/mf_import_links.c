/* mf_import_links.c - targets for the symlinks of a listing without them.
 * Owns the rule engine over the known-links table (mf_import_linktab.c):
 * template expansion, the resolvers (shared-library versions, /dev/char
 * devices, programs found in the listing) and the LINKS.md printer. */
#include "mf_import_int.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#define MFI_TARGET_MAX (MFI_MAX_PATH + 1)

static const char *mfi_base(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Template variables, all taken from the link's own path:
 *   %n  its name              "hostd.log"
 *   %d  its directory         "/var/log"
 *   %s  its name up to the last "." ("vmw.PSODCount" of ".json")
 *   %#  the decimal digits ending its name ("1" of "tty1")
 *   %:  its ":N" partition suffix, or nothing ("vml.01...:5")
 *   %%  "%" */
static char *mfi_expand(const char *tmpl, const char *path)
{
	const char *base = mfi_base(path), *dot = strrchr(base, '.');
	const char *colon = strrchr(base, ':'), *digits;
	size_t dlen = (size_t)(base - path) - 1, blen = strlen(base);
	char *out = malloc(MFI_TARGET_MAX), *o = out;
	const char *t;

	if (!out)
		return NULL;
	for (digits = base + blen;
	     digits > base && digits[-1] >= '0' && digits[-1] <= '9'; digits--)
		;
	for (t = tmpl; *t; t++) {
		const char *add = t;
		size_t n = 1;

		if (t[0] == '%' && t[1]) {
			t++;
			switch (*t) {
			case 'n':
				add = base;
				n = blen;
				break;
			case 'd':
				add = dlen ? path : "/";
				n = dlen ? dlen : 1;
				break;
			case 's':
				add = base;
				n = dot ? (size_t)(dot - base) : blen;
				break;
			case '#':
				add = digits;
				n = strlen(digits);
				break;
			case ':':
				add = colon ? colon : "";
				n = strlen(add);
				break;
			default: /* "%%" and unknown: the character itself */
				add = t;
				n = 1;
				break;
			}
		}
		if ((size_t)(o - out) + n >= MFI_TARGET_MAX) {
			free(out);
			return NULL;
		}
		memcpy(o, add, n);
		o += n;
	}
	*o = '\0';
	return out;
}

/* Absolute form of target as seen from the link at path (no symlink
 * resolution: the table only checks what the listing has literally). */
static void mfi_abs(const char *path, const char *target, char *out, size_t n)
{
	const char *base = mfi_base(path);
	size_t dlen = (size_t)(base - path) - 1;

	if (target[0] == '/')
		snprintf(out, n, "%s", target);
	else
		snprintf(out, n, "%.*s/%s", (int)dlen, path, target);
}

/* Calls fn for every direct child of dir in the sorted set. */
static void mfi_children(const struct mfi_set *s, const char *dir,
			 void (*fn)(const struct mfi_row *r, void *ud),
			 void *ud)
{
	char prefix[MFI_TARGET_MAX + 1];
	size_t i, plen;

	snprintf(prefix, sizeof(prefix), "%s/", strcmp(dir, "/") ? dir : "");
	plen = strlen(prefix);
	for (i = mfi_set_lower(s, prefix); i < s->n; i++) {
		const char *p = s->v[i].path;

		if (strncmp(p, prefix, plen))
			break;
		if (!strchr(p + plen, '/'))
			fn(&s->v[i], ud);
	}
}

/* Picks the highest (strverscmp) non-symlink child name matching pat. */
struct mfi_pick {
	const char *pat;
	const char *best;
};

static void mfi_pick_cb(const struct mfi_row *r, void *ud)
{
	struct mfi_pick *p = ud;
	const char *b = mfi_base(r->path);

	if (r->type == MF_LNK || fnmatch(p->pat, b, 0))
		return;
	if (!p->best || strverscmp(b, p->best) > 0)
		p->best = b;
}

static char *mfi_pick_child(const struct mfi_set *s, const char *dir,
			    const char *pat)
{
	struct mfi_pick p = {.pat = pat};

	mfi_children(s, dir, mfi_pick_cb, &p);
	return p.best ? strdup(p.best) : NULL;
}

static void mfi_dirname(const char *path, char *out, size_t n)
{
	const char *base = mfi_base(path);
	size_t dlen = (size_t)(base - path) - 1;

	snprintf(out, n, "%.*s", (int)(dlen ? dlen : 1), dlen ? path : "/");
}

/* arg is a glob relative to the link's directory ("%n.py", "python3.*"):
 * the highest matching non-symlink sibling, written as a relative target.
 * An absolute arg ("/usr/lib/vmware/ * /bin/%n", no spaces) matches
 * whole paths and gives an absolute target. */
char *mfi_res_glob(const struct mfi_set *s, const char *path, const char *arg)
{
	char dir[MFI_TARGET_MAX], *pat = mfi_expand(arg, path), *best = NULL;

	if (!pat)
		return NULL;
	if (pat[0] != '/') {
		mfi_dirname(path, dir, sizeof(dir));
		best = mfi_pick_child(s, dir, pat);
	} else {
		size_t plen = strcspn(pat, "*?[\\"), i;
		const char *hit = NULL;
		char lit[MFI_TARGET_MAX];

		/* only the rows sharing the pattern's literal prefix */
		snprintf(lit, sizeof(lit), "%.*s", (int)plen, pat);
		for (i = mfi_set_lower(s, lit); i < s->n; i++) {
			const char *p = s->v[i].path;

			if (strncmp(p, lit, plen))
				break;
			if (s->v[i].type != MF_LNK &&
			    !fnmatch(pat, p, FNM_PATHNAME) &&
			    (!hit || strverscmp(p, hit) > 0))
				hit = p;
		}
		best = hit ? strdup(hit) : NULL;
	}
	free(pat);
	return best;
}

/* Shared-library links: "libz.so" and "libz.so.1" -> "libz.so.1.2.13";
 * glibc's "libc.so.6" -> "libc-2.17.so"; compatibility names such as
 * "libvmiof.so.2.7" -> the newest "libvmiof.so.*" file. */
char *mfi_res_so(const struct mfi_set *s, const char *path, const char *arg)
{
	const char *b = mfi_base(path), *so = strstr(b, ".so");
	char dir[MFI_TARGET_MAX], pat[MFI_TARGET_MAX], *t;
	size_t stem;

	(void)arg;
	if (!so)
		return NULL;
	stem = (size_t)(so - b);
	mfi_dirname(path, dir, sizeof(dir));
	snprintf(pat, sizeof(pat), "%s.*", b);
	t = mfi_pick_child(s, dir, pat);
	if (t)
		return t;
	snprintf(pat, sizeof(pat), "%.*s-[0-9]*.so", (int)stem, b);
	t = mfi_pick_child(s, dir, pat);
	if (t)
		return t;
	snprintf(pat, sizeof(pat), "%.*s.so.*", (int)stem, b);
	return mfi_pick_child(s, dir, pat);
}

/* /dev/NAME -> the one character device /dev/char/GROUP/NAME. */
struct mfi_dev {
	const char *name;
	const char *hit;
	int count;
};

char *mfi_res_devchar(const struct mfi_set *s, const char *path,
		      const char *arg)
{
	const char *name = mfi_base(path);
	struct mfi_dev d = {.name = name};
	size_t i;

	(void)arg;
	for (i = mfi_set_lower(s, "/dev/char/"); i < s->n; i++) {
		const char *p = s->v[i].path, *g;

		if (strncmp(p, "/dev/char/", 10))
			break;
		g = strchr(p + 10, '/');
		if (g && !strchr(g + 1, '/') && !strcmp(g + 1, name) &&
		    s->v[i].type == MF_CHR) {
			d.hit = p;
			d.count++;
		}
	}
	return d.count == 1 ? strdup(d.hit) : NULL;
}

/* The OSDATA volume: "/vmfs/volumes/UUID" + arg, UUID taken from the one
 * "/vmfs/volumes/OSDATA-UUID" name of the listing (ESXi 7+ system storage,
 * which holds the scratch area). */
char *mfi_res_osdata(const struct mfi_set *s, const char *path, const char *arg)
{
	const char *pfx = "/vmfs/volumes/OSDATA-", *uuid = NULL;
	char buf[MFI_TARGET_MAX];
	size_t i, plen = strlen(pfx);
	int count = 0;

	(void)path;
	for (i = mfi_set_lower(s, pfx); i < s->n; i++) {
		if (strncmp(s->v[i].path, pfx, plen))
			break;
		if (!strchr(s->v[i].path + plen, '/')) {
			uuid = s->v[i].path + plen;
			count++;
		}
	}
	if (count != 1)
		return NULL;
	snprintf(buf, sizeof(buf), "/vmfs/volumes/%s", uuid);
	if (!mfi_set_find(s, buf))
		return NULL;
	snprintf(buf, sizeof(buf), "/vmfs/volumes/%s%s", uuid, arg);
	return strdup(buf);
}

/* "OSDATA-UUID" -> "UUID" when the directory holds UUID: arg is the prefix
 * to strip from the link's name. */
char *mfi_res_strip(const struct mfi_set *s, const char *path, const char *arg)
{
	const char *b = mfi_base(path);
	char abs[MFI_TARGET_MAX + 8];
	size_t n = strlen(arg);

	if (strncmp(b, arg, n) || !b[n])
		return NULL;
	mfi_abs(path, b + n, abs, sizeof(abs));
	return mfi_set_find(s, abs) ? strdup(b + n) : NULL;
}

static bool mfi_in(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

static char *mfi_rule_apply(const struct mfi_link_rule *r,
			    const struct mfi_set *s, const char *path)
{
	char abs[MFI_TARGET_MAX + 8], *t;

	if (fnmatch(r->match, path, r->flags & MFI_ANYDEPTH ? 0 : FNM_PATHNAME))
		return NULL;
	if (r->names && !mfi_in(r->names, mfi_base(path)))
		return NULL;
	if (r->resolve) {
		char *arg = mfi_expand(r->arg ? r->arg : "", path);

		t = arg ? r->resolve(s, path, arg) : NULL;
		free(arg);
	} else {
		t = mfi_expand(r->target, path);
	}
	if (t && (r->flags & MFI_EXISTS)) {
		mfi_abs(path, t, abs, sizeof(abs));
		if (!mfi_set_find(s, abs) || !strcmp(abs, path)) {
			free(t);
			t = NULL;
		}
	}
	return t;
}

int mfi_links_assign(struct mfi_set *s, struct mf_import_report *rep)
{
	for (size_t i = 0; i < s->n; i++) {
		struct mfi_row *row = &s->v[i];
		size_t k;

		rep->by_type[row->type]++;
		if (row->mode & 07000)
			rep->special_bits++;
		if (row->type != MF_LNK)
			continue;
		if (row->target) {
			row->link = strdup(row->target);
			row->link_src = MF_LINK_LISTING;
		} else {
			for (k = 0; k < mfi_n_link_rules && !row->link; k++) {
				row->link = mfi_rule_apply(&mfi_link_rules[k],
							   s, row->path);
				row->link_src = mfi_link_rules[k].src;
			}
			if (!row->link) {
				row->link = strdup(MF_IMPORT_PLACEHOLDER);
				row->link_src = MF_LINK_PLACEHOLDER;
			}
		}
		if (!row->link)
			return -ENOMEM;
		rep->links_by_src[row->link_src]++;
	}
	return 0;
}

static const char *const mfi_src_names[MF_LINK_NSRC] = {
    [MF_LINK_LISTING] = "listing",         [MF_LINK_CONFIRMED] = "confirmed",
    [MF_LINK_PLAUSIBLE] = "plausible",     [MF_LINK_GUESS] = "guess",
    [MF_LINK_PLACEHOLDER] = "placeholder",
};

const char *mf_link_src_name(enum mf_link_src s)
{
	return (unsigned)s < MF_LINK_NSRC ? mfi_src_names[s] : "?";
}

/* Markdown cell: "|" escaped, code span for paths. */
static void mfi_md_cell(FILE *f, const char *s, bool code)
{
	fputs(code ? " `" : " ", f);
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else
			fputc(*s, f);
	}
	fputs(code ? "` |" : " |", f);
}

void mf_import_links_markdown(FILE *f)
{
	fprintf(f, "| # | link (glob) | names | target | status | evidence |\n"
		   "|---|---|---|---|---|---|\n");
	for (size_t k = 0; k < mfi_n_link_rules; k++) {
		const struct mfi_link_rule *r = &mfi_link_rules[k];
		char names[2048] = "", tgt[512];
		size_t o = 0;

		if (r->names)
			for (const char *const *n = r->names;
			     *n && o < sizeof(names) - 64; n++)
				o += (size_t)snprintf(names + o,
						      sizeof(names) - o, "%s%s",
						      o ? " " : "", *n);
		if (r->resolve == mfi_res_so)
			snprintf(tgt, sizeof(tgt), "(shared-library resolver)");
		else if (r->resolve == mfi_res_devchar)
			snprintf(tgt, sizeof(tgt), "(/dev/char resolver)");
		else if (r->resolve == mfi_res_osdata)
			snprintf(tgt, sizeof(tgt),
				 "/vmfs/volumes/<OSDATA uuid>%s", r->arg);
		else if (r->resolve == mfi_res_strip)
			snprintf(tgt, sizeof(tgt), "name without '%s'", r->arg);
		else if (r->resolve == mfi_res_glob)
			snprintf(tgt, sizeof(tgt), "newest match of %s",
				 r->arg);
		else
			snprintf(tgt, sizeof(tgt), "%s", r->target);
		fprintf(f, "| %zu |", k + 1);
		mfi_md_cell(f, r->match, true);
		if (names[0])
			mfi_md_cell(f, names, false);
		else
			fputs(" |", f);
		mfi_md_cell(f, tgt, r->resolve == NULL);
		fprintf(f, " %s%s%s |", mf_link_src_name(r->src),
			r->flags & MFI_EXISTS ? ", if the target exists" : "",
			r->flags & MFI_ANYDEPTH ? ", any depth" : "");
		mfi_md_cell(f, r->why, false);
		fputc('\n', f);
	}
}
