#!/usr/bin/env bash
# fs_lifecycle.sh - the daemon's life: without -f, esxfsd returns only once
# the mount is ready (so `esxfsd MNT && ls MNT` works), writes its pid file,
# unmounts cleanly on SIGTERM and SIGINT and removes the pid file; and a
# mount / full walk / unmount cycle leaks nothing (LeakSanitizer in an ASan
# build, valgrind otherwise).
. "$(dirname "$0")/lib.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/motd", "type": "file", "content": {"text": "hi\n"}},
 {"path": "/etc/host", "type": "file", "content": {"file": "host"}},
 {"path": "/bin/sh", "type": "symlink", "target": "busybox"},
 {"path": "/vmfs/volumes/ds1/big", "type": "file", "size": 3000000}
]}
JSON
printf 'host\n' >"$fs_tmp/host"
m=$fs_tmp/mnt
mkdir -p "$m"
walk() { find "$1" -ls >/dev/null && cat "$1/etc/motd" "$1/etc/host" "$1/vmfs/volumes/ds1/big" >/dev/null; }

for sig in TERM INT; do
	"$ESXFSD" -m "$fs_tmp/m.json" --content-root "$fs_tmp" --pid-file "$fs_tmp/pid" "$m"
	fs_mounts+=("$m")
	[ "$(cat "$m/etc/motd")" = hi ] || fail "mount not ready when esxfsd returned"
	pid=$(cat "$fs_tmp/pid")
	kill -0 "$pid" || fail "no daemon with pid $pid"
	walk "$m"
	kill -"$sig" "$pid"
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null || fail "daemon still running after SIG$sig"
	! mountpoint -q "$m" || fail "still mounted after SIG$sig"
	[ ! -e "$fs_tmp/pid" ] || fail "pid file left after SIG$sig"
	echo "ok: daemon mode, SIG$sig"
done

# unmounted from outside: the daemon notices and exits 0
fs_mount "$m" -m "$fs_tmp/m.json" --content-root "$fs_tmp"
fusermount3 -u "$m"
rc=0
wait "${fs_pids[$m]}" || rc=$?
unset "fs_pids[$m]"
[ "$rc" -eq 0 ] || fail "daemon exit $rc after fusermount3 -u"
echo "ok: external unmount"

if [[ $(ldd "$ESXFSD") == *libasan* ]]; then
	# fs_mount/fs_umount run it under ASan with detect_leaks=1 and fail on
	# any report in its log
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	fs_mount "$m" -m "$fs_tmp/m.json" --content-root "$fs_tmp"
	walk "$m"
	fs_umount "$m"
	echo "ok: no leak or error under ASan"
elif command -v valgrind >/dev/null; then
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$fs_tmp/vg.log" \
		"$ESXFSD" -f -m "$fs_tmp/m.json" --content-root "$fs_tmp" --pid-file "$fs_tmp/vpid" "$m" 2>/dev/null &
	vg=$!
	fs_mounts+=("$m")
	for i in $(seq 600); do [ -s "$fs_tmp/vpid" ] && break; sleep 0.1; done
	[ -s "$fs_tmp/vpid" ] || fail "valgrind run not ready"
	walk "$m"
	kill -TERM "$(cat "$fs_tmp/vpid")"
	rc=0
	wait $vg || rc=$?
	[ "$rc" -eq 0 ] || { cat "$fs_tmp/vg.log"; fail "valgrind exit $rc"; }
	echo "ok: valgrind clean"
else
	echo "note: neither ASan nor valgrind: leak check skipped"
fi
echo PASS
