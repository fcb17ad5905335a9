package optim

import (
	"math"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

func param(t *testing.T, name string, vals ...float32) Param {
	t.Helper()
	x, err := tensor.Float32(vals, []int64{int64(len(vals))}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	return Param{Name: name, Tensor: x.MustSetRequiresGrad(true, true)}
}

// quadratic sets the gradient of sum(w * p²)/2, i.e. w * p.
func quadratic(t *testing.T, p Param, w ...float32) {
	t.Helper()
	wt, _ := tensor.Float32(w, []int64{int64(len(w))}, gotch.CPU)
	loss := p.Tensor.MustSquare(false).MustMul(wt, true).MustSum(gotch.Float, true).MustMulScalar(ts.FloatScalar(0.5), true)
	if err := loss.Backward(); err != nil {
		t.Fatal(err)
	}
}

func values(t *testing.T, p Param) []float32 {
	t.Helper()
	v, err := tensor.Float32s(p.Tensor)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAdamMatchesTheFormula(t *testing.T) {
	runtime.LockOSThread()
	p := param(t, "p", 1, -2)
	o, err := New([]Param{p}, Config{LR: 0.1, WeightDecay: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	// PyTorch's Adam by hand, float64, for gradient (w p + λ p), w = (3, 1).
	want := []float64{1, -2}
	m, v := []float64{0, 0}, []float64{0, 0}
	w := []float64{3, 1}
	for step := 1; step <= 3; step++ {
		o.ZeroGrad()
		quadratic(t, p, 3, 1)
		if err := o.Step(); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			g := w[i]*want[i] + 0.5*want[i]
			m[i] = 0.9*m[i] + 0.1*g
			v[i] = 0.999*v[i] + 0.001*g*g
			bc1, bc2 := 1-math.Pow(0.9, float64(step)), 1-math.Pow(0.999, float64(step))
			want[i] -= 0.1 / bc1 * m[i] / (math.Sqrt(v[i])/math.Sqrt(bc2) + 1e-8)
		}
		got := values(t, p)
		for i := range want {
			if math.Abs(float64(got[i])-want[i]) > 1e-5 {
				t.Fatalf("step %d: p = %v, want %v", step, got, want)
			}
		}
	}
}

func TestSGDMomentum(t *testing.T) {
	runtime.LockOSThread()
	p := param(t, "p", 2)
	o, _ := New([]Param{p}, Config{Algorithm: "sgd", LR: 0.1, Momentum: 0.9})
	want, buf := 2.0, 0.0
	for step := 0; step < 3; step++ {
		o.ZeroGrad()
		quadratic(t, p, 1)
		if err := o.Step(); err != nil {
			t.Fatal(err)
		}
		buf = 0.9*buf + want
		want -= 0.1 * buf
	}
	if got := values(t, p)[0]; math.Abs(float64(got)-want) > 1e-6 {
		t.Errorf("p = %g, want %g", got, want)
	}
}

// TestSaveLoadResumes checks that an optimizer restored from a saved state
// continues exactly as the original.
func TestSaveLoadResumes(t *testing.T) {
	runtime.LockOSThread()
	path := filepath.Join(t.TempDir(), "optim.pt")
	a, b := param(t, "w", 1, 2, 3), param(t, "w", 1, 2, 3)
	oa, _ := New([]Param{a}, Config{LR: 0.05})
	ob, _ := New([]Param{b}, Config{LR: 0.05})
	for step := 0; step < 2; step++ {
		oa.ZeroGrad()
		quadratic(t, a, 1, 2, 3)
		oa.Step()
	}
	if err := oa.Save(path); err != nil {
		t.Fatal(err)
	}
	tensor.NoGrad(func() { b.Tensor.Copy_(a.Tensor) })
	if err := ob.Load(path); err != nil {
		t.Fatal(err)
	}
	if ob.Steps != 2 {
		t.Errorf("restored step count %d, want 2", ob.Steps)
	}
	for _, pair := range []struct {
		p Param
		o *Optimizer
	}{{a, oa}, {b, ob}} {
		pair.o.ZeroGrad()
		quadratic(t, pair.p, 1, 2, 3)
		pair.o.Step()
	}
	va, vb := values(t, a), values(t, b)
	for i := range va {
		if va[i] != vb[i] {
			t.Fatalf("after resume: %v, uninterrupted: %v", vb, va)
		}
	}
	other, _ := New([]Param{param(t, "other", 1)}, Config{})
	if err := other.Load(path); err == nil {
		t.Error("loading the state of another parameter set: got no error")
	}
}

func TestClipGradNorm(t *testing.T) {
	runtime.LockOSThread()
	p := param(t, "p", 3, 4)
	quadratic(t, p, 1, 1) // gradient (3, 4), norm 5
	norm, err := ClipGradNorm([]Param{p}, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := tensor.Float32s(p.Tensor.MustGrad(false))
	if math.Abs(norm-5) > 1e-5 || math.Abs(float64(g[0])-0.6) > 1e-5 || math.Abs(float64(g[1])-0.8) > 1e-5 {
		t.Errorf("norm %g, clipped gradient %v; want 5, [0.6 0.8]", norm, g)
	}
}

// TestClipGradNormOnDevice: the same norm and gradients as ClipGradNorm
// (PyTorch's clip_grad_norm_) over two parameters, clipped (joint norm 13
// to 2) and not (max 20), without reading the norm back.
func TestClipGradNormOnDevice(t *testing.T) {
	runtime.LockOSThread()
	for _, max := range []float64{2, 20} {
		var got, want [][]float32
		var norms [2]float64
		for i, clip := range []func([]Param) (float64, error){
			func(ps []Param) (float64, error) { return ClipGradNorm(ps, max) },
			func(ps []Param) (float64, error) {
				n, err := ClipGradNormOnDevice(ps, max)
				if err != nil {
					return 0, err
				}
				defer n.MustDrop()
				return n.Float64Value([]int64{})
			},
		} {
			a, b := param(t, "a", 3, 4), param(t, "b", 12)
			quadratic(t, a, 1, 1) // gradients (3, 4) and (12): joint norm 13
			quadratic(t, b, 1)
			n, err := clip([]Param{a, b})
			if err != nil {
				t.Fatal(err)
			}
			norms[i] = n
			ga, _ := tensor.Float32s(a.Tensor.MustGrad(false))
			gb, _ := tensor.Float32s(b.Tensor.MustGrad(false))
			if i == 0 {
				want = [][]float32{ga, gb}
			} else {
				got = [][]float32{ga, gb}
			}
		}
		if math.Abs(norms[0]-13) > 1e-5 || math.Abs(norms[1]-13) > 1e-5 {
			t.Errorf("max %v: norms %v, want 13 from both", max, norms)
		}
		for i := range want {
			for j := range want[i] {
				if math.Abs(float64(got[i][j]-want[i][j])) > 1e-5 {
					t.Errorf("max %v: gradients %v, ClipGradNorm's %v", max, got, want)
				}
			}
		}
	}
	if _, err := ClipGradNormOnDevice(nil, 0); err == nil {
		t.Error("max 0: no error")
	}
	if n, err := ClipGradNormOnDevice([]Param{param(t, "c", 1)}, 1); n != nil || err != nil {
		t.Errorf("no gradients: %v, %v; want nil, nil", n, err)
	}
}
