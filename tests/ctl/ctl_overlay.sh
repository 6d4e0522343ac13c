#!/usr/bin/env bash
# ctl_overlay.sh - manifest.load over a real mount: an overlay changes a
# file's content and mode, adds a file and deletes a tree (seen by the
# mount, state diff, undone by state reset); bad overlays (a typo, a
# delete of a path no manifest defines, a missing file, inline JSON) change
# nothing and name the file and JSON pointer.
# usage: ctl_overlay.sh ESXMOCKCTL (run through ctest: ESXMOCK_SRC/BUILD set)
. "$ESXMOCK_SRC/tests/fs/lib.sh"
fs_skip_unless_fuse
ctl=$1

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/motd", "type": "file", "content": {"text": "Welcome\n"}},
 {"path": "/etc/hosts", "type": "file", "content": {"text": "127.0.0.1 localhost\n"}},
 {"path": "/var/log/old/a", "type": "file", "content": {"text": "a\n"}},
 {"path": "/bin/sh", "type": "symlink", "target": "busybox"}
]}
JSON
cat >"$fs_tmp/ov.json" <<'JSON'
{"version": 1, "comment": "suite overlay",
 "entries": [
  {"path": "/etc/motd", "mode": "0600", "content": {"text": "test host\n"}},
  {"path": "/var/log/old", "delete": true},
  {"path": "/etc/new.conf", "type": "file", "owner": "5", "content": {"text": "new\n"}},
  {"path": "/bin/sh", "type": "file", "mode": "0755", "content": {"text": "#!x\n"}}
 ]}
JSON
cat >"$fs_tmp/bad.json" <<'JSON'
{"version": 1, "entries": [
  {"path": "/etc/hosts", "content": {"text": "changed\n"}},
  {"path": "/etc/motd", "modd": "0600"}
]}
JSON
m=$fs_tmp/mnt
fs_mount "$m" -m "$fs_tmp/m.json" --control 127.0.0.1:0 --control-file "$fs_tmp/addr"
export ESXMOCK_CONTROL=$(cat "$fs_tmp/addr")
cat "$m/etc/motd" "$m/etc/hosts" >/dev/null # in the kernel's caches

# a bad overlay: nothing changes, the error names file and pointer
if "$ctl" overlay "$fs_tmp/bad.json" 2>"$fs_tmp/err"; then fail "bad overlay accepted"; fi
grep -q "bad.json:.*/entries/1/modd: unknown key 'modd'" "$fs_tmp/err" || fail "bad overlay error: $(cat "$fs_tmp/err")"
[ "$(cat "$m/etc/hosts")" = "127.0.0.1 localhost" ] || fail "bad overlay changed /etc/hosts"
[ -z "$("$ctl" state diff --json | grep -o '"path"')" ] || fail "bad overlay left changes: $("$ctl" state diff)"
out=$("$ctl" call manifest.load '{"manifest":{"version":1,"entries":[{"path":"/nope","delete":true}]}}' 2>&1) &&
	fail "delete of an undefined path accepted"
echo "$out" | grep -q "/entries/0/delete: cannot delete '/nope'" || fail "inline error: $out"
out=$("$ctl" call manifest.load "{\"path\":\"$fs_tmp/missing.json\"}" 2>&1) && fail "missing file accepted"
echo "$out" | grep -q "missing.json" || fail "missing file error: $out"
out=$("$ctl" call manifest.load '{"path":"/a","manifest":{}}' 2>&1) && fail "path and manifest accepted"
echo "$out" | grep -q "exactly one" || fail "both params: $out"
"$ctl" call manifest.load '{"path":"rel.json"}' >/dev/null 2>&1 && fail "relative path accepted"

# the overlay, from a file through esxmockctl overlay
"$ctl" overlay "$fs_tmp/ov.json" >"$fs_tmp/out" || fail "overlay: $(cat "$fs_tmp/out")"
grep -q "1 created, 1 replaced, 1 modified, 1 removed" "$fs_tmp/out" || fail "overlay counts: $(cat "$fs_tmp/out")"
[ "$(cat "$m/etc/motd")" = "test host" ] || fail "motd content: $(cat "$m/etc/motd")"
[ "$(stat -c %a "$m/etc/motd")" = 600 ] || fail "motd mode: $(stat -c %a "$m/etc/motd")"
[ ! -e "$m/var/log/old" ] || fail "/var/log/old still there"
[ "$(cat "$m/etc/new.conf")" = new ] && [ "$(stat -c %u "$m/etc/new.conf")" = 5 ] || fail "new.conf"
[ -f "$m/bin/sh" ] && [ ! -L "$m/bin/sh" ] && [ "$(stat -c %a "$m/bin/sh")" = 755 ] || fail "/bin/sh not replaced by a file"
[ "$(cat "$m/etc/hosts")" = "127.0.0.1 localhost" ] || fail "hosts touched"
diff=$("$ctl" state diff)
for p in /etc/motd /etc/new.conf /var/log/old /bin/sh; do
	echo "$diff" | grep -q " $p " || echo "$diff" | grep -q " $p\$" || fail "state diff lacks $p: $diff"
done
# applying it again changes nothing more
"$ctl" overlay --json "$fs_tmp/ov.json" | grep -q '"created":0,"replaced":0,"modified":0,"removed":0' ||
	fail "second apply changed something"
# stdin
printf '%s' '{"version":1,"entries":[{"path":"/etc/hosts","content":{"text":"h\n"}}]}' | "$ctl" overlay - >/dev/null ||
	fail "overlay from stdin"
[ "$(cat "$m/etc/hosts")" = h ] || fail "hosts after stdin overlay"

# reset undoes it all
"$ctl" state reset >/dev/null || fail "reset"
[ "$(cat "$m/etc/motd")" = Welcome ] && [ "$(stat -c %a "$m/etc/motd")" = 644 ] || fail "motd after reset"
[ "$(cat "$m/var/log/old/a")" = a ] || fail "/var/log/old after reset"
[ ! -e "$m/etc/new.conf" ] && [ -L "$m/bin/sh" ] || fail "new.conf or /bin/sh after reset"
fs_umount "$m"
echo PASS
