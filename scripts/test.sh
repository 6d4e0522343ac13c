#!/usr/bin/env bash
# Installs what is missing, builds with ASan+UBSan and -Werror, runs every
# test with ctest. usage: scripts/test.sh [ctest args...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deps.sh
. "$top/scripts/deps.sh"
esxmock_install_deps --test
bdir=${ESXMOCK_TEST_BUILD:-$top/build-test}
"$top/scripts/build.sh" "$bdir" -DCMAKE_BUILD_TYPE=Debug \
	-DESXMOCK_SANITIZE=ON -DESXMOCK_WERROR=ON
"$top/scripts/format-check.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$bdir" && ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@")

# One daemon life cycle under valgrind, on a build without sanitizers.
vdir=${ESXMOCK_VALGRIND_BUILD:-$top/build-valgrind}
"$top/scripts/build.sh" "$vdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DESXMOCK_WERROR=ON -DESXMOCK_TESTS=OFF
"$top/scripts/valgrind-lifecycle.sh" "$vdir"

# Short libFuzzer runs (ctest label "fuzz"): a clang build of the fuzz_*
# targets only; the long runs are documented with each target.
if command -v clang >/dev/null 2>&1; then
	fdir=${ESXMOCK_FUZZ_BUILD:-$top/build-fuzz}
	cmake -S "$top" -B "$fdir" -G Ninja -DCMAKE_C_COMPILER=clang \
		-DCMAKE_BUILD_TYPE=Debug -DESXMOCK_FUZZ=ON >/dev/null
	targets=$(ninja -C "$fdir" -t targets all |
		sed -n 's/^\(fuzz_[A-Za-z0-9_]*\): phony$/\1/p' | sort -u)
	if [ -n "$targets" ]; then
		# shellcheck disable=SC2086
		cmake --build "$fdir" -j "$(nproc)" --target $targets
		(cd "$fdir" && ctest -L fuzz --output-on-failure)
	fi
fi
