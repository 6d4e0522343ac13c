/* hook.c - the pre-op hook every data-path handler calls first, the write
 * filter and the read transforms; options and life of struct hook. */
#include "hook_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fsd_hook(struct fsd *fsd, fuse_req_t req, enum fsd_op op,
	     const struct tree_node *n, const char *name)
{
	struct hook_args a = HOOK_ARGS(op, n, name);

	return fsd_hook_ex(fsd, req, &a);
}

int fsd_hook_ex(struct fsd *fsd, fuse_req_t req, const struct hook_args *a)
{
	(void)req;
	fsd->stats.ops[a->op]++;
	return 0;
}

int hook_write_filter(struct fsd *fsd, fuse_req_t req, const char *buf,
		      size_t *len, off_t off)
{
	(void)fsd;
	(void)req;
	(void)buf;
	(void)len;
	(void)off;
	return 0;
}

bool hook_read_rewrites(struct fsd *fsd, fuse_req_t req)
{
	(void)fsd;
	(void)req;
	return false;
}

int hook_read_build(struct fsd *fsd, fuse_req_t req, uint64_t file_size,
		    const char *stored, size_t stored_len, off_t off,
		    size_t size, char **out, size_t *out_len)
{
	(void)fsd;
	(void)req;
	(void)file_size;
	(void)off;
	(void)size;
	*out = malloc(stored_len ? stored_len : 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, stored, stored_len);
	*out_len = stored_len;
	return 0;
}

struct hook_req *hook_detach(struct fsd *fsd, fuse_req_t req)
{
	struct hook_req *hr = fsd->hook ? fsd->hook->cur : NULL;

	(void)req;
	if (hr)
		fsd->hook->cur = NULL;
	return hr;
}

void hook_attach(struct fsd *fsd, struct hook_req *hr)
{
	if (fsd->hook)
		fsd->hook->cur = hr;
}

void hook_config_init(struct hook_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_exec = true;
}

int hook_take_args(struct hook_config *cfg, int *argc, char **argv, char *err,
		   size_t errlen)
{
	(void)cfg;
	(void)argc;
	(void)argv;
	(void)err;
	(void)errlen;
	return 0;
}

void hook_usage(FILE *f)
{
	(void)f;
}

int hook_new(struct fsd *fsd, const struct hook_config *cfg, char *err,
	     size_t errlen)
{
	struct hook *h = calloc(1, sizeof(*h));

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h->cfg = *cfg;
	fsd->hook = h;
	return 0;
}

void hook_free(struct fsd *fsd)
{
	free(fsd->hook);
	fsd->hook = NULL;
}
