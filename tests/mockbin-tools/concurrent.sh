#!/bin/sh
# concurrent.sh - two processes setting values at once lose nothing: 2 x 50
# configstorecli sets (distinct instances) and 2 x 50 vsish sets (distinct
# nodes) run in parallel on one state file each; then every value is there.
set -u
src=${ESXMOCK_SRC:?ESXMOCK_SRC not set}
BIN=${ESXMOCK_BUILD:?ESXMOCK_BUILD not set}/shadow/mockbin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
ROOT=$tmp/root
mkdir -p "$ROOT"
cp -R "$src/manifest/content/." "$ROOT/"
export ESXMOCK_ROOT=$ROOT
N=50
# 100 settable vsish nodes, all 0
{
	printf '{"nodes": {'
	i=0
	while [ $i -lt $((2 * N)) ]; do
		[ $i -gt 0 ] && printf ', '
		printf '"/test/n%d": 0' $i
		i=$((i + 1))
	done
	printf '}}\n'
} >"$ROOT/var/lib/esxmock/vsi.json"
writer() { # writer FIRST
	i=$1
	while [ $i -lt $(($1 + N)) ]; do
		printf '{"id": %d}' $i >"$ROOT/in-$i.json"
		"$BIN/configstorecli" config current set -c esx -g test -k items \
			-i "i$i" -infile "/in-$i.json" >/dev/null || echo "set $i failed"
		"$BIN/vsish" -e set "/test/n$i" $((i + 1000)) || echo "vsish $i failed"
		i=$((i + 1))
	done
}
writer 0 >"$tmp/w0" 2>&1 &
p0=$!
writer $N >"$tmp/w1" 2>&1 &
p1=$!
wait $p0
wait $p1
fails=0
if [ -s "$tmp/w0" ] || [ -s "$tmp/w1" ]; then
	cat "$tmp/w0" "$tmp/w1"
	fails=1
fi
got=$("$BIN/configstorecli" config current get -c esx -g test -k items | grep -c '"id": ')
echo "configstorecli: $got of $((2 * N)) instances present"
[ "$got" = $((2 * N)) ] || fails=1
i=0
missing=0
while [ $i -lt $((2 * N)) ]; do
	v=$("$BIN/vsish" -e get "/test/n$i")
	[ "$v" = $((i + 1000)) ] || missing=$((missing + 1))
	i=$((i + 1))
done
echo "vsish: $((2 * N - missing)) of $((2 * N)) values present"
[ $missing -eq 0 ] || fails=1
[ $fails -eq 0 ]
