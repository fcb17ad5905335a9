#!/usr/bin/env bash
# scripts/client-check.sh: torchrnn used as a library from another Go module,
# with the commands of the README's "Use torchrnn from your own module".
#
# In a folder outside this checkout ($CLIENT_DIR, default
# ${TMPDIR:-/tmp}/torchrnn-client-check, emptied first): a new module that
# requires torchrnn through a replace to this checkout (in place of
# `go get github.com/torchrnn/torchrnn@latest`), a copy of examples/padpack,
# torchrnn-setup, go build, the program run, go test, torchrnn-setup again
# (must do nothing), then a second torchrnn package imported and built.
#
# The client's go commands run in Go's default -mod=readonly mode, as a
# user's do, so a step the README forgets fails here. Network: only the Go
# module proxy ($GOPROXY), for modules not in the module cache yet.
# The first run compiles gotch's C++ for the client (about 3-5 minutes on 2
# cores); later runs reuse Go's build cache, since the folder is the same.
#
# Usage: scripts/client-check.sh      exits non-zero naming the failed step
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLIENT=${CLIENT_DIR:-${TMPDIR:-/tmp}/torchrnn-client-check}
SETUP="go run github.com/torchrnn/torchrnn/cmd/torchrnn-setup" # as in the README
STEP="start"
START=$SECONDS

step() {
  STEP=$1
  echo "== $STEP"
}
trap 'rc=$?; [ "$rc" = 0 ] || echo "client-check: FAILED at step \"$STEP\" (exit $rc); the module is in $CLIENT" >&2' EXIT

case "$CLIENT/" in
"$ROOT"/*) echo "client-check: CLIENT_DIR=$CLIENT is inside the checkout; it must be outside" >&2; exit 2 ;;
esac
grep -qxF "$SETUP" "$ROOT/README.md" || { echo "client-check: README.md no longer has the line '$SETUP'" >&2; exit 2; }

# The client is a plain module: no workspace, no -mod from this repository's
# environment (its vendor/ must play no part).
export GOWORK=off
GOFLAGS=$(printf '%s\n' ${GOFLAGS:-} | grep -v '^-mod=' | paste -sd' ' - || true)
export GOFLAGS

step "new module in $CLIENT"
rm -rf "$CLIENT"
mkdir -p "$CLIENT"
cd "$CLIENT"
go mod init example.com/client
go mod edit -require=github.com/torchrnn/torchrnn@v0.0.0 -replace=github.com/torchrnn/torchrnn="$ROOT"

step "program: examples/padpack"
if [ -d "$ROOT/examples/padpack" ]; then
  cp "$ROOT"/examples/padpack/*.go .
else
  cat >main.go <<'EOF'
package main

import (
	"fmt"
	"os"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
)

func main() {
	torch.LockThread()
	m, err := lstm.NewClassifier(lstm.Config{Vocab: 50, Embed: 8, Hidden: 16}, torch.CPU)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("parameters:", m.Params.Count())
}
EOF
fi
ls

step "README: $SETUP"
T=$SECONDS
$SETUP
echo "(torchrnn-setup: $((SECONDS - T))s)"

step "go build ./... (the first time compiles gotch's C++)"
T=$SECONDS
go build -o client .
go vet ./...
echo "(build: $((SECONDS - T))s)"

step "run the program"
./client

if ls ./*_test.go >/dev/null 2>&1; then
  step "go test ./..."
  go test -count=1 ./...
fi

step "README: $SETUP again (nothing to do)"
T=$SECONDS
OUT=$($SETUP)
echo "$OUT"
echo "$OUT" | grep -q "nothing to do" || { echo "client-check: a second torchrnn-setup did work" >&2; exit 1; }
echo "(torchrnn-setup again: $((SECONDS - T))s)"

step "a second torchrnn package imported later (vocab), built and run"
cat >vocab.go <<'EOF'
package main

import (
	"fmt"

	"github.com/torchrnn/torchrnn/vocab"
)

func init() {
	v := vocab.Build([]string{"to be or not to be"}, vocab.Whitespace, vocab.Options{})
	fmt.Println("vocab: ids", v.Len()) // <pad>, <unk>, to, be, or, not
}
EOF
go build -o client .
./client >run.txt
cat run.txt
grep -q "^vocab: ids 6$" run.txt || { echo "client-check: the program did not print the vocabulary size, 6" >&2; exit 1; }

echo "client-check: ok in $((SECONDS - START))s ($CLIENT)"
