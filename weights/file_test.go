package weights

import (
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// A torchrnn run's model.pt (a TorchScript archive written by
// lstm.Params.Save) reads through libtorch, under its own names.
func TestReadTorchScript(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f := fix(t)
	m := newClassifier(t, classifierConfig(f, f.Classifiers[0]))
	path := filepath.Join(t.TempDir(), "model.pt")
	if err := m.Params.Save(path); err != nil {
		t.Fatal(err)
	}
	sd, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := ModelParams(m)
	want := values(t, params)
	if len(sd.Tensors) != len(want) {
		t.Fatalf("%d tensors %v, want %d", len(sd.Tensors), sd.Names(), len(want))
	}
	for _, x := range sd.Tensors {
		if !slices.Equal(x.Values, want[x.Name]) || x.DType != F32 {
			t.Errorf("%s (%s) differs from the model's", x.Name, x.DType)
		}
	}
}
