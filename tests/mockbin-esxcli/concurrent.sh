#!/usr/bin/env bash
# Concurrent writers lose nothing: two processes each make 100 changes of
# distinct keys at the same time, through different programs and to the
# same state file; afterwards all 200 changes are present.
# usage: concurrent.sh BINDIR CONTENTDIR
set -u
bindir=$(cd "$1" && pwd) content=$(cd "$2" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cp -a "$content"/. "$root"/
export ESXMOCK_ROOT=$root
E=$bindir/esxcli A=$bindir/esxcfg-advcfg
conf=$root/etc/vmware/esx.conf
N=${ESXMOCK_CONCURRENT_N:-100}
rc=0

# esx.conf: esxcfg-advcfg kernel options vs esxcli portgroups
(for i in $(seq 1 "$N"); do $A -k "v$i" "kopt$i" >/dev/null || exit 1; done) &
p1=$!
(for i in $(seq 1 "$N"); do $E network vswitch standard portgroup add -p "pg$i" -v vSwitch0 || exit 1; done) &
p2=$!
wait $p1 || { echo "FAIL: an esxcfg-advcfg -k failed"; rc=1; }
wait $p2 || { echo "FAIL: an esxcli portgroup add failed"; rc=1; }
k=$(grep -c '^/vmkernel/kopt[0-9]* = "v[0-9]*"$' "$conf")
p=$(grep -c '/portgroup/child\[[0-9]*\]/name = "pg[0-9]*"$' "$conf")
[ "$k" = "$N" ] || { echo "FAIL: $k of $N kernel options in esx.conf"; rc=1; }
[ "$p" = "$N" ] || { echo "FAIL: $p of $N portgroups in esx.conf"; rc=1; }
for i in $(seq 1 "$N"); do
	[ "$($A -j "kopt$i")" = "kopt$i = v$i" ] || { echo "FAIL: kopt$i"; rc=1; break; }
done
l=$($E network vswitch standard portgroup list | grep -c '^pg[0-9]* ')
[ "$l" = "$N" ] || { echo "FAIL: esxcli lists $l of $N portgroups"; rc=1; }

# the advanced option catalog (JSON): esxcli add vs esxcfg-advcfg -A
(for i in $(seq 1 "$N"); do $E system settings advanced add -o "ua$i" -t string -s "a$i" || exit 1; done) &
p1=$!
(for i in $(seq 1 "$N"); do $A -A "ub$i" -T string -F "b$i" || exit 1; done) &
p2=$!
wait $p1 || { echo "FAIL: an esxcli advanced add failed"; rc=1; }
wait $p2 || { echo "FAIL: an esxcfg-advcfg -A failed"; rc=1; }
a=$($E system settings advanced list -t /UserVars | grep -c '^   Path: /UserVars/u[ab][0-9]*$')
[ "$a" = $((2 * N)) ] || { echo "FAIL: $a of $((2 * N)) user options"; rc=1; }
[ "$($A -g /UserVars/ub$N)" = "Value of ub$N is b$N" ] || { echo "FAIL: ub$N"; rc=1; }

# the same key from both programs at once: the file stays well-formed
(for i in $(seq 1 50); do $A -s "$((i % 2))" /Net/GuestIPHack >/dev/null; done) &
p1=$!
(for i in $(seq 1 50); do $E system settings advanced set -o /Net/GuestIPHack -i $(((i + 1) % 2)); done) &
p2=$!
wait $p1 $p2
[ "$(grep -c '^/adv/Net/GuestIPHack = "[01]"$' "$conf")" = 1 ] || { echo "FAIL: GuestIPHack lines"; rc=1; }
grep -qv '^/[^ ]* = ".*"$' "$conf" && { echo "FAIL: a malformed line in esx.conf"; rc=1; }

[ $rc -eq 0 ] && echo "concurrent: $N x 2 writers per file, nothing lost"
exit $rc
