#!/usr/bin/env bash
# scripts/esx-file-listing.sh -> import-listing -> materialize -> listing
# again: every name (spaces, quotes, backslashes, newlines, UTF-8), type,
# mode (setuid, setgid, sticky), owner id, size, mtime, symlink target and
# device number survives. The capture runs under busybox (ESXi's tools)
# and under the host's tools; both must write the same rows.
# usage: import_listing_roundtrip.sh ESXMOCKCTL   (root: mknod, chown)
set -euo pipefail
ctl=$1
src=${ESXMOCK_SRC:?}
[ "$(id -u)" = 0 ] || { echo "import_listing_roundtrip: needs root (mknod, chown): skipped"; exit 77; }
command -v busybox >/dev/null || { echo "import_listing_roundtrip: no busybox: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

r=$tmp/tree
mkdir -p "$r/bin" "$r/etc/vmware" "$r/dir with space" "$r/tmp" "$r/sgid" "$r/dev/char/mem"
printf 'root:x:0:0::/:/bin/sh\n' >"$r/etc/passwd"
head -c 12345 /dev/urandom >"$r/etc/vmware/blob"
: >"$r/dir with space/q\"uote"
: >"$r/back\\slash"
: >"$r/new
line"
: >"$r/it's é"
ln -s /usr/lib/vmware/busybox/bin/busybox "$r/bin/sh"
ln -s "../etc/passwd" "$r/bin/rel"
ln -s "targ'et \"x\" \\" "$r/weird link"
mkfifo "$r/fifo"
mknod "$r/dev/char/mem/null" c 1 3
mknod "$r/dev/loop0" b 7 0
ln -s /dev/char/mem/null "$r/dev/null"
chmod 4755 "$r/etc/passwd"
chmod 2750 "$r/sgid"
chmod 1777 "$r/tmp"
chmod 1644 "$r/etc/vmware/blob"
chmod 0600 "$r/fifo"
chown 1234:4321 "$r/dir with space/q\"uote"
chown -h 500:100 "$r/weird link"
find "$r" -depth -print0 | xargs -0 touch -h -d @1600000000
touch -d @1690000001 "$r/etc/vmware/blob"
touch -h -d @1690000002 "$r/bin/sh"

capture() { # capture ROOT OUT [busybox]
	if [ "${3:-}" = busybox ]; then
		PATH=$tmp/bb busybox sh "$src/scripts/esx-file-listing.sh" "$1" >"$2" 2>"$2.err"
	else
		sh "$src/scripts/esx-file-listing.sh" "$1" >"$2" 2>"$2.err"
	fi
}
# rows only, without what differs legitimately between two trees:
# directory sizes (filesystem-specific)
rows() {
	sed -n '2,$p' "$1" | sed -E 's/^(\{"hstat": "d[^}]*, "size": )[0-9]+/\1D/; s/,$//'
}

mkdir "$tmp/bb"
busybox --install -s "$tmp/bb"
capture "$r" "$tmp/l-bb.json" busybox
capture "$r" "$tmp/l-host.json"
grep -q '"format": "esxmock-listing"' "$tmp/l-bb.json" || fail "no header"
diff <(rows "$tmp/l-bb.json") <(rows "$tmp/l-host.json") || fail "busybox and host captures differ"
n=$(rows "$tmp/l-bb.json" | grep -c '^{"hstat"')
[ "$n" -eq 23 ] || fail "expected 23 rows, got $n"
grep -q '"path": "/new\\nline"' "$tmp/l-bb.json" || fail "newline name"
grep -q '"target": "targ'"'"'et \\"x\\" \\\\"' "$tmp/l-bb.json" || fail "weird target"
grep -q '"rdev": "7:0", "path": "/dev/loop0"' "$tmp/l-bb.json" || fail "block device"

"$ctl" manifest import-listing "$tmp/l-bb.json" >"$tmp/m.json" 2>"$tmp/import.err" || { cat "$tmp/import.err"; fail "import"; }
grep -q 'import: symlink targets: 4 from the listing' "$tmp/import.err" || { cat "$tmp/import.err"; fail "targets"; }
"$ctl" manifest materialize "$tmp/m.json" "$tmp/copy" 2>"$tmp/mat.err" || { cat "$tmp/mat.err"; fail "materialize"; }
capture "$tmp/copy" "$tmp/l-copy.json" busybox
diff <(rows "$tmp/l-bb.json") <(rows "$tmp/l-copy.json") || fail "the materialized copy differs from the original"
echo "import_listing_roundtrip: ok ($n rows)"
