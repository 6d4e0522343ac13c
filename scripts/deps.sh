#!/usr/bin/env bash
# Installs the Debian packages esxmock needs to build, run and test.
# Sourced by run.sh and test.sh; usable alone: scripts/deps.sh [--test]
set -euo pipefail

ESXMOCK_PKGS_BUILD="build-essential cmake ninja-build pkg-config libfuse3-dev fuse3 zlib1g-dev \
libjson-c-dev libevent-dev uthash-dev busybox-static"
ESXMOCK_PKGS_TEST="libcmocka-dev clang clang-format valgrind util-linux procps"

esxmock_missing() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	echo "${missing[@]:-}"
}

esxmock_install_deps() {
	local want="$ESXMOCK_PKGS_BUILD"
	[ "${1:-}" = "--test" ] && want="$want $ESXMOCK_PKGS_TEST"
	# shellcheck disable=SC2086
	local missing
	missing=$(esxmock_missing $want)
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "esxmock: missing Debian packages; install them with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
		return 1
	fi
	echo "esxmock: installing: $missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	esxmock_install_deps "$@"
fi
