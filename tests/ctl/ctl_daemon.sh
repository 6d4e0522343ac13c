#!/usr/bin/env bash
# ctl_daemon.sh - the control channel of the real esxfsd over a real mount:
# discovery (--control-file, the "listening" line), files.* against what
# the mount shows, stats counting FUSE operations, tokens, option errors,
# a clean exit that removes the control file.
# usage: ctl_daemon.sh ESXMOCKCTL (run through ctest: ESXMOCK_SRC/BUILD set)
. "$ESXMOCK_SRC/tests/fs/lib.sh"
fs_skip_unless_fuse
ctl=$1

c=$fs_tmp/content
mkdir -p "$c"
head -c 300000 /dev/urandom >"$c/blob.bin"
cat >"$fs_tmp/m.json" <<JSON
{"version": 1, "entries": [
 {"path": "/etc/motd", "type": "file", "content": {"text": "Welcome to ESXi\nline 2\n"}},
 {"path": "/etc/shadow", "type": "file", "mode": "0600", "content": {"text": "root:x:\n"}},
 {"path": "/etc/vmware/esx.conf", "type": "file", "content": {"text": "/adv/Misc/HostName = \"esx01\"\n"}},
 {"path": "/bin/blob", "type": "file", "mode": "4755", "content": {"file": "blob.bin"}},
 {"path": "/bin/sh", "type": "symlink", "target": "blob"},
 {"path": "/productLocker", "type": "symlink", "target": "/etc/vmware"},
 {"path": "/vmfs/volumes/ds1/vm-flat.vmdk", "type": "file", "content": {"sparse": 6291456}},
 {"path": "/dev/null", "type": "chardev", "mode": "0666", "rdev": "1:3"}
]}
JSON
m=$fs_tmp/mnt
fs_mount "$m" -m "$fs_tmp/m.json" --content-root "$c" \
	--control 127.0.0.1:0 --control-file "$fs_tmp/addr"
addr=$(cat "$fs_tmp/addr")
grep -q "control: listening on $addr\$" "$m.log" || fail "no 'control: listening on $addr' in the log"
export ESXMOCK_CONTROL=$addr

"$ctl" hello | grep -q "^esxfsd " || fail "hello"
"$ctl" files get /etc/motd | cmp - "$m/etc/motd" || fail "files get text"
"$ctl" files get /bin/blob | cmp - "$c/blob.bin" || fail "files get of a content-root file"
"$ctl" files get /bin/sh | cmp - "$m/bin/sh" || fail "files get through a symlink"
"$ctl" files get /productLocker/esx.conf | cmp - "$m/etc/vmware/esx.conf" || fail "symlinked directory"
"$ctl" files get --offset 1000 --length 5000 /bin/blob |
	cmp - <(dd if="$m/bin/blob" bs=1000 skip=1 count=5 status=none) || fail "range"
"$ctl" files get /vmfs/volumes/ds1/vm-flat.vmdk | cmp - <(head -c 6291456 /dev/zero) || fail "sparse, in parts"
"$ctl" files get /etc/shadow | grep -q "root:x:" || fail "0600 file (the control channel is root's)"

out=$("$ctl" files stat /bin/blob)
grep -q "mode: 4755 (-rwsr-xr-x)" <<<"$out" || fail "stat mode: $out"
grep -q "size: 300000" <<<"$out" || fail "stat size: $out"
[ "$("$ctl" files stat --json /bin/blob | grep -o '"mtime":[0-9]*')" = "\"mtime\":$(stat -c %Y "$m/bin/blob")" ] ||
	fail "mtime differs from the mount's"
"$ctl" files stat /bin/sh | grep -q "type: symlink -> blob" || fail "stat symlink"
"$ctl" files stat /dev/null | grep -q "device: 1, 3" || fail "stat device"
[ "$("$ctl" files list /etc | sort | tr '\n' ' ')" = "$(ls -A "$m/etc" | sort | tr '\n' ' ')" ] ||
	fail "list /etc differs from ls"
[ "$("$ctl" files list / | sort | tr '\n' ' ')" = "$(ls -A "$m" | sort | tr '\n' ' ')" ] ||
	fail "list / differs from ls"

set +e
"$ctl" files get /etc/none 2>"$fs_tmp/err"
[ $? -eq 1 ] && grep -q "(ENOENT)" "$fs_tmp/err" || fail "ENOENT: $(cat "$fs_tmp/err")"
"$ctl" files get /etc 2>"$fs_tmp/err"
[ $? -eq 1 ] && grep -q "(EISDIR)" "$fs_tmp/err" || fail "EISDIR"
"$ctl" files list /etc/motd 2>"$fs_tmp/err"
[ $? -eq 1 ] && grep -q "(ENOTDIR)" "$fs_tmp/err" || fail "ENOTDIR"
set -e

cat "$m/etc/motd" >/dev/null
"$ctl" stats >"$fs_tmp/stats"
grep -q "^daemon.lookup: [1-9]" "$fs_tmp/stats" || fail "no lookup counted: $(cat "$fs_tmp/stats")"
grep -q "^daemon.nodes: [1-9]" "$fs_tmp/stats" || fail "no node count"
grep -q "^control.clients: 1$" "$fs_tmp/stats" || fail "clients"

# a second daemon with a token from the environment
m2=$fs_tmp/mnt2
ESXMOCK_TOKEN=s3cret fs_mount "$m2" -m "$fs_tmp/m.json" --content-root "$c" \
	--control 127.0.0.1:0 --control-file "$fs_tmp/addr2"
addr2=$(cat "$fs_tmp/addr2")
if "$ctl" files get -c "$addr2" /etc/motd 2>"$fs_tmp/err"; then fail "no token needed"; fi
grep -q "token required" "$fs_tmp/err" || fail "token message: $(cat "$fs_tmp/err")"
ESXMOCK_TOKEN=s3cret "$ctl" files get -c "$addr2" /etc/motd | cmp - "$m2/etc/motd" || fail "with the token"
fs_umount "$m2"

# bad control options are usage errors naming the option
set +e
"$ESXFSD" -f -m "$fs_tmp/m.json" "$fs_tmp/none" --control 2>"$fs_tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "--control without value: exit $rc"
grep -q "option '--control' needs a value" "$fs_tmp/err" || fail "message: $(cat "$fs_tmp/err")"
"$ESXFSD" --help | grep -q -- "--control-connect" || fail "--help lacks the control options"

fs_umount "$m"
[ ! -e "$fs_tmp/addr" ] || fail "control file left behind"
echo "ctl_daemon: all checks passed"
