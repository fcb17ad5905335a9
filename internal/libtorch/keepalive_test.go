package libtorch

import (
	"os"
	"os/exec"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// TestTensorAliveDuringOp checks that an op keeps its tensors alive while
// libtorch reads them. gotch frees a tensor from its finalizer once Go holds
// no reference to it, and its ops hand libtorch bare C pointers: a tensor
// whose last use is as an op's argument could be freed, by a collection
// during the op, under the op (a crash, or a wrong result from reused
// memory). The fitted gotch keeps every tensor argument alive to the end of
// the call (fitgotch.KeepAlive).
//
// The loop runs in a child process whose malloc returns every freed tensor
// to the kernel (a fixed mmap threshold), so that a read after the free
// faults at once; without the fit it fails within a few dozen ops.
func TestTensorAliveDuringOp(t *testing.T) {
	if os.Getenv("TORCHRNN_KEEPALIVE_CHILD") == "1" {
		sumsOfDyingTensors(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTensorAliveDuringOp$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TORCHRNN_KEEPALIVE_CHILD=1", "MALLOC_MMAP_THRESHOLD_=131072")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if len(out) > 3000 {
			out = out[:3000]
		}
		t.Fatalf("the loop of ops on tensors that die during the op failed (%v):\n%s", err, out)
	}
}

// sumsOfDyingTensors adds vectors whose last reference is the
// op's own argument while another goroutine collects garbage without pause.
func sumsOfDyingTensors(t *testing.T) {
	lockThread(t)
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			runtime.GC()
		}
	}()
	defer func() { stop.Store(true); <-done }()
	const n = 1 << 24
	for i := range 50 {
		x := ts.MustOnes([]int64{n}, gotch.Float, gotch.CPU)
		y := ts.MustOnes([]int64{n}, gotch.Float, gotch.CPU)
		z, err := x.Add(y, false) // x's and y's last use
		if err != nil {
			t.Fatalf("sum %d: %v", i, Err(err))
		}
		s := z.MustSum(gotch.Double, true)
		if got := s.Float64Values()[0]; got != 2*n {
			t.Fatalf("sum %d: %d ones and %d ones add up to %g, want %d", i, n, n, got, 2*n)
		}
		s.MustDrop()
	}
}
