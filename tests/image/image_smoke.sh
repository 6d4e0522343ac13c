#!/usr/bin/env bash
# Smoke test of the container image (label "image"): builds it with
# scripts/build-image.sh, runs ESXi commands in it, the control port, overlays.
# Skips (77) unless ESXMOCK_IMAGE_TEST=1 or podman is installed; needs root
# and /dev/fuse. Set ESXMOCK_IMAGE_TEST=0 to skip even with podman.
set -euo pipefail
src=${ESXMOCK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
bld=${ESXMOCK_BUILD:-$src/build}

skip() {
	echo "SKIP: $*"
	exit 77
}
[ "${ESXMOCK_IMAGE_TEST:-}" = 0 ] && skip "ESXMOCK_IMAGE_TEST=0"
if [ "${ESXMOCK_IMAGE_TEST:-}" != 1 ] && ! command -v podman >/dev/null; then
	skip "podman not installed (ESXMOCK_IMAGE_TEST=1 builds and runs the image anyway)"
fi
[ "$(id -u)" -eq 0 ] || skip "not root"
[ -c /dev/fuse ] || skip "no /dev/fuse"

tmp=$(mktemp -d)
tag=localhost/esxmock-test:$$
P=(podman --storage-driver vfs --runtime runc)
RUN=(run --rm --ulimit nofile=4096:4096 --ulimit nproc=4096:4096
	--device /dev/fuse --cap-add SYS_ADMIN)
cid=
cleanup() {
	[ -n "$cid" ] && "${P[@]}" rm -f "$cid" >/dev/null 2>&1
	"${P[@]}" rmi -f "$tag" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
expect() { # expect FILE PATTERN WHAT
	grep -qE -- "$2" "$1" || {
		echo "--- $1:" >&2
		cat "$1" >&2
		fail "$3: no line matching '$2'"
	}
}

t0=$(date +%s)
"$src/scripts/build-image.sh" --build-dir "$bld/image-build" \
	--context "$tmp/ctx" --tag "$tag" >"$tmp/build.log" 2>&1 ||
	{ tail -30 "$tmp/build.log" >&2; fail "scripts/build-image.sh failed"; }
echo "image built in $(($(date +%s) - t0)) s"

# 1. ESXi commands in the tree, the command's exit status comes back
set +e
"${P[@]}" "${RUN[@]}" --network none "$tag" /bin/sh -c \
	'esxcli system version get; ls -l /bin/sh; pwd; exit 7' \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 7 ] || { cat "$tmp/err" >&2; fail "exit status $rc, want 7"; }
expect "$tmp/out" '^ +Product: VMware ESXi$' "esxcli system version get"
expect "$tmp/out" '^ +Version: 8\.' "esxcli system version get"
expect "$tmp/out" '^lrwxrwxrwx .* /bin/sh -> /usr/lib/vmware/busybox/bin/busybox$' \
	"ls -l /bin/sh"
expect "$tmp/out" '^/$' "cwd"
expect "$tmp/err" "mounted [0-9]+ entries on '/.esxmock-root'" "esxfsd log"
echo "ok: esxcli, ls -l /bin/sh, exit status"

# 2. the control port answers hello inside the container (busybox nc)
"${P[@]}" "${RUN[@]}" --network none "$tag" /bin/sh -c \
	'echo "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\",\"params\":{\"protocol\":1}}" |
	/usr/lib/vmware/busybox/bin/busybox nc -w 3 127.0.0.1 7744' \
	>"$tmp/hello" 2>"$tmp/err" || { cat "$tmp/err" >&2; fail "hello in the container"; }
expect "$tmp/hello" '"server":"esxfsd"' "hello reply"
echo "ok: hello on 7744 inside the container"

# 3. overlay manifests from a bind-mounted directory, without rebuilding
mkdir "$tmp/mf"
printf '%s\n' '{"version": 1, "entries": [{"path": "/etc/esxmock-overlay",' \
	'"type": "file", "content": {"text": "overlay-ok\n"}}]}' >"$tmp/mf/50-test.json"
"${P[@]}" "${RUN[@]}" --network none -v "$tmp/mf:/.shadow/manifests:ro" "$tag" \
	/bin/sh -c 'cat /etc/esxmock-overlay; esxcli system hostname get' \
	>"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; fail "overlay run"; }
expect "$tmp/out" '^overlay-ok$' "overlay manifest"
expect "$tmp/out" 'Host Name: ' "base tree under the overlay"
echo "ok: overlay manifest from a bind mount"

# 4. the port from the host (podman -p), when the host has esxmockctl and
# podman a network; a SIGTERM (podman stop) ends the command, 128+15
ctl=$bld/proto/esxmockctl
if [ -x "$ctl" ]; then
	if cid=$("${P[@]}" run -d --ulimit nofile=4096:4096 \
		--ulimit nproc=4096:4096 --device /dev/fuse --cap-add SYS_ADMIN \
		-p 127.0.0.1::7744 "$tag" /bin/sh -c 'sleep 600' 2>"$tmp/err"); then
		port=$("${P[@]}" port "$cid" 7744/tcp | sed 's/.*://')
		ok=0
		for _ in $(seq 1 50); do
			"$ctl" hello --connect "127.0.0.1:$port" >"$tmp/hello" 2>&1 &&
				{ ok=1; break; }
			sleep 0.2
		done
		[ "$ok" -eq 1 ] || { cat "$tmp/hello" >&2; fail "hello from the host on port $port"; }
		expect "$tmp/hello" '^esxfsd ' "esxmockctl hello"
		"${P[@]}" stop -t 20 "$cid" >/dev/null
		code=$("${P[@]}" inspect --format '{{.State.ExitCode}}' "$cid")
		[ "$code" = 143 ] || fail "exit code after podman stop: $code, want 143"
		echo "ok: hello from the host via -p, podman stop"
	else
		echo "note: no podman network here, host port check skipped: $(cat "$tmp/err")"
	fi
fi
echo "PASS ($(($(date +%s) - t0)) s)"
