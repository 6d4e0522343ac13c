#!/usr/bin/env bash
# rules_log.sh - the access log: per-path log configs from the manifest
# (metadata, data with base64 bytes, ops), a cursor returning each event
# exactly once, the drop counter on ring overflow, filters, log.follow
# streaming, log.clear, the JSON-lines file, --access-log-all.
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "defaults": [{"match": "/etc/**", "log": {"level": "metadata"}}],
 "entries": [
 {"path": "/etc/motd", "type": "file", "content": {"text": "Welcome\n"}},
 {"path": "/etc/secret", "type": "file", "content": {"text": "s3cret\n"},
  "log": {"level": "data", "ops": ["read"], "data_bytes": 4}},
 {"path": "/etc/quiet", "type": "file", "content": {"text": "q\n"}, "log": {"level": "off"}},
 {"path": "/opt/x", "type": "file", "content": {"text": "x\n"}}
]}
JSON
m=$fs_tmp/mnt
rules_mount "$m" -m "$fs_tmp/m.json" --access-log "$fs_tmp/access.jsonl" --access-log-ring 50

# metadata level: every access of /etc/motd reaches the log, also a second
# stat right after the first (no kernel caching of watched paths)
stat "$m/etc/motd" >/dev/null
stat "$m/etc/motd" >/dev/null
n=$(log_json --path /etc/motd --op stat | wc -l)
[ "$n" -ge 2 ] || fail "want >= 2 stat events of /etc/motd, got $n"
cat "$m/etc/motd" >/dev/null
log_json --path /etc/motd --op open | grep -q '"result":"ok"' || fail "open of /etc/motd not logged"
# data level: the first 4 bytes, base64 ("s3cr")
cat "$m/etc/secret" >/dev/null
ev=$(log_json --path /etc/secret --op read | sed -n 1p)
[ "$(ev_field "$ev" data)" = "czNjcg==" ] || fail "data: $ev"
[ "$(ev_field "$ev" bytes)" = 7 ] || fail "bytes: $ev"
log_json --path /etc/secret --op open | grep -q . && fail "ops of the data config: open logged"
# off, and no config at all
cat "$m/etc/quiet" "$m/opt/x" >/dev/null
log_json --path /etc/quiet | grep -q . && fail "a path with level off was logged"
log_json --path /opt/x | grep -q . && fail "an unwatched path was logged"

# a cursor returns each event exactly once (paged, while new ones come)
ctl log clear >/dev/null
since=0
: >"$fs_tmp/seen"
for round in 1 2 3; do
	for i in 1 2 3 4 5; do stat "$m/etc/motd" >/dev/null; done
	while :; do
		out=$(ctl call log.fetch "{\"since\":$since,\"limit\":3}")
		{ echo "$out" | grep -o '"seq": [0-9]*' || true; } | awk '{print $2}' >>"$fs_tmp/seen"
		next=$(echo "$out" | grep -o '"next": [0-9]*' | awk '{print $2}')
		[ "$next" = "$since" ] && break
		since=$next
	done
done
total=$(wc -l <"$fs_tmp/seen")
[ "$total" -ge 15 ] || fail "events seen through the cursor: $total"
[ "$(sort -n "$fs_tmp/seen" | uniq | wc -l)" = "$total" ] || fail "an event was returned twice"
[ "$(sort -n "$fs_tmp/seen" | tr '\n' ' ')" = "$(tr '\n' ' ' <"$fs_tmp/seen")" ] || fail "events out of order"
first=$(head -n 1 "$fs_tmp/seen")
last=$(tail -n 1 "$fs_tmp/seen")
[ $((last - first + 1)) = "$total" ] || fail "a gap in the seqs: $first..$last, $total events"

# ring overflow: 50 kept, the oldest dropped and counted
for i in $(seq 40); do stat "$m/etc/motd" >/dev/null; done
out=$(ctl call log.fetch '{"since":0,"limit":1}')
dropped=$(echo "$out" | grep -o '"dropped": [0-9]*' | awk '{print $2}')
kept=$(echo "$out" | grep -o '"kept": [0-9]*' | awk '{print $2}')
[ "$kept" = 50 ] || fail "kept: $kept"
[ "$dropped" -gt 0 ] || fail "no drops counted: $out"
echo "$out" | grep -q '"missed": [1-9]' || fail "a stale cursor is not told what it missed"
ctl stats | grep -q "^daemon.log_dropped: $dropped\$" || fail "stats: $(ctl stats | grep log_)"
ctl log --since 0 --limit 1 2>&1 >/dev/null | grep -q "dropped before they could be read" ||
	fail "esxmockctl does not report the drops"

# log.follow streams new events, filtered
"$CTL" log --follow --path /etc/secret >"$fs_tmp/follow" 2>&1 &
follower=$!
for i in $(seq 50); do
	cat "$m/etc/secret" >/dev/null
	grep -q "read /etc/secret" "$fs_tmp/follow" && break
	sleep 0.1
done
kill $follower
wait $follower 2>/dev/null || true
grep -q "read /etc/secret pid [0-9]* (cat) uid 0 .* = ok 7 bytes" "$fs_tmp/follow" ||
	fail "follow: $(cat "$fs_tmp/follow")"
grep -q "/etc/motd" "$fs_tmp/follow" && fail "the follow filter let /etc/motd through"

# filters by result and process
ctl rules add '{"id":"e","match":{"path":"/etc/motd","ops":"read"},"trigger":{"count":1},"action":{"fail":"ENOENT"}}' >/dev/null
cat "$m/etc/motd" 2>/dev/null && fail "the ENOENT rule did not fire"
[ "$(log_json --result ENOENT --process cat | wc -l)" = 1 ] || fail "filter result+process"
[ "$(log_json --result ENOENT --process head | wc -l)" = 0 ] || fail "filter process"
fs_umount "$m"

# the JSON-lines file has every event, one valid object per line
[ -s "$fs_tmp/access.jsonl" ] || fail "empty access-log file"
grep -c '"seq":' "$fs_tmp/access.jsonl" >/dev/null
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$fs_tmp/access.jsonl" 2>/dev/null ||
	{ command -v python3 >/dev/null && fail "the access-log file is not JSON lines"; }
[ "$(grep -c '"path":"/etc/secret"' "$fs_tmp/access.jsonl")" -ge 2 ] || fail "file misses /etc/secret reads"

# --access-log-all: every path, even one without a log section
m2=$fs_tmp/mnt2
rules_mount "$m2" -m "$fs_tmp/m.json" --access-log-all
cat "$m2/opt/x" >/dev/null
log_json --path /opt/x --op read | grep -q '"result":"ok"' || fail "--access-log-all missed /opt/x"
log_json --path /etc/quiet | grep -q . && fail "--access-log-all overrode an explicit off"
fs_umount "$m2"

# bad log sections and options are refused
cat >"$fs_tmp/bad.json" <<'JSON'
{"version": 1, "entries": [{"path": "/etc/x", "type": "file", "log": {"level": "loud"}}]}
JSON
"$ESXFSD" -f --control none -m "$fs_tmp/bad.json" "$fs_tmp/mnt" 2>"$fs_tmp/bad.log" && fail "bad log level mounted"
grep -q "bad.json: entry '/etc/x': log: level: expected" "$fs_tmp/bad.log" || fail "log error: $(cat "$fs_tmp/bad.log")"
"$ESXFSD" -f --access-log-ring 0 "$fs_tmp/mnt" 2>"$fs_tmp/bad2.log" && fail "ring 0 accepted"
grep -q "bad value '0' for --access-log-ring" "$fs_tmp/bad2.log" || fail "option error: $(cat "$fs_tmp/bad2.log")"
echo PASS
