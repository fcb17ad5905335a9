package libtorch

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

// torchrnn_blas_threads reads (n <= 0) or sets (n > 0) OpenBLAS's thread
// count where the process has OpenBLAS (libtorch linked against the system
// BLAS, as Debian's is); it returns the count, or 0 where there is none.
static int torchrnn_blas_threads(int n) {
	int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
	void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
	if (get == NULL || set == NULL) return 0;
	if (n > 0) set(n);
	return get();
}

// torchrnn_blas_core returns the name of OpenBLAS's kernel set ("Haswell",
// "Prescott", ...), or NULL where the process has no OpenBLAS. Given want,
// it first switches OpenBLAS to that set as OPENBLAS_CORETYPE=want would
// have at start (the variable is set for OpenBLAS's own reading, then
// unset again).
static const char *torchrnn_blas_core(const char *want) {
	char *(*name)(void) = (char *(*)(void))dlsym(RTLD_DEFAULT, "openblas_get_corename");
	void (*quit)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
	void (*init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
	if (name == NULL) return NULL;
	if (want != NULL && quit != NULL && init != NULL) {
		setenv("OPENBLAS_CORETYPE", want, 1);
		quit();
		init();
		unsetenv("OPENBLAS_CORETYPE");
	}
	return name();
}

// torchrnn_cpu_core names OpenBLAS's best kernel set for this CPU's
// instructions, or NULL.
static const char *torchrnn_cpu_core(void) {
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
		__builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd"))
		return "SkylakeX";
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
	return NULL;
}
*/
import "C"

import (
	"os"
	"sync"
	"unsafe"
)

// blasFallback is the kernel set OpenBLAS takes for a CPU it does not know:
// its x86-64 baseline, SSE3 only.
const blasFallback = "Prescott"

// blasFitted is the kernel set fitBLASCore switched OpenBLAS to, or "".
var blasFitted string

func init() { fitBLASCore() }

// fitBLASCore gives OpenBLAS the kernels this CPU can run where OpenBLAS
// fell back to its baseline because it does not know the CPU: Debian's
// OpenBLAS 0.3.21 takes a 2023 Xeon (family 6, model 207: AVX-512) for an
// unknown one and runs its SSE3 "Prescott" kernels. There, SkylakeX's
// kernels train the character LM of bench/training 2.5x faster (7,027-9,148
// tokens/s with Prescott's, 20,481-22,617 with SkylakeX's, one thread;
// BENCHMARKS.md). It runs once, at start, before any matrix product; an
// OPENBLAS_CORETYPE in the environment is the user's choice and is kept.
func fitBLASCore() {
	if _, set := os.LookupEnv("OPENBLAS_CORETYPE"); set {
		return
	}
	want := cpuCore()
	if now, _ := BLASCore(); want == "" || now != blasFallback {
		return
	}
	cs := C.CString(want)
	defer C.free(unsafe.Pointer(cs))
	blasFitted = C.GoString(C.torchrnn_blas_core(cs))
}

// cpuCore names OpenBLAS's best kernel set for this CPU, or "".
func cpuCore() string {
	if c := C.torchrnn_cpu_core(); c != nil {
		return C.GoString(c)
	}
	return ""
}

// BLASCore returns the kernel set OpenBLAS runs ("" where libtorch does not
// run on OpenBLAS) and whether torchrnn chose it, OpenBLAS having fallen
// back to its baseline on a CPU it does not know.
func BLASCore() (core string, fitted bool) {
	if now := C.torchrnn_blas_core(nil); now != nil {
		core = C.GoString(now)
	}
	return core, blasFitted != "" && core == blasFitted
}

// blasDefault is OpenBLAS's thread count before SetThreads first changed
// it (OPENBLAS_NUM_THREADS, else OMP_NUM_THREADS, else one a core).
var blasDefault = sync.OnceValue(func() int { return int(C.torchrnn_blas_threads(0)) })

// fitBLASThreads keeps OpenBLAS from oversubscribing the cores when
// libtorch runs n threads: OpenBLAS's pthread build (Debian's libtorch
// calls it for matrix products) keeps a pool of its own, a thread a core,
// which at::set_num_threads does not set. With n > 1 libtorch's OpenMP
// threads already fill the cores, so each of its products runs on one
// thread; with n == 1 OpenBLAS keeps its own count, as the environment set
// it. Measured on 2 cores (bench/training, 1,000 IMDB reviews, packed, 2
// libtorch threads): 9,849 tokens/s training and 10.3 s evaluating with
// OpenBLAS's 2 threads, 18,153 tokens/s and 1.7 s with 1; perf showed 80%
// of the time in libgomp's spin-wait.
func fitBLASThreads(n int) {
	def := blasDefault()
	if def == 0 {
		return // no OpenBLAS
	}
	if n > 1 {
		C.torchrnn_blas_threads(1)
	} else {
		C.torchrnn_blas_threads(C.int(def))
	}
}

// BLASThreads returns OpenBLAS's thread count, or 0 where libtorch does not
// run on OpenBLAS.
func BLASThreads() int { return int(C.torchrnn_blas_threads(0)) }
