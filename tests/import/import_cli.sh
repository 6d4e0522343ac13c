#!/usr/bin/env bash
# esxmockctl manifest: usage, --help, exit codes, error locations.
# usage: import_cli.sh ESXMOCKCTL
set -euo pipefail
ctl=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect RC CMD... : runs CMD, checks the exit status
	local want=$1 rc=0
	shift
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = "$want" ] || { cat "$tmp/err" >&2; fail "'$*' exited $rc, expected $want"; }
}

expect 0 "$ctl" manifest --help
grep -q 'import-listing' "$tmp/out" || fail "manifest --help lacks import-listing"
expect 2 "$ctl" manifest
expect 2 "$ctl" manifest frobnicate
grep -q "unknown subcommand 'frobnicate'" "$tmp/err" || fail "no message for an unknown subcommand"
for sub in import-listing validate materialize; do
	expect 0 "$ctl" manifest "$sub" --help
	grep -q "usage: esxmockctl manifest $sub" "$tmp/out" || fail "$sub --help lacks usage"
done
expect 2 "$ctl" manifest import-listing
expect 2 "$ctl" manifest import-listing a b
expect 2 "$ctl" manifest import-listing --bogus x
expect 2 "$ctl" manifest validate
expect 2 "$ctl" manifest materialize only-one-arg

# import: missing file, bad row (no output), stdin
expect 1 "$ctl" manifest import-listing "$tmp/nope.json"
grep -q "cannot read '$tmp/nope.json'" "$tmp/err" || fail "no message for a missing listing"
printf '[\n{"hstat": "drwxr-xr-x", "stat": "755", "owner": "root", "group": "root", "path": "/a"},\n{"hstat": "Xrwxr-xr-x", "stat": "755", "owner": "root", "group": "root", "path": "/b"},\n]\n' >"$tmp/bad.json"
expect 1 "$ctl" manifest import-listing "$tmp/bad.json"
grep -q "bad.json: /1/hstat: row 1 ('/b'): unknown file type letter 'X'" "$tmp/err" || { cat "$tmp/err"; fail "bad row message"; }
[ ! -s "$tmp/out" ] || fail "output written for a bad listing"
printf '[{"hstat": "drwxr-xr-x", "stat": "755", "owner": "root", "group": "root", "path": "/a"},]' |
	"$ctl" manifest import-listing - >"$tmp/good.json" 2>"$tmp/err"
grep -q '^{"path": "/a", "type": "dir"}$' "$tmp/good.json" || fail "stdin import"
grep -q '^import: 1 rows read' "$tmp/err" || fail "no report"
printf '[{"hstat": "drwxr-xr-x", "stat": "755", "owner": "root", "group": "root", "path": "/a"}]' |
	"$ctl" manifest import-listing -q - >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] || fail "--quiet still reports"

# validate: ok, syntax error with line:col, semantic error with pointer
expect 0 "$ctl" manifest validate "$tmp/good.json"
grep -qx 'ok: 2 entries' "$tmp/out" || fail "validate output: $(cat "$tmp/out")"
printf '{"version": 1,\n "entries": [\n  {"path": "/x" "type": "dir"}]}\n' >"$tmp/syn.json"
expect 1 "$ctl" manifest validate "$tmp/good.json" "$tmp/syn.json"
grep -q "syn.json:3:" "$tmp/err" || fail "syntax error without line: $(cat "$tmp/err")"
printf '{"version": 1, "entries": [{"path": "/x", "type": "dir", "modd": "0755"}]}\n' >"$tmp/sem.json"
expect 1 "$ctl" manifest validate "$tmp/sem.json"
grep -q "sem.json: /entries/0/modd" "$tmp/err" || fail "semantic error without pointer: $(cat "$tmp/err")"
# validate: missing content sources are found with --shadow-root
printf '{"version": 1, "entries": [{"path": "/x", "type": "file", "content": {"shadow": "/.shadow/content/x"}}]}\n' >"$tmp/sh.json"
expect 0 "$ctl" manifest validate "$tmp/sh.json"
expect 1 "$ctl" manifest validate --shadow-root "$tmp" "$tmp/sh.json"
grep -q "content '/.shadow/content/x' is missing" "$tmp/err" || fail "missing shadow file not reported"
mkdir -p "$tmp/content" && echo hi >"$tmp/content/x"
expect 0 "$ctl" manifest validate --shadow-root "$tmp" "$tmp/sh.json"

# materialize refuses a non-empty directory
mkdir -p "$tmp/full" && touch "$tmp/full/x"
expect 1 "$ctl" manifest materialize "$tmp/good.json" "$tmp/full"
grep -q "is not empty" "$tmp/err" || fail "non-empty target not reported"
expect 0 "$ctl" manifest materialize "$tmp/good.json" "$tmp/new"
[ -d "$tmp/new/a" ] || fail "materialize did not create /a"

# --print-links: a Markdown table
expect 0 "$ctl" manifest import-listing --print-links
grep -q '^| 1 | `/bin/sh` |' "$tmp/out" || fail "--print-links"
echo "import_cli: ok"
