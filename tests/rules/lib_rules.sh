# lib_rules.sh - shared by the rules/log script tests (sourced after
# tests/fs/lib.sh): mounting with a control channel, esxmockctl, and
# reading event fields from JSON lines (jq-free: the JSON comes from our
# own daemon, one event per line, fields in a fixed order).
CTL=${ESXMOCKCTL:-$ESXMOCK_BUILD/proto/esxmockctl}
RULES_BIN=$ESXMOCK_BUILD/tests/rules
[ -x "$CTL" ] || fail "esxmockctl not built: '$CTL'"

# rules_mount MNT [esxfsd args...]: fs_mount plus a control listener on a
# free port; ESXMOCK_CONTROL points at it afterwards.
rules_mount() {
	local mnt=$1
	shift
	fs_mount "$mnt" --control 127.0.0.1:0 --control-file "$mnt.ctl" "$@"
	ESXMOCK_CONTROL=$(cat "$mnt.ctl")
	export ESXMOCK_CONTROL
}

ctl() {
	"$CTL" "$@"
}

# ev_field JSON-LINE NAME: a scalar field of one event ("" when absent).
ev_field() {
	local v
	v=$(printf '%s\n' "$1" | grep -o "\"$2\":\(\"[^\"]*\"\|[0-9-]*\)" | sed -n 1p) || true
	v=${v#*:}
	v=${v#\"}
	printf '%s' "${v%\"}"
}

# log_json [filters...]: every kept event matching, one JSON line each.
log_json() {
	ctl log --json "$@"
}
