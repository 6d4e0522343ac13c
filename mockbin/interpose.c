/* interpose.c - the interpose shim: runs in place of an intercepted program
 * of the tree, asks esxfsd what to do through <root>/.esxmock/invoke and
 * does it (static output, run the real program, rewrite, fail). Static,
 * no library beyond libc. See docs/interpose.md. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SHIM_UNAVAILABLE 126
#define SHIM_ANS_MAX (64u * 1024 * 1024)
#define SHIM_XFORMS_MAX 64

struct buf {
	char *p;
	size_t len, cap;
};

struct xform {
	const char *stream, *op, *pattern, *with;
	size_t with_len;
};

struct answer {
	char style[16];
	const char *out, *err;
	size_t out_len, err_len;
	int exit_code; /* -1: none */
	int sig;
	long delay_ms;
	int err_no;
	const char *msg;
	const char *exec_path;
	const char *ldpath;
	const char *setenv[64];
	size_t n_setenv;
	struct xform xf[SHIM_XFORMS_MAX];
	size_t n_xf;
	size_t log_out; /* output bytes per stream sent back for the log */
};

static void die_unavailable(const char *why)
{
	fprintf(stderr, "esxmock: interpose: daemon unavailable (%s)\n", why);
	exit(SHIM_UNAVAILABLE);
}

static void buf_put(struct buf *b, const void *d, size_t n)
{
	if (n > SIZE_MAX / 4 - b->len)
		die_unavailable("record too large");
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap)))
			die_unavailable("out of memory");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void rec(struct buf *b, const char *tag, const char *d, size_t n)
{
	char head[64];
	int hl = snprintf(head, sizeof(head), "%s %zu\n", tag, n);

	if (hl < 0 || (size_t)hl >= sizeof(head))
		die_unavailable("record tag too long");
	buf_put(b, head, (size_t)hl);
	buf_put(b, d, n);
	buf_put(b, "\n", 1);
}

static void recs(struct buf *b, const char *tag, const char *s)
{
	rec(b, tag, s, strlen(s));
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The mount root: walk up from the directory of /proc/self/exe until
 * DIR/.esxmock/invoke exists; without /proc (a chroot into the tree, as in
 * the container image) the tree is our root, so try "/". */
static int find_channel(char *root, size_t len)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("ESXMOCK_INVOKE_ROOT");
	char *slash;

	if (env && *env) {
		snprintf(root, len, "%s", env);
		return 0;
	}
	if (n > 0) {
		exe[n] = '\0';
		while ((slash = strrchr(exe, '/'))) {
			*slash = '\0';
			snprintf(probe, sizeof(probe), "%s/.esxmock/invoke",
				 exe);
			if (access(probe, F_OK) == 0) {
				snprintf(root, len, "%s", exe);
				return 0;
			}
			if (!*exe)
				break;
		}
	}
	if (access("/.esxmock/invoke", F_OK) == 0) {
		snprintf(root, len, "%s", "");
		return 0;
	}
	return -1;
}

static int next_rec(const char *buf, size_t len, size_t *pos, char *tag,
		    size_t taglen, const char **d, size_t *n)
{
	const char *p = buf + *pos, *nl, *sp;
	size_t rest = len - *pos, t;
	unsigned long long v;
	char *end;

	if (!rest)
		return 0;
	nl = memchr(p, '\n', rest < 64 ? rest : 64);
	sp = nl ? memchr(p, ' ', (size_t)(nl - p)) : NULL;
	if (!sp || (t = (size_t)(sp - p)) >= taglen)
		return -1;
	memcpy(tag, p, t);
	tag[t] = '\0';
	v = strtoull(sp + 1, &end, 10);
	if (end != nl || (size_t)(nl - p) + 2 + v > rest)
		return -1;
	*d = nl + 1;
	*n = (size_t)v;
	*pos += (size_t)(nl - p) + 2 + v;
	return 1;
}

/* Splits the NUL-free record values in place: each value is followed by
 * the '\n' of its record, which becomes the terminator. */
static const char *term(const char *d, size_t n)
{
	((char *)d)[n] = '\0';
	return d;
}

static int parse_xform(struct xform *x, const char *d, size_t n)
{
	const char *f[4], *v;
	size_t pos = 0, vn, i = 0, lens[4];
	char tag[8];

	while (i < 4 && next_rec(d, n, &pos, tag, sizeof(tag), &v, &vn) > 0) {
		lens[i] = vn;
		f[i++] = v;
	}
	if (i < 4)
		return -1;
	for (i = 0; i < 4; i++)
		term(f[i], lens[i]);
	x->stream = f[0];
	x->op = f[1];
	x->pattern = f[2];
	x->with = f[3];
	x->with_len = lens[3];
	return 0;
}

static void parse_answer(char *buf, size_t len, struct answer *a)
{
	const char *d;
	size_t pos = 0, n;
	char tag[16];

	memset(a, 0, sizeof(*a));
	a->exit_code = -1;
	while (next_rec(buf, len, &pos, tag, sizeof(tag), &d, &n) > 0) {
		if (!strcmp(tag, "style"))
			snprintf(a->style, sizeof(a->style), "%.*s", (int)n, d);
		else if (!strcmp(tag, "out"))
			a->out = d, a->out_len = n;
		else if (!strcmp(tag, "err"))
			a->err = d, a->err_len = n;
		else if (!strcmp(tag, "exit"))
			a->exit_code = atoi(term(d, n));
		else if (!strcmp(tag, "signal"))
			a->sig = atoi(term(d, n));
		else if (!strcmp(tag, "logout"))
			a->log_out = (size_t)atol(term(d, n));
		else if (!strcmp(tag, "delay"))
			a->delay_ms = atol(term(d, n));
		else if (!strcmp(tag, "errno"))
			a->err_no = atoi(term(d, n));
		else if (!strcmp(tag, "msg"))
			a->msg = term(d, n);
		else if (!strcmp(tag, "exec"))
			a->exec_path = term(d, n);
		else if (!strcmp(tag, "ldpath"))
			a->ldpath = term(d, n);
		else if (!strcmp(tag, "setenv") && a->n_setenv < 64)
			a->setenv[a->n_setenv++] = term(d, n);
		else if (!strcmp(tag, "xform") && a->n_xf < SHIM_XFORMS_MAX &&
			 !parse_xform(&a->xf[a->n_xf], d, n))
			a->n_xf++;
		else if (!strcmp(tag, "end"))
			break;
	}
}

static void read_file_str(const char *path, char *out, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, out, len - 1) : -1;

	out[n > 0 ? n : 0] = '\0';
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	if (fd >= 0)
		close(fd);
}

static void build_request(struct buf *b, int argc, char **argv)
{
	char s[PATH_MAX], p[64];
	char **e;
	int i;

	for (i = 0; i < argc; i++)
		recs(b, "argv", argv[i]);
	for (e = environ; e && *e; e++)
		recs(b, "env", *e);
	if (getcwd(s, sizeof(s)))
		recs(b, "cwd", s);
	snprintf(s, sizeof(s), "%d", (int)getppid());
	recs(b, "ppid", s);
	snprintf(p, sizeof(p), "/proc/%d/comm", (int)getppid());
	read_file_str(p, s, sizeof(s));
	recs(b, "caller", s);
	rec(b, "end", "", 0);
}

/* ---- transforms -------------------------------------------------------- */

static void xf_apply(const struct xform *x, struct buf *io)
{
	struct buf out = {0};
	regex_t re;
	regmatch_t m;
	size_t off = 0;
	int all = !strcmp(x->op, "replace_all");

	if (!strcmp(x->op, "prepend") || !strcmp(x->op, "append")) {
		if (x->op[0] == 'p') {
			buf_put(&out, x->with, x->with_len);
			buf_put(&out, io->p ? io->p : "", io->len);
		} else {
			buf_put(&out, io->p ? io->p : "", io->len);
			buf_put(&out, x->with, x->with_len);
		}
		goto done;
	}
	if (regcomp(&re, x->pattern, REG_EXTENDED))
		return;
	buf_put(&out, "", 0);
	while (off <= io->len && regexec(&re, io->p ? io->p + off : "", 1, &m,
					 off ? REG_NOTBOL : 0) == 0) {
		buf_put(&out, io->p + off, (size_t)m.rm_so);
		buf_put(&out, x->with, x->with_len);
		if (m.rm_eo == m.rm_so) { /* empty match: copy one byte */
			if (off + (size_t)m.rm_eo < io->len)
				buf_put(&out, io->p + off + m.rm_eo, 1);
			off += (size_t)m.rm_eo + 1;
		} else {
			off += (size_t)m.rm_eo;
		}
		if (!all)
			break;
	}
	if (off < io->len)
		buf_put(&out, io->p + off, io->len - off);
	regfree(&re);
done:
	free(io->p);
	*io = out;
}

/* ---- running the real program ------------------------------------------- */

static pid_t child_pid;

static void forward_sig(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void child_env(const struct answer *a)
{
	size_t i;

	if (a->ldpath && *a->ldpath) {
		const char *old = getenv("LD_LIBRARY_PATH");
		char *v = NULL;

		if (old && *old && asprintf(&v, "%s:%s", a->ldpath, old) > 0)
			setenv("LD_LIBRARY_PATH", v, 1);
		else
			setenv("LD_LIBRARY_PATH", a->ldpath, 1);
		free(v);
	}
	for (i = 0; i < a->n_setenv; i++)
		putenv((char *)a->setenv[i]);
}

static void die_by_signal(int sig)
{
	sigset_t set;

	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	exit(128 + sig);
}

/* Exit like a process that ended with wait status st. */
static void exit_like(int st)
{
	if (WIFSIGNALED(st))
		die_by_signal(WTERMSIG(st));
	exit(WEXITSTATUS(st));
}

static int status_code(int st)
{
	return WIFSIGNALED(st) ? 256 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* Runs the real program: returns its wait status; with capture, its
 * stdout/stderr are collected into out/err. */
static int run_real(const char *root, const struct answer *a, char **argv,
		    bool capture, struct buf *out, struct buf *err)
{
	char path[PATH_MAX * 2];
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, st = 0;
	struct sigaction sa;
	struct pollfd pf[2];
	pid_t pid;

	snprintf(path, sizeof(path), "%s%s", root, a->exec_path);
	if (capture && (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)))
		die_unavailable("pipe");
	pid = fork();
	if (pid < 0)
		die_unavailable("fork");
	if (pid == 0) {
		if (capture) {
			dup2(po[1], 1);
			dup2(pe[1], 2);
		}
		child_env(a);
		execve(path, argv, environ);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	child_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_sig;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	if (capture) {
		close(po[1]);
		close(pe[1]);
		pf[0].fd = po[0];
		pf[1].fd = pe[0];
		pf[0].events = pf[1].events = POLLIN;
		while (pf[0].fd >= 0 || pf[1].fd >= 0) {
			int i;

			if (poll(pf, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			for (i = 0; i < 2; i++) {
				char tmp[65536];
				ssize_t n;

				if (pf[i].fd < 0 || !pf[i].revents)
					continue;
				n = read(pf[i].fd, tmp, sizeof(tmp));
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					close(pf[i].fd);
					pf[i].fd = -1;
					continue;
				}
				buf_put(i ? err : out, tmp, (size_t)n);
			}
		}
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* The end report; with log_out, also the first log_out bytes of what was
 * written on stdout and stderr. */
static void report(int fd, const struct answer *a, int status,
		   const struct buf *od, const struct buf *ed, long long out,
		   long long err)
{
	struct buf b = {0};
	char s[32];

	if (a->log_out && od)
		rec(&b, "outdata", od->p ? od->p : "",
		    od->len < a->log_out ? od->len : a->log_out);
	if (a->log_out && ed)
		rec(&b, "errdata", ed->p ? ed->p : "",
		    ed->len < a->log_out ? ed->len : a->log_out);

	snprintf(s, sizeof(s), "%d", status);
	recs(&b, "status", s);
	snprintf(s, sizeof(s), "%lld", out);
	recs(&b, "out", s);
	snprintf(s, sizeof(s), "%lld", err);
	recs(&b, "err", s);
	rec(&b, "end", "", 0);
	write_all(fd, b.p, b.len);
	free(b.p);
}

int main(int argc, char **argv)
{
	char root[PATH_MAX], path[PATH_MAX + 32];
	struct buf req = {0}, ans = {0};
	struct answer a;
	size_t parsed = 0;
	int fd, status;

	if (find_channel(root, sizeof(root)))
		die_unavailable("no .esxmock/invoke above this program");
	snprintf(path, sizeof(path), "%s/.esxmock/invoke", root);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die_unavailable(strerror(errno));
	build_request(&req, argc, argv);
	if (write_all(fd, req.p, req.len))
		die_unavailable(strerror(errno));
	for (;;) { /* whole records until the "end" one */
		char tmp[131072], tag[16];
		const char *d;
		size_t n2;
		ssize_t n = read(fd, tmp, sizeof(tmp));
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_unavailable(strerror(errno));
		if (n == 0)
			die_unavailable("incomplete answer");
		buf_put(&ans, tmp, (size_t)n);
		if (ans.len > SHIM_ANS_MAX)
			die_unavailable("answer too long");
		while ((r = next_rec(ans.p, ans.len, &parsed, tag, sizeof(tag),
				     &d, &n2)) > 0 &&
		       strcmp(tag, "end"))
			;
		if (r > 0)
			break;
	}
	parse_answer(ans.p, ans.len, &a);
	if (a.delay_ms > 0) {
		struct timespec ts = {a.delay_ms / 1000,
				      (a.delay_ms % 1000) * 1000000L};

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	if (!strcmp(a.style, "static")) {
		struct buf od = {(char *)a.out, a.out_len, 0},
			   ed = {(char *)a.err, a.err_len, 0};

		write_all(1, a.out ? a.out : "", a.out_len);
		write_all(2, a.err ? a.err : "", a.err_len);
		status =
		    a.sig ? 256 + a.sig : (a.exit_code < 0 ? 0 : a.exit_code);
		report(fd, &a, status, &od, &ed, (long long)a.out_len,
		       (long long)a.err_len);
		close(fd);
		if (a.sig)
			die_by_signal(a.sig);
		return a.exit_code < 0 ? 0 : a.exit_code;
	}
	if (!strcmp(a.style, "fail")) {
		int code = a.exit_code >= 0 ? a.exit_code
					    : (a.err_no == ENOENT ? 127 : 126);

		if (a.msg)
			fprintf(stderr, "%s\n", a.msg);
		else if (a.err_no)
			fprintf(stderr, "%s: %s\n", argv[0],
				strerror(a.err_no));
		report(fd, &a, a.sig ? 256 + a.sig : code, NULL, NULL, 0, -1);
		close(fd);
		if (a.sig)
			die_by_signal(a.sig);
		return code;
	}
	if ((!strcmp(a.style, "passthrough") || !strcmp(a.style, "rewrite")) &&
	    a.exec_path) {
		/* logging the output needs it: pipes as for rewrite */
		bool capture =
		    !strcmp(a.style, "rewrite") || a.n_xf > 0 || a.log_out > 0;
		struct buf out = {0}, err = {0};
		size_t i;

		status = run_real(root, &a, argv, capture, &out, &err);
		if (capture) {
			for (i = 0; i < a.n_xf; i++)
				xf_apply(&a.xf[i],
					 strcmp(a.xf[i].stream, "stderr")
					     ? &out
					     : &err);
			write_all(1, out.p ? out.p : "", out.len);
			write_all(2, err.p ? err.p : "", err.len);
		}
		if (a.exit_code >= 0 && !WIFSIGNALED(status))
			status = a.exit_code << 8;
		report(fd, &a, status_code(status), capture ? &out : NULL,
		       capture ? &err : NULL, capture ? (long long)out.len : -1,
		       capture ? (long long)err.len : -1);
		close(fd);
		exit_like(status);
	}
	die_unavailable("unknown answer");
	return SHIM_UNAVAILABLE;
}
