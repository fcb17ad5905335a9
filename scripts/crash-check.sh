#!/usr/bin/env bash
# crash-check: a small char-level language model trained straight, then
# trained again while being killed with kill -9 at 20 points (most of them
# during a save: the folder is watched for the temporary files of atomic
# writes), resumed after each; interrupted by Ctrl-C (SIGINT) at 3 points
# and SIGTERM at one, resumed after each; and, as root, on a tiny tmpfs that
# fills during a save, resumed once space is back. Each finished run's
# metrics.jsonl, state.json and weights must equal the straight run's byte
# for byte. Then a classifier ensemble (-members 2) killed while its second
# member trains must resume to the straight ensemble's members and result.
# Exits non-zero naming the failing case. About 2-4 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob dotglob

WORK=$(mktemp -d)
MNT=""
cleanup() {
  if [[ -n $MNT ]]; then umount "$MNT" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "crash-check: FAIL: $*" >&2; exit 1; }

go build -o "$WORK/train" ./cmd/train
{ zcat corpus/tinyshakespeare.txt.gz || true; } | head -c 30000 >"$WORK/text.txt"
EPOCHS=10
ARGS=(-task lm -text "$WORK/text.txt" -epochs "$EPOCHS" -batch 16 -bptt 32 -embed 16 -hidden 48
  -threads 1 -patience 0 -seed 7)
LAST=$(printf 'weights-%06d.pt' "$EPOCHS")
OPTIM=$(printf 'optim-%06d.pt' "$EPOCHS")

start=$SECONDS
t0=$(date +%s%N)
"$WORK/train" "${ARGS[@]}" -out "$WORK/ref" >"$WORK/ref.log" 2>&1 || fail "the straight run: $(tail -3 "$WORK/ref.log")"
# One epoch's time in milliseconds: signals fall at a random point of an
# epoch, after the launch's first checkpoint, so that a fast machine cannot
# finish the run before the signal (fixed sleeps did, in CI).
EPOCH_MS=$((($(date +%s%N) - t0) / 1000000 / EPOCHS))
echo "straight run: $((SECONDS - start))s (${EPOCH_MS} ms an epoch)"

# same CASE DIR: DIR's finished run equals the straight one.
same() {
  local f
  for f in metrics.jsonl state.json model.pt "$LAST" "$OPTIM" vocab.txt; do
    cmp -s "$WORK/ref/$f" "$2/$f" || fail "$1: $f differs from the straight run's"
  done
  [[ $(ls -A "$WORK/ref") == "$(ls -A "$2")" ]] ||
    fail "$1: the folder holds $(ls -A "$2" | tr '\n' ' '), the straight run's $(ls -A "$WORK/ref" | tr '\n' ' ')"
}

# launch DIR [args]: start a run in DIR in the background (a new run while
# DIR has no state.json, else -resume); its pid is in $pid.
launch() {
  local dir=$1
  shift
  if [[ -f $dir/state.json ]]; then
    "$WORK/train" -resume "$dir" "$@" >>"$dir.log" 2>&1 &
  else
    "$WORK/train" "${ARGS[@]}" -out "$dir" "$@" >>"$dir.log" 2>&1 &
  fi
  pid=$!
}

# finished DIR RC: whether the run that exited with RC is done (0, or a
# resume told that all epochs are done); other statuses fail.
finished() {
  case $2 in
    0) return 0 ;;
    2) grep -q "all $EPOCHS epochs are done" "$1.log" && return 0 ;;
  esac
  fail "$1: exit $2: $(tail -3 "$1.log")"
}

# in_epoch DIR: waits for the first new weights file of the run in the
# background (or its end), then a random 10-80% of an epoch.
in_epoch() {
  local dir=$1 before f
  before="|$(printf '%s|' "$dir"/weights-*.pt)"
  while kill -0 "$pid" 2>/dev/null; do
    for f in "$dir"/weights-*.pt; do
      if [[ $before != *"|$f|"* ]]; then
        sleep "$(awk -v ms="$EPOCH_MS" -v r="$RANDOM" 'BEGIN { printf "%.3f", ms * (0.1 + 0.7 * r / 32768) / 1000 }')"
        return 0
      fi
    done
    sleep 0.01
  done
}

# wait_temp DIR N: busy-waits until N temporary files of atomic writes (or
# new weights files) have appeared in DIR, or the run ends.
wait_temp() {
  local dir=$1 n=$2 seen=$seen0 f
  while kill -0 "$pid" 2>/dev/null; do
    for f in "$dir"/.* "$dir"/weights-*.pt; do
      [[ $seen == *"|$f|"* ]] && continue
      seen+="|$f|"
      if ((--n <= 0)); then return 0; fi
    done
  done
  return 1
}

echo "== kill -9 at 20 points, resumed after each"
start=$SECONDS
# A run whose kills fell late may finish before the 20th kill: it must then
# equal the straight run too, and the kills go on in a new run.
round=1 dir=$WORK/kill-1 done_dirs=()
kills=0 insave=0
while true; do
  seen0="|$(printf '%s|' "$dir"/weights-*.pt)" # old files do not count
  launch "$dir"
  if ((kills % 5 == 4)); then
    sleep "$((RANDOM % 3 + 1)).$((RANDOM % 10))"
    during=0
  else
    # An epoch's checkpoint writes 6 files, a resume's start 1: the kill
    # falls in the first checkpoint's files or a later epoch's.
    wait_temp "$dir" $((RANDOM % 8 + 1)) || true
    during=1
  fi
  if kill -9 "$pid" 2>/dev/null; then
    rc=0
    wait "$pid" || rc=$?
    if ((rc == 137)); then
      kills=$((kills + 1)) insave=$((insave + during))
      temps=("$dir"/.*)
      echo "kill $kills ($([[ $during == 1 ]] && echo "during a save" || echo "at a random time")): epoch $(grep -o '"epoch": [0-9]*' "$dir/state.json" 2>/dev/null || echo none), ${#temps[@]} temporary file(s) left"
      ((kills < 20)) && continue
      break
    fi
  else
    rc=0
    wait "$pid" || rc=$?
  fi
  finished "$dir" "$rc"
  ((kills >= 20)) && break
  echo "round $round finished after $kills kills: the kills go on in a new run"
  done_dirs+=("$dir")
  round=$((round + 1))
  dir=$WORK/kill-$round
done
((kills >= 20)) || fail "kill -9: the run finished after only $kills kills"
((insave >= 10)) || fail "kill -9: only $insave of $kills kills during a save"
until [[ -f $dir/state.json ]] && grep -q '"done": true' "$dir/state.json"; do
  launch "$dir"
  rc=0
  wait "$pid" || rc=$?
  finished "$dir" "$rc"
done
for d in "${done_dirs[@]}"; do same "kill -9 ($(basename "$d"))" "$d"; done
same "kill -9" "$dir"
echo "kill -9: $kills kills ($insave during saves), resumed: equal to the straight run byte for byte ($((SECONDS - start))s)"

echo "== Ctrl-C at 3 points and SIGTERM at one, resumed after each"
start=$SECONDS
# The sleeps come from the straight run's epoch time: when the machine has
# sped up since, a run may finish before its signal. It must then equal the
# straight run too, and the signals go on in a new run (3 runs at most).
round=1 dir=$WORK/sigint-1 sigs=(INT INT INT TERM) sent=0
while ((sent < ${#sigs[@]})); do
  sig=${sigs[$sent]}
  launch "$dir"
  in_epoch "$dir"
  kill -s "$sig" "$pid" 2>/dev/null || true
  rc=0
  wait "$pid" || rc=$?
  want=130
  [[ $sig == TERM ]] && want=143
  if ((rc == 0)); then
    same "Ctrl-C (run $round, finished before SIG$sig)" "$dir"
    ((round < 3)) || fail "SIG$sig: 3 runs finished before their signals; see $(tail -2 "$dir.log")"
    echo "run $round finished before SIG$sig (equal to the straight run): the signals go on in a new run"
    round=$((round + 1)) dir=$WORK/sigint-$round
    continue
  fi
  ((rc == want)) || fail "SIG$sig: exit $rc, want $want: $(tail -3 "$dir.log")"
  grep -q "interrupted during epoch" "$dir.log" || fail "SIG$sig: no 'interrupted during epoch' line"
  echo "SIG$sig: exit $rc, $(grep -o 'interrupted during epoch [0-9]*' "$dir.log" | tail -1)"
  sent=$((sent + 1))
done
launch "$dir"
rc=0
wait "$pid" || rc=$?
finished "$dir" "$rc"
same "Ctrl-C" "$dir"
echo "Ctrl-C/SIGTERM: resumed runs equal the straight run byte for byte ($((SECONDS - start))s)"

echo "== a second Ctrl-C exits at once"
dir=$WORK/twice
launch "$dir"
in_epoch "$dir"
kill -s INT "$pid"
kill -s INT "$pid"
rc=0
wait "$pid" || rc=$?
((rc == 130)) || fail "two SIGINTs: exit $rc, want 130"
launch "$dir"
rc=0
wait "$pid" || rc=$?
finished "$dir" "$rc"
same "two SIGINTs" "$dir"
echo "two SIGINTs: exit 130 at once; resumed: equal"

echo "== an ensemble (-members 2, the built-in sample): kill -9 while member 2 trains, resumed"
EARGS=(-members 2 -epochs 4 -embed 16 -hidden 16 -head 8 -max-len 60 -patience 0 -threads 1 -seed 3)
"$WORK/train" "${EARGS[@]}" -out "$WORK/ens-ref" >"$WORK/ens-ref.log" 2>&1 || fail "the straight ensemble: $(tail -3 "$WORK/ens-ref.log")"
dir=$WORK/ens
"$WORK/train" "${EARGS[@]}" -out "$dir" >"$dir.log" 2>&1 &
pid=$!
until grep -qs '"epoch": [1-9]' "$dir/member-2/state.json"; do
  kill -0 "$pid" 2>/dev/null || fail "ensemble: the run ended before member 2's first checkpoint: $(tail -3 "$dir.log")"
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
"$WORK/train" -resume "$dir" >>"$dir.log" 2>&1 || fail "ensemble: -resume: $(tail -3 "$dir.log")"
for f in member-1/model.pt member-1/metrics.jsonl member-2/model.pt member-2/metrics.jsonl member-2/state.json; do
  cmp -s "$WORK/ens-ref/$f" "$dir/$f" || fail "ensemble: $f differs from the straight run's"
done
# ensemble.json from "tested" on: the test result and each member's.
[[ $(sed -n '/"tested"/,$p' "$WORK/ens-ref/ensemble.json") == "$(sed -n '/"tested"/,$p' "$dir/ensemble.json")" ]] &&
  grep -q '"tested": true' "$dir/ensemble.json" || fail "ensemble: ensemble.json's test result differs from the straight run's"
echo "ensemble: killed in member 2, resumed: both members and the ensemble's result equal the straight run's"

echo "== full disk during a save (tmpfs)"
if [[ $(id -u) != 0 ]]; then
  echo "crash-check: the full-disk case is SKIPPED: mounting a tmpfs needs root"
  echo "crash-check: OK"
  exit 0
fi
MNT=$WORK/tmpfs
mkdir -p "$MNT"
# The straight run's folder holds ~370 KB at its largest (a checkpoint and
# model.pt, while the next epoch's files are written): 300 KB fill up
# during the first epochs' saves.
mount -t tmpfs -o size=300k tmpfs "$MNT" || {
  echo "crash-check: the full-disk case is SKIPPED: mount -t tmpfs failed"
  echo "crash-check: OK"
  exit 0
}
dir=$MNT/run
rc=0
"$WORK/train" "${ARGS[@]}" -out "$dir" >"$WORK/full.log" 2>&1 || rc=$?
((rc == 1)) || fail "full disk: exit $rc, want 1: $(tail -3 "$WORK/full.log")"
grep -q "no space left on device" "$WORK/full.log" || fail "full disk: no 'no space left on device' error: $(tail -3 "$WORK/full.log")"
if grep -qE "terminate called|frame #|goroutine |panic:" "$WORK/full.log"; then
  fail "full disk: a crash trace: $(grep -m1 -E "terminate called|frame #|goroutine |panic:" "$WORK/full.log")"
fi
echo "full disk: exit 1: $(grep -m1 "no space" "$WORK/full.log")"
mount -o remount,size=4m "$MNT"
cp "$WORK/full.log" "$dir.log"
launch "$dir"
rc=0
wait "$pid" || rc=$?
finished "$dir" "$rc"
same "full disk" "$dir"
echo "full disk: resumed with space: equal to the straight run byte for byte"
echo "crash-check: OK"
