#!/usr/bin/env bash
# bench-rules.sh - what the rule engine and the access log cost, measured
# in one run (interleaved rounds, medians, daemon
# and workload pinned to CPU 0), for four daemons:
#   base   --no-intercept: no rule engine, no access log (the read-only
#          baseline's cost for these workloads)
#   off    the default: no rules, logging off (only executions logged)
#   rules  the default plus 200 rules on paths the workload never touches
#          (exact paths, a glob and a regex)
#   all    --access-log-all: every operation esxfsd receives is logged
#          (the kernel keeps caching)
#   watch  --access-log-watch-all: every access of every path is logged
#          (no kernel caching anywhere: what a per-path "log" section does
#          to its path, applied to the whole tree)
# The tree is the default manifest stack (as bench-mount.sh). Workloads:
# full lstat walk cold (first pass after mounting: every entry
# reaches the daemon) and warm (third pass), and open+close of every file
# (an open always reaches the daemon). Ratios: off/base and rules/base
# (target: no measurable cost, i.e. within the noise, ~15% here), all/off
# (target for the lstat walk: at most 1.5x), watch/off (the price of seeing
# every access: a round trip per lstat, as LoggedFS pays).
# Not a test: prints figures and ratios, asserts nothing.
# usage: bench/bench-rules.sh [BUILD_DIR] [ROUNDS]   (as root)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
rounds=${2:-5}
esxfsd=$build/fsd/esxfsd
walk=$build/bench/bench_walk
opener=$build/bench/bench_open
ctl=$build/proto/esxmockctl
[ "$(id -u)" -eq 0 ] || { echo "bench-rules: run as root (mount)" >&2; exit 1; }
for f in "$esxfsd" "$walk" "$opener" "$ctl"; do
	[ -x "$f" ] || { echo "bench-rules: '$f' not built (cmake --build $build)" >&2; exit 1; }
done
. "$(dirname "$0")/lib.sh"
bench_check_asan bench-rules "$esxfsd"

# The default stack (as bench-mount.sh): its mockbin layer only when this
# build has the programs.
shadow=$build/shadow
data=$top/manifest/data
stack=("$data/esx8.json" "$data/esx8-extra.json")
mockbin_ready() {
	local p
	for p in $(grep -o '/\.shadow/[^"]*' "$data/esx8-mockbin.json"); do
		[ -f "$shadow/${p#/.shadow/}" ] || return 1
	done
}
if [ -f "$data/esx8-mockbin.json" ] && mockbin_ready; then
	stack+=("$data/esx8-mockbin.json")
fi
margs=(--shadow-root "$shadow")
for f in "${stack[@]}"; do margs+=(-m "$f"); done

tmp=$(mktemp -d /tmp/esxmock-bench-rules.XXXXXX)
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	mountpoint -q "$tmp/mnt" 2>/dev/null && { fusermount3 -u "$tmp/mnt" 2>/dev/null || umount -l "$tmp/mnt"; }
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/mnt"

# 200 rules that never match what the workloads touch
rules_elsewhere() {
	local i
	for i in $(seq 198); do
		echo "{\"match\":{\"path\":\"/vmfs/volumes/bench-ds/vm$i/vm$i.vmx\",\"ops\":[\"read\",\"open\",\"getattr\"]},\"action\":{\"fail\":\"EIO\"}}"
	done
	echo '{"match":{"path":"/vmfs/volumes/bench-ds/**/*.vmdk"},"action":{"delay_ms":5}}'
	echo '{"match":{"regex":"^/bench-nowhere/[0-9]+$"},"action":{"fail":"ENOENT"}}'
}
rules_elsewhere >"$tmp/rules.jsonl"

start() { # mode
	local args=()
	case $1 in
	base) args=(--no-intercept) ;;
	off | rules) args=() ;;
	all) args=(--access-log-all) ;;
	watch) args=(--access-log-watch-all) ;;
	esac
	rm -f "$tmp/pid" "$tmp/ctl"
	"${pin[@]}" "$esxfsd" "${margs[@]}" "${args[@]}" --control 127.0.0.1:0 --control-file "$tmp/ctl" \
		--pid-file "$tmp/pid" "$tmp/mnt" 2>>"$tmp/esxfsd.log"
	pid=$(cat "$tmp/pid")
	ESXMOCK_CONTROL=$(cat "$tmp/ctl")
	export ESXMOCK_CONTROL
	if [ "$1" = rules ]; then
		while read -r r; do
			"$ctl" rules add "$r" >/dev/null
		done <"$tmp/rules.jsonl"
	fi
}
stop() {
	kill -TERM "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	pid=
}

declare -A cold warm opens events
n_paths=0 n_opens=0
for r in $(seq "$rounds"); do
	for mode in base off rules all watch; do
		start "$mode"
		read -r n_paths c < <("${pin[@]}" "$walk" "$tmp/mnt")
		"${pin[@]}" "$walk" "$tmp/mnt" >/dev/null
		read -r _ w < <("${pin[@]}" "$walk" "$tmp/mnt")
		read -r n_opens o < <("${pin[@]}" "$opener" "$tmp/mnt" 3)
		cold[$mode]+=" $c"
		warm[$mode]+=" $w"
		opens[$mode]+=" $o"
		if [ "$mode" = all ] || [ "$mode" = watch ]; then
			events[$mode]=$("$ctl" call log.fetch '{"limit":1}' 2>/dev/null |
				awk -F': ' '/"last"/ {gsub(/,/, "", $2); print $2}')
		fi
		stop
	done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "x%.2f", (b > 0 ? a / b : 0)}'; }
row() { # label values-array-name
	local label=$1
	local -n arr=$2
	local b o r a w
	b=$(median "${arr[base]}")
	o=$(median "${arr[off]}")
	r=$(median "${arr[rules]}")
	a=$(median "${arr[all]}")
	w=$(median "${arr[watch]}")
	printf '%-28s %8.1f %8.1f %8.1f %8.1f %8.1f  %6s %6s %6s %6s\n' "$label" "$b" "$o" "$r" "$a" "$w" \
		"$(ratio "$o" "$b")" "$(ratio "$r" "$b")" "$(ratio "$a" "$o")" "$(ratio "$w" "$o")"
}

echo "esxmock rules/access-log benchmark: $rounds rounds, medians (ms), pinned: ${pin[*]:-no}"
echo "tree: ${stack[*]##*/} ($n_paths paths; $n_opens opens per open+close pass of 3 rounds)"
echo "base: --no-intercept; off: no rules, logging off; rules: 200 rules elsewhere;"
echo "all: --access-log-all; watch: --access-log-watch-all"
printf '%-28s %8s %8s %8s %8s %8s  %6s %6s %6s %6s\n' "" base off rules all watch off/b rules/b all/off watch/off
row "lstat walk, cold (1st pass)" cold
row "lstat walk, warm (3rd pass)" warm
row "open+close, every file x3" opens
echo "events logged in the last round: all ${events[all]:-?}, watch ${events[watch]:-?}"
# Why 'watch' is far slower: a watched path must show every access, so its
# entry and attribute timeouts are 0 and every lstat is a round trip to the
# daemon (a LOOKUP, sometimes a GETATTR too), where the other daemons answer
# a walk from READDIRPLUS and the kernel's caches. That is why watching is
# per path (a manifest "log" section, a rule), and --access-log-all keeps
# the caches.
