# Volumes of the golden cases: datastore1 (VMFS-6) and BOOTBANK1 (vfat),
# with the directory layout of an ESXi host (name -> UUID symlinks).
V=$ROOT/vmfs/volumes
mkdir -p "$V/63dc3811-5c7d40a7-9b32-646266213c0e/vm1" \
	"$V/0bb69722-254c35ca-008f-a73c5b4ab387"
ln -s 63dc3811-5c7d40a7-9b32-646266213c0e "$V/datastore1"
ln -s 0bb69722-254c35ca-008f-a73c5b4ab387 "$V/BOOTBANK1"
mkdir -p "$ROOT/var/lib/esxmock"
cat >"$ROOT/var/lib/esxmock/storage.json" <<'END'
{
  "filesystems": [
    {"mount_point": "/vmfs/volumes/63dc3811-5c7d40a7-9b32-646266213c0e",
     "volume_name": "datastore1", "uuid": "63dc3811-5c7d40a7-9b32-646266213c0e",
     "mounted": true, "type": "VMFS-6", "size": 536602476544,
     "free": 533470380032, "block_size": 1048576,
     "extents": ["naa.600508b1001c7e5b1c6a2f3e4d5c6b7a:3"]},
    {"mount_point": "/vmfs/volumes/0bb69722-254c35ca-008f-a73c5b4ab387",
     "volume_name": "BOOTBANK1", "uuid": "0bb69722-254c35ca-008f-a73c5b4ab387",
     "mounted": true, "type": "vfat", "size": 261853184,
     "free": 123760640, "block_size": 4096,
     "extents": ["mpx.vmhba32:C0:T0:L0:5"]}
  ]
}
END
