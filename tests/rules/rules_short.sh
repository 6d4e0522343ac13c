#!/usr/bin/env bash
# rules_short.sh - short reads: every read(2) gets at most N bytes (the
# file reads whole with a loop, as cat does); with a trigger, only the
# chosen call is short.
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/digits", "type": "file", "content": {"text": "0123456789abcdefghij"}}
]}
JSON
m=$fs_tmp/mnt
rules_mount "$m" -m "$fs_tmp/m.json"
[ "$("$RULES_BIN/rules_read_check" "$m/etc/digits" 4096)" = "20 0" ] || fail "reads before the rule"
ctl rules add '{"id":"short","match":{"path":"/etc/digits","ops":"read"},"action":{"short_read":7}}' >/dev/null
[ "$("$RULES_BIN/rules_read_check" "$m/etc/digits" 4096 "$fs_tmp/data")" = "7 7 6 0" ] ||
	fail "short reads: $("$RULES_BIN/rules_read_check" "$m/etc/digits" 4096)"
[ "$(cat "$fs_tmp/data")" = 0123456789abcdefghij ] || fail "data through short reads: $(cat "$fs_tmp/data")"
[ "$(cat "$m/etc/digits")" = 0123456789abcdefghij ] || fail "cat through short reads"
ctl rules remove short >/dev/null
ctl rules add '{"id":"once","match":{"path":"/etc/digits","ops":"read"},"trigger":{"nth":1},"action":{"short_read":3}}' >/dev/null
[ "$("$RULES_BIN/rules_read_check" "$m/etc/digits" 4096)" = "3 17 0" ] ||
	fail "one short read: $("$RULES_BIN/rules_read_check" "$m/etc/digits" 4096)"
fs_umount "$m"
echo PASS
