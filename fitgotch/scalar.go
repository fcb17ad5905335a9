package fitgotch

import "path/filepath"

// The bodies of gotch's Scalar.Drop and Scalar.MustDrop (ts/scalar.go),
// which free nothing, and what DropScalars puts in their place.
const (
	dropBody        = "\t// TODO. FIXME either remove or rewind for specific scenario\n\treturn nil\n"
	mustDropBody    = "\t// TODO. FIXME either remove or rewind for specific scenario\n\treturn\n"
	dropFitted      = "\treturn torchrnnDropScalar(sc)\n"
	mustDropFitted  = "\tif err := torchrnnDropScalar(sc); err != nil {\n\t\tpanic(err)\n\t}\n\treturn\n"
	dropScalarFile  = "torchrnn_scalar.go"
	dropScalarCheck = "torchrnnDropScalar(sc)"
)

// dropScalarGo is the file DropScalars adds to gotch's ts package.
const dropScalarGo = `// Code written by torchrnn's fitgotch (DropScalars). DO NOT EDIT.

package ts

import (
	"runtime"

	lib "github.com/sugarme/gotch/libtch"
)

// torchrnnDropScalar frees sc's C scalar now; gotch's Drop and MustDrop
// freed nothing, so every scalar waited for a garbage collection. Between
// collections, which are rare now that tensors no longer carry a 100 KB Go
// allocation, the small blocks of thousands of scalars lay among a
// training step's activations in glibc's heap and kept it from reusing
// their room: a character LM's peak memory doubled. sc must not be used
// after; dropping it twice does nothing.
func torchrnnDropScalar(sc *Scalar) error {
	if sc == nil || sc.cscalar == nil {
		return nil
	}
	runtime.SetFinalizer(sc, nil)
	lock.Lock()
	delete(ExistingScalars, sc.name)
	lock.Unlock()
	lib.AtsFree(sc.cscalar)
	sc.cscalar = nil
	return TorchErr()
}
`

// DropScalars makes Scalar.Drop and Scalar.MustDrop of the gotch ts
// package in dir free the scalar's C memory (see torchrnnDropScalar in
// dropScalarGo). It reports whether it changed anything: a package already
// fitted is left alone.
func DropScalars(dir string) (bool, error) {
	edited, err := editOnce(filepath.Join(dir, "scalar.go"), "scalars", dropScalarCheck,
		[2]string{dropBody, dropFitted}, [2]string{mustDropBody, mustDropFitted})
	if err != nil {
		return false, err
	}
	added, err := addFile(filepath.Join(dir, dropScalarFile), dropScalarGo)
	return edited || added, err
}
