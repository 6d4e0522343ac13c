/* rules_read_check.c - reads FILE with read(2) calls of SIZE bytes until
 * end of file and prints the count each call returned ("7 7 6 0"); with
 * OUT, writes the bytes there. Used by the short-read tests. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t size;
	ssize_t n;
	char *buf;
	FILE *out = NULL;
	int fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: rules_read_check FILE SIZE [OUT]\n");
		return 2;
	}
	size = strtoul(argv[2], NULL, 10);
	buf = malloc(size ? size : 1);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || !buf) {
		fprintf(stderr, "rules_read_check: '%s': %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	if (argc == 4 && !(out = fopen(argv[3], "wb"))) {
		fprintf(stderr, "rules_read_check: '%s': %s\n", argv[3],
			strerror(errno));
		return 1;
	}
	do {
		n = read(fd, buf, size);
		if (n < 0) {
			printf("E%d\n", errno);
			return 1;
		}
		printf("%zd%s", n, n ? " " : "\n");
		if (out && n > 0)
			fwrite(buf, 1, (size_t)n, out);
	} while (n > 0);
	if (out)
		fclose(out);
	close(fd);
	free(buf);
	return 0;
}
