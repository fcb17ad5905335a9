package libtorch

import (
	"os"
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

// TestBLASCore: where OpenBLAS runs, it never runs its baseline kernels on a
// CPU with AVX2 unless the environment asked for them.
func TestBLASCore(t *testing.T) {
	core, fitted := BLASCore()
	if core == "" {
		t.Skip("libtorch does not run on OpenBLAS here")
	}
	t.Logf("OpenBLAS kernels: %s (chosen by torchrnn: %v)", core, fitted)
	if _, set := os.LookupEnv("OPENBLAS_CORETYPE"); set {
		return
	}
	if best := cpuCore(); best != "" && core == blasFallback {
		t.Errorf("OpenBLAS runs its %s kernels on a CPU that has %s's instructions", core, best)
	}
}
