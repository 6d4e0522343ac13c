/* mf_import_links.c - targets for the symlinks of a listing without them.
 * Owns the table of known ESXi symlink targets and its resolvers (shared
 * library versions, /dev/char devices, programs found in the listing);
 * manifest/LINKS.md is this table, printed by mf_import_links_markdown. */
#include "mf_import_int.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#define MFI_BUSYBOX "/usr/lib/vmware/busybox/bin/busybox"
#define MFI_TARGET_MAX (MFI_MAX_PATH + 1)

/* Rule flags. */
#define MFI_EXISTS 1u   /* the expanded target must be a path of the listing */
#define MFI_ANYDEPTH 2u /* match without FNM_PATHNAME: "*" crosses "/" */

/* Computes a target for the link at path from the listing; returns a heap
 * string, or NULL when the rule does not apply. arg is the rule's. */
typedef char *(*mfi_resolve_fn)(const struct mfi_set *s, const char *path,
				const char *arg);

/* One row of the table: the first rule that yields a target wins. */
struct mfi_link_rule {
	const char *match;        /* fnmatch on the link path (FNM_PATHNAME) */
	const char *const *names; /* NULL, or the link names it applies to */
	const char *target;       /* template (see mfi_expand) */
	mfi_resolve_fn resolve;   /* or: computes the target from the listing */
	const char *arg;          /* the resolver's argument (a template) */
	unsigned int flags;       /* MFI_EXISTS, MFI_ANYDEPTH */
	enum mf_link_src src;
	const char *why; /* evidence, printed in LINKS.md */
};

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
static char *mfi_res_glob(const struct mfi_set *s, const char *path,
			  const char *arg)
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
static char *mfi_res_so(const struct mfi_set *s, const char *path,
			const char *arg)
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

static char *mfi_res_devchar(const struct mfi_set *s, const char *path,
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
static char *mfi_res_osdata(const struct mfi_set *s, const char *path,
			    const char *arg)
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
static char *mfi_res_strip(const struct mfi_set *s, const char *path,
			   const char *arg)
{
	const char *b = mfi_base(path);
	char abs[MFI_TARGET_MAX + 8];
	size_t n = strlen(arg);

	if (strncmp(b, arg, n) || !b[n])
		return NULL;
	mfi_abs(path, b + n, abs, sizeof(abs));
	return mfi_set_find(s, abs) ? strdup(b + n) : NULL;
}

/* Upstream BusyBox applet names that ESXi 8's /bin links to busybox. The
 * names ESXi serves from other programs (ps, lsof, lspci: vmkvsitools) are
 * matched by earlier rules. Debian's busybox-static lacks a few of these
 * (cksum eject inetd lzopcat nohup pgrep pkill resize sum unlzop): in the
 * mock they print "applet not found". */
static const char *const mfi_busybox_applets[] = {"[",          "[[",
						  "ash",        "awk",
						  "basename",   "bunzip2",
						  "bzip2",      "cat",
						  "chgrp",      "chmod",
						  "chown",      "chvt",
						  "cksum",      "clear",
						  "cp",         "crond",
						  "cut",        "date",
						  "dd",         "diff",
						  "dirname",    "dnsdomainname",
						  "du",         "echo",
						  "egrep",      "eject",
						  "env",        "expr",
						  "false",      "fgrep",
						  "find",       "getty",
						  "grep",       "gunzip",
						  "gzip",       "halt",
						  "head",       "hexdump",
						  "hostname",   "hwclock",
						  "inetd",      "init",
						  "kill",       "ln",
						  "logger",     "login",
						  "ls",         "lzop",
						  "lzopcat",    "md5sum",
						  "mkdir",      "mkfifo",
						  "mknod",      "mktemp",
						  "more",       "mv",
						  "nohup",      "nslookup",
						  "od",         "passwd",
						  "pgrep",      "pidof",
						  "ping",       "ping6",
						  "pkill",      "poweroff",
						  "printf",     "readlink",
						  "reboot",     "reset",
						  "resize",     "rm",
						  "rmdir",      "sed",
						  "seq",        "setsid",
						  "sh",         "sha1sum",
						  "sha256sum",  "sha512sum",
						  "sleep",      "sort",
						  "ssl_client", "stat",
						  "stty",       "sum",
						  "sync",       "tail",
						  "tar",        "taskset",
						  "tee",        "test",
						  "time",       "timeout",
						  "touch",      "true",
						  "uname",      "uniq",
						  "unlzop",     "unzip",
						  "uptime",     "usleep",
						  "vi",         "watch",
						  "wc",         "wget",
						  "which",      "who",
						  "xargs",      "zcat",
						  NULL};

static const char *const mfi_vmkvsitools[] = {
    "amldump", "bootOption", "irqinfo", "lsacpi", "lsof", "lspci",
    "ps",      "vdf",        "vdu",     "vmware", NULL};
static const char *const mfi_mtools[] = {"mcopy", "mdir", "mmd", NULL};
static const char *const mfi_scratch_dirs[] = {"cache", "core", "tmp", "vmware",
					       NULL};
static const char *const mfi_usr_bin[] = {"bin", "sbin", NULL};
static const char *const mfi_ssl_cnf[] = {"openssl.cnf", "fipsmodule.cnf",
					  NULL};
static const char *const mfi_chutil[] = {"chfn", "chsh", "chuid", NULL};

#define MFI_WD_BLACK                                                           \
	"t10.NVMe____WD_BLACK_SN850X_4000GB__________________"                 \
	"BC8EC74E8B441B00%:"
#define MFI_SAMSUNG                                                            \
	"t10.ATA_____Samsung_SSD_870_EVO_4TB_________________"                 \
	"S6BBNS0TB06118J_____%:"

/* Order matters: the first rule giving a target wins. Evidence words in
 * "why" (LINKS.md explains them): "ref N" = docs/esx-cli-reference.md
 * section N; "seen" = a public capture of a real host; "listing" = the
 * target is what manifest/data/esx8-listing.json makes consistent; "host"
 * = specific to the host that listing was captured on (applies only when
 * the target exists in the listing). */
static const struct mfi_link_rule mfi_rules[] = {
    /* ---- programs ---- */
    {.match = "/bin/sh",
     .target = MFI_BUSYBOX,
     .src = MF_LINK_CONFIRMED,
     .why = "seen: 'ls -l $(which sh)' on ESXi 6.7 in a public blog "
	    "post; ref 1: the shell is busybox ash"},
    {.match = "/bin/configstorecli",
     .target = "/usr/lib/vmware/configmanager/bin/configstorecli",
     .src = MF_LINK_CONFIRMED,
     .why = "ref 1: a symlink to the configmanager program [seen]"},
    {.match = "/bin/*",
     .names = mfi_vmkvsitools,
     .target = "/bin/vmkvsitools",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "public scripts run 'vmkvsitools lsof': a multi-call tool "
	    "(ESXi's ps, lsof and lspci are not busybox's)"},
    {.match = "/usr/libexec/pci-info",
     .target = "/bin/vmkvsitools",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "vmkvsitools also answers to pci-info"},
    {.match = "/bin/vim-cmd",
     .target = "/bin/hostd",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "vim-cmd is served by hostd"},
    {.match = "/bin/*",
     .names = mfi_mtools,
     .target = "/bin/mtools",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "mtools multi-call convention; the listing has /bin/mtools"},
    {.match = "/bin/*",
     .resolve = mfi_res_glob,
     .arg = "%n.py",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the program NAME.py beside it (esxcli.py, "
	    "netdbg.py); ref 2.1: esxcli --version prints \"Script "
	    "'esxcli' version\""},
    {.match = "/bin/python*",
     .resolve = mfi_res_glob,
     .arg = "python3.*",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the newest /bin/python3.N program"},
    {.match = "/bin/rpcfg",
     .target = "/usr/lib/vmware/rp/bin/configRP",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: the resource-pool configuration tool"},
    {.match = "/bin/*",
     .resolve = mfi_res_glob,
     .arg = "/usr/lib/vmware/*/bin/%n",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the program of the same name in /usr/lib/vmware/*/bin "
	    "(ssh, scp, pigz, gstorecli, sshdpu, runInRP, passwd)"},
    {.match = "/bin/*",
     .names = mfi_busybox_applets,
     .target = MFI_BUSYBOX,
     .src = MF_LINK_PLAUSIBLE,
     .why = "a busybox applet name: linked like /bin/sh"},
    {.match = "/usr/lib/vmware/misc/bin/fdisk",
     .target = MFI_BUSYBOX,
     .src = MF_LINK_PLAUSIBLE,
     .why = "busybox's fdisk applet"},
    {.match = "/usr/lib/vmware/vds-vsip/bin/vds-ioctl",
     .target = "vds-vsipioctl",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "ref 1: beside vds-vsipioctl"},
    {.match = "/usr/lib/vmware/auth/bin/*",
     .names = mfi_chutil,
     .target = "chutil",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: the ch* tool of that directory"},
    {.match = "/usr/lib/vmware/auth/bin/addgroup",
     .target = "adduser",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: the add* tool of that directory"},
    {.match = "/usr/lib/vmware/auth/bin/delgroup",
     .target = "deluser",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: the del* tool of that directory"},
    /* ---- the root, storage, tools images ---- */
    {.match = "/sbin",
     .target = "/bin",
     .src = MF_LINK_PLAUSIBLE,
     .why = "ref 1: /sbin -> /bin [inf]"},
    {.match = "/usr/*",
     .names = mfi_usr_bin,
     .target = "/bin",
     .src = MF_LINK_PLAUSIBLE,
     .why = "ESXi keeps its programs in /bin"},
    {.match = "/usr/lib/vmware/bin",
     .target = "/bin",
     .src = MF_LINK_PLAUSIBLE,
     .why = "public scripts run /usr/lib/vmware/bin/vmkvsitools, which "
	    "the listing has in /bin"},
    {.match = "/usr/lib/vmware/lib",
     .target = "/lib",
     .src = MF_LINK_PLAUSIBLE,
     .why = "as /usr/lib/vmware/bin"},
    {.match = "/usr/lib/vmware/lib64",
     .target = "/lib64",
     .src = MF_LINK_PLAUSIBLE,
     .why = "as /usr/lib/vmware/bin"},
    {.match = "/bootbank",
     .target = "/vmfs/volumes/0bb69722-254c35ca-008f-a73c5b4ab387",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "host: the vfat bank holding the boot modules; public "
	    "captures show 'bootbank -> /vmfs/volumes/UUID'"},
    {.match = "/altbootbank",
     .target = "/vmfs/volumes/178c2eca-e643c682-7bba-f4e50a998583",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "host: the other vfat bank (only boot.cfg); same form"},
    {.match = "/vmfs/volumes/BOOTBANK1",
     .target = "0bb69722-254c35ca-008f-a73c5b4ab387",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "host: the bank /bootbank uses (the listing does not say "
	    "which label is which)"},
    {.match = "/vmfs/volumes/BOOTBANK2",
     .target = "178c2eca-e643c682-7bba-f4e50a998583",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "host: the other bank"},
    {.match = "/vmfs/volumes/datastore1",
     .target = "63dc3811-5c7d40a7-9b32-646266213c0e",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "host: the VMFS volume holding VMs and the system swap"},
    {.match = "/vmfs/volumes/ssd",
     .target = "63de08a8-10bc906e-a164-646266213c0e",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "host: the remaining VMFS volume"},
    {.match = "/vmfs/volumes/OSDATA-*",
     .resolve = mfi_res_strip,
     .arg = "OSDATA-",
     .src = MF_LINK_PLAUSIBLE,
     .why = "the label names the volume's UUID"},
    {.match = "/scratch",
     .resolve = mfi_res_osdata,
     .arg = "",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the capture's relative rows (run in /scratch) are "
	    "the OSDATA volume's entries"},
    {.match = "/locker",
     .resolve = mfi_res_osdata,
     .arg = "/locker",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: OSDATA/locker holds packages/vmtoolsRepo"},
    {.match = "/store",
     .resolve = mfi_res_osdata,
     .arg = "/store",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: OSDATA has a store"},
    {.match = "/var/lib/vmware/osdata",
     .resolve = mfi_res_osdata,
     .arg = "",
     .src = MF_LINK_PLAUSIBLE,
     .why = "named after the OSDATA volume"},
    {.match = "/productLocker",
     .target = "/locker/packages/vmtoolsRepo/",
     .src = MF_LINK_PLAUSIBLE,
     .why = "ESXi 7+ layout (public docs); the listing has "
	    "OSDATA/locker/packages/vmtoolsRepo"},
    {.match = "/vmimages/floppies",
     .target = "/productLocker/floppies/",
     .src = MF_LINK_PLAUSIBLE,
     .why = "productLocker holds floppies and vmtools (public docs)"},
    {.match = "/vmimages/tools-isoimages",
     .target = "/productLocker/vmtools/",
     .src = MF_LINK_PLAUSIBLE,
     .why = "productLocker holds floppies and vmtools (public docs)"},
    {.match = "/usr/lib/vmware/floppies",
     .target = "/vmimages/floppies",
     .src = MF_LINK_PLAUSIBLE,
     .why = "the tools images of /vmimages"},
    {.match = "/usr/lib/vmware/isoimages",
     .target = "/vmimages/tools-isoimages",
     .src = MF_LINK_PLAUSIBLE,
     .why = "the tools images of /vmimages"},
    {.match = "/vmfs/devices",
     .target = "/dev",
     .src = MF_LINK_PLAUSIBLE,
     .why = "/vmfs/devices/disks and /dev/disks are the same devices"},
    /* ---- logs and scratch ---- */
    {.match = "/var/run/log",
     .target = "/scratch/log",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the scratch volume's log directory holds the same "
	    "log names"},
    {.match = "/var/log/*",
     .target = "/var/run/log/%n",
     .src = MF_LINK_PLAUSIBLE,
     .why = "ref 9.5: /var/log/*.log link into /var/run/log [inf]"},
    {.match = "/var/*",
     .names = mfi_scratch_dirs,
     .target = "/scratch/%n",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the scratch volume has cache, core, tmp, vmware"},
    {.match = "/usr/lib/vmware/hostd/docroot/downloads",
     .target = "/scratch/downloads",
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the scratch volume has downloads"},
    {.match = "/vmfs/volumes/*/healthd/*.json",
     .resolve = mfi_res_glob,
     .arg = "%s-[0-9]*.json",
     .src = MF_LINK_GUESS,
     .why = "listing: the newest NAME-N.json beside it"},
    /* ---- devices ---- */
    {.match = "/dev/tty",
     .target = "/dev/char/tty/0",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: the one tty device without a numbered link"},
    {.match = "/dev/tty[0-9]*",
     .target = "/dev/char/tty/%#",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: /dev/char/tty/N"},
    {.match = "/dev/ttyp[0-9]*",
     .target = "/dev/char/pty/t%#",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: /dev/char/pty/tN"},
    {.match = "/dev/shm",
     .target = "/var/run/shm",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: /var/run/shm is a sticky directory"},
    {.match = "/dev/*",
     .resolve = mfi_res_devchar,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the one character device /dev/char/GROUP/NAME"},
    {.match = "/dev/disks/vml.0100000000424338455f433734455f384234345f3142"
	      "30300057445f424c41*",
     .target = MFI_WD_BLACK,
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "host: the vml id spells the WD_BLACK disk's serial; same "
	    "partition"},
    {.match = "/dev/disks/vml.0545adb657b9177f686ca5400206e568b324ccd51fda"
	      "baff5604265c91d06b375a*",
     .target = MFI_WD_BLACK,
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "host: a second vml id with the WD_BLACK disk's partitions"},
    {.match = "/dev/disks/vml.0100000000533642424e533054423036313138"
	      "4a202020202053616d73756e*",
     .target = MFI_SAMSUNG,
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "host: the vml id spells the Samsung disk's serial"},
    /* ---- files ---- */
    {.match = "/etc/vmware/pci.ids",
     .target = "/usr/share/hwdata/pci.ids",
     .src = MF_LINK_PLAUSIBLE,
     .why = "ref 9.3 [inf]"},
    {.match = "/usr/share/hwdata/usb.ids",
     .target = "/etc/vmware/usb.ids",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "ref 9.4 lists the file /etc/vmware/usb.ids"},
    {.match = "/etc/sfcb/repository",
     .target = "/var/lib/sfcb/registration/repository",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: sfcb's repository"},
    {.match = "/etc/likewise/lib/db",
     .target = "/etc/likewise/db",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: likewise's db directory"},
    {.match = "/etc/vmware/hostd/cache-blokers/*",
     .target = "/etc/init.d/%n",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: the service's init script"},
    {.match = "/var/lib/dhcp/*.leases",
     .target = "/etc/%n",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: /etc holds the lease files"},
    {.match = "/usr/lib/ssl/*",
     .names = mfi_ssl_cnf,
     .target = "/etc/vmware/ssl/%n",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: ESXi's OpenSSL configuration"},
    {.match = "/usr/lib/ssl/cert.pem",
     .target = "/etc/vmware/ssl/castore.pem",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: ESXi's CA store"},
    {.match = "/usr/lib/ssl/certs",
     .target = "/etc/vmware/ssl",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: ESXi's certificate directory"},
    {.match = "/usr/lib/locale/locale-archive",
     .target = "/usr/lib64/locale/locale-archive",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the 64-bit archive"},
    {.match = "/usr/lib/vmware/settings",
     .target = "/etc/vmware/settings",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: the one settings file"},
    {.match = "/usr/lib/vmware/hostd/docroot/*/sdk",
     .target = "/usr/lib/vmware/hostd/docroot/sdk",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: hostd's sdk directory"},
    {.match = "/usr/lib/vmware/hostd/extensions/hostprofiles/locale",
     .target = "/usr/lib/hostprofiles/locale",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: host profiles' locale"},
    {.match = "/usr/share/terminfo/s/screen.xterm-256color",
     .target = "screen-256color",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "terminfo alias convention"},
    {.match = "/lib64/python3.5/site-packages/vmware/esximage",
     .target = "/lib64/python3.8/site-packages/vmware/esximage",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the python3.8 package"},
    {.match = "/lib64/python3.8/site-packages/configRP.py",
     .target = "/usr/lib/vmware/rp/bin/configRP",
     .flags = MFI_EXISTS,
     .src = MF_LINK_GUESS,
     .why = "listing: the configRP program"},
    /* ---- shared libraries ---- */
    {.match = "/lib64/ld-linux-x86-64.so.2",
     .resolve = mfi_res_glob,
     .arg = "ld-[0-9]*.so",
     .src = MF_LINK_PLAUSIBLE,
     .why = "glibc convention; the listing has ld-2.17.so"},
    {.match = "/lib64/libevent.so",
     .resolve = mfi_res_glob,
     .arg = "libevent-*.so.*",
     .src = MF_LINK_PLAUSIBLE,
     .why = "libevent convention: the versioned libevent-2.1 library"},
    {.match = "/lib64/libpng.so",
     .target = "libpng16.so",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "libpng convention"},
    {.match = "/lib64/libreadline.so",
     .resolve = mfi_res_glob,
     .arg = "libedit.so.0*",
     .src = MF_LINK_GUESS,
     .why = "listing: no readline library; libedit provides its API"},
    {.match = "/lib64/libvmx-vmiop.so",
     .target = "/usr/lib64/vmware/plugin/libvmx-vmiop.so",
     .flags = MFI_EXISTS,
     .src = MF_LINK_PLAUSIBLE,
     .why = "listing: the plugin library"},
    {.match = "/usr/lib64/libboost_*-gcc48-*",
     .resolve = mfi_res_glob,
     .arg = "libboost_iostreams-gcc93-mt-x64-*.so.*",
     .src = MF_LINK_GUESS,
     .why = "listing: old boost bzip2/zlib names; iostreams holds both"},
    {.match = "*.so*",
     .resolve = mfi_res_so,
     .flags = MFI_ANYDEPTH,
     .src = MF_LINK_PLAUSIBLE,
     .why = "shared-library convention: the newest file of that soname "
	    "in the directory (glibc: libc.so.6 -> libc-2.17.so)"},
};
#define MFI_NRULES (sizeof(mfi_rules) / sizeof(mfi_rules[0]))

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
			for (k = 0; k < MFI_NRULES && !row->link; k++) {
				row->link =
				    mfi_rule_apply(&mfi_rules[k], s, row->path);
				row->link_src = mfi_rules[k].src;
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
	for (size_t k = 0; k < MFI_NRULES; k++) {
		const struct mfi_link_rule *r = &mfi_rules[k];
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
