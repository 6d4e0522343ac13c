#!/usr/bin/env bash
# Round trips of the mock esxcli/localcli and esxcfg-advcfg: a value set
# through one program is read back through the other and found in the
# state file; a state file edited by hand (as a test scripting the host
# does) is what the programs report.
# usage: roundtrip.sh BINDIR CONTENTDIR
set -u
bindir=$(cd "$1" && pwd) content=$(cd "$2" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cp -a "$content"/. "$root"/
export ESXMOCK_ROOT=$root
E=$bindir/esxcli L=$bindir/localcli A=$bindir/esxcfg-advcfg
conf=$root/etc/vmware/esx.conf
. "$(dirname "$0")/lib.sh"

# esxcfg-advcfg -s, then esxcli and the file
same "Value of IgnoreClusterMemberListUpdates is 1" \
	"$($A -s 1 /VSAN/IgnoreClusterMemberListUpdates)" "esxcfg-advcfg -s"
same 1 "$($E system settings advanced list -o /VSAN/IgnoreClusterMemberListUpdates | field 'Int Value')" \
	"esxcli list after esxcfg-advcfg -s"
has_line "$conf" '/adv/VSAN/IgnoreClusterMemberListUpdates = "1"'

# esxcli set, then esxcfg-advcfg and the file
$E system settings advanced set -o /Disk/MaxLUN -i 256 || fail "esxcli set"
same "Value of MaxLUN is 256" "$($A -g /Disk/MaxLUN)" "esxcfg-advcfg -g after esxcli set"
has_line "$conf" '/adv/Disk/MaxLUN = "256"'
$L system settings advanced set -o /Disk/MaxLUN -i 128 || fail "localcli set"
same 128 "$($E system settings advanced list -o /Disk/MaxLUN | field 'Int Value')" "esxcli after localcli set"

# a hand-edited esx.conf (junk line included) is read by both, and kept
printf '%s\n' 'garbage line without equals' '/adv/Net/TcpipHeapMax = "512"' >>"$conf"
same "Value of TcpipHeapMax is 512" "$($A -g /Net/TcpipHeapMax)" "esxcfg-advcfg after hand edit"
same 512 "$($E system settings advanced list -o /Net/TcpipHeapMax | field 'Int Value')" "esxcli after hand edit"
$A -s 768 /Net/TcpipHeapMax >/dev/null || fail "esxcfg-advcfg -s 768"
has_line "$conf" 'garbage line without equals'
has_line "$conf" '/adv/Net/TcpipHeapMax = "768"'

# reset to default removes the key
same "Value of TcpipHeapMax is 1024" "$($A -d /Net/TcpipHeapMax)" "esxcfg-advcfg -d"
lacks "$conf" TcpipHeapMax
same 1024 "$($E system settings advanced list -o /Net/TcpipHeapMax | field 'Int Value')" "esxcli after -d"

# string options, paths in any case
$A -s "udp://syslog.lab:514" /Syslog/global/logHost >/dev/null || fail "set string"
same "udp://syslog.lab:514" \
	"$($E system settings advanced list -o /syslog/GLOBAL/loghost | field 'String Value')" "string value"
same "Value of GuestIPHack is 0" "$($A -g /net/guestiphack)" "case-insensitive path"

# hostname through esxcli, seen by esxcfg-advcfg; uuid through both
$E system hostname set --host=lab-esx-07 || fail "hostname set"
same "Value of HostName is lab-esx-07" "$($A -g /Misc/HostName)" "hostname via advcfg"
same "$($E system uuid get)" "$($A -u)" "esxcli uuid = esxcfg-advcfg -u"

# DCUI welcome message: -m / -G over /Annotations/WelcomeMessage
$A -m "Lab host: do not touch" || fail "set message"
same "Lab host: do not touch" "$($A -G)" "-G after -m"
same "Lab host: do not touch" \
	"$($E system settings advanced list -o /Annotations/WelcomeMessage | field 'String Value')" "message via esxcli"

# user-defined options: esxcfg-advcfg -A, esxcli sees and sets it
$A -A LabCounter -T int -F 5 -N 0 -M 100 -E "a lab counter" || fail "-A"
$E system settings advanced set -o /UserVars/LabCounter -i 42 || fail "set user option"
same "Value of LabCounter is 42" "$($A -g /UserVars/LabCounter)" "user option value"
$A -L LabCounter || fail "-L"
$A -g /UserVars/LabCounter >/dev/null 2>&1 && fail "option still there after -L"
lacks "$conf" LabCounter

# maintenance mode: esxcli writes host.json; a hand edit is read back
$E system maintenanceMode set -e true || fail "mm set"
grep -q '"maintenanceMode": true' "$root/var/lib/esxmock/host.json" || fail "host.json not updated"
sed -i 's/"maintenanceMode": true/"maintenanceMode": false/' "$root/var/lib/esxmock/host.json"
same Disabled "$($L system maintenanceMode get)" "mm after hand edit"

# network: esxcli writes esx.conf; a hand-added portgroup is listed
$E network vswitch standard add -v vSwitchRT || fail "vswitch add"
k=$(sed -n 's#^\(/net/vswitch/child\[[0-9]*\]\)/name = "vSwitchRT"$#\1#p' "$conf")
[ -n "$k" ] || fail "vSwitchRT not in esx.conf"
printf '%s\n' "$k/portgroup/child[0000]/name = \"HandMade\"" "$k/portgroup/child[0000]/vlanId = \"7\"" >>"$conf"
same "HandMade            vSwitchRT                    0        7" \
	"$($E network vswitch standard portgroup list | grep '^HandMade')" "hand-made portgroup"
$E network vswitch standard portgroup remove -p HandMade -v vSwitchRT || fail "pg remove"
lacks "$conf" HandMade

# JSON state: a hand-written vms.json is listed; kill removes the record
cat >"$root/var/lib/esxmock/vms.json" <<'JSON'
{"vms": [{"WorldID": 77, "ProcessID": 0, "VMXCartelID": 76, "UUID": "56 4d 00", "DisplayName": "scripted", "ConfigFile": "/vmfs/volumes/x/scripted.vmx"}]}
JSON
same "scripted" "$($E vm process list | head -1)" "vm list after hand edit"
$E vm process kill -t soft -w 77 || fail "vm kill"
same "" "$($E vm process list)" "vm list after kill"

# kernel modules through the shared module state
$E system module load -m qfle3f 2>/dev/null || $E system module set -m qfle3f -e true || fail "module"
$E system module set -m qfle3f -e false || fail "module set"
same "qfle3f" "$($E --formatter=csv --format-param=fields=Name --format-param=show-header=false \
	system module list --enabled=false | grep -x 'qfle3f,' | tr -d ,)" "module disabled"

echo "roundtrip: $n checks passed"
