package libtorch

/*
#include <stdint.h>
#include <stdlib.h>

// fitgotch's sample extension, compiled into gotch's libtch. Weak: a copy of
// libtch fitted before the extension existed still links, and NewLMStep
// reports that it is missing.
extern void *torchrnn_lm_new(void *emb, void **w, int layers, void *dec_w, void *dec_b) __attribute__((weak));
extern void torchrnn_lm_free(void *lm) __attribute__((weak));
extern int torchrnn_lm_step(int cell, void *lm, void *h, void *c, const int64_t *ids, int64_t batch, float *out) __attribute__((weak));

static int torchrnn_has_lm_step(void) { return torchrnn_lm_new && torchrnn_lm_free && torchrnn_lm_step; }
static void *torchrnn_call_lm_new(void *emb, void **w, int layers, void *dec_w, void *dec_b) {
	return torchrnn_lm_new(emb, w, layers, dec_w, dec_b);
}
static void torchrnn_call_lm_free(void *lm) { torchrnn_lm_free(lm); }
static int torchrnn_call_lm_step(int cell, void *lm, void *h, void *c, const int64_t *ids, int64_t batch, float *out) {
	return torchrnn_lm_step(cell, lm, h, c, ids, batch, out);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// ErrNoStep says that the fitted gotch lacks the one-call language-model
// step (fitted before it existed, or by a libtorch that cannot build it);
// callers fall back to the tensor API. ./setup-libtorch.sh adds it.
var ErrNoStep = errors.New("libtorch: the fitted gotch has no torchrnn_lm_step (run ./setup-libtorch.sh)")

// StepCell numbers the recurrences as torchrnn_lm_step does.
const (
	StepRNNTanh = 0
	StepRNNReLU = 1
	StepLSTM    = 2
	StepGRU     = 3
)

// LMStep is a recurrent language model's weights bound for torchrnn_lm_step:
// embedding, recurrent layers, decoder. It shares the tensors' storage
// (freeing them is safe) and holds a table of layer 0's input projection
// of every token (when at most 16 MB); Free releases both.
type LMStep struct {
	lm    unsafe.Pointer
	cell  C.int
	vocab int
}

// NewLMStep binds the weights: emb [V, E], w 4 a layer (w_ih, w_hh, b_ih,
// b_hh), decoder weight [V, H] and bias [V]. It returns ErrNoStep when the
// fitted gotch lacks the extension. The caller calls Free.
func NewLMStep(cell int, emb *ts.Tensor, w []*ts.Tensor, decW, decB *ts.Tensor) (*LMStep, error) {
	if C.torchrnn_has_lm_step() == 0 {
		return nil, ErrNoStep
	}
	if len(w) == 0 || len(w)%4 != 0 {
		return nil, fmt.Errorf("libtorch: language-model step: %d weight tensors, want 4 a layer", len(w))
	}
	shape, err := decW.Size()
	if err != nil || len(shape) != 2 {
		return nil, fmt.Errorf("libtorch: language-model step: decoder weight of shape %v, want [V, H]", shape)
	}
	handles := (*unsafe.Pointer)(C.malloc(C.size_t(len(w)) * C.size_t(unsafe.Sizeof(uintptr(0)))))
	defer C.free(unsafe.Pointer(handles))
	for i, t := range w {
		unsafe.Slice(handles, len(w))[i] = t.Ctensor()
	}
	runtime.LockOSThread() // the error is the thread's
	defer runtime.UnlockOSThread()
	lm := C.torchrnn_call_lm_new(emb.Ctensor(), handles, C.int(len(w)/4), decW.Ctensor(), decB.Ctensor())
	runtime.KeepAlive(w) // gotch's finalizers must not free them during the call
	runtime.KeepAlive(emb)
	runtime.KeepAlive(decW)
	runtime.KeepAlive(decB)
	if lm == nil {
		return nil, lastErr("libtorch: language-model step")
	}
	return &LMStep{lm: lm, cell: C.int(cell), vocab: int(shape[0])}, nil
}

// Run advances len(ids) streams by one token: h (and c, LSTM only, else
// nil), [layers, B, H], are updated in place, and the logits [B, V] are
// written to out (len(ids)*V values). h, c and out stay the caller's.
func (s *LMStep) Run(ids []int64, h, c *ts.Tensor, out []float32) error {
	if len(ids) == 0 || len(out) < len(ids)*s.vocab {
		return fmt.Errorf("libtorch: language-model step: %d ids and %d logits, want %d per id", len(ids), len(out), s.vocab)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var cp unsafe.Pointer
	if c != nil {
		cp = c.Ctensor()
	}
	ok := C.torchrnn_call_lm_step(s.cell, s.lm, h.Ctensor(), cp,
		(*C.int64_t)(unsafe.Pointer(&ids[0])), C.int64_t(len(ids)), (*C.float)(unsafe.Pointer(&out[0])))
	runtime.KeepAlive(h) // gotch's finalizers must not free them during the step
	runtime.KeepAlive(c)
	if ok != 1 {
		return lastErr("libtorch: language-model step")
	}
	return nil
}

// Free releases the weights' hold and the table.
func (s *LMStep) Free() {
	if s != nil && s.lm != nil {
		C.torchrnn_call_lm_free(s.lm)
		s.lm = nil
	}
}

// lastErr is the calling thread's libtorch error, made readable.
func lastErr(context string) error {
	if err := ts.TorchErr(); err != nil {
		return fmt.Errorf("%s: %w", context, Err(err))
	}
	return fmt.Errorf("%s failed", context)
}
