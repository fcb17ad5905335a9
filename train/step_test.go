package train

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/torch"
)

// linear is a logistic regression, 3 inputs, on 4 fixed examples.
type linear struct {
	params *lstm.Params
	fc     *lstm.Linear
}

func newLinear(t *testing.T) linear {
	t.Helper()
	libtorch.Seed(3)
	p := lstm.NewParams(gotch.CPU)
	fc, err := lstm.NewLinear(p, "fc", 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	return linear{p, fc}
}

// loss is the mean BCE of the 4 examples, times scale; the caller frees it.
func (m linear) loss(t *testing.T, scale float32) *torch.Tensor {
	t.Helper()
	x, _ := torch.FromFloat32s([]float32{1, 2, 3, -1, 0.5, 2, 0, -3, 1, 4, 4, -4}, gotch.CPU, 4, 3)
	y, _ := torch.FromFloat32s([]float32{1, 0, 1, 0}, gotch.CPU, 4)
	s, _ := torch.FromFloat32s([]float32{scale}, gotch.CPU)
	defer torch.Free(x, y, s)
	logits, err := m.fc.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	defer torch.Free(logits)
	l, err := torch.BCEWithLogits(logits, y)
	if err != nil {
		t.Fatal(err)
	}
	defer torch.Free(l)
	return tensor.Must(l.Mul(s, false))
}

// values reads every parameter (or its gradient) into one slice.
func (m linear) values(t *testing.T, grad bool) []float64 {
	t.Helper()
	var out []float64
	for _, q := range m.params.List() {
		v := q.Tensor
		if grad {
			v = tensor.Must(q.Tensor.Grad(false))
			defer v.MustDrop()
		}
		f, err := tensor.Float32s(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range f {
			out = append(out, float64(x))
		}
	}
	return out
}

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// TestStepperClipsThenSteps: with SGD, the weights move by -lr times the
// gradient clipped to norm clip, and Step reports the loss and the norm
// before clipping.
func TestStepperClipsThenSteps(t *testing.T) {
	runtime.LockOSThread()
	const lr = 0.5
	for _, clip := range []float64{0, 0.05} {
		m := newLinear(t)
		st, err := NewStepper(m.params, optim.Config{Algorithm: "sgd", LR: lr}, clip)
		if err != nil {
			t.Fatal(err)
		}
		// The unclipped gradient, from Backward alone.
		l := m.loss(t, 1)
		if err := st.Backward(l); err != nil {
			t.Fatal(err)
		}
		want := norm(m.values(t, true))
		before := m.values(t, false)
		l.MustDrop()
		l = m.loss(t, 1)
		value, got, err := st.Step(l) // the same gradient again: cleared first, not added
		if err != nil {
			t.Fatal(err)
		}
		if v := tensor.Val(l.Float64Value([]int64{})); value != v || !(value > 0) {
			t.Errorf("clip %g: loss %g, want %g", clip, value, v)
		}
		if clip == 0 && got != 0 {
			t.Errorf("clip 0: norm %g measured, want none", got)
		}
		if clip > 0 && math.Abs(got-want) > 1e-5 {
			t.Errorf("clip %g: norm %g, want the unclipped %g (not twice it)", clip, got, want)
		}
		g, after := m.values(t, true), m.values(t, false)
		if wantNorm := math.Min(want, clip); clip > 0 && math.Abs(norm(g)-wantNorm) > 1e-4 {
			t.Errorf("clip %g: gradient norm after clipping %g, want %g", clip, norm(g), wantNorm)
		}
		for i := range after {
			if d := before[i] - lr*g[i]; math.Abs(after[i]-d) > 1e-6 {
				t.Errorf("clip %g: weight %d is %g, want %g - %g*%g", clip, i, after[i], before[i], lr, g[i])
			}
		}
		l.MustDrop()
	}
}

// TestStepperSkipsNonFinite: a NaN loss leaves the weights alone with
// SkipNonFinite, and spoils them without.
func TestStepperSkipsNonFinite(t *testing.T) {
	runtime.LockOSThread()
	for _, skip := range []bool{true, false} {
		m := newLinear(t)
		st, err := NewStepper(m.params, optim.Config{LR: 0.1}, 0)
		if err != nil {
			t.Fatal(err)
		}
		st.SkipNonFinite = skip
		before := m.values(t, false)
		l := m.loss(t, float32(math.NaN()))
		value, gnorm, err := st.Step(l)
		l.MustDrop()
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(value) || (skip && !math.IsNaN(gnorm)) {
			t.Errorf("skip %v: loss %g, norm %g: want NaN", skip, value, gnorm)
		}
		after := m.values(t, false)
		if kept := after[0] == before[0]; kept != skip {
			t.Errorf("skip %v: weight %g -> %g", skip, before[0], after[0])
		}
	}
}

// TestBatch: with a Stepper, Batch is the forward pass then Step; with a
// nil one, the forward pass runs without gradients and nothing changes.
func TestBatch(t *testing.T) {
	runtime.LockOSThread()
	m := newLinear(t)
	st, err := NewStepper(m.params, optim.Config{Algorithm: "sgd", LR: 0.5}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []*Stepper{nil, st} {
		var l *torch.Tensor
		before := m.values(t, false)
		loss, err := step.Batch(func() (*torch.Tensor, error) {
			l = m.loss(t, 1)
			return l, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		grad, err := l.RequiresGrad()
		if v := tensor.Val(l.Float64Value([]int64{})); err != nil || loss != v || grad != (step != nil) {
			t.Errorf("stepper %v: loss %g (tensor %g), gradients %v (%v)", step != nil, loss, v, grad, err)
		}
		l.MustDrop()
		if moved := m.values(t, false)[0] != before[0]; moved != (step != nil) {
			t.Errorf("stepper %v: weights moved %v", step != nil, moved)
		}
	}
	if _, err := st.Batch(func() (*torch.Tensor, error) { return nil, errors.New("no batch") }); err == nil || !strings.Contains(err.Error(), "no batch") {
		t.Errorf("forward error: %v", err)
	}
}

// TestTrainMatchesStep: Train's step, its clipping factor read back (the
// CPU) or computed on the device (CUDA), moves the weights as Step does, with and without clipping, over three
// SGD steps (where a missed clip shows at once); its clipping factor is
// computed on the device.
func TestTrainMatchesStep(t *testing.T) {
	runtime.LockOSThread()
	for _, clip := range []float64{0, 0.05} {
		var weights [2][]float64
		for i, hostClip := range []bool{true, false} {
			m := newLinear(t)
			st, err := NewStepper(m.params, optim.Config{Algorithm: "sgd", LR: 0.5}, clip)
			if err != nil {
				t.Fatal(err)
			}
			for step := 0; step < 3; step++ {
				l := m.loss(t, 1)
				err := st.train(l, hostClip)
				l.MustDrop()
				if err != nil {
					t.Fatal(err)
				}
			}
			weights[i] = m.values(t, false)
		}
		moved := false
		for j := range weights[0] {
			if math.Abs(weights[0][j]-weights[1][j]) > 1e-6 {
				t.Errorf("clip %g: weight %d is %g clipped on the host, %g on the device", clip, j, weights[0][j], weights[1][j])
			}
			moved = moved || weights[0][j] != newLinear(t).values(t, false)[j]
		}
		if !moved {
			t.Errorf("clip %g: no weight moved", clip)
		}
	}
}
