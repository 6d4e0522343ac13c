#!/usr/bin/env bash
# fs_chroot.sh - ESXi's shell works in the default tree (the embedded
# manifests, no -m): chroot MNT /bin/sh -c 'ls -l /bin' runs busybox from
# the shadow area, and device nodes such as /dev/null work in the chroot.
. "$(dirname "$0")/lib.sh"
fs_skip_unless_fuse

shadow=$ESXMOCK_BUILD/shadow
for f in "$ESXMOCK_SRC/manifest/data/esx8.json" "$ESXMOCK_SRC/manifest/data/esx8-extra.json" \
	"$shadow/busybox/busybox"; do
	[ -e "$f" ] || { echo "SKIP: '$f' not there yet (default tree incomplete)"; exit 77; }
done

# The default stack is the embedded one (no -m). Its last layer serves the
# mock CLIs: when this build has not produced them, mount the first two
# layers explicitly (esxfsd refuses a stack with missing content).
stack=()
mockbin=$ESXMOCK_SRC/manifest/data/esx8-mockbin.json
missing=""
if [ -f "$mockbin" ]; then
	for p in $(grep -o '/\.shadow/[^"]*' "$mockbin"); do
		[ -f "$shadow/${p#/.shadow/}" ] || missing="$missing ${p#/.shadow/}"
	done
fi
if [ -n "$missing" ]; then
	echo "note: not built:$missing: mounting esx8.json + esx8-extra.json"
	stack=(-m "$ESXMOCK_SRC/manifest/data/esx8.json" -m "$ESXMOCK_SRC/manifest/data/esx8-extra.json")
fi
m=$fs_tmp/mnt
fs_mount "$m" --shadow-root "$shadow" "${stack[@]}"
out=$(chroot "$m" /bin/sh -c 'ls -l /bin') || fail "chroot ls -l /bin: $out"
echo "$out" | head -5
echo "$out" | grep -q ' sh -> ' || fail "no /bin/sh link in: $out"
[ "$(chroot "$m" /bin/sh -c 'echo ok >/dev/null && echo done')" = done ] ||
	fail "/dev/null in the chroot"
[ "$(chroot "$m" /bin/sh -c 'cat /etc/motd >/dev/null; echo $?')" = 0 ] ||
	fail "cat /etc/motd in the chroot"
fs_umount "$m"
echo PASS
