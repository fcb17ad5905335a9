package libtorch

/*
#include <stdint.h>
#include <stdlib.h>

// fitgotch's lstm extension, compiled into gotch's libtch. Weak: a copy of
// libtch fitted before the extension existed still links, and HasLSTM
// reports it missing.
extern int torchrnn_lstm(void *x, void *hx, void *cx, void **w, int layers, double dropout, int train, int batch_first, void **out) __attribute__((weak));

static int torchrnn_has_lstm(void) { return torchrnn_lstm != 0; }
static int torchrnn_call_lstm(void *x, void *hx, void *cx, void **w, int layers, double dropout, int train, int batch_first, void **out) {
	return torchrnn_lstm(x, hx, cx, w, layers, dropout, train, batch_first, out);
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"

	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// HasLSTM reports whether the fitted gotch has LSTM (./setup-libtorch.sh
// adds it).
func HasLSTM() bool { return C.torchrnn_has_lstm() != 0 }

// LSTM is libtorch's lstm op (biases, one direction) on float32 CPU
// tensors, with a backward written in one piece per layer, which trains
// faster than libtorch's per-step autograd ops: the outputs equal
// libtorch's bit for bit, the gradients up to rounding (fitgotch's
// extensions_lstm.go). With gradients off it is libtorch's op.
//
//	x [B, T, in] (batchFirst) or [T, B, in], hx, cx [layers, B, H],
//	w 4 a layer (w_ih, w_hh, b_ih, b_hh) -> out [.., H], h_n, c_n
//
// The caller frees out, hn and cn. It fails when the fitted gotch lacks
// the extension (HasLSTM).
func LSTM(x, hx, cx *ts.Tensor, w []*ts.Tensor, layers int64, dropout float64, train, batchFirst bool) (out, hn, cn *ts.Tensor, err error) {
	if !HasLSTM() {
		return nil, nil, nil, fmt.Errorf("libtorch: lstm: the fitted gotch has no torchrnn_lstm (run ./setup-libtorch.sh)")
	}
	if layers < 1 || int64(len(w)) != 4*layers {
		return nil, nil, nil, fmt.Errorf("libtorch: lstm: %d weight tensors for %d layers, want 4 a layer", len(w), layers)
	}
	handles := (*unsafe.Pointer)(C.malloc(C.size_t(len(w)+3) * C.size_t(unsafe.Sizeof(uintptr(0)))))
	defer C.free(unsafe.Pointer(handles))
	all := unsafe.Slice(handles, len(w)+3)
	for i, t := range w {
		all[i] = t.Ctensor()
	}
	res := all[len(w):]
	runtime.LockOSThread() // the error and the autograd mode are the thread's
	defer runtime.UnlockOSThread()
	ok := C.torchrnn_call_lstm(x.Ctensor(), hx.Ctensor(), cx.Ctensor(), handles, C.int(layers),
		C.double(dropout), cbool(train), cbool(batchFirst), &res[0])
	runtime.KeepAlive(w) // gotch's finalizers must not free them during the op
	runtime.KeepAlive(x)
	runtime.KeepAlive(hx)
	runtime.KeepAlive(cx)
	if ok != 1 {
		return nil, nil, nil, lastErr("libtorch: lstm")
	}
	return ts.New(lib.Ctensor(res[0])), ts.New(lib.Ctensor(res[1])), ts.New(lib.Ctensor(res[2])), nil
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
