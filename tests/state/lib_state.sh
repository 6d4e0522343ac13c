# lib_state.sh - shared by the writable-layer tests (sourced after
# tests/fs/lib.sh): a small manifest, and mounting with a state dir.
ST_BIN=$ESXMOCK_BUILD/tests/state

# st_manifest FILE: a small tree with a bit of every kind.
st_manifest() {
	cat >"$1" <<'JSON'
{"version": 1, "entries": [
 {"path": "/etc", "type": "dir", "mode": "0755"},
 {"path": "/etc/motd", "type": "file", "content": {"text": "welcome\n"}},
 {"path": "/etc/vmware", "type": "dir"},
 {"path": "/etc/vmware/esx.conf", "type": "file", "mode": "0644",
  "content": {"text": "/adv/Misc/HostName = \"esx\"\n"}},
 {"path": "/etc/shadow", "type": "file", "mode": "0600", "content": {"text": "root:x\n"}},
 {"path": "/bin", "type": "dir"},
 {"path": "/bin/sh", "type": "symlink", "target": "/bin/busybox"},
 {"path": "/tmp", "type": "dir", "mode": "1777"},
 {"path": "/work", "type": "dir", "mode": "0755"},
 {"path": "/var", "type": "dir"},
 {"path": "/var/log", "type": "dir"},
 {"path": "/var/log/big.log", "type": "file", "content": {"sparse": 3000000}},
 {"path": "/dev", "type": "dir"},
 {"path": "/dev/null", "type": "chardev", "mode": "0666", "rdev": "1:3"}
]}
JSON
}

# st_mount MNT STATE [esxfsd args...]: mounts the test manifest (or the
# -m given) with --state STATE and no control listener unless asked.
st_mount() {
	local mnt=$1 state=$2
	shift 2
	fs_mount "$mnt" --state "$state" "$@"
}
