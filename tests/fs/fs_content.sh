#!/usr/bin/env bash
# fs_content.sh - content sources through the mount: inline text and base64,
# host files relative to --content-root, shadow files, empty, sparse; and
# that writes never change the content sources (copy-up).
. "$(dirname "$0")/lib.sh"
fs_skip_unless_fuse

c=$fs_tmp/content s=$fs_tmp/shadow
mkdir -p "$c/etc" "$s/content/etc" "$s/bin"
printf 'from the content root\n' >"$c/etc/issue"
head -c 300000 /dev/urandom >"$c/blob.bin"
printf 'shadowed\n' >"$s/content/etc/shadowed"
printf '\x00\x01\x02binary\xff' >"$fs_tmp/b64.expect"
b64=$(base64 -w0 "$fs_tmp/b64.expect")
cat >"$fs_tmp/m.json" <<JSON
{"version": 1, "entries": [
 {"path": "/etc/motd", "type": "file", "content": {"text": "Welcome to ESXi\nline 2\n"}},
 {"path": "/etc/bin.dat", "type": "file", "mode": "0444", "content": {"base64": "$b64"}},
 {"path": "/etc/issue", "type": "file", "content": {"file": "etc/issue"}},
 {"path": "/etc/blob.bin", "type": "file", "content": {"file": "blob.bin"}},
 {"path": "/etc/shadowed", "type": "file", "content": {"shadow": "/.shadow/content/etc/shadowed"}},
 {"path": "/etc/empty", "type": "file", "content": {"empty": true}},
 {"path": "/vmfs/volumes/ds1/vm-flat.vmdk", "type": "file", "content": {"sparse": 1073741824}},
 {"path": "/vmfs/volumes/ds1/small", "type": "file", "size": 5000},
 {"path": "/dev/null", "type": "chardev", "mode": "0666", "rdev": "1:3"},
 {"path": "/bin/sh", "type": "symlink", "target": "/usr/lib/vmware/busybox/bin/busybox"}
]}
JSON
m=$fs_tmp/mnt
fs_mount "$m" -m "$fs_tmp/m.json" --content-root "$c" --shadow-root "$s"

[ "$(cat "$m/etc/motd")" = "$(printf 'Welcome to ESXi\nline 2')" ] || fail "inline text"
cmp "$m/etc/bin.dat" "$fs_tmp/b64.expect" || fail "inline base64"
cmp "$m/etc/issue" "$c/etc/issue" || fail "content-root file"
cmp "$m/etc/blob.bin" "$c/blob.bin" || fail "large content-root file"
dd if="$m/etc/blob.bin" bs=1 skip=123457 count=1000 status=none | cmp - <(dd if="$c/blob.bin" bs=1 skip=123457 count=1000 status=none) ||
	fail "read at an offset"
cmp "$m/etc/shadowed" "$s/content/etc/shadowed" || fail "shadow file"
[ "$(stat -c %s "$m/etc/empty")" = 0 ] && [ -z "$(cat "$m/etc/empty")" ] || fail "empty file"
[ "$(stat -c %s "$m/vmfs/volumes/ds1/vm-flat.vmdk")" = 1073741824 ] || fail "sparse size"
cmp <(head -c 5000 /dev/zero) "$m/vmfs/volumes/ds1/small" || fail "sized file is not zeros"
dd if="$m/vmfs/volumes/ds1/vm-flat.vmdk" bs=1M skip=1000 count=2 status=none | cmp - <(head -c 2097152 /dev/zero) ||
	fail "sparse file does not read zeros"
[ "$(readlink "$m/bin/sh")" = /usr/lib/vmware/busybox/bin/busybox ] || fail "readlink"
echo hi >"$m/dev/null" || fail "writing the /dev/null device node"
"$FS_BIN/fs_manifest_check" "$m" -m "$fs_tmp/m.json" --content-root "$c" --shadow-root "$s" ||
	fail "manifest check"

# writable (the state dir, docs/state-dir.md): writes reach the mount, the
# content sources stay as the manifest gave them, also through a hard link
cp -a "$c" "$fs_tmp/content.orig"
cp -a "$s" "$fs_tmp/shadow.orig"
echo more >>"$m/etc/issue"
printf 'X' | dd of="$m/etc/blob.bin" bs=1 seek=1000 conv=notrunc status=none
echo new >"$m/etc/shadowed"
[ "$(tail -1 "$m/etc/issue")" = more ] && [ "$(cat "$m/etc/shadowed")" = new ] ||
	fail "writes to host and shadow content"
[ "$(dd if="$m/etc/blob.bin" bs=1 skip=1000 count=1 status=none)" = X ] ||
	fail "write into a copied-up file"
diff -r "$c" "$fs_tmp/content.orig" && diff -r "$s" "$fs_tmp/shadow.orig" ||
	fail "a write changed a content source"
ln "$m/etc/issue" "$m/etc/hard" || fail "ln of a host-content file"
echo via-link >>"$m/etc/hard"
[ "$(tail -1 "$m/etc/issue")" = via-link ] && [ "$(stat -c %h "$m/etc/issue")" = 2 ] ||
	fail "a hard link is not the same file"
diff -r "$c" "$fs_tmp/content.orig" || fail "a write through a hard link changed a content source"
rm "$m/etc/hard"
# a name longer than 255 bytes is refused cleanly, the daemon stays up
long=$(printf 'x%.0s' $(seq 300))
out=$(ls "$m/etc/$long" 2>&1) && fail "over-long name found"
case $out in *"too long"*) ;; *) fail "over-long name: $out" ;; esac
cat "$m/etc/motd" >/dev/null || fail "daemon gone after an over-long name"
df "$m" >/dev/null || fail "statfs"
fs_umount "$m"
echo PASS
