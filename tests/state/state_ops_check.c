/* state_ops_check.c - runs one fixed sequence of write-side operations in a
 * directory and prints each result (value or errno name) and the resulting
 * attributes, so a test can run it on a plain directory and on an esxfsd
 * mount and compare the two outputs line by line.
 *
 * usage: state_ops_check ops DIR       every operation, as root
 *        state_ops_check perm-prep DIR  (root) files for the next one
 *        state_ops_check perm DIR       as an unprivileged user
 *        state_ops_check link DIR       link(2) alone
 *        state_ops_check exdev FROM TO  rename across file systems
 *        state_ops_check getx FILE NAME an extended attribute's value
 * Times, inode numbers, block counts and directory sizes differ between
 * file systems by nature and are not printed (explicitly set times are).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static int dfd;

static void res(const char *what, long rc)
{
	if (rc < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: ok %ld\n", what, rc);
}

static char st_type(mode_t m)
{
	return S_ISREG(m)    ? 'f'
	       : S_ISDIR(m)  ? 'd'
	       : S_ISLNK(m)  ? 'l'
	       : S_ISCHR(m)  ? 'c'
	       : S_ISBLK(m)  ? 'b'
	       : S_ISFIFO(m) ? 'p'
	       : S_ISSOCK(m) ? 's'
			     : '?';
}

static void show(const char *name)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		printf("stat %s: %s\n", name, strerrorname_np(errno));
		return;
	}
	printf("stat %s: %c %04o nlink=%lu uid=%u gid=%u", name,
	       st_type(st.st_mode), (unsigned)(st.st_mode & 07777),
	       (unsigned long)st.st_nlink, st.st_uid, st.st_gid);
	if (!S_ISDIR(st.st_mode))
		printf(" size=%lld", (long long)st.st_size);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		printf(" rdev=%u,%u", major(st.st_rdev), minor(st.st_rdev));
	printf("\n");
}

static void show_fd(const char *what, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		printf("fstat %s: %s\n", what, strerrorname_np(errno));
		return;
	}
	printf("fstat %s: %c %04o nlink=%lu size=%lld\n", what,
	       st_type(st.st_mode), (unsigned)(st.st_mode & 07777),
	       (unsigned long)st.st_nlink, (long long)st.st_size);
}

/* The whole content as printable text (bytes as \xNN), and its size. */
static void show_content(const char *name)
{
	char buf[65536];
	int fd = openat(dfd, name, O_RDONLY);
	unsigned hash = 2166136261u;
	ssize_t n, i;

	if (fd < 0) {
		printf("content %s: %s\n", name, strerrorname_np(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (i = 0; i < n; i++)
		hash = (hash ^ (unsigned char)buf[i]) * 16777619u;
	printf("content %s (%zd, fnv %08x): ", name, n, hash);
	for (i = 0; i < n && i < 48; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf("\n");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show_dir(const char *name)
{
	char *names[256];
	struct dirent *de;
	size_t n = 0, i;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (!d) {
		printf("list %s: %s\n", name, strerrorname_np(errno));
		return;
	}
	while ((de = readdir(d)) && n < 256)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	printf("list %s:", name);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static int put(const char *name, const char *text, mode_t mode)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -1 : 0;
}

static void ops_files(void)
{
	int fd, fd2;
	char buf[64];

	fd = openat(dfd, "f", O_WRONLY | O_CREAT | O_EXCL, 0644);
	res("create f O_EXCL", fd < 0 ? -1 : 0);
	res("create f O_EXCL again",
	    openat(dfd, "f", O_WRONLY | O_CREAT | O_EXCL, 0644));
	res("write hello", write(fd, "hello", 5));
	res("pwrite at 10", pwrite(fd, "world", 5, 10));
	show_fd("f", fd);
	close(fd);
	show_content("f");
	fd = openat(dfd, "f", O_WRONLY | O_APPEND);
	res("open O_APPEND", fd < 0 ? -1 : 0);
	res("append X", write(fd, "X", 1));
	res("lseek 0 then append Y",
	    lseek(fd, 0, SEEK_SET) < 0 ? -1 : write(fd, "Y", 1));
	close(fd);
	show_content("f");
	fd = openat(dfd, "f", O_RDWR);
	res("read 3", read(fd, buf, 3));
	res("overwrite at 1", pwrite(fd, "EL", 2, 1));
	res("ftruncate 100", ftruncate(fd, 100));
	show_fd("f", fd);
	res("ftruncate 4", ftruncate(fd, 4));
	close(fd);
	show_content("f");
	fd = openat(dfd, "f", O_RDWR | O_TRUNC);
	res("open O_TRUNC", fd < 0 ? -1 : 0);
	show_fd("f", fd);
	res("write after trunc", write(fd, "abc", 3));
	/* a second handle sees the first one's bytes */
	fd2 = openat(dfd, "f", O_RDONLY);
	res("read by 2nd handle", read(fd2, buf, sizeof(buf)));
	close(fd2);
	res("fsync", fsync(fd));
	res("fdatasync", fdatasync(fd));
	res("fallocate 0..8192", fallocate(fd, 0, 0, 8192));
	show_fd("f", fd);
	res("fallocate keep-size",
	    fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 4096));
	show_fd("f", fd);
	res("fallocate punch",
	    fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 2));
	res("fallocate bad len", fallocate(fd, 0, 0, 0));
	close(fd);
	show_content("f");
	res("truncate 7", truncate("f", 7));
	show("f");
	res("open dir O_WRONLY", openat(dfd, ".", O_WRONLY));
	res("truncate dir", truncate(".", 0));
	res("truncate missing", truncate("nope", 0));
	res("open missing", openat(dfd, "nope", O_RDONLY));
	res("open f/x", openat(dfd, "f/x", O_RDONLY));
	res("create f/x", openat(dfd, "f/x", O_CREAT | O_WRONLY, 0644));
	/* an open file that is unlinked keeps its bytes */
	fd = openat(dfd, "gone", O_RDWR | O_CREAT, 0600);
	res("write gone", write(fd, "still", 5));
	res("unlink gone", unlinkat(dfd, "gone", 0));
	show_fd("gone", fd);
	res("pread gone", pread(fd, buf, sizeof(buf), 0));
	res("write to gone", write(fd, "!", 1));
	close(fd);
	show("gone");
	/* 1 MiB in odd chunks, read back */
	fd = openat(dfd, "big", O_RDWR | O_CREAT, 0644);
	{
		static char blk[1 << 20], back[1 << 20];
		size_t i, done = 0;
		unsigned x = 12345;

		for (i = 0; i < sizeof(blk); i++) {
			x = x * 1103515245 + 12345;
			blk[i] = (char)(x >> 16);
		}
		while (done < sizeof(blk)) {
			size_t n = 4093 * 7 < sizeof(blk) - done
				       ? 4093 * 7
				       : sizeof(blk) - done;
			if (write(fd, blk + done, n) != (ssize_t)n)
				break;
			done += n;
		}
		res("big write", (long)done);
		res("big read", pread(fd, back, sizeof(back), 0));
		printf("big same: %d\n", !memcmp(blk, back, sizeof(blk)));
	}
	close(fd);
	show("big");
	res("root writes a 0444 file", put("ro", "x", 0444));
	res("chmod ro 0444", fchmodat(dfd, "ro", 0444, 0));
	res("root rewrites it", put("ro", "yz", 0444));
	show_content("ro");
}

static void ops_dirs(void)
{
	res("mkdir a", mkdirat(dfd, "a", 0755));
	res("mkdir a again", mkdirat(dfd, "a", 0755));
	res("mkdir a/b", mkdirat(dfd, "a/b", 0700));
	res("mkdir f/x", mkdirat(dfd, "f/x", 0755));
	res("mkdir missing/x", mkdirat(dfd, "missing/x", 0755));
	res("rmdir a (not empty)", unlinkat(dfd, "a", AT_REMOVEDIR));
	res("rmdir f (a file)", unlinkat(dfd, "f", AT_REMOVEDIR));
	res("unlink a (a dir)", unlinkat(dfd, "a", 0));
	res("rmdir missing", unlinkat(dfd, "missing", AT_REMOVEDIR));
	res("unlink missing", unlinkat(dfd, "missing", 0));
	res("rmdir a/b/.", unlinkat(dfd, "a/b/.", AT_REMOVEDIR));
	show("a");
	show("a/b");
	res("mkdir setgid s", mkdirat(dfd, "s", 0755));
	res("chmod s 2775", fchmodat(dfd, "s", 02775, 0));
	res("chown s 0:100", fchownat(dfd, "s", 0, 100, 0));
	res("mkdir s/sub", mkdirat(dfd, "s/sub", 0755));
	res("create s/file", put("s/file", "", 0644));
	show("s/sub");
	show("s/file");
	res("rmdir a/b", unlinkat(dfd, "a/b", AT_REMOVEDIR));
	show("a");
	show_dir(".");
}

static void ops_rename(void)
{
	put("r1", "one", 0644);
	put("r2", "two", 0644);
	mkdirat(dfd, "rd", 0755);
	mkdirat(dfd, "rd/in", 0755);
	mkdirat(dfd, "re", 0755);
	put("rd/in/x", "x", 0644);
	res("rename r1 r2 (replace)", renameat(dfd, "r1", dfd, "r2"));
	show_content("r2");
	show("r1");
	res("rename r2 rd (file onto dir)", renameat(dfd, "r2", dfd, "rd"));
	res("rename rd r2 (dir onto file)", renameat(dfd, "rd", dfd, "r2"));
	mkdirat(dfd, "full", 0755);
	put("full/x", "x", 0644);
	res("rename re full (onto non-empty)",
	    renameat(dfd, "re", dfd, "full"));
	res("rename re rd/in/new (into a child)",
	    renameat(dfd, "rd", dfd, "rd/in/new"));
	res("rename missing", renameat(dfd, "missing", dfd, "x"));
	res("rename r2 r2 (itself)", renameat(dfd, "r2", dfd, "r2"));
	res("rename re rd2 (empty dir onto new)",
	    renameat(dfd, "re", dfd, "rd2"));
	mkdirat(dfd, "empty", 0755);
	res("rename rd2 empty (onto empty dir)",
	    renameat(dfd, "rd2", dfd, "empty"));
	show("empty");
	show("rd2");
	res("rename rd/in/x rd/y (same dir tree)",
	    renameat(dfd, "rd/in/x", dfd, "rd/y"));
	res("rename rd moved (dir with children)",
	    renameat(dfd, "rd", dfd, "moved"));
	show_dir("moved");
	show_dir("moved/in");
	put("n1", "n1", 0644);
	put("n2", "n2", 0644);
	res("noreplace n1 n2",
	    renameat2(dfd, "n1", dfd, "n2", RENAME_NOREPLACE));
	res("noreplace n1 n3",
	    renameat2(dfd, "n1", dfd, "n3", RENAME_NOREPLACE));
	res("exchange n2 moved",
	    renameat2(dfd, "n2", dfd, "moved", RENAME_EXCHANGE));
	show("n2");
	show("moved");
	show_content("moved");
	res("exchange n3 missing",
	    renameat2(dfd, "n3", dfd, "missing", RENAME_EXCHANGE));
	res("exchange|noreplace",
	    renameat2(dfd, "n3", dfd, "moved",
		      RENAME_EXCHANGE | RENAME_NOREPLACE));
	res("rename f/x", renameat(dfd, "f/x", dfd, "y"));
	show_dir(".");
}

/* Whether a and b are one inode (numbers differ between file systems). */
static void same(const char *a, const char *b)
{
	struct stat x, y;

	if (fstatat(dfd, a, &x, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fstatat(dfd, b, &y, AT_SYMLINK_NOFOLLOW) < 0) {
		printf("same %s %s: %s\n", a, b, strerrorname_np(errno));
		return;
	}
	printf("same %s %s: %s\n", a, b,
	       x.st_ino == y.st_ino && x.st_dev == y.st_dev ? "yes" : "no");
}

static void ops_links(void)
{
	char buf[64];
	ssize_t n;
	int fd;

	put("h1", "one", 0644);
	res("link h1 h2", linkat(dfd, "h1", dfd, "h2", 0));
	show("h1");
	show("h2");
	same("h1", "h2");
	fd = openat(dfd, "h2", O_WRONLY | O_APPEND);
	res("append via h2", write(fd, "+two", 4));
	close(fd);
	show_content("h1");
	mkdirat(dfd, "hd", 0755);
	res("link h1 hd/h3 (other dir)", linkat(dfd, "h1", dfd, "hd/h3", 0));
	show("hd/h3");
	res("link h1 h2 (exists)", linkat(dfd, "h1", dfd, "h2", 0));
	res("link h1 hd (exists, a dir)", linkat(dfd, "h1", dfd, "hd", 0));
	res("link missing h4", linkat(dfd, "missing", dfd, "h4", 0));
	res("link hd h4 (a dir)", linkat(dfd, "hd", dfd, "h4", 0));
	res("link h1 nodir/h4", linkat(dfd, "h1", dfd, "nodir/h4", 0));
	res("link h1 h1/h4", linkat(dfd, "h1", dfd, "h1/h4", 0));
	res("chmod h2 0600", fchmodat(dfd, "h2", 0600, 0));
	show("hd/h3");
	res("truncate via hd/h3", truncate("hd/h3", 2));
	show_content("h2");
	res("unlink h1 (the first name)", unlinkat(dfd, "h1", 0));
	show("h1");
	show("h2");
	same("h2", "hd/h3");
	show_content("hd/h3");
	res("rename hd/h3 h5 (a second name)",
	    renameat(dfd, "hd/h3", dfd, "h5"));
	show_dir("hd");
	same("h2", "h5");
	res("rename h2 h5 (two names of one file)",
	    renameat(dfd, "h2", dfd, "h5"));
	show("h2");
	show("h5");
	put("h6", "six", 0644);
	res("link h6 h7", linkat(dfd, "h6", dfd, "h7", 0));
	res("rename h6 h2 (onto a linked name)",
	    renameat(dfd, "h6", dfd, "h2"));
	show("h2");
	show("h5");
	same("h2", "h7");
	res("rename h5 h7 (onto a second name)",
	    renameat(dfd, "h5", dfd, "h7"));
	show("h2");
	show("h7");
	show_content("h7");
	res("link h2 h8", linkat(dfd, "h2", dfd, "h8", 0));
	res("exchange h8 h7", renameat2(dfd, "h8", dfd, "h7", RENAME_EXCHANGE));
	show_content("h7");
	show_content("h8");
	same("h2", "h7");
	res("exchange h2 h7 (one file)",
	    renameat2(dfd, "h2", dfd, "h7", RENAME_EXCHANGE));
	res("noreplace h2 h7 (one file)",
	    renameat2(dfd, "h2", dfd, "h7", RENAME_NOREPLACE));
	show("h7");
	/* every name of an open file goes: the handle keeps the bytes */
	put("o1", "open", 0644);
	res("link o1 o2", linkat(dfd, "o1", dfd, "o2", 0));
	fd = openat(dfd, "o2", O_RDWR);
	res("unlink o1", unlinkat(dfd, "o1", 0));
	show_fd("o2 (one name left)", fd);
	res("unlink o2", unlinkat(dfd, "o2", 0));
	show_fd("o2 (no name left)", fd);
	res("pwrite to the unlinked", pwrite(fd, "X", 1, 0));
	n = pread(fd, buf, sizeof(buf), 0);
	printf("pread: %.*s\n", (int)(n < 0 ? 0 : n), buf);
	close(fd);
	res("rmdir hd", unlinkat(dfd, "hd", AT_REMOVEDIR));
	show_dir(".");
}

static void ops_meta(void)
{
	struct timespec ts[2] = {{1000000000, 123456789}, {1200000000, 5}};
	char buf[64];
	struct stat st;

	put("m", "meta", 0644);
	res("chmod 0600", fchmodat(dfd, "m", 0600, 0));
	show("m");
	res("chmod 04755", fchmodat(dfd, "m", 04755, 0));
	show("m");
	res("chown 65534:65534", fchownat(dfd, "m", 65534, 65534, 0));
	show("m");
	res("lchown on a symlink",
	    (symlinkat("m", dfd, "ml"),
	     fchownat(dfd, "ml", 1, 2, AT_SYMLINK_NOFOLLOW)));
	show("ml");
	res("utimensat", utimensat(dfd, "m", ts, 0));
	if (fstatat(dfd, "m", &st, 0) == 0)
		printf("times: %lld.%09ld %lld.%09ld\n",
		       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
		       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	res("symlink l -> target", symlinkat("some/target", dfd, "l"));
	res("symlink l again", symlinkat("x", dfd, "l"));
	res("readlink l", readlinkat(dfd, "l", buf, sizeof(buf)));
	printf("readlink: %.*s\n", 11, buf);
	show("l");
	res("readlink m (a file)", readlinkat(dfd, "m", buf, sizeof(buf)));
	res("mknod fifo", mknodat(dfd, "fifo", S_IFIFO | 0640, 0));
	show("fifo");
	res("mknod chr 1,3",
	    mknodat(dfd, "null", S_IFCHR | 0666, makedev(1, 3)));
	show("null");
	res("mknod reg", mknodat(dfd, "reg", S_IFREG | 0600, 0));
	show("reg");
	res("mknod fifo again", mknodat(dfd, "fifo", S_IFIFO | 0640, 0));
	{
		int fd = openat(dfd, "null", O_WRONLY);

		res("write to the char device",
		    fd < 0 ? -1 : write(fd, "zz", 2));
		if (fd >= 0)
			close(fd);
	}
}

static void ops_xattr(void)
{
	char buf[256];
	ssize_t n;

	put("x", "x", 0644);
	res("setxattr user.a", setxattr("x", "user.a", "1", 1, 0));
	res("setxattr user.b", setxattr("x", "user.b", "two", 3, 0));
	res("setxattr create again",
	    setxattr("x", "user.a", "9", 1, XATTR_CREATE));
	res("setxattr replace missing",
	    setxattr("x", "user.c", "9", 1, XATTR_REPLACE));
	res("setxattr replace a",
	    setxattr("x", "user.a", "11", 2, XATTR_REPLACE));
	res("getxattr size", getxattr("x", "user.a", NULL, 0));
	n = getxattr("x", "user.a", buf, sizeof(buf));
	res("getxattr a", n);
	printf("value: %.*s\n", n > 0 ? (int)n : 0, buf);
	res("getxattr small buffer", getxattr("x", "user.b", buf, 1));
	res("getxattr missing", getxattr("x", "user.zz", buf, sizeof(buf)));
	res("listxattr size", listxattr("x", NULL, 0));
	res("removexattr a", removexattr("x", "user.a"));
	res("removexattr a again", removexattr("x", "user.a"));
	n = listxattr("x", buf, sizeof(buf));
	res("listxattr", n);
	printf("names: %.*s\n", n > 0 ? (int)strlen(buf) : 0, buf);
	res("setxattr foo.bar", setxattr("x", "foo.bar", "1", 1, 0));
	res("lsetxattr on a symlink",
	    (symlinkat("x", dfd, "xl"), lsetxattr("xl", "user.a", "1", 1, 0)));
	res("setxattr trusted.t", setxattr("x", "trusted.t", "t", 1, 0));
	res("setxattr on a dir", setxattr(".", "user.d", "d", 1, 0));
}

/* As root: what the unprivileged run works on. */
static void perm_prep(void)
{
	put("ro444", "ro", 0444);
	put("priv600", "secret", 0600);
	put("rw666", "rw", 0666);
	mkdirat(dfd, "rootdir", 0755);
	mkdirat(dfd, "sticky", 01777);
	put("sticky/rootfile", "r", 0666);
	mkdirat(dfd, "open", 0777);
	fchmodat(dfd, "open", 0777, 0);
	fchmodat(dfd, "sticky", 01777, 0);
	fchmodat(dfd, "rw666", 0666, 0);
}

static void perm_ops(void)
{
	res("write a 0444 file", openat(dfd, "ro444", O_WRONLY));
	res("read a 0600 file", openat(dfd, "priv600", O_RDONLY));
	res("create in a 0755 root dir",
	    openat(dfd, "rootdir/x", O_CREAT | O_WRONLY, 0644));
	res("mkdir in a 0755 root dir", mkdirat(dfd, "rootdir/d", 0755));
	res("unlink another's file in a sticky dir",
	    unlinkat(dfd, "sticky/rootfile", 0));
	res("rename another's file in a sticky dir",
	    renameat(dfd, "sticky/rootfile", dfd, "sticky/mine"));
	res("chmod a root file", fchmodat(dfd, "rw666", 0600, 0));
	res("chown a root file", fchownat(dfd, "rw666", 1, 1, 0));
	res("utimes now on a 0666 root file", utimensat(dfd, "rw666", NULL, 0));
	{
		struct timespec ts[2] = {{1, 0}, {2, 0}};

		res("utimes explicit on a root file",
		    utimensat(dfd, "rw666", ts, 0));
	}
	res("truncate a 0444 file", truncate("ro444", 0));
	res("write a 0666 file", put("rw666", "mine", 0644));
	res("create in a 0777 dir", put("open/mine", "m", 0640));
	show("open/mine");
	res("chmod my file", fchmodat(dfd, "open/mine", 0600, 0));
	res("chown my file to root", fchownat(dfd, "open/mine", 0, 0, 0));
	res("mknod a char device",
	    mknodat(dfd, "open/dev", S_IFCHR | 0600, makedev(1, 3)));
	res("mknod a fifo", mknodat(dfd, "open/fifo", S_IFIFO | 0600, 0));
	res("setxattr on a root file", setxattr("rw666", "user.u", "u", 1, 0));
	res("setxattr trusted on my file",
	    setxattr("open/mine", "trusted.t", "t", 1, 0));
	res("rmdir a root dir in a sticky dir",
	    (mkdirat(dfd, "open/sub", 0755),
	     unlinkat(dfd, "rootdir", AT_REMOVEDIR)));
	show_dir("open");
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: state_ops_check ops|perm-prep|perm|"
				"links DIR | exdev|link2 FROM TO\n");
		return 2;
	}
	if (!strcmp(argv[1], "getx")) { /* getx FILE NAME: the value */
		char v[4096];
		ssize_t n =
		    argc == 4 ? getxattr(argv[2], argv[3], v, sizeof(v)) : -1;

		if (n < 0)
			return 1;
		printf("%.*s\n", (int)n, v);
		return 0;
	}
	if (!strcmp(argv[1], "exdev")) {
		if (argc != 4)
			return 2;
		res("rename across file systems", rename(argv[2], argv[3]));
		return 0;
	}
	if (!strcmp(argv[1], "link2")) { /* link2 FROM TO: link(2) */
		if (argc != 4)
			return 2;
		res("link", link(argv[2], argv[3]));
		return 0;
	}
	if (chdir(argv[2]) < 0 || (dfd = open(".", O_RDONLY)) < 0) {
		perror(argv[2]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	if (!strcmp(argv[1], "ops")) {
		ops_files();
		ops_dirs();
		ops_rename();
		ops_meta();
		ops_xattr();
	} else if (!strcmp(argv[1], "perm-prep")) {
		perm_prep();
	} else if (!strcmp(argv[1], "perm")) {
		perm_ops();
	} else if (!strcmp(argv[1], "links")) {
		ops_links();
	} else {
		fprintf(stderr, "unknown sequence '%s'\n", argv[1]);
		return 2;
	}
	return 0;
}
