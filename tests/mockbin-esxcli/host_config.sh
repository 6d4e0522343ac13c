#!/bin/sh
# host_config.sh - configures a freshly installed ESXi host the way an
# administrator scripts it. It runs ON the host (or in the mock's tree with
# `chroot ROOT /bin/sh /tmp/host_config.sh`), under ESXi's busybox ash: POSIX
# sh only, no bash-isms, and no tr (ESXi's busybox has none).
#   - advanced settings (esxcli and esxcfg-advcfg), read back through vsish
#   - host name and domain
#   - a vMotion vSwitch (MTU 9000) on the 1 GbE NICs no vSwitch uses, found
#     in the NIC listing, with a VLAN-tagged portgroup
#   - a VM disk on datastore1: create thin, clone, grow the clone, delete the
#     original
#   - a kernel module loaded and enabled
#   - hostd's log level through configstorecli (JSON out, edit, JSON in)
# tests/mockbin-esxcli/host_config_run.sh runs it and checks the state left.
set -eu
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

NEW_HOST=esx-lab01
NEW_DOMAIN=lab.local
VSWITCH=vSwitch2
PORTGROUP=vMotion
VLAN=30
DS=/vmfs/volumes/datastore1
VMDIR=$DS/hostcfg
MODULE=vmksdhci

say() {
	echo "host-config: $*"
}

die() {
	echo "host-config: error: $*" >&2
	exit 1
}

# ---- advanced settings --------------------------------------------------
esxcli system settings advanced set -o /UserVars/ESXiShellInteractiveTimeOut -i 900
esxcfg-advcfg -s 1536 /Net/TcpipHeapMax >/dev/null
esxcfg-advcfg -s 32 /Net/TcpipHeapSize >/dev/null
heap=$(vsish -e get /config/Net/intOpts/TcpipHeapSize | sed -n 's/^ *Current value://p')
[ "$heap" = 32 ] || die "TcpipHeapSize reads back as '$heap' in vsish"
max=$(esxcfg-advcfg -g /Net/TcpipHeapMax | sed -n 's/^Value of TcpipHeapMax is //p')
timeout=$(esxcli system settings advanced list -o /UserVars/ESXiShellInteractiveTimeOut |
	sed -n 's/^ *Int Value: //p')
say "TcpipHeapSize=$heap TcpipHeapMax=$max ESXiShellInteractiveTimeOut=$timeout"

# ---- host name ------------------------------------------------------------
esxcli system hostname set --host="$NEW_HOST" --domain="$NEW_DOMAIN"
fqdn=$(esxcli system hostname get | sed -n 's/^ *Fully Qualified Domain Name: //p')
[ "$fqdn" = "$NEW_HOST.$NEW_DOMAIN" ] || die "host name is '$fqdn'"
say "host name $fqdn"

# ---- NICs: the 1 GbE ports (ntg3) that no vSwitch uses ---------------------
used=$(echo $(esxcli network vswitch standard list | sed -n 's/^ *Uplinks: //p' |
	sed 's/,/ /g'))
free=
for nic in $(esxcli network nic list | awk 'NR > 2 && $3 == "ntg3" { print $1 }'); do
	case " $used " in
	*" $nic "*) ;;
	*) free="$free $nic" ;;
	esac
done
set -- $free
[ $# -ge 2 ] || die "need two unused 1 GbE NICs, found:$free"
say "uplinks in use: $used; unused 1 GbE NICs:$free"

# ---- the vMotion vSwitch and its portgroup ----------------------------------
if ! esxcli network vswitch standard list | grep -qx "$VSWITCH"; then
	esxcli network vswitch standard add -v "$VSWITCH"
fi
esxcli network vswitch standard set -v "$VSWITCH" -m 9000
for nic in "$1" "$2"; do
	esxcli network vswitch standard uplink add -v "$VSWITCH" -u "$nic"
done
esxcli network vswitch standard portgroup add -v "$VSWITCH" -p "$PORTGROUP"
esxcli network vswitch standard portgroup set -p "$PORTGROUP" --vlan-id "$VLAN"
uplinks=$(esxcli network vswitch standard list -v "$VSWITCH" | sed -n 's/^ *Uplinks: //p')
mtu=$(esxcli network vswitch standard list -v "$VSWITCH" | sed -n 's/^ *MTU: //p')
vlan=$(esxcli network vswitch standard portgroup list |
	awk -v pg="$PORTGROUP" '$1 == pg { print $NF }')
[ "$vlan" = "$VLAN" ] || die "portgroup $PORTGROUP has VLAN '$vlan'"
say "$VSWITCH: uplinks $uplinks, MTU $mtu, portgroup $PORTGROUP VLAN $vlan"

# ---- a VM disk on datastore1 ----------------------------------------------
mkdir -p "$VMDIR"
vmkfstools -c 2G -d thin "$VMDIR/web.vmdk" >/dev/null
vmkfstools -i "$VMDIR/web.vmdk" -d thin "$VMDIR/web-clone.vmdk" >/dev/null
vmkfstools -X 4G "$VMDIR/web-clone.vmdk"
vmkfstools -U "$VMDIR/web.vmdk"
say "disks in $VMDIR: $(echo $(ls "$VMDIR"))"
say "datastore1 $(vmkfstools -P "$DS" | sed -n 's/^UUID: /UUID /p')"

# ---- kernel module ------------------------------------------------------
if ! vmkload_mod -l | grep -q "^$MODULE "; then
	vmkload_mod "$MODULE" >/dev/null
fi
esxcli system module set -m "$MODULE" -e true
say "module $(esxcli system module list |
	awk -v m="$MODULE" '$1 == m { print m " loaded=" $2 " enabled=" $3 }')"

# ---- hostd's log level through configstore ---------------------------------
configstorecli config current get -c esx -g services -k hostd -outfile /tmp/hostd.json
sed 's/"level": "info"/"level": "verbose"/' /tmp/hostd.json >/tmp/hostd-new.json
configstorecli config current set -c esx -g services -k hostd -infile /tmp/hostd-new.json >/dev/null
rm -f /tmp/hostd.json /tmp/hostd-new.json
level=$(configstorecli config current get -c esx -g services -k hostd |
	sed -n 's/^ *"level": "\(.*\)",*$/\1/p')
say "hostd log level $level"
say done
