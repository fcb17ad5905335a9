package lstm

import (
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/optim"
)

// A classifier's embedding takes pretrained rows (the padding row stays
// zero) and, frozen, stays put while the rest of the model trains.
func TestSetVectorsAndFreeze(t *testing.T) {
	lockThread(t)
	m, err := NewClassifier(Config{Vocab: 4, Embed: 2, Hidden: 3, Head: 2}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Params.Drop()
	rows := [][]float32{{9, 9}, {1, 2}, {3, 4}, {5, 6}}
	if err := m.Embedding.SetVectors(rows); err != nil {
		t.Fatal(err)
	}
	w0, _ := tensor.Float32s(m.Embedding.Weight)
	if want := []float32{0, 0, 1, 2, 3, 4, 5, 6}; !slices.Equal(w0, want) {
		t.Fatalf("weight %v, want %v", w0, want)
	}
	if err := m.Embedding.Freeze(); err != nil {
		t.Fatal(err)
	}
	if m.Params.Get("embedding.weight").MustRequiresGrad() {
		t.Fatal("the parameter set still sees a weight that needs a gradient")
	}
	fc0, _ := tensor.Float32s(m.FC2.W)
	o, err := optim.New(m.Params.List(), optim.Config{LR: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	ids := ts.MustOfSlice([]int64{1, 2, 3, 0}).MustView([]int64{2, 2}, true)
	defer ids.MustDrop()
	labels := ts.MustOfSlice([]int64{0, 1})
	defer labels.MustDrop()
	for range 3 {
		o.ZeroGrad()
		logits, err := m.Forward(ids, []int64{2, 1}, true)
		if err != nil {
			t.Fatal(err)
		}
		loss, err := m.Loss(logits, labels)
		if err != nil {
			t.Fatal(err)
		}
		if err := loss.Backward(); err != nil {
			t.Fatal(err)
		}
		if err := o.Step(); err != nil {
			t.Fatal(err)
		}
		logits.MustDrop()
		loss.MustDrop()
	}
	w1, _ := tensor.Float32s(m.Embedding.Weight)
	fc1, _ := tensor.Float32s(m.FC2.W)
	if !slices.Equal(w0, w1) {
		t.Errorf("frozen embedding changed: %v -> %v", w0, w1)
	}
	if slices.Equal(fc0, fc1) {
		t.Error("fc2 did not change: no training happened")
	}
	for _, bad := range [][][]float32{rows[:3], {{1, 2}, {3}, {4, 5}, {6, 7}}} {
		if err := m.Embedding.SetVectors(bad); err == nil || !strings.HasPrefix(err.Error(), "lstm: set vectors: ") {
			t.Errorf("SetVectors(%v): %v", bad, err)
		}
	}
}
