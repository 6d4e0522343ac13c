#!/usr/bin/env bash
# exec_remote.sh - remote invocations through a real mount: answered by a
# test client (static, and 512 KiB of binary output intact), the rule's
# default when nobody answers in time and at once with no follower, 100
# concurrent invocations, and the shim when the daemon dies under it.
. "$(dirname "$0")/../fs/lib.sh"
fs_skip_unless_fuse
. "$(dirname "$0")/lib_exec.sh"

m=$fs_tmp/mnt
exec_mount "$m"
P=$m/bin/apply-host-profiles
ctl exec.add '{"match":{"path":"/bin/apply-host-profiles"},"answer":{"style":"remote","timeout_ms":60000,"default":{"style":"static","stdout":"default\n","exit":9}}}' >/dev/null

# no follower: the default at once
rc=0
out=$("$P" x) || rc=$?
expect_eq "no follower: default" "$out/$rc" "default/9"

# a client answers
"$EXEC_BIN/exec_answerer" "$ESXMOCK_CONTROL" answer '{"style":"static","stdout":"from the test\n","exit":4}' >"$fs_tmp/ans.log" &
apid=$!
for i in $(seq 1200); do grep -q ready "$fs_tmp/ans.log" && break; sleep 0.05; done
grep -q ready "$fs_tmp/ans.log" || fail "not ready after 60 s: $fs_tmp/ans.log"
rc=0
out=$("$P" hello) || rc=$?
expect_eq "remote answer" "$out/$rc" "from the test/4"
grep -q "answered" "$fs_tmp/ans.log" || fail "the client saw no invocation"

# 100 concurrent invocations, each answered
cpids=()
for i in $(seq 100); do
	( r=0; "$P" n$i >"$fs_tmp/c$i" 2>&1 || r=$?; echo $r >>"$fs_tmp/c$i" ) &
	cpids+=($!)
done
wait "${cpids[@]}"
for i in $(seq 100); do
	expect_eq "concurrent $i" "$(cat "$fs_tmp/c$i" | tr '\n' '/')" "from the test/4/"
done
kill $apid
wait $apid 2>/dev/null || true

# 512 KiB of binary static output through a remote answer (a control
# line is at most 1 MiB: base64 of 1 MiB does not fit)
head -c 524288 /dev/urandom >"$fs_tmp/big"
printf '{"style":"static","stdout_b64":"%s"}' "$(base64 -w0 "$fs_tmp/big")" >"$fs_tmp/big.json"
"$EXEC_BIN/exec_answerer" "$ESXMOCK_CONTROL" answer "@$fs_tmp/big.json" 1 >"$fs_tmp/ans2.log" &
apid=$!
for i in $(seq 1200); do grep -q ready "$fs_tmp/ans2.log" && break; sleep 0.05; done
grep -q ready "$fs_tmp/ans2.log" || fail "not ready after 60 s: $fs_tmp/ans2.log"
"$P" big >"$fs_tmp/big.got"
cmp "$fs_tmp/big" "$fs_tmp/big.got" || fail "512 KiB static answer not intact"
wait $apid

# a follower that never answers: the default after timeout_ms
ctl exec.clear >/dev/null
ctl exec.add '{"match":{"path":"/bin/apply-host-profiles"},"answer":{"style":"remote","timeout_ms":300,"default":{"style":"fail","exit":42,"message":"timed out"}}}' >/dev/null
"$EXEC_BIN/exec_answerer" "$ESXMOCK_CONTROL" ignore >"$fs_tmp/ign.log" &
ipid=$!
for i in $(seq 1200); do grep -q ready "$fs_tmp/ign.log" && break; sleep 0.05; done
grep -q ready "$fs_tmp/ign.log" || fail "not ready after 60 s: $fs_tmp/ign.log"
rc=0
"$P" slow 2>"$fs_tmp/err" || rc=$?
expect_eq "timeout default status" "$rc" 42
grep -q "timed out" "$fs_tmp/err" || fail "timeout default message"
ctl invocations.list | grep -q '"pending": 0' || fail "an invocation still pending"

# the daemon dies while the shim waits: documented fallback
ctl exec.clear >/dev/null
ctl exec.add '{"match":{"path":"/bin/apply-host-profiles"},"answer":{"style":"remote","timeout_ms":60000}}' >/dev/null
rc=0
( r=0; "$P" wait 2>"$fs_tmp/dead.err" || r=$?; echo $r >"$fs_tmp/dead.rc" ) &
spid=$!
sleep 0.5
kill -9 "${fs_pids[$m]}"
wait $spid || true
kill $ipid 2>/dev/null || true
expect_eq "shim with a dead daemon" "$(cat "$fs_tmp/dead.rc")" 126
grep -q "esxmock: interpose: daemon unavailable" "$fs_tmp/dead.err" || fail "no daemon-unavailable message"
fusermount3 -u "$m" 2>/dev/null || umount -l "$m"
echo PASS
