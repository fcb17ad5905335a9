package lstm

import (
	"cmp"
	"slices"
	"testing"

	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/fixture"
)

// TestRNNMatchesPyTorch runs every fixture case (cell x layers x direction x
// padded/packed) with both strategies against PyTorch's outputs, final
// states and gradients.
func TestRNNMatchesPyTorch(t *testing.T) {
	testRNNFile(t, fixture.RNNFileName)
}

// TestLSTMStateMatchesPyTorch checks an LSTM's final H and C, and the
// gradients through them, on both strategies against PyTorch's packed run
// of batches whose lengths differ, tie and run from 1 to T.
func TestLSTMStateMatchesPyTorch(t *testing.T) {
	testRNNFile(t, fixture.StateFileName)
}

func testRNNFile(t *testing.T, name string) {
	f := load(t, name, fixture.LoadRNN)
	for _, c := range f.Cases {
		for _, strategy := range []Strategy{Packed, Padded} {
			t.Run(c.Name+"/"+string(strategy), func(t *testing.T) {
				testRNNCase(t, c, strategy)
			})
		}
	}
}

func testRNNCase(t *testing.T, c fixture.RNNCase, strategy Strategy) {
	lockThread(t)
	p := &Params{Device: device(t)}
	r := build(t, func() *RNN {
		return newRNN(p, "", Cell(c.Cell), int64(c.InputSize), int64(c.Hidden), int64(c.Layers), c.Bidirectional, 0)
	})
	r.Strategy = strategy
	setParams(t, p, c.Params)
	x, h0 := leaf(t, c.X, true), leaf(t, c.H0, true)
	state := State{H: h0}
	if c.C0 != nil {
		state.C = leaf(t, *c.C0, true)
	}
	out, hn, err := r.Forward(x, c.Lengths, state, true)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "output", out, c.Output, 1e-5)
	near(t, "h_n", hn.H, c.HN, 1e-5)
	if c.CN != nil {
		near(t, "c_n", hn.C, *c.CN, 1e-5)
	}
	loss := dot(t, out, c.WO).MustAdd(dot(t, hn.H, c.WH), true)
	if c.WC != nil {
		loss = loss.MustAdd(dot(t, hn.C, *c.WC), true)
	}
	near(t, "loss", loss, fixture.Tensor{Shape: []int64{}, Data: []float64{c.Loss}}, 1e-5)
	if err := loss.Backward(); err != nil {
		t.Fatal(err)
	}
	for i, g := range c.Grads {
		near(t, "grad "+g.Name, grad(t, p.List()[i].Tensor), g.Tensor, 1e-4)
	}
	near(t, "grad x", grad(t, x), c.GradX, 1e-4)
	near(t, "grad h0", grad(t, h0), c.GradH0, 1e-4)
	if c.GradC0 != nil {
		near(t, "grad c0", grad(t, state.C), *c.GradC0, 1e-4)
	}
	for _, x := range []*ts.Tensor{out, hn.H, loss} {
		x.MustDrop()
	}
	// Final, which never puts the outputs together, gives the same state.
	fin, err := r.Final(x, c.Lengths, state, false)
	if err != nil {
		t.Fatal(err)
	}
	defer fin.Drop()
	near(t, "Final h_n", fin.H, c.HN, 1e-5)
	if c.CN != nil {
		near(t, "Final c_n", fin.C, *c.CN, 1e-5)
	}
}

// TestRNNWeightsFlatOnCUDA checks that on CUDA a stack's weights are views
// of one buffer that they tile without gaps or overlaps (cuDNN's layout: its
// own order, matrices before biases), so cuDNN neither copies them nor warns
// on every call, and that they stay so through a save and load.
// Run it with TORCHRNN_TEST_DEVICE=cuda; on the CPU there is nothing to flatten.
func TestRNNWeightsFlatOnCUDA(t *testing.T) {
	dev := device(t)
	if !dev.IsCuda() {
		t.Skip("CPU: weights are not flattened (TORCHRNN_TEST_DEVICE=cuda runs this)")
	}
	lockThread(t)
	for _, cell := range []Cell{RNNTanh, LSTM, GRU} {
		p := NewParams(dev)
		r, err := NewRNN(p, "", cell, 5, 7, 2, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		path := t.TempDir() + "/w.ot"
		if err := p.Save(path); err != nil {
			t.Fatal(err)
		}
		if err := p.Load(path); err != nil {
			t.Fatal(err)
		}
		type span struct {
			name       string
			start, end uintptr
		}
		var spans []span
		for i, w := range r.weights {
			ptr, err := w.DataPtr()
			if err != nil {
				t.Fatal(err)
			}
			spans = append(spans, span{p.List()[i].Name, uintptr(ptr), uintptr(ptr) + uintptr(w.Numel())*4})
		}
		slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
		for i := 1; i < len(spans); i++ {
			if spans[i].start != spans[i-1].end {
				t.Errorf("%s: %s starts at %#x, %s before it ends at %#x: not one buffer", cell,
					spans[i].name, spans[i].start, spans[i-1].name, spans[i-1].end)
			}
		}
	}
}
