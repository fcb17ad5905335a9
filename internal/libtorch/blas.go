package libtorch

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>

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
*/
import "C"

import "sync"

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
