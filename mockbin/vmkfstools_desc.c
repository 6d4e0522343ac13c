/* vmkfstools_desc.c - the VMDK text descriptor of the mock vmkfstools:
 * parse, edit and write it in ESXi's layout, plus size/format parsing and
 * the BIOS geometry ESXi records (declared in vmkfstools_disk.h). */
#include "vmkfstools_disk.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---- sizes, formats, geometry ---- */

int vd_parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	switch (*end) {
	case '\0':
	case 'b':
	case 'B':
		break;
	case 's':
	case 'S':
		mul = VD_SECTOR;
		break;
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		break;
	case 't':
	case 'T':
		mul = 1ULL << 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	if (v > UINT64_MAX / mul)
		return -ERANGE;
	v *= mul;
	if (v > UINT64_MAX - (VD_SECTOR - 1))
		return -ERANGE;
	*bytes = (v + VD_SECTOR - 1) / VD_SECTOR * VD_SECTOR;
	return 0;
}

int vd_parse_format(const char *s, enum vd_format *f)
{
	if (strcmp(s, "zeroedthick") == 0 || strcmp(s, "thick") == 0)
		*f = VD_ZEROEDTHICK;
	else if (strcmp(s, "eagerzeroedthick") == 0)
		*f = VD_EAGERZEROEDTHICK;
	else if (strcmp(s, "thin") == 0)
		*f = VD_THIN;
	else if (strncmp(s, "rdm:", 4) == 0 || strncmp(s, "rdmp:", 5) == 0 ||
		 strcmp(s, "2gbsparse") == 0)
		return -ENOTSUP;
	else
		return -EINVAL;
	return 0;
}

const char *vd_format_name(enum vd_format f)
{
	switch (f) {
	case VD_THIN:
		return "VMFS thin-provisioned";
	case VD_EAGERZEROEDTHICK:
		return "VMFS eagerzeroedthick";
	default:
		return "VMFS zeroedthick";
	}
}

void vd_geometry(uint64_t sectors, const char *adapter, unsigned int *cyl,
		 unsigned int *heads, unsigned int *secs)
{
	uint64_t c;

	if (adapter && strcmp(adapter, "ide") == 0) {
		*heads = 16;
		*secs = 63;
		c = sectors / (16 * 63);
		if (c > 16383)
			c = 16383;
	} else {
		if (sectors < 2097152) { /* < 1 GiB */
			*heads = 64;
			*secs = 32;
		} else if (sectors < 4194304) { /* < 2 GiB */
			*heads = 128;
			*secs = 32;
		} else {
			*heads = 255;
			*secs = 63;
		}
		c = sectors / (*heads * *secs);
	}
	*cyl = c > UINT_MAX ? UINT_MAX : (unsigned int)c;
}

/* ---- descriptor model ---- */

static void kv_set(struct vd_kv **v, size_t *n, const char *key,
		   const char *val, bool sorted)
{
	size_t i, at = *n;

	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i].key, key) == 0) {
			free((*v)[i].val);
			(*v)[i].val = xstrdup(val);
			return;
		}
		if (sorted && at == *n && strcmp((*v)[i].key, key) > 0)
			at = i;
	}
	*v = xrealloc(*v, sizeof(**v) * (*n + 1));
	memmove(*v + at + 1, *v + at, sizeof(**v) * (*n - at));
	(*v)[at].key = xstrdup(key);
	(*v)[at].val = xstrdup(val);
	(*n)++;
}

static const char *kv_get(const struct vd_kv *v, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].val;
	return NULL;
}

const char *vd_hdr_get(const struct vd_desc *d, const char *key)
{
	return kv_get(d->hdr, d->nhdr, key);
}

void vd_hdr_set(struct vd_desc *d, const char *key, const char *val)
{
	kv_set(&d->hdr, &d->nhdr, key, val, false);
}

const char *vd_ddb_get(const struct vd_desc *d, const char *key)
{
	return kv_get(d->ddb, d->nddb, key);
}

void vd_ddb_set(struct vd_desc *d, const char *key, const char *val)
{
	kv_set(&d->ddb, &d->nddb, key, val, true);
}

void vd_ddb_del(struct vd_desc *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->nddb; i++) {
		if (strcmp(d->ddb[i].key, key) == 0) {
			free(d->ddb[i].key);
			free(d->ddb[i].val);
			memmove(d->ddb + i, d->ddb + i + 1,
				sizeof(*d->ddb) * (d->nddb - i - 1));
			d->nddb--;
			return;
		}
	}
}

uint64_t vd_desc_sectors(const struct vd_desc *d)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < d->next; i++)
		s += d->ext[i].sectors;
	return s;
}

void vd_desc_free(struct vd_desc *d)
{
	size_t i;

	for (i = 0; i < d->nhdr; i++) {
		free(d->hdr[i].key);
		free(d->hdr[i].val);
	}
	for (i = 0; i < d->nddb; i++) {
		free(d->ddb[i].key);
		free(d->ddb[i].val);
	}
	for (i = 0; i < d->next; i++)
		free(d->ext[i].file);
	free(d->hdr);
	free(d->ddb);
	free(d->ext);
	memset(d, 0, sizeof(*d));
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* RW 268435456 VMFS "name-flat.vmdk" [offset] */
static int parse_extent(char *line, struct vd_extent *x)
{
	char *p = line, *q, *end;

	memset(x, 0, sizeof(*x));
	q = strchr(p, ' ');
	if (!q || (size_t)(q - p) >= sizeof(x->access))
		return -EINVAL;
	memcpy(x->access, p, (size_t)(q - p));
	p = q + 1;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	x->sectors = strtoull(p, &end, 10);
	if (errno || *end != ' ')
		return -EINVAL;
	p = end + 1;
	q = strchr(p, ' ');
	if (!q || (size_t)(q - p) >= sizeof(x->type) || q == p)
		return -EINVAL;
	memcpy(x->type, p, (size_t)(q - p));
	p = q + 1;
	if (*p != '"')
		return -EINVAL;
	q = strchr(p + 1, '"');
	if (!q || q == p + 1)
		return -EINVAL;
	*q = '\0';
	x->file = xstrdup(p + 1);
	p = trim(q + 1);
	if (*p) {
		errno = 0;
		x->offset = strtoull(p, &end, 10);
		if (errno || *end || !isdigit((unsigned char)*p)) {
			free(x->file);
			x->file = NULL;
			return -EINVAL;
		}
		x->has_offset = true;
	}
	return 0;
}

static bool is_access(const char *s)
{
	return strncmp(s, "RW ", 3) == 0 || strncmp(s, "RDONLY ", 7) == 0 ||
	       strncmp(s, "NOACCESS ", 9) == 0;
}

int vd_desc_parse(const char *text, struct vd_desc *d, char *err, size_t errlen)
{
	char *copy = xstrdup(text), *line, *next, *s, *eq, *k, *v;
	struct vd_extent x;
	int lineno = 0;
	size_t vl;

	memset(d, 0, sizeof(*d));
	if (strncmp(text, "# Disk DescriptorFile", 21) != 0) {
		snprintf(err, errlen, "line 1: not a disk descriptor");
		goto bad;
	}
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		s = trim(line);
		if (!*s || s[0] == '#')
			continue;
		if (is_access(s)) {
			if (parse_extent(s, &x) < 0) {
				snprintf(err, errlen,
					 "line %d: malformed extent line",
					 lineno);
				goto bad;
			}
			d->ext =
			    xrealloc(d->ext, sizeof(*d->ext) * (d->next + 1));
			d->ext[d->next++] = x;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || eq == s) {
			snprintf(err, errlen, "line %d: expected key=value",
				 lineno);
			goto bad;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (strncmp(k, "ddb.", 4) == 0) {
			vl = strlen(v);
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v[vl - 1] = '\0';
				v++;
			}
			kv_set(&d->ddb, &d->nddb, k, v, false);
		} else {
			kv_set(&d->hdr, &d->nhdr, k, v, false);
		}
	}
	if (d->next == 0) {
		snprintf(err, errlen, "no extent description");
		goto bad;
	}
	free(copy);
	return 0;
bad:
	free(copy);
	vd_desc_free(d);
	return -EINVAL;
}

char *vd_desc_format(const struct vd_desc *d)
{
	struct strbuf b;
	size_t i;

	strbuf_init(&b);
	strbuf_puts(&b, "# Disk DescriptorFile\n");
	for (i = 0; i < d->nhdr; i++)
		strbuf_printf(&b, "%s=%s\n", d->hdr[i].key, d->hdr[i].val);
	strbuf_puts(&b, "\n# Extent description\n");
	for (i = 0; i < d->next; i++) {
		strbuf_printf(&b, "%s %llu %s \"%s\"", d->ext[i].access,
			      (unsigned long long)d->ext[i].sectors,
			      d->ext[i].type, d->ext[i].file);
		if (d->ext[i].has_offset)
			strbuf_printf(&b, " %llu",
				      (unsigned long long)d->ext[i].offset);
		strbuf_putc(&b, '\n');
	}
	strbuf_puts(&b, "\n# The Disk Data Base \n#DDB\n\n");
	for (i = 0; i < d->nddb; i++)
		strbuf_printf(&b, "%s = \"%s\"\n", d->ddb[i].key,
			      d->ddb[i].val);
	return strbuf_xtake(&b);
}

void vd_new_identity(struct vd_desc *d, const unsigned char rnd[20])
{
	char cid[16], lcid[40], uuid[64];
	unsigned int c;

	c = (unsigned int)rnd[16] << 24 | (unsigned int)rnd[17] << 16 |
	    (unsigned int)rnd[18] << 8 | rnd[19];
	if (c == 0xffffffffu || c == 0)
		c = 0x1d2c3b4a;
	snprintf(cid, sizeof(cid), "%08x", c);
	snprintf(lcid, sizeof(lcid),
		 "%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%s", rnd[0],
		 rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], rnd[8],
		 rnd[9], rnd[10], rnd[11], cid);
	/* VMware disk UUIDs start with the company prefix 60 00 C2 */
	snprintf(uuid, sizeof(uuid),
		 "60 00 C2 %02x %02x %02x %02x %02x-%02x %02x %02x %02x %02x "
		 "%02x %02x %02x",
		 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7],
		 rnd[8], rnd[9], rnd[10], rnd[11], rnd[12]);
	vd_hdr_set(d, "CID", cid);
	vd_hdr_set(d, "parentCID", "ffffffff");
	vd_ddb_set(d, "ddb.longContentID", lcid);
	vd_ddb_set(d, "ddb.uuid", uuid);
}
