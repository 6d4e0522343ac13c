#!/usr/bin/env bash
# bench-write.sh - the writable layer against tmpfs, measured in the same
# run (interleaved rounds, medians, daemon and workload pinned to CPU 0):
# small files (create + write 4 KiB + close + unlink) per second, 256 MiB
# sequential write, and sequential read (cold: kernel caches dropped, the
# bytes come from the daemon; warm: from the page cache).
# esxfsd keeps its state dir on a tmpfs too (STATE_ON=disk puts it in
# /var/tmp), so the ratio is what FUSE and the daemon cost.
# Not a test: prints figures and ratios, asserts nothing.
# usage: bench/bench-write.sh [BUILD_DIR] [ROUNDS]   (as root)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
rounds=${2:-5}
esxfsd=$build/fsd/esxfsd
bw=$build/bench/bench_write
small_n=${SMALL_N:-20000}
mib=${MIB:-256}
[ "$(id -u)" -eq 0 ] || { echo "bench-write: run as root (mount, tmpfs)" >&2; exit 1; }
for f in "$esxfsd" "$bw"; do
	[ -x "$f" ] || { echo "bench-write: '$f' not built (cmake --build $build)" >&2; exit 1; }
done
. "$(dirname "$0")/lib.sh"
bench_check_asan bench-write "$esxfsd"

tmp=$(mktemp -d /tmp/esxmock-bench-write.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	local m
	for m in "$tmp/fuse" "$tmp/tmpfs" "$tmp/statefs"; do
		mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || umount "$m" || umount -l "$m"; }
	done
	[ -n "${disk_state:-}" ] && rm -rf "$disk_state"
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/fuse" "$tmp/tmpfs" "$tmp/statefs"
cat >"$tmp/m.json" <<'JSON'
{"version": 1, "entries": [{"path": "/tmp", "type": "dir", "mode": "1777"}]}
JSON
if [ "${STATE_ON:-tmpfs}" = disk ]; then
	disk_state=$(mktemp -d /var/tmp/esxmock-bench-state.XXXXXX)
	where="on disk ($disk_state)"
else
	where="on tmpfs"
fi
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }

declare -a f_small f_w f_rc f_rw t_small t_w t_rc t_rw
for r in $(seq "$rounds"); do
	# esxfsd, a fresh state dir each round
	if [ -n "${disk_state:-}" ]; then
		state=$disk_state/r$r
	else
		mount -t tmpfs -o mode=0700 statefs "$tmp/statefs"
		state=$tmp/statefs/state
	fi
	"${pin[@]}" "$esxfsd" -m "$tmp/m.json" --state "$state" --control none \
		--pid-file "$tmp/pid" "$tmp/fuse"
	pid=$(cat "$tmp/pid")
	f_small+=("$("${pin[@]}" "$bw" small "$tmp/fuse/tmp" "$small_n")")
	f_w+=("$("${pin[@]}" "$bw" write "$tmp/fuse/tmp/big" "$mib")")
	drop
	f_rc+=("$("${pin[@]}" "$bw" read "$tmp/fuse/tmp/big")")
	f_rw+=("$("${pin[@]}" "$bw" read "$tmp/fuse/tmp/big")")
	kill -TERM "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	mountpoint -q "$tmp/statefs" && umount "$tmp/statefs"

	mount -t tmpfs -o mode=0755 bench "$tmp/tmpfs"
	mkdir -m 1777 "$tmp/tmpfs/tmp"
	t_small+=("$("${pin[@]}" "$bw" small "$tmp/tmpfs/tmp" "$small_n")")
	t_w+=("$("${pin[@]}" "$bw" write "$tmp/tmpfs/tmp/big" "$mib")")
	drop
	t_rc+=("$("${pin[@]}" "$bw" read "$tmp/tmpfs/tmp/big")")
	t_rw+=("$("${pin[@]}" "$bw" read "$tmp/tmpfs/tmp/big")")
	umount "$tmp/tmpfs"
done

row() { # label unit fuse-values... -- tmpfs-values...
	bench_row '%-38s %10.1f %-8s %10.1f %-8s  x%.3f\n' "$@"
}

echo "esxmock write benchmark: $rounds rounds, medians, pinned: ${pin[*]:-no}; state dir $where"
printf '%-38s %19s %19s  %s\n' "" esxfsd tmpfs "esxfsd/tmpfs"
row "create+write 4K+close+unlink" files/s "${f_small[@]}" -- "${t_small[@]}"
row "sequential write, $mib MiB" MB/s "${f_w[@]}" -- "${t_w[@]}"
row "sequential read, cold (caches dropped)" MB/s "${f_rc[@]}" -- "${t_rc[@]}"
row "sequential read, warm" MB/s "${f_rw[@]}" -- "${t_rw[@]}"
