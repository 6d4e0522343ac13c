# lib_exec.sh - shared by the exec script tests (sourced after
# tests/fs/lib.sh): mounts the default tree with the build's shadow area
# (mock CLIs and the interpose shim) and a control port; ctl calls.
EXEC_BIN=$ESXMOCK_BUILD/tests/exec
CTL=$ESXMOCK_BUILD/proto/esxmockctl
SHIM=$ESXMOCK_BUILD/shadow/mockbin/interpose
[ -x "$SHIM" ] || fail "interpose shim not built: '$SHIM'"
[ -x "$CTL" ] || fail "esxmockctl not built: '$CTL'"

# exec_mount MNT [esxfsd args]: the embedded default tree, control on a
# free port; sets ESXMOCK_CONTROL.
exec_mount() {
	local m=$1
	shift
	fs_mount "$m" --shadow-root "$ESXMOCK_BUILD/shadow" \
		--control 127.0.0.1:0 --control-file "$m.addr" "$@"
	ESXMOCK_CONTROL=$(cat "$m.addr")
	export ESXMOCK_CONTROL
}

ctl() {
	"$CTL" call "$@"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}
