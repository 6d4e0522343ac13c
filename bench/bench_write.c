/* bench_write.c - the write workloads of bench/bench-write.sh, timed here
 * so the shell adds nothing to the figures.
 *   bench_write small DIR N    N x (create, write 4 KiB, close, unlink):
 *                              prints files per second
 *   bench_write write FILE MIB sequential 1 MiB writes, close: MB/s
 *   bench_write read FILE      sequential 1 MiB reads: MB/s
 * Not a test: it asserts nothing but that the calls succeed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BW_BLOCK (1 << 20)

static double bw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bw_die(const char *what, const char *path)
{
	fprintf(stderr, "bench_write: %s '%s': %s\n", what, path,
		strerror(errno));
	exit(1);
}

static int bw_small(const char *dir, long n)
{
	char path[4096], buf[4096];
	double t0, t1;
	long i;
	int fd;

	memset(buf, 'x', sizeof(buf));
	t0 = bw_now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i % 64);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			bw_die("create", path);
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			bw_die("write", path);
		if (close(fd) < 0)
			bw_die("close", path);
		if (unlink(path) < 0)
			bw_die("unlink", path);
	}
	t1 = bw_now();
	printf("%.0f\n", (double)n / (t1 - t0));
	return 0;
}

static int bw_write(const char *path, long mib)
{
	char *buf = malloc(BW_BLOCK);
	double t0, t1;
	long i;
	int fd;

	if (!buf)
		return 1;
	memset(buf, 'w', BW_BLOCK);
	t0 = bw_now();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		bw_die("create", path);
	for (i = 0; i < mib; i++)
		if (write(fd, buf, BW_BLOCK) != BW_BLOCK)
			bw_die("write", path);
	if (close(fd) < 0)
		bw_die("close", path);
	t1 = bw_now();
	printf("%.1f\n", (double)mib * BW_BLOCK / 1e6 / (t1 - t0));
	free(buf);
	return 0;
}

static int bw_read(const char *path)
{
	char *buf = malloc(BW_BLOCK);
	double t0, t1;
	long total = 0;
	ssize_t n;
	int fd;

	if (!buf)
		return 1;
	t0 = bw_now();
	fd = open(path, O_RDONLY);
	if (fd < 0)
		bw_die("open", path);
	while ((n = read(fd, buf, BW_BLOCK)) > 0)
		total += n;
	if (n < 0)
		bw_die("read", path);
	close(fd);
	t1 = bw_now();
	printf("%.1f\n", (double)total / 1e6 / (t1 - t0));
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "small"))
		return bw_small(argv[2], atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "write"))
		return bw_write(argv[2], atol(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "read"))
		return bw_read(argv[2]);
	fprintf(stderr, "usage: bench_write small DIR N | write FILE MIB | "
			"read FILE\n");
	return 2;
}
