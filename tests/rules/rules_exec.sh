#!/usr/bin/env bash
# rules_exec.sh - executions: running a binary in the tree logs an "exec"
# event by default (a plain read of it logs nothing), with the caller and
# the path; --no-access-log-exec turns that off; an exec rule can fail the
# execution.
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/bin/hello", "type": "file", "mode": "0755", "content": {"text": "#!/bin/sh\necho hello from the tree\n"}},
 {"path": "/bin/denied", "type": "file", "mode": "0755", "content": {"text": "#!/bin/sh\necho ran\n"}}
]}
JSON
m=$fs_tmp/mnt
rules_mount "$m" -m "$fs_tmp/m.json"
[ "$("$m/bin/hello")" = "hello from the tree" ] || fail "exec from the mount"
cat "$m/bin/hello" >/dev/null
n=$(log_json --op exec --path /bin/hello | wc -l)
[ "$n" = 1 ] || fail "want 1 exec event, got $n: $(ctl log)"
ev=$(log_json --op exec --path /bin/hello)
[ "$(ev_field "$ev" op)" = exec ] || fail "op: $ev"
[ "$(ev_field "$ev" result)" = ok ] || fail "result: $ev"
[ -n "$(ev_field "$ev" pid)" ] && [ "$(ev_field "$ev" pid)" -gt 0 ] || fail "pid: $ev"
[ -n "$(ev_field "$ev" process)" ] || fail "no process name: $ev"
# the open of the plain read is no exec
[ "$(log_json --op exec | wc -l)" = 1 ] || fail "cat counted as an exec"
ctl log --op exec | grep -q "exec /bin/hello pid [0-9]* (" || fail "human form: $(ctl log --op exec)"

ctl rules add '{"id":"noexec","match":{"path":"/bin/denied","ops":"exec"},"action":{"fail":"EACCES"}}' >/dev/null
"$m/bin/denied" 2>"$fs_tmp/err" && fail "a failed exec ran"
grep -q "Permission denied" "$fs_tmp/err" || fail "exec error: $(cat "$fs_tmp/err")"
[ "$(cat "$m/bin/denied" | sed -n 1p)" = "#!/bin/sh" ] || fail "reading an exec-ruled binary failed"
ev=$(log_json --rule noexec)
[ "$(ev_field "$ev" result)" = EACCES ] || fail "denied exec event: $ev"
fs_umount "$m"

m2=$fs_tmp/mnt2
rules_mount "$m2" -m "$fs_tmp/m.json" --no-access-log-exec
"$m2/bin/hello" >/dev/null
[ "$(log_json | wc -l)" = 0 ] || fail "events with --no-access-log-exec: $(ctl log)"
fs_umount "$m2"
echo PASS
