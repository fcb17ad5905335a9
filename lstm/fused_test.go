package lstm

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// TestFusedLSTMMatchesLibtorch runs libtorch.LSTM, the padded strategy's
// LSTM on the CPU, against libtorch's own lstm op on the same weights,
// input, state and seed: the forward's outputs equal bit for bit (it is
// LSTMCell's math op for op), every gradient (input, both states, all four
// weights of every layer) agrees to rounding, and dropout between layers
// draws the same masks.
func TestFusedLSTMMatchesLibtorch(t *testing.T) {
	lockThread(t)
	if !libtorch.HasLSTM() {
		t.Fatal("the fitted gotch lacks torchrnn_lstm: run ./setup-libtorch.sh")
	}
	for _, c := range []struct {
		B, T, in, H, layers int64
		dropout             float64
	}{
		{B: 3, T: 7, in: 5, H: 4, layers: 1},
		{B: 4, T: 1, in: 3, H: 6, layers: 1},
		{B: 5, T: 9, in: 8, H: 16, layers: 2},
		{B: 2, T: 6, in: 4, H: 8, layers: 3, dropout: 0.4},
	} {
		t.Run(fmt.Sprintf("B%d_T%d_in%d_H%d_layers%d_dropout%g", c.B, c.T, c.in, c.H, c.layers, c.dropout), func(t *testing.T) {
			lockThread(t)
			libtorch.Seed(7)
			var leaves []*ts.Tensor
			mk := func(shape ...int64) *ts.Tensor {
				x := ts.MustRandn(shape, gotch.Float, gotch.CPU).MustMulScalar(ts.FloatScalar(0.5), true).MustSetRequiresGrad(true, true)
				leaves = append(leaves, x)
				return x
			}
			x, h, cs := mk(c.B, c.T, c.in), mk(c.layers, c.B, c.H), mk(c.layers, c.B, c.H)
			var w []*ts.Tensor
			for l := int64(0); l < c.layers; l++ {
				in := c.in
				if l > 0 {
					in = c.H
				}
				w = append(w, mk(4*c.H, in), mk(4*c.H, c.H), mk(4*c.H), mk(4*c.H))
			}
			// weights for the loss, so that every output gets its own gradient
			ro, rh, rc := ts.MustRandn([]int64{c.B, c.T, c.H}, gotch.Float, gotch.CPU), ts.MustRandn([]int64{c.layers, c.B, c.H}, gotch.Float, gotch.CPU), ts.MustRandn([]int64{c.layers, c.B, c.H}, gotch.Float, gotch.CPU)
			run := func(fused bool) (outs, grads []*ts.Tensor) {
				libtorch.Seed(11) // the same dropout masks
				var out, hn, cn *ts.Tensor
				var err error
				if fused {
					out, hn, cn, err = libtorch.LSTM(x, h, cs, w, c.layers, c.dropout, true, true)
				} else {
					out, hn, cn, err = ts.Lstm(x, []*ts.Tensor{h, cs}, w, true, c.layers, c.dropout, true, false, true)
				}
				if err != nil {
					t.Fatal(err)
				}
				loss := out.MustMul(ro, false).MustSum(gotch.Float, true).
					MustAdd(hn.MustMul(rh, false).MustSum(gotch.Float, true), true).
					MustAdd(cn.MustMul(rc, false).MustSum(gotch.Float, true), true)
				for _, l := range leaves {
					l.ZeroGrad()
				}
				loss.MustBackward()
				for _, l := range leaves {
					grads = append(grads, grad(t, l).MustDetach(false))
				}
				return []*ts.Tensor{out, hn, cn}, grads
			}
			wantOut, wantGrad := run(false)
			gotOut, gotGrad := run(true)
			for i, name := range []string{"out", "h_n", "c_n"} {
				if !gotOut[i].MustEqual(wantOut[i], false) {
					t.Errorf("%s: not bit for bit libtorch's: differs by %g", name, relDiff(t, gotOut[i], wantOut[i]))
				}
			}
			for i := range wantGrad {
				if d := relDiff(t, gotGrad[i], wantGrad[i]); d > 1e-5 {
					t.Errorf("gradient of leaf %d (x, h0, c0, then w_ih, w_hh, b_ih, b_hh a layer): differs by %g (relative to max(1, |want|))", i, d)
				}
			}
		})
	}
}

// TestFusedLSTMStrategies: the padded strategy's results with
// libtorch.LSTM on and off agree, unequal lengths (segments, reversed
// direction) and gradients included.
func TestFusedLSTMStrategies(t *testing.T) {
	lockThread(t)
	p := &Params{Device: gotch.CPU}
	libtorch.Seed(3)
	r := build(t, func() *RNN { return newRNN(p, "", LSTM, 5, 6, 2, true, 0) })
	x := ts.MustRandn([]int64{4, 7, 5}, gotch.Float, gotch.CPU).MustSetRequiresGrad(true, true)
	lengths := []int64{7, 3, 5, 1}
	run := func(fused bool) (out, hn, cn, gx *ts.Tensor) {
		defer func(old bool) { fusedLSTM = old }(fusedLSTM)
		fusedLSTM = fused
		out, s, err := r.Forward(x, lengths, State{}, true)
		if err != nil {
			t.Fatal(err)
		}
		x.ZeroGrad()
		out.MustSum(gotch.Float, false).MustAdd(s.H.MustSum(gotch.Float, false), true).MustAdd(s.C.MustSum(gotch.Float, false), true).MustBackward()
		return out, s.H, s.C, grad(t, x).MustDetach(false)
	}
	a := [4]*ts.Tensor{}
	a[0], a[1], a[2], a[3] = run(false)
	b := [4]*ts.Tensor{}
	b[0], b[1], b[2], b[3] = run(true)
	for i, name := range []string{"out", "h_n", "c_n", "gradient of x"} {
		if d := relDiff(t, b[i], a[i]); d > 1e-5 {
			t.Errorf("%s: libtorch.LSTM on and off differ by %g", name, d)
		}
	}
}

// relDiff is max |a - b| / max(1, |b|) over the elements.
func relDiff(t *testing.T, a, b *ts.Tensor) float64 {
	t.Helper()
	if fmt.Sprint(a.MustSize()) != fmt.Sprint(b.MustSize()) {
		t.Fatalf("shapes %v and %v", a.MustSize(), b.MustSize())
	}
	av, bv := tensor.Val(tensor.Float32s(a)), tensor.Val(tensor.Float32s(b))
	worst := 0.0
	for i := range av {
		d := math.Abs(float64(av[i])-float64(bv[i])) / math.Max(1, math.Abs(float64(bv[i])))
		if d > worst || math.IsNaN(d) {
			worst = d
		}
	}
	return worst
}

// BenchmarkFusedLSTM: forward and backward of the bench's character LM's
// LSTM (batch 64, 100 steps, input 64, hidden 256, one layer, one thread),
// libtorch.LSTM against libtorch's op.
func BenchmarkFusedLSTM(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	libtorch.SetThreads(1)
	libtorch.Seed(1)
	p := &Params{Device: gotch.CPU}
	r := newRNN(p, "", LSTM, 64, 256, 1, false, 0)
	x := ts.MustRandn([]int64{64, 100, 64}, gotch.Float, gotch.CPU).MustSetRequiresGrad(true, true)
	for _, fused := range []bool{false, true} {
		b.Run(fmt.Sprintf("fused=%v", fused), func(b *testing.B) {
			defer func(old bool) { fusedLSTM = old }(fusedLSTM)
			fusedLSTM = fused
			for i := 0; i < b.N; i++ {
				out, s, err := r.Forward(x, nil, State{}, true)
				if err != nil {
					b.Fatal(err)
				}
				loss := out.MustSum(gotch.Float, false)
				loss.MustBackward()
				loss.MustDrop()
				out.MustDrop()
				s.Drop()
			}
		})
	}
}
