#!/usr/bin/env bash
# rules_hang.sh - a hanging read is held until the test releases it over
# the control channel, while other reads (of the same file too) proceed;
# rules.wait tells when the read is held (no sleeping); a release with an
# errno fails the held read instead; a hang ends at its timeout.
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc/held", "type": "file", "content": {"text": "released\n"}},
 {"path": "/etc/other", "type": "file", "content": {"text": "other\n"}}
]}
JSON
m=$fs_tmp/mnt
rules_mount "$m" -m "$fs_tmp/m.json"
ctl rules add '{"id":"hang","match":{"path":"/etc/held","ops":"read","process":"cat"},"trigger":{"count":1},"action":{"hang":{"timeout_ms":60000}}}' >/dev/null
cat "$m/etc/held" >"$fs_tmp/out" 2>&1 &
reader=$!
ctl rules wait hang --timeout-ms 20000 >/dev/null || fail "the read never reached the rule"
ctl rules list hang | grep -q " held 1 " || fail "not held: $(ctl rules list hang)"
kill -0 $reader 2>/dev/null || fail "the held reader finished early"
# other reads go on meanwhile, of another file and of the same file
[ "$(cat "$m/etc/other")" = other ] || fail "other reads are blocked"
[ "$(head -c 100 "$m/etc/held")" = released ] || fail "a second reader of the same file is blocked"
[ -s "$fs_tmp/out" ] && fail "the held reader printed: $(cat "$fs_tmp/out")"
[ "$(ctl rules release hang)" = 1 ] || fail "rules release"
wait $reader || fail "the released reader failed: $(cat "$fs_tmp/out")"
[ "$(cat "$fs_tmp/out")" = released ] || fail "released read returned '$(cat "$fs_tmp/out")'"

# released with an errno
ctl rules add '{"id":"hang2","match":{"path":"/etc/other","ops":"read"},"trigger":{"count":1},"action":{"hang":true}}' >/dev/null
cat "$m/etc/other" >"$fs_tmp/out2" 2>&1 &
reader=$!
ctl rules wait hang2 >/dev/null || fail "rules wait hang2"
[ "$(ctl rules release --errno EIO)" = 1 ] || fail "release with errno"
wait $reader && fail "a read released with EIO succeeded"
grep -q "Input/output error" "$fs_tmp/out2" || fail "release EIO: $(cat "$fs_tmp/out2")"

# a hang ends by itself at its timeout, with the answer chosen
ctl rules add '{"id":"hang3","match":{"path":"/etc/other","ops":"read"},"trigger":{"count":1},"action":{"hang":{"timeout_ms":300,"on_timeout":"ETIMEDOUT"}}}' >/dev/null
cat "$m/etc/other" 2>"$fs_tmp/err3" && fail "a read whose hang timed out succeeded"
grep -q "timed out" "$fs_tmp/err3" || fail "hang timeout: $(cat "$fs_tmp/err3")"

# rules.wait times out on a rule that does not fire
ctl rules wait hang3 --count 5 --timeout-ms 200 2>"$fs_tmp/werr" && fail "rules wait did not time out"
grep -q ETIMEDOUT "$fs_tmp/werr" || fail "wait timeout: $(cat "$fs_tmp/werr")"

# a caller interrupted while held is answered (EINTR), the hold ends
ctl rules add '{"id":"hang4","match":{"path":"/etc/other","ops":"open"},"trigger":{"count":1},"action":{"hang":{"timeout_ms":60000}}}' >/dev/null
( exec cat "$m/etc/other" ) 2>/dev/null &
reader=$!
ctl rules wait hang4 >/dev/null || fail "rules wait hang4"
kill -INT $reader
wait $reader && fail "an interrupted held open succeeded"
ctl rules list hang4 | grep -q " held 0 " || fail "still held after the signal: $(ctl rules list hang4)"
log_json --rule hang4 | grep -q '"result":"EINTR"' || fail "interrupted event: $(log_json --rule hang4)"

# the daemon stops while an op is held: the op fails (EIO), the daemon
# exits cleanly (fs_umount checks the status and the sanitizer)
ctl rules add '{"id":"hang5","match":{"path":"/etc/other","ops":"open"},"trigger":{"count":1},"action":{"hang":{"timeout_ms":60000}}}' >/dev/null
( exec cat "$m/etc/other" ) 2>"$fs_tmp/err5" &
reader=$!
ctl rules wait hang5 >/dev/null || fail "rules wait hang5"
fs_umount "$m"
wait $reader && fail "an op held at shutdown succeeded"
grep -q "Input/output error" "$fs_tmp/err5" || fail "held at shutdown: $(cat "$fs_tmp/err5")"
echo PASS
