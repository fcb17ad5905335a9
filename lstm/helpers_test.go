package lstm

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/fixture"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// The parity tests run on the CPU, or on a GPU with TORCHRNN_TEST_DEVICE=cuda.
// There cuDNN computes in full float32 (TF32 off) and the tolerances are ten
// times the CPU's: 1e-4 for outputs, 1e-3 for gradients.
var testDevice = sync.OnceValues(func() (gotch.Device, error) {
	switch d := os.Getenv("TORCHRNN_TEST_DEVICE"); d {
	case "", "cpu":
		return gotch.CPU, nil
	case "cuda":
		if !gotch.CUDA.IsAvailable() {
			return gotch.CPU, fmt.Errorf("TORCHRNN_TEST_DEVICE=cuda, but libtorch %s sees no GPU", libtorch.Version)
		}
		return gotch.CudaBuilder(0), libtorch.SetCudnnTF32(false)
	default:
		return gotch.CPU, fmt.Errorf("TORCHRNN_TEST_DEVICE=%s: want cpu or cuda", d)
	}
})

// device is the device the parity tests run on.
func device(t *testing.T) gotch.Device {
	t.Helper()
	d, err := testDevice()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// leaf makes a float32 tensor from a fixture, tracking gradients when grad.
func leaf(t *testing.T, f fixture.Tensor, grad bool) *ts.Tensor {
	t.Helper()
	x, err := tensor.Float32(f.Float32(), f.Shape, device(t))
	if err != nil {
		t.Fatal(err)
	}
	if grad {
		x = x.MustSetRequiresGrad(true, true)
	}
	return x
}

func ids(t *testing.T, f fixture.Tensor) *ts.Tensor {
	t.Helper()
	x, err := tensor.Int64(f.Int64(), f.Shape, device(t))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// setParams copies a fixture's weights into p, in order, checking names.
func setParams(t *testing.T, p *Params, want fixture.Params) {
	t.Helper()
	if got := p.Names(); fmt.Sprint(got) != fmt.Sprint(want.Names()) {
		t.Fatalf("parameter names\n got %v\nwant %v", got, want.Names())
	}
	for _, w := range want {
		if err := p.Set(w.Name, w.Float32()); err != nil {
			t.Fatal(err)
		}
	}
}

// near compares a tensor with a fixture within tol (absolute, scaled by
// max(1, |want|)); ten times tol on CUDA.
func near(t *testing.T, what string, got *ts.Tensor, want fixture.Tensor, tol float64) {
	t.Helper()
	if device(t).IsCuda() {
		tol *= 10
	}
	if got == nil {
		t.Errorf("%s: no tensor", what)
		return
	}
	shape := got.MustSize()
	if fmt.Sprint(shape) != fmt.Sprint(want.Shape) {
		t.Errorf("%s: shape %v, want %v", what, shape, want.Shape)
		return
	}
	vals, err := tensor.Float32s(got)
	if err != nil {
		t.Fatal(err)
	}
	worst, at := 0.0, 0
	for i, v := range vals {
		d := math.Abs(float64(v)-want.Data[i]) / math.Max(1, math.Abs(want.Data[i]))
		if d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	if worst > tol || math.IsNaN(worst) {
		t.Errorf("%s: differs by %.3g at %d (got %g, want %g), tolerance %g", what, worst, at, vals[at], want.Data[at], tol)
	}
}

// dot is sum(a * w) as a scalar tensor.
func dot(t *testing.T, a *ts.Tensor, w fixture.Tensor) *ts.Tensor {
	t.Helper()
	wt := leaf(t, w, false)
	return a.MustMul(wt, false).MustSum(gotch.Float, true)
}

func grad(t *testing.T, x *ts.Tensor) *ts.Tensor {
	t.Helper()
	g, err := x.Grad(false)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func load[F any](t *testing.T, name string, loader func(string) (F, error)) F {
	t.Helper()
	f, err := loader(fixture.Path(name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// build runs a constructor that reports errors through tensor.Catch.
func build[M any](t *testing.T, mk func() M) (m M) {
	t.Helper()
	var err error
	func() {
		defer tensor.Catch(&err, "build")
		m = mk()
	}()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// lockThread keeps the test on one OS thread (libtorch's grad mode and
// gotch's last error are per thread) and hands the thread back when the test
// ends: a goroutine that exits locked ends its thread, and libtorch keeps
// CUDA state per thread.
func lockThread(t *testing.T) {
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
}
