/* The container image's PID 1: mounts the ESXi tree with the static esxfsd,
 * runs the container's command chrooted into it, forwards signals, reaps. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EP_NAME "esxmock-entrypoint"
#define EP_SHADOW "/.shadow"
#define EP_ROOT "/.esxmock-root"
#define EP_CONTROL "0.0.0.0:7744"
#define EP_PATH "/bin:/sbin:/usr/bin:/usr/sbin"
#define EP_MOUNT_TIMEOUT_S 120
#define EP_STOP_TIMEOUT_S 10
#define EP_POLL_MS 20

struct ep_argv {
	char **v;
	size_t n, cap;
};

/* Everything the entrypoint knows, from the environment and argv. */
struct ep {
	const char *shadow;   /* $ESXMOCK_SHADOW or /.shadow */
	const char *root;     /* $ESXMOCK_ROOT_DIR: the mount point */
	const char *control;  /* $ESXMOCK_CONTROL_ADDR */
	const char *mf_dir;   /* $ESXMOCK_MANIFEST_DIR: overlays */
	const char *mf_extra; /* $ESXMOCK_MANIFESTS: more overlays, a:b */
	const char *fsd_args; /* $ESXMOCK_FSD_ARGS: extra esxfsd options */
	char pid_file[4096];
	char fsd_path[4096];
	char base_dir[4096];
	char mf_dir_buf[4096];
	sigset_t sigs, old_mask;
	pid_t fsd_pid, cmd_pid;
};

static void ep_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void ep_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, EP_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static int argv_add(struct ep_argv *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n] = strdup(s);
	if (!a->v[a->n])
		return -ENOMEM;
	a->v[++a->n] = NULL;
	return 0;
}

static int is_json(const struct dirent *d)
{
	size_t l = strlen(d->d_name);

	return d->d_name[0] != '.' && l > 5 &&
	       !strcmp(d->d_name + l - 5, ".json");
}

/* Appends "-m DIR/NAME" for every *.json of dir, in name order. A missing
 * dir adds nothing. */
static int add_dir_manifests(struct ep_argv *a, const char *dir)
{
	struct dirent **names;
	char path[4096];
	int i, n, rc = 0;

	n = scandir(dir, &names, is_json, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!rc && !(rc = argv_add(a, "-m")))
			rc = argv_add(a, path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Splits $ESXMOCK_MANIFESTS (a:b:c) into "-m" options. */
static int add_env_manifests(struct ep_argv *a, const char *list)
{
	char *dup = strdup(list), *save = NULL, *tok;
	int rc = dup ? 0 : -ENOMEM;

	for (tok = dup ? strtok_r(dup, ":", &save) : NULL; tok && !rc;
	     tok = strtok_r(NULL, ":", &save))
		if (!(rc = argv_add(a, "-m")))
			rc = argv_add(a, tok);
	free(dup);
	return rc;
}

/* Splits $ESXMOCK_FSD_ARGS on blanks (no quoting). */
static int add_words(struct ep_argv *a, const char *words)
{
	char *dup = strdup(words), *save = NULL, *tok;
	int rc = dup ? 0 : -ENOMEM;

	for (tok = dup ? strtok_r(dup, " \t\n", &save) : NULL; tok && !rc;
	     tok = strtok_r(NULL, " \t\n", &save))
		rc = argv_add(a, tok);
	free(dup);
	return rc;
}

/* esxfsd's command line: overlays need the base stack spelled out (-m
 * replaces the embedded default), from <shadow>/base-manifests. */
static int fsd_argv(struct ep *ep, struct ep_argv *a)
{
	struct ep_argv over = {0};
	size_t i, n_before;
	int rc;

	rc = add_dir_manifests(&over, ep->mf_dir);
	if (rc) {
		ep_err("manifest directory '%s': %s", ep->mf_dir,
		       strerror(-rc));
		return rc;
	}
	if (ep->mf_extra && (rc = add_env_manifests(&over, ep->mf_extra)))
		return rc;
	if ((rc = argv_add(a, ep->fsd_path)) || (rc = argv_add(a, "-f")) ||
	    (rc = argv_add(a, "--shadow-root")) ||
	    (rc = argv_add(a, ep->shadow)) ||
	    (rc = argv_add(a, "--pid-file")) ||
	    (rc = argv_add(a, ep->pid_file)) ||
	    (rc = argv_add(a, "--control")) || (rc = argv_add(a, ep->control)))
		return rc;
	if (over.n > 0) {
		n_before = a->n;
		rc = add_dir_manifests(a, ep->base_dir);
		if (rc || a->n == n_before) {
			ep_err("base manifests '%s/*.json': %s", ep->base_dir,
			       rc ? strerror(-rc) : "none found");
			return rc ? rc : -ENOENT;
		}
		for (i = 0; i < over.n && !rc; i++)
			rc = argv_add(a, over.v[i]);
	}
	if (!rc && ep->fsd_args)
		rc = add_words(a, ep->fsd_args);
	if (!rc)
		rc = argv_add(a, ep->root);
	for (i = 0; i < over.n; i++)
		free(over.v[i]);
	free(over.v);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Starts esxfsd in the foreground (its log goes to our stderr) and waits
 * until it wrote its pid file, which it does once the mount is ready. */
static int fsd_start(struct ep *ep)
{
	struct ep_argv a = {0};
	struct stat st;
	long waited = 0;
	int status, rc;
	pid_t pid;

	if ((rc = fsd_argv(ep, &a)))
		return rc;
	if (mkdir(ep->root, 0755) < 0 && errno != EEXIST) {
		ep_err("mount point '%s': %s", ep->root, strerror(errno));
		return -errno;
	}
	unlink(ep->pid_file);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		sigprocmask(SIG_SETMASK, &ep->old_mask, NULL);
		execv(a.v[0], a.v);
		ep_err("cannot run '%s': %s", a.v[0], strerror(errno));
		_exit(127);
	}
	ep->fsd_pid = pid;
	while (stat(ep->pid_file, &st) < 0 || st.st_size == 0) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			ep->fsd_pid = 0;
			ep_err("esxfsd exited (status %d) before mounting '%s'",
			       WIFEXITED(status) ? WEXITSTATUS(status)
						 : 128 + WTERMSIG(status),
			       ep->root);
			return -EIO;
		}
		if (waited >= EP_MOUNT_TIMEOUT_S * 1000L) {
			ep_err("esxfsd did not mount '%s' within %d s",
			       ep->root, EP_MOUNT_TIMEOUT_S);
			return -ETIMEDOUT;
		}
		sleep_ms(EP_POLL_MS);
		waited += EP_POLL_MS;
	}
	return 0;
}

/* The container's command, chrooted into the tree, cwd "/". */
static int cmd_start(struct ep *ep, char **argv)
{
	char sh[] = "/bin/sh";
	char *def[] = {sh, NULL};
	char *const *cmd = argv[0] ? argv : def;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &ep->old_mask, NULL);
		if (chroot(ep->root) < 0 || chdir("/") < 0) {
			ep_err("chroot '%s': %s", ep->root, strerror(errno));
			_exit(126);
		}
		if (!getenv("PATH"))
			setenv("PATH", EP_PATH, 1);
		execvp(cmd[0], cmd);
		ep_err("cannot run '%s' in the tree: %s", cmd[0],
		       strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	ep->cmd_pid = pid;
	return 0;
}

static int status_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* PID 1's loop: reaps every child, forwards termination signals to the
 * command, and returns the command's exit code. */
static int cmd_wait(struct ep *ep)
{
	siginfo_t si;
	int sig, status, code = 1;
	pid_t p;

	while (ep->cmd_pid > 0) {
		sig = sigwaitinfo(&ep->sigs, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(ep->cmd_pid, sig);
			continue;
		}
		while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
			if (p == ep->cmd_pid) {
				code = status_code(status);
				ep->cmd_pid = 0;
			} else if (p == ep->fsd_pid) {
				ep->fsd_pid = 0;
				ep_err("esxfsd exited (status %d) while the "
				       "command ran: stopping the command",
				       status_code(status));
				if (ep->cmd_pid > 0)
					kill(ep->cmd_pid, SIGTERM);
			}
		}
	}
	return code;
}

/* SIGTERM to esxfsd (it unmounts), SIGKILL and a lazy unmount if it does
 * not exit in time. */
static void fsd_stop(struct ep *ep)
{
	struct timespec ts = {0, EP_POLL_MS * 1000000L};
	long waited = 0;
	siginfo_t si;
	int status;
	pid_t p;

	if (ep->fsd_pid <= 0)
		return;
	kill(ep->fsd_pid, SIGTERM);
	while (ep->fsd_pid > 0) {
		while ((p = waitpid(-1, &status, WNOHANG)) > 0)
			if (p == ep->fsd_pid)
				ep->fsd_pid = 0;
		if (ep->fsd_pid <= 0)
			break;
		if (waited >= EP_STOP_TIMEOUT_S * 1000L) {
			ep_err("esxfsd did not stop within %d s: killing it",
			       EP_STOP_TIMEOUT_S);
			kill(ep->fsd_pid, SIGKILL);
			waitpid(ep->fsd_pid, &status, 0);
			ep->fsd_pid = 0;
			umount2(ep->root, MNT_DETACH);
			break;
		}
		sigtimedwait(&ep->sigs, &si, &ts);
		waited += EP_POLL_MS;
	}
}

static int ep_init(struct ep *ep)
{
	static const int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
	size_t i;

	ep->shadow = env_or("ESXMOCK_SHADOW", EP_SHADOW);
	ep->root = env_or("ESXMOCK_ROOT_DIR", EP_ROOT);
	ep->control = env_or("ESXMOCK_CONTROL_ADDR", EP_CONTROL);
	ep->mf_extra = env_or("ESXMOCK_MANIFESTS", NULL);
	ep->fsd_args = env_or("ESXMOCK_FSD_ARGS", NULL);
	snprintf(ep->fsd_path, sizeof(ep->fsd_path), "%s/bin/esxfsd",
		 ep->shadow);
	snprintf(ep->base_dir, sizeof(ep->base_dir), "%s/base-manifests",
		 ep->shadow);
	snprintf(ep->pid_file, sizeof(ep->pid_file), "%s.pid", ep->root);
	ep->mf_dir = env_or("ESXMOCK_MANIFEST_DIR", NULL);
	if (!ep->mf_dir) {
		snprintf(ep->mf_dir_buf, sizeof(ep->mf_dir_buf), "%s/manifests",
			 ep->shadow);
		ep->mf_dir = ep->mf_dir_buf;
	}
	/* esxfsd's private state dir defaults to /tmp, absent in scratch */
	if (mkdir("/tmp", 01777) == 0)
		chmod("/tmp", 01777);
	sigemptyset(&ep->sigs);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&ep->sigs, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &ep->sigs, &ep->old_mask) < 0)
		return -errno;
	/* outside a container too, orphans of the command come back to us */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct ep ep;
	int code;

	(void)argc;
	memset(&ep, 0, sizeof(ep));
	if (ep_init(&ep) < 0) {
		ep_err("cannot block signals: %s", strerror(errno));
		return 1;
	}
	if (fsd_start(&ep) < 0) {
		fsd_stop(&ep);
		return 1;
	}
	if (cmd_start(&ep, argv + 1) < 0) {
		ep_err("fork: %s", strerror(errno));
		fsd_stop(&ep);
		return 1;
	}
	code = cmd_wait(&ep);
	fsd_stop(&ep);
	unlink(ep.pid_file);
	return code;
}
