package libtorch

import (
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// TestCopyAsync: with a GPU the copy holds t's values (read back after the
// GPU's queue); without one, the extension's failure (no page-locked
// memory without CUDA) falls back to the plain copy, whose error names
// CUDA, and the CPU is a plain copy.
func TestCopyAsync(t *testing.T) {
	lockThread(t)
	if !HasCopyAsync() {
		t.Fatal("the fitted gotch lacks torchrnn_copy_async: run ./setup-libtorch.sh")
	}
	vals := []int64{3, 1, 4, 1, 5, 9}
	src := ts.MustOfSlice(vals)
	defer src.MustDrop()
	for _, dev := range []gotch.Device{gotch.CPU, gotch.CudaBuilder(0)} {
		d, err := CopyAsync(src, dev)
		if dev.IsCuda() && !gotch.CUDA.IsAvailable() {
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), "cuda") {
				t.Errorf("%v without a GPU: err %v, want one that names CUDA", dev, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", dev, err)
		}
		if got := d.MustDevice(); got.Name != dev.Name {
			t.Errorf("copy on %v, want %v", got, dev)
		}
		back := d.MustTo(gotch.CPU, true)
		got := make([]int64, len(vals))
		if err := back.CopyData(got, uint(len(got))); err != nil || !slices.Equal(got, vals) {
			t.Errorf("%v: copy holds %v (%v), want %v", dev, got, err, vals)
		}
		back.MustDrop()
	}
}
