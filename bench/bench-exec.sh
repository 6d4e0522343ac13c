#!/usr/bin/env bash
# bench-exec.sh - exec latency of a static binary in the tree (the default
# stack's busybox, run as `busybox true`) under command interception,
# measured in one run (interleaved rounds, medians of per-exec medians,
# daemon, answering client and workload pinned to CPU 0). Daemons:
#   host     no daemon: the same binary copied to the host's /tmp
#            (context: what FUSE costs at all)
#   off      --no-access-log-exec: no rules, executions not logged
#   plain    the default: no rules, every exec logged in the ring (an
#            access-log "exec" event); the baseline (a) of the ratios
#   logged   the default plus --access-log FILE (JSON lines) and a
#            log-only rule (rules.add) on the binary's exec opens
#   static   an exec rule answering {"style":"static","exit":0}
#   remote   an exec rule {"style":"remote"} answered (static, exit 0) by
#            an auto-answering client (tests/exec/exec_answerer)
#   pass     an exec rule {"style":"passthrough"}: the shim runs the real
#            busybox through /.esxmock/real/<ino>
# Target (issue 6): static/plain at most 2x.
# Not a test: prints figures and ratios, asserts nothing.
# usage: bench/bench-exec.sh [BUILD_DIR] [ROUNDS] [EXECS]   (as root)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
rounds=${2:-5}
n=${3:-200}
esxfsd=$build/fsd/esxfsd
bexec=$build/bench/bench_exec
ctl=$build/proto/esxmockctl
answerer=$build/tests/exec/exec_answerer
shadow=$build/shadow
[ "$(id -u)" -eq 0 ] || { echo "bench-exec: run as root (mount)" >&2; exit 1; }
for f in "$esxfsd" "$bexec" "$ctl" "$answerer" "$shadow/mockbin/interpose" "$shadow/busybox/busybox"; do
	[ -x "$f" ] || { echo "bench-exec: '$f' not built (cmake --build $build)" >&2; exit 1; }
done
. "$(dirname "$0")/lib.sh"
bench_check_asan bench-exec "$esxfsd"

data=$top/manifest/data
margs=(--shadow-root "$shadow" -m "$data/esx8.json" -m "$data/esx8-extra.json")
bb=/usr/lib/vmware/busybox/bin/busybox

tmp=$(mktemp -d /tmp/esxmock-bench-exec.XXXXXX)
chmod 755 "$tmp"
pid= apid=
cleanup() {
	[ -n "$apid" ] && kill "$apid" 2>/dev/null
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	mountpoint -q "$tmp/mnt" 2>/dev/null && { fusermount3 -u "$tmp/mnt" 2>/dev/null || umount -l "$tmp/mnt"; }
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/mnt" "$tmp/host"
cp "$shadow/busybox/busybox" "$tmp/host/busybox"

start() { # mode
	local args=()
	case $1 in
	off) args=(--no-access-log-exec) ;;
	logged) args=(--access-log "$tmp/access.jsonl") ;;
	esac
	rm -f "$tmp/pid" "$tmp/ctl" "$tmp/access.jsonl"
	"${pin[@]}" "$esxfsd" "${margs[@]}" "${args[@]}" --control 127.0.0.1:0 --control-file "$tmp/ctl" \
		--pid-file "$tmp/pid" "$tmp/mnt" 2>>"$tmp/esxfsd.log"
	pid=$(cat "$tmp/pid")
	ESXMOCK_CONTROL=$(cat "$tmp/ctl")
	export ESXMOCK_CONTROL
	case $1 in
	logged) "$ctl" rules add "{\"match\":{\"path\":\"$bb\",\"ops\":[\"exec\"]},\"action\":{\"log\":true}}" >/dev/null ;;
	static) "$ctl" call exec.add "{\"match\":{\"path\":\"$bb\"},\"answer\":{\"style\":\"static\",\"exit\":0}}" >/dev/null ;;
	pass) "$ctl" call exec.add "{\"match\":{\"path\":\"$bb\"},\"answer\":{\"style\":\"passthrough\"}}" >/dev/null ;;
	remote)
		"$ctl" call exec.add "{\"match\":{\"path\":\"$bb\"},\"answer\":{\"style\":\"remote\",\"timeout_ms\":10000,\"default\":{\"style\":\"fail\",\"exit\":3}}}" >/dev/null
		"${pin[@]}" "$answerer" "$ESXMOCK_CONTROL" answer '{"style":"static","exit":0}' >"$tmp/answerer.out" &
		apid=$!
		while ! grep -qs ready "$tmp/answerer.out"; do sleep 0.02; done
		;;
	esac
}
stop() {
	if [ -n "$apid" ]; then
		kill "$apid"
		wait "$apid" 2>/dev/null || true
		apid=
	fi
	kill -TERM "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	pid=
}

modes=(host off plain logged static remote pass)
declare -A med p90 fails seen
for r in $(seq "$rounds"); do
	for mode in "${modes[@]}"; do
		if [ "$mode" = host ]; then
			read -r m p f < <("${pin[@]}" "$bexec" "$n" 20 "$tmp/host/busybox" true)
		else
			start "$mode"
			read -r m p f < <("${pin[@]}" "$bexec" "$n" 20 "$tmp/mnt$bb" true)
			case $mode in static | remote | pass) # each exec went through the shim
				seen[$mode]=$("$ctl" call invocations.list '{"limit":1}' | grep -o '"total": *[0-9]*' | grep -o '[0-9]*$') ;;
			esac
			stop
		fi
		med[$mode]+=" $m"
		p90[$mode]+=" $p"
		fails[$mode]=$((${fails[$mode]:-0} + f))
	done
done

base=$(median "${med[plain]}")
off=$(median "${med[off]}")
echo "esxmock exec benchmark: $rounds rounds of $n execs of '$bb true' (after 20 untimed), pinned: ${pin[*]:-no}"
echo "per-exec latency, fork to reap; medians over rounds of each round's median (and p90)"
printf '%-8s %10s %10s  %8s %8s  %s\n' mode "median us" "p90 us" "/plain" "/off" "failed runs"
for mode in "${modes[@]}"; do
	m=$(median "${med[$mode]}")
	p=$(median "${p90[$mode]}")
	awk -v l="$mode" -v m="$m" -v p="$p" -v b="$base" -v o="$off" -v f="${fails[$mode]}" \
		'BEGIN {printf "%-8s %10.1f %10.1f  x%-7.2f x%-7.2f %d\n", l, m, p, m / b, m / o, f}'
done
echo "invocations the daemon saw in the last round (of $((n + 20)) execs): static ${seen[static]:-?}, remote ${seen[remote]:-?}, pass ${seen[pass]:-?}"
echo "baseline (a) = plain (the default daemon, executions logged); off = the same with --no-access-log-exec"
