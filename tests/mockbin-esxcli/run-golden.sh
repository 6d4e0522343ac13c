#!/usr/bin/env bash
# Runs every golden case of the mock esxcli/localcli/esxcfg-advcfg and
# compares stdout, stderr and the exit status byte for byte.
# usage: run-golden.sh BINDIR GOLDENDIR CONTENTDIR [CASE...]
#
# A case is golden/NAME.args: one argument per line, the first being the
# program (esxcli, localcli, esxcfg-advcfg). Optional files:
#   NAME.setup  sh script run first in the fresh root (cwd = root,
#               ESXMOCK_ROOT set, the programs on PATH): scripts the state
#   NAME.out    expected stdout (absent = must be empty)
#   NAME.err    expected stderr (absent = must be empty)
#   NAME.rc     expected exit status (absent = 0)
#   NAME.post   sh script run afterwards in the root; it fails the case by
#               exiting non-zero (checks of the state files)
# Each case gets a fresh copy of CONTENTDIR as ESXMOCK_ROOT.
set -u
bindir=$(cd "$1" && pwd) gdir=$(cd "$2" && pwd) content=$(cd "$3" && pwd)
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

run_case() {
	local args=$1 case=${1%.args} name root rc want_rc
	name=$(basename "$case")
	root=$work/$name
	mkdir -p "$root"
	cp -a "$content"/. "$root"/
	if [ -f "$case.setup" ]; then
		if ! (cd "$root" && ESXMOCK_ROOT=$root PATH=$bindir:$PATH \
			sh -e "$case.setup") >"$work/$name.setup.log" 2>&1; then
			echo "FAIL $name: setup failed:"
			cat "$work/$name.setup.log"
			fail=$((fail + 1))
			return
		fi
	fi
	local argv=()
	mapfile -t argv <"$args"
	(cd "$root" && ESXMOCK_ROOT=$root "$bindir/${argv[0]}" "${argv[@]:1}") \
		>"$work/$name.stdout" 2>"$work/$name.stderr" </dev/null
	rc=$?
	want_rc=0
	[ -f "$case.rc" ] && want_rc=$(cat "$case.rc")
	local bad=""
	[ "$rc" = "$want_rc" ] || bad="exit status $rc, expected $want_rc"
	if [ -f "$case.out" ]; then
		cmp -s "$case.out" "$work/$name.stdout" || bad="$bad${bad:+; }stdout differs"
	elif [ -s "$work/$name.stdout" ]; then
		bad="$bad${bad:+; }unexpected stdout"
	fi
	if [ -f "$case.err" ]; then
		cmp -s "$case.err" "$work/$name.stderr" || bad="$bad${bad:+; }stderr differs"
	elif [ -s "$work/$name.stderr" ]; then
		bad="$bad${bad:+; }unexpected stderr"
	fi
	if [ -z "$bad" ] && [ -f "$case.post" ]; then
		if ! (cd "$root" && ESXMOCK_ROOT=$root PATH=$bindir:$PATH \
			sh -e "$case.post") >"$work/$name.post.log" 2>&1; then
			bad="post check failed: $(cat "$work/$name.post.log")"
		fi
	fi
	if [ -n "$bad" ]; then
		echo "FAIL $name: $bad"
		if [ -f "$case.out" ]; then
			diff -u "$case.out" "$work/$name.stdout" | head -40
		else
			head -20 "$work/$name.stdout"
		fi
		if [ -f "$case.err" ]; then
			diff -u "$case.err" "$work/$name.stderr" | head -20
		else
			head -20 "$work/$name.stderr"
		fi
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
	rm -rf "$root"
}

for p in esxcli localcli esxcfg-advcfg; do
	[ -x "$bindir/$p" ] || { echo "run-golden: $bindir/$p not built" >&2; exit 1; }
done
if [ $# -gt 0 ]; then
	for c in "$@"; do run_case "$gdir/$c.args"; done
else
	for a in "$gdir"/*.args; do run_case "$a"; done
fi
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
