#!/usr/bin/env bash
# exec_image.sh - image defaults as manifest data: an overlay's
# "intercept": {"exec": [...]} on /bin/esxcli.py (a rewrite of `esxcli
# system hostname get`) applies to every run of the program; a test's rule
# layered on top (image transforms first, then the test's; a static answer
# replaces both; passthrough keeps the image's); exec clear keeps the image
# rule; bad sections refuse the mount with the file and entry named.
. "$(dirname "$0")/../fs/lib.sh"
fs_skip_unless_fuse
. "$(dirname "$0")/lib_exec.sh"

data=$ESXMOCK_SRC/manifest/data
stack=(-m "$data/esx8.json" -m "$data/esx8-extra.json" -m "$data/esx8-mockbin.json")
cat >"$fs_tmp/img.json" <<'JSON'
{"version": 1, "entries": [
  {"path": "/bin/esxcli.py", "intercept": {"exec": [
    {"id": "img-host", "label": "image: upper-case host",
     "match": {"argv": ["system", "hostname", "get"]},
     "answer": {"style": "rewrite", "transforms": [
       {"op": "replace_all", "pattern": "Host", "with": "HOST"}]}}
  ]}}
]}
JSON

m=$fs_tmp/mnt
exec_mount "$m" "${stack[@]}" -m "$fs_tmp/img.json"
real() { ESXMOCK_ROOT=$m "$ESXMOCK_BUILD/shadow/mockbin/esxcli" "$@"; }
host=$(real system hostname get)
grep -q Host <<<"$host" || fail "'esxcli system hostname get' has no 'Host': '$host'"
ver=$(real system version get)

# the image default, with no test rule
want=${host//Host/HOST}
expect_eq "image rewrite" "$("$m/bin/esxcli" system hostname get)" "$want"
expect_eq "other argv untouched" "$("$m/bin/esxcli" system version get)" "$ver"
"$CTL" exec list >"$fs_tmp/list"
grep -q "^img-host image hits 1 nodes 1 " "$fs_tmp/list" || fail "image rule not listed: $(cat "$fs_tmp/list")"
grep -q '"path":"/bin/esxcli.py"' "$fs_tmp/list" || fail "image rule path not the entry's: $(cat "$fs_tmp/list")"

# a test rewrite on top: the image's transforms run first (HOST exists
# only after them), then the test's; the test's exit
"$CTL" exec add '{"id":"t1","match":{"path":"/bin/esxcli","args":"system hostname *"},"answer":{"style":"rewrite","transforms":[{"op":"replace_all","pattern":"HOST","with":"TEST"},{"op":"append","text":"END\n"}],"exit":3}}' >/dev/null
rc=0
out=$("$m/bin/esxcli" system hostname get) || rc=$?
expect_eq "image then test transforms" "$out" "$(printf '%s\nEND' "${host//Host/TEST}")"
expect_eq "test's exit" "$rc" 3
"$CTL" invocations list --json --limit 1 | grep -q '"rule":"t1","image_rule":"img-host"' ||
	fail "invocation does not name both rules: $("$CTL" invocations list --json --limit 1)"

# a test passthrough on top keeps the image's transforms; a static answer
# replaces the program and its image default
"$CTL" exec add '{"id":"t2","match":{"path":"/bin/esxcli","argv":["system","hostname","get"]},"answer":{"style":"passthrough","env":{"X":"1"}}}' >/dev/null
expect_eq "passthrough over the image" "$("$m/bin/esxcli" system hostname get)" "$want"
"$CTL" exec add '{"id":"t3","match":{"path":"/bin/esxcli","argv":["system","hostname","get"]},"answer":{"style":"static","stdout":"static\n"}}' >/dev/null
expect_eq "static over the image" "$("$m/bin/esxcli" system hostname get)" static

# exec clear removes the test's rules only
expect_eq "cleared" "$("$CTL" exec clear)" 3
expect_eq "image rule after clear" "$("$m/bin/esxcli" system hostname get)" "$want"
fs_umount "$m"

# errors name the manifest file and entry; nothing is mounted
bad() { # WHAT EXPECTED-MESSAGE SECTION
	printf '{"version": 1, "entries": [{"path": "/bin/esxcli.py", "intercept": %s}]}\n' "$3" >"$fs_tmp/bad.json"
	if "$ESXFSD" -f --control none --shadow-root "$ESXMOCK_BUILD/shadow" "${stack[@]}" \
		-m "$fs_tmp/bad.json" "$fs_tmp/mnt2" 2>"$fs_tmp/bad.log"; then
		fail "$1: mounted"
	fi
	grep -qF "$2" "$fs_tmp/bad.log" || fail "$1: message: $(cat "$fs_tmp/bad.log")"
}
mkdir -p "$fs_tmp/mnt2"
bad "not an array" "bad.json: entry '/bin/esxcli.py': intercept: exec: expected an array" '{"exec": {}}'
bad "remote image rule" "entry '/bin/esxcli.py': intercept: exec/0/answer" '{"exec": [{"answer": {"style": "remote"}}]}'
bad "unknown rule key" "entry '/bin/esxcli.py': intercept: exec/1: rule: unknown key 'when'" \
	'{"exec": [{"answer": {"style": "passthrough"}}, {"when": 1, "answer": {"style": "passthrough"}}]}'
bad "duplicate id" "exec/1/id: 'a' names another rule" \
	'{"exec": [{"id": "a", "answer": {"style": "passthrough"}}, {"id": "a", "answer": {"style": "passthrough"}}]}'
bad "unknown section key" "intercept: execs: unknown key (rules, exec)" '{"execs": []}'
echo PASS
