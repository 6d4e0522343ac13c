/* bench_open.c - bench-rules.sh's open benchmark: collects the regular
 * files under DIR (not timed), then opens and closes each of them ROUNDS
 * times (an open always reaches the daemon) and prints the count of opens
 * and the elapsed time. usage: bench_open DIR ROUNDS -> "OPENS MS" */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char **open_paths;
static size_t open_n, open_cap;

static int open_collect(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	char **p;

	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode) || !(st->st_mode & 0444))
		return 0;
	if (open_n == open_cap) {
		open_cap = open_cap ? open_cap * 2 : 1024;
		p = realloc(open_paths, open_cap * sizeof(*p));
		if (!p)
			return 1;
		open_paths = p;
	}
	open_paths[open_n] = strdup(path);
	return open_paths[open_n++] ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	size_t i, opens = 0;
	long r, rounds;
	int fd;

	if (argc != 3 || (rounds = strtol(argv[2], NULL, 10)) < 1) {
		fprintf(stderr, "usage: bench_open DIR ROUNDS\n");
		return 2;
	}
	if (nftw(argv[1], open_collect, 64, FTW_PHYS) != 0) {
		fprintf(stderr, "bench_open: walking '%s' failed\n", argv[1]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < open_n; i++) {
			fd = open(open_paths[i], O_RDONLY | O_NOFOLLOW);
			if (fd >= 0) {
				close(fd);
				opens++;
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%zu %.3f\n", opens,
	       (double)(b.tv_sec - a.tv_sec) * 1e3 +
		   (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	for (i = 0; i < open_n; i++)
		free(open_paths[i]);
	free(open_paths);
	return 0;
}
