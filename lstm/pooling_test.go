package lstm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/fixture"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// attnPoolCase is a case of attnpool.json: a classifier case with the
// attention weights [B, T] PyTorch computed.
type attnPoolCase struct {
	fixture.ClassifierCase
	Weights fixture.Tensor `json:"weights"`
}

// TestAttentionPoolingMatchesPyTorch checks logits, weights, loss and every
// gradient against gen_fixtures.py's AttnClassifier, on both strategies.
func TestAttentionPoolingMatchesPyTorch(t *testing.T) {
	var f struct {
		TorchVersion string         `json:"torch_version"`
		Cases        []attnPoolCase `json:"cases"`
	}
	if err := fixture.Load(fixture.Path("attnpool.json"), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) != 4 {
		t.Fatalf("%d cases, want 4", len(f.Cases))
	}
	for _, c := range f.Cases {
		for _, strategy := range []Strategy{Packed, Padded} {
			t.Run(c.Name+"/"+string(strategy), func(t *testing.T) {
				lockThread(t)
				classes := max(c.NOut, 2)
				cfg := Config{Vocab: c.V, Embed: c.E, Hidden: c.H, Layers: c.Layers, Cell: Cell(c.Cell),
					Bidirectional: c.Bidirectional, Pooling: AttentionPooling, Head: c.F, Classes: classes}
				m, err := NewClassifier(cfg, device(t))
				if err != nil {
					t.Fatal(err)
				}
				m.RNN.Strategy = strategy
				setParams(t, m.Params, c.Params)
				logits, weights, err := m.Explain(ids(t, c.IDs), c.Lengths, true)
				if err != nil {
					t.Fatal(err)
				}
				near(t, "logits", logits, c.Logits, 1e-5)
				near(t, "weights", weights, c.Weights, 1e-5)
				loss, err := m.Loss(logits, ids(t, c.Labels))
				if err != nil {
					t.Fatal(err)
				}
				near(t, "loss", loss, fixture.Tensor{Shape: []int64{}, Data: []float64{c.Loss}}, 1e-5)
				if err := loss.Backward(); err != nil {
					t.Fatal(err)
				}
				for i, g := range c.Grads {
					near(t, "grad "+g.Name, grad(t, m.Params.List()[i].Tensor), g.Tensor, 1e-4)
				}
			})
		}
	}
}

// TestAttentionPoolingStrategiesAgree runs one batch of unsorted lengths
// (a 1, ties, the full T) through a two-layer bidirectional model padded
// and packed: the same weights and logits, rows summing to 1 over the real
// steps and exactly 0 at padding.
func TestAttentionPoolingStrategiesAgree(t *testing.T) {
	lockThread(t)
	libtorch.Seed(7)
	cfg := Config{Vocab: 20, Embed: 6, Hidden: 5, Layers: 2, Cell: GRU, Bidirectional: true,
		Pooling: AttentionPooling, Head: 4, Classes: 3}
	m, err := NewClassifier(cfg, device(t))
	if err != nil {
		t.Fatal(err)
	}
	lengths := []int64{3, 9, 1, 6, 9, 3}
	B, T := int64(len(lengths)), int64(9)
	r := rand.New(rand.NewPCG(1, 2))
	flat := make([]int64, B*T)
	for b, l := range lengths {
		for i := range l {
			flat[int64(b)*T+i] = 1 + r.Int64N(19)
		}
	}
	x, err := tensor.Int64(flat, []int64{B, T}, device(t))
	if err != nil {
		t.Fatal(err)
	}
	got := map[Strategy][2][]float32{}
	for _, s := range []Strategy{Padded, Packed} {
		m.RNN.Strategy = s
		logits, weights, err := m.Explain(x, lengths, false)
		if err != nil {
			t.Fatal(err)
		}
		if sh := weights.MustSize(); sh[0] != B || sh[1] != T {
			t.Fatalf("%s: weights shape %v, want [%d %d]", s, sh, B, T)
		}
		got[s] = [2][]float32{tensor.Val(tensor.Float32s(logits)), tensor.Val(tensor.Float32s(weights))}
	}
	for i, name := range []string{"logits", "weights"} {
		for j, v := range got[Padded][i] {
			if d := math.Abs(float64(v - got[Packed][i][j])); d > 1e-6 {
				t.Errorf("%s[%d]: padded %g, packed %g", name, j, v, got[Packed][i][j])
			}
		}
	}
	w := got[Padded][1]
	for b, l := range lengths {
		sum := 0.0
		for i := range T {
			v := float64(w[int64(b)*T+i])
			if i >= l && v != 0 {
				t.Errorf("row %d: weight %g at padding step %d", b, v, i)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("row %d: weights sum to %g", b, sum)
		}
	}
	if w[2*T] != 1 {
		t.Errorf("a sequence of length 1 has weight %g on its step, want 1", w[2*T])
	}
}

// TestPoolingTable checks each pooling's parameter count against
// NumParams, and that only attention returns weights.
func TestPoolingTable(t *testing.T) {
	lockThread(t)
	for _, k := range poolings {
		for _, bi := range []bool{false, true} {
			c := Config{Vocab: 11, Embed: 5, Hidden: 7, Layers: 2, Cell: LSTM, Bidirectional: bi, Pooling: k.name, Head: 6, Classes: 2}
			m, err := NewClassifier(c, gotch.CPU)
			if err != nil {
				t.Fatal(err)
			}
			checkCount(t, c, ClassifierHead, m.Params)
			x, _ := tensor.Int64([]int64{1, 2, 3, 4, 5, 0}, []int64{2, 3}, gotch.CPU)
			logits, weights, err := m.Explain(x, []int64{3, 2}, false)
			if err != nil {
				t.Fatal(err)
			}
			if sh := logits.MustSize(); sh[0] != 2 || sh[1] != 1 {
				t.Errorf("%s: logits shape %v", k.name, sh)
			}
			if (weights != nil) != (k.name == AttentionPooling) {
				t.Errorf("%s: weights %v", k.name, weights)
			}
		}
	}
	if _, err := ParsePooling("sum"); err == nil || err.Error() != `lstm: unknown pooling "sum": want last, mean, max or attention` {
		t.Errorf("ParsePooling(sum): %v", err)
	}
	if err := (Config{Vocab: 5, Pooling: "sum"}).WithDefaults().Validate(); err == nil {
		t.Error("Validate accepted pooling sum")
	}
}
