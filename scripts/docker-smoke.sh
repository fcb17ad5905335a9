#!/usr/bin/env bash
# docker-smoke.sh: build the torchrnn image and check that its commands work
# (what CI runs for the Docker image). Steps, each timed:
#
#   1. base images: scripts/docker-base-images.sh (makes debian:bookworm-slim
#      and golang:1.26-bookworm where they cannot be pulled; else no-op)
#   2. docker build -t $IMAGE . (BuildKit when `docker buildx` exists, else
#      the legacy builder), then the image's size, user and contents
#   3. train -dry-run on the built-in sample
#   4. a short real training run on a TSV of 300 reviews (from the committed
#      imdb/sample.tar.xz) mounted at /data, written to a host folder at /runs:
#      the folder must hold config.json, model.pt and metrics.jsonl
#   5. predict from that folder: a line "label<TAB>probability<TAB>text"
#   6. as root: train -dry-run as a uid the image does not know (--user)
#   7. when the image has generate: train -task lm -dry-run, then generate
#
# Usage: scripts/docker-smoke.sh [--no-build] [--keep]
#   --no-build  use the existing $IMAGE (skip steps 1-2)
#   --keep      keep the temporary data and run folders (printed at the end)
# Environment: IMAGE (default torchrnn); DOCKER_BUILD_ARGS (extra words for
# `docker build`, e.g. "--network host").
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

WORK=$(mktemp -d "${TMPDIR:-/tmp}/torchrnn-smoke.XXXXXX")
TIMES=()
STEP=
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then echo "docker-smoke: FAILED in step: ${STEP:-setup} (exit $rc)" >&2; fi
  if [ "$KEEP" = 1 ]; then echo "docker-smoke: kept $WORK" >&2; else rm -rf "$WORK" 2>/dev/null || true; fi
  if [ ${#TIMES[@]} -gt 0 ]; then
    echo "docker-smoke: timings" >&2
    printf '  %s\n' "${TIMES[@]}" >&2
  fi
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*" >&2; }
die() { echo "docker-smoke: error: $*" >&2; exit 1; }
# step NAME CMD...: runs CMD (set -e stays in force), records how long it took.
step() {
  local name=$1 t0
  shift
  STEP=$name
  say "$name"
  t0=$(date +%s)
  "$@"
  TIMES+=("$(printf '%-34s %4ds' "$name" $(($(date +%s) - t0)))")
}
# expect FILE PATTERN WHAT: FILE must match the extended regex PATTERN.
expect() { grep -Eq -- "$2" "$1" || { sed 's/^/  | /' "$1" >&2; die "$3"; }; }

command -v docker >/dev/null 2>&1 || die "docker is not installed"
command -v xz >/dev/null 2>&1 || { apt-get update -q >/dev/null; apt-get install -y -q --no-install-recommends xz-utils >/dev/null; } || die "xz is needed to read imdb/sample.tar.xz (apt-get install xz-utils)"

# A non-root caller runs the containers as itself, so that it owns (and can
# delete) what they write. Root runs them as the image's own non-root user,
# which needs a world-writable run folder.
mkdir -p "$WORK/data" "$WORK/runs"
chmod 0755 "$WORK" "$WORK/data"
AS=()
if [ "$(id -u)" = 0 ]; then chmod 0777 "$WORK/runs"; else AS=(--user "$(id -u):$(id -g)"); fi
run() { docker run --rm ${AS[@]+"${AS[@]}"} -v "$WORK/data:/data:ro" -v "$WORK/runs:/runs" "$IMAGE" "$@"; }

build_image() {
  local builder=(env DOCKER_BUILDKIT=0)
  if docker buildx version >/dev/null 2>&1; then builder=(env DOCKER_BUILDKIT=1); fi
  echo "docker-smoke: ${builder[1]} docker build -t $IMAGE . ${DOCKER_BUILD_ARGS:-}" >&2
  # The whole log goes to build.log; the screen gets the steps.
  local rc=0
  # shellcheck disable=SC2086
  "${builder[@]}" docker build ${DOCKER_BUILD_ARGS:-} -t "$IMAGE" . 2>&1 | tee "$WORK/build.log" |
    { grep -E --line-buffered '^(Step [0-9]+/|#[0-9]+ \[|.*setup-libtorch: done|  (libtorch|version|fitted ops):|Successfully)' || true; } ||
    rc=$?
  [ "$rc" = 0 ] || { tail -n 40 "$WORK/build.log" >&2; die "docker build failed"; }
}

inspect_image() {
  docker image inspect "$IMAGE" >/dev/null 2>&1 || die "there is no image $IMAGE (build it: drop --no-build)"
  docker image ls "$IMAGE" >&2
  local user
  user=$(docker image inspect -f '{{.Config.User}}' "$IMAGE")
  case "$user" in "" | root | root:* | 0 | 0:*) die "the image runs as root (User=\"$user\")" ;; esac
  echo "user: $user" >&2
  local tools
  tools=$(docker run --rm --entrypoint sh "$IMAGE" -c 'for t in go gcc g++ cc c++; do command -v $t || true; done') ||
    die "cannot run a shell in $IMAGE"
  [ -z "$tools" ] || die "the runtime image holds build tools: $tools"
  docker run --rm --entrypoint sh "$IMAGE" -c 'ls /opt/torchrnn/bin' >"$WORK/bins" || die "$IMAGE has no /opt/torchrnn/bin"
  echo "commands: $(tr '\n' ' ' <"$WORK/bins")" >&2
  grep -qx train "$WORK/bins" || die "the image has no train"
  grep -qx predict "$WORK/bins" || die "the image has no predict"
  docker run --rm "$IMAGE" >"$WORK/usage" 2>&1 || die "the entrypoint without arguments should print usage and exit 0"
  expect "$WORK/usage" '^usage: docker run' "the entrypoint printed no usage"
  local rc=0
  docker run --rm "$IMAGE" bogus >/dev/null 2>&1 || rc=$?
  [ "$rc" = 2 ] || die "an unknown command should exit 2, got $rc"
}

dry_run() {
  docker run --rm "$IMAGE" train -dry-run 2>&1 | tee "$WORK/dry.log" || die "train -dry-run failed"
  expect "$WORK/dry.log" '[Tt]est' "train -dry-run printed no test result"
}

# make_data: 150 positive and 150 negative training reviews of the built-in
# sample as text<TAB>label lines.
make_data() {
  tar -xJf imdb/sample.tar.xz -C "$WORK" aclImdb/train/pos aclImdb/train/neg || die "cannot unpack imdb/sample.tar.xz"
  local label f
  for label in pos neg; do
    # (awk, not head: head would stop reading, and pipefail would see sort's SIGPIPE)
    find "$WORK/aclImdb/train/$label" -name '*.txt' | sort | awk 'NR <= 150' | while read -r f; do
      tr '\t\r\n' '   ' <"$f"
      printf '\t%s\n' "$label"
    done
  done >"$WORK/data/smoke.tsv"
  rm -rf "$WORK/aclImdb"
  chmod 0644 "$WORK/data/smoke.tsv"
  [ "$(wc -l <"$WORK/data/smoke.tsv")" = 300 ] || die "smoke.tsv should have 300 lines"
  echo "data: $WORK/data/smoke.tsv, 300 lines, $(wc -c <"$WORK/data/smoke.tsv") bytes" >&2
}

train_real() {
  run train -data /data/smoke.tsv -out /runs/smoke -epochs 1 -max-len 60 -hidden 16 2>&1 |
    tee "$WORK/train.log" || die "train on /data/smoke.tsv failed"
  local f
  for f in config.json model.pt metrics.jsonl; do
    [ -s "$WORK/runs/smoke/$f" ] || die "the run folder lacks $f (has: $(ls "$WORK/runs/smoke" 2>/dev/null | tr '\n' ' '))"
  done
  echo "run folder: $(ls "$WORK/runs/smoke" | tr '\n' ' ')" >&2
  [ "$(ls -A "$WORK/runs")" = smoke ] || die "the container wrote more than -out into /runs: $(ls -A "$WORK/runs" | tr '\n' ' ')"
  expect "$WORK/runs/smoke/metrics.jsonl" '^\{' "metrics.jsonl holds no JSON lines"
}

predict() {
  run predict -run /runs/smoke "a great film" "a dull, boring mess" >"$WORK/predict.out" || die "predict failed"
  cat "$WORK/predict.out"
  expect "$WORK/predict.out" $'^(pos|neg)\t(0(\\.[0-9]+)?|1(\\.0+)?)\ta great film$' \
    "predict printed no 'label<TAB>probability<TAB>a great film' line"
  [ "$(wc -l <"$WORK/predict.out")" = 2 ] || die "predict should print one line per text"
}

# any_user: a uid the image does not know (HOME=/), as `docker run --user
# "$(id -u):$(id -g)"` gives, must work too.
any_user() {
  mkdir -p "$WORK/runs-uid"
  chmod 0777 "$WORK/runs-uid"
  docker run --rm --user 4242:4242 -v "$WORK/runs-uid:/runs" "$IMAGE" \
    train -dry-run -hidden 16 -out /runs/uid >"$WORK/uid.log" 2>&1 || { cat "$WORK/uid.log" >&2; die "train as uid 4242 failed"; }
  [ -s "$WORK/runs-uid/uid/model.pt" ] || die "train as uid 4242 wrote no model.pt"
  echo "train -dry-run as uid 4242: ok" >&2
}

generate() {
  run train -task lm -dry-run -hidden 16 -out /runs/lm 2>&1 | tee "$WORK/lm.log" ||
    die "train -task lm -dry-run failed"
  run generate -run /runs/lm -prompt "ROMEO:" -len 80 -seed 1 >"$WORK/generate.out" || die "generate failed"
  cat "$WORK/generate.out"
  [ "$(tr -d '\n' <"$WORK/generate.out" | wc -m)" -ge 80 ] || die "generate printed fewer than 80 characters"
}

T0=$(date +%s)
if [ "$BUILD" = 1 ]; then
  step "base images" scripts/docker-base-images.sh
  step "docker build" build_image
fi
step "image checks" inspect_image
step "train -dry-run" dry_run
step "make data (300-line TSV)" make_data
step "train (1 epoch, mounted volumes)" train_real
step "predict" predict
# (a non-root caller already ran every step as a uid the image does not know)
if [ "$(id -u)" = 0 ]; then step "train as an unknown uid" any_user; fi
if grep -qx generate "$WORK/bins"; then
  step "train -task lm -dry-run + generate" generate
else
  echo "docker-smoke: the image has no generate; skipped" >&2
fi
STEP=
TIMES+=("$(printf '%-34s %4ds' total $(($(date +%s) - T0)))")
say "docker-smoke: all checks passed ($(docker image ls --format '{{.Size}}' "$IMAGE" | head -n 1) image)"
