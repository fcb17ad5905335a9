#!/usr/bin/env bash
# Benchmarks torchrnn side by side with PyTorch on the same libtorch (issue 7)
# and writes the table into BENCHMARKS.md:
#   - the IMDB data pipeline: read, tokenize, vocabulary, encode, collate
#     (bench/pipeline: Go against the seed notebook's Python);
#   - the seed notebook's classifier, one epoch and an evaluation, packed
#     (as the notebook) and padded (each review's last real step gathered),
#     Go and PyTorch from the same weights on the same batches; and
#     torchrnn's default (padded, bucketed batches) against the seed's packed;
#     and PyTorch's packed run once more with glibc's malloc set as torchrnn
#     sets it (libtorch.TuneMalloc);
#   - a character-level language model: one epoch, evaluation, sampling
#     (bench/training: Go, classify.py and charlm.py);
#   - sampling alone from that model (its initial weights): one stream, and
#     16 streams as one batch (characters/s per stream), one thread.
# Go and Python take turns (who goes first alternates by round), with the
# same libtorch thread count in each pair; the table holds medians. The
# data pipeline, a few seconds a pair, runs 3 pairs a round (--smoke: 1).
#
#   bench/run.sh [--smoke | --quick | --sampling] [--reps N] [--no-write]
#
#   --smoke     a few hundred reviews, one round (a few minutes, most of it the
#               one packed batch); prints the table and leaves BENCHMARKS.md alone
#   --quick     under 10 minutes on 2 cores (what CI can run): the pipeline on
#               the 25,000 training reviews; the classifier on 1,000 training
#               and 1,000 test reviews (packed runs: the epoch's first 8
#               batches); 100,000 characters of text; 3 rounds
#   (neither)   the full run: the pipeline and the classifier on the full IMDB
#               (25,000 + 25,000 reviews; packed runs: the first 96 batches, an
#               eighth of the epoch: under glibc's default malloc, libtorch's
#               packed path starts at about 1,300 tokens/s for its first 8
#               batches, then runs at about 7,000); the whole text; 5 rounds;
#               11 (AMD EPYC) to 27 (Intel Xeon) minutes a round on 2 idle cores
#   --sampling  the sampling rows alone (a minute or two): 5 rounds of 5,000
#               characters from one stream and 1,000 from each of 16
#   --reps N    N rounds instead
#   --no-write  print the section only
#
# Data: $TORCHRNN_DATA (default ../shared/data next to the repository)
# holding imdb/aclImdb_v1.tar.xz and corpus/tinyshakespeare.txt. Python is
# /usr/bin/python3 with Debian's python3-torch (the libtorch1.13 that the Go
# side links), installed with apt-get when missing. KEEP=DIR keeps the raw
# JSON lines of every run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
command="bench/run.sh${*:+ $*}"
mode=full write=1 reps=
while [[ $# -gt 0 ]]; do
	case $1 in
	--smoke | --quick | --sampling) mode=${1#--} ;;
	--reps)
		reps=${2:-}
		[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --reps needs a positive number" >&2; exit 2; }
		shift
		;;
	--no-write) write=0 ;;
	-h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see bench/run.sh --help)" >&2; exit 2 ;;
	esac
	shift
done
cores=$(nproc)
case $mode in
smoke) pipe=400 pipe_pairs=1 train=256 test=128 packed_batches=1 chars=20000 sample=100 rounds=1 write=0 ;;
quick) pipe=25000 pipe_pairs=3 train=1000 test=1000 packed_batches=8 chars=100000 sample=300 rounds=3 ;;
full) pipe=25000 pipe_pairs=3 train=25000 test=25000 packed_batches=96 chars=0 sample=500 rounds=5 ;;
sampling) pipe=0 rounds=5 ;;
esac
# Sampling alone: characters from one stream, and per stream from 16.
case $mode in
smoke) sample1=200 sample16=50 ;;
quick) sample1=2000 sample16=500 ;;
*) sample1=5000 sample16=1000 ;;
esac
rounds=${reps:-$rounds}

data=${TORCHRNN_DATA:-$root/../shared/data}
archive=$data/imdb/aclImdb_v1.tar.xz
text=$data/corpus/tinyshakespeare.txt
for f in "$archive" "$text"; do
	if [[ ! -f $f ]]; then
		echo "run.sh: no $f (set TORCHRNN_DATA to the folder holding" \
			"imdb/aclImdb_v1.tar.xz and corpus/tinyshakespeare.txt)" >&2
		exit 1
	fi
done

py=/usr/bin/python3
if ! (cd / && "$py" -c 'import torch; torch.zeros(1)') 2>/dev/null; then # from /: the repository's Go package torch/ is no PyTorch
	echo "run.sh: installing Debian's python3-torch (PyTorch on the same libtorch1.13)" >&2
	sudo=()
	[[ $(id -u) == 0 ]] || sudo=(sudo)
	export DEBIAN_FRONTEND=noninteractive
	install=("${sudo[@]}" apt-get install -y -q --no-install-recommends python3-torch)
	"${install[@]}" >&2 || { "${sudo[@]}" apt-get update -q >&2 && "${install[@]}" >&2; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build() {
	(cd "$root" && go build -o "$work/pipeline" ./bench/pipeline && go build -o "$work/training" ./bench/training)
}
if ! build 2>"$work/build.log"; then
	echo "run.sh: the Go build failed; running ./setup-libtorch.sh first" >&2
	(cd "$root" && ./setup-libtorch.sh >&2) && build
fi

echo "run.sh: $mode run, $rounds round(s); unpacking the data ($(date +%T))" >&2
imdb=$work/imdb pipedir=$work/imdb
if [[ $mode != sampling ]]; then
	"$py" "$here/subset.py" "$archive" "$imdb" "$train" "$test"
	if [[ $pipe != "$train" ]]; then
		pipedir=$work/pipe
		"$py" "$here/subset.py" "$archive" "$pipedir" "$pipe" 0
	fi
fi

# Each run appends one JSON line to $work/KIND.jsonl.
pipe_go() { OMP_NUM_THREADS=1 "$work/pipeline" -data "$pipedir" >>"$work/pipeline.jsonl"; }
pipe_py() { OMP_NUM_THREADS=1 "$py" "$here/pipeline/pipeline.py" "$pipedir" >>"$work/pipeline.jsonl"; }
# train_go and train_py KIND THREADS TASK ARGS...: TASK is classify or lm.
train_go() {
	local kind=$1 threads=$2 task=$3
	shift 3
	OMP_NUM_THREADS=$threads "$work/training" "$task" --threads "$threads" "$@" >>"$work/$kind.jsonl"
}
train_py() {
	local kind=$1 threads=$2 script=$here/training/classify.py
	[[ $3 == lm ]] && script=$here/training/charlm.py
	shift 3
	OMP_NUM_THREADS=$threads "$py" "$script" --threads "$threads" "$@" >>"$work/$kind.jsonl"
}
# alternate GO PY ARGS...: both, Go first in odd rounds.
alternate() {
	local go_run=$1 py_run=$2
	shift 2
	if ((round % 2)); then "$go_run" "$@" && "$py_run" "$@"; else "$py_run" "$@" && "$go_run" "$@"; fi
}
say() { echo "run.sh: $(date +%T) round $round of $rounds: $*" >&2; }

date=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ $mode != sampling ]]; then
	OMP_NUM_THREADS=1 "$work/pipeline" -data "$pipedir" >/dev/null # warm-up: page cache
	OMP_NUM_THREADS=1 "$py" "$here/pipeline/pipeline.py" "$pipedir" >/dev/null
fi
# sampling: one stream, then 16 as one batch, from the initial weights.
sampling() {
	say "character LM sampling, 1 thread, 1 stream and 16"
	alternate train_go train_py sample1 1 lm --text "$text" --chars 20000 --no-train --sample "$sample1" --streams 1
	alternate train_go train_py sample16 1 lm --text "$text" --chars 20000 --no-train --sample "$sample16" --streams 16
}
for round in $(seq "$rounds"); do
	if [[ $mode == sampling ]]; then
		sampling
		continue
	fi
	say "data pipeline, $pipe reviews, $pipe_pairs pair(s)"
	for _ in $(seq "$pipe_pairs"); do # a few seconds a pair: more runs steady its median
		alternate pipe_go pipe_py
	done
	say "classifier, packed, $cores threads, $packed_batches batches"
	alternate train_go train_py packed "$cores" classify --data "$imdb" --strategy packed --batches "$packed_batches"
	say "classifier, packed, PyTorch with malloc set as torchrnn's libtorch.TuneMalloc"
	MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456 \
		train_py tuned "$cores" classify --data "$imdb" --strategy packed --batches "$packed_batches"
	say "classifier, padded, 1 thread"
	alternate train_go train_py padded 1 classify --data "$imdb" --strategy padded
	say "classifier, torchrnn's default (padded, bucketed), 1 thread"
	train_go default 1 classify --data "$imdb" --strategy padded --bucket
	say "character language model, 1 thread"
	alternate train_go train_py lm 1 lm --text "$text" --chars "$chars" --sample "$sample"
	# Where torchrnn gave OpenBLAS the CPU's kernels (OpenBLAS fell back to
	# its baseline), PyTorch once more with the same kernels.
	core=$(tail -n 20 "$work/lm.jsonl" | "$py" -c 'import json, sys
r = [json.loads(l) for l in sys.stdin if l.strip()]
print(next((x["blas"] for x in reversed(r) if x.get("blas_fitted")), ""))')
	if [[ -n $core ]]; then
		say "character language model, PyTorch with OpenBLAS's $core kernels"
		OPENBLAS_CORETYPE=$core train_py blas 1 lm --text "$text" --chars "$chars" --sample "$sample"
	fi
	sampling
done

cat >"$work/info.json" <<EOF
{"mode": "$mode", "command": "$command", "date": "$date", "seconds": $SECONDS,
 "load_before": "$load_before", "load_after": "$(cut -d' ' -f1-3 /proc/loadavg)",
 "go": "$(go version | cut -d' ' -f3)", "reps": $rounds, "pipe_reps": $((rounds * ${pipe_pairs:-0}))}
EOF
if [[ -n ${KEEP:-} ]]; then
	mkdir -p "$KEEP" && cp "$work"/*.jsonl "$work/info.json" "$KEEP"/
fi
report=("$py" "$here/report.py" "$work")
((write)) && report+=(--write "$root/BENCHMARKS.md")
"${report[@]}"
