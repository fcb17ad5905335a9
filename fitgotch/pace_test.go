package fitgotch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// paceTensorGo is shaped like gotch's ts/tensor.go around newTensor.
const paceTensorGo = `package ts

import "sync"

type bigStruct struct{ lots [1e5]byte }

type Tensor struct{ d *bigStruct }

var ExistingTensors = map[string]struct{}{}

var lock sync.Mutex

func newTensor(name string) *Tensor {
	x := new(Tensor)
	x.d = new(bigStruct)
	lock.Lock()
	ExistingTensors[name] = struct{}{}
	lock.Unlock()
	return x
}
`

// TestPace checks that Pace drops the 100 KB allocation, calls the pacer
// where a tensor is registered (under the lock), adds the pacer, builds,
// changes nothing the second time, and refuses a tensor.go it does not
// know.
func TestPace(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/ts\n\ngo 1.20\n") // gotch's: no max or min
	write("tensor.go", paceTensorGo)
	if changed, err := Pace(dir); err != nil || !changed {
		t.Fatalf("Pace = %v, %v; want a change", changed, err)
	}
	got := read(t, filepath.Join(dir, "tensor.go"))
	if strings.Contains(got, "new(bigStruct)") {
		t.Errorf("tensor.go still allocates the 100 KB:\n%s", got)
	}
	if !strings.Contains(got, "\tExistingTensors[name] = struct{}{}\n\ttorchrnnPace(len(ExistingTensors))\n\tlock.Unlock()") {
		t.Errorf("tensor.go does not pace under the lock:\n%s", got)
	}
	if read(t, filepath.Join(dir, paceFile)) != paceGo {
		t.Errorf("%s is not the pacer", paceFile)
	}
	goBuild(t, dir)
	if changed, err := Pace(dir); err != nil || changed {
		t.Errorf("Pace again = %v, %v; want no change", changed, err)
	}
	write("tensor.go", strings.Replace(paceTensorGo, "\tx.d = new(bigStruct)\n", "", 1))
	os.Remove(filepath.Join(dir, paceFile))
	if _, err := Pace(dir); err == nil || !strings.Contains(err.Error(), "tensor.go") {
		t.Errorf("Pace on an unknown tensor.go: %v, want an error naming the file", err)
	}
}
