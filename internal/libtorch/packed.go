package libtorch

import (
	"fmt"
	"runtime"

	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// gotch exports libtorch's packing ops only in their log.Fatal (Must_) form;
// these call the C API directly and return errors instead.

// PackPadded runs libtorch's _pack_padded_sequence on a batch-first input.
//
//	input [B, T, *], lengths [B] int64 on the CPU, sorted decreasing, all > 0
//	  -> data [sum(lengths), *] (time-major), batchSizes [T] int64 on the CPU
func PackPadded(input, lengths *ts.Tensor) (data, batchSizes *ts.Tensor, err error) {
	out := make([]lib.Ctensor, 2)
	lib.Atg_PackPaddedSequence(&out[0], ctensor(input), ctensor(lengths), 1)
	runtime.KeepAlive(input) // gotch's finalizers must not free them during the op
	runtime.KeepAlive(lengths)
	if err := LastErr(); err != nil {
		return nil, nil, fmt.Errorf("pack padded sequence: %w", err)
	}
	return ts.New(out[0]), ts.New(out[1]), nil
}

// PadPacked runs libtorch's _pad_packed_sequence, the inverse of PackPadded,
// filling the steps past each length with zeros.
//
//	data [sum(lengths), *], batchSizes [T] -> [B, total, *], lengths [B] (CPU)
func PadPacked(data, batchSizes *ts.Tensor, total int64) (padded, lengths *ts.Tensor, err error) {
	zero := lib.AtsFloat(0)
	defer lib.AtsFree(zero)
	out := make([]lib.Ctensor, 2)
	lib.Atg_PadPackedSequence(&out[0], ctensor(data), ctensor(batchSizes), 1, zero, total)
	runtime.KeepAlive(data)
	runtime.KeepAlive(batchSizes)
	if err := LastErr(); err != nil {
		return nil, nil, fmt.Errorf("pad packed sequence: %w", err)
	}
	return ts.New(out[0]), ts.New(out[1]), nil
}

func ctensor(t *ts.Tensor) lib.Ctensor { return lib.Ctensor(t.Ctensor()) }
