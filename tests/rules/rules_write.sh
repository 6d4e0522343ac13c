#!/usr/bin/env bash
# rules_write.sh - write actions through the writable tree: ENOSPC after
# 4 KiB of writes (the first 4 KiB are stored, the rest fails: ENOSPC
# mid-file), accept-but-discard, and capture (the test fetches the bytes).
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/tmp", "type": "dir", "mode": "1777"},
 {"path": "/var/log/vmkernel.log", "type": "file", "content": {"text": "boot\n"}}
]}
JSON
m=$fs_tmp/mnt
rules_mount "$m" -m "$fs_tmp/m.json"

ctl rules add '{"id":"full","match":{"path":"/tmp/disk.img","ops":"write"},"action":{"fail_after":4096}}' >/dev/null
head -c 8192 /dev/urandom >"$fs_tmp/src"
if dd if="$fs_tmp/src" of="$m/tmp/disk.img" bs=1024 2>"$fs_tmp/dd.err"; then
	fail "8 KiB written despite fail_after 4096"
fi
grep -q "No space left on device" "$fs_tmp/dd.err" || fail "dd: $(cat "$fs_tmp/dd.err")"
[ "$(stat -c %s "$m/tmp/disk.img")" = 4096 ] || fail "size after ENOSPC: $(stat -c %s "$m/tmp/disk.img")"
cmp "$m/tmp/disk.img" <(head -c 4096 "$fs_tmp/src") || fail "the first 4 KiB are not what was written"
ctl rules list full | grep -q " written 4096 " || fail "written counter: $(ctl rules list full)"
# a write that does not fit in one piece: short, then ENOSPC
ctl rules add '{"id":"full2","match":{"path":"/tmp/b.img","ops":"write"},"action":{"fail_after":{"bytes":4096,"errno":"EDQUOT"}}}' >/dev/null
dd if="$fs_tmp/src" of="$m/tmp/b.img" bs=8192 count=1 2>"$fs_tmp/dd2.err" && fail "one 8 KiB write succeeded"
grep -q "Disk quota exceeded" "$fs_tmp/dd2.err" || fail "EDQUOT: $(cat "$fs_tmp/dd2.err")"
[ "$(stat -c %s "$m/tmp/b.img")" = 4096 ] || fail "size after the short write"

# discard: the writer sees success, nothing is stored
ctl rules add '{"id":"drop","match":{"path":"/var/log/vmkernel.log","ops":"write"},"action":{"discard":true}}' >/dev/null
echo "lost line" >>"$m/var/log/vmkernel.log" || fail "a discarded write failed"
[ "$(cat "$m/var/log/vmkernel.log")" = boot ] || fail "a discarded write was stored"

# capture: stored as usual, and the bytes can be fetched
ctl rules add '{"id":"cap","match":{"path":"/tmp/*.cfg","ops":"write"},"action":{"capture":{"max_bytes":1000}}}' >/dev/null
printf 'key = "value"\n' >"$m/tmp/a.cfg"
printf 'second\n' >>"$m/tmp/a.cfg"
[ "$(cat "$m/tmp/a.cfg")" = "$(printf 'key = "value"\nsecond')" ] || fail "captured writes not stored"
[ "$(ctl rules captured cap)" = "$(printf 'key = "value"\nsecond')" ] || fail "captured bytes: $(ctl rules captured cap)"
ctl rules captured --json cap | grep -q '"path":"/tmp/a.cfg","offset":14,"length":7' ||
	fail "capture segments: $(ctl rules captured --json cap)"
fs_umount "$m"
echo PASS
