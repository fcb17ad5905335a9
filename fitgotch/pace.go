package fitgotch

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// The lines of gotch's ts/tensor.go that Pace changes: newTensor's 100 KB
// allocation, and the registration of a new tensor (under gotch's lock).
const (
	ballastLine  = "\tx.d = new(bigStruct)\n"
	registerLine = "\tExistingTensors[name] = struct{}{}\n"
	paceCall     = "\ttorchrnnPace(len(ExistingTensors))\n"
	paceFile     = "torchrnn_pace.go"
)

// paceGo is the file Pace adds to gotch's ts package.
const paceGo = `// Code written by torchrnn's fitgotch (Pace). DO NOT EDIT.

package ts

import "runtime"

// paceFloor is the least number of tensors made between two collections
// that torchrnnPace starts.
const paceFloor = 10000

// paceNext is the number of live tensors at which torchrnnPace starts the
// next collection (under gotch's lock, as its callers are).
var paceNext = paceFloor

// torchrnnPace replaces the 100 KB Go allocation gotch gave every tensor
// so that the garbage collector, whose finalizers free the tensors Go no
// longer reaches, would run about as often as tensors are made. Made and
// zeroed for every op, that allocation cost about 18 µs of the 20 µs of a
// small op. Instead, newTensor calls torchrnnPace with the number of live
// tensors, and a collection starts in the background whenever that number
// reaches twice what it was when the last one started (and at least
// paceFloor more): tensors that a program drops without freeing are
// collected as before, in bounded numbers.
func torchrnnPace(live int) {
	if live < paceNext {
		return
	}
	paceNext = 2 * live // gotch's go.mod says go 1.20: no max
	if paceNext < live+paceFloor {
		paceNext = live + paceFloor
	}
	go runtime.GC()
}
`

// Pace takes the 100 KB Go allocation off every tensor of the gotch ts
// package in dir and paces the garbage collector by the number of live
// tensors instead (see torchrnnPace in paceGo). It reports whether it
// changed anything: a package already paced is left alone.
func Pace(dir string) (bool, error) {
	edited, err := editOnce(filepath.Join(dir, "tensor.go"), "pace", paceCall,
		[2]string{ballastLine, ""}, [2]string{registerLine, registerLine + paceCall})
	if err != nil {
		return false, err
	}
	added, err := addFile(filepath.Join(dir, paceFile), paceGo)
	return edited || added, err
}

// editOnce rewrites the file at path, unless it holds done already: each
// edit's old text, which must be there exactly once, becomes its new text.
// It reports whether it wrote the file; what names the fit in errors.
func editOnce(path, what, done string, edits ...[2]string) (bool, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("fitgotch: %s: %w", what, err)
	}
	if bytes.Contains(src, []byte(done)) {
		return false, nil
	}
	for _, e := range edits {
		if bytes.Count(src, []byte(e[0])) != 1 {
			return false, fmt.Errorf("fitgotch: %s: %s does not hold %q once: not gotch v0.9.1's", what, path, e[0])
		}
	}
	for _, e := range edits {
		src = bytes.Replace(src, []byte(e[0]), []byte(e[1]), 1)
	}
	return true, writeAtomic(path, src)
}

// addFile writes content to path unless it holds it already, and reports
// whether it wrote.
func addFile(path, content string) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && string(old) == content {
		return false, nil
	}
	return true, writeAtomic(path, []byte(content))
}

// FitTS fits gotch's ts package in dir: KeepAlive, Pace, then
// DropScalars. It reports how many files it changed.
func FitTS(dir string) (changed int, err error) {
	if changed, err = KeepAlive(dir); err != nil {
		return changed, err
	}
	for _, fit := range []func(string) (bool, error){Pace, DropScalars} {
		did, err := fit(dir)
		if did {
			changed++
		}
		if err != nil {
			return changed, err
		}
	}
	return changed, nil
}
