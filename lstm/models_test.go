package lstm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/internal/fixture"
)

func TestEmbeddingMatchesPyTorch(t *testing.T) {
	lockThread(t)
	f := load(t, fixture.EmbeddingFileName, fixture.LoadEmbedding)
	p := &Params{Device: device(t)}
	e, err := NewEmbedding(p, "emb", int64(f.V), int64(f.E), f.PaddingIdx, EmbeddingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	row0, _ := e.Weight.Select(0, f.PaddingIdx, false)
	near(t, "fresh padding row", row0, fixture.Tensor{Shape: []int64{int64(f.E)}, Data: make([]float64, f.E)}, 0)
	if err := p.Set("emb.weight", f.Weight.Float32()); err != nil {
		t.Fatal(err)
	}
	out, err := e.Forward(ids(t, f.IDs))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "output", out, f.Output, 1e-6)
	loss := dot(t, out, f.W)
	if err := loss.Backward(); err != nil {
		t.Fatal(err)
	}
	near(t, "grad weight (padding row zero)", grad(t, e.Weight), f.GradWeight, 1e-5)
}

// TestClassifierMatchesPyTorch covers the three poolings, BCE and CE heads,
// with both strategies.
func TestClassifierMatchesPyTorch(t *testing.T) {
	f := load(t, fixture.ClassifierFileName, fixture.LoadClassifier)
	for _, c := range f.Cases {
		for _, strategy := range []Strategy{Packed, Padded} {
			t.Run(c.Name+"/"+string(strategy), func(t *testing.T) {
				lockThread(t)
				classes := c.NOut
				if classes == 1 {
					classes = 2
				}
				cfg := Config{Vocab: c.V, Embed: c.E, Hidden: c.H, Layers: c.Layers, Cell: Cell(c.Cell),
					Bidirectional: c.Bidirectional, Pooling: Pooling(c.Pooling), Head: c.F, Classes: classes}
				m, err := NewClassifier(cfg, device(t))
				if err != nil {
					t.Fatal(err)
				}
				m.RNN.Strategy = strategy
				setParams(t, m.Params, c.Params)
				logits, err := m.Forward(ids(t, c.IDs), c.Lengths, true)
				if err != nil {
					t.Fatal(err)
				}
				near(t, "logits", logits, c.Logits, 1e-5)
				loss, err := m.Loss(logits, ids(t, c.Labels)) // class ids, 0/1 for BCE

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

func TestLMMatchesPyTorch(t *testing.T) {
	f := load(t, fixture.LMFileName, fixture.LoadLM)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			lockThread(t)
			m, err := NewLM(Config{Vocab: c.V, Embed: c.E, Hidden: c.H, Layers: c.Layers, Cell: Cell(c.Cell), Tie: c.Tie}, device(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(m.StateDictKeys()); got != fmt.Sprint(c.StateDictKeys) {
				t.Errorf("state_dict keys\n got %s\nwant %v", got, c.StateDictKeys)
			}
			setParams(t, m.Params, c.Params)
			state := State{H: leaf(t, c.H0, true)}
			if c.C0 != nil {
				state.C = leaf(t, *c.C0, true)
			}
			logits, next, err := m.Forward(ids(t, c.IDs), state, true)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "logits", logits, c.Logits, 1e-5)
			near(t, "h_n", next.H, c.HN, 1e-5)
			if c.CN != nil {
				near(t, "c_n", next.C, *c.CN, 1e-5)
			}
			loss, err := m.Loss(logits, ids(t, c.Targets))
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
			near(t, "grad h0", grad(t, state.H), c.GradH0, 1e-4)
			if c.GradC0 != nil {
				near(t, "grad c0", grad(t, state.C), *c.GradC0, 1e-4)
			}
		})
	}
}

// TestLMRejectsBidirectional: a language model predicts the next token, so
// it cannot read the sequence backwards too; NewLM used to build a one-way
// model while its Config said bidirectional.
func TestLMRejectsBidirectional(t *testing.T) {
	lockThread(t)
	m, err := NewLM(Config{Vocab: 7, Embed: 4, Hidden: 4, Bidirectional: true}, device(t))
	if err == nil || !strings.Contains(err.Error(), "bidirectional") {
		t.Errorf("NewLM(bidirectional): model %v, error %v, want an error saying bidirectional", m != nil, err)
	}
}
