package libtorch

import (
	"runtime"
	"testing"
)

// TestBLASThreadsFollowLibtorch: with two libtorch threads OpenBLAS runs
// one; back at one libtorch thread it has its own count again.
func TestBLASThreadsFollowLibtorch(t *testing.T) {
	def := BLASThreads()
	if def == 0 {
		t.Skip("libtorch does not run on OpenBLAS here")
	}
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: SetThreads caps 2 threads at 1")
	}
	old := Threads()
	defer SetThreads(old)
	SetThreads(2)
	if got := BLASThreads(); got != 1 {
		t.Errorf("OpenBLAS runs %d threads beside 2 of libtorch's, want 1", got)
	}
	SetThreads(1)
	if got := BLASThreads(); got != def {
		t.Errorf("OpenBLAS runs %d threads beside 1 of libtorch's, want its own %d", got, def)
	}
}
