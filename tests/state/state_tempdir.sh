#!/usr/bin/env bash
# state_tempdir.sh - the default state dir: a private dir in $TMPDIR,
# removed at a clean exit, kept with --keep-state (even through a kill -9);
# private dirs that daemons killed by -9 left behind are removed by the
# next start (unlocked, not kept, a minute old), live and kept ones stay.
. "$(dirname "$0")/../fs/lib.sh"
. "$(dirname "$0")/lib_state.sh"
fs_skip_unless_fuse

st_manifest "$fs_tmp/m.json"
export TMPDIR=$fs_tmp/tmpdir
mkdir -p "$TMPDIR"
m=$fs_tmp/mnt
count() { find "$TMPDIR" -maxdepth 1 -name 'esxfsd-state.*' | wc -l; }

# a clean exit removes the private dir
fs_mount "$m" -m "$fs_tmp/m.json" --control none
[ "$(count)" = 1 ] || fail "no private state dir in \$TMPDIR"
echo x >"$m/tmp/x"
fs_umount "$m"
[ "$(count)" = 0 ] || fail "the private state dir outlived a clean exit"

# --keep-state keeps it, through a kill -9 too
fs_mount "$m" -m "$fs_tmp/m.json" --control none --keep-state
echo kept >"$m/tmp/x"
kept=$(find "$TMPDIR" -maxdepth 1 -name 'esxfsd-state.*')
kill -KILL "${fs_pids[$m]}"
wait "${fs_pids[$m]}" 2>/dev/null || true
fusermount3 -uz "$m"
# a dir a killed daemon left (unlocked, old), and one that lost its lock
# file in an interrupted removal
mkdir -p "$TMPDIR/esxfsd-state.dead1/data" "$TMPDIR/esxfsd-state.dead2/data"
echo 123 >"$TMPDIR/esxfsd-state.dead1/lock"
touch -d '10 minutes ago' "$TMPDIR/esxfsd-state.dead1" "$TMPDIR/esxfsd-state.dead2" "$kept"
# and one young enough to be a daemon starting right now
mkdir -p "$TMPDIR/esxfsd-state.young"
fs_mount "$m" -m "$fs_tmp/m.json" --control none
[ -d "$kept" ] && grep -q kept "$kept"/data/* || fail "the --keep-state dir was swept"
[ ! -e "$TMPDIR/esxfsd-state.dead1" ] && [ ! -e "$TMPDIR/esxfsd-state.dead2" ] ||
	fail "stale private state dirs were not removed"
[ -d "$TMPDIR/esxfsd-state.young" ] || fail "a young dir was removed"
# ...while a live daemon's dir is locked: a second start leaves it
live=$(find "$TMPDIR" -maxdepth 1 -name 'esxfsd-state.*' ! -name '*.young' ! -path "$kept")
[ -n "$live" ] || fail "no private dir for the running daemon"
touch -d '10 minutes ago' "$live"
mkdir -p "$fs_tmp/mnt2"
fs_mount "$fs_tmp/mnt2" -m "$fs_tmp/m.json" --control none
[ -d "$live" ] || fail "a live daemon's dir was swept"
fs_umount "$fs_tmp/mnt2"
fs_umount "$m"
echo "ok: private state dirs: removed at exit, kept with --keep-state, stale ones swept"
