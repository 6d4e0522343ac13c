#!/usr/bin/env bash
# exec_styles.sh - exec rules through a real mount of the default tree:
# static only for `esxcli system version get` (the mock esxcli runs for
# everything else), an empty /bin/apply-host-profiles scripted, rewrite, fail, exit by
# signal (static and passed through), stdin through a passed-through
# program, 1 MiB through passthrough and rewrite intact, the real bytes
# seen by cat while watched, rule removal, and the shim without a daemon.
. "$(dirname "$0")/../fs/lib.sh"
fs_skip_unless_fuse
. "$(dirname "$0")/lib_exec.sh"

# the shim run outside any tree: documented fallback
rc=0
"$SHIM" a b 2>"$fs_tmp/err" || rc=$?
expect_eq "shim without a daemon: status" "$rc" 126
grep -q "esxmock: interpose: daemon unavailable" "$fs_tmp/err" || fail "no daemon message"

m=$fs_tmp/mnt
exec_mount "$m"
ver=$("$m/bin/esxcli" system version get)
host=$("$m/bin/esxcli" system hostname get)
[ -n "$ver" ] && [ -n "$host" ] || fail "the mock esxcli prints nothing"
size0=$(stat -c %s "$m/bin/esxcli.py")

ctl exec.add '{"id":"ver","match":{"path":"/bin/esxcli","argv":["system","version","get"]},"answer":{"style":"static","stdout":"scripted version\n","stderr":"note\n","exit":0}}' >/dev/null
expect_eq "static answer" "$("$m/bin/esxcli" system version get 2>"$fs_tmp/err")" "scripted version"
expect_eq "static stderr" "$(cat "$fs_tmp/err")" "note"
expect_eq "other argv passes through" "$("$m/bin/esxcli" system hostname get)" "$host"
expect_eq "other argv: no match" "$("$m/bin/esxcli" --formatter=keyvalue system version get)" \
	"$(ESXMOCK_ROOT=$m "$ESXMOCK_BUILD/shadow/mockbin/esxcli" --formatter=keyvalue system version get)"
# localcli is another program: untouched
"$m/bin/localcli" system version get | grep -qv "scripted" || fail "localcli affected"
# cat of the watched file: its real bytes; stat: at least the shim's size
cmp "$m/bin/esxcli.py" "$ESXMOCK_BUILD/shadow/mockbin/esxcli" || fail "cat of a watched file"
[ "$(stat -c %s "$m/bin/esxcli.py")" -ge "$(stat -c %s "$SHIM")" ] || fail "watched size below the shim's"
hits=$(ctl exec.list | grep -c '"hits": 1') || true
[ "$hits" -ge 1 ] || fail "hit not counted"

# an empty program of the listing (/bin/apply-host-profiles, mode 0555), scripted
[ "$(stat -L -c %s "$m/bin/apply-host-profiles")" -eq 0 ] || fail "apply-host-profiles not empty in the default tree"
ctl exec.add '{"match":{"path":"/bin/apply-host-profiles","args":"vmsvc/*"},"answer":{"style":"static","stdout":"Vmid Name\n","exit":3}}' >/dev/null
rc=0
out=$("$m/bin/apply-host-profiles" vmsvc/getallvms) || rc=$?
expect_eq "vim-cmd output" "$out" "Vmid Name"
expect_eq "vim-cmd status" "$rc" 3
# no rule matches: passthrough of an empty file fails like exec would
rc=0
"$m/bin/apply-host-profiles" hostsvc 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || fail "passthrough of an empty file succeeded"

# rewrite of a real program's stdout, and its exit status
ctl exec.add '{"match":{"path":"/bin/esxcli","argv":["system","hostname","get"]},"answer":{"style":"rewrite","transforms":[{"op":"replace_all","pattern":"[Hh]ost","with":"HOST"},{"op":"prepend","text":"# rewritten\n"}],"exit":5}}' >/dev/null
rc=0
out=$("$m/bin/esxcli" system hostname get) || rc=$?
want=$(printf '# rewritten\n%s' "$(printf '%s' "$host" | sed -E 's/[Hh]ost/HOST/g')")
expect_eq "rewrite" "$out" "$want"
expect_eq "rewrite status" "$rc" 5

# fail styles
ctl exec.add '{"match":{"path":"/bin/apply-host-profiles","argv":["gone"]},"answer":{"style":"fail","errno":"ENOENT"}}' >/dev/null
rc=0
"$m/bin/apply-host-profiles" gone 2>"$fs_tmp/err" || rc=$?
expect_eq "fail ENOENT status" "$rc" 127
grep -q "No such file or directory" "$fs_tmp/err" || fail "fail ENOENT message"
ctl exec.add '{"match":{"path":"/bin/apply-host-profiles","argv":["term"]},"answer":{"style":"static","signal":"SIGTERM"}}' >/dev/null
rc=0
"$m/bin/apply-host-profiles" term || rc=$?
expect_eq "static killed by SIGTERM" "$rc" 143

# busybox (/bin/sh's target; absolute links of the tree do not resolve
# from the host, so run it by its real path) passed through: signals,
# stdin, 1 MiB
BB=$m/usr/lib/vmware/busybox/bin/busybox
ctl exec.add '{"id":"sh","match":{"path":"/bin/sh"},"answer":{"style":"passthrough"}}' >/dev/null
rc=0
"$BB" sh -c 'kill -USR1 $$' || rc=$?
expect_eq "passed-through child killed by SIGUSR1" "$rc" $((128 + 10))
expect_eq "stdin through passthrough" "$(printf 'abc\ndef\n' | "$BB" sh -c 'while read l; do echo "<$l>"; done')" "<abc>
<def>"
# 16384 lines of 64 bytes: exactly 1 MiB
gen='i=0; while [ $i -lt 16384 ]; do printf "line %06d %s\n" $i 0123456789abcdef0123456789abcdef0123456789abcdefghi; i=$((i+1)); done'
sh -c "$gen" >"$fs_tmp/want"
"$BB" sh -c "$gen" >"$fs_tmp/got"
cmp "$fs_tmp/want" "$fs_tmp/got" || fail "1 MiB through passthrough"
[ "$(stat -c %s "$fs_tmp/got")" -eq 1048576 ] || fail "1 MiB: short"
ctl exec.add '{"match":{"path":"/bin/sh","argv":["sh","-c","**"]},"answer":{"style":"rewrite","transforms":[{"op":"append","text":"END\n"}]}}' >/dev/null
"$BB" sh -c "$gen" >"$fs_tmp/got"
{ cat "$fs_tmp/want"; echo END; } | cmp - "$fs_tmp/got" || fail "1 MiB through rewrite"
# SIGTERM sent to the shim reaches the passed-through child
ctl exec.clear >/dev/null
ctl exec.add '{"match":{"path":"/bin/sh"},"answer":{"style":"passthrough"}}' >/dev/null
"$BB" sh -c 'trap "echo got-term; exit 7" TERM; echo up; while :; do sleep 0.05; done' >"$fs_tmp/sig" &
spid=$!
for i in $(seq 1200); do grep -q up "$fs_tmp/sig" && break; sleep 0.05; done
grep -q up "$fs_tmp/sig" || fail "not up after 60 s: $fs_tmp/sig"
kill -TERM $spid
rc=0
wait $spid || rc=$?
expect_eq "SIGTERM forwarded: status" "$rc" 7
grep -q got-term "$fs_tmp/sig" || fail "SIGTERM not forwarded to the child"

# invocations are logged
ctl invocations.list '{"limit":1}' | grep -q '"exit": 7' || fail "invocation not logged with its status"

# removal: the next exec is the real program, size back
ctl exec.clear >/dev/null
ctl exec.remove '{"id":"ver"}' >/dev/null 2>&1 && fail "removing a cleared rule succeeded"
expect_eq "after clear" "$("$m/bin/esxcli" system version get)" "$ver"
expect_eq "size after clear" "$(stat -c %s "$m/bin/esxcli.py")" "$size0"
fs_umount "$m"
echo PASS
