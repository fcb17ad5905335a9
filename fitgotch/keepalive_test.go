package fitgotch

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A small package shaped like gotch's ts: a generated file with imports and
// one without any.
const (
	keepAliveOps = `package ts

import (
	"fmt"
)

type Tensor struct{ c *int }
type Scalar struct{ v float64 }

func (ts *Tensor) Add(other *Tensor, del bool) (*Tensor, error) {
	return &Tensor{}, fmt.Errorf("add")
}

func Cat(tensors []*Tensor, dim int64) *Tensor { return tensors[0] }

func (ts *Tensor) MulScalar(s *Scalar, _ *Tensor) *Tensor { return ts }

func Stack(ts ...*Tensor) *Tensor { return ts[0] }

func Size(shape []int64) int64 { return shape[0] }
`
	keepAliveBare = `package ts

func (ts *Tensor) Drop() { ts.c = nil }
`
)

// TestKeepAlive checks the rewrite: each function with tensor or scalar
// arguments defers KeepAlive on each of them, on its opening brace's line;
// the others are untouched; the package still compiles; a second run
// changes nothing.
func TestKeepAlive(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/ts\n\ngo 1.22\n")
	write("ops.go", keepAliveOps)
	write("bare.go", keepAliveBare)
	n, err := KeepAlive(dir)
	if err != nil || n != 2 {
		t.Fatalf("KeepAlive = %d, %v; want 2 files rewritten", n, err)
	}
	ops := read(t, filepath.Join(dir, "ops.go"))
	for _, want := range []string{
		"func (ts *Tensor) Add(other *Tensor, del bool) (*Tensor, error) { defer func() { torchrnnrt.KeepAlive(ts); torchrnnrt.KeepAlive(other) }();",
		"func Cat(tensors []*Tensor, dim int64) *Tensor { defer func() { torchrnnrt.KeepAlive(tensors) }();",
		"func (ts *Tensor) MulScalar(s *Scalar, _ *Tensor) *Tensor { defer func() { torchrnnrt.KeepAlive(ts); torchrnnrt.KeepAlive(s) }();",
		"func Stack(ts ...*Tensor) *Tensor { defer func() { torchrnnrt.KeepAlive(ts) }();",
		"func Size(shape []int64) int64 { return shape[0] }",
		")\nimport torchrnnrt \"runtime\"\n",
	} {
		if !strings.Contains(ops, want) {
			t.Errorf("ops.go lacks %q:\n%s", want, ops)
		}
	}
	// The mark and the import add a line each; every function keeps its own.
	if got, want := strings.Count(ops, "\n"), strings.Count(keepAliveOps, "\n")+2; got != want {
		t.Errorf("ops.go has %d lines, want %d", got, want)
	}
	if bare := read(t, filepath.Join(dir, "bare.go")); !strings.Contains(bare, "package ts\nimport torchrnnrt \"runtime\"\n") {
		t.Errorf("bare.go does not import runtime after its package clause:\n%s", bare)
	}
	goBuild(t, dir)
	if n, err := KeepAlive(dir); err != nil || n != 0 {
		t.Errorf("KeepAlive again = %d, %v; want nothing rewritten", n, err)
	}
	if again := read(t, filepath.Join(dir, "ops.go")); again != ops {
		t.Errorf("a second run changed ops.go")
	}
}

// goBuild fails the test unless the module in dir builds.
func goBuild(t *testing.T, dir string) {
	t.Helper()
	build := exec.Command("go", "build", "./...")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the fitted package does not build: %v\n%s", err, out)
	}
}
