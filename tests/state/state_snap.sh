#!/usr/bin/env bash
# state_snap.sh - reset, snapshot, restore, forget and diff through the
# control channel (esxmockctl call) on a 20,000-entry tree with few
# changes: every state is exactly what it was (names, types, modes, bytes),
# the kernel's caches follow changes made behind its back (files.put onto a
# cached file and over a cached "no such file", restore, reset), and the
# cost follows the changes: nodes_visited stays small (a counter, never a
# timing). Hard links (to a new file, to a manifest file, and a manifest
# file whose first name went) are in a snapshot and come back as one file
# with every name; reset removes them. Snapshots survive a restart; SIGUSR1
# resets.
. "$(dirname "$0")/../fs/lib.sh"
. "$(dirname "$0")/lib_state.sh"
fs_skip_unless_fuse
CTL=$ESXMOCK_BUILD/proto/esxmockctl
[ -x "$CTL" ] || fail "esxmockctl not built: '$CTL'"

# a big tree: 200 directories of 100 files, and the small test tree
m=$fs_tmp/mnt
st_manifest "$fs_tmp/small.json"
{
	echo '{"version": 1, "entries": ['
	for d in $(seq 200); do
		echo " {\"path\": \"/big/d$d\", \"type\": \"dir\"},"
		for f in $(seq 100); do
			echo " {\"path\": \"/big/d$d/f$f\", \"type\": \"file\", \"content\": {\"text\": \"$d.$f\\n\"}},"
		done
	done
	echo ' {"path": "/big", "type": "dir"}]}'
} >"$fs_tmp/big.json"
args=(-m "$fs_tmp/small.json" -m "$fs_tmp/big.json" --control 127.0.0.1:0
	--control-file "$fs_tmp/ctl")
st_mount "$m" "$fs_tmp/state" "${args[@]}"
export ESXMOCK_CONTROL
ESXMOCK_CONTROL=$(cat "$fs_tmp/ctl")
call() { "$CTL" call --json "$@"; }
visited() { # JSON result on stdin -> nodes_visited
	sed -n 's/.*"nodes_visited":\([0-9]*\).*/\1/p'
}
# listing of the whole tree with the bytes of every file
snap_of() {
	(cd "$m" && find . -path ./big -prune -o -printf '%p %y %m %n %U:%G %s %l\n' | sort &&
		find . -path ./big -prune -o -type f -print0 | sort -z | xargs -0 md5sum &&
		find big -printf '%p %y %m %s\n' | sort | md5sum)
}
nodes=$(call stats | sed -n 's/.*"nodes":\([0-9]*\).*/\1/p')
[ "$nodes" -gt 20000 ] || fail "the big tree has $nodes nodes"
snap_of >"$fs_tmp/pristine"

# the kernel caches these now
cat "$m/etc/motd" >/dev/null
cat "$m/big/d7/f7" >/dev/null
[ ! -e "$m/tmp/from-rpc" ] || fail "/tmp/from-rpc exists"

# behind the kernel's back: a cached file, a cached "no such file"
call files.put '{"path":"/etc/motd","text":"from the test\n"}' >/dev/null
[ "$(cat "$m/etc/motd")" = "from the test" ] || fail "files.put: the mount still shows '$(cat "$m/etc/motd")'"
call files.put '{"path":"/tmp/from-rpc","base64":"AAEC","mode":"0600","uid":5}' >/dev/null
[ "$(stat -c '%a %u %s' "$m/tmp/from-rpc")" = "600 5 3" ] || fail "files.put over a negative dentry"
call files.mkdir '{"path":"/var/lib/x/y","parents":true}' >/dev/null
call files.symlink '{"path":"/var/lib/x/y/l","target":"../../../../etc/motd"}' >/dev/null
[ "$(cat "$m/var/lib/x/y/l")" = "from the test" ] || fail "files.symlink"
call files.chmod '{"path":"/etc/shadow","mode":"0400","gid":7}' >/dev/null
[ "$(stat -c '%a %g' "$m/etc/shadow")" = "400 7" ] || fail "files.chmod"
call files.remove '{"path":"/var/log","recursive":true}' >/dev/null
[ ! -e "$m/var/log" ] || fail "files.remove"
out=$(call files.remove '{"path":"/var/lib"}' 2>&1) && fail "rmdir of a non-empty dir: $out"
echo "ok: files.put/mkdir/symlink/chmod/remove seen at once through the mount"

# through the mount: new files, a copy-up, a rename of a manifest dir
echo one >"$m/tmp/one"
echo more >>"$m/etc/vmware/esx.conf"
mv "$m/big/d9" "$m/big/renamed9"
rm "$m/big/d8/f8"
ln "$m/tmp/one" "$m/tmp/one-link"
ln "$m/etc/vmware/esx.conf" "$m/tmp/esx-link"
ln "$m/big/d5/f5" "$m/big/d5/f5b"
rm "$m/big/d5/f5"
one_file() { # A B: one inode under both names
	[ "$(stat -c %i "$1")" = "$(stat -c %i "$2")" ] || fail "$3: '$1' and '$2' are two files"
}
links_ok() { # WHAT: the links of s1 are there
	one_file "$m/tmp/one" "$m/tmp/one-link" "$1"
	one_file "$m/etc/vmware/esx.conf" "$m/tmp/esx-link" "$1"
	[ "$(stat -c %h "$m/tmp/esx-link")" = 2 ] || fail "$1: esx.conf nlink"
	[ "$(cat "$m/big/d5/f5b")" = 5.5 ] && [ ! -e "$m/big/d5/f5" ] &&
		[ "$(stat -c %h "$m/big/d5/f5b")" = 1 ] || fail "$1: f5b"
}
links_ok "before s1"
snap_of >"$fs_tmp/s1"
out=$(call state.snapshot '{"name":"s1"}')
v=$(visited <<<"$out")
[ "$v" -lt 1000 ] || fail "snapshot visited $v nodes: $out"
echo "ok: snapshot s1 ($v nodes visited of $nodes)"

# more changes, over files the snapshot shares (and 100 deletions: the
# restore then visits those, still far fewer than the tree holds)
echo two >"$m/tmp/one"
[ "$(cat "$m/tmp/one-link")" = two ] || fail "a write through one name, not seen through the other"
rm "$m/tmp/esx-link"
echo again >>"$m/etc/vmware/esx.conf"
rm -r "$m/big/renamed9"
echo new >"$m/big/d1/new"
call files.put '{"path":"/etc/motd","text":"after s1\n"}' >/dev/null
exec 3<"$m/etc/vmware/esx.conf" # open across the restore
out=$(call state.restore '{"name":"s1"}')
v=$(visited <<<"$out")
[ "$v" -lt 1000 ] || fail "restore visited $v nodes: $out"
snap_of >"$fs_tmp/r1"
diff -u "$fs_tmp/s1" "$fs_tmp/r1" || fail "restore s1 is not s1"
links_ok "restore s1"
echo "ok: restore s1 is s1 ($v nodes visited of $nodes), hard links too"
# the handle follows its file: it reads the restored bytes
grep -q "^more$" <&3 || fail "an open handle does not read the restored file"
exec 3<&-

out=$(call state.diff)
for want in '"change":"modified","path":"/etc/motd"' '"change":"added","path":"/tmp/one"' \
	'"change":"renamed","path":"/big/renamed9","old_path":"/big/d9"' \
	'"change":"deleted","path":"/big/d8/f8"' '"change":"deleted","path":"/var/log/big.log"'; do
	grep -qF "$want" <<<"$out" || fail "state.diff lacks $want: $out"
done
echo "ok: state.diff"

out=$(call state.reset)
v=$(visited <<<"$out")
[ "$v" -lt 1000 ] || fail "reset visited $v nodes: $out"
snap_of >"$fs_tmp/reset"
diff -u "$fs_tmp/pristine" "$fs_tmp/reset" || fail "reset is not pristine"
echo "ok: reset is the manifest's tree ($v nodes visited)"

# snapshots outlive the daemon
fs_umount "$m"
st_mount "$m" "$fs_tmp/state" "${args[@]}"
ESXMOCK_CONTROL=$(cat "$fs_tmp/ctl")
call state.snapshots | grep -q '"name":"s1"' || fail "s1 lost in a restart"
call state.restore '{"name":"s1"}' >/dev/null
snap_of >"$fs_tmp/r2"
diff -u "$fs_tmp/s1" "$fs_tmp/r2" || fail "restore s1 after a restart is not s1"
links_ok "restore s1 after a restart"
echo "ok: restore s1 after a restart"
# the human diff, and the offline one of the state dir (daemon stopped)
# lists the same changes
"$CTL" state diff >"$fs_tmp/diff.txt"
grep -q '^R  /big/d9 -> /big/renamed9' "$fs_tmp/diff.txt" &&
	grep -q '^M  /etc/motd  (content' "$fs_tmp/diff.txt" &&
	grep -q '^A  /tmp/one  (file 0644)$' "$fs_tmp/diff.txt" &&
	grep -q '^D  /big/d8/f8$' "$fs_tmp/diff.txt" ||
	{ cat "$fs_tmp/diff.txt"; fail "esxmockctl state diff"; }
pairs() { grep -o '"change":"[a-z]*","path":"[^"]*"' | sort; }
"$CTL" state diff --json | pairs >"$fs_tmp/online"
# ...and the restored state outlives the daemon too
fs_umount "$m"
"$CTL" state diff --json --state "$fs_tmp/state" -m "$fs_tmp/small.json" \
	-m "$fs_tmp/big.json" | pairs >"$fs_tmp/offline"
[ -s "$fs_tmp/online" ] || fail "no changes listed"
diff -u "$fs_tmp/online" "$fs_tmp/offline" || fail "the offline diff differs"
echo "ok: esxmockctl state diff, online and offline ($(wc -l <"$fs_tmp/online") changes)"
st_mount "$m" "$fs_tmp/state" "${args[@]}"
ESXMOCK_CONTROL=$(cat "$fs_tmp/ctl")
snap_of >"$fs_tmp/r3"
diff -u "$fs_tmp/s1" "$fs_tmp/r3" || fail "the restored state did not survive a restart"
links_ok "a restart after restore"
echo appended >>"$m/tmp/one-link"
grep -q appended "$m/tmp/one" || fail "one and one-link split after a restart"

# SIGUSR1 resets
kill -USR1 "${fs_pids[$m]}"
for i in $(seq 50); do
	grep -q "SIGUSR1: reset" "$m.log" && break
	sleep 0.1
done
snap_of >"$fs_tmp/usr1"
diff -u "$fs_tmp/pristine" "$fs_tmp/usr1" || fail "SIGUSR1 did not reset"
echo "ok: SIGUSR1 reset"

out=$(call state.snapshot '{"name":"s1"}' 2>&1) && fail "a second s1: $out"
out=$(call state.snapshot '{"name":"../x"}' 2>&1) && fail "a bad name: $out"
call state.forget '{"name":"s1"}' >/dev/null
out=$(call state.restore '{"name":"s1"}' 2>&1) && fail "restore of a forgotten snapshot: $out"
call state.snapshots | grep -q '"snapshots":\[\]' || fail "s1 still listed"
echo "ok: snapshot name checks, forget"
fs_umount "$m"
