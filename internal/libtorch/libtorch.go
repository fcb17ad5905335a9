// Package libtorch holds what torchrnn needs from gotch beyond its tensor API:
// which libtorch build runs, thread and seed settings, and readable errors.
//
// libtorch keeps the autograd mode, and gotch the last error, per OS thread,
// while Go moves goroutines between threads. Run torch work on a goroutine
// locked to its thread (runtime.LockOSThread; the commands lock main's).
package libtorch

import (
	"errors"
	"strings"

	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// Version is the version of the libtorch that setup-libtorch.sh fitted gotch to.
const Version = lib.TorchrnnLibtorchVersion

// CUDA reports whether that libtorch was linked with its CUDA libraries.
const CUDA = lib.TorchrnnLibtorchCUDA

// SetThreads sets libtorch's intra-op (OpenMP) thread count; n <= 0 keeps it.
func SetThreads(n int) {
	if n > 0 {
		lib.TorchrnnSetNumThreads(n)
	}
}

// Threads returns libtorch's intra-op thread count.
func Threads() int { return lib.TorchrnnGetNumThreads() }

// SetGrad sets the calling thread's autograd mode and returns the previous one.
func SetGrad(on bool) bool { return lib.TorchrnnGradSetEnabled(on) }

// Seed seeds libtorch's random generators (CPU and CUDA).
func Seed(seed int64) { lib.TorchrnnManualSeed(seed) }

// Err turns an error from gotch into one line a person can read: gotch appends
// a Go stack trace to every libtorch error, and libtorch appends its own
// C++ backtrace. nil stays nil.
func Err(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(firstLines(err.Error()))
}

// LastErr returns the pending libtorch error of an op gotch exposes without one.
func LastErr() error { return Err(ts.TorchErr()) }

func firstLines(msg string) string {
	msg = strings.Replace(msg, "Libtorch API Error: ", "", 1)
	for _, cut := range []string{"\ngoroutine ", "\nException raised from ", "\nFrame #"} {
		if i := strings.Index(msg, cut); i >= 0 {
			msg = msg[:i]
		}
	}
	return strings.TrimSpace(msg)
}

// SetCudnnTF32 lets cuDNN compute float32 recurrent layers with TF32 tensor
// cores (libtorch's default, like torch.backends.cudnn.allow_tf32 = True) or
// with full float32 precision. It changes nothing on the CPU.
func SetCudnnTF32(on bool) error {
	if msg := lib.TorchrnnSetCudnnTF32(on); msg != "" {
		return Err(errors.New(msg))
	}
	return nil
}
