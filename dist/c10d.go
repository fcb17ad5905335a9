package dist

// The C functions below are torchrnn's c10d extensions, which
// setup-libtorch.sh (package fitgotch, extensions_dist.go) appends to the
// fitted gotch's C API; they are linked in with it. Handles are opaque
// pointers to libtorch objects; a libtorch error is returned as the text
// libtorch raised.

// #include <stdint.h>
// #include <stdlib.h>
// char *get_and_reset_last_err();
// void *torchrnn_dist_store(const char *host, int port, int is_server, int world, int64_t timeout_ms);
// void torchrnn_dist_free_store(void *store);
// int torchrnn_dist_store_set(void *store, const char *key, const char *value, int64_t n);
// int torchrnn_dist_store_check(void *store, const char *key);
// char *torchrnn_dist_store_get(void *store, const char *key, int64_t *n);
// void *torchrnn_dist_gloo(void *store, int rank, int size, int64_t timeout_ms);
// void *torchrnn_dist_nccl(void *store, int rank, int size, int64_t timeout_ms);
// void torchrnn_dist_free_group(void *group);
// int torchrnn_dist_collective(void *group, int op, void **tensors, int n, int root);
import "C"

import (
	"errors"
	"runtime"
	"time"
	"unsafe"

	"github.com/torchrnn/torchrnn/torch"
)

// lastErr returns the libtorch error the last call on this OS thread left,
// on one line (the C++ backtrace cut off).
func lastErr(what string) error {
	msg := C.get_and_reset_last_err()
	if msg == nil {
		return errors.New(what + " failed")
	}
	defer C.free(unsafe.Pointer(msg))
	return torch.Err(errors.New(C.GoString(msg)))
}

// locked runs fn on this goroutine's OS thread, where libtorch keeps the
// error it raised.
func locked(fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	fn()
}

// store is a client of c10d's TCPStore, the key-value rendezvous rank 0 serves.
type store struct{ p unsafe.Pointer }

func connectStore(host string, port int, serve bool, world int, timeout time.Duration) (s store, err error) {
	ch := C.CString(host)
	defer C.free(unsafe.Pointer(ch))
	srv := C.int(0)
	if serve {
		srv = 1
	}
	locked(func() {
		s.p = C.torchrnn_dist_store(ch, C.int(port), srv, C.int(world), C.int64_t(timeout.Milliseconds()))
		if s.p == nil {
			err = lastErr("TCPStore")
		}
	})
	return s, err
}

func (s store) free() { C.torchrnn_dist_free_store(s.p) }

func (s store) set(key string, value []byte) (err error) {
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	cv := C.CBytes(append(value, 0))
	defer C.free(cv)
	locked(func() {
		if C.torchrnn_dist_store_set(s.p, ck, (*C.char)(cv), C.int64_t(len(value))) != 1 {
			err = lastErr("store set " + key)
		}
	})
	return err
}

func (s store) check(key string) (ok bool, err error) {
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	locked(func() {
		switch C.torchrnn_dist_store_check(s.p, ck) {
		case 1:
			ok = true
		case -1:
			err = lastErr("store check " + key)
		}
	})
	return ok, err
}

func (s store) get(key string) (value []byte, err error) {
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	locked(func() {
		var n C.int64_t
		p := C.torchrnn_dist_store_get(s.p, ck, &n)
		if p == nil {
			err = lastErr("store get " + key)
			return
		}
		defer C.free(unsafe.Pointer(p))
		value = C.GoBytes(unsafe.Pointer(p), C.int(n))
	})
	return value, err
}

// processGroup is a c10d process group (Gloo or NCCL).
type processGroup struct{ p unsafe.Pointer }

func newProcessGroup(s store, backend string, rank, size int, timeout time.Duration) (g processGroup, err error) {
	locked(func() {
		if backend == NCCL {
			g.p = C.torchrnn_dist_nccl(s.p, C.int(rank), C.int(size), C.int64_t(timeout.Milliseconds()))
		} else {
			g.p = C.torchrnn_dist_gloo(s.p, C.int(rank), C.int(size), C.int64_t(timeout.Milliseconds()))
		}
		if g.p == nil {
			err = lastErr(backend + " process group")
		}
	})
	return g, err
}

func (g processGroup) free() { C.torchrnn_dist_free_group(g.p) }

// The collectives of torchrnn_dist_collective.
const (
	opAllReduce = 0 // sum, in place
	opBroadcast = 1 // from root, in place
	opBarrier   = 2
)

// collective runs op on every tensor in place, all started before any is
// waited for.
func (g processGroup) collective(op int, tensors []*torch.Tensor, root int) (err error) {
	var cts unsafe.Pointer
	if len(tensors) > 0 {
		// C memory: the handles are C pointers, and cgo forbids Go memory
		// holding pointers from being passed in.
		cts = C.malloc(C.size_t(len(tensors)) * C.size_t(unsafe.Sizeof(uintptr(0))))
		defer C.free(cts)
		handles := unsafe.Slice((*unsafe.Pointer)(cts), len(tensors))
		for i, t := range tensors {
			handles[i] = t.Ctensor()
		}
	}
	locked(func() {
		if C.torchrnn_dist_collective(g.p, C.int(op), (*unsafe.Pointer)(cts), C.int(len(tensors)), C.int(root)) != 1 {
			err = lastErr("collective")
		}
	})
	runtime.KeepAlive(tensors)
	return err
}
