# descriptor.sh FILE SECTORS FLAT CYL HEADS SECS [thin] [ADAPTER]: checks a
# descriptor against the ESXi layout (docs/esx-cli-reference.md 6.3). The
# random identity lines are checked for shape, then masked.
f=$1 sectors=$2 flat=$3 cyl=$4 heads=$5 secs=$6 thin=${7:-} adapter=${8:-lsilogic}
cid=$(sed -n 's/^CID=\([0-9a-f]\{8\}\)$/\1/p' "$f")
[ -n "$cid" ] || { echo "no CID line in $f"; exit 1; }
grep -q "^ddb.longContentID = \"[0-9a-f]\{24\}$cid\"\$" "$f" || { echo "bad longContentID"; exit 1; }
grep -q '^ddb.uuid = "60 00 C2 [0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f]-[0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f] [0-9a-f][0-9a-f]"$' "$f" || { echo "bad uuid"; exit 1; }
{
	printf '# Disk DescriptorFile\nversion=1\nencoding="UTF-8"\nCID=X\n'
	printf 'parentCID=ffffffff\nisNativeSnapshot="no"\ncreateType="vmfs"\n\n'
	printf '# Extent description\nRW %s VMFS "%s"\n\n' "$sectors" "$flat"
	printf '# The Disk Data Base \n#DDB\n\n'
	printf 'ddb.adapterType = "%s"\n' "$adapter"
	printf 'ddb.geometry.cylinders = "%s"\n' "$cyl"
	printf 'ddb.geometry.heads = "%s"\nddb.geometry.sectors = "%s"\n' "$heads" "$secs"
	printf 'ddb.longContentID = "X"\n'
	[ -n "$thin" ] && printf 'ddb.thinProvisioned = "1"\n'
	printf 'ddb.uuid = "X"\nddb.virtualHWVersion = "7"\n'
} >desc.want
sed -e 's/^CID=.*/CID=X/' -e 's/^ddb.longContentID = .*/ddb.longContentID = "X"/' \
	-e 's/^ddb.uuid = .*/ddb.uuid = "X"/' "$f" >desc.got
cmp desc.want desc.got || { diff desc.want desc.got; exit 1; }
