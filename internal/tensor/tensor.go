// Package tensor has the small helpers torchrnn's packages share on top of
// gotch's ts: one error path for chains of ops, scopes that free intermediate
// tensors at once (instead of waiting for Go's finalizers), and conversions
// from Go slices.
//
// Chains of ops read best without an error check after each: Must panics with
// a private error type and Catch, deferred at the API boundary, turns it back
// into a returned error (as encoding/json does internally). Nothing else is
// recovered: a real panic stays a panic.
package tensor

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch"
	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
)

type opError struct{ err error }

// Must returns t, or panics with err for Catch to return.
func Must(t *ts.Tensor, err error) *ts.Tensor {
	if err != nil {
		panic(opError{libtorch.Err(err)})
	}
	return t
}

// Check panics with err, if any, for Catch to return.
func Check(err error) {
	if err != nil {
		panic(opError{libtorch.Err(err)})
	}
}

// Fail panics with a formatted error for Catch to return.
func Fail(format string, args ...any) {
	panic(opError{fmt.Errorf(format, args...)})
}

// Catch, deferred, stores an error raised by Must, Check or Fail in *err,
// wrapped with context.
func Catch(err *error, context string) {
	r := recover()
	if r == nil {
		return
	}
	e, ok := r.(opError)
	if !ok {
		panic(r)
	}
	*err = fmt.Errorf("%s: %w", context, e.err)
}

// Scope collects intermediate tensors (and scalars) to free together.
type Scope struct {
	list    []*ts.Tensor
	scalars []*ts.Scalar
}

// Scalar makes a float scalar freed with the scope.
func (s *Scope) Scalar(v float64) *ts.Scalar {
	sc := ts.FloatScalar(v)
	s.scalars = append(s.scalars, sc)
	return sc
}

// T registers t for Free and returns it.
func (s *Scope) T(t *ts.Tensor) *ts.Tensor {
	s.list = append(s.list, t)
	return t
}

// M is T(Must(t, err)).
func (s *Scope) M(t *ts.Tensor, err error) *ts.Tensor { return s.T(Must(t, err)) }

// Free drops every registered tensor except those in keep.
func (s *Scope) Free(keep ...*ts.Tensor) {
	for _, t := range s.list {
		if t == nil || t.Ctensor() == nil || contains(keep, t) {
			continue
		}
		t.MustDrop()
	}
	for _, sc := range s.scalars {
		sc.MustDrop()
	}
	s.list, s.scalars = s.list[:0], s.scalars[:0]
}

func contains(list []*ts.Tensor, t *ts.Tensor) bool {
	for _, k := range list {
		if k == t {
			return true
		}
	}
	return false
}

// OnCPU reports whether t lives on the CPU. (A tensor reports its CPU as
// {CPU 1}, gotch.CPU is {CPU -1}: compare names, not devices.)
func OnCPU(t *ts.Tensor) bool { return t.MustDevice().Name == gotch.CPU.Name }

// Int64 makes an int64 tensor of the given shape on device.
func Int64(data []int64, shape []int64, device gotch.Device) (*ts.Tensor, error) {
	return fromData(data, shape, device)
}

// Float32 makes a float32 tensor of the given shape on device.
func Float32(data []float32, shape []int64, device gotch.Device) (*ts.Tensor, error) {
	return fromData(data, shape, device)
}

// fromData copies data into a new tensor with one call into libtorch.
// (gotch's NewTensorFromData walks the values twice by reflection: 1.5 ms
// for a batch of 7,600 ids, against 2 µs for the copy itself.)
func fromData[E int64 | float32](data []E, shape []int64, device gotch.Device) (*ts.Tensor, error) {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	if int64(len(data)) != n {
		return nil, fmt.Errorf("tensor: %d values for shape %v", len(data), shape)
	}
	dtype := gotch.Float
	if _, ok := any(data).([]int64); ok {
		dtype = gotch.Int64
	}
	dims := shape
	if len(dims) == 0 {
		dims = []int64{1} // a scalar: libtorch reads none of them
	}
	var ptr unsafe.Pointer
	if len(data) > 0 {
		ptr = unsafe.Pointer(&data[0])
	}
	var zero E
	c := lib.AtTensorOfData(ptr, dims, uint(len(shape)), uint(unsafe.Sizeof(zero)), int(dtype.CKind()))
	runtime.KeepAlive(data)
	if err := libtorch.LastErr(); err != nil {
		return nil, err
	}
	t := ts.New(c)
	if device == gotch.CPU {
		return t, nil
	}
	return moved(t, device)
}

// Int64Fill makes an int64 tensor of the given shape on device whose
// values fill writes straight into the tensor's memory, with no Go slice
// and no copy between (tensor.Int64 copies one in): fill gets the
// tensor's values on the CPU, not initialised, and must write them all
// (a CUDA tensor is then copied over). An error from fill frees the
// tensor and is returned as is. The caller frees the tensor; fill must
// not keep data.
func Int64Fill(shape []int64, device gotch.Device, fill func(data []int64) error) (*ts.Tensor, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("tensor: negative size in shape %v", shape)
		}
		n *= d
	}
	t, err := ts.Empty(shape, gotch.Int64, gotch.CPU)
	if err != nil {
		return nil, libtorch.Err(err)
	}
	var data []int64
	if n > 0 {
		ptr, err := t.DataPtr()
		if err != nil {
			t.MustDrop()
			return nil, libtorch.Err(err)
		}
		data = unsafe.Slice((*int64)(ptr), n)
	}
	if err := fill(data); err != nil {
		t.MustDrop()
		return nil, err
	}
	if device == gotch.CPU {
		return t, nil
	}
	return moved(t, device)
}

// moved copies CPU tensor t to device, without waiting for the GPU
// (libtorch.CopyAsync), and frees t.
func moved(t *ts.Tensor, device gotch.Device) (*ts.Tensor, error) {
	defer t.MustDrop()
	return libtorch.CopyAsync(t, device)
}

// Float32s copies a tensor's values to the host as float32 (libtorch's
// at_copy_data moves and makes contiguous as needed).
func Float32s(t *ts.Tensor) ([]float32, error) {
	if t.DType() != gotch.Float {
		f, err := t.Totype(gotch.Float, false)
		if err != nil {
			return nil, libtorch.Err(err)
		}
		defer f.MustDrop()
		t = f
	}
	out := make([]float32, t.Numel())
	if len(out) == 0 { // gotch's CopyData cannot tell an empty slice's type
		return out, nil
	}
	return out, libtorch.Err(t.CopyData(out, uint(len(out))))
}

// NoGrad runs fn with gradient tracking off and restores the previous mode,
// also when fn panics. libtorch keeps the mode per OS thread, so the
// goroutine stays on its thread meanwhile.
func NoGrad(fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	prev := libtorch.SetGrad(false)
	defer libtorch.SetGrad(prev)
	fn()
}

// Val returns v, or panics with err for Catch to return.
func Val[T any](v T, err error) T {
	Check(err)
	return v
}

// InPlace runs one of gotch's in-place methods on t (t.Mul_(...), ...)
// without its leak: they point t at a new libtorch handle and never delete
// the old one, whose reference then keeps t's storage alive for ever (for a
// temporary, its whole memory).
func InPlace(t *ts.Tensor, op func() error) {
	old := t.Ctensor()
	Check(op())
	if t.Ctensor() != old {
		lib.AtFree(lib.Ctensor(old))
	}
}

// FlattenRNNWeights moves a recurrent stack's weights (per layer and
// direction: w_ih, w_hh, then b_ih, b_hh when stride is 4) into one
// contiguous CUDA buffer laid out as cuDNN wants it, and points each weight
// at its slice of it (libtorch's _cudnn_rnn_flatten_weight, what PyTorch's
// RNNBase.flatten_parameters calls). cuDNN then reads the weights in place;
// otherwise it copies them into such a buffer on every call, and warns.
// mode is cuDNN's: 0 rnn_relu, 1 rnn_tanh, 2 lstm, 3 gru. The weights stay
// views of the buffer as long as they are only changed in place.
func FlattenRNNWeights(weights []*ts.Tensor, stride, input, mode, hidden, layers int64, bidirectional bool) error {
	if len(weights) == 0 {
		return fmt.Errorf("tensor: flatten rnn weights: none given")
	}
	cw := make([]lib.Ctensor, len(weights))
	for i, w := range weights {
		cw[i] = lib.Ctensor(w.Ctensor())
	}
	bi := int32(0)
	if bidirectional {
		bi = 1
	}
	var buf lib.Ctensor
	var err error
	NoGrad(func() { // the error is kept per thread: read it on this one
		lib.Atg_CudnnRnnFlattenWeight(&buf, cw, len(cw), stride, input, mode, hidden, 0, layers, 1, bi)
		err = libtorch.LastErr()
	})
	runtime.KeepAlive(weights)
	if err != nil {
		return fmt.Errorf("tensor: flatten rnn weights: %w", err)
	}
	// The weights hold references to the buffer's storage; this handle is
	// not needed.
	lib.AtFree(buf)
	return nil
}
