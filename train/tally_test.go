package train

import (
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/torch"
)

// stats is a batch measure left on the device: its loss and right count
// as tensors.
func stats(t *testing.T, loss float32, right, counted int64) batchStats {
	t.Helper()
	l, err := torch.FromFloat32s([]float32{loss}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	r, err := torch.FromInt64s([]int64{right}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	return batchStats{lossT: l, rightT: r, counted: counted, tokens: 10 * counted}
}

// TestTallyReadsEvery: batches summed on the device and read every 3 give
// the totals of batches read one by one (7 batches: two full reads and a
// flush of the last one), and a NaN loss is found at the read that
// follows it, naming that read's last batch.
func TestTallyReadsEvery(t *testing.T) {
	runtime.LockOSThread()
	losses := []float32{0.7, 0.6, 0.65, 0.5, 0.4, 0.45, 0.3}
	var got [2]phase
	for i, every := range []int{1, 3} {
		tl := newTally(io.Discard, "train", 1, len(losses))
		tl.every = every
		var g guard
		for b, l := range losses {
			if err := tl.add(&g, 1, stats(t, l, int64(b), 8)); err != nil {
				t.Fatal(err)
			}
			if want := (b + 1) / every * every; every > 1 && tl.n != want {
				t.Errorf("every %d: %d batches recorded after %d, want %d", every, tl.n, b+1, want)
			}
		}
		if err := tl.flush(&g, 1); err != nil {
			t.Fatal(err)
		}
		tl.prog.Finish()
		got[i] = tl.phase()
		if tl.n != len(losses) || tl.pend.n != 0 {
			t.Errorf("every %d: %d batches recorded, %d pending", every, tl.n, tl.pend.n)
		}
	}
	if math.Abs(got[0].loss-got[1].loss) > 1e-6 || math.Abs(got[0].loss-0.5142857) > 1e-6 ||
		got[0].acc != got[1].acc || got[0].acc != 21.0/56 || got[0].tokens != got[1].tokens || got[0].tokens != 560 {
		t.Errorf("read one by one %+v, every 3 %+v; want loss 0.5143, accuracy 21/56, 560 tokens", got[0], got[1])
	}
	tl := newTally(io.Discard, "train", 2, 6)
	defer tl.prog.Finish()
	tl.every = 3
	var g guard
	var err error
	for b, l := range []float32{0.7, float32(math.NaN()), 0.6} {
		if err = tl.add(&g, 2, stats(t, l, 1, 8)); err != nil && b < 2 {
			t.Fatalf("batch %d: error %v before the read", b+1, err)
		}
	}
	if err == nil || !strings.Contains(err.Error(), "loss is NaN at epoch 2, batch 3") {
		t.Errorf("NaN in batch 2, read at batch 3: error %v", err)
	}
}
