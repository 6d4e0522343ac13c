#!/bin/sh
# roundtrip.sh - set-then-get round trips of the mock tools, through each
# program and through its state file, on a temporary copy of
# manifest/content; vmkfstools create/clone/extend/rename/delete checked on
# disk (descriptor text, apparent size, allocated blocks).
set -u
src=${ESXMOCK_SRC:?ESXMOCK_SRC not set}
BIN=${ESXMOCK_BUILD:?ESXMOCK_BUILD not set}/shadow/mockbin
for p in vsish configstorecli vmkfstools vmkload_mod vds-vsipioctl; do
	[ -x "$BIN/$p" ] || { echo "roundtrip: '$BIN/$p' is not built" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
ROOT=$tmp/root
mkdir -p "$ROOT"
cp -R "$src/manifest/content/." "$ROOT/"
export ESXMOCK_ROOT=$ROOT
S=$ROOT/var/lib/esxmock
fails=0
check() { # check DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@"; then
		echo "ok   $desc"
	else
		echo "FAIL $desc"
		fails=$((fails + 1))
	fi
}
eq() { [ "$1" = "$2" ] || { echo "  got '$1', expected '$2'"; return 1; }; }
flat() { tr -d ' \n' <"$1"; }
cd "$tmp" || exit 1

# --- vsish: program -> program, program -> file, file -> program
"$BIN/vsish" -e set /net/pNics/vmnic2/hwCapabilities/CAP_TSO 0
check "vsish set/get scalar" eq "$("$BIN/vsish" -e get /net/pNics/vmnic2/hwCapabilities/CAP_TSO)" 0
check "vsish set lands in vsi.json" sh -c "tr -d ' \n' <'$S/vsi.json' | grep -q '\"/net/pNics/vmnic2/hwCapabilities/CAP_TSO\":0'"
"$BIN/vsish" -e set /config/Net/intOpts/TcpipHeapMax 512
check "vsish set/get config option" eq "$("$BIN/vsish" -pe get /config/Net/intOpts/TcpipHeapMax | grep cur)" '   "cur" : 512,'
sed 's|"/net/pNics/vmnic0/hwCapabilities/CAP_ENCAP": 0|"/net/pNics/vmnic0/hwCapabilities/CAP_ENCAP": 7|' "$S/vsi.json" >"$tmp/v" && cat "$tmp/v" >"$S/vsi.json"
check "vsish reads a scripted state file" eq "$("$BIN/vsish" -e get /net/pNics/vmnic0/hwCapabilities/CAP_ENCAP)" 7
printf 'set /net/tcpip/instances/defaultTcpipStack/info x\nset /net/pNics/vmnic1/hwCapabilities/CAP_TSO 0\nget /net/pNics/vmnic1/hwCapabilities/CAP_TSO\n' | "$BIN/vsish" >"$tmp/out" 2>/dev/null
check "vsish interactive set/get" grep -q '^/> /> /> 0$' "$tmp/out"
# (nodes derived from other programs' state: tests/mockbin-esxcli/identity.sh)

# --- configstorecli
printf '{"nfcsvc": {"max_memory": 100663296}}' >"$ROOT/patch.json"
"$BIN/configstorecli" config current update -c esx -g services -k hostd -infile /patch.json >/dev/null
check "configstorecli update/get" sh -c "'$BIN/configstorecli' config current get -c esx -g services -k hostd | grep -q '\"max_memory\": 100663296,'"
"$BIN/configstorecli" config current get -c esx -g services -k hostd -outfile /hostd.json
sed 's/"level": "info"/"level": "warning"/' "$ROOT/hostd.json" >"$ROOT/hostd2.json"
"$BIN/configstorecli" config current set -c esx -g services -k hostd -infile /hostd2.json >/dev/null
check "configstorecli get -outfile / set -infile" sh -c "'$BIN/configstorecli' config current get -c esx -g services -k hostd | grep -q '\"level\": \"warning\"'"
check "configstorecli set lands in configstore.json" grep -q '"level": "warning"' "$S/configstore.json"
sed 's/"mode": "evaluation"/"mode": "licensed"/' "$S/configstore.json" >"$tmp/c" && cat "$tmp/c" >"$S/configstore.json"
check "configstorecli reads a scripted state file" sh -c "'$BIN/configstorecli' config current get -c esx -g licensing -k state | grep -q '\"mode\": \"licensed\"'"

# --- vmkload_mod
"$BIN/vmkload_mod" vmksdhci >/dev/null
check "vmkload_mod load/-l" sh -c "'$BIN/vmkload_mod' -l | grep -q '^vmksdhci '"
check "vmkload_mod load lands in modules.json" sh -c "tr -d ' \n' <'$S/modules.json' | grep -q '\"name\":\"vmksdhci\",\"loaded\":true'"
"$BIN/vmkload_mod" -u vmksdhci >/dev/null
check "vmkload_mod unload/-l" sh -c "! '$BIN/vmkload_mod' -l | grep -q '^vmksdhci '"
printf '{"modules": [{"name": "scripted", "loaded": true, "used": 3, "size_kb": 77}]}' >"$S/modules.json"
check "vmkload_mod reads a scripted state file" eq "$("$BIN/vmkload_mod" -l | tail -1)" "scripted                    3        77"

# --- vds-vsipioctl (read-only): file -> program
sed 's/"ip-securitygroup-10"/"ip-securitygroup-77"/g' "$S/vsip.json" >"$tmp/s" && cat "$tmp/s" >"$S/vsip.json"
check "vds-vsipioctl reads a scripted state file" sh -c "'$BIN/vds-vsipioctl' getaddrsets -f nic-2101452-eth0-vmware-sfw.2 | grep -q '^addrset ip-securitygroup-77 {'"

# --- vmkfstools on disk
U=63dc3811-5c7d40a7-9b32-646266213c0e
mkdir -p "$ROOT/vmfs/volumes/$U/vm"
ln -s "$U" "$ROOT/vmfs/volumes/datastore1"
D=/vmfs/volumes/datastore1/vm
H=$ROOT/vmfs/volumes/$U/vm
"$BIN/vmkfstools" -c 4G -d thin $D/a.vmdk >/dev/null
check "create: descriptor extent line" grep -qx 'RW 8388608 VMFS "a-flat.vmdk"' "$H/a.vmdk"
check "create: thin flag" grep -qx 'ddb.thinProvisioned = "1"' "$H/a.vmdk"
check "create: flat apparent size" eq "$(stat -c %s "$H/a-flat.vmdk")" 4294967296
check "create: flat is sparse" test "$(stat -c %b "$H/a-flat.vmdk")" -lt 64
printf 'payload' | dd of="$H/a-flat.vmdk" bs=1 seek=3000000000 conv=notrunc 2>/dev/null
"$BIN/vmkfstools" -i $D/a.vmdk $D/b.vmdk >/dev/null
check "clone: same bytes" cmp "$H/a-flat.vmdk" "$H/b-flat.vmdk"
check "clone: zeroedthick has no thin flag" sh -c "! grep -q thinProvisioned '$H/b.vmdk'"
check "clone: still sparse" test "$(stat -c %b "$H/b-flat.vmdk")" -lt 64
check "clone: new CID" sh -c "[ \"\$(grep ^CID= '$H/a.vmdk')\" != \"\$(grep ^CID= '$H/b.vmdk')\" ]"
"$BIN/vmkfstools" -X 6G $D/b.vmdk
check "extend: extent line" grep -qx 'RW 12582912 VMFS "b-flat.vmdk"' "$H/b.vmdk"
check "extend: apparent size" eq "$(stat -c %s "$H/b-flat.vmdk")" 6442450944
check "extend: data kept" eq "$(dd if="$H/b-flat.vmdk" bs=1 skip=3000000000 count=7 2>/dev/null)" payload
"$BIN/vmkfstools" -E $D/b.vmdk $D/c.vmdk
check "rename: files" eq "$(cd "$H" && ls | tr '\n' ' ')" "a-flat.vmdk a.vmdk c-flat.vmdk c.vmdk "
check "rename: descriptor points at the new extent" grep -qx 'RW 12582912 VMFS "c-flat.vmdk"' "$H/c.vmdk"
"$BIN/vmkfstools" -U $D/c.vmdk
"$BIN/vmkfstools" -U $D/a.vmdk
check "delete: all files gone" eq "$(ls "$H")" ""
check "-P: datastore1 from the default storage.json" sh -c "'$BIN/vmkfstools' -P $D | grep -qx 'UUID: $U'"

[ $fails -eq 0 ] && echo "roundtrip: all passed"
[ $fails -eq 0 ]
