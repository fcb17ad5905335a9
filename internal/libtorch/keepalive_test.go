package libtorch

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
// faults at once; without the fit it fails within a few ops.
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
	stopAt := time.Now().Add(3 * time.Second) // without the fit it fails within a second
	for i := 0; i < 50 && time.Now().Before(stopAt); i++ {
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

// TestLeakedTensorsCollected checks the fitted gotch's pacing of the
// garbage collector (fitgotch.Pace): tensors dropped without being freed
// are still freed by their finalizers when the Go heap is too large for
// their own allocations to start a collection. Without the pacing (and
// without gotch's 100 KB allocation a tensor, which it replaces) all of
// them would stay.
func TestLeakedTensorsCollected(t *testing.T) {
	lockThread(t)
	ballast := make([]byte, 64<<20) // the next collection waits for a 128 MB heap
	defer runtime.KeepAlive(ballast)
	runtime.GC()
	before := liveTensors()
	const leaked = 40000
	for range leaked {
		ts.MustOnes([]int64{1}, gotch.Float, gotch.CPU) // never freed
	}
	live := liveTensors() - before
	for deadline := time.Now().Add(5 * time.Second); live >= leaked && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		live = liveTensors() - before
	}
	if live >= leaked {
		t.Fatalf("%d of %d leaked tensors still live: no collection freed any", live, leaked)
	}
	t.Logf("%d of %d leaked tensors still live", live, leaked)
}

// liveTensors counts gotch's live tensors (under its lock).
func liveTensors() int {
	msg := ts.CheckCMemLeak()
	i := strings.Index(msg, "Tensors not been released: [")
	j := strings.Index(msg[i:], "]\n")
	list := strings.TrimSpace(msg[i+len("Tensors not been released: [") : i+j])
	if list == "" {
		return 0
	}
	return strings.Count(list, "\" \"") + 1
}
