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
cd "$bdir"
ctest --output-on-failure -j "$(nproc)" "$@"
