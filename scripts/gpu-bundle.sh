#!/usr/bin/env bash
# gpu-bundle.sh: pack what a GPU machine with no Go toolchain and no network
# needs to build and check torchrnn, into one folder (ignored by git):
#
#   go.tar.xz        this machine's Go toolchain without tests, testdata,
#                    docs and the tools a build does not run (~30 MB)
#   vendor.tar.xz    vendor/ and .fitcache/ (gotch's pristine libtch sources,
#                    and the fits done so far: a libtorch fitted once, on any
#                    machine, is not fitted again)
#   aclImdb_v1.tar.xz  the full IMDB, when ../shared/data has it
#
# Then, on the GPU machine, from the repository root:
#   scripts/gpu-check.sh OUTDIR     (see there)
#
# Usage: scripts/gpu-bundle.sh [DIR]   (default .gpu)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-.gpu}
IMDB=${IMDB:-../shared/data/imdb/aclImdb_v1.tar.xz}
mkdir -p "$DIR"

# vendor/ and the pristine libtch copies must exist: setup makes both.
[ -f .fitcache/pristine/modsum ] && [ -d vendor ] || ./setup-libtorch.sh

GOROOT=$(go env GOROOT)
GOVERSION=$(go env GOVERSION)
if [ "$(cat "$DIR/go.version" 2>/dev/null)" != "$GOVERSION" ]; then
  echo "gpu-bundle: packing $GOVERSION from $GOROOT (a few minutes)" >&2
  tools=$GOROOT/pkg/tool/$(go env GOOS)_$(go env GOARCH)
  tar -C "$(dirname "$GOROOT")" -c \
    --exclude='*_test.go' --exclude=testdata \
    --exclude="$(basename "$GOROOT")/test" --exclude="$(basename "$GOROOT")/api" \
    --exclude="$(basename "$GOROOT")/doc" --exclude="$(basename "$GOROOT")/misc" \
    --exclude="$(basename "$GOROOT")/src/cmd" --exclude="$(basename "$GOROOT")/bin/gofmt" \
    $(for t in fix cover preprofile pprof trace covdata doc; do
      [ -e "$tools/$t" ] && echo "--exclude=$(basename "$GOROOT")/pkg/tool/$(basename "$tools")/$t"
    done) \
    "$(basename "$GOROOT")" | xz -T0 -6 >"$DIR/go.tar.xz.tmp"
  mv "$DIR/go.tar.xz.tmp" "$DIR/go.tar.xz"
  echo "$GOVERSION" >"$DIR/go.version"
fi

echo "gpu-bundle: packing vendor/ and .fitcache/" >&2
tar -c vendor .fitcache | xz -T0 -6 >"$DIR/vendor.tar.xz.tmp"
mv "$DIR/vendor.tar.xz.tmp" "$DIR/vendor.tar.xz"

if [ -f "$IMDB" ]; then
  cp -u "$IMDB" "$DIR/aclImdb_v1.tar.xz"
else
  echo "gpu-bundle: $IMDB not found: the GPU check will skip the full-IMDB runs" >&2
fi
du -sh "$DIR"/* >&2
echo "gpu-bundle: $(du -sh "$DIR" | cut -f1) in $DIR; carry it (with the working tree, 64 MiB at most)" >&2
