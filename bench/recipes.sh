#!/usr/bin/env bash
# The recipe benchmark (issue 20): the default classifier, default flags, on
# two kinds of data, each a whole run (read, train, evaluate) timed:
#   - IMDB (25,000 long reviews; 20% of train held out for validation; test
#     on the 25,000 test reviews): test accuracy;
#   - SemEval-2016 Task 4A tweets (6,000 short texts, 3 classes): train on
#     train, select on dev, test on test (the trainer), then devtest scored
#     with cmd/predict -eval: accuracy and the task's measure, the mean F1 of
#     the positive and the negative class (F1^PN).
# Prints a Markdown table to paste into BENCHMARKS.md.
#
#   bench/recipes.sh [--imdb | --tweets] [--out DIR] [-- extra cmd/train flags]
#
# Data: $TORCHRNN_DATA (default ../shared/data next to the repository) with
# imdb/aclImdb_v1.tar.xz and tweets/semeval2016-task4a.tar.xz. The tweets
# are for internal use: they are unpacked into a temporary folder, never
# into the repository, and the run folders go to --out (default a
# temporary folder).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${TORCHRNN_DATA:-$root/../shared/data}
which=both
out=
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --imdb) which=imdb ;;
    --tweets) which=tweets ;;
    --out) out=$2; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "bench/recipes.sh: unknown argument $1 (--imdb, --tweets, --out DIR, -- flags)" >&2; exit 2 ;;
  esac
  shift
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${out:-$tmp/runs}
mkdir -p "$out"

bin=$tmp/bin
(cd "$root" && go build -o "$bin/train" ./cmd/train && go build -o "$bin/predict" ./cmd/predict)

# seconds since the epoch, with a fraction
now() { date +%s.%N; }
# field of a run folder's state.json (an ensemble's: ensemble.json): test_acc
# or the test F1^PN
state() { python3 -c 'import json,os,sys
f = sys.argv[1] + "/ensemble.json"
s = json.load(open(f if os.path.exists(f) else sys.argv[1] + "/state.json"))
print({"acc": s.get("test_acc", 0), "pn": (s.get("test_classes") or {}).get("pos_neg_f1", "")}[sys.argv[2]])' "$1" "$2"; }

rows=()
if [ "$which" != tweets ]; then
  f=$data/imdb/aclImdb_v1.tar.xz
  [ -f "$f" ] || { echo "bench/recipes.sh: $f is missing (set TORCHRNN_DATA)" >&2; exit 1; }
  echo "== IMDB: $bin/train -data $f ${extra[*]}"
  t0=$(now)
  "$bin/train" -data "$f" -out "$out/imdb" "${extra[@]}" | tee "$tmp/imdb.log" | grep -E '^(epoch|test|best|data|model|ensemble)'
  secs=$(python3 -c "print(round($(now) - $t0))")
  rows+=("| IMDB | test (25,000) | $(python3 -c "print(f'{100*$(state "$out/imdb" acc):.2f}%')") | - | $((secs / 60))m$((secs % 60))s |")
fi
if [ "$which" != imdb ]; then
  f=$data/tweets/semeval2016-task4a.tar.xz
  [ -f "$f" ] || { echo "bench/recipes.sh: $f is missing (set TORCHRNN_DATA)" >&2; exit 1; }
  tar xJf "$f" -C "$tmp"
  tw=$tmp/semeval2016-task4a/clean # id<TAB>label<TAB>text, no header
  echo "== tweets: $bin/train -train train.tsv -dev dev.tsv -test test.tsv -text-column 3 -label-column 2 ${extra[*]}"
  t0=$(now)
  "$bin/train" -train "$tw/train.tsv" -dev "$tw/dev.tsv" -test "$tw/test.tsv" -text-column 3 -label-column 2 \
    -out "$out/tweets" "${extra[@]}" | tee "$tmp/tweets.log" | grep -E '^(epoch|test|best|data|model|ensemble)'
  secs=$(python3 -c "print(round($(now) - $t0))")
  "$bin/predict" -run "$out/tweets" -eval "$tw/devtest.tsv" -text-column 3 -label-column 2 | tee "$tmp/devtest.txt"
  dt_acc=$(sed -n 's/.*accuracy \([0-9.]*%\).*/\1/p' "$tmp/devtest.txt" | head -n 1)
  dt_pn=$(sed -n 's/.*F1 of positive and negative \([0-9.]*\).*/\1/p' "$tmp/devtest.txt")
  rows+=("| tweets | test (20,632) | $(python3 -c "print(f'{100*$(state "$out/tweets" acc):.2f}%')") | $(python3 -c "print(f'{float(\"$(state "$out/tweets" pn)\" or 0):.4f}')") | $((secs / 60))m$((secs % 60))s |")
  rows+=("| tweets | devtest (2,000) | $dt_acc | $dt_pn | (same run) |")
fi

echo
echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; extra flags: ${extra[*]:-none}."
echo
echo "| data | split | accuracy | F1^PN | whole run |"
echo "|---|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
