package study

import (
	"context"
	"math"
	"runtime"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
)

// TestMemoryInit checks which rows each cell's memory init changes, against
// the same seed's PyTorch init.
func TestMemoryInit(t *testing.T) {
	runtime.LockOSThread()
	const H, bias = 3, 2.5
	for _, tc := range []struct {
		cell  lstm.Cell
		delta []float64 // added to each block of bias_ih_l0
	}{
		{lstm.LSTM, []float64{-bias, bias, 0, 0}},
		{lstm.GRU, []float64{0, bias, 0}},
		{lstm.RNNTanh, []float64{0}},
	} {
		before := biasAfterInit(t, tc.cell, H, PyTorchInit, bias)
		after := biasAfterInit(t, tc.cell, H, MemoryInit, bias)
		for i := range before {
			want := float64(before[i]) + tc.delta[i/H]
			if math.Abs(float64(after[i])-want) > 1e-6 {
				t.Errorf("%s: bias_ih_l0[%d] = %g, want %g", tc.cell, i, after[i], want)
			}
		}
	}
	libtorch.Seed(1)
	m, err := NewModel(lstm.RNNReLU, H, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Drop()
	if err := m.Initialise(MemoryInit, bias); err != nil {
		t.Fatal(err)
	}
	whh := values(t, m, "rnn.weight_hh_l0")
	for i, v := range whh {
		want := float32(0)
		if i%(H+1) == 0 {
			want = 1
		}
		if v != want {
			t.Errorf("rnn_relu: weight_hh_l0[%d] = %g, want the identity", i, v)
		}
	}
}

func biasAfterInit(t *testing.T, cell lstm.Cell, H int64, init Init, bias float64) []float32 {
	t.Helper()
	libtorch.Seed(1)
	m, err := NewModel(cell, H, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Drop()
	if err := m.Initialise(init, bias); err != nil {
		t.Fatal(err)
	}
	return values(t, m, "rnn.bias_ih_l0")
}

func values(t *testing.T, m *Model, name string) []float32 {
	t.Helper()
	v, err := tensor.Float32s(m.Params.Get(name))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestFitLearnsShortMemory: a GRU learns the sign over 8 steps in 60.
func TestFitLearnsShortMemory(t *testing.T) {
	runtime.LockOSThread()
	libtorch.Seed(2)
	m, err := NewModel(lstm.GRU, 8, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Drop()
	k := Task{T: 8, Noise: 0.1}
	f, err := m.Fit(context.Background(), k, Budget{Steps: 60, Batch: 16, LR: 0.02, Optimizer: "adam", Clip: 1, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := m.Evaluate(k, 256, 2)
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.95 || f.Diverged || f.Steps != 60 {
		t.Errorf("accuracy %.3f after %+v, want >= 0.95", acc, f)
	}
}

// TestFitStopsOnDivergence: a learning rate far too high makes the loss
// infinite; Fit reports it instead of failing.
func TestFitStopsOnDivergence(t *testing.T) {
	runtime.LockOSThread()
	libtorch.Seed(3)
	m, err := NewModel(lstm.RNNReLU, 8, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Drop()
	if err := m.Initialise(MemoryInit, 0); err != nil {
		t.Fatal(err)
	}
	f, err := m.Fit(context.Background(), Task{T: 40, Noise: 0.1}, Budget{Steps: 30, Batch: 8, LR: 1e4, Optimizer: "sgd", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Diverged || f.Steps == 30 {
		t.Errorf("fit %+v: want an early stop on divergence", f)
	}
}

func TestAccuracy(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		logits []float32
		y      []int64
		want   float64
	}{
		{[]float32{1, -1}, []int64{1, 0}, 1},
		{[]float32{1, -1}, []int64{0, 1}, 0},
		{[]float32{nan, 2, -3, 0}, []int64{1, 1, 0, 1}, 0.5},
	} {
		if got := Accuracy(tc.logits, tc.y); got != tc.want {
			t.Errorf("Accuracy(%v, %v) = %g, want %g", tc.logits, tc.y, got, tc.want)
		}
	}
}
