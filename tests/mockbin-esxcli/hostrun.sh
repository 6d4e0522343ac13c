#!/usr/bin/env bash
# hostrun.sh - the eight mock programs run from the host as ROOT/<install
# path> of a materialized default tree, without ESXMOCK_ROOT: each finds
# ROOT from its own path (symlinks such as /bin/configstorecli are relative
# in esx8-mockbin.json), reads the tree's state, writes into the tree and
# nowhere else, and follows the tree's absolute symlinks (/scratch) inside
# it, as after a chroot.
# usage: hostrun.sh ESXMOCKCTL SHADOW_DIR
set -u
ctl=$1 shadow=$2
data=${ESXMOCK_SRC:?ESXMOCK_SRC not set}/manifest/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
. "$(dirname "$0")/lib.sh"
run() { # run PROGRAM-PATH ARGS...: from /, without ESXMOCK_ROOT
	(cd / && env -u ESXMOCK_ROOT "$@")
}
for p in esxcli localcli vsish configstorecli esxcfg-advcfg vmkfstools \
	vmkload_mod vds-vsipioctl; do
	[ -x "$shadow/mockbin/$p" ] || fail "'$shadow/mockbin/$p' is not built"
done
"$ctl" manifest materialize --shadow-root "$shadow" "$data/esx8.json" \
	"$data/esx8-extra.json" "$data/esx8-mockbin.json" "$r" >/dev/null 2>"$tmp/mat.err" ||
	{ cat "$tmp/mat.err"; fail "materialize the default stack"; }

# links to the programs stay inside the tree
for l in /bin/esxcli /bin/configstorecli /usr/lib/vmware/vds-vsip/bin/vds-ioctl; do
	case $(readlink "$r$l") in
	/*) fail "$l is an absolute link: $(readlink "$r$l")" ;;
	esac
	[ -x "$r$l" ] || fail "$l does not lead to a program"
	n=$((n + 1))
done

# state scripted in the tree (the host has no such values)
conf=$r/etc/vmware/esx.conf
sed -i 's/^\/adv\/Misc\/HostName = .*/\/adv\/Misc\/HostName = "hostrun"/' "$conf"
sed -i 's/"mode": "evaluation"/"mode": "hostrun"/' "$r/var/lib/esxmock/configstore.json"
host_conf=$( (cat /etc/vmware/esx.conf 2>/dev/null || echo none) | md5sum)

same hostrun "$(run "$r/bin/esxcli" system hostname get | sed -n 's/^   Host Name: //p')" \
	"/bin/esxcli (link to esxcli.py)"
same 63dd8177-30552461-5a7c-646266213c0e "$(run "$r/bin/localcli" system uuid get)" \
	"/bin/localcli"
same hostrun "$(run "$r/bin/vsish" -e get /system/hostname)" "/bin/vsish"
same '   "mode": "hostrun",' \
	"$(run "$r/bin/configstorecli" config current get -c esx -g licensing -k state | grep '"mode"')" \
	"/bin/configstorecli (relative link)"
same '   "mode": "hostrun",' \
	"$(run "$r/usr/lib/vmware/configmanager/bin/configstorecli" config current get -c esx -g licensing -k state | grep '"mode"')" \
	"configstorecli at its own path"
run "$r/bin/esxcfg-advcfg" -q -s 3 /Net/TcpipHeapSize || fail "/bin/esxcfg-advcfg -s"
grep -qx '/adv/Net/TcpipHeapSize = "3"' "$conf" || fail "esxcfg-advcfg did not write the tree's esx.conf"
n=$((n + 1))
same "$host_conf" "$( (cat /etc/vmware/esx.conf 2>/dev/null || echo none) | md5sum)" \
	"the host's /etc/vmware/esx.conf"
run "$r/bin/vmkload_mod" -l | grep -q '^ntg3 ' || fail "/bin/vmkload_mod -l lacks ntg3"
n=$((n + 1))
same "Filter Name              : nic-2101452-eth0-vmware-sfw.2" \
	"$(run "$r/usr/lib/vmware/vds-vsip/bin/vds-vsipioctl" getfilters | grep -m1 'Filter Name')" \
	"vds-vsipioctl"
same "Filter Name              : nic-2101452-eth0-vmware-sfw.2" \
	"$(run "$r/usr/lib/vmware/vds-vsip/bin/vds-ioctl" getfilters | grep -m1 'Filter Name')" \
	"vds-ioctl (relative link)"

# /scratch is an absolute link (-> /vmfs/volumes/<OSDATA uuid>): followed in
# the tree, not on the host
osdata=$r/vmfs/volumes/63dd8268-20d773e5-fa32-646266213c0e
run "$r/bin/vmkfstools" -c 1M -d thin /scratch/hostrun.vmdk >/dev/null ||
	fail "/bin/vmkfstools -c /scratch/hostrun.vmdk"
[ -f "$osdata/hostrun.vmdk" ] && [ -f "$osdata/hostrun-flat.vmdk" ] ||
	fail "vmkfstools did not create the disk on the tree's OSDATA volume"
same 1048576 "$(stat -c %s "$osdata/hostrun-flat.vmdk")" "flat file size"
[ ! -e /scratch/hostrun.vmdk ] || fail "vmkfstools wrote the host's /scratch"
run "$r/bin/vmkfstools" -U /scratch/hostrun.vmdk || fail "vmkfstools -U"
[ ! -e "$osdata/hostrun.vmdk" ] || fail "vmkfstools -U left the descriptor"
n=$((n + 2))

echo "hostrun: $n checks passed"
