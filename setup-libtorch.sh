#!/usr/bin/env bash
# setup-libtorch.sh: find (or install) libtorch, then fit the vendored gotch to it.
#
# Where libtorch comes from, first match wins:
#   1. $LIBTORCH: a folder with include/ and lib/ (the official zip layout, or
#      the torch/ folder of a Python install such as site-packages/torch).
#   2. The previous run's choice, kept in .libtorch.env.
#   3. Debian/Ubuntu: the libtorch-dev package (installed with apt-get when
#      missing, with libopenblas0-pthread: ~1.6x faster than reference BLAS,
#      and libgloo-dev: Gloo's headers, for c10d's process groups (package dist)).
#   4. The official zip from download.pytorch.org ($LIBTORCH_VERSION, default
#      2.1.0; CUDA 12.1 when nvidia-smi works), unpacked under $LIBTORCH_HOME.
#
# Then: go mod vendor; vendor/.../gotch/libtch/lib.go gets cgo flags for that
# libtorch; every generated op that does not compile against it becomes a
# call-time error (fitgotch); go build ./... && go vet ./...
#
# Usage: ./setup-libtorch.sh [--print]
#   --print   only detect and print what was found (KEY=value lines); install
#             and build nothing.
# Idempotent: a second run with nothing changed only re-checks the build.
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)
STATE="$ROOT/.libtorch.env"
GOTCH_VERSION=v0.9.1
LIBTORCH_VERSION=${LIBTORCH_VERSION:-2.1.0}
LIBTORCH_HOME=${LIBTORCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/torchrnn}
PRINT_ONLY=0
FROM_STATE=
[ "${1:-}" = "--print" ] && PRINT_ONLY=1

log() { [ "$PRINT_ONLY" = 1 ] || echo "setup-libtorch: $*" >&2; }
die() { echo "setup-libtorch: error: $*" >&2; exit 1; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# layout_of DIR: sets INCLUDE and LIB when DIR holds libtorch's include/ and lib/.
layout_of() {
  local dir=$1
  [ -f "$dir/include/torch/csrc/api/include/torch/version.h" ] || return 1
  ls "$dir"/lib/libtorch.so* >/dev/null 2>&1 || return 1
  INCLUDE=$(cd "$dir/include" && pwd)
  LIB=$(cd "$dir/lib" && pwd)
}

debian_multiarch() {
  dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch
}

from_debian() {
  command -v apt-get >/dev/null 2>&1 && [ -r /etc/debian_version ] || return 1
  local missing=()
  for p in libtorch-dev libopenblas0-pthread libgloo-dev; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *"ok installed"* ]] || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$PRINT_ONLY" = 1 ] && return 1
    log "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! sudo_ apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
      sudo_ apt-get update -q >/dev/null
      sudo_ apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
        return 1
    fi
  fi
  INCLUDE=/usr/include
  LIB=/usr/lib/$(debian_multiarch)
  [ -f "$INCLUDE/torch/csrc/api/include/torch/version.h" ] && [ -e "$LIB/libtorch.so" ]
}

download() {
  local variant=cpu
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >/dev/null 2>&1; then variant=cu121; fi
  local dest="$LIBTORCH_HOME/libtorch-$LIBTORCH_VERSION-$variant"
  if layout_of "$dest/libtorch"; then return 0; fi
  [ "$PRINT_ONLY" = 1 ] && return 1
  local url="https://download.pytorch.org/libtorch/$variant/libtorch-cxx11-abi-shared-with-deps-$LIBTORCH_VERSION%2B$variant.zip"
  log "downloading $url"
  mkdir -p "$dest"
  if ! curl -fL --retry 2 -o "$dest/libtorch.zip.part" "$url"; then
    rm -f "$dest/libtorch.zip.part"
    die "could not download libtorch from $url.
  This machine may be offline. Point LIBTORCH at a libtorch folder (one with
  include/ and lib/: an unpacked official zip, or the torch/ folder of a Python
  torch install), e.g.  LIBTORCH=/opt/libtorch ./setup-libtorch.sh
  On Debian/Ubuntu, 'apt-get install libtorch-dev' also works."
  fi
  command -v unzip >/dev/null 2>&1 || die "unzip is needed to unpack $dest/libtorch.zip.part"
  unzip -q -o "$dest/libtorch.zip.part" -d "$dest" && rm -f "$dest/libtorch.zip.part"
  layout_of "$dest/libtorch" || die "$url did not unpack to a libtorch layout in $dest"
}

find_libtorch() {
  if [ -n "${LIBTORCH:-}" ]; then
    layout_of "$LIBTORCH" || die "LIBTORCH=$LIBTORCH has no include/torch/csrc/api/include/torch/version.h and lib/libtorch.so"
    SOURCE="LIBTORCH"
    return
  fi
  if [ -f "$STATE" ]; then
    # shellcheck disable=SC1090
    ( . "$STATE" && [ -f "$INCLUDE/torch/csrc/api/include/torch/version.h" ] && [ -e "$LIB/libtorch.so" ] ) &&
      { . "$STATE"; FROM_STATE=" (the choice kept in .libtorch.env)"; return; }
  fi
  if from_debian; then
    SOURCE="debian libtorch-dev $(dpkg-query -W -f='${Version}' libtorch-dev)"
    return
  fi
  download
  SOURCE="download $LIBTORCH_VERSION"
}

detect() {
  # libtorch 2.9+ moved the numbers to torch/headeronly/version.h.
  local h="$INCLUDE/torch/csrc/api/include/torch/version.h" h2="$INCLUDE/torch/headeronly/version.h"
  VERSION=$(cat "$h" $([ -f "$h2" ] && echo "$h2") |
    sed -n 's/^#define TORCH_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' | paste -sd. -)
  [ -n "$VERSION" ] || die "cannot read the version from $h"
  # A libtorch built with the new C++ ABI exports std::__cxx11 names from c10.
  local c10
  c10=$(ls "$LIB"/libc10.so* 2>/dev/null | head -n 1)
  [ -n "$c10" ] || die "no libc10.so in $LIB"
  local n
  n=$(nm -D --defined-only "$c10" 2>/dev/null | grep -c '__cxx11' || true)
  if [ "$n" -gt 0 ]; then ABI=1; else ABI=0; fi
  if ls "$LIB"/libtorch_cuda.so* >/dev/null 2>&1; then CUDA=1; else CUDA=0; fi
}

find_libtorch
detect
if [ "$PRINT_ONLY" = 1 ]; then
  printf 'SOURCE=%q\nINCLUDE=%q\nLIB=%q\nVERSION=%s\nABI=%s\nCUDA=%s\n' "$SOURCE" "$INCLUDE" "$LIB" "$VERSION" "$ABI" "$CUDA"
  exit 0
fi
START=$(date +%s)
# One run at a time: a second one waits (two would rewrite vendor/ together).
exec 9>"$ROOT/.setup-libtorch.lock"
flock 9
command -v go >/dev/null 2>&1 || die "Go is not on PATH (https://go.dev/doc/install)"
printf 'SOURCE=%q\nINCLUDE=%q\nLIB=%q\n' "$SOURCE" "$INCLUDE" "$LIB" >"$STATE.tmp" && mv "$STATE.tmp" "$STATE"

# The vendored gotch is fitted once per (go.mod, go.sum, libtorch, fitter).
# .fitcache/ keeps gotch's libtch sources as vendored (pristine/) and each
# fit's results (fit-<key>/), so that a new libtorch is fitted without a
# download and a libtorch fitted before needs no fitting at all.
LIBTCH=vendor/github.com/sugarme/gotch/libtch
STAMP=vendor/.torchrnn-fit
CACHE=.fitcache
PRISTINE=$CACHE/pristine
PRISTINE_FILES="torch_api.cpp torch_api_generated.cpp.h"
FITTED_FILES="lib.go torchrnn.go $PRISTINE_FILES"
KEY=$(cat go.mod go.sum internal/tools/fitgotch/*.go fitgotch/*.go | sha256sum | cut -c1-16)-$INCLUDE-$LIB-$VERSION-$ABI-$CUDA
FITDIR=$CACHE/fit-$(echo "$KEY" | sha256sum | cut -c1-16)
MODSUM=$(cat go.mod go.sum | sha256sum | cut -c1-16)
# An import of a module that vendor/ lacks also calls for a new vendor/.
if [ -f "$STAMP" ] && [ "$(head -n 1 "$STAMP")" = "$KEY" ] && go list -deps -test ./... >/dev/null 2>&1; then
  log "vendor/ already fitted to libtorch $VERSION"
else
  if [ -d "$LIBTCH" ] && [ -f "$PRISTINE/modsum" ] && [ "$(cat "$PRISTINE/modsum")" = "$MODSUM" ] &&
    go list -deps -test ./... >/dev/null 2>&1; then
    log "vendor/ is current; taking gotch's libtch sources from $PRISTINE/"
    for f in $PRISTINE_FILES; do cp "$PRISTINE/$f" "$LIBTCH/$f"; done
  else
    log "go mod vendor (gotch $GOTCH_VERSION)"
    rm -rf vendor
    go mod vendor
    [ -d "$LIBTCH" ] || die "go mod vendor did not vendor gotch's libtch"
    rm -rf "$PRISTINE" && mkdir -p "$PRISTINE"
    for f in $PRISTINE_FILES; do cp "$LIBTCH/$f" "$PRISTINE/$f"; done
    echo "$MODSUM" >"$PRISTINE/modsum"
  fi
  if [ -f "$FITDIR/stamp" ] && [ "$(head -n 1 "$FITDIR/stamp")" = "$KEY" ]; then
    log "restoring the libtch fitted to libtorch $VERSION from $FITDIR/"
    for f in $FITTED_FILES; do cp "$FITDIR/$f" "$LIBTCH/$f"; done
    cp "$FITDIR/stamp" "$STAMP"
  else
    log "fitting gotch's C API to libtorch $VERSION (first time: about a minute)"
    OUT=$(go run ./internal/tools/fitgotch -libtch "$LIBTCH" -include "$INCLUDE" -lib "$LIB" \
      -version "$VERSION" -abi "$ABI" -cuda="$([ "$CUDA" = 1 ] && echo true || echo false)") || die "fitting gotch failed"
    echo "$OUT" >&2
    FITTED=$(echo "$OUT" | sed -n 's/.*fitted ops: \([0-9]*\).*/\1/p')
    printf '%s\n%s\n' "$KEY" "$FITTED" >"$STAMP"
    rm -rf "$FITDIR" && mkdir -p "$FITDIR"
    for f in $FITTED_FILES; do cp "$LIBTCH/$f" "$FITDIR/$f"; done
    cp "$STAMP" "$FITDIR/stamp"
  fi
fi
FITTED=$(sed -n 2p "$STAMP")
# gotch's ts package: its ops keep their tensor arguments alive, its tensors
# lose their 100 KB Go allocation, its scalars' Drop frees them
# (fitgotch.FitTS; a no-op once done, but
# vendor/ may be new while the fitted libtch came from the cache).
go run ./internal/tools/fitgotch -ts vendor/github.com/sugarme/gotch/ts >/dev/null ||
  die "fitting gotch's ts package failed"

log "go build ./... && go vet ./... (first time: about 3 minutes for libtch's C++)"
go build ./...
go vet ./...
cat >&2 <<EOF
setup-libtorch: done in $(( $(date +%s) - START ))s
  libtorch:    $INCLUDE, $LIB
  source:      $SOURCE${FROM_STATE:-}
  version:     $VERSION
  C++ ABI:     _GLIBCXX_USE_CXX11_ABI=$ABI
  device:      $([ "$CUDA" = 1 ] && echo CUDA || echo CPU)
  fitted ops:  $FITTED (gotch $GOTCH_VERSION targets libtorch 2.1.0)
EOF
