#!/usr/bin/env bash
# rules_delay.sh - a delay rule holds the answer of a read: the caller
# observes it (elapsed time is at least the delay: a lower bound the
# daemon's timer guarantees, never an upper one), and its event records a
# duration of at least the delay; "delay then EIO" stacks.
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/slow", "type": "file", "content": {"text": "slow answer\n"}},
 {"path": "/etc/bad", "type": "file", "content": {"text": "x\n"}}
]}
JSON
m=$fs_tmp/mnt
rules_mount "$m" -m "$fs_tmp/m.json"
ctl rules add '{"id":"slow","match":{"path":"/etc/slow","ops":"read"},"trigger":{"count":1},"action":{"delay_ms":400}}' >/dev/null
t0=$(date +%s%N)
out=$(cat "$m/etc/slow")
t1=$(date +%s%N)
[ "$out" = "slow answer" ] || fail "delayed read returned '$out'"
[ $(((t1 - t0) / 1000000)) -ge 400 ] || fail "the caller did not wait: $(((t1 - t0) / 1000000)) ms"
ev=$(log_json --rule slow | sed -n 1p)
[ "$(ev_field "$ev" duration_ns)" -ge 400000000 ] || fail "event duration: $ev"

ctl rules add '{"id":"slow-eio","match":{"path":"/etc/bad","ops":"read"},"action":[{"delay_ms":[200,300]},{"fail":"EIO"}]}' >/dev/null
t0=$(date +%s%N)
cat "$m/etc/bad" 2>"$fs_tmp/err" && fail "delay then EIO: the read succeeded"
t1=$(date +%s%N)
grep -q "Input/output error" "$fs_tmp/err" || fail "delay then EIO: $(cat "$fs_tmp/err")"
[ $(((t1 - t0) / 1000000)) -ge 200 ] || fail "delay then EIO did not wait"
fs_umount "$m"
echo PASS
