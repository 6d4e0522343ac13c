#!/usr/bin/env bash
# Regenerates the default ESXi 8 tree (manifest/LISTING.md "The default
# tree"): manifest/data/esx8.json from esx8-listing.json with the importer,
# and the generated content lines of manifest/data/esx8-extra.json from the
# files under manifest/content/. Then validates the stack.
#
# usage: scripts/gen-default-manifest.sh [--out DIR] [BUILD_DIR]
#   BUILD_DIR  a configured build tree holding proto/esxmockctl; without it
#              the script builds esxmockctl in $top/build
#   --out DIR  write esx8.json and esx8-extra.json into DIR instead of
#              manifest/data (the up-to-date test compares the two)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
data=$top/manifest/data
content=$top/manifest/content
out=$data
bdir=

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "gen-default-manifest: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; die "unknown option '$1'" ;;
	*) [ -z "$bdir" ] || die "one BUILD_DIR only"; bdir=$1; shift ;;
	esac
done
if [ -z "$bdir" ]; then
	bdir=$top/build
	cmake -S "$top" -B "$bdir" -G Ninja >/dev/null
	cmake --build "$bdir" --target esxmockctl >/dev/null
fi
ctl=$bdir/proto/esxmockctl
[ -x "$ctl" ] || die "'$ctl' not found: build the esxmockctl target first"
[ -d "$out" ] || die "'$out' is not a directory"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. the imported tree
"$ctl" manifest import-listing --quiet "$data/esx8-listing.json" >"$tmp/esx8.json"

# 2. the content files: regular files only, names JSON can carry verbatim
bad=$(cd "$content" && find . ! -type f ! -type d)
[ -z "$bad" ] || die "manifest/content holds non-regular files: $bad"
(cd "$content" && find . -type f | sed 's|^\.||' | LC_ALL=C sort) >"$tmp/content.list"
if LC_ALL=C grep -n '["\\[:cntrl:]]' "$tmp/content.list" >&2; then
	die "content file names above need JSON escaping: rename them"
fi

# 3. esx8-extra.json: hand-written entry lines kept, generated lines rebuilt
LC_ALL=C awk -v listfile="$tmp/content.list" -v treefile="$tmp/esx8.json" '
function die(msg) { print "gen-default-manifest: " msg > "/dev/stderr"; failed = 1; exit 1 }
function entry_path(line,   p) {
	p = substr(line, 11)             # after {"path": "
	return substr(p, 1, index(p, "\"") - 1)
}
BEGIN {
	while ((getline line < treefile) > 0) {
		if (line !~ /^\{"path": "/) continue
		p = entry_path(line)
		t = line; sub(/^[^,]*, "type": "/, "", t); sub(/".*/, "", t)
		type[p] = t
	}
	n = 0
	while ((getline line < listfile) > 0) files[++n] = line
}
/^\{"path": "/ {
	line = $0; sub(/,$/, "", line)
	p = entry_path(line)
	gen = "{\"path\": \"" p "\", \"content\": {\"shadow\": \"/.shadow/content" p "\"}}"
	gent = "{\"path\": \"" p "\", \"type\": \"file\", \"content\": {\"shadow\": \"/.shadow/content" p "\"}}"
	if (line == gen || line == gent) next     # regenerated below
	entries[++ne] = line; hand[p] = 1
	next
}
/^\]$/ {
	for (i = 1; i <= n; i++) {
		p = files[i]
		if (p in hand) continue
		if (!(p in type))
			entries[++ne] = "{\"path\": \"" p "\", \"type\": \"file\", \"content\": {\"shadow\": \"/.shadow/content" p "\"}}"
		else if (type[p] == "file")
			entries[++ne] = "{\"path\": \"" p "\", \"content\": {\"shadow\": \"/.shadow/content" p "\"}}"
		else
			die("manifest/content" p ": the listing has \"" p "\" as a " type[p] ", not a file")
	}
	for (i = 1; i <= ne; i++) print entries[i] (i < ne ? "," : "")
	print
	next
}
{ print }
END { if (failed) exit 1 }
' "$data/esx8-extra.json" >"$tmp/esx8-extra.json"

# 4. the stack must load (the mockbin overlay too: its paths must exist)
"$ctl" manifest validate "$tmp/esx8.json" "$tmp/esx8-extra.json" >/dev/null
"$ctl" manifest validate "$tmp/esx8.json" "$tmp/esx8-extra.json" \
	"$data/esx8-mockbin.json" >/dev/null

cp "$tmp/esx8.json" "$out/esx8.json"
cp "$tmp/esx8-extra.json" "$out/esx8-extra.json"
echo "gen-default-manifest: wrote $out/esx8.json ($(grep -c '^{"path"' "$out/esx8.json") entries) and $out/esx8-extra.json ($(wc -l <"$tmp/content.list") content files)" >&2
