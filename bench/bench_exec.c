/* bench_exec.c - bench-exec.sh's exec latency driver: fork + execve of
 * PROGRAM (argv as given, stdout and stderr to /dev/null) N times after
 * WARMUP untimed runs, each timed from fork to the child's reap.
 * usage: bench_exec N WARMUP PROGRAM [ARGS...] -> "MEDIAN_US P90_US FAILS" */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* One run: its duration in microseconds; *ok false when the program did
 * not exit 0. */
static double run_once(char **argv, int devnull, int *ok)
{
	double t0 = now_us();
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		st = -1;
	*ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	return now_us() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n, warm, i, fails = 0;
	double *t;
	int devnull, ok;

	if (argc < 4 || (n = strtol(argv[1], NULL, 10)) < 1 ||
	    (warm = strtol(argv[2], NULL, 10)) < 0) {
		fprintf(stderr,
			"usage: bench_exec N WARMUP PROGRAM [ARGS...]\n");
		return 2;
	}
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	t = calloc((size_t)n, sizeof(*t));
	if (devnull < 0 || !t) {
		fprintf(stderr, "bench_exec: cannot open /dev/null\n");
		return 1;
	}
	for (i = 0; i < warm; i++)
		run_once(argv + 3, devnull, &ok);
	for (i = 0; i < n; i++) {
		t[i] = run_once(argv + 3, devnull, &ok);
		fails += !ok;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%.1f %.1f %ld\n",
	       n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2,
	       t[(size_t)((double)n * 0.9)], fails);
	free(t);
	return 0;
}
