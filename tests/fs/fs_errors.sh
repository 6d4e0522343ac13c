#!/usr/bin/env bash
# fs_errors.sh - esxfsd refuses bad input with a non-zero exit and a clear
# message, mounting nothing: usage errors, missing or non-directory mount
# points, bad manifests, missing content, a busy mount point; and it
# recovers a stale mount point left by a killed daemon.
. "$(dirname "$0")/lib.sh"
fs_skip_unless_fuse

m=$fs_tmp/mnt
mkdir -p "$m"
cat >"$fs_tmp/ok.json" <<'JSON'
{"version": 1, "entries": [{"path": "/etc/motd", "type": "file", "content": {"text": "hi\n"}}]}
JSON

# expect_fail WANTED-TEXT esxfsd-args...: non-zero exit, message, no mount
expect_fail() {
	local want=$1 out rc=0
	shift
	out=$("$ESXFSD" "$@" 2>&1) || rc=$?
	[ "$rc" -ne 0 ] || fail "'esxfsd $*' succeeded"
	case $out in *"$want"*) ;; *) fail "'esxfsd $*': want '$want' in: $out" ;; esac
	! mountpoint -q "$m" || fail "'esxfsd $*' left a mount"
	echo "ok: $out" | head -1
}

expect_fail "missing MOUNTPOINT" -m "$fs_tmp/ok.json"
expect_fail "too many arguments" -m "$fs_tmp/ok.json" "$m" "$m"
expect_fail "usage:" --no-such-option "$m"
expect_fail "'$fs_tmp/nope' does not exist" -m "$fs_tmp/ok.json" "$fs_tmp/nope"
touch "$fs_tmp/file"
expect_fail "'$fs_tmp/file' is not a directory" -m "$fs_tmp/ok.json" "$fs_tmp/file"

printf '{"version": 1, "entries": [{"path": "/x", "type": "file", "modd": "0644"}]}' >"$fs_tmp/bad-key.json"
expect_fail "bad-key.json" -f -m "$fs_tmp/bad-key.json" "$m"
expect_fail "/entries/0/modd" -f -m "$fs_tmp/bad-key.json" "$m"
printf '{"version": 1,\n "entries": [\n  {"path": "/x" "type": "file"}]}' >"$fs_tmp/bad-syntax.json"
expect_fail "bad-syntax.json:3:" -m "$fs_tmp/bad-syntax.json" "$m"
expect_fail "no-such.json" -m "$fs_tmp/no-such.json" "$m"
# an error in an overlay mounts nothing either
printf '{"version": 1, "entries": [{"path": "/etc/motd", "mode": "9999"}]}' >"$fs_tmp/bad-overlay.json"
expect_fail "bad-overlay.json" -m "$fs_tmp/ok.json" -m "$fs_tmp/bad-overlay.json" "$m"

printf '{"version": 1, "entries": [{"path": "/etc/issue", "type": "file", "content": {"file": "etc/missing"}}]}' >"$fs_tmp/nocontent.json"
mkdir -p "$fs_tmp/croot"
expect_fail "entry '/etc/issue'" -m "$fs_tmp/nocontent.json" --content-root "$fs_tmp/croot" "$m"
expect_fail "needs --content-root" -m "$fs_tmp/nocontent.json" "$m"
expect_fail "content root '$fs_tmp/nodir' does not exist" -m "$fs_tmp/ok.json" --content-root "$fs_tmp/nodir" "$m"
printf '{"version": 1, "entries": [{"path": "/bin/x", "type": "file", "content": {"shadow": "/.shadow/mockbin/none"}}]}' >"$fs_tmp/noshadow.json"
expect_fail "entry '/bin/x'" -m "$fs_tmp/noshadow.json" --shadow-root "$fs_tmp/croot" "$m"
expect_fail "bad -o option" -o no_such_fuse_option -m "$fs_tmp/ok.json" "$m"

# busy: a second daemon on the same mount point
fs_mount "$m" -m "$fs_tmp/ok.json"
out=$("$ESXFSD" -m "$fs_tmp/ok.json" "$m" 2>&1) && fail "second mount on a busy mount point"
case $out in *"is busy"*"fusermount3 -u"*) echo "ok: $out" ;; *) fail "busy: $out" ;; esac
[ "$(cat "$m/etc/motd")" = hi ] || fail "first mount disturbed"

# stale: kill -9 leaves ENOTCONN; the next start says so and recovers
kill -KILL "${fs_pids[$m]}"
wait "${fs_pids[$m]}" 2>/dev/null || true
unset "fs_pids[$m]"
out=$(stat "$m" 2>&1) && fail "no stale mount after kill -9"
case $out in *"not connected"*) ;; *) fail "stale: $out" ;; esac
fs_mount "$m" -m "$fs_tmp/ok.json"
grep -q "stale FUSE mount" "$m.log" || fail "no stale-mount message: $(cat "$m.log")"
[ "$(cat "$m/etc/motd")" = hi ] || fail "remount after a stale mount"
fs_umount "$m"
echo PASS
