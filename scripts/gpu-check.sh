#!/usr/bin/env bash
# gpu-check.sh: on a GPU machine with no Go and no network, build torchrnn
# against the Python torch package's libtorch (CUDA) from the bundle that
# scripts/gpu-bundle.sh made, and check it on the GPU.
#
# Usage: scripts/gpu-check.sh OUTDIR [STEP...]
#   steps (default: all, in this order):
#     parity  the lstm fixture tests on CUDA (cuDNN, TF32 off; tolerances
#             1e-4 outputs, 1e-3 gradients)
#     lm      the default char-level LM on tiny shakespeare (LM_FLAGS, default
#             -epochs 20), then generation speed (cmd/generate -stats)
#     imdb    the default IMDB classifier on the full dataset, then the same
#             model in PyTorch on the same GPU (bench/gpu/imdb_ref.py), with
#             the GPU's utilization sampled (nvidia-smi, every 100 ms) for
#             the share of each epoch (training and validation) it was busy
#     variants  more torchrnn IMDB runs, each VARIANTS entry (NAME:FLAGS,
#             entries split by ';') with TRAIN_FLAGS then FLAGS; after imdb
#     tests   go test ./... (CPU and CUDA builds share the tests)
#
# OUTDIR gets log.txt (everything), results.json (the figures), fitcache.tar.xz
# (the fit of this libtorch: put its .fitcache/ back into the bundle so the
# next machine need not fit again), tests.txt, and the runs' metrics.
# Environment: BUNDLE (default .gpu), LIBTORCH (default: python3's torch/
# when it holds libtorch), DEVICE (default cuda; cpu for a dry run of this
# script on a machine without a GPU), TRAIN_FLAGS (more cmd/train flags, such
# as -dry-run or -epochs 3), PYTHON (default python3: the one with torch), REF_FLAGS (more bench/gpu/imdb_ref.py flags, such as
# --limit 200 --epochs 1), VARIANTS (see above), GOCACHE.
set -uo pipefail
cd "$(dirname "$0")/.."
OUTDIR=${1:?usage: scripts/gpu-check.sh OUTDIR [parity|lm|imdb|tests...]}
shift
STEPS=${*:-parity lm imdb tests}
VARIANTS=${VARIANTS:-}
BUNDLE=${BUNDLE:-.gpu}
WORK=${TMPDIR:-/tmp}/torchrnn-gpu
mkdir -p "$OUTDIR" "$WORK/runs"
OUTDIR=$(cd "$OUTDIR" && pwd)
LOG=$OUTDIR/log.txt
exec > >(tee -a "$LOG") 2>&1
say() { echo "gpu-check: $*"; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }
# stamp prefixes each line with the Unix time it came (bench/gpu/stamp.py),
# for the windows in which the GPU's utilization is averaged.
stamp() { python3 bench/gpu/stamp.py "$@"; }
# TIME measures a run's peak memory where GNU time is installed.
TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -v"
# sampler_start FILE: the GPU's utilization (percent of the last sample
# period in which a kernel ran) every 100 ms, stamped; none without nvidia-smi.
SAMPLER=
sampler_start() {
  command -v nvidia-smi >/dev/null || return 0
  (nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits -lms 100 | stamp >>"$1") &
  SAMPLER=$!
}
sampler_stop() {
  [ -n "$SAMPLER" ] || return 0
  pkill -f 'nvidia-smi --query-gpu=utilization.gpu' 2>/dev/null
  wait "$SAMPLER" 2>/dev/null
  SAMPLER=
}
# train_imdb NAME FLAGS...: one torchrnn run on the full IMDB (one model:
# the epoch compared with PyTorch's is one model's) into $WORK/runs/NAME;
# OUTDIR gets NAME_metrics.jsonl, NAME_times.jsonl and NAME_log.txt (stamped).
train_imdb() {
  local name=$1
  shift
  rm -rf "$WORK/runs/$name"
  $TIME "$WORK/bin/train" -data "$DATA" -device "$DEVICE" -members 1 "$@" -out "$WORK/runs/$name" </dev/null 2>"$WORK/${name}_time.txt" |
    stamp --drop 'train  |valid  |test  ' | tee "$OUTDIR/${name}_log.txt"
  cp "$WORK/runs/$name/metrics.jsonl" "$OUTDIR/${name}_metrics.jsonl"
  cp "$WORK/runs/$name/times.jsonl" "$OUTDIR/${name}_times.jsonl"
}

[ -f "$BUNDLE/go.tar.xz" ] && [ -f "$BUNDLE/vendor.tar.xz" ] ||
  die "no bundle in $BUNDLE: run scripts/gpu-bundle.sh on a machine with Go first"
untar() { tar -xJf "$1" -C "$2" 2>/dev/null || python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"; }
T0=$(now)
[ -x "$WORK/go/bin/go" ] || untar "$BUNDLE/go.tar.xz" "$WORK" || die "cannot unpack $BUNDLE/go.tar.xz"
untar "$BUNDLE/vendor.tar.xz" . || die "cannot unpack $BUNDLE/vendor.tar.xz"
export PATH=$WORK/go/bin:$PATH GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local \
  GOCACHE=${GOCACHE:-$WORK/gocache} GOTELEMETRY=off
DEVICE=${DEVICE:-cuda}
PYTHON=${PYTHON:-python3}
TRAIN_FLAGS=${TRAIN_FLAGS:-}
if [ -z "${LIBTORCH:-}" ]; then
  LIBTORCH=$($PYTHON -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)
  [ -e "$LIBTORCH/lib/libtorch.so" ] || LIBTORCH= # setup-libtorch.sh finds one
fi
export LIBTORCH
say "unpacked in $(python3 -c "print(round($(now) - $T0, 1))")s; $(go version); LIBTORCH=$LIBTORCH"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

T=$(now)
./setup-libtorch.sh || die "setup-libtorch.sh failed"
SETUP_S=$(python3 -c "print(round($(now) - $T, 1))")
tar -c .fitcache | xz -T0 >"$OUTDIR/fitcache.tar.xz"
go build -o "$WORK/bin/" ./cmd/... || die "go build failed"

# summarize writes results.json: the figures of every step run so far.
summarize() {
$PYTHON - "$OUTDIR" "$WORK" "$SETUP_S" "$(declare -p SECONDS_OF)" <<'EOF'
import glob, json, os, re, subprocess, sys
import torch
out, work, setup_s, steps_decl = sys.argv[1:5]
res = {'device': torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
       'torch': torch.__version__, 'cuda': torch.version.cuda, 'cudnn': torch.backends.cudnn.version(),
       'go': subprocess.run(['go', 'version'], capture_output=True, text=True).stdout.strip(),
       'setup_seconds': float(setup_s),
       'step_seconds': {k: float(v) for k, v in re.findall(r'\[(\w+)\]="([\d.]+)"', steps_decl)}}
def lines(p):
    return [json.loads(l) for l in open(p)] if os.path.exists(p) else []
def epochs(name):  # a run's metrics lines with their times (times.jsonl since the split)
    t = {e['epoch']: e for e in lines(os.path.join(out, name + '_times.jsonl'))}
    return [dict(e, **t.get(e['epoch'], {})) for e in lines(os.path.join(out, name + '_metrics.jsonl'))]
util = [tuple(map(float, l.split()[:2])) for l in open(os.path.join(out, 'gpu_util.txt'))
        if len(l.split()) == 2] if os.path.exists(os.path.join(out, 'gpu_util.txt')) else []
def busy(log):  # mean GPU utilization (%) between a run's epoch lines: epochs 2.., training and validation
    p = os.path.join(out, log)
    if not util or not os.path.exists(p):
        return None
    ends = [float(l.split()[0]) for l in open(p) if re.match(r'[\d.]+ epoch +\d', l)]
    shares = []
    for a, b in zip(ends, ends[1:]):
        u = [v for t, v in util if a < t <= b]
        if u:
            shares.append(round(sum(u) / len(u), 1))
    return shares or None
def torchrnn_run(name):
    im = epochs(name)
    if not im:
        return None
    st = json.load(open(os.path.join(work, 'runs', name, 'state.json')))
    cfg = json.load(open(os.path.join(work, 'runs', name, 'config.json')))
    go = {'epochs': len(im), 'epoch_seconds': [round(e['seconds'], 2) for e in im],
          'tokens_per_sec': [round(e['tokens_per_sec']) for e in im],
          'valid_acc': [e['valid_acc'] for e in im], 'best_epoch': st.get('best_epoch'),
          'test_acc': st.get('test_acc'), 'model': cfg['model'], 'gpu_busy_percent': busy(name + '_log.txt')}
    t = open(os.path.join(work, name + '_time.txt')).read()
    m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', t)
    go['peak_rss_mib'] = int(m.group(1)) // 1024 if m else None
    return go
p = os.path.join(out, 'parity.txt')
if os.path.exists(p):
    v = [l.split()[0] for l in open(p) if re.match(r'(PASS|FAIL|CRASH) ', l)]
    res['parity'] = {k.lower(): v.count(k) for k in ('PASS', 'FAIL', 'CRASH')}
    res['parity']['cases'] = [l.strip() for l in open(p) if re.match(r'(PASS|FAIL|CRASH) ', l)]
lm = epochs('lm')
if lm:
    speeds = sorted(float(x) for x in open(os.path.join(work, 'gen_speed')))
    res['lm'] = {'epochs': len(lm), 'best_valid_loss': min(e['valid_loss'] for e in lm),
                 'final_valid_loss': lm[-1]['valid_loss'], 'epoch_seconds': [round(e['seconds'], 2) for e in lm],
                 'tokens_per_sec': [round(e['tokens_per_sec']) for e in lm],
                 'generate_chars_per_sec_median': speeds[len(speeds) // 2], 'generate_chars_per_sec': speeds}
go = torchrnn_run('imdb')
med = lambda xs: sorted(xs)[len(xs) // 2]
if go:
    res['imdb'] = {'torchrnn': go}
    rp = os.path.join(out, 'imdb_ref.json')
    if os.path.exists(rp):
        ref = json.load(open(rp))
        res['imdb']['pytorch'] = {'epochs': len(ref['epochs']),
                                  'epoch_seconds': [round(e['seconds'], 2) for e in ref['epochs']],
                                  'tokens_per_sec': [round(e['tokens_per_sec']) for e in ref['epochs']],
                                  'valid_acc': [e['valid_acc'] for e in ref['epochs']],
                                  'best_epoch': ref.get('best_epoch'), 'test_acc': ref['test_acc'],
                                  'gpu_busy_percent': busy('ref_log.txt')}
        res['imdb']['epoch_time_ratio_pytorch_over_torchrnn'] = med(
            [e['seconds'] for e in ref['epochs']]) / med(go['epoch_seconds'])
for f in sorted(glob.glob(os.path.join(out, 'imdb-*_metrics.jsonl'))):
    name = os.path.basename(f)[:-len('_metrics.jsonl')]
    v = torchrnn_run(name)
    if v:
        res.setdefault('variants', {})[name] = v
json.dump(res, open(os.path.join(out, 'results.json'), 'w'), indent=1)
print(json.dumps(res, indent=1))
EOF
}

declare -A SECONDS_OF
for step in $STEPS; do
  T=$(now)
  say "step $step"
  case $step in
  parity)
    # One process per test, then per case of a test that crashes the
    # process (a crash would hide every case after it).
    go test -c -o "$WORK/lstm.test" ./lstm || die "go test -c ./lstm failed"
    : >"$OUTDIR/parity.txt"
    parity() { # name regex: one line PASS|FAIL|CRASH name, details to parity.txt
      (cd lstm && TORCHRNN_TEST_DEVICE=$DEVICE "$WORK/lstm.test" -test.run "$2" -test.v >"$WORK/case.txt" 2>&1)
      local rc=$? verdict=PASS
      [ $rc = 0 ] || verdict=FAIL
      grep -q '^--- FAIL\|^    --- FAIL\|^FAIL' "$WORK/case.txt" || [ $rc = 0 ] || verdict=CRASH
      echo "$verdict $1" | tee -a "$OUTDIR/parity.txt"
      [ $verdict = PASS ] || grep -v '^\[W' "$WORK/case.txt" | head -40 >>"$OUTDIR/parity.txt"
    }
    for top in $(cd lstm && "$WORK/lstm.test" -test.list 'MatchesPyTorch|OnCUDA'); do
      parity "$top" "^$top\$"
      if grep -q "^CRASH $top\$" "$OUTDIR/parity.txt"; then
        for leaf in $(cd lstm && TORCHRNN_TEST_DEVICE=cpu "$WORK/lstm.test" -test.run "^$top\$" -test.v 2>/dev/null |
          sed -n 's/^=== RUN   \(.*\/.*\)/\1/p'); do
          parity "$leaf" "^$(echo "$leaf" | sed 's|/|$/^|g')\$"
        done
      fi
    done
    ;;
  lm)
    rm -rf "$WORK/runs/lm" "$WORK/gen_speed"
    "$WORK/bin/train" -task lm -device "$DEVICE" ${LM_FLAGS:--epochs 20} $TRAIN_FLAGS -out "$WORK/runs/lm" </dev/null | tr '\r' '\n' | grep -v '^train  \|^valid  '
    cp "$WORK/runs/lm/metrics.jsonl" "$OUTDIR/lm_metrics.jsonl"
    cp "$WORK/runs/lm/times.jsonl" "$OUTDIR/lm_times.jsonl"
    for run in 1 2 3; do
      "$WORK/bin/generate" -run "$WORK/runs/lm" -device "$DEVICE" -len 5000 -seed "$run" -stats \
        >"$WORK/sample$run.txt" 2>"$WORK/gen_stats.txt"
      cat "$WORK/gen_stats.txt"
      sed -n 's/.*: \([0-9]*\) tokens\/s.*/\1/p' "$WORK/gen_stats.txt" >>"$WORK/gen_speed"
    done
    head -c 600 "$WORK/sample1.txt"; echo
    ;;
  imdb)
    DATA=$BUNDLE/aclImdb_v1.tar.xz
    [ -f "$DATA" ] || { say "skip imdb: no $DATA"; continue; }
    sampler_start "$OUTDIR/gpu_util.txt"
    train_imdb imdb $TRAIN_FLAGS
    PYTHONUNBUFFERED=1 $PYTHON bench/gpu/imdb_ref.py --run "$WORK/runs/imdb" --data "$DATA" --device "$DEVICE" ${REF_FLAGS:-} --json "$OUTDIR/imdb_ref.json" 2>&1 |
      stamp | tee "$OUTDIR/ref_log.txt"
    sampler_stop
    ;;
  variants)
    DATA=$BUNDLE/aclImdb_v1.tar.xz
    [ -f "$DATA" ] || { say "skip variants: no $DATA"; continue; }
    sampler_start "$OUTDIR/gpu_util.txt"
    IFS=';' read -ra vs <<<"$VARIANTS"
    for v in "${vs[@]}"; do
      say "variant ${v%%:*}: $TRAIN_FLAGS ${v#*:}"
      train_imdb "imdb-${v%%:*}" $TRAIN_FLAGS ${v#*:}
    done
    sampler_stop
    ;;
  tests)
    go test -count=1 ./... >"$OUTDIR/tests.txt" 2>&1
    echo "tests exit $?" >>"$OUTDIR/tests.txt"
    tail -25 "$OUTDIR/tests.txt"
    ;;
  *) die "unknown step $step" ;;
  esac
  SECONDS_OF[$step]=$(python3 -c "print(round($(now) - $T, 1))")
  summarize >/dev/null
done
summarize

say "done in $(python3 -c "print(round($(now) - $T0, 1))")s"
