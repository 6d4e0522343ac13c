#!/usr/bin/env bash
# exec_ctl.sh - `esxmockctl exec ...` and `esxmockctl invocations ...` end
# to end on a real mount: a static rule added, listed (human and --json),
# hit by a real exec, removed, cleared; a remote invocation answered by
# `invocations follow --answer` and by `invocations answer ID`; the
# invocations list; usage errors and the daemon's errors as exit statuses.
. "$(dirname "$0")/../fs/lib.sh"
fs_skip_unless_fuse
. "$(dirname "$0")/lib_exec.sh"

x() { "$CTL" exec "$@"; }
inv() { "$CTL" invocations "$@"; }

# usage errors need no daemon
rc=0; x 2>/dev/null || rc=$?; expect_eq "exec without a verb" "$rc" 2
rc=0; x frob 2>/dev/null || rc=$?; expect_eq "exec frob" "$rc" 2
rc=0; x add 2>/dev/null || rc=$?; expect_eq "exec add without a rule" "$rc" 2
rc=0; x add '{"match":' 2>"$fs_tmp/err" || rc=$?; expect_eq "exec add of bad JSON" "$rc" 2
grep -q "not a JSON object" "$fs_tmp/err" || fail "bad JSON message: $(cat "$fs_tmp/err")"
rc=0; inv answer 7 2>/dev/null || rc=$?; expect_eq "invocations answer without an answer" "$rc" 2
rc=0; inv answer x7 '{}' 2>/dev/null || rc=$?; expect_eq "invocations answer of a bad id" "$rc" 2
x --help | grep -q "esxmockctl exec add" || fail "exec --help"
inv list --help | grep -q "invocations follow" || fail "invocations list --help"
"$CTL" --help | grep -q "^  invocations " || fail "invocations not in esxmockctl --help"
# no daemon: exit 3
rc=0; x list -c 127.0.0.1:1 2>/dev/null || rc=$?; expect_eq "exec list without a daemon" "$rc" 3

m=$fs_tmp/mnt
exec_mount "$m"
ver=$("$m/bin/esxcli" system version get)
[ -n "$ver" ] || fail "the mock esxcli prints nothing"

# a static rule: added (id printed), listed, hit
expect_eq "exec add prints the id" \
	"$(x add '{"id":"ver","label":"scripted version","match":{"path":"/bin/esxcli","argv":["system","version","get"]},"answer":{"style":"static","stdout":"scripted\n","exit":0}}')" ver
expect_eq "static answer" "$("$m/bin/esxcli" system version get)" scripted
expect_eq "other argv passes through" "$("$m/bin/esxcli" system version get -x 2>/dev/null || true)" \
	"$("$ESXMOCK_BUILD/shadow/mockbin/esxcli" system version get -x 2>/dev/null || true)"
x list >"$fs_tmp/list"
grep -q "^ver hits 1 nodes 1 'scripted version' match {\"path\":\"/bin/esxcli\"" "$fs_tmp/list" ||
	fail "exec list (human): $(cat "$fs_tmp/list")"
x list --json | grep -q '"id":"ver".*"hits":1' || fail "exec list --json"
# an existing id: the daemon's error, exit 1
rc=0; x add '{"id":"ver","match":{"path":"/bin/esxcli"},"answer":{"style":"passthrough"}}' 2>"$fs_tmp/err" || rc=$?
expect_eq "exec add of a taken id" "$rc" 1
rc=0; x add '{"match":{"path":"/bin/esxcli"},"answer":{"style":"loud"}}' 2>"$fs_tmp/err" || rc=$?
expect_eq "exec add of a bad style" "$rc" 1
grep -q "style" "$fs_tmp/err" || fail "bad style message: $(cat "$fs_tmp/err")"
# a rule from stdin and from a file
echo '{"id":"f1","match":{"path":"/bin/apply-host-profiles","argv":["one"]},"answer":{"style":"fail","exit":5,"message":"no"}}' | x add - >/dev/null
echo '{"id":"f2","match":{"path":"/bin/apply-host-profiles","argv":["two"]},"answer":{"style":"static","stdout":"two\n","exit":0}}' >"$fs_tmp/r.json"
x add "@$fs_tmp/r.json" >/dev/null
rc=0; "$m/bin/apply-host-profiles" one 2>/dev/null || rc=$?
expect_eq "rule from stdin" "$rc" 5
expect_eq "rule from a file" "$("$m/bin/apply-host-profiles" two)" two
expect_eq "remove prints the id" "$(x remove f1)" f1
rc=0; x remove f1 2>/dev/null || rc=$?; expect_eq "remove of a removed rule" "$rc" 1

# the invocations list: the static one, human and JSON
inv list --limit 1 >"$fs_tmp/inv"
grep -q "^#[0-9]* /bin/apply-host-profiles: '*[^ ]*apply-host-profiles'* two .* rule f2 style static exit 0 out 4 err 0 " "$fs_tmp/inv" ||
	fail "invocations list (human): $(cat "$fs_tmp/inv")"
inv list --json --limit 2 | grep -q '"rule":"f2".*"style":"static"' || fail "invocations list --json"

# remote, answered by `invocations follow --answer`
x add '{"id":"rem","match":{"path":"/bin/apply-host-profiles","argv":["remote"]},"answer":{"style":"remote","timeout_ms":60000,"default":{"style":"static","stdout":"default\n","exit":9}}}' >/dev/null
inv follow --answer '{"style":"static","stdout":"from esxmockctl\n","exit":4}' --count 1 >"$fs_tmp/follow" 2>"$fs_tmp/follow.err" &
fpid=$!
for i in $(seq 1200); do grep -q following "$fs_tmp/follow.err" && break; sleep 0.05; done
grep -q following "$fs_tmp/follow.err" || fail "not following after 60 s: $fs_tmp/follow.err"
rc=0
out=$("$m/bin/apply-host-profiles" remote) || rc=$?
expect_eq "remote answered by follow --answer" "$out/$rc" "from esxmockctl/4"
wait $fpid || fail "invocations follow --count 1 failed: $(cat "$fs_tmp/follow.err")"
grep -q "^#[0-9]* /bin/apply-host-profiles: .* remote .* rule rem" "$fs_tmp/follow" ||
	fail "follow output: $(cat "$fs_tmp/follow")"

# remote, answered by `invocations answer ID` while a follower only prints
inv follow --json >"$fs_tmp/follow2" 2>"$fs_tmp/follow2.err" &
fpid=$!
for i in $(seq 1200); do grep -q following "$fs_tmp/follow2.err" && break; sleep 0.05; done
grep -q following "$fs_tmp/follow2.err" || fail "not following after 60 s: $fs_tmp/follow2.err"
# run one in the background and wait for the follower to print it
"$m/bin/apply-host-profiles" remote >"$fs_tmp/out2" &
epid=$!
for i in $(seq 200); do grep -q '"id"' "$fs_tmp/follow2" && break; sleep 0.05; done
id=$(grep -o '"id":[0-9]*' "$fs_tmp/follow2" | head -1 | cut -d: -f2)
[ -n "$id" ] || fail "follower printed no invocation"
expect_eq "invocations answer prints the style" \
	"$(inv answer "$id" '{"style":"static","stdout":"answered by id\n","exit":0}')" static
rc=0; wait $epid || rc=$?
expect_eq "remote answered by id" "$(cat "$fs_tmp/out2")/$rc" "answered by id/0"
rc=0; inv answer "$id" '{"style":"static"}' 2>/dev/null || rc=$?
expect_eq "answering twice" "$rc" 1
kill $fpid; wait $fpid 2>/dev/null || true

# clear: everything added at run time goes
expect_eq "clear prints the count" "$(x clear)" 3
expect_eq "nothing listed" "$(x list)" ""
expect_eq "after clear" "$("$m/bin/esxcli" system version get)" "$ver"
fs_umount "$m"
echo PASS
