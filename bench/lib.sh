# bench/lib.sh - shared by the bench-*.sh scripts (sourced): the ASan
# warning, CPU pinning, medians and the "esxfsd vs baseline" table row.

# bench_check_asan NAME ESXFSD: warn when the daemon is a sanitizer build.
bench_check_asan() {
	if [[ $(ldd "$2" 2>/dev/null) == *libasan* ]]; then
		echo "$1: warning: '$2' is an ASan build: use a RelWithDebInfo build for real figures" >&2
	fi
}

# Daemon and workload run pinned to CPU 0 when taskset exists (PERF-NOTES:
# pinning halves FUSE round-trip costs and tightens the spread).
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

# median V... : values as arguments, or one blank-separated string.
median() {
	# shellcheck disable=SC2048,SC2086
	printf '%s\n' $* | sort -g |
		awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# bench_row FORMAT LABEL UNIT FUSE-VALUES... -- BASELINE-VALUES...
# FORMAT is an awk printf format taking label, fuse median, unit,
# baseline median, unit, ratio.
bench_row() {
	local fmt=$1 label=$2 unit=$3
	shift 3
	local fv=() tv=() side=f v fm tm
	for v in "$@"; do
		if [ "$v" = -- ]; then side=t; continue; fi
		if [ $side = f ]; then fv+=("$v"); else tv+=("$v"); fi
	done
	fm=$(median "${fv[@]}")
	tm=$(median "${tv[@]}")
	awk -v fmt="$fmt" -v l="$label" -v u="$unit" -v f="$fm" -v t="$tm" \
		'BEGIN {printf fmt, l, f, u, t, u, (t > 0 ? f / t : 0)}'
}
