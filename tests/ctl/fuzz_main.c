/* fuzz_main.c - replays fuzz inputs without libFuzzer (gcc builds): each
 * argument is a file or a directory of files, fed once to
 * LLVMFuzzerTestOneInput. Owns nothing beyond main(). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, count = 0;
	struct dirent *de;
	struct stat st;
	char path[4096];
	DIR *d;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!(d = opendir(argv[i]))) {
				perror(argv[i]);
				return 1;
			}
			while ((de = readdir(d))) {
				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i],
					 de->d_name);
				if (replay_file(path))
					return 1;
				count++;
			}
			closedir(d);
		} else {
			if (replay_file(argv[i]))
				return 1;
			count++;
		}
	}
	printf("replayed %d input(s)\n", count);
	return count ? 0 : 1;
}
