#!/usr/bin/env bash
# fuzz-all.sh: runs every fuzz target of the repository for a while, one at a
# time, and prints a line per target with its exec count and whether it
# found anything. Issue 18 asks for 10 minutes each once (19 targets: about
# 3 hours on one machine); a finding is written by go test under the
# package's testdata/fuzz/ and makes this script exit non-zero.
#
# Usage: scripts/fuzz-all.sh [DURATION] [PACKAGE...]   (default 10m, all)
set -uo pipefail
cd "$(dirname "$0")/.."
TIME=${1:-10m}
shift || true
PKGS=("$@")
if [ ${#PKGS[@]} -eq 0 ]; then
  mapfile -t PKGS < <(grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '^./vendor/' | xargs -n1 dirname | sort -u)
fi
fail=0
for pkg in "${PKGS[@]}"; do
  for target in $(grep -h '^func Fuzz' "$pkg"/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do
    log=$(mktemp)
    go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$TIME" -fuzzminimizetime 5s -parallel 1 >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    if [ $rc -eq 0 ]; then
      echo "$pkg $target: ${execs:-?} execs in $TIME, no finding"
    else
      echo "$pkg $target: FAILED (exit $rc)"; tail -20 "$log"; fail=1
    fi
    rm -f "$log"
  done
done
exit $fail
