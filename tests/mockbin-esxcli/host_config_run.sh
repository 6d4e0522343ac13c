#!/usr/bin/env bash
# host_config_run.sh - runs host_config.sh (a realistic host-configuration
# script in ESXi's busybox ash) against the default tree, with
# `chroot ROOT /bin/sh /tmp/host_config.sh`, so that the tree's busybox and
# mock CLIs serve it, then checks the state files and disks it leaves.
# usage: host_config_run.sh dir ESXMOCKCTL SHADOW_DIR
#          the tree materialized into a plain directory (needs root: chroot)
#        host_config_run.sh mount SHADOW_DIR
#          the tree mounted by esxfsd with a --state directory (needs root,
#          /dev/fuse), then remounted on the same state and checked again
# Exit 77 (skipped) without root, or without FUSE in mount mode.
set -euo pipefail
mode=${1:?usage: host_config_run.sh dir|mount ...}
here=$(cd "$(dirname "$0")" && pwd)
data=${ESXMOCK_SRC:?ESXMOCK_SRC not set}/manifest/data
content=$ESXMOCK_SRC/manifest/content
stack=("$data/esx8.json" "$data/esx8-extra.json" "$data/esx8-mockbin.json")
ds=/vmfs/volumes/63dc3811-5c7d40a7-9b32-646266213c0e
. "$here/lib.sh"
flat_has() { # flat_has FILE TEXT: TEXT in the file without blanks/newlines
	sed 's/[[:space:]]//g' "$1" | paste -sd '' | grep -qF -- "$2" ||
		fail "$1 lacks [$2]"
	n=$((n + 1))
}

# run_script ROOT OUT: the script, as the tree's /bin/sh runs it
run_script() {
	cp "$here/host_config.sh" "$1/tmp/host_config.sh"
	env -u ESXMOCK_ROOT chroot "$1" /bin/sh /tmp/host_config.sh >"$2" 2>&1 ||
		{ cat "$2" >&2; fail "host_config.sh failed in the $mode tree"; }
	cat "$2"
}

# check_tree ROOT OUT: what the script must have left (OUT: its stdout)
check_tree() {
	local r=$1 out=$2 conf=$1/etc/vmware/esx.conf s=$1/var/lib/esxmock
	# what it printed, computed from the listings it parsed
	has_line "$out" "host-config: TcpipHeapSize=32 TcpipHeapMax=1536 ESXiShellInteractiveTimeOut=900"
	has_line "$out" "host-config: host name esx-lab01.lab.local"
	has_line "$out" "host-config: uplinks in use: vmnic0 vmnic1 vmnic4; unused 1 GbE NICs: vmnic2 vmnic3"
	has_line "$out" "host-config: vSwitch2: uplinks vmnic2, vmnic3, MTU 9000, portgroup vMotion VLAN 30"
	has_line "$out" "host-config: disks in /vmfs/volumes/datastore1/hostcfg: web-clone-flat.vmdk web-clone.vmdk"
	has_line "$out" "host-config: datastore1 UUID 63dc3811-5c7d40a7-9b32-646266213c0e"
	has_line "$out" "host-config: module vmksdhci loaded=true enabled=true"
	has_line "$out" "host-config: hostd log level verbose"
	has_line "$out" "host-config: done"
	# esx.conf: advanced settings, host name, the new vSwitch
	has_line "$conf" '/adv/UserVars/ESXiShellInteractiveTimeOut = "900"'
	has_line "$conf" '/adv/Net/TcpipHeapMax = "1536"'
	has_line "$conf" '/adv/Net/TcpipHeapSize = "32"'
	has_line "$conf" '/adv/Misc/HostName = "esx-lab01"'
	has_line "$conf" '/net/dnsConfig/domainName = "lab.local"'
	has_line "$conf" '/net/vswitch/child[0002]/name = "vSwitch2"'
	has_line "$conf" '/net/vswitch/child[0002]/mtu = "9000"'
	has_line "$conf" '/net/vswitch/child[0002]/uplinks/child[0000]/pnic = "vmnic2"'
	has_line "$conf" '/net/vswitch/child[0002]/uplinks/child[0001]/pnic = "vmnic3"'
	has_line "$conf" '/net/vswitch/child[0002]/portgroup/child[0000]/name = "vMotion"'
	has_line "$conf" '/net/vswitch/child[0002]/portgroup/child[0000]/vlanId = "30"'
	# the existing switches are untouched
	same "$(grep '^/net/vswitch/child\[000[01]\]' "$content/etc/vmware/esx.conf")" \
		"$(grep '^/net/vswitch/child\[000[01]\]' "$conf")" "vSwitch0/vSwitch1 keys"
	# JSON state: module loaded and enabled, hostd's log level
	flat_has "$s/modules.json" '"name":"vmksdhci","loaded":true,"enabled":true'
	flat_has "$s/configstore.json" '"hostd":{"value":{"log":{"level":"verbose"'
	cmp -s "$s/vsi.json" "$content/var/lib/esxmock/vsi.json" ||
		fail "vsi.json changed (vsish only read derived nodes)"
	# the disks: the clone, grown to 4 GiB and thin; the original gone
	local d=$r$ds/hostcfg
	same "web-clone-flat.vmdk web-clone.vmdk" "$(cd "$d" && echo *)" "files in hostcfg"
	has_line "$d/web-clone.vmdk" 'RW 8388608 VMFS "web-clone-flat.vmdk"'
	has_line "$d/web-clone.vmdk" 'ddb.thinProvisioned = "1"'
	same 4294967296 "$(stat -c %s "$d/web-clone-flat.vmdk")" "size of the grown clone"
	# the script's temporary files are gone
	[ ! -e "$r/tmp/hostd.json" ] && [ ! -e "$r/tmp/hostd-new.json" ] ||
		fail "temporary files left in /tmp"
	n=$((n + 1))
}

# The script must run on ESXi's shell: POSIX syntax (dash is the strictest
# shell at hand) and no tr, which ESXi's busybox lacks (Debian's busybox ash
# would run its tr applet even without a link, so check the text).
if command -v dash >/dev/null; then
	dash -n "$here/host_config.sh" || fail "host_config.sh is not POSIX sh"
fi
if sed 's/#.*//' "$here/host_config.sh" | grep -qE '(^|[|;&(`]|\$\()[[:space:]]*tr([[:space:]]|$)'; then
	fail "host_config.sh calls tr (ESXi has none)"
fi

case $mode in
dir)
	ctl=${2:?esxmockctl} shadow=${3:?shadow dir}
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot)"; exit 77; }
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	"$ctl" manifest materialize --shadow-root "$shadow" "${stack[@]}" "$tmp/root" \
		>/dev/null 2>"$tmp/mat.err" || { cat "$tmp/mat.err"; fail "materialize"; }
	run_script "$tmp/root" "$tmp/out"
	check_tree "$tmp/root" "$tmp/out"
	;;
mount)
	shadow=${2:?shadow dir}
	. "$ESXMOCK_SRC/tests/fs/lib.sh"
	fs_skip_unless_fuse
	for p in $(grep -o '/\.shadow/[^"]*' "$data/esx8-mockbin.json"); do
		[ -f "$shadow/${p#/.shadow/}" ] || fail "'$shadow/${p#/.shadow/}' is not built"
	done
	m=$fs_tmp/mnt state=$fs_tmp/state
	mkdir -p "$state"
	args=(--shadow-root "$shadow" --state "$state" --control none)
	for f in "${stack[@]}"; do args+=(-m "$f"); done
	fs_mount "$m" "${args[@]}"
	run_script "$m" "$fs_tmp/out"
	check_tree "$m" "$fs_tmp/out"
	fs_umount "$m"
	# every change survives a restart on the same state directory
	fs_mount "$m" "${args[@]}"
	check_tree "$m" "$fs_tmp/out"
	fs_umount "$m"
	;;
*)
	fail "unknown mode '$mode'"
	;;
esac
echo "host_config ($mode): $n checks passed"
