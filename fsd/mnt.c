/* mnt.c - startup checks before mounting and the daemonising fork.
 * Owns the messages for missing, busy and stale mount points and FUSE. */
#include "mnt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void mnt_unescape(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] &&
		    s[3]) {
			*w++ = (char)(((s[1] - '0') << 6) |
				      ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

/* The file system type mounted exactly on abs ("fuse.esxfsd"), if any. */
static int mnt_type_at(const char *abs, char *type, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		/* id parent maj:min root mountpoint opts... - fstype src */
		char mp[PATH_MAX], fstype[128];
		const char *sep = strstr(line, " - ");

		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 || !sep ||
		    sscanf(sep + 3, "%127s", fstype) != 1)
			continue;
		mnt_unescape(mp);
		if (!strcmp(mp, abs)) {
			snprintf(type, len, "%s", fstype);
			found = 1; /* keep going: the last one is on top */
		}
	}
	free(line);
	fclose(f);
	return found;
}

/* A FUSE mount whose daemon died answers ENOTCONN: detach it lazily. */
static int mnt_unstale(const struct fsd_log *lg, const char *path)
{
	int rc;

	log_msg(lg, LOG_LV_WARN,
		"mount point '%s' is a stale FUSE mount (its daemon died): "
		"unmounting it lazily (by hand: fusermount3 -uz '%s')",
		path, path);
	if (umount2(path, MNT_DETACH) == 0)
		return 0;
	rc = -errno;
	log_msg(lg, LOG_LV_ERROR,
		"cannot unmount stale mount '%s': %s; run 'fusermount3 -uz %s' "
		"as root",
		path, strerror(errno), path);
	return rc;
}

int mnt_check_point(const struct fsd_log *lg, const char *path, char **abs)
{
	struct statfs sfs;
	struct stat st;
	char type[128];
	int rc;

	*abs = NULL;
	/* stat may be answered from the kernel's attribute cache even when
	 * the daemon is gone; statfs always asks it (below). */
	if (stat(path, &st) < 0 && errno == ENOTCONN) {
		rc = mnt_unstale(lg, path);
		if (rc)
			return rc;
	}
	if (stat(path, &st) < 0) {
		rc = -errno;
		if (errno == ENOENT)
			log_msg(lg, LOG_LV_ERROR,
				"mount point '%s' does not exist (create it "
				"with 'mkdir -p %s')",
				path, path);
		else
			log_msg(lg, LOG_LV_ERROR, "mount point '%s': %s", path,
				strerror(errno));
		return rc;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_msg(lg, LOG_LV_ERROR, "mount point '%s' is not a directory",
			path);
		return -ENOTDIR;
	}
	*abs = realpath(path, NULL);
	if (!*abs) {
		rc = -errno;
		log_msg(lg, LOG_LV_ERROR, "mount point '%s': %s", path,
			strerror(errno));
		return rc;
	}
	if (!mnt_type_at(*abs, type, sizeof(type)) || strncmp(type, "fuse", 4))
		return 0;
	if (statfs(*abs, &sfs) < 0 && errno == ENOTCONN) {
		rc = mnt_unstale(lg, *abs);
		if (rc) {
			free(*abs);
			*abs = NULL;
		}
		return rc;
	}
	log_msg(lg, LOG_LV_ERROR,
		"mount point '%s' is busy: already mounted (%s); unmount it "
		"first with 'fusermount3 -u %s'",
		*abs, type, *abs);
	free(*abs);
	*abs = NULL;
	return -EBUSY;
}

int mnt_check_dev_fuse(const struct fsd_log *lg)
{
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	int rc;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	rc = -errno;
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
		log_msg(lg, LOG_LV_ERROR,
			"'/dev/fuse' is missing: FUSE is unavailable (load it "
			"with 'modprobe fuse'; in a container pass '--device "
			"/dev/fuse --cap-add SYS_ADMIN')");
	else if (errno == EACCES || errno == EPERM)
		log_msg(lg, LOG_LV_ERROR,
			"'/dev/fuse' is not permitted: %s (run as root, or in "
			"a container pass '--device /dev/fuse --cap-add "
			"SYS_ADMIN')",
			strerror(errno));
	else
		log_msg(lg, LOG_LV_ERROR, "'/dev/fuse': %s", strerror(errno));
	return rc;
}

int mnt_daemon_start(const struct fsd_log *lg, int *ready_fd)
{
	int p[2], status;
	pid_t pid;
	char c;
	ssize_t n;

	*ready_fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0) {
		int e = errno;

		log_msg(lg, LOG_LV_ERROR, "pipe: %s", strerror(e));
		return -e;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int rc = -errno;

		log_msg(lg, LOG_LV_ERROR, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return rc;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		*ready_fd = p[1];
		return 0;
	}
	/* The starter: wait for "ready" or for the daemon's death. _exit:
	 * everything it holds belongs to the daemon now. */
	close(p[1]);
	do {
		n = read(p[0], &c, 1);
	} while (n < 0 && errno == EINTR);
	if (n == 1)
		_exit(0);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
	log_msg(lg, LOG_LV_ERROR, "daemon died before the mount was ready");
	_exit(1);
}
