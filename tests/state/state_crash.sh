#!/usr/bin/env bash
# state_crash.sh - kill -9 of esxfsd at random points of a random workload
# (writes, atomic replaces, appends with fsync, renames, deletes, directory
# renames, hard links, copy-ups of manifest files), for STATE_CRASH_ROUNDS rounds
# (default 50); after each restart on the same --state and manifests,
# state_crash_work verify checks that every acknowledged operation is there
# byte for byte and that the one in flight is either done or not (never a
# torn rename or copy-up). The model of what was acknowledged is a plain
# directory the workload updates after each success.
. "$(dirname "$0")/../fs/lib.sh"
. "$(dirname "$0")/lib_state.sh"
fs_skip_unless_fuse

rounds=${STATE_CRASH_ROUNDS:-50}
m=$fs_tmp/mnt
mkdir -p "$fs_tmp/croot"
head -c 300000 /dev/urandom >"$fs_tmp/croot/m3.bin"
cat >"$fs_tmp/m.json" <<'JSON'
{"version": 1, "entries": [
 {"path": "/work", "type": "dir"},
 {"path": "/work/c", "type": "dir"},
 {"path": "/work/c/m0", "type": "file", "content": {"text": "manifest zero\n"}},
 {"path": "/work/c/m1", "type": "file", "content": {"sparse": 200000}},
 {"path": "/work/c/m2", "type": "file", "content": {"base64": "AAECAwQFBgc="}},
 {"path": "/work/c/m3", "type": "file", "content": {"file": "m3.bin"}}
]}
JSON
args=(-m "$fs_tmp/m.json" --content-root "$fs_tmp/croot" --control none)
st_mount "$m" "$fs_tmp/state" "${args[@]}"
model=$fs_tmp/model
cp -a "$m/work/c" "$model"
log=$fs_tmp/ops.log
done_ops=0
links=0

for round in $(seq "$rounds"); do
	: >"$log"
	"$ST_BIN/state_crash_work" run "$m/work/c" "$model" "$log" "$round" &
	wpid=$!
	# anywhere from "right away" to a few hundred operations in
	sleep "0.$(printf '%03d' $((RANDOM % 300)))"
	dpid=${fs_pids[$m]}
	kill -KILL "$dpid"
	wait "$dpid" 2>/dev/null || true
	wrc=0
	wait "$wpid" || wrc=$?
	[ "$wrc" -eq 0 ] || fail "round $round: the workload saw an unexpected error"
	if grep -qE "Sanitizer|runtime error" "$m.log"; then
		cat "$m.log" >&2
		fail "round $round: sanitizer report before the kill"
	fi
	done_ops=$((done_ops + $(grep -c '^A' "$log" || true)))
	links=$((links + $(grep -c '^B link' "$log" || true)))
	st_mount "$m" "$fs_tmp/state" "${args[@]}"
	grep -q "stale FUSE mount" "$m.log" || fail "round $round: no stale-mount message"
	out=$("$ST_BIN/state_crash_work" verify "$m/work/c" "$model" "$log") ||
		{ echo "$out"; cp -a "$fs_tmp/state" "/tmp/state-crash-failed.$$"; fail "round $round: see above (state dir kept in /tmp/state-crash-failed.$$)"; }
	echo "round $round: $out"
	rm -rf "$model"
	cp -a "$m/work/c" "$model"
done
echo "ok: $rounds kill -9 rounds, $done_ops acknowledged operations ($links links), nothing lost or torn"
[ "$rounds" -lt 10 ] || [ "$links" -gt 0 ] || fail "the workload made no hard link"
# the checker does catch a difference: one byte more in the model
: >"$log"
f=$(cd "$model" && find . -type f | head -1)
printf 'Z' >>"$model/$f"
if "$ST_BIN/state_crash_work" verify "$m/work/c" "$model" "$log" 2>/dev/null; then
	fail "verify accepted a model that differs in '$f'"
fi
echo "ok: verify catches a one-byte difference"
fs_umount "$m"
