package weights

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixtureFiles are the torch.save files of testdata, as fuzz seeds.
func fixtureFiles(f *testing.F) [][]byte {
	names, _ := filepath.Glob(filepath.Join("testdata", "*.pt"))
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// checkStateDict asserts what every StateDict promises.
func checkStateDict(t *testing.T, sd *StateDict) {
	seen := map[string]bool{}
	for _, x := range sd.Tensors {
		n, err := numel(x.Shape, 1<<40)
		if err != nil || int64(len(x.Values)) != n || seen[x.Name] || x.DType.size() == 0 {
			t.Fatalf("tensor %s: %s shape %v with %d values (%v), seen %v", x.Name, x.DType, x.Shape, len(x.Values), err, seen[x.Name])
		}
		seen[x.Name] = true
	}
}

// FuzzReadTorch: any bytes read as a torch.save archive give tensors
// whose values fill their shapes, or an error; never a panic or a large
// allocation.
func FuzzReadTorch(f *testing.F) {
	for _, b := range fixtureFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sd, err := ReadTorch(bytes.NewReader(data), int64(len(data)))
		if err == nil {
			checkStateDict(t, sd)
		}
	})
}

// FuzzUnpickle: any pickle program, as data.pkl of an archive whose
// storages are those of a fixture, keeps the same promises. Mutating the
// program alone reaches the unpickler far more often than mutating zips.
func FuzzUnpickle(f *testing.F) {
	for _, b := range fixtureFiles(f) {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			continue // legacy.pt
		}
		for _, zf := range zr.File {
			if strings.HasSuffix(zf.Name, "/data.pkl") {
				rc, _ := zf.Open()
				prog, _ := io.ReadAll(rc)
				rc.Close()
				f.Add(prog)
			}
		}
	}
	f.Fuzz(func(t *testing.T, prog []byte) {
		a := &archive{storages: map[string]*storageRef{}}
		u := &unpickler{data: prog, persistentLoad: a.persistentLoad, call: callTorch}
		v, err := u.load()
		if err != nil {
			return
		}
		w := walker{visits: maxVisits, skipped: new([]string)}
		_ = w.walk(v, "", 0, func(string, *tensorRef) error { return nil })
	})
}

// FuzzReadSafetensors: any bytes give tensors that fill their shapes, or
// an error; what was read writes back and reads again the same.
func FuzzReadSafetensors(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "classifier_lstm.safetensors"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(encodeSafetensors(f, &StateDict{Metadata: map[string]string{"k": "v"},
		Tensors: []Tensor{{Name: "a", DType: F32, Shape: []int64{2, 1}, Values: []float32{1, -2}}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		sd, err := ReadSafetensors(data)
		if err != nil {
			return
		}
		checkStateDict(t, sd)
		var buf bytes.Buffer
		if err := WriteSafetensors(&buf, sd); err != nil {
			return // scalars are not written
		}
		again, err := ReadSafetensors(buf.Bytes())
		if err != nil {
			t.Fatalf("a written file does not read: %v", err)
		}
		for _, x := range sd.Tensors {
			y := again.Get(x.Name)
			if y == nil || !slices.Equal(y.Shape, x.Shape) || !slices.EqualFunc(y.Values, x.Values, sameFloat) {
				t.Fatalf("%s changed on the way back", x.Name)
			}
		}
	})
}

// sameFloat is equality that holds for NaN too.
func sameFloat(a, b float32) bool { return a == b || (a != a && b != b) }
