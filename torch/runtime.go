package torch

import (
	"runtime"

	"github.com/torchrnn/torchrnn/internal/libtorch"
)

// Version is the version of the libtorch torchrnn was fitted to.
const Version = libtorch.Version

// BuiltWithCUDA reports whether that libtorch was linked with CUDA.
const BuiltWithCUDA = libtorch.CUDA

// Seed seeds libtorch's random generators (CPU and CUDA): parameter
// initialisation and dropout masks repeat for the same seed.
func Seed(seed int64) { libtorch.Seed(seed) }

// SetThreads sets libtorch's intra-op (OpenMP) thread count, capped at the
// machine's cores; n <= 0 keeps it. Small recurrent models often train
// fastest with 1 or 2. CapThreads tells what a count becomes, and why.
// Where libtorch's matrix products run on OpenBLAS (Debian's libtorch),
// OpenBLAS runs one thread when n > 1, so that its pool and libtorch's do
// not share the cores (twice the packed path's speed on 2 cores), and its
// own count when n == 1.
func SetThreads(n int) { libtorch.SetThreads(n) }

// CapThreads returns n capped at the machine's cores, with a warning to
// show the user when it had to cap; n <= 0 comes back unchanged.
func CapThreads(n int) (capped int, warning string) { return libtorch.CapThreads(n) }

// Threads returns libtorch's intra-op thread count.
func Threads() int { return libtorch.Threads() }

// TuneMalloc sets glibc's malloc to keep freed tensor memory for the next
// tensors rather than returning it to the kernel (much faster training on
// the CPU), unless the environment sets malloc itself. It reports whether
// it changed anything. Call it once, early.
func TuneMalloc() bool { return libtorch.TuneMalloc() }

// LockThread wires the calling goroutine to its OS thread for good, as
// libtorch's per-thread state needs (see the package doc). Call it first
// thing in main, or in the goroutine that does torch work.
func LockThread() { runtime.LockOSThread() }

// Run runs fn on a new goroutine locked to its own OS thread, waits for
// it and returns its error: the thread rule kept for code that cannot lock
// the caller's goroutine.
func Run(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		done <- fn()
	}()
	return <-done
}

// NoGrad runs fn with gradient tracking off (torch.no_grad()) and restores
// the previous mode afterwards, also when fn panics. Use it for evaluation
// and sampling.
func NoGrad(fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	prev := libtorch.SetGrad(false)
	defer libtorch.SetGrad(prev)
	return fn()
}

// GradEnabled reports whether the calling thread tracks gradients.
func GradEnabled() bool {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	prev := libtorch.SetGrad(true)
	libtorch.SetGrad(prev)
	return prev
}
