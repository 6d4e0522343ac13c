#!/usr/bin/env bash
# identity.sh - one host identity across the mock programs and state files
# (docs/state-files.md "Who owns which fact").
# 1. The default state agrees with itself: system UUID, host name and IP,
#    NIC names, MACs and PCI addresses, build number, module list, ids and
#    versions, datastore UUIDs, VMs, as esxcli, esxcfg-advcfg, vsish,
#    vmkload_mod, vmkfstools, configstorecli, vds-vsipioctl, /etc/hosts and
#    the default manifest show them.
# 2. Every derived link round-trips: a change made through the owner is
#    what the other program shows, and a change made through vsish lands
#    in the owner's state.
# usage: identity.sh BINDIR SRCDIR
set -u
bindir=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cp -a "$src/manifest/content"/. "$root"/
export ESXMOCK_ROOT=$root
E=$bindir/esxcli A=$bindir/esxcfg-advcfg V=$bindir/vsish
M=$bindir/vmkload_mod F=$bindir/vmkfstools C=$bindir/configstorecli
P=$bindir/vds-vsipioctl
tree=$src/manifest/data/esx8.json
conf=$root/etc/vmware/esx.conf
. "$(dirname "$0")/lib.sh"
vfield() { # vsish struct field by label: vfield PATH LABEL
	"$V" -e get "$1" | sed -n "s/^   $2://p"
}
in_tree() { # a path the default manifest defines
	grep -qF "{\"path\": \"$1\"" "$tree" || fail "the manifest lacks '$1'"
	n=$((n + 1))
}

# ---- 1. the default state agrees with itself ------------------------------

uuid=$("$E" system uuid get)
same 63dd8177-30552461-5a7c-646266213c0e "$uuid" "esxcli system uuid get"
same "$uuid" "$("$V" -e get /system/uuid)" "vsish /system/uuid"
same "$uuid" "$("$A" -u)" "esxcfg-advcfg -u"
# the VMkernel swap file on datastore1 carries the UUID (8-4-4-4-12 form)
u=$(echo "$uuid" | sed 's/^\(........\)-\(....\)\(....\)-/\1-\2-\3-/')
in_tree "/vmfs/volumes/63dc3811-5c7d40a7-9b32-646266213c0e/sysSwap-ds-$u.swp"

host=$("$E" system hostname get | field "Host Name")
fqdn=$("$E" system hostname get | field "Fully Qualified Domain Name")
same esx "$host" "host name"
same "$host" "$("$V" -e get /system/hostname)" "vsish /system/hostname"
ip=$("$E" network ip interface ipv4 get -i vmk0 | awk 'NR == 3 { print $2 }')
same 192.168.1.10 "$ip" "vmk0 address"
same "Value of HostIPAddr is $ip" "$("$A" -g /Misc/HostIPAddr)" "/Misc/HostIPAddr"
same "Value of ManagementAddr is $ip" "$("$A" -g /Net/ManagementAddr)" "/Net/ManagementAddr"
same "$ip		$fqdn $host" "$(grep "^$ip" "$root/etc/hosts")" "/etc/hosts"
same "\"host_ip\": \"$ip\"," "$("$C" config current get -c esx -g services \
	-k vpxa | sed -n 's/^ *\("host_ip".*\)/\1/p')" "configstore vpxa host_ip"
gw=$("$E" network ip interface ipv4 get -i vmk0 | awk 'NR == 3 { print $6 }')
same "nameserver $gw" "$(grep nameserver "$root/etc/resolv.conf")" "resolv.conf"

# NICs: esxcli's list is what vsish, the PCI list and configstore show
nics=$("$E" network nic list | awk 'NR > 2 { print $1 }' | tr '\n' ' ')
same "vmnic0 vmnic1 vmnic2 vmnic3 vmnic4 vmnic5 " "$nics" "esxcli network nic list"
same "$nics" "$("$V" -e ls /net/pNics/ | tr -d / | tr '\n' ' ')" "vsish ls /net/pNics"
"$E" network nic list | awk 'NR > 2 { print $1, $2, $3, $8, $9 }' >"$root/nics"
while read -r nic pci drv mac mtu; do
	p=/net/pNics/$nic/properties
	same "$mac" "$(vfield "$p" "MAC Address")" "vsish $nic MAC"
	same "$pci" "$(vfield "$p" "Device PCI Address")" "vsish $nic PCI"
	same "$drv" "$(vfield "$p" "Driver Name")" "vsish $nic driver"
	same "$mtu" "$(vfield "$p" "MTU")" "vsish $nic MTU"
	dev=$("$E" hardware pci list | awk -v a="$pci" '
		/^[0-9a-f]/ { on = $1 == a } on && /VMkernel Name:/ { print $3 }
		on && /Module Name:/ { print $3 }' | tr '\n' ' ')
	same "$nic $drv " "$dev" "esxcli hardware pci list $pci"
	ver=$("$E" network nic get -n "$nic" | sed -n 's/^ *Version: //p')
	same "$ver" "$(vfield "$p" "Driver Version")" "vsish $nic driver version"
	same "$ver" "$("$M" -s "$drv" | sed -n 's/^ Version: //p')" "module $drv version"
	same "$ver" "$("$E" software vib list | awk -v v="$drv" '$1 == v { print $2 }')" \
		"VIB $drv version"
done <"$root/nics"
for sw in vSwitch0 vSwitch1; do
	up=$("$E" network vswitch standard list -v "$sw" | field Uplinks | sed 's/, /,/g')
	cs=$("$C" config current get -c esx -g network_vss -k switches -i "$sw" |
		sed -n '/"uplinks"/,/]/p' | grep -o 'vmnic[0-9]*' | tr '\n' , | sed 's/,$//')
	same "$up" "$cs" "configstore uplinks of $sw"
done

# build: esxcli, vsish, and the build suffix of every VMW (inbox) VIB; esx-ui
# comes from another build on real hosts too
build=$("$E" system version get | field Build)
same Releasebuild-21224876 "$build" "esxcli system version get"
same "$build" "$(vfield /system/version build)" "vsish /system/version build"
same "${build#*-}" "$(vfield /system/version "build number")" "vsish build number"
same "8.0.1" "$(vfield /system/version "product version")" "vsish product version"
bad=$("$E" software vib list | awk -v b="${build#*-}" 'NR > 2 && $3 == "VMW" && $2 !~ ("[.-]" b "$") { print $1 }')
same "" "$bad" "VMware VIBs of another build"

# modules: vmkload_mod, esxcli and vsish list the same loaded modules, with
# the versions of their VIBs and the ids the PCI list shows
loaded=$("$M" -l | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ')
same "$loaded" "$("$E" system module list | awk '$2 == "true" { print $1 }' | sort | tr '\n' ' ')" \
	"esxcli system module list"
same "$loaded" "$("$V" -e ls /system/modules/ | tr -d / | sort | tr '\n' ' ')" \
	"vsish ls /system/modules"
for m in $("$E" system module list | awk 'NR > 2 { print $1 }'); do
	vib=$("$E" system module get -m "$m" | field "Containing VIB")
	mv=$("$E" system module get -m "$m" | field Version)
	vv=$("$E" software vib list | awk -v v="$vib" '$1 == v { print $2 }')
	[ -n "$vv" ] || fail "module $m: VIB '$vib' is not installed"
	case $vib in
	esx-base) ;; # core modules carry the kernel's own version
	*) same "$vv" "$mv" "module $m version" ;;
	esac
done
"$E" hardware pci list | awk '/^[0-9a-f]/ { a = $1 } /Module ID:/ { id = $3 }
	/Module Name:/ && $3 != "" { print a, $3, id }' >"$root/pcimods"
while read -r addr mod id; do
	same "$id" "$(vfield "/system/modules/$mod/general" id)" "module id of $addr ($mod)"
done <"$root/pcimods"
[ -s "$root/pcimods" ] || fail "no PCI device names a module"

# datastores: esxcli, vmkfstools and the tree
"$E" storage filesystem list | awk 'NR > 2 { print $3, $2 }' >"$root/fs"
while read -r u name; do
	in_tree "/vmfs/volumes/$u"
	in_tree "/vmfs/volumes/$name"
	grep -qF "{\"path\": \"/vmfs/volumes/$name\", \"type\": \"symlink\", \"mode\": \"0755\", \"target\": \"$u\"}" "$tree" ||
		fail "/vmfs/volumes/$name does not link to $u"
	mkdir -p "$root/vmfs/volumes/$u"
	same "UUID: $u" "$("$F" -P "/vmfs/volumes/$u" | grep '^UUID:')" "vmkfstools -P $name"
done <"$root/fs"
same /vmfs/volumes/0bb69722-254c35ca-008f-a73c5b4ab387 \
	"$(grep -o '"path": "/bootbank", "type": "symlink", "target": "[^"]*' "$tree" | sed 's/.*"//')" \
	"/bootbank is BOOTBANK1"

# VMs: the running VMs live on datastore1 and are the ones vsip filters
"$E" vm process list | field "Config File" >"$root/vmx"
[ -s "$root/vmx" ] || fail "no running VM"
while read -r vmx; do
	in_tree "$vmx"
	grep -qF "<vmxCfgPath>$vmx</vmxCfgPath>" "$root/etc/vmware/hostd/vmInventory.xml" ||
		fail "hostd's vmInventory.xml lacks $vmx"
	n=$((n + 1))
done <"$root/vmx"
same "$("$E" vm process list | field UUID | sort)" \
	"$("$P" getfilters | sed -n 's/^VM UUID *: //p' | sort)" "VM UUIDs of the vsip filters"
same "$("$E" vm process list | field "World ID" | sort)" \
	"$("$P" getfilters | sed -n 's/^Filter Name *: nic-\([0-9]*\)-.*/\1/p' | sort)" \
	"world ids in the vsip filter names"

# ---- 2. derived links round-trip ------------------------------------------

# advanced options: esx.conf (esxcfg-advcfg, esxcli) <-> vsish /config
"$A" -q -s 5 /Net/TcpipHeapSize
same 5 "$(vfield /config/Net/intOpts/TcpipHeapSize "Current value")" \
	"esxcfg-advcfg -s, then vsish get"
"$V" -e set /config/Net/intOpts/TcpipHeapSize 0x7
same "Value of TcpipHeapSize is 7" "$("$A" -g /Net/TcpipHeapSize)" \
	"vsish set, then esxcfg-advcfg -g"
same 7 "$("$E" system settings advanced list -o /Net/TcpipHeapSize | field "Int Value")" \
	"vsish set, then esxcli"
grep -qx '/adv/Net/TcpipHeapSize = "7"' "$conf" || fail "vsish set is not in esx.conf"
"$V" -e set /config/Net/intOpts/TcpipHeapSize 33 2>/dev/null &&
	fail "vsish set beyond the option's maximum succeeded"
same "Value of TcpipHeapSize is 7" "$("$A" -g /Net/TcpipHeapSize)" "a refused vsish set"
"$A" -d /Net/TcpipHeapSize >/dev/null
same 0 "$(vfield /config/Net/intOpts/TcpipHeapSize "Current value")" \
	"esxcfg-advcfg -d, then vsish get"
"$V" -e set /config/UserVars/strOpts/HostClientWelcomeMessage hello from vsish
same "Value of HostClientWelcomeMessage is hello from vsish" \
	"$("$A" -g /UserVars/HostClientWelcomeMessage)" "vsish string option"
"$E" system settings advanced add -o IdentityTest -t integer --int-default 3 \
	--min 0 --max 9 -d "identity test" >/dev/null
same 3 "$(vfield /config/UserVars/intOpts/IdentityTest "Current value")" \
	"a user option added by esxcli, in vsish"
"$E" system settings advanced remove -o IdentityTest >/dev/null
"$V" -e get /config/UserVars/intOpts/IdentityTest >/dev/null 2>&1 &&
	fail "a removed user option is still in vsish"

# host name: esx.conf (esxcli) <-> vsish /system/hostname
"$E" system hostname set --host=esx-a >/dev/null
same esx-a "$("$V" -e get /system/hostname)" "esxcli hostname set, then vsish"
"$V" -e set /system/hostname esx-b
same esx-b "$("$E" system hostname get | field "Host Name")" "vsish hostname set, then esxcli"

# system UUID and version: esx.conf / host.json scripted, vsish follows
sed -i 's/^\/system\/uuid = .*/\/system\/uuid = "11111111-22222222-3333-444444444444"/' "$conf"
same 11111111-22222222-3333-444444444444 "$("$V" -e get /system/uuid)" "scripted UUID in vsish"
same 11111111-22222222-3333-444444444444 "$("$E" system uuid get)" "scripted UUID in esxcli"
"$V" -e set /system/uuid x 2>/dev/null && fail "vsish set /system/uuid succeeded"
sed -i 's/"Build": "Releasebuild-21224876"/"Build": "Releasebuild-99"/' "$root/var/lib/esxmock/host.json"
same 99 "$(vfield /system/version "build number")" "scripted build in vsish"

# NICs: esx.conf scripted (MAC changed, vmnic5 removed), vsish follows
sed -i 's/^\(\/net\/pnic\/child\[0002\]\/mac = \).*/\1"02:00:00:00:00:02"/' "$conf"
same 02:00:00:00:00:02 "$(vfield /net/pNics/vmnic2/properties "MAC Address")" "scripted MAC in vsish"
sed -i '/^\/net\/pnic\/child\[0005\]\//d' "$conf"
same "vmnic0 vmnic1 vmnic2 vmnic3 vmnic4 " \
	"$("$V" -e ls /net/pNics/ | tr -d / | tr '\n' ' ')" "a NIC removed from esx.conf, in vsish"
same "vmnic0 vmnic1 vmnic2 vmnic3 vmnic4 " \
	"$("$E" network nic list | awk 'NR > 2 { print $1 }' | tr '\n' ' ')" "... in esxcli"

# modules: an unload and reload through vmkload_mod renumbers the PCI list
pci_id() {
	"$E" hardware pci list | awk -v a=0000:3b:00.0 '
		/^[0-9a-f]/ { on = $1 == a } on && /Module ID:/ { print $3 }'
}
"$M" -u -f i40en >/dev/null
same -1 "$(pci_id)" "PCI module id of an unloaded driver"
"$M" i40en >/dev/null
same "$(vfield /system/modules/i40en/general id)" "$(pci_id)" "PCI module id after a reload"

echo "identity: $n checks passed"
