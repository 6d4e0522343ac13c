/* fuzz_manifest.c - libFuzzer target for mf_load (built with
 * -DESXMOCK_FUZZ=ON under clang). Input: one manifest, or two separated by
 * a 0x00 byte (base + overlay), loaded as buffers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, 0, size);
	struct mf_source src[2];
	struct mf_manifest *m = NULL;
	struct mf_error err;
	size_t n = 1;
	char buf[1024];

	src[0].name = "fuzz-base.json";
	src[0].buf = (const char *)data;
	src[0].len = sep ? (size_t)(sep - data) : size;
	if (sep) {
		src[1].name = "fuzz-overlay.json";
		src[1].buf = (const char *)sep + 1;
		src[1].len = size - src[0].len - 1;
		n = 2;
	}
	if (mf_load(src, n, &m, &err) == 0) {
		for (size_t i = 0; i < m->n_entries; i++)
			if (mf_find(m, m->entries[i].path) != &m->entries[i])
				__builtin_trap();
		mf_manifest_free(m);
	} else {
		if (m || !err.msg[0])
			__builtin_trap();
		mf_error_str(&err, buf, sizeof(buf));
	}
	return 0;
}
