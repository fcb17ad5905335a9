package study

import (
	"math"
	"runtime"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/lstm"
)

// tanhCell is a 1-unit rnn_tanh with a linear read-out, by hand:
//
//	h_t = tanh(a_t),  a_t = wih x_t + bih + whh h_{t-1} + bhh,  h_{-1} = 0
//	z = v h_{T-1} + c,  L = mean_b BCE(z_b, y_b)
type tanhCell struct{ wih, whh, bih, bhh, v, c float64 }

// grads is the chain rule backwards through time for one batch of B
// sequences x[b][t]:
//
//	∂L/∂h_{T-1} = (σ(z) - y) v / B
//	∂L/∂a_t     = ∂L/∂h_t (1 - h_t²)
//	∂L/∂x_t     = ∂L/∂a_t wih
//	∂L/∂h_{t-1} = ∂L/∂a_t whh
//	∂L/∂whh     = Σ_b Σ_t ∂L/∂a_t h_{t-1}
func (k tanhCell) grads(x [][]float64, y []int64) (loss, gx0, gxLast, gwhh float64) {
	B := float64(len(x))
	var sq0, sqLast float64
	for b, xs := range x {
		T := len(xs)
		h := make([]float64, T)
		prev := 0.0
		for t, xt := range xs {
			h[t] = math.Tanh(k.wih*xt + k.bih + k.whh*prev + k.bhh)
			prev = h[t]
		}
		z := k.v*h[T-1] + k.c
		p := 1 / (1 + math.Exp(-z))
		target := float64(y[b])
		loss -= (target*math.Log(p) + (1-target)*math.Log(1-p)) / B
		dh := (p - target) * k.v / B
		for t := T - 1; t >= 0; t-- {
			da := dh * (1 - h[t]*h[t])
			if t == T-1 {
				sqLast += math.Pow(da*k.wih, 2)
			}
			if t == 0 {
				sq0 += math.Pow(da*k.wih, 2)
			} else {
				gwhh += da * h[t-1]
			}
			dh = da * k.whh
		}
	}
	return loss, math.Sqrt(sq0), math.Sqrt(sqLast), math.Abs(gwhh)
}

func TestGradientsMatchChainRule(t *testing.T) {
	runtime.LockOSThread()
	for _, tc := range []struct {
		name string
		cell tanhCell
		x    [][]float64
		y    []int64
	}{
		{"T=1", tanhCell{0.5, 0.8, 0.1, -0.2, 1.5, -0.3}, [][]float64{{1}}, []int64{1}},
		{"T=2", tanhCell{0.5, 0.8, 0.1, -0.2, 1.5, -0.3}, [][]float64{{1, 0.3}}, []int64{1}},
		{"T=3 batch 2", tanhCell{-0.7, 1.2, 0.05, 0.3, -2, 0.4}, [][]float64{{1, 0.1, -0.2}, {-1, 0.25, 0}}, []int64{1, 0}},
		{"T=3 saturating", tanhCell{3, 2, 0, 0, 1, 0}, [][]float64{{-1, 0.5, 0.5}, {1, -0.5, 0.2}}, []int64{0, 1}},
		{"T=30 vanishing", tanhCell{1, 0.5, 0, 0, 1, 0}, [][]float64{append([]float64{1}, make([]float64, 29)...)}, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewModel(lstm.RNNTanh, 1, gotch.CPU)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Drop()
			k := tc.cell
			for name, v := range map[string]float64{"rnn.weight_ih_l0": k.wih, "rnn.weight_hh_l0": k.whh,
				"rnn.bias_ih_l0": k.bih, "rnn.bias_hh_l0": k.bhh, "out.weight": k.v, "out.bias": k.c} {
				if err := m.Params.Set(name, []float32{float32(v)}); err != nil {
					t.Fatal(err)
				}
			}
			T := len(tc.x[0])
			var flat []float32
			for _, xs := range tc.x {
				for _, v := range xs {
					flat = append(flat, float32(v))
				}
			}
			got, err := m.Gradients(flat, tc.y, T)
			if err != nil {
				t.Fatal(err)
			}
			loss, gx0, gxLast, gwhh := k.grads(tc.x, tc.y)
			for _, c := range []struct {
				what      string
				got, want float64
			}{{"loss", float64(got.Loss), loss}, {"|dL/dx0|", float64(got.Input0), gx0},
				{"|dL/dx_T-1|", float64(got.Last), gxLast}, {"|dL/dWhh|", float64(got.WHH), gwhh}} {
				if d := math.Abs(c.got - c.want); d > 1e-4*math.Abs(c.want)+1e-30 {
					t.Errorf("%s = %.8g, by hand %.8g", c.what, c.got, c.want)
				}
			}
		})
	}
}

// TestGradientsRepeat: measuring twice gives the same norms (the
// parameters' gradients are cleared in between, not accumulated).
func TestGradientsRepeat(t *testing.T) {
	runtime.LockOSThread()
	for _, cell := range []lstm.Cell{lstm.RNNTanh, lstm.LSTM, lstm.GRU} {
		m, err := NewModel(cell, 4, gotch.CPU)
		if err != nil {
			t.Fatal(err)
		}
		x, y, err := Task{T: 6, Noise: 0.1}.Batch(4, newRand(3, probeStream))
		if err != nil {
			t.Fatal(err)
		}
		a, errA := m.Gradients(x, y, 6)
		b, errB := m.Gradients(x, y, 6)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if a != b || !(a.Input0 > 0) || !(a.WHH > 0) {
			t.Errorf("%s: first %+v, second %+v", cell, a, b)
		}
		m.Drop()
	}
}
