#!/bin/sh
# run-golden.sh TOOL - golden-output tests of one mock tool.
# For each golden/TOOL/CASE.args (one argument per line) the runner copies
# manifest/content/ to a fresh temporary root, runs golden/TOOL/_setup.sh
# and CASE.setup (sh, env ROOT) if present, runs the static program from
# $ESXMOCK_BUILD/shadow/mockbin with ESXMOCK_ROOT=ROOT (stdin from
# CASE.stdin or /dev/null, cwd a scratch directory), and compares byte for
# byte: stdout with CASE.out, stderr with CASE.err (empty when absent), the
# exit status with CASE.rc (0 when absent). CASE.check (sh, env ROOT BIN)
# then inspects the state left behind. Expected files are written by hand
# from docs/esx-cli-reference.md, never captured from the programs.
set -u
tool=$1
src=${ESXMOCK_SRC:?ESXMOCK_SRC not set}
build=${ESXMOCK_BUILD:?ESXMOCK_BUILD not set}
dir=$src/tests/mockbin-tools/golden/$tool
BIN=$build/shadow/mockbin
prog=$BIN/$tool
if [ ! -x "$prog" ]; then
	echo "run-golden: '$prog' is not built" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
for args in "$dir"/*.args; do
	case=$(basename "$args" .args)
	ROOT=$tmp/$case/root
	work=$tmp/$case/work
	mkdir -p "$ROOT" "$work"
	cp -R "$src/manifest/content/." "$ROOT/"
	export ROOT BIN
	ok=1
	for s in "$dir/_setup.sh" "$dir/$case.setup"; do
		if [ -f "$s" ] && ! (cd "$work" && sh -e "$s"); then
			echo "FAIL $tool/$case: setup '$s' failed"
			ok=0
		fi
	done
	stdin=/dev/null
	[ -f "$dir/$case.stdin" ] && stdin=$dir/$case.stdin
	# read the argument lines into "$@" (arguments may contain spaces)
	set --
	while IFS= read -r line || [ -n "$line" ]; do
		set -- "$@" "$line"
	done <"$args"
	(cd "$work" && ESXMOCK_ROOT=$ROOT "$prog" "$@" <"$stdin" \
		>"$tmp/$case/stdout" 2>"$tmp/$case/stderr")
	rc=$?
	want_rc=0
	[ -f "$dir/$case.rc" ] && want_rc=$(cat "$dir/$case.rc")
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL $tool/$case: exit status $rc, expected $want_rc"
		ok=0
	fi
	if ! cmp -s "$tmp/$case/stdout" "$dir/$case.out"; then
		echo "FAIL $tool/$case: stdout differs (expected, actual):"
		diff "$dir/$case.out" "$tmp/$case/stdout" | head -20
		ok=0
	fi
	want_err=/dev/null
	[ -f "$dir/$case.err" ] && want_err=$dir/$case.err
	if ! cmp -s "$tmp/$case/stderr" "$want_err"; then
		echo "FAIL $tool/$case: stderr differs (expected, actual):"
		diff "$want_err" "$tmp/$case/stderr" | head -20
		ok=0
	fi
	if [ -f "$dir/$case.check" ] &&
		! (cd "$work" && sh -e "$dir/$case.check"); then
		echo "FAIL $tool/$case: check failed"
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
	rm -rf "${tmp:?}/$case"
done
echo "$tool: $pass passed, $fail failed"
[ $pass -gt 0 ] && [ $fail -eq 0 ]
