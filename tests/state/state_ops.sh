#!/usr/bin/env bash
# state_ops.sh - every write-side operation through a real mount gives the
# same results and errnos as on a plain directory: state_ops_check runs
# one sequence on both and the outputs must be equal line by line (as root,
# then as nobody for EACCES/EPERM), and the hard link sequence. Then the
# EXDEV cases: rename and link to another file system, link of a hidden
# /.esxmock node.
. "$(dirname "$0")/../fs/lib.sh"
. "$(dirname "$0")/lib_state.sh"
fs_skip_unless_fuse
command -v setpriv >/dev/null || { echo "SKIP: setpriv missing"; exit 77; }

st_manifest "$fs_tmp/m.json"
m=$fs_tmp/mnt
st_mount "$m" "$fs_tmp/state" -m "$fs_tmp/m.json" --control none
plain=$fs_tmp/plain
mkdir -p "$plain/ops" "$plain/perm" "$m/work/ops" "$m/work/perm"
chmod 755 "$plain/ops" "$plain/perm"

compare() { # NAME: plain.NAME and mnt.NAME must be equal
	if ! diff -u "$fs_tmp/plain.$1" "$fs_tmp/mnt.$1"; then
		fail "'$1': the mount differs from a plain directory (above)"
	fi
	echo "ok: $1: $(wc -l <"$fs_tmp/mnt.$1") results identical"
}

"$ST_BIN/state_ops_check" ops "$plain/ops" >"$fs_tmp/plain.ops"
"$ST_BIN/state_ops_check" ops "$m/work/ops" >"$fs_tmp/mnt.ops"
compare ops
grep -q "EISDIR" "$fs_tmp/mnt.ops" && grep -q "ENOTEMPTY" "$fs_tmp/mnt.ops" &&
	grep -q "EEXIST" "$fs_tmp/mnt.ops" && grep -q "ENOTDIR" "$fs_tmp/mnt.ops" ||
	fail "the sequence lost its error cases"

for d in "$plain/perm" "$m/work/perm"; do
	"$ST_BIN/state_ops_check" perm-prep "$d"
done
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
}
as_nobody "$ST_BIN/state_ops_check" perm "$plain/perm" >"$fs_tmp/plain.perm"
as_nobody "$ST_BIN/state_ops_check" perm "$m/work/perm" >"$fs_tmp/mnt.perm"
compare perm
grep -q "EACCES" "$fs_tmp/mnt.perm" && grep -q "EPERM" "$fs_tmp/mnt.perm" ||
	fail "the unprivileged sequence lost its EACCES/EPERM cases"

# hard links: names, nlink, one inode, writes through any name, unlink,
# rename and exchange of names, errors (docs/state-dir.md)
mkdir -p "$plain/links" "$m/work/links"
"$ST_BIN/state_ops_check" links "$plain/links" >"$fs_tmp/plain.links"
"$ST_BIN/state_ops_check" links "$m/work/links" >"$fs_tmp/mnt.links"
compare links
grep -q "nlink=3" "$fs_tmp/mnt.links" && grep -q "same h2 h5: yes" "$fs_tmp/mnt.links" &&
	grep -q "EPERM" "$fs_tmp/mnt.links" && grep -q "EEXIST" "$fs_tmp/mnt.links" ||
	fail "the link sequence lost its cases"
out=$("$ST_BIN/state_ops_check" link2 "$m/work/links/h2" "$plain/links/hx")
[ "$out" = "link: EXDEV" ] || fail "link to another file system: $out"
echo "ok: link to another file system: EXDEV"
if [ -e "$m/.esxmock/invoke" ]; then
	out=$("$ST_BIN/state_ops_check" link2 "$m/.esxmock/invoke" "$m/tmp/inv")
	[ "$out" = "link: EXDEV" ] || fail "link of /.esxmock/invoke: $out"
	echo "ok: link of a hidden node: EXDEV"
fi
# rename between the mount and another file system
echo x >"$m/tmp/cross"
out=$("$ST_BIN/state_ops_check" exdev "$m/tmp/cross" "$plain/cross")
[ "$out" = "rename across file systems: EXDEV" ] || fail "exdev: $out"
echo "ok: $out"

# one daemon per state dir: a second one is refused, naming the first
mkdir -p "$fs_tmp/mnt2"
out=$("$ESXFSD" -f -m "$fs_tmp/m.json" --state "$fs_tmp/state" --control none \
	"$fs_tmp/mnt2" 2>&1) && fail "a second daemon on the same state dir"
case $out in *"is in use by another esxfsd (pid ${fs_pids[$m]})"*) echo "ok: $out" ;;
*) fail "second daemon: $out" ;; esac

# Every change above is in the state: a restart on it serves the same tree.
(cd "$m/work" && find . -printf '%p %y %m %n %U:%G %s %l\n' | sort) >"$fs_tmp/before"
(cd "$m/work/ops" && md5sum big f r2 moved ro) >"$fs_tmp/before.md5"
fs_umount "$m"
st_mount "$m" "$fs_tmp/state" -m "$fs_tmp/m.json" --control none
(cd "$m/work" && find . -printf '%p %y %m %n %U:%G %s %l\n' | sort) >"$fs_tmp/after"
diff -u "$fs_tmp/before" "$fs_tmp/after" || fail "the restart changed the tree"
(cd "$m/work/ops" && md5sum -c --quiet "$fs_tmp/before.md5") ||
	fail "the restart changed contents"
[ "$(stat -c %i "$m/work/links/h2")" = "$(stat -c %i "$m/work/links/h7")" ] ||
	fail "links h2 and h7 are not one file after a restart"
[ "$("$ST_BIN/state_ops_check" getx "$m/work/ops/x" user.b)" = two ] ||
	fail "xattr user.b lost in the restart"
echo "ok: $(wc -l <"$fs_tmp/after") paths identical after a restart"
fs_umount "$m"
