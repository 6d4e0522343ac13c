#!/usr/bin/env bash
# fs_exec.sh - the daemon sees the exec flag of opens: executing a file of
# the tree reaches esxfsd as an open with FMODE_EXEC (0x20), reading it as
# a plain open; the program runs from the mount (keep_cache content).
. "$(dirname "$0")/lib.sh"
fs_skip_unless_fuse

cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/bin/hello", "type": "file", "mode": "0755", "content": {"text": "#!/bin/sh\necho hello from the tree\n"}}
]}
JSON
m=$fs_tmp/mnt
fs_mount "$m" -d -m "$fs_tmp/m.json"
[ "$("$m/bin/hello")" = "hello from the tree" ] || fail "exec from the mount"
grep -q "fsd_op_open: ino [0-9]* flags 0x[0-9a-f]*[2367abef][0-9a-f] exec 1" "$m.log" ||
	fail "no open with the exec flag in the debug log"
n_exec=$(grep -c "fsd_op_open: .* exec 1" "$m.log")
cat "$m/bin/hello" >/dev/null
[ "$(grep -c "fsd_op_open: .* exec 0" "$m.log")" -ge 1 ] || fail "cat not seen as a plain open"
[ "$(grep -c "fsd_op_open: .* exec 1" "$m.log")" -eq "$n_exec" ] || fail "cat counted as an exec"
fs_umount "$m"
echo PASS
