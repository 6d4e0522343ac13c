#!/usr/bin/env bash
# ESXi's shell works in the default tree: materialize esx8.json +
# esx8-extra.json into a directory and run busybox through /bin/sh and the
# applet links, with /dev/null, /etc/passwd and the log/scratch links.
# usage: import_chroot.sh ESXMOCKCTL SHADOW_DIR   (root: chroot, mknod)
set -euo pipefail
ctl=$1 shadow=$2
data=${ESXMOCK_SRC:?}/manifest/data
[ "$(id -u)" = 0 ] || { echo "import_chroot: needs root (chroot): skipped"; exit 77; }
[ -x "$shadow/busybox/busybox" ] || { echo "FAIL: $shadow/busybox/busybox missing (build the esx_shadow target)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
r=$tmp/root
"$ctl" manifest materialize --shadow-root "$shadow" "$data/esx8.json" "$data/esx8-extra.json" "$r"
chroot "$r" /bin/sh -c 'ls -l /bin' >"$tmp/ls" || fail "chroot ls -l /bin"
grep -q ' sh -> /usr/lib/vmware/busybox/bin/busybox$' "$tmp/ls" || fail "no /bin/sh link in ls -l /bin"
grep -q '^-r-sr-xr-x .* root *root .* vmx$' "$tmp/ls" || fail "setuid /bin/vmx not shown as in ESXi"
# every busybox applet link of /bin runs (Debian's busybox lacks a few
# applets ESXi has: those must say so, not fail to exec)
n=0 missing=
for l in $(cd "$r/bin" && find . -type l | sed 's|^\./||'); do
	[ "$(readlink "$r/bin/$l")" = /usr/lib/vmware/busybox/bin/busybox ] || continue
	n=$((n + 1))
	case $l in reboot | halt | poweroff | init | getty | login | crond | inetd) continue ;; esac
	out=$(chroot "$r" "/bin/$l" --help 2>&1 </dev/null) && rc=0 || rc=$?
	case $out in *"applet not found"*) missing="$missing $l"; continue ;; esac
	[ $rc -ne 126 ] && [ $rc -ne 127 ] || fail "/bin/$l could not be executed ($rc): $out"
done
[ $n -gt 100 ] || fail "only $n busybox links"
out=$(chroot "$r" /bin/sh -c 'echo x >/dev/null && cat /dev/null && head -c 4 /dev/zero | wc -c && grep -c :x: /etc/passwd && cd /var/tmp && pwd -P && ls -ld /scratch/log/ >/dev/null && . /etc/profile && echo "$PS1"')
expected='4
5
/vmfs/volumes/63dd8268-20d773e5-fa32-646266213c0e/tmp
[\u@\h:\w] '
[ "$out" = "$expected" ] || fail "shell session: got '$out'"
echo "import_chroot: ok ($n busybox applet links; not in Debian's busybox:$missing)"
