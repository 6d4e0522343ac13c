#!/usr/bin/env bash
# One whole esxfsd life cycle under valgrind: mount the default ESXi tree
# with a state dir and the control channel, read, write, rename, delete,
# add an intercept rule and an exec interception, fetch the log, snapshot,
# restore, reset, unmount by SIGTERM. Fails on any valgrind error or
# definite/indirect leak. usage: scripts/valgrind-lifecycle.sh BUILD_DIR
# (a build without sanitizers: valgrind and ASan do not mix).
set -euo pipefail
b=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
fsd=$b/fsd/esxfsd ctl=$b/proto/esxmockctl
command -v valgrind >/dev/null || { echo "valgrind-lifecycle: no valgrind, skipped"; exit 0; }
[ -e /dev/fuse ] && [ "$(id -u)" -eq 0 ] || { echo "valgrind-lifecycle: needs root and /dev/fuse, skipped"; exit 0; }
t=$(mktemp -d)
m=$t/mnt vgpid=
cleanup() {
	[ -n "$vgpid" ] && kill "$vgpid" 2>/dev/null
	mountpoint -q "$m" 2>/dev/null && fusermount3 -u "$m" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT
fail() { echo "valgrind-lifecycle: FAIL: $*" >&2; [ -f "$t/vg.log" ] && cat "$t/vg.log" >&2; exit 1; }
mkdir -p "$m" "$t/state"
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--log-file="$t/vg.log" "$fsd" -f --state "$t/state" \
	--shadow-root "$b/shadow" --control 127.0.0.1:0 \
	--control-file "$t/addr" --pid-file "$t/pid" "$m" 2>"$t/err" &
vgpid=$!
for _ in $(seq 600); do [ -s "$t/pid" ] && [ -s "$t/addr" ] && break; sleep 0.1; done
[ -s "$t/pid" ] || fail "daemon not ready: $(cat "$t/err")"
export ESXMOCK_CONTROL=$(cat "$t/addr")

find "$m" -xdev >/dev/null
grep -q HostName "$m/etc/vmware/esx.conf" || fail "esx.conf"
echo hello >"$m/tmp/a" && mv "$m/tmp/a" "$m/tmp/b" && rm "$m/tmp/b"
echo x >>"$m/etc/motd"
mkdir "$m/tmp/d" && rmdir "$m/tmp/d"
"$ctl" state snapshot s1 >/dev/null
"$ctl" rules add '{"id":"r","match":{"path":"/etc/motd","ops":"read"},"action":{"fail":"EIO"}}' >/dev/null
cat "$m/etc/motd" >/dev/null 2>&1 && fail "rule did not fire"
"$ctl" rules clear >/dev/null
"$ctl" call exec.add '{"match":{"path":"/bin/apply-host-profiles"},"answer":{"style":"static","stdout":"scripted\n","exit":3}}' >/dev/null
rc=0; out=$("$m/bin/apply-host-profiles") || rc=$?
[ "$out/$rc" = "scripted/3" ] || fail "exec interception: $out/$rc"
"$ctl" call exec.clear >/dev/null
"$ctl" log >/dev/null
"$ctl" state restore s1 >/dev/null
"$ctl" state reset >/dev/null
"$ctl" stats >/dev/null

kill -TERM "$(cat "$t/pid")"
rc=0; wait "$vgpid" || rc=$?
vgpid=
[ "$rc" -eq 0 ] || fail "esxfsd under valgrind exited $rc"
echo "valgrind-lifecycle: clean (mount, walk, writes, rules, exec interception, log, snapshot/restore/reset, SIGTERM)"
