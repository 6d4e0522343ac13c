#!/bin/sh
# esxmockctl against ctl_testd (the control server with the fake daemon):
# every control subcommand, human and --json output, exit statuses,
# ESXMOCK_CONTROL / ESXMOCK_TOKEN. usage: esxmockctl.sh ESXMOCKCTL CTL_TESTD
set -u
ctl=$1
testd=$2
tmp=$(mktemp -d)
pids=""
fails=0
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# start_testd NAME [options]: runs ctl_testd in the background, waits for
# its control file, sets $addr (not in a subshell: $pids must survive)
start_testd() {
	name=$1
	shift
	"$testd" --control 127.0.0.1:0 --control-file "$tmp/$name.addr" "$@" \
		</dev/null >/dev/null 2>"$tmp/$name.log" &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/$name.addr" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$tmp/$name.addr" ] || { echo "ctl_testd did not start" >&2; exit 1; }
	addr=$(cat "$tmp/$name.addr")
}

# check DESC EXPECTED-STATUS CMD...: runs CMD, output in $tmp/out, $tmp/err
check() {
	desc=$1
	want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || fail "$desc: exit $got, want $want: $(cat "$tmp/err")"
}
has() { grep -qF -- "$2" "$tmp/$1" || fail "'$2' not in $1: $(head -c 400 "$tmp/$1")"; }

start_testd plain
grep -q "control: listening on $addr" "$tmp/plain.log" || fail "no listening line"
export ESXMOCK_CONTROL=$addr

check "hello" 0 "$ctl" hello
has out "esxfsd "
has out "protocol 1, auth none"
has out " files.get "
check "hello --json" 0 "$ctl" hello --json
has out '"protocol":1'
check "stats" 0 "$ctl" stats
has out "control.requests: "
has out "memory.rss_bytes: "
check "stats --json" 0 "$ctl" stats -j
has out '"control":{'

check "files get text" 0 "$ctl" files get /etc/motd
printf 'Welcome to the esxmock fake host\n' | cmp -s - "$tmp/out" || fail "motd content"
check "files get range" 0 "$ctl" files get --offset 11 --length 3 /etc/motd
[ "$(cat "$tmp/out")" = "the" ] || fail "range: $(cat "$tmp/out")"
check "files get binary" 0 "$ctl" files get /bin/sh
[ "$(wc -c <"$tmp/out")" = 512 ] || fail "busybox size"
base64 -w0 <"$tmp/out" >"$tmp/b64.want"
check "files get --base64" 0 "$ctl" files get -b /bin/busybox
[ "$(cat "$tmp/out")" = "$(cat "$tmp/b64.want")" ] || fail "base64 output"
check "files get -o" 0 "$ctl" files get -o "$tmp/motd" /etc/motd
[ "$(cat "$tmp/motd")" = "Welcome to the esxmock fake host" ] || fail "-o file"
check "files get big, in parts" 0 "$ctl" files get /big
[ "$(wc -c <"$tmp/out")" = 5242880 ] || fail "big size $(wc -c <"$tmp/out")"
head -c 5242880 /dev/zero | cmp -s - "$tmp/out" || fail "big content"
check "files get --json" 0 "$ctl" files get --json /etc/motd
has out '"encoding":"text"'
check "files get missing" 1 "$ctl" files get /nope
has err "esxmockctl: files get: '/nope': no such file or directory (ENOENT)"
check "files get dir" 1 "$ctl" files get /etc
has err "(EISDIR)"

check "files stat symlink" 0 "$ctl" files stat /bin/sh
has out "type: symlink -> busybox"
has out "mode: 0777 (lrwxrwxrwx)"
has out "owner: root (0)"
has out "mtime: 2023-11-14 22:13:"
check "files stat -L" 0 "$ctl" files stat -L /bin/sh
has out "path: /bin/busybox"
check "files stat setuid" 0 "$ctl" files stat /etc/setuid
has out "(-rwsr-xr-x)"
check "files stat sticky" 0 "$ctl" files stat /locker
has out "(drwxrwxrwt)"
check "files stat device" 0 "$ctl" files stat /dev/null
has out "device: 1, 3"
check "files stat missing" 1 "$ctl" files stat /etc/none
has err "(ENOENT)"

check "files list" 0 "$ctl" files list /bin
[ "$(cat "$tmp/out" | tr '\n' ' ')" = "busybox sh loop1 loop2 " ] || fail "list: $(cat "$tmp/out")"
check "files list -l" 0 "$ctl" files list -l /bin
has out "lrwxrwxrwx root     root              7 2023-11-14 22:13 sh -> busybox"
check "files list paging" 0 "$ctl" files list --offset 48 --limit 5 /many
[ "$(cat "$tmp/out" | tr '\n' ' ')" = "f48 f49 " ] || fail "paging: $(cat "$tmp/out")"
check "files list truncated" 0 "$ctl" files list --limit 2 /many
has err "2 of 50 entries shown"
check "files list file" 1 "$ctl" files list /etc/motd
has err "(ENOTDIR)"

check "call" 0 "$ctl" call files.stat '{"path":"/etc"}'
has out '"type": "dir"'
check "call --json" 0 "$ctl" call --json files.stat '{"path":"/etc"}'
has out '"type":"dir"'
check "call unknown method" 1 "$ctl" call no.such
has err "unknown method 'no.such' (code -32601)"
check "call bad params" 1 "$ctl" call files.get '{"path":5}'
has err "param 'path' must be a string"
check "call params not JSON" 2 "$ctl" call files.get '{nope'
has err "params must be a JSON object"

for sub in hello stats files call; do
	check "$sub --help" 0 "$ctl" $sub --help
	has out "usage: esxmockctl $sub"
	has out "--connect HOST:PORT"
done
check "files no verb" 2 "$ctl" files
check "files bad verb" 2 "$ctl" files frob /x
check "files put without a writable tree" 1 "$ctl" files put /x /dev/null
check "unknown option" 2 "$ctl" stats --bogus
has err "unknown or incomplete option '--bogus'"
check "missing path" 2 "$ctl" files get
has err "missing PATH"
check "call missing method" 2 "$ctl" call

unset ESXMOCK_CONTROL
check "--connect" 0 "$ctl" hello --connect "$addr"
check "refused" 3 "$ctl" hello --connect 127.0.0.1:1
has err "cannot connect to '127.0.0.1:1'"
check "bad address" 3 "$ctl" hello -c nonsense
has err "invalid address 'nonsense'"

start_testd token --control-token s3cret
taddr=$addr
check "token missing" 1 "$ctl" stats -c "$taddr"
has err "token required"
check "token wrong" 1 "$ctl" stats -c "$taddr" --token nope
has err "wrong token"
check "token option" 0 "$ctl" stats -c "$taddr" --token s3cret
ESXMOCK_TOKEN=s3cret check "token from the environment" 0 "$ctl" files get -c "$taddr" /etc/shadow
has out "root:*:"

[ $fails -eq 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "esxmockctl: all checks passed"
