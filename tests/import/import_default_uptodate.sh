#!/usr/bin/env bash
# manifest/data/esx8.json and esx8-extra.json are what
# scripts/gen-default-manifest.sh makes from the listing and
# manifest/content/ today.
# usage: import_default_uptodate.sh BUILD_DIR
set -euo pipefail
src=${ESXMOCK_SRC:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$src/scripts/gen-default-manifest.sh" --out "$tmp" "$1"
rc=0
for f in esx8.json esx8-extra.json; do
	if ! diff -u "$src/manifest/data/$f" "$tmp/$f" >"$tmp/$f.diff"; then
		head -40 "$tmp/$f.diff" >&2
		echo "FAIL: manifest/data/$f is stale: run scripts/gen-default-manifest.sh and commit" >&2
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "import_default_uptodate: ok"
exit $rc
