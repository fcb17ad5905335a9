package libtorch

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// checkOneLine fails unless msg is one line holding want and no trace.
func checkOneLine(t *testing.T, msg, want string) {
	t.Helper()
	low := strings.ToLower(msg)
	if strings.Contains(msg, "\n") || !strings.Contains(msg, want) ||
		strings.Contains(low, "frame #") || strings.Contains(low, "exception raised from") ||
		strings.Contains(low, "goroutine") || strings.Contains(low, "unknown function") {
		t.Errorf("Err = %q, want one line with %q and no trace", msg, want)
	}
}

// TestErrRealLibtorchErrors triggers errors in the linked libtorch (1.13
// writes "frame #N:" lines, some after "Exception raised from", some not)
// and checks each comes back as one line with libtorch's message.
func TestErrRealLibtorchErrors(t *testing.T) {
	lockThread(t)
	x := ts.MustZeros([]int64{2, 3}, gotch.Float, gotch.CPU)
	defer x.MustDrop()
	y := ts.MustZeros([]int64{4, 5}, gotch.Float, gotch.CPU)
	defer y.MustDrop()
	for _, tc := range []struct {
		name string
		op   func() (*ts.Tensor, error)
		want string
	}{
		// Checked before allocation: "Exception raised from ..." then frames.
		{"size overflow", func() (*ts.Tensor, error) {
			return ts.Zeros([]int64{1 << 40, 1 << 40}, gotch.Float, gotch.CPU)
		}, "Storage size calculation overflowed with sizes=[1099511627776, 1099511627776]"},
		// A failed 256 TiB allocation (past a 47-bit address space, so it
		// fails even where memory is overcommitted): "frame #0: <unknown
		// function>" right after the message.
		{"allocation", func() (*ts.Tensor, error) {
			return ts.Zeros([]int64{1 << 23, 1 << 23}, gotch.Float, gotch.CPU)
		}, "can't allocate memory: you tried to allocate 281474976710656 bytes"},
		{"shape mismatch", func() (*ts.Tensor, error) { return x.Matmul(y, false) },
			"mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lockThread(t) // a subtest runs on a goroutine of its own
			z, err := tc.op()
			if err == nil {
				z.MustDrop()
				t.Fatal("no error")
			}
			if !strings.Contains(strings.ToLower(err.Error()), "frame #") {
				t.Logf("gotch's error has no frame lines (another libtorch?): %.200q", err.Error())
			}
			checkOneLine(t, Err(err).Error(), tc.want)
		})
	}
}

// TestErrTraceShapes covers trace shapes of other libtorch builds.
func TestErrTraceShapes(t *testing.T) {
	for _, tc := range []struct{ msg, want string }{
		{"Libtorch API Error: bad shape\nFrame #0: foo + 0x1 (0x7f in /lib/x.so)\n", "bad shape"},
		{"Libtorch API Error: bad shape\nFRAME #12: <unknown function>", "bad shape"},
		{"Libtorch API Error: bad shape\nexception raised from f at a.cpp:3 (most recent call first):\nframe #0: g", "bad shape"},
		{"Libtorch API Error: bad shape\n<unknown function> + 0x1e09877 (0x7fb4f9209877 in /usr/lib/libtorch_cpu.so.1.13)", "bad shape"},
		{"Libtorch API Error: bad shape\n#0 0x00007f in c10::Error::Error ()", "bad shape"},
		{"Libtorch API Error: bad shape\n\ngoroutine 8 [running]:\nruntime/debug.Stack()", "bad shape"},
		{"Zeros() failed: Libtorch API Error: first\nsecond line of the message\n\nCPU: registered at a.cpp:1", "Zeros() failed: first second line of the message"},
	} {
		got := Err(errors.New(tc.msg)).Error()
		if got != tc.want {
			t.Errorf("Err(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}

func TestCapThreads(t *testing.T) {
	cpus := runtime.NumCPU()
	for _, tc := range []struct {
		n, want int
		warns   bool
	}{
		{0, 0, false}, {-1, -1, false}, {1, 1, false}, {cpus, cpus, false},
		{cpus + 1, cpus, true}, {100000, cpus, true}, {math.MaxInt, cpus, true},
	} {
		got, warning := CapThreads(tc.n)
		if got != tc.want || (warning != "") != tc.warns {
			t.Errorf("CapThreads(%d) = %d, %q; want %d, a warning %v", tc.n, got, warning, tc.want, tc.warns)
		}
		if tc.warns && !strings.Contains(warning, "this machine has") {
			t.Errorf("CapThreads(%d) warning %q does not say why", tc.n, warning)
		}
	}
}

// TestSetThreadsHuge: asking for 100,000 or 2^40 threads sets NumCPU and
// returns (before the cap, libtorch's OpenMP pool never came back).
func TestSetThreadsHuge(t *testing.T) {
	old := Threads()
	defer SetThreads(old)
	for _, n := range []int{100000, 1 << 40, math.MaxInt} {
		done := make(chan int, 1)
		go func() {
			SetThreads(n)
			done <- Threads()
		}()
		select {
		case got := <-done:
			if got != runtime.NumCPU() {
				t.Errorf("Threads() = %d after SetThreads(%d), want NumCPU %d", got, n, runtime.NumCPU())
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("SetThreads(%d) hangs", n)
		}
	}
}
