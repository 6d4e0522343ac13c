#!/usr/bin/env bash
# Installs what is missing, builds, and mounts the default ESXi 8 tree with
# the control port, in the foreground. Ctrl-C unmounts.
# usage: scripts/run.sh [MOUNTPOINT] [extra esxfsd options...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deps.sh
. "$top/scripts/deps.sh"
esxmock_install_deps
"$top/scripts/build.sh" "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
mnt=${1:-${ESXMOCK_MOUNT:-/tmp/esxmock-root}}
shift || true
mkdir -p "$mnt"
echo "esxmock: mounting the default ESXi tree on $mnt (Ctrl-C to stop)" >&2
exec "$top/build/fsd/esxfsd" -f --shadow-root "$top/build/shadow" "$@" "$mnt"
