#!/usr/bin/env bash
# fs_perms.sh - default_permissions as on ESXi: a non-root user is refused a
# 0600 file and a 0700 directory, can read a 0644 file; root reads all.
. "$(dirname "$0")/lib.sh"
fs_skip_unless_fuse
command -v setpriv >/dev/null || { echo "SKIP: setpriv missing"; exit 77; }

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/shadow", "type": "file", "mode": "0600", "content": {"text": "root:secret\n"}},
 {"path": "/etc/motd", "type": "file", "mode": "0644", "content": {"text": "public\n"}},
 {"path": "/root", "type": "dir", "mode": "0700"},
 {"path": "/root/.ssh", "type": "file", "mode": "0644", "content": {"text": "k\n"}},
 {"path": "/etc/nobody", "type": "file", "mode": "0600", "owner": "65534", "group": "65534", "content": {"text": "mine\n"}}
]}
JSON
m=$fs_tmp/mnt
fs_mount "$m" -m "$fs_tmp/m.json"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

out=$(nobody cat "$m/etc/shadow" 2>&1) && fail "nobody read a 0600 root file"
case $out in *"Permission denied"*) ;; *) fail "0600 file: $out" ;; esac
[ "$(nobody cat "$m/etc/motd")" = public ] || fail "nobody cannot read a 0644 file"
out=$(nobody ls "$m/root" 2>&1) && fail "nobody listed a 0700 directory"
case $out in *"Permission denied"*) ;; *) fail "0700 dir: $out" ;; esac
out=$(nobody cat "$m/root/.ssh" 2>&1) && fail "nobody crossed a 0700 directory"
[ "$(nobody cat "$m/etc/nobody")" = mine ] || fail "owner cannot read its 0600 file"
[ "$(cat "$m/etc/shadow")" = root:secret ] || fail "root cannot read a 0600 file"
fs_umount "$m"
echo PASS
