#!/usr/bin/env bash
# dist-smoke.sh: data-parallel training across Docker containers (issue 24),
# what CI runs when Docker is available. Steps, each timed:
#
#   1. the image: scripts/docker-base-images.sh and docker build (as
#      scripts/docker-smoke.sh builds it), unless --no-build
#   2. a private Docker network, and one training run in one container: the
#      reference (classifier on a 600-review TSV of the built-in sample,
#      dropout 0, 2 epochs, batch 32)
#   3. the same run as 2 containers (RANK 0 and 1, WORLD_SIZE=2,
#      MASTER_ADDR=the rank-0 container's name) on that network: rank 0's
#      run folder must hold the same files as the reference, the same
#      metrics (losses within 1e-4) and the same test accuracy line
#   4. a longer 2-container run; once its first epoch is committed, the
#      rank-1 container is killed (docker kill, SIGKILL): rank 0 must exit
#      non-zero with a message naming the failed collective within 60 s, and
#      predict must still load its run folder (the last checkpoint)
#
# Usage: scripts/dist-smoke.sh [--no-build] [--keep]
# Environment: IMAGE (default torchrnn), DOCKER_BUILD_ARGS.
# Exits non-zero, naming the step, at the first failure.
set -euo pipefail

cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-torchrnn}
BUILD=1
KEEP=0
for a in "$@"; do
  case "$a" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--no-build] [--keep]" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/torchrnn-dist.XXXXXX")
NET=torchrnn-dist-$$
NAME=torchrnn-dist-$$
TIMES=()
STEP=
cleanup() {
  local rc=$?
  docker rm -f "$NAME-0" "$NAME-1" "$NAME-ref" >/dev/null 2>&1 || true
  docker network rm "$NET" >/dev/null 2>&1 || true
  if [ "$rc" != 0 ]; then echo "dist-smoke: FAILED in step: ${STEP:-setup} (exit $rc)" >&2; fi
  if [ "$KEEP" = 1 ]; then echo "dist-smoke: kept $WORK" >&2; else rm -rf "$WORK" 2>/dev/null || true; fi
  if [ ${#TIMES[@]} -gt 0 ]; then
    echo "dist-smoke: timings" >&2
    printf '  %s\n' "${TIMES[@]}" >&2
  fi
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*" >&2; }
die() { echo "dist-smoke: error: $*" >&2; exit 1; }
step() {
  local name=$1 t0
  shift
  STEP=$name
  say "$name"
  t0=$(date +%s)
  "$@"
  TIMES+=("$(printf '%-40s %4ds' "$name" $(($(date +%s) - t0)))")
}

command -v docker >/dev/null 2>&1 || die "docker is not installed"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to compare the run folders"
command -v xz >/dev/null 2>&1 || die "xz is needed to read imdb/sample.tar.xz (apt-get install xz-utils)"

mkdir -p "$WORK/data" "$WORK/runs"
chmod 0755 "$WORK" "$WORK/data"
chmod 0777 "$WORK/runs" # the image's user writes there
# No dropout of any kind: each rank draws its own masks for its half of a
# batch, as under PyTorch's DDP, so with dropout two ranks cannot match one
# process's numbers (the data-driven recipe would pick -embed-dropout 0.2).
FLAGS=(-data /data/dist.tsv -epochs 2 -batch 32 -max-len 60 -embed 32 -hidden 32 -dropout 0 -embed-dropout 0 -threads 1 -patience 0)

build_image() {
  scripts/docker-base-images.sh
  # shellcheck disable=SC2086
  docker build ${DOCKER_BUILD_ARGS:-} -t "$IMAGE" . >"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log" >&2; die "docker build failed"; }
  docker image ls "$IMAGE" >&2
}

# make_data: 300 positive and 300 negative training reviews of the built-in
# sample as text<TAB>label lines.
make_data() {
  tar -xJf imdb/sample.tar.xz -C "$WORK" aclImdb/train/pos aclImdb/train/neg || die "cannot unpack imdb/sample.tar.xz"
  local label f
  for label in pos neg; do
    find "$WORK/aclImdb/train/$label" -name '*.txt' | sort | awk 'NR <= 300' | while read -r f; do
      tr '\t\r\n' '   ' <"$f"
      printf '\t%s\n' "$label"
    done
  done >"$WORK/data/dist.tsv"
  rm -rf "$WORK/aclImdb"
  chmod 0644 "$WORK/data/dist.tsv"
  docker network create "$NET" >/dev/null
}

# rank R NAME [flags]: starts rank R of 2 in the background as container NAME-R.
rank() {
  local r=$1 out=$2
  shift 2
  docker run -d --name "$NAME-$r" --hostname "$NAME-$r" --network "$NET" \
    -e RANK="$r" -e WORLD_SIZE=2 -e LOCAL_RANK=0 -e MASTER_ADDR="$NAME-0" -e MASTER_PORT=29500 \
    -v "$WORK/data:/data:ro" -v "$WORK/runs:/runs" "$IMAGE" train "${FLAGS[@]}" -out "/runs/$out" "$@" >/dev/null
}

# finish NAME: waits for the container, saves its log, removes it; prints its status.
finish() {
  local rc
  rc=$(docker wait "$1")
  docker logs "$1" >"$WORK/$1.log" 2>&1 || true
  docker rm "$1" >/dev/null
  echo "$rc"
}

reference() {
  docker run --name "$NAME-ref" --network "$NET" -v "$WORK/data:/data:ro" -v "$WORK/runs:/runs" \
    "$IMAGE" train "${FLAGS[@]}" -out /runs/one >"$WORK/one.log" 2>&1 || { cat "$WORK/one.log" >&2; die "the one-container run failed"; }
  docker rm "$NAME-ref" >/dev/null
  grep '^test:' "$WORK/one.log" >&2 || die "the one-container run printed no test line"
}

two_containers() {
  rank 0 two
  rank 1 two
  local rc0 rc1
  rc1=$(finish "$NAME-1")
  rc0=$(finish "$NAME-0")
  cat "$WORK/$NAME-0.log" >&2
  [ "$rc0" = 0 ] && [ "$rc1" = 0 ] || { cat "$WORK/$NAME-1.log" >&2; die "the 2-container run failed (exit $rc0 and $rc1)"; }
  grep -q 'dist: rank 0 of 2' "$WORK/$NAME-0.log" || die "rank 0 did not report joining"
  local a b
  a=$(grep '^test:' "$WORK/one.log" | sed 's/, best epoch.*//')
  b=$(grep '^test:' "$WORK/$NAME-0.log" | sed 's/, best epoch.*//')
  [ "$a" = "$b" ] || die "test results differ: one container '$a', two '$b'"
  echo "same test result: $b" >&2
  python3 - "$WORK/runs/one" "$WORK/runs/two" <<'PY'
import json, os, sys
one, two = sys.argv[1:]
fa, fb = sorted(os.listdir(one)), sorted(os.listdir(two))
if fa != fb:
    sys.exit(f"run folders hold different files: {fa} vs {fb}")
def metrics(d):
    return [json.loads(l) for l in open(os.path.join(d, "metrics.jsonl")) if l.strip()]
ma, mb = metrics(one), metrics(two)
if len(ma) != len(mb):
    sys.exit(f"{len(ma)} and {len(mb)} epochs in metrics.jsonl")
skip = {"seconds", "tokens_per_sec", "time", "elapsed"}
for ea, eb in zip(ma, mb):
    for k, va in ea.items():
        if k in skip or not isinstance(va, (int, float)):
            continue
        vb = eb.get(k)
        if not isinstance(vb, (int, float)) or abs(va - vb) > 1e-4:
            sys.exit(f"epoch {ea.get('epoch')}: {k} is {va} in one container, {vb} in two")
print(f"run folders: same {len(fa)} files, metrics of {len(ma)} epochs equal within 1e-4", file=sys.stderr)
PY
}

kill_rank() {
  rank 0 killed -epochs 20 -max-len 200
  rank 1 killed -epochs 20 -max-len 200
  local state="$WORK/runs/killed/state.json" i
  for ((i = 0; i < 600; i++)); do
    if [ -f "$state" ] && python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("epoch", 0) >= 1 else 1)' "$state" 2>/dev/null; then
      break
    fi
    sleep 1
  done
  [ "$i" -lt 600 ] || die "epoch 1 was not committed within 10 minutes"
  sleep 2 # into epoch 2
  docker kill "$NAME-1" >/dev/null
  local t0 rc
  t0=$(date +%s)
  rc=$(timeout 90 docker wait "$NAME-0") || die "rank 0 still runs 90 s after rank 1 was killed"
  local took=$(($(date +%s) - t0))
  docker logs "$NAME-0" >"$WORK/killed.log" 2>&1 || true
  docker rm "$NAME-0" "$NAME-1" >/dev/null 2>&1 || true
  tail -n 3 "$WORK/killed.log" >&2
  [ "$rc" != 0 ] || die "rank 0 exited 0 after rank 1 was killed"
  [ "$took" -le 60 ] || die "rank 0 took ${took}s to stop after rank 1 was killed (want at most 60)"
  grep -Eq 'dist: rank 0 of 2: .*failed' "$WORK/killed.log" || die "rank 0's message does not say a collective failed"
  echo "rank 0 exited $rc ${took}s after rank 1 was killed" >&2
  docker run --rm -v "$WORK/runs:/runs" "$IMAGE" predict -run /runs/killed "a great film" >"$WORK/predict.out" 2>&1 ||
    { cat "$WORK/predict.out" >&2; die "predict cannot load the killed run's last checkpoint"; }
  cat "$WORK/predict.out" >&2
}

T0=$(date +%s)
if [ "$BUILD" = 1 ]; then step "docker build" build_image; fi
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "there is no image $IMAGE (build it: drop --no-build)"
step "data (600-line TSV) and network" make_data
step "one container (reference)" reference
step "two containers, same run" two_containers
step "two containers, rank 1 killed mid-run" kill_rank
STEP=
TIMES+=("$(printf '%-40s %4ds' total $(($(date +%s) - T0)))")
say "dist-smoke: all checks passed"
