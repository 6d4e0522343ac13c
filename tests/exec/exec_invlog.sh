#!/usr/bin/env bash
# exec_invlog.sh - invocations in the access log (op "invoke"): a static
# and a passed-through esxcli with argv, style, rule, exit status and
# output sizes in log.fetch, the JSON-lines file and `esxmockctl log`;
# log_output keeping the bytes (static and passthrough); a killing signal;
# rules refusing the op.
. "$(dirname "$0")/../fs/lib.sh"
fs_skip_unless_fuse
. "$(dirname "$0")/lib_exec.sh"

m=$fs_tmp/mnt
exec_mount "$m" --access-log "$fs_tmp/access.jsonl"
host=$("$m/bin/esxcli" system hostname get)
[ -n "$host" ] || fail "the mock esxcli prints nothing"

# inv N: the Nth invoke event (1 = oldest), one JSON line
inv() {
	"$CTL" log --json --op invoke | sed -n "$1p"
}
# has LINE TEXT...: every TEXT occurs in LINE
has() {
	local l=$1 t
	shift
	for t in "$@"; do
		case $l in
		*"$t"*) ;;
		*) fail "invoke event lacks '$t': $l" ;;
		esac
	done
}

# no rule names esxcli yet: no invocation, no invoke event
expect_eq "invoke events before any rule" "$("$CTL" log --json --op invoke | wc -l)" 0

ctl exec.add '{"id":"ver","match":{"path":"/bin/esxcli","argv":["system","version","get"]},"answer":{"style":"static","stdout":"scripted version\n","stderr":"note\n","exit":3}}' >/dev/null
rc=0
"$m/bin/esxcli" system version get >/dev/null 2>&1 || rc=$?
expect_eq "static status" "$rc" 3
expect_eq "passthrough output" "$("$m/bin/esxcli" system hostname get)" "$host"

e=$(inv 1)
has "$e" '"op":"invoke"' '"path":"/bin/esxcli.py"' "\"argv\":[\"$m/bin/esxcli\",\"system\",\"version\",\"get\"]" \
	'"process":"esxcli"' \
	'"style":"static"' '"rule":"ver"' '"exit":3' '"stdout_bytes":17' '"stderr_bytes":5' \
	'"image":false' '"ppid":'
case $e in *stdout_b64*) fail "output logged without log_output: $e" ;; esac
e=$(inv 2)
has "$e" '"op":"invoke"' '"system","hostname","get"]' '"style":"passthrough"' '"exit":0' \
	'"stdout_bytes":-1' '"stderr_bytes":-1'
case $e in *'"rule":'*) fail "a passthrough no rule decided names a rule: $e" ;; esac
expect_eq "invoke events" "$("$CTL" log --json --op invoke | wc -l)" 2
# other filters apply: rule, path, pid of the event
expect_eq "filter rule" "$("$CTL" log --json --op invoke --rule ver | wc -l)" 1
expect_eq "filter path" "$("$CTL" log --json --op invoke --path '/bin/*.py' | wc -l)" 2
# "exec" events stay the kernel-level ones (not the invocations)
"$CTL" log --json --op exec | grep -q '"op":"invoke"' && fail "op exec returns invoke events"

# the human form
line=$("$CTL" log --op invoke | sed -n 1p)
case $line in
*" invoke /bin/esxcli.py pid "*" (esxcli) uid "*" argv '$m/bin/esxcli' 'system' 'version' 'get' style static exit 3 out 17 err 5"*"rule ver"*) ;;
*) fail "human form: $line" ;;
esac

# log_output: the bytes, base64 (static, then a passthrough run through pipes)
ctl exec.add '{"id":"lo","match":{"path":"/bin/esxcli","argv":["system","uuid","get"]},"answer":{"style":"static","stdout":"logged bytes\n","stderr":"e\n","log_output":true}}' >/dev/null
expect_eq "static with log_output" "$("$m/bin/esxcli" system uuid get 2>/dev/null)" "logged bytes"
e=$(inv 3)
has "$e" '"rule":"lo"' "\"stdout_b64\":\"$(printf 'logged bytes\n' | base64 -w0)\"" '"stdout_logged":13' \
	"\"stderr_b64\":\"$(printf 'e\n' | base64 -w0)\""
ctl exec.add '{"id":"lp","match":{"path":"/bin/esxcli","argv":["system","hostname","get"]},"answer":{"style":"passthrough","log_output":4}}' >/dev/null
expect_eq "passthrough with log_output" "$("$m/bin/esxcli" system hostname get)" "$host"
e=$(inv 4)
n=$(printf '%s\n' "$host" | wc -c)
has "$e" '"style":"passthrough"' '"rule":"lp"' "\"stdout_bytes\":$n" '"stdout_logged":4' \
	"\"stdout_b64\":\"$(printf '%s\n' "$host" | head -c 4 | base64 -w0)\""
# a bad log_output is refused, naming the member
ctl exec.add '{"match":{"path":"/bin/esxcli"},"answer":{"style":"static","log_output":"yes"}}' >/dev/null 2>"$fs_tmp/err" &&
	fail "log_output \"yes\" accepted"
grep -q "log_output" "$fs_tmp/err" || fail "log_output error: $(cat "$fs_tmp/err")"

# killed by a signal: signal, no exit
ctl exec.add '{"id":"kill","match":{"path":"/bin/esxcli","argv":["kill"]},"answer":{"style":"static","signal":"TERM"}}' >/dev/null
"$m/bin/esxcli" kill 2>/dev/null && fail "static signal: status 0"
e=$(inv 5)
has "$e" '"rule":"kill"' '"signal":15'
case $e in *'"exit":'*) fail "a killed invocation has an exit: $e" ;; esac

# rules cannot match the log-only op
"$CTL" rules add '{"match":{"path":"/bin/**","ops":"invoke"},"action":{"log":true}}' >/dev/null 2>"$fs_tmp/err" &&
	fail "a rule on op invoke accepted"
grep -q "access-log event only" "$fs_tmp/err" || fail "rule on invoke: $(cat "$fs_tmp/err")"

fs_umount "$m"
# the JSON-lines file has them too
expect_eq "invoke lines in the file" "$(grep -c '"op":"invoke"' "$fs_tmp/access.jsonl")" 5
grep '"op":"invoke"' "$fs_tmp/access.jsonl" | grep -qF "\"argv\":[\"$m/bin/esxcli\",\"system\",\"version\",\"get\"]" ||
	fail "file: argv"
echo ok
