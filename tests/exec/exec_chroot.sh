#!/usr/bin/env bash
# exec_chroot.sh - interception inside a chroot into the tree, as the
# container image runs commands: no /proc there, so the shim must find its
# channel at the tree's root. Static, rewrite and passthrough answers, and
# a program without a rule, all run through `chroot MNT`.
. "$(dirname "$0")/../fs/lib.sh"
fs_skip_unless_fuse
. "$(dirname "$0")/lib_exec.sh"

m=$fs_tmp/mnt
exec_mount "$m"
[ -e "$m/proc/self/exe" ] && fail "the tree unexpectedly has a /proc"

ctl exec.add '{"match":{"path":"/bin/esxcli","argv":["system","version","get"]},"answer":{"style":"static","stdout":"   Product: VMware ESXi\n   Version: 7.0.3\n","exit":5}}' >/dev/null
ctl exec.add '{"match":{"path":"/bin/esxcli","argv":["system","hostname","get"]},"answer":{"style":"rewrite","transforms":[{"op":"replace_all","pattern":"localdomain","with":"lab.test"}]}}' >/dev/null
ctl exec.add '{"match":{"path":"/bin/vmkload_mod"},"answer":{"style":"passthrough"}}' >/dev/null

rc=0
out=$(chroot "$m" esxcli system version get 2>&1) || rc=$?
expect_eq "static in chroot" "$out/$rc" "   Product: VMware ESXi
   Version: 7.0.3/5"

out=$(chroot "$m" esxcli system hostname get 2>&1) || fail "rewrite in chroot: $out"
case $out in
*"Fully Qualified Domain Name: esx.lab.test"*) ;;
*) fail "rewrite in chroot: $out" ;;
esac

out=$(chroot "$m" /bin/sh -c 'vmkload_mod -l | head -1' 2>&1) || fail "passthrough in chroot: $out"
case $out in
Name*) ;;
*) fail "passthrough in chroot: $out" ;;
esac

# no rule: the mock itself, no shim
out=$(chroot "$m" esxcli network nic list 2>&1) || fail "plain program in chroot: $out"
case $out in
*vmnic0*) ;;
*) fail "plain program in chroot: $out" ;;
esac

# path globs match per component, as rules' globs: "*" stays inside one
# component, "**" spans several
v=/usr/lib/vmware/vds-vsip/bin/vds-vsipioctl
ctl exec.add '{"id":"one","match":{"path":"/usr/lib/*/vds-vsipioctl"},"answer":{"style":"static","stdout":"one\n"}}' >/dev/null
out=$(chroot "$m" $v --help 2>&1 | head -1)
[ "$out" = one ] && fail "'/usr/lib/*/vds-vsipioctl' matched $v"
ctl exec.add '{"id":"many","match":{"path":"/usr/**/vds-vsipioctl"},"answer":{"style":"static","stdout":"many\n"}}' >/dev/null
out=$(chroot "$m" $v --help 2>&1)
expect_eq "'/usr/**/vds-vsipioctl'" "$out" many
rc=0
ctl exec.add '{"match":{"path":"/usr//x*"},"answer":{"style":"static"}}' >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "a glob with '//' was accepted"

n=$(ctl invocations.list '{}' | grep -c '"style"' || true)
[ "$n" -ge 4 ] || fail "expected 4 invocations recorded, got $n"
echo PASS
