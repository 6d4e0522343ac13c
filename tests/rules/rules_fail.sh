#!/usr/bin/env bash
# rules_fail.sh - a rule fails reads of one file with EIO for one process
# name only (cat), through the real mount; other programs, other files and
# other ops are untouched; the event names the rule; removing the rule
# ends it; a manifest "intercept" section does the same at mount time.
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/motd", "type": "file", "content": {"text": "Welcome to ESXi\n"}},
 {"path": "/etc/hosts", "type": "file", "content": {"text": "127.0.0.1 localhost\n"}},
 {"path": "/etc/issue", "type": "file", "content": {"text": "ESXi 8\n"},
  "intercept": {"rules": [{"id": "m-issue", "match": {"ops": ["open"], "flags": ["read"]},
                           "trigger": {"nth": 2}, "action": {"fail": "EACCES"}}]}}
]}
JSON
m=$fs_tmp/mnt
rules_mount "$m" -m "$fs_tmp/m.json"

# the file is read once before the rule exists: cached pages must not
# hide the rule (the daemon invalidates what the rule watches)
cat "$m/etc/motd" >/dev/null
ctl rules add '{"id":"eio-cat","match":{"path":"/etc/motd","ops":["read"],"process":"cat"},"action":{"fail":"EIO"}}' >/dev/null ||
	fail "rules add"
if out=$(cat "$m/etc/motd" 2>&1); then
	fail "cat read /etc/motd despite the rule: '$out'"
fi
echo "$out" | grep -q "Input/output error" || fail "cat: want EIO, got '$out'"
[ "$(head -c 100 "$m/etc/motd")" = "Welcome to ESXi" ] || fail "head must not be affected"
[ "$(cat "$m/etc/hosts")" = "127.0.0.1 localhost" ] || fail "another file must not be affected"
stat "$m/etc/motd" >/dev/null || fail "stat must not be affected"

ev=$(log_json --rule eio-cat --op read | tail -n 1)
[ "$(ev_field "$ev" result)" = EIO ] || fail "event result: $ev"
[ "$(ev_field "$ev" process)" = cat ] || fail "event process: $ev"
[ "$(ev_field "$ev" path)" = /etc/motd ] || fail "event path: $ev"
ctl rules list | grep -q "^eio-cat api calls [0-9]* hits [1-9]" || fail "hit counter: $(ctl rules list)"

ctl rules remove eio-cat >/dev/null || fail "rules remove"
[ "$(cat "$m/etc/motd")" = "Welcome to ESXi" ] || fail "still failing after rules remove"
ctl rules remove eio-cat 2>/dev/null && fail "removing twice succeeded"

# a rule on lookups and stats of a path the kernel has cached (long
# timeouts): adding it invalidates the cached entry, so the next stat
# reaches the rule; removing it lets the path be seen again
stat "$m/etc/hosts" >/dev/null
ls -l "$m/etc" >/dev/null
ctl rules add '{"id":"gone","match":{"path":"/etc/hosts","ops":"stat"},"action":{"fail":"ENOENT"}}' >/dev/null
stat "$m/etc/hosts" >/dev/null 2>&1 && fail "a cached entry hid the new stat rule"
ctl rules remove gone >/dev/null
stat "$m/etc/hosts" >/dev/null || fail "stat after removing the rule"

# the manifest's rule: only the second open for reading fails
cat "$m/etc/issue" >/dev/null || fail "first open of /etc/issue"
cat "$m/etc/issue" 2>/dev/null && fail "second open of /etc/issue succeeded"
cat "$m/etc/issue" >/dev/null || fail "third open of /etc/issue"
ctl rules list m-issue | grep -q "^m-issue manifest calls 3 hits 1 " || fail "manifest rule counters: $(ctl rules list m-issue)"

# bad rules are refused with the member named
err=$(ctl rules add '{"match":{"ops":["reed"]},"action":{"fail":"EIO"}}' 2>&1) && fail "bad op accepted"
echo "$err" | grep -q "match.ops\[0\]: unknown op 'reed'" || fail "message: $err"
fs_umount "$m"

# a bad intercept section in a manifest: nothing is mounted, the message
# names the manifest file and the entry
cat >"$fs_tmp/bad.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/motd", "type": "file", "intercept": {"rules": [{"action": {"fail": "EFOO"}}]}}
]}
JSON
mkdir -p "$fs_tmp/mnt2"
if "$ESXFSD" -f --control none -m "$fs_tmp/bad.json" "$fs_tmp/mnt2" 2>"$fs_tmp/bad.log"; then
	fail "a manifest with a bad rule mounted"
fi
grep -q "bad.json: entry '/etc/motd': intercept: rules\[0\].action.fail: unknown errno 'EFOO'" "$fs_tmp/bad.log" ||
	fail "manifest error: $(cat "$fs_tmp/bad.log")"
echo PASS
