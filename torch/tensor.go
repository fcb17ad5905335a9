package torch

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Tensor is a libtorch tensor (gotch's ts.Tensor).
type Tensor = ts.Tensor

// FromInt64s copies data into a new int64 tensor of the given shape on
// device (token ids, labels, lengths). No shape means a 1-D tensor of
// len(data). The caller owns the result.
func FromInt64s(data []int64, device Device, shape ...int64) (*Tensor, error) {
	if len(shape) == 0 {
		shape = []int64{int64(len(data))}
	}
	t, err := tensor.Int64(data, shape, device)
	if err != nil {
		return nil, fmt.Errorf("torch: from int64s: %w", err)
	}
	return t, nil
}

// FromFloat32s copies data into a new float32 tensor of the given shape on
// device. No shape means a 1-D tensor of len(data). The caller owns the
// result.
func FromFloat32s(data []float32, device Device, shape ...int64) (*Tensor, error) {
	if len(shape) == 0 {
		shape = []int64{int64(len(data))}
	}
	t, err := tensor.Float32(data, shape, device)
	if err != nil {
		return nil, fmt.Errorf("torch: from float32s: %w", err)
	}
	return t, nil
}

// Float32s copies t's values, row-major, to a new Go slice (any device,
// any numeric type). t is borrowed.
func Float32s(t *Tensor) ([]float32, error) {
	v, err := tensor.Float32s(t)
	if err != nil {
		return nil, fmt.Errorf("torch: float32s: %w", err)
	}
	return v, nil
}

// Int64s copies t's values, row-major, to a new Go slice, converting
// integer or float types (floats truncate toward zero). t is borrowed.
func Int64s(t *Tensor) (out []int64, err error) {
	defer tensor.Catch(&err, "torch: int64s")
	src := t
	if t.DType() != gotch.Int64 || !tensor.OnCPU(t) {
		src = tensor.Must(t.To(gotch.CPU, false))
		defer src.MustDrop()
		if src.DType() != gotch.Int64 {
			c := tensor.Must(src.Totype(gotch.Int64, false))
			defer c.MustDrop()
			src = c
		}
	}
	out = make([]int64, src.Numel())
	if len(out) > 0 { // gotch's CopyData cannot tell an empty slice's type
		tensor.Check(src.CopyData(out, uint(len(out))))
	}
	return out, nil
}

// Item returns the value of a one-element tensor (a loss, say) as float64.
func Item(t *Tensor) (float64, error) {
	if n := t.Numel(); n != 1 {
		return 0, fmt.Errorf("torch: item of a tensor of %d elements", n)
	}
	v, err := t.Float64Value([]int64{})
	if err != nil {
		return 0, fmt.Errorf("torch: item: %w", libtorch.Err(err))
	}
	return v, nil
}

// Shape returns t's dimensions.
func Shape(t *Tensor) ([]int64, error) {
	s, err := t.Size()
	if err != nil {
		return nil, fmt.Errorf("torch: shape: %w", libtorch.Err(err))
	}
	return s, nil
}

// Free releases the libtorch memory of each tensor; nil tensors and tensors
// already freed are skipped. Use it for every tensor a function hands you.
func Free(tensors ...*Tensor) {
	for _, t := range tensors {
		if t != nil && t.Ctensor() != nil {
			_ = t.Drop()
		}
	}
}

// Err turns an error from a gotch method into one readable line: gotch
// appends a Go stack trace to libtorch's message, and libtorch its C++
// backtrace. nil stays nil.
func Err(err error) error { return libtorch.Err(err) }
