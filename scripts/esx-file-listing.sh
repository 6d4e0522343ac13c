#!/bin/sh
# esx-file-listing.sh - captures an ESXi host's file tree for esxmock.
#
# Run it ON THE ESXi HOST (busybox ash; needs only busybox find, xargs, stat,
# awk and readlink: no tr, no bash):
#
#   sh esx-file-listing.sh [-o FILE] [-x PATH]... [ROOT] > listing.json
#
#   ROOT     the tree to list (default /); paths are written relative to it,
#            as absolute paths ("/bin/sh")
#   -o FILE  write to FILE instead of stdout (FILE itself is left out)
#   -x PATH  leave PATH (as find prints it: ROOT/...) and everything below
#            it out (repeatable), e.g. -x /vmfs/volumes to skip datastores
#
# Then, on a machine with esxmock:
#   esxmockctl manifest import-listing listing.json > esx.json
#
# Output: one JSON document (manifest/LISTING.md "The esxmock-listing
# format"), one row per line:
#   {"format": "esxmock-listing", "version": 1, "root": "/", "host": "esx",
#    "captured": "2024-05-01T12:00:00Z", "tool": "esx-file-listing.sh",
#    "rows": [
#   {"hstat": "lrwxrwxrwx", "stat": "777", "owner": "root", "group": "root",
#    "uid": 0, "gid": 0, "size": 35, "mtime": 1690000000,
#    "target": "/usr/lib/vmware/busybox/bin/busybox", "path": "/bin/sh"},
#   ...]}
# hstat/stat/owner/group/path are the keys of the original capture command
# (find . | xargs stat -c '{ "hstat": "%A", ... },'); uid/gid (numeric ids),
# size (bytes), mtime (epoch seconds), target (symlinks) and rdev
# ("MAJOR:MINOR" in decimal, devices) are the additions. Names are JSON
# strings: '"', '\' and control characters are escaped; other bytes are
# copied as they are. It fixes the original command's flaws: valid JSON (no
# trailing comma), no rows from a stray '*' glob, names with spaces, quotes
# or newlines intact, symlink targets recorded.
set -u

out=
root=/
prune=
nl='
'
usage() {
	sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	-o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	-x) [ $# -ge 2 ] || usage; prune="$prune$2$nl"; shift 2 ;;
	-h | --help) usage ;;
	-*) echo "esx-file-listing: unknown option '$1'" >&2; usage ;;
	*) root=$1; shift ;;
	esac
done
[ -d "$root" ] || { echo "esx-file-listing: '$root' is not a directory" >&2; exit 1; }
# "/x/" -> "/x"; "/" stays
while [ "$root" != / ] && [ "${root%/}" != "$root" ]; do root=${root%/}; done
if [ -n "$out" ]; then
	: >"$out" || exit 1
	case $out in /*) ;; *) out=$(pwd)/$out ;; esac
	prune="$prune$out$nl"
	exec >"$out"
fi

# find's arguments: ROOT \( -path P1 -o -path P2 \) -prune -o -print0
set -- "$root"
first=1
IFS=$nl
for p in $prune; do
	[ -n "$p" ] || continue
	if [ $first = 1 ]; then set -- "$@" "("; first=0; else set -- "$@" -o; fi
	set -- "$@" -path "$p"
done
unset IFS
[ $first = 1 ] || set -- "$@" ")" -prune -o

fmt='%A|%a|%U|%G|%u|%g|%s|%Y|%t|%T|%n'
host=$(hostname 2>/dev/null || echo unknown)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || echo unknown)

# NUL-separated names survive spaces, quotes and newlines; without -print0 /
# xargs -0 support, one stat per file (slow but complete).
stat_all() {
	if printf 'x\0' | xargs -0 echo >/dev/null 2>&1 &&
		find "$root" -prune -print0 >/dev/null 2>&1; then
		find "$@" -print0 | xargs -0 stat -c "$fmt"
	else
		echo "esx-file-listing: no find -print0/xargs -0: one stat per file" >&2
		find "$@" -exec stat -c "$fmt" {} \;
	fi
}

stat_all "$@" | awk -v root="$root" -v host="$host" -v now="$now" '
BEGIN {
	for (i = 1; i < 32; i++) {
		c = sprintf("%c", i)
		ctl[c] = sprintf("\\u%04x", i)
		ctlset = ctlset c
	}
	ctl["\n"] = "\\n"; ctl["\t"] = "\\t"; ctl["\r"] = "\\r"
	hexd = "0123456789abcdef"
	printf "{\"format\": \"esxmock-listing\", \"version\": 1, \"root\": \"%s\", \"host\": \"%s\", \"captured\": \"%s\", \"tool\": \"esx-file-listing.sh\", \"rows\": [\n", esc(root), esc(host), esc(now)
	sep = ""
	rows = 0
}
# JSON string body: only names with a quote, backslash or control character
# take the slow path.
function esc(s,   o, i, n, c) {
	if (s !~ /["\\]/ && !hasctl(s))
		return s
	o = ""
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c == "\"") o = o "\\\""
		else if (c == "\\") o = o "\\\\"
		else if (c in ctl) o = o ctl[c]
		else o = o c
	}
	return o
}
function hasctl(s,   i, n) {
	n = length(ctlset)
	for (i = 1; i <= n; i++)
		if (index(s, substr(ctlset, i, 1)))
			return 1
	return 0
}
function hex2dec(h,   i, v) {
	v = 0
	h = tolower(h)
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index(hexd, substr(h, i, 1)) - 1
	return v
}
# Single-quoted for sh: each quote becomes quote, backslash, quote, quote.
function shq(s,   q, o, i, n, c) {
	q = sprintf("%c", 39)
	o = q
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		o = o (c == q ? q "\\" q q : c)
	}
	return o q
}
function flush(   p, t, cmd, line, row) {
	if (!have)
		return
	have = 0
	p = name
	if (root != "/") {
		if (p == root) p = "/"
		else if (substr(p, 1, length(root) + 1) == root "/") p = substr(p, length(root) + 1)
	}
	row = "{\"hstat\": \"" f[1] "\", \"stat\": \"" f[2] "\", \"owner\": \"" esc(f[3]) "\", \"group\": \"" esc(f[4]) "\", \"uid\": " f[5] ", \"gid\": " f[6] ", \"size\": " f[7] ", \"mtime\": " f[8]
	t = substr(f[1], 1, 1)
	if (t == "c" || t == "b")
		row = row ", \"rdev\": \"" hex2dec(f[9]) ":" hex2dec(f[10]) "\""
	if (t == "l") {
		cmd = "readlink " shq(name)
		line = ""
		if ((cmd | getline line) <= 0)
			print "esx-file-listing: cannot read the link " name > "/dev/stderr"
		close(cmd)
		if (line != "")
			row = row ", \"target\": \"" esc(line) "\""
	}
	printf "%s%s, \"path\": \"%s\"}", sep, row, esc(p)
	sep = ",\n"
	rows++
}
# A row starts with a mode string and ten "|"-separated fields; the name is
# the rest. A line that does not is the continuation of a name holding a
# newline.
/^[-dlcbps][-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]\|/ {
	n = 0
	rest = $0
	while (n < 10) {
		k = index(rest, "|")
		if (!k) break
		g[++n] = substr(rest, 1, k - 1)
		rest = substr(rest, k + 1)
	}
	if (n == 10) {
		flush()
		for (k = 1; k <= 10; k++) f[k] = g[k]
		name = rest
		have = 1
		next
	}
}
{
	if (have)
		name = name "\n" $0
	else
		print "esx-file-listing: skipped unexpected line: " $0 > "/dev/stderr"
}
END {
	flush()
	printf "\n]}\n"
	print "esx-file-listing: " rows " rows" > "/dev/stderr"
}
'
