#!/usr/bin/env bash
# rules_content.sh - scripted content: cat of /etc/vmware/esx.conf shows
# what a rule says (whole file, then a byte range over the stored bytes,
# then corrupt bytes) while the stored content stays untouched (the
# control channel's files.get reads the store, not the rule's view).
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

m=$fs_tmp/mnt
rules_mount "$m" # the embedded default ESXi tree
orig=$(ctl files get /etc/vmware/esx.conf)
[ -n "$orig" ] || fail "default esx.conf is empty"
[ "$(cat "$m/etc/vmware/esx.conf")" = "$orig" ] || fail "mount and store differ before any rule"

ctl rules add '{"id":"esxconf","match":{"path":"/etc/vmware/esx.conf","ops":"read"},"action":{"content":{"text":"/adv/Misc/HostName = \"scripted\"\n"}}}' >/dev/null ||
	fail "rules add"
[ "$(cat "$m/etc/vmware/esx.conf")" = '/adv/Misc/HostName = "scripted"' ] ||
	fail "cat: '$(cat "$m/etc/vmware/esx.conf")'"
grep -q scripted "$m/etc/vmware/esx.conf" || fail "grep sees the scripted content"
[ "$(ctl files get /etc/vmware/esx.conf)" = "$orig" ] || fail "stored content changed"

ctl rules remove esxconf >/dev/null
[ "$(cat "$m/etc/vmware/esx.conf")" = "$orig" ] || fail "content after rules remove"

# a byte range over the stored bytes, from base64
ctl rules add '{"id":"range","match":{"path":"/etc/vmware/esx.conf","ops":"read"},"action":{"content":{"base64":"WFhYWA==","offset":2}}}' >/dev/null
want="${orig:0:2}XXXX${orig:6}"
[ "$(cat "$m/etc/vmware/esx.conf")" = "$want" ] || fail "range: '$(head -c 20 "$m/etc/vmware/esx.conf")'"
ctl rules clear >/dev/null

# corrupt bytes at an offset (xor 0x20 turns "/" into "\x0f")
ctl rules add '{"match":{"path":"/etc/vmware/esx.conf","ops":"read"},"action":{"corrupt":{"offset":0,"length":1,"xor":32}}}' >/dev/null
first=$(head -c 1 "$m/etc/vmware/esx.conf" | od -An -tx1 | tr -d ' ')
want=$(printf '%s' "${orig:0:1}" | od -An -tx1 | tr -d ' ')
[ "$first" = "$(printf '%02x' $((0x$want ^ 0x20)))" ] || fail "corrupt: byte 0 is $first"
[ "$(tail -c +2 "$m/etc/vmware/esx.conf")" = "${orig:1}" ] || fail "corrupt touched other bytes"
[ "$(ctl files get /etc/vmware/esx.conf)" = "$orig" ] || fail "stored content changed by corrupt"
fs_umount "$m"
echo PASS
