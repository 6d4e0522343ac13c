#!/usr/bin/env bash
# fs_layering.sh - an overlay manifest changes a file's content and mode,
# deletes a path (and what is below it), adds a path; seen through the mount.
. "$(dirname "$0")/lib.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/base.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/vmware/esx.conf", "type": "file", "mode": "0644", "content": {"text": "/adv/Misc/HostName = \"base\"\n"}},
 {"path": "/etc/motd", "type": "file", "mode": "0644", "content": {"text": "base motd\n"}},
 {"path": "/opt/old/bin/tool", "type": "file", "mode": "0755", "content": {"text": "#!/bin/sh\n"}},
 {"path": "/opt/keep", "type": "file", "content": {"text": "kept\n"}}
]}
JSON
cat >"$fs_tmp/overlay.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/vmware/esx.conf", "mode": "0600", "content": {"text": "/adv/Misc/HostName = \"overlay\"\n"}},
 {"path": "/opt/old", "delete": true},
 {"path": "/etc/added", "type": "file", "mode": "4750", "content": {"text": "new\n"}}
]}
JSON
m=$fs_tmp/mnt
fs_mount "$m" -m "$fs_tmp/base.json" -m "$fs_tmp/overlay.json"
[ "$(cat "$m/etc/vmware/esx.conf")" = '/adv/Misc/HostName = "overlay"' ] || fail "overlay content"
[ "$(stat -c %a "$m/etc/vmware/esx.conf")" = 600 ] || fail "overlay mode"
[ "$(cat "$m/etc/motd")" = "base motd" ] || fail "untouched base file"
[ ! -e "$m/opt/old" ] || fail "deleted directory still there"
[ ! -e "$m/opt/old/bin/tool" ] || fail "file below a deleted directory still there"
[ "$(ls "$m/opt")" = keep ] || fail "listing of /opt: $(ls "$m/opt")"
[ "$(stat -c %a "$m/etc/added")" = 4750 ] || fail "added file mode"
"$FS_BIN/fs_manifest_check" "$m" -m "$fs_tmp/base.json" -m "$fs_tmp/overlay.json" ||
	fail "manifest check"
fs_umount "$m"

# without the overlay, the base is back
fs_mount "$m" -m "$fs_tmp/base.json"
[ "$(cat "$m/etc/vmware/esx.conf")" = '/adv/Misc/HostName = "base"' ] || fail "base content"
[ -x "$m/opt/old/bin/tool" ] || fail "base file missing"
fs_umount "$m"
echo PASS
