#!/usr/bin/env bash
# bench/dist.sh: data-parallel scaling on this machine (issue 24): the same
# language-model epoch with 1, 2 and 4 ranks (Gloo, one libtorch thread each,
# scripts/dist-launch.sh), the global batch fixed, so every run computes the
# same steps. Prints, per world size: tokens/s of the training pass (from
# the epoch line), the all-reduce cost per step (train's "dist:" lines),
# the gradient size, and the load average before and after.
#
# Usage: bench/dist.sh [TRAIN_BINARY]   (default: builds ./cmd/train)
# Environment: SIZES (default "1 2 4"), CHARS (characters of tiny
# shakespeare to train on, default 200000), FLAGS (extra train flags).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/torchrnn-distbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [ -z "$BIN" ]; then
  go build -o "$WORK/train" ./cmd/train
  BIN=$WORK/train
fi
go run ./bench/dist/text "${CHARS:-200000}" >"$WORK/text.txt"
port=29600
for n in ${SIZES:-1 2 4}; do
  port=$((port + 1))
  load0=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s.%N)
  scripts/dist-launch.sh -n "$n" -port "$port" -- "$BIN" -task lm -text "$WORK/text.txt" -epochs 1 \
    -batch 64 -bptt 100 -threads 1 -out "$WORK/run$n" ${FLAGS:-} >"$WORK/log$n" 2>&1 ||
    { cat "$WORK/log$n" >&2; echo "bench/dist: $n ranks failed" >&2; exit 1; }
  t1=$(date +%s.%N)
  load1=$(cut -d' ' -f1 /proc/loadavg)
  tps=$(python3 -c 'import json,sys; print(round(json.loads(open(sys.argv[1]).readline())["tokens_per_sec"]))' "$WORK/run$n/times.jsonl")
  printf 'ranks %d: %6s tokens/s (training pass), wall %.1fs, load %s -> %s\n' "$n" "$tps" "$(python3 -c "print($t1 - $t0)")" "$load0" "$load1"
  grep '^dist:' "$WORK/log$n" | grep -v joined | sed 's/^/  /' || true
done
