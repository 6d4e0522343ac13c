#!/usr/bin/env bash
# fs_listing.sh - imports the ESXi listing, mounts it, and checks that every
# unique absolute row matches (type, mode incl. sticky/setuid, owner, group),
# that the mount holds nothing else, and that symlinks resolve to the
# manifest's targets.
. "$(dirname "$0")/lib.sh"
fs_skip_unless_fuse

listing=$ESXMOCK_SRC/manifest/data/esx8-listing.json
ctl=$ESXMOCK_BUILD/proto/esxmockctl
mf=$fs_tmp/esx8.json
if [ -x "$ctl" ] && "$ctl" manifest import-listing "$listing" >"$mf" 2>"$fs_tmp/import.log"; then
	echo "manifest: imported with esxmockctl"
elif [ -f "$ESXMOCK_SRC/manifest/data/esx8.json" ]; then
	cp "$ESXMOCK_SRC/manifest/data/esx8.json" "$mf"
	echo "manifest: manifest/data/esx8.json (no importer in this build)"
else
	"$FS_BIN/fs_listing_check" --emit-manifest "$listing" >"$mf"
	echo "manifest: the test's own conversion (no importer, no esx8.json yet)"
fi

fs_mount "$fs_tmp/mnt" -m "$mf"
"$FS_BIN/fs_listing_check" "$listing" "$fs_tmp/mnt" --exact >"$fs_tmp/listing.out" ||
	{ head -50 "$fs_tmp/listing.out"; fail "mount differs from the listing"; }
tail -2 "$fs_tmp/listing.out"
grep -q "9354 unique absolute rows" "$fs_tmp/listing.out" ||
	fail "expected the fixture's 9354 unique absolute rows"
"$FS_BIN/fs_manifest_check" "$fs_tmp/mnt" -m "$mf" >"$fs_tmp/mf.out" ||
	{ head -50 "$fs_tmp/mf.out"; fail "mount differs from its manifest"; }
tail -1 "$fs_tmp/mf.out"
# a second, warm pass sees the same tree
"$FS_BIN/fs_listing_check" "$listing" "$fs_tmp/mnt" >/dev/null ||
	fail "warm pass differs"
fs_umount "$fs_tmp/mnt"
echo "PASS"
