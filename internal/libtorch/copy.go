package libtorch

/*
// fitgotch's core extension, compiled into gotch's libtch. Weak: a copy of
// libtch fitted before the extension existed still links, and CopyAsync
// falls back to a plain copy.
extern int torchrnn_copy_async(void *t, int device, void **out) __attribute__((weak));

static int torchrnn_has_copy_async(void) { return torchrnn_copy_async != 0; }
static int torchrnn_call_copy_async(void *t, int device, void **out) {
	return torchrnn_copy_async(t, device, out);
}
*/
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch"
	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// HasCopyAsync reports whether the fitted gotch has CopyAsync's extension
// (./setup-libtorch.sh adds it).
func HasCopyAsync() bool { return C.torchrnn_has_copy_async() != 0 }

// CopyAsync copies CPU tensor t to a CUDA device through page-locked memory
// without waiting for the GPU (PyTorch's t.pin_memory().to(device,
// non_blocking=True)): the step that follows is queued behind the copy
// instead of after a wait for all the GPU's earlier work, which a copy from
// ordinary memory may need. Where that fails (a fitted copy without the
// extension, or no page-locked memory) it is the plain, waiting copy.
// t is borrowed; the caller frees the result.
func CopyAsync(t *ts.Tensor, device gotch.Device) (*ts.Tensor, error) {
	if !device.IsCuda() || !HasCopyAsync() {
		return plainCopy(t, device)
	}
	var out unsafe.Pointer
	runtime.LockOSThread() // the error is the thread's
	defer runtime.UnlockOSThread()
	ok := C.torchrnn_call_copy_async(t.Ctensor(), C.int(device.CInt()), &out)
	runtime.KeepAlive(t)
	if ok != 1 {
		_ = lastErr("libtorch: copy") // read and cleared: the plain copy says what is wrong, if anything
		return plainCopy(t, device)
	}
	return ts.New(lib.Ctensor(out)), nil
}

func plainCopy(t *ts.Tensor, device gotch.Device) (*ts.Tensor, error) {
	d, err := t.To(device, false)
	return d, Err(err)
}
