#!/usr/bin/env bash
# rules_tree_changed.sh - rules watch nodes made outside FUSE: a read rule
# added for a path that does not exist yet fires on `cat` once files.put
# (or files.mkdir + put, or a snapshot restore) creates it, and again after
# state.reset replaced the node (hook_tree_changed from the state backend).
. "$ESXMOCK_SRC/tests/fs/lib.sh"
. "$ESXMOCK_SRC/tests/rules/lib_rules.sh"
fs_skip_unless_fuse

m=$fs_tmp/mnt
rules_mount "$m"
[ ! -e "$m/tmp/late.txt" ] || fail "late.txt exists before the put"

ctl rules add '{"id":"late","match":{"path":"/tmp/late.txt","ops":"read"},"action":{"content":{"text":"scripted\n"}}}' >/dev/null ||
	fail "rules add"
ctl rules add '{"id":"deep","match":{"path":"/tmp/newdir/*","ops":"read"},"action":{"content":{"text":"deep\n"}}}' >/dev/null ||
	fail "rules add deep"

# files.put after the rule: cat sees the rule's content, the store the put's
ctl call files.put '{"path":"/tmp/late.txt","text":"stored\n"}' >/dev/null || fail "files.put"
[ "$(cat "$m/tmp/late.txt")" = scripted ] || fail "cat after put: '$(cat "$m/tmp/late.txt")'"
[ "$(ctl files get /tmp/late.txt)" = stored ] || fail "store: '$(ctl files get /tmp/late.txt)'"

# a directory made by files.mkdir, a file in it by files.put
ctl call files.mkdir '{"path":"/tmp/newdir"}' >/dev/null || fail "files.mkdir"
ctl call files.put '{"path":"/tmp/newdir/f","text":"x\n"}' >/dev/null || fail "files.put newdir/f"
[ "$(cat "$m/tmp/newdir/f")" = deep ] || fail "cat newdir/f: '$(cat "$m/tmp/newdir/f")'"

# snapshot, reset (the nodes go), put again (a new node), restore
ctl state snapshot with-late >/dev/null || fail "snapshot"
ctl state reset >/dev/null || fail "reset"
[ ! -e "$m/tmp/late.txt" ] || fail "late.txt after reset"
ctl call files.put '{"path":"/tmp/late.txt","text":"again\n"}' >/dev/null || fail "files.put after reset"
[ "$(cat "$m/tmp/late.txt")" = scripted ] || fail "cat after reset+put: '$(cat "$m/tmp/late.txt")'"
ctl state reset >/dev/null || fail "reset 2"
ctl state restore with-late >/dev/null || fail "restore"
[ "$(cat "$m/tmp/newdir/f")" = deep ] || fail "cat newdir/f after restore: '$(cat "$m/tmp/newdir/f")'"
[ "$(cat "$m/tmp/late.txt")" = scripted ] || fail "cat after restore: '$(cat "$m/tmp/late.txt")'"

# the rule counted every cat
hits=$(ctl rules list --json | sed 's/.*"id":"late"//' | grep -o '"hits":[0-9]*' | sed -n '1s/.*://p' || true)
[ -n "$hits" ] && [ "$hits" -ge 3 ] || fail "rule 'late' hits: '$hits' ($(ctl rules list --json))"
ctl rules clear >/dev/null
[ "$(cat "$m/tmp/late.txt")" = stored ] || fail "cat without rules: '$(cat "$m/tmp/late.txt")'"
fs_umount "$m"
echo PASS
