/* bench_walk.c - the benchmark's walker: lstat every path under DIR once
 * (nftw, FTW_PHYS: getdents + one lstat per entry) and print the count and
 * the elapsed time. usage: bench_walk DIR  ->  "ENTRIES MILLISECONDS" */
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <time.h>

static size_t walk_count;

static int walk_cb(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	(void)path;
	(void)st;
	(void)ftw;
	if (flag == FTW_NS || flag == FTW_DNR)
		return 1;
	walk_count++;
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec a, b;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_walk DIR\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (nftw(argv[1], walk_cb, 64, FTW_PHYS) != 0) {
		fprintf(stderr, "bench_walk: '%s': %s\n", argv[1],
			errno ? strerror(errno) : "unreadable entry");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%zu %.3f\n", walk_count,
	       (double)(b.tv_sec - a.tv_sec) * 1e3 +
		   (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	return 0;
}
