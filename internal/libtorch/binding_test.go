package libtorch

import (
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// TestPackedLSTMAdamStep drives the binding end to end on the CPU:
// embedding -> _pack_padded_sequence -> lstm_data -> loss -> backward -> Adam.
func TestPackedLSTMAdamStep(t *testing.T) {
	lockThread(t)
	Seed(1)
	const V, E, H = 10, 4, 3
	param := func(shape ...int64) *ts.Tensor {
		return ts.MustRandn(shape, gotch.Float, gotch.CPU).MustMulScalar(ts.FloatScalar(0.3), true).MustSetRequiresGrad(true, true)
	}
	emb := param(V, E)
	params := []*ts.Tensor{param(4*H, E), param(4*H, H), param(4 * H), param(4 * H)}
	ids := ts.MustOfSlice([]int64{1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 9, 1, 0, 0, 0}).MustView([]int64{3, 5}, true)
	lengths := ts.MustOfSlice([]int64{5, 3, 2})

	loss := func() *ts.Tensor {
		x, err := ts.Embedding(emb, ids, 0, false, false) // [B, T] -> [B, T, E]
		if err != nil {
			t.Fatal(Err(err))
		}
		data, batchSizes, err := PackPadded(x, lengths) // [10, E], [5]
		if err != nil {
			t.Fatal(err)
		}
		if got := batchSizes.Int64Values(); !slices.Equal(got, []int64{3, 3, 2, 1, 1}) {
			t.Fatalf("batch sizes = %v, want [3 3 2 1 1]", got)
		}
		h0 := ts.MustZeros([]int64{1, 3, H}, gotch.Float, gotch.CPU)
		out, _, _, err := ts.LstmData(data, batchSizes, []*ts.Tensor{h0, h0}, params, true, 1, 0, true, false)
		if err != nil {
			t.Fatal(Err(err))
		}
		// A target the LSTM can reach: every output unit at 0.5.
		return out.MustSubScalar(ts.FloatScalar(0.5), true).MustSquare(true).MustMean(gotch.Float, true)
	}

	opt, err := ts.Adam(0.05, 0.9, 0.999, 0)
	if err != nil {
		t.Fatal(Err(err))
	}
	if err := opt.AddParameters(append([]*ts.Tensor{emb}, params...)); err != nil {
		t.Fatal(Err(err))
	}
	before := emb.Float64Values()
	first := loss().Float64Values()[0]
	var last float64
	for step := 0; step < 30; step++ {
		l := loss()
		last = l.Float64Values()[0]
		if err := opt.ZeroGrad(); err != nil {
			t.Fatal(Err(err))
		}
		if err := l.Backward(); err != nil {
			t.Fatal(Err(err))
		}
		if err := opt.Step(); err != nil {
			t.Fatal(Err(err))
		}
		l.MustDrop()
	}
	after := emb.Float64Values()
	if before[0] == after[0] && before[E] == after[E] {
		t.Errorf("Adam did not change the embedding: %v", after[:2*E])
	}
	// Row 0 is the padding row: embedding's backward gives it no gradient.
	if !slices.Equal(before[:E], after[:E]) {
		t.Errorf("padding row changed: %v -> %v", before[:E], after[:E])
	}
	if !(last < first/2) {
		t.Errorf("loss did not fall: first %.4f, after 30 steps %.4f", first, last)
	}
}

// TestFittedOpIsGoError checks that an op that libtorch lacks fails at call
// time with an error that names it, not with a crash or log.Fatal.
// _cslt_sparse_mm came with 2.1 and changed its signature after it, so it is
// fitted for 1.13 and 2.11 alike.
func TestFittedOpIsGoError(t *testing.T) {
	if strings.HasPrefix(Version, "2.1.") {
		t.Skip("libtorch 2.1 has every op gotch v0.9.1 generates")
	}
	lockThread(t)
	x := ts.MustZeros([]int64{2, 2}, gotch.Float, gotch.CPU)
	var out lib.Ctensor
	lib.Atg_CsltSparseMm(&out, lib.Ctensor(x.Ctensor()), lib.Ctensor(x.Ctensor()), lib.Ctensor(x.Ctensor()), 0)
	err := LastErr()
	if err == nil {
		t.Fatalf("_cslt_sparse_mm on libtorch %s: got no error", Version)
	}
	want := "torchrnn: _cslt_sparse_mm is not available in libtorch " + Version
	if msg := err.Error(); !strings.Contains(msg, want) {
		t.Errorf("error = %q, want it to contain %q", msg, want)
	}
	// The error is consumed: the next call succeeds.
	if _, err := x.Squeeze(false); err != nil {
		t.Errorf("squeeze after a fitted op failed: %v", err)
	}
}

func TestErrKeepsTheMessage(t *testing.T) {
	lockThread(t)
	x := ts.MustZeros([]int64{2, 3}, gotch.Float, gotch.CPU)
	_, err := x.View([]int64{4, 4}, false)
	if err == nil {
		t.Fatal("view [2,3] as [4,4]: got no error")
	}
	msg := Err(err).Error()
	if strings.Contains(msg, "goroutine") || !strings.Contains(msg, "shape '[4, 4]' is invalid") || strings.Count(msg, "\n") > 3 {
		t.Errorf("Err = %q, want libtorch's message without stack traces", msg)
	}
}

func TestThreads(t *testing.T) {
	old := Threads()
	defer SetThreads(old)
	SetThreads(1)
	if got := Threads(); got != 1 {
		t.Errorf("Threads() = %d after SetThreads(1)", got)
	}
}

// The extension fitgotch adds to libtch is linked and callable (a flag on
// every libtorch, CPU-only builds included); its effect is seen by the CUDA
// parity tests (TORCHRNN_TEST_DEVICE=cuda go test ./lstm).
func TestSetCudnnTF32(t *testing.T) {
	for _, on := range []bool{false, true} {
		if err := SetCudnnTF32(on); err != nil {
			t.Errorf("SetCudnnTF32(%v): %v", on, err)
		}
	}
}

// lockThread keeps the test's goroutine on its OS thread until the test
// ends: libtch keeps the last error per thread, so a goroutine that moves
// between an op and its error check loses the error and takes the op's
// unset result for a tensor (the crash of CI's stop 26).
func lockThread(t *testing.T) {
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
}
