package seq

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Packed is a batch of variable-length sequences in libtorch's packed form,
// with what it takes to put results back in the caller's order
// (PyTorch's pack_padded_sequence with enforce_sorted=False).
//
// The batch is sorted by length, longest first, then laid out time-major,
// keeping at each step only the sequences still running:
//
//	padded, B=3 (lengths 2, 4, 3)    sorted (4, 3, 2)     packed data       batch sizes
//	b0: a1 a2 ·  ·                    b1: c1 c2 c3 c4      c1 b1 a1           t0: 3
//	b1: c1 c2 c3 c4          ->       b2: d1 d2 d3    ->   c2 b2 a2           t1: 3
//	b2: d1 d2 d3 ·                    b0: a1 a2            c3 d3              t2: 2
//	                                                       c4                 t3: 1
type Packed struct {
	Data       *ts.Tensor // [sum(lengths), *]
	BatchSizes *ts.Tensor // [T] int64, on the CPU
	Order      []int      // Order[i] is the caller's index of the i-th longest sequence
	T          int64      // padded length
	perm, inv  *ts.Tensor // Order and its inverse as int64 tensors on the data's device
}

// Pack sorts x [B, T, *] by lengths (any order, each in 1..T) and packs it.
// The caller frees p with p.Drop; x stays the caller's.
func Pack(x *ts.Tensor, lengths []int64) (p *Packed, err error) {
	defer tensor.Catch(&err, "seq: pack")
	shape := tensor.Val(x.Size())
	B, T := shape[0], shape[1]
	if int64(len(lengths)) != B {
		return nil, fmt.Errorf("seq: pack: %d lengths for a batch of %d", len(lengths), B)
	}
	for b, l := range lengths {
		if l < 1 || l > T {
			return nil, fmt.Errorf("seq: pack: sequence %d of the batch has length %d, want 1..%d", b, l, T)
		}
	}
	order := make([]int, B)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(lengths[b], lengths[a]) })
	inv, sorted := make([]int64, B), make([]int64, B)
	perm := make([]int64, B)
	for i, o := range order {
		perm[i], inv[o], sorted[i] = int64(o), int64(i), lengths[o]
	}
	device := x.MustDevice()
	p = &Packed{Order: order, T: T}
	p.perm = tensor.Must(tensor.Int64(perm, []int64{B}, device))
	p.inv = tensor.Must(tensor.Int64(inv, []int64{B}, device))
	xs := tensor.Must(x.IndexSelect(0, p.perm, false))
	defer xs.MustDrop()
	lens := tensor.Must(tensor.Int64(sorted, []int64{B}, gotch.CPU)) // the op wants lengths on the CPU
	defer lens.MustDrop()
	p.Data, p.BatchSizes, err = libtorch.PackPadded(xs, lens)
	return p, err
}

// Unpack pads packed outputs [sum(lengths), *] back to [B, T, *] in the
// caller's order, zero past each length.
// The caller frees out.
func (p *Packed) Unpack(data *ts.Tensor) (out *ts.Tensor, err error) {
	defer tensor.Catch(&err, "seq: unpack")
	padded, lens, err := libtorch.PadPacked(data, p.BatchSizes, p.T)
	tensor.Check(err)
	lens.MustDrop()
	return tensor.Must(padded.IndexSelect(0, p.inv, true)), nil
}

// Sort puts a state [layers*dirs, B, H] in the packed (sorted) batch order.
// The caller frees the result.
func (p *Packed) Sort(h *ts.Tensor) (*ts.Tensor, error) {
	t, err := h.IndexSelect(1, p.perm, false)
	return t, libtorch.Err(err)
}

// Restore puts a state [layers*dirs, B, H] back in the caller's order.
// The caller frees the result.
func (p *Packed) Restore(h *ts.Tensor) (*ts.Tensor, error) {
	t, err := h.IndexSelect(1, p.inv, false)
	return t, libtorch.Err(err)
}

// Drop frees the packed batch.
func (p *Packed) Drop() {
	for _, t := range []*ts.Tensor{p.Data, p.BatchSizes, p.perm, p.inv} {
		if t != nil {
			t.MustDrop()
		}
	}
}
