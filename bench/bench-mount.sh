#!/usr/bin/env bash
# bench-mount.sh - mount benchmark of esxfsd against a tmpfs copy of the same
# tree, measured in the same run (interleaved rounds, medians, daemon and
# walker pinned to CPU 0): time to mount-ready, daemon RSS (tmpfs: memory
# the copy uses), full lstat walk cold (first pass after mounting) and warm
# (second and third pass).
# Not a test: prints figures and ratios, asserts nothing.
# usage: bench/bench-mount.sh [BUILD_DIR] [ROUNDS]   (as root)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
rounds=${2:-7}
esxfsd=$build/fsd/esxfsd
walk=$build/bench/bench_walk
ctl=$build/proto/esxmockctl
shadow=$build/shadow
data=$top/manifest/data
[ "$(id -u)" -eq 0 ] || { echo "bench-mount: run as root (mount, tmpfs)" >&2; exit 1; }
for f in "$esxfsd" "$walk"; do
	[ -x "$f" ] || { echo "bench-mount: '$f' not built (cmake --build $build)" >&2; exit 1; }
done
. "$(dirname "$0")/lib.sh"
bench_check_asan bench-mount "$esxfsd"

# The default stack; its mockbin layer only when this build has the programs.
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
margs=()
for f in "${stack[@]}"; do margs+=(-m "$f"); done

tmp=$(mktemp -d /tmp/esxmock-bench.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	local m
	for m in "$tmp/fuse" "$tmp/tmpfs" "$tmp/stage"; do
		mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || umount "$m" || umount -l "$m"; }
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/fuse" "$tmp/tmpfs" "$tmp/stage"
now_ms() { echo $(($(date +%s%N) / 1000)); } # microseconds

# Native staging copy of the tree (tmpfs), copied again for each round.
mount -t tmpfs -o mode=0755 stage "$tmp/stage"
if [ -x "$ctl" ]; then
	"$ctl" manifest materialize --shadow-root "$shadow" "${stack[@]}" "$tmp/stage/root" 2>"$tmp/mat.log"
	how="esxmockctl manifest materialize"
else
	"$esxfsd" "${margs[@]}" --shadow-root "$shadow" "$tmp/fuse"
	mkdir -p "$tmp/stage/root"
	cp -a --sparse=always "$tmp/fuse/." "$tmp/stage/root/"
	fusermount3 -u "$tmp/fuse"
	how="cp -a from an esxfsd mount (no esxmockctl in this build)"
fi
sleep 0.5

declare -a f_ready f_rss f_cold f_warm f_warm3 t_ready t_rss t_cold t_warm t_warm3
n_fuse=0 n_tmpfs=0
for r in $(seq "$rounds"); do
	# esxfsd: daemon mode returns once the mount is ready
	t0=$(now_ms)
	"${pin[@]}" "$esxfsd" "${margs[@]}" --shadow-root "$shadow" --pid-file "$tmp/pid" "$tmp/fuse"
	t1=$(now_ms)
	pid=$(cat "$tmp/pid")
	read -r n_fuse cold < <("${pin[@]}" "$walk" "$tmp/fuse")
	read -r _ warm < <("${pin[@]}" "$walk" "$tmp/fuse")
	read -r _ warm3 < <("${pin[@]}" "$walk" "$tmp/fuse")
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
	f_ready+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1000}')")
	f_cold+=("$cold") f_warm+=("$warm") f_warm3+=("$warm3") f_rss+=("$rss")
	kill -TERM "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done

	# tmpfs: mount + native copy of the same tree
	t0=$(now_ms)
	mount -t tmpfs -o mode=0755 bench "$tmp/tmpfs"
	cp -a "$tmp/stage/root/." "$tmp/tmpfs/"
	t1=$(now_ms)
	read -r n_tmpfs cold < <("${pin[@]}" "$walk" "$tmp/tmpfs")
	read -r _ warm < <("${pin[@]}" "$walk" "$tmp/tmpfs")
	read -r _ warm3 < <("${pin[@]}" "$walk" "$tmp/tmpfs")
	used=$(df -k --output=used "$tmp/tmpfs" | tail -1 | tr -d ' ')
	t_ready+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1000}')")
	t_cold+=("$cold") t_warm+=("$warm") t_warm3+=("$warm3") t_rss+=("$used")
	umount "$tmp/tmpfs"
done

row() { # label unit fuse-values... -- tmpfs-values...
	bench_row '%-34s %12.2f %-3s %12.2f %-3s   x%.2f\n' "$@"
}

echo "esxmock mount benchmark: $rounds rounds, medians, pinned: ${pin[*]:-no}"
echo "tree: ${stack[*]##*/} ($n_fuse paths on esxfsd, $n_tmpfs on tmpfs)"
echo "tmpfs baseline: mount -t tmpfs + cp -a of a copy made by $how"
printf '%-34s %16s %16s   %s\n' "" esxfsd tmpfs ratio
row "time to mount-ready" ms "${f_ready[@]}" -- "${t_ready[@]}"
row "memory (daemon RSS / tmpfs used)" KiB "${f_rss[@]}" -- "${t_rss[@]}"
row "lstat walk, cold (1st pass)" ms "${f_cold[@]}" -- "${t_cold[@]}"
row "lstat walk, warm (2nd pass)" ms "${f_warm[@]}" -- "${t_warm[@]}"
row "lstat walk, warm (3rd pass)" ms "${f_warm3[@]}" -- "${t_warm3[@]}"
# Why pass 2 and 3 differ: after an uncached READDIRPLUS the kernel drops
# the directory's cached atime (fuse_invalidate_atime, skipped only on
# read-only mounts), so pass 2 sends one GETATTR per directory; from pass
# 3 on, a walk costs no round trip to esxfsd at all.
