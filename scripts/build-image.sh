#!/usr/bin/env bash
# Builds the esxmock container image (image/README.md): static programs into
# build-image/, a context dir (Containerfile + rootfs/), then podman or a runc bundle.
#
# usage: scripts/build-image.sh [options]
#   --build-dir DIR   cmake build dir for the static pieces (default: build-image)
#   --context DIR     where to assemble the context (default: BUILD_DIR/image-context)
#   --tag NAME        image name (default: esxmock:dev)
#   --context-only    assemble the context dir, do not run podman
#   --bundle DIR      also (or instead, with --context-only) write a runc
#                     bundle: DIR/rootfs + DIR/config.json (run: runc run -b DIR ID)
#   -- CMD ARGS...    the bundle's command inside the tree (default: /bin/sh)
# As root, podman/runc/jq are installed with apt-get when missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-image
ctx=
tag=esxmock:dev
context_only=0
bundle=
bundle_cmd=(/bin/sh)

die() {
	echo "build-image: $*" >&2
	exit 1
}
while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build=$2; shift 2 ;;
	--context) ctx=$2; shift 2 ;;
	--tag) tag=$2; shift 2 ;;
	--context-only) context_only=1; shift ;;
	--bundle) bundle=$2; shift 2 ;;
	--) shift; [ $# -gt 0 ] && bundle_cmd=("$@"); break ;;
	-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
ctx=${ctx:-$build/image-context}

need_pkg() { # need_pkg PROGRAM PACKAGE...
	command -v "$1" >/dev/null && return 0
	shift
	[ "$(id -u)" -eq 0 ] || die "missing '$*': apt-get install -y $*"
	echo "build-image: installing $*" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. the static programs: no sanitizers, no tests, -DESXMOCK_IMAGE=ON
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
	-DESXMOCK_IMAGE=ON -DESXMOCK_SANITIZE=OFF -DESXMOCK_WERROR=OFF \
	-DESXMOCK_TESTS=OFF >/dev/null
cmake --build "$build" -j2 >/dev/null
for f in fsd/esxfsd-static image/esxmock-entrypoint shadow/busybox/busybox \
	shadow/mockbin/esxcli shadow/mockbin/interpose; do
	[ -x "$build/$f" ] || die "'$build/$f' was not built"
done

# 2. the context: Containerfile + rootfs/ (/.shadow and empty mount dirs)
rm -rf "$ctx"
root=$ctx/rootfs
sh_dir=$root/.shadow
mkdir -p "$sh_dir/bin" "$sh_dir/base-manifests" "$sh_dir/manifests" \
	"$root/.esxmock-root" "$root/tmp"
chmod 1777 "$root/tmp"
cp -a "$build/shadow/content" "$build/shadow/busybox" "$build/shadow/mockbin" \
	"$sh_dir/"
install -m 0755 "$build/fsd/esxfsd-static" "$sh_dir/bin/esxfsd"
install -m 0755 "$build/image/esxmock-entrypoint" "$sh_dir/bin/entrypoint"
# the embedded stack, in esxfsd's order, for overlays (-m replaces it)
n=10
for m in esx8.json esx8-extra.json esx8-mockbin.json; do
	if [ -f "$top/manifest/data/$m" ]; then
		cp "$top/manifest/data/$m" "$sh_dir/base-manifests/$n-$m"
		n=$((n + 10))
	fi
done
if compgen -G "$top/image/manifests/*.json" >/dev/null; then
	cp "$top"/image/manifests/*.json "$sh_dir/manifests/"
fi
cp "$top/image/Containerfile" "$ctx/Containerfile"
version=$(sed -n 's/^project(esxmock VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
echo "build-image: context in $ctx (version ${version:-dev})" >&2

# 3. a runc bundle: rootfs + config.json (runc spec, adjusted)
if [ -n "$bundle" ]; then
	need_pkg runc runc
	need_pkg jq jq
	rm -rf "$bundle"
	mkdir -p "$bundle"
	cp -a "$root" "$bundle/rootfs"
	(cd "$bundle" && runc spec)
	# one argument a line (jq 1.6 would take "-c" of --args as its own)
	args=$(printf '%s\n' /.shadow/bin/entrypoint "${bundle_cmd[@]}" | jq -R . | jq -s .)
	jq --argjson args "$args" '
		.process.args = $args | .process.terminal = false |
		del(.process.rlimits) | .root.readonly = false |
		.process.env += ["ESXMOCK_CONTROL_ADDR=127.0.0.1:7744"] |
		.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN", "CAP_SYS_CHROOT"]) |
		.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10,
			"minor": 229, "fileMode": 438, "uid": 0, "gid": 0}] |
		.linux.resources.devices += [{"allow": true, "type": "c",
			"major": 10, "minor": 229, "access": "rwm"}]' \
		"$bundle/config.json" >"$bundle/config.json.new"
	mv "$bundle/config.json.new" "$bundle/config.json"
	echo "build-image: runc bundle in $bundle (runc run -b $bundle ID)" >&2
fi
[ "$context_only" -eq 1 ] && exit 0

# 4. the image
need_pkg podman podman runc
podman --storage-driver vfs build --isolation chroot \
	--build-arg "ESXMOCK_VERSION=${version:-dev}" -t "$tag" "$ctx" >&2
echo "build-image: built $tag" >&2
