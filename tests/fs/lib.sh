# lib.sh - shared by the fs script tests (sourced): skip rules, a temp dir
# removed on exit, starting esxfsd in the foreground with its stderr in a
# log, and stopping it with a check that it exited cleanly (no sanitizer
# report, status 0, mount gone).
set -euo pipefail
: "${ESXMOCK_SRC:?ESXMOCK_SRC not set (run through ctest)}"
: "${ESXMOCK_BUILD:?ESXMOCK_BUILD not set (run through ctest)}"
ESXFSD=${ESXFSD:-$ESXMOCK_BUILD/fsd/esxfsd}
FS_BIN=$ESXMOCK_BUILD/tests/fs
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

fs_skip_unless_fuse() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
	[ -c /dev/fuse ] || { echo "SKIP: /dev/fuse missing"; exit 77; }
	command -v fusermount3 >/dev/null || { echo "SKIP: fusermount3 missing"; exit 77; }
	[ -x "$ESXFSD" ] || fail "esxfsd not built: '$ESXFSD'"
}

fs_tmp=$(mktemp -d /tmp/esxfsd-test.XXXXXX)
chmod 755 "$fs_tmp" # other users (setpriv tests) must reach the mounts
fs_mounts=()
declare -A fs_pids=()

fs_cleanup() {
	local m
	for m in "${fs_mounts[@]}"; do
		if mountpoint -q "$m" 2>/dev/null || ! stat "$m" >/dev/null 2>&1; then
			fusermount3 -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		fi
	done
	for m in "${fs_pids[@]}"; do
		kill "$m" 2>/dev/null || true
	done
	# never recurse into a mount that is still there
	if ! grep -q " $fs_tmp" /proc/self/mountinfo; then
		rm -rf "$fs_tmp"
	fi
}
trap fs_cleanup EXIT

# fs_mount MNT [esxfsd args...]: mounts in the foreground (background job),
# returns once the pid file says the mount is ready.
fs_mount() {
	local mnt=$1 i
	shift
	[ -d "$mnt" ] 2>/dev/null || mkdir -p "$mnt" 2>/dev/null || true
	local log=$mnt.log pidf=$mnt.pid
	rm -f "$pidf"
	"$ESXFSD" -f --pid-file "$pidf" "$@" "$mnt" 2>"$log" &
	local pid=$!
	fs_pids[$mnt]=$pid
	fs_mounts+=("$mnt")
	for i in $(seq 600); do
		[ -s "$pidf" ] && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$log" >&2
			fail "esxfsd died before the mount of '$mnt' was ready"
		fi
		sleep 0.1
	done
	fail "mount of '$mnt' not ready after 60 s"
}

# fs_umount MNT: SIGTERM, then checks the daemon's exit and its log.
fs_umount() {
	local mnt=$1 pid=${fs_pids[$1]} rc=0
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	unset "fs_pids[$mnt]"
	if grep -qE "Sanitizer|runtime error" "$mnt.log"; then
		cat "$mnt.log" >&2
		fail "sanitizer report from esxfsd on '$mnt'"
	fi
	[ "$rc" -eq 0 ] || { cat "$mnt.log" >&2; fail "esxfsd exited with $rc"; }
	! mountpoint -q "$mnt" || fail "'$mnt' still mounted after SIGTERM"
}
