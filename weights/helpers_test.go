package weights

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
)

// fixTensor is a tensor of fixtures.json: shape and row-major values.
type fixTensor struct {
	Shape []int64   `json:"shape"`
	Data  []float64 `json:"data"`
}

func (f fixTensor) float32s() []float32 {
	out := make([]float32, len(f.Data))
	for i, v := range f.Data {
		out[i] = float32(v)
	}
	return out
}

func (f fixTensor) int64s() []int64 {
	out := make([]int64, len(f.Data))
	for i, v := range f.Data {
		out[i] = int64(v)
	}
	return out
}

type fixClassifier struct {
	Cell    string    `json:"cell"`
	RNNName string    `json:"rnn_name"`
	Classes int       `json:"classes"`
	Keys    []string  `json:"keys"`
	Logits  fixTensor `json:"logits"`
}

type fixtures struct {
	V, E, H, F, Layers int
	IDs                fixTensor `json:"ids"`
	Lengths            []int64   `json:"lengths"`
	Classifiers        []fixClassifier
	LM                 struct {
		Cell   string `json:"cell"`
		V, E   int
		Keys   []string  `json:"keys"`
		IDs    fixTensor `json:"ids"`
		Logits fixTensor `json:"logits"`
	} `json:"lm"`
	Misc map[string]fixTensor `json:"misc"`
}

var loadFixtures = sync.OnceValues(func() (*fixtures, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures.json"))
	if err != nil {
		return nil, err
	}
	var f fixtures
	return &f, json.Unmarshal(b, &f)
})

func fix(t testing.TB) *fixtures {
	t.Helper()
	f, err := loadFixtures()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// readTorch reads a torch.save fixture.
func readTorch(t testing.TB, name string) *StateDict {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	sd, err := ReadTorch(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	return sd
}

// classifierConfig is the shape of the fixtures' classifiers.
func classifierConfig(f *fixtures, c fixClassifier) lstm.Config {
	return lstm.Config{Vocab: f.V, Embed: f.E, Hidden: f.H, Layers: f.Layers, Cell: lstm.Cell(c.Cell),
		Bidirectional: true, Head: f.F, Classes: c.Classes, Pooling: lstm.Last}
}

func newClassifier(t testing.TB, cfg lstm.Config) *lstm.Classifier {
	t.Helper()
	m, err := lstm.NewClassifier(cfg, torch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Params.Drop)
	return m
}

// logits runs the classifier on the fixtures' batch in evaluation mode.
func logits(t testing.TB, m *lstm.Classifier, f *fixtures) []float32 {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ids, err := torch.FromInt64s(f.IDs.int64s(), torch.CPU, f.IDs.Shape...)
	if err != nil {
		t.Fatal(err)
	}
	defer torch.Free(ids)
	var out []float32
	err = torch.NoGrad(func() error {
		y, err := m.Forward(ids, f.Lengths, false)
		if err != nil {
			return err
		}
		defer torch.Free(y)
		out, err = torch.Float32s(y)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// maxDiff is the largest absolute difference, +Inf for different lengths.
func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

// values reads every parameter of a model to Go.
func values(t testing.TB, params []torch.Param) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for _, p := range params {
		v, err := torch.Float32s(p.Tensor)
		if err != nil {
			t.Fatal(err)
		}
		out[p.Name] = v
	}
	return out
}
