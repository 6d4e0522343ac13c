#!/usr/bin/env bash
# ctl_files_cli.sh - esxmockctl files put|rm|mkdir|ln|chmod over a real
# mount: binary bytes from stdin read back byte for byte, mkdir -p, ln,
# chmod, owner/group by name (files stat shows names), rm -r, errors.
# usage: ctl_files_cli.sh ESXMOCKCTL (run through ctest: ESXMOCK_SRC/BUILD set)
. "$ESXMOCK_SRC/tests/fs/lib.sh"
fs_skip_unless_fuse
ctl=$1

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1,
 "users": {"vpxa": 501},
 "groups": {"vpxa": 501},
 "entries": [
 {"path": "/etc/motd", "type": "file", "content": {"text": "Welcome\n"}},
 {"path": "/etc/odd", "type": "file", "owner": "777", "group": "778", "content": {"text": "x\n"}},
 {"path": "/scratch", "type": "dir"}
]}
JSON
m=$fs_tmp/mnt
fs_mount "$m" -m "$fs_tmp/m.json" --control 127.0.0.1:0 --control-file "$fs_tmp/addr"
export ESXMOCK_CONTROL=$(cat "$fs_tmp/addr")

# --help of each verb names its method; usage errors exit 2
for v in get stat list put rm mkdir ln chmod; do
	"$ctl" files $v --help >"$fs_tmp/help" || fail "files $v --help"
	grep -q "usage: esxmockctl files $v" "$fs_tmp/help" || fail "files $v --help: $(cat "$fs_tmp/help")"
done
rc=0; "$ctl" files ln /x 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "ln with one operand: not a usage error"

# put: every byte value, NUL and invalid UTF-8 included, from stdin
head -c 70000 /dev/urandom >"$fs_tmp/bin"
printf '\0\377\376abc\n\0' >>"$fs_tmp/bin"
out=$("$ctl" files put /scratch/new/blob.bin --mode 0600 --owner vpxa --group vpxa <"$fs_tmp/bin") ||
	fail "put from stdin: $out"
[ "$out" = "/scratch/new/blob.bin: $(stat -c %s "$fs_tmp/bin") bytes written" ] || fail "put output: $out"
cmp "$fs_tmp/bin" "$m/scratch/new/blob.bin" || fail "bytes through the mount differ"
[ "$(stat -c '%a %u %g' "$m/scratch/new/blob.bin")" = "600 501 501" ] ||
	fail "put mode/owner: $(stat -c '%a %u %g' "$m/scratch/new/blob.bin")"
# from a file, with numeric ids, --json
"$ctl" files put --json /etc/motd "$fs_tmp/bin" --owner 7 | grep -q '"size":70008' || fail "put FILE --json"
cmp "$fs_tmp/bin" "$m/etc/motd" || fail "motd bytes"
[ "$(stat -c %u "$m/etc/motd")" = 7 ] || fail "numeric owner"
out=$("$ctl" files put /etc/x --owner nosuchuser </dev/null 2>&1) && fail "unknown user accepted"
echo "$out" | grep -q "unknown user 'nosuchuser'" || fail "unknown user message: $out"

# stat and list show names, numeric fallback for ids not in the tables
out=$("$ctl" files stat /scratch/new/blob.bin)
echo "$out" | grep -q '^owner: vpxa (501)$' && echo "$out" | grep -q '^group: vpxa (501)$' ||
	fail "stat names: $out"
"$ctl" files stat --json /etc/motd | grep -q '"user":"7","group":"root"' || fail "stat json: $("$ctl" files stat --json /etc/motd)"
"$ctl" files list -l /etc | grep -q '^-rw-r--r-- 777 *778 ' || fail "list fallback: $("$ctl" files list -l /etc)"
"$ctl" files list -l /scratch/new | grep -q '^-rw------- vpxa *vpxa *70008 ' || fail "list names: $("$ctl" files list -l /scratch/new)"

# mkdir -p, ln, chmod
[ "$("$ctl" files mkdir -p --mode 0700 /scratch/a/b/c)" = "created /scratch/a/b/c" ] || fail "mkdir -p output"
[ -d "$m/scratch/a/b/c" ] && [ "$(stat -c %a "$m/scratch/a/b/c")" = 700 ] || fail "mkdir -p on the mount"
"$ctl" files mkdir -p /scratch/a/b/c >/dev/null || fail "mkdir -p of an existing dir"
"$ctl" files mkdir /scratch/a/b/c 2>/dev/null && fail "mkdir of an existing dir without -p"
[ "$("$ctl" files ln ../new/blob.bin /scratch/a/link)" = "/scratch/a/link -> ../new/blob.bin" ] || fail "ln output"
[ "$(readlink "$m/scratch/a/link")" = ../new/blob.bin ] || fail "ln target on the mount"
cmp "$fs_tmp/bin" "$m/scratch/a/link" || fail "through the link"
[ "$("$ctl" files chmod 4755 /scratch/new/blob.bin)" = "changed /scratch/new/blob.bin to 4755" ] || fail "chmod output"
[ "$(stat -c %a "$m/scratch/new/blob.bin")" = 4755 ] || fail "chmod on the mount: $(stat -c %a "$m/scratch/new/blob.bin")"
"$ctl" files chmod 0640 /etc/motd --group vpxa >/dev/null || fail "chmod --group"
[ "$(stat -c '%a %g' "$m/etc/motd")" = "640 501" ] || fail "chmod group on the mount"
out=$("$ctl" files chmod 9999 /etc/motd 2>&1) && fail "bad mode accepted"
echo "$out" | grep -q "'9999'" || fail "bad mode message: $out"

# rm: not empty without -r, then -r; a missing path: exit 1 naming it
"$ctl" files rm /scratch/a 2>/dev/null && fail "rm of a non-empty dir without -r"
[ "$("$ctl" files rm -r /scratch/a)" = "removed /scratch/a" ] || fail "rm -r output"
[ ! -e "$m/scratch/a" ] || fail "/scratch/a still on the mount"
rc=0; "$ctl" files rm /scratch/a 2>"$fs_tmp/err" || rc=$?
[ $rc = 1 ] || fail "rm of a missing path: exit $rc"
grep -q "'/scratch/a'" "$fs_tmp/err" && grep -q ENOENT "$fs_tmp/err" || fail "rm missing message: $(cat "$fs_tmp/err")"

# stats: the total of FUSE operations is the sum of the per-op counters
"$ctl" stats >"$fs_tmp/stats" || fail "stats"
total=$(sed -n 's/^daemon.ops_total: //p' "$fs_tmp/stats")
sum=$(grep '^daemon\.' "$fs_tmp/stats" |
	grep -vE '^daemon\.(nodes|ops_total|op_errors|rules|rules_[a-z_]*|log_[a-z_]*|caller_[a-z_]*|state_[a-z_]*): ' |
	awk -F': ' '{s += $2} END {print s + 0}')
[ -n "$total" ] && [ "$total" -gt 0 ] && [ "$total" = "$sum" ] || fail "ops_total $total, sum of ops $sum"
grep -q '^control.clients: 1$' "$fs_tmp/stats" && grep -q '^memory.rss_bytes: [1-9]' "$fs_tmp/stats" ||
	fail "stats: $(cat "$fs_tmp/stats")"
fs_umount "$m"
