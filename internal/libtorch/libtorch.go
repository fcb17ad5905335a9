// Package libtorch holds what torchrnn needs from gotch beyond its tensor API:
// which libtorch build runs, thread and seed settings, and readable errors.
//
// libtorch keeps the autograd mode, and gotch the last error, per OS thread,
// while Go moves goroutines between threads. Run torch work on a goroutine
// locked to its thread (runtime.LockOSThread; the commands lock main's).
package libtorch

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"

	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// Version is the version of the libtorch that setup-libtorch.sh fitted gotch to.
const Version = lib.TorchrnnLibtorchVersion

// CUDA reports whether that libtorch was linked with its CUDA libraries.
const CUDA = lib.TorchrnnLibtorchCUDA

// SetThreads sets libtorch's intra-op (OpenMP) thread count; n <= 0 keeps
// it. n is capped at runtime.NumCPU() first, as [CapThreads] does: more
// threads than cores only contend, and OpenMP starting a pool of 100,000
// threads never returns. Call CapThreads first to tell the user. Where
// libtorch runs its matrix products on OpenBLAS, OpenBLAS then runs one
// thread when n > 1 and its own count when n == 1 (see fitBLASThreads).
func SetThreads(n int) {
	if n, _ = CapThreads(n); n > 0 {
		lib.TorchrnnSetNumThreads(n)
		fitBLASThreads(n)
	}
}

// CapThreads returns n capped at the number of CPUs this process may use
// (runtime.NumCPU), with a warning saying so when it had to cap, else "".
// n <= 0 (keep libtorch's default) is returned as it is.
func CapThreads(n int) (capped int, warning string) {
	if cpus := runtime.NumCPU(); n > cpus {
		return cpus, fmt.Sprintf("%d threads asked, but this machine has %d CPUs: using %d", n, cpus, cpus)
	}
	return n, ""
}

// Threads returns libtorch's intra-op thread count.
func Threads() int { return lib.TorchrnnGetNumThreads() }

// SetGrad sets the calling thread's autograd mode and returns the previous one.
func SetGrad(on bool) bool { return lib.TorchrnnGradSetEnabled(on) }

// Seed seeds libtorch's random generators (CPU and CUDA).
func Seed(seed int64) { lib.TorchrnnManualSeed(seed) }

// Err turns an error from gotch into one line a person can read: gotch appends
// a Go stack trace to every libtorch error, and libtorch appends its own
// C++ backtrace ("Exception raised from ...", "frame #0: ..."). nil stays nil.
func Err(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(firstLines(err.Error()))
}

// LastErr returns the pending libtorch error of an op gotch exposes without one.
func LastErr() error { return Err(ts.TorchErr()) }

// firstLines returns the message of a libtorch error on one line: the
// lines up to the first blank line or the first that looks like a trace,
// joined by spaces.
func firstLines(msg string) string {
	msg = strings.Replace(msg, "Libtorch API Error: ", "", 1)
	var keep []string
	for i, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if i > 0 && (line == "" && len(keep) > 0 || isTrace(line)) {
			break
		}
		if line != "" {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, " ")
}

// traceLine matches the lines of a C++ or Go backtrace, in any case:
// libtorch's "Exception raised from f at file.cpp:50 (most recent call
// first):" and "frame #0: c10::Error::Error(...) + 0x9e (0x7fb4 in
// /usr/lib/libc10.so)" (older builds wrote "Frame #"), gdb-style "#0 0x...",
// and the "goroutine 8 [running]:" that starts gotch's Go stack.
var traceLine = regexp.MustCompile(`(?i)^(exception raised from |frame #\d|#\d+\s|goroutine \d+ \[)|<unknown function>|\(0x[0-9a-f]+ in \S`)

func isTrace(line string) bool { return traceLine.MatchString(line) }

// SetCudnnTF32 lets cuDNN compute float32 recurrent layers with TF32 tensor
// cores (libtorch's default, like torch.backends.cudnn.allow_tf32 = True) or
// with full float32 precision. It changes nothing on the CPU.
func SetCudnnTF32(on bool) error {
	if msg := lib.TorchrnnSetCudnnTF32(on); msg != "" {
		return Err(errors.New(msg))
	}
	return nil
}

// SaveMulti serializes named tensors in libtorch's file format (what
// ts.SaveMultiNew writes) into memory, for the caller to write: a failing
// file write inside libtorch aborts the process instead of returning an
// error.
func SaveMulti(named []ts.NamedTensor) ([]byte, error) {
	tensors, names := make([]lib.Ctensor, len(named)), make([]string, len(named))
	for i, n := range named {
		tensors[i], names[i] = lib.Ctensor(n.Tensor.Ctensor()), n.Name
	}
	b, msg := lib.TorchrnnSaveMulti(tensors, names)
	runtime.KeepAlive(named) // gotch's finalizers must not free them during the call
	if msg != "" {
		return nil, Err(errors.New(msg))
	}
	return b, nil
}
