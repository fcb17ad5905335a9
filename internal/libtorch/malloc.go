package libtorch

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static int torchrnn_tune_malloc(int mmap_threshold, int trim_threshold) {
#ifdef __GLIBC__
	return mallopt(M_MMAP_THRESHOLD, mmap_threshold) && mallopt(M_TRIM_THRESHOLD, trim_threshold);
#else
	return 0;
#endif
}

// torchrnn_own_mapping reports whether malloc maps a block of n bytes on its
// own (1) or carves it from the heap (0); -1 where glibc cannot tell.
static int torchrnn_own_mapping(size_t n) {
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 33)
	size_t before = mallinfo2().hblks;
	void *volatile p = malloc(n); // volatile: the compiler may drop an unused pair
	size_t after = mallinfo2().hblks;
	free(p);
	return after > before;
#else
	return -1;
#endif
}
*/
import "C"

import "os"

// glibc's malloc settings that TuneMalloc applies: blocks up to 32 MiB (the
// largest threshold glibc takes) come from the heap, and up to 256 MiB of
// freed memory at the heap's top stays mapped. With 64 MiB the character
// LM of bench/training handed its step's activations back and faulted
// them in again at every window: on a 2-core AMD EPYC (OpenBLAS's Haswell
// kernels), one thread, the whole tiny shakespeare, 38,786-41,369
// tokens/s with 64 MiB against 42,566-42,904 with 256 MiB and
// 42,737-44,278 with 1 GiB; peak memory the same (426-488 MiB).
const (
	mmapThreshold = 32 << 20
	trimThreshold = 256 << 20
)

// mallocEnv are the variables through which a user sets glibc's malloc
// himself; TuneMalloc leaves malloc alone when one of them is set.
var mallocEnv = []string{"GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
	"MALLOC_MMAP_MAX_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX"}

// TuneMalloc makes glibc's malloc keep the memory of freed tensors for the
// next ones instead of handing it back to the kernel, and reports whether it
// did. By default glibc maps each block over its mmap threshold (128 KiB at
// first) on its own and unmaps it on free, so every large activation of a
// training step costs page faults on fresh zeroed pages; the threshold
// rises only as large blocks are freed. The packed path, whose tensors
// change size from step to step, gains the most: PyTorch's packed IMDB run
// with the same settings trains 2.1x as fast over an epoch's first 96
// batches and 7.7x over its first 8 (BENCHMARKS.md). Any process, PyTorch's included, gets the same settings
// from MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456.
// Without glibc, or when the environment sets malloc (GLIBC_TUNABLES or a
// MALLOC_*_ variable), it does nothing.
func TuneMalloc() bool {
	for _, name := range mallocEnv {
		if _, ok := os.LookupEnv(name); ok {
			return false
		}
	}
	return C.torchrnn_tune_malloc(mmapThreshold, trimThreshold) != 0
}

// ownMapping reports whether malloc maps a block of n bytes on its own;
// ok is false where glibc cannot tell (not glibc, or glibc before 2.33).
func ownMapping(n int) (mapped, ok bool) {
	r := C.torchrnn_own_mapping(C.size_t(n))
	return r == 1, r >= 0
}
