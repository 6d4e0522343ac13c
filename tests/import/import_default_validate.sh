#!/usr/bin/env bash
# The default stack loads, and every content file it names exists in the
# build's shadow area; with the mock CLIs built, the mockbin overlay too.
# usage: import_default_validate.sh ESXMOCKCTL SHADOW_DIR
set -euo pipefail
ctl=$1 shadow=$2
data=${ESXMOCK_SRC:?}/manifest/data
out=$("$ctl" manifest validate --shadow-root "$shadow" "$data/esx8.json" "$data/esx8-extra.json")
echo "$out"
[[ $out =~ ^ok:\ ([0-9]+)\ entries$ ]] || { echo "FAIL: unexpected output" >&2; exit 1; }
# 9354 listing entries plus the mock CLIs' new state files and their parents
[ "${BASH_REMATCH[1]}" -ge 9354 ] || { echo "FAIL: entries lost" >&2; exit 1; }
missing=0
for p in esxcli localcli vsish configstorecli esxcfg-advcfg vmkfstools vmkload_mod vds-vsipioctl; do
	[ -f "$shadow/mockbin/$p" ] || missing=1
done
if [ $missing -eq 0 ]; then
	"$ctl" manifest validate --shadow-root "$shadow" "$data/esx8.json" \
		"$data/esx8-extra.json" "$data/esx8-mockbin.json"
else
	# the paths still have to exist in the tree
	"$ctl" manifest validate "$data/esx8.json" "$data/esx8-extra.json" \
		"$data/esx8-mockbin.json"
	echo "import_default_validate: mock CLIs not built: their shadow files were not checked"
fi
echo "import_default_validate: ok"
