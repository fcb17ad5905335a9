#!/usr/bin/env bash
# Runs the Go and the Python (seed) data pipelines side by side on the
# 25,000 aclImdb training reviews and prints a markdown table of medians.
#
#   bench/pipeline/run.sh [REPS [ARCHIVE_REPS]]     (defaults 7 and 3)
#
# The data comes from $TORCHRNN_DATA/imdb/aclImdb_v1.tar.xz (default
# ../shared/data from the repository root). The train split is unpacked to
# a temporary folder, which both pipelines read, as the seed reads its
# files; the runs alternate Go, Python, after one untimed warm-up each.
# ARCHIVE_REPS further runs read the .tar.xz directly instead (one row).
# Needs go, libtorch (./setup-libtorch.sh) and python3 with torch
# (Debian's python3-torch, for the collate stage).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reps=${1:-7}
python=${PYTHON:-/usr/bin/python3} # Debian's, with python3-torch
areps=${2:-3}
data=${TORCHRNN_DATA:-$root/../shared/data}
archive=$data/imdb/aclImdb_v1.tar.xz
if [[ ! -f $archive ]]; then
	echo "run.sh: no archive at $archive (set TORCHRNN_DATA to the folder holding imdb/aclImdb_v1.tar.xz)" >&2
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$archive" "$work" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as tar:
    tar.extractall(sys.argv[2], members=[m for m in tar if m.isfile() and
                   m.name.split('/')[-3:-1] in (['train', 'neg'], ['train', 'pos'])])
PY
(cd "$root" && go build -o "$work/pipeline" ./bench/pipeline)
acl=$work/aclImdb
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

"$work/pipeline" -data "$acl" >/dev/null # warm-up: page cache, binary
"$python" "$here/pipeline.py" "$acl" >/dev/null
for _ in $(seq "$reps"); do
	"$work/pipeline" -data "$acl"
	"$python" "$here/pipeline.py" "$acl"
done >"$work/folder.jsonl"
for _ in $(seq "$areps"); do
	"$work/pipeline" -data "$archive"
	"$python" "$here/pipeline.py" "$archive"
done >"$work/archive.jsonl"

python3 "$here/table.py" "$work/folder.jsonl" "$work/archive.jsonl" \
	"$(go version | cut -d' ' -f3)" "$("$python" --version | cut -d' ' -f2)" \
	"$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
