package dist

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// DefaultBucketBytes is the size of a gradient bucket, as
// DistributedDataParallel's bucket_cap_mb=25.
const DefaultBucketBytes = 25 << 20

// Reducer averages the gradients of a model's parameters over the ranks of
// a group, as DistributedDataParallel does: the gradients are copied
// (flattened) into a few large buckets, each bucket is summed over the
// ranks with one all-reduce (all buckets at once), and the sums, divided,
// are copied back. A Reducer holds its buckets until Free; it is not safe
// for concurrent use.
//
// The gradients are reduced after backward, not during it: DDP's overlap
// of the all-reduce with backward needs autograd hooks this binding does
// not have. The buckets' all-reduces do overlap one another.
type Reducer struct {
	g       *Group
	params  []*torch.Tensor
	buckets []bucket
}

type bucket struct {
	flat    *torch.Tensor // [n] float32; the first bucket ends with one slot for the weight
	members []member
}

type member struct {
	param         int
	offset, numel int64
}

// NewReducer makes buckets of about bucketBytes (0: DefaultBucketBytes)
// for params, float32 tensors on one device, in order. params are
// borrowed: they must outlive the Reducer. The caller Frees it.
func NewReducer(g *Group, params []*torch.Tensor, bucketBytes int64) (r *Reducer, err error) {
	defer tensor.Catch(&err, "dist: reducer")
	if len(params) == 0 {
		return nil, fmt.Errorf("dist: reducer: no parameters")
	}
	if bucketBytes <= 0 {
		bucketBytes = DefaultBucketBytes
	}
	device := tensor.Val(params[0].Device())
	r = &Reducer{g: g, params: params}
	var cur bucket
	var size int64
	flush := func(extra int64) {
		cur.flat = tensor.Must(ts.Zeros([]int64{size + extra}, gotch.Float, device))
		r.buckets = append(r.buckets, cur)
		cur, size = bucket{}, 0
	}
	for i, p := range params {
		if p.DType() != gotch.Float {
			return nil, fmt.Errorf("dist: reducer: parameter %d is %v, want float32", i, p.DType())
		}
		n := int64(p.Numel())
		cur.members = append(cur.members, member{param: i, offset: size, numel: n})
		size += n
		if size*4 >= bucketBytes {
			flush(weightSlot(len(r.buckets)))
		}
	}
	if len(cur.members) > 0 {
		flush(weightSlot(len(r.buckets)))
	}
	return r, nil
}

// weightSlot is 1 for the first bucket, which carries the weight.
func weightSlot(bucket int) int64 {
	if bucket == 0 {
		return 1
	}
	return 0
}

// Buckets returns the number of buckets and the bytes all-reduced per step.
func (r *Reducer) Buckets() (n int, bytes int64) {
	for _, b := range r.buckets {
		bytes += 4 * int64(b.flat.Numel())
	}
	return len(r.buckets), bytes
}

// Average replaces every parameter's gradient g_r by the weighted mean over
// the ranks, Σ w_r g_r / Σ w_r, where weight is this rank's w_r: with each
// rank's gradient the mean over its share of a batch, the share's size
// makes the result the gradient of the whole batch's mean. A rank with no
// examples passes 0. A parameter without a gradient counts as zeros and
// keeps none. Every rank calls Average after its backward, before clipping
// and the optimizer step, which then agree on every rank.
func (r *Reducer) Average(weight float64) (err error) {
	defer tensor.Catch(&err, "dist: average gradients")
	var s tensor.Scope
	defer s.Free()
	grads := make([]*torch.Tensor, len(r.params))
	tensor.NoGrad(func() {
		for i, p := range r.params {
			if g := s.M(p.Grad(false)); g.MustDefined() {
				grads[i] = g
			}
		}
		for bi, b := range r.buckets {
			for _, m := range b.members {
				dst := s.M(b.flat.Narrow(0, m.offset, m.numel, false))
				if grads[m.param] == nil {
					tensor.InPlace(dst, dst.Zero_)
					continue
				}
				dst.Copy_(s.M(grads[m.param].Reshape([]int64{-1}, false)))
				tensor.InPlace(dst, func() error { return dst.MulScalar_(s.Scalar(weight)) })
			}
			if bi == 0 {
				slot := s.M(b.flat.Narrow(0, int64(b.flat.Numel())-1, 1, false))
				tensor.InPlace(slot, func() error { return slot.Fill_(s.Scalar(weight)) })
			}
		}
	})
	flats := make([]*torch.Tensor, len(r.buckets))
	for i, b := range r.buckets {
		flats[i] = b.flat
	}
	if err := r.g.SumInPlace(flats...); err != nil {
		return err
	}
	first := r.buckets[0].flat
	total := tensor.Val(s.M(first.Narrow(0, int64(first.Numel())-1, 1, false)).Float64Value([]int64{0}))
	if !(total > 0) {
		return fmt.Errorf("dist: the ranks' weights sum to %v: no rank had examples", total)
	}
	tensor.NoGrad(func() {
		for _, b := range r.buckets {
			tensor.InPlace(b.flat, func() error { return b.flat.DivScalar_(s.Scalar(total)) })
			for _, m := range b.members {
				if g := grads[m.param]; g != nil {
					g.Copy_(s.M(s.M(b.flat.Narrow(0, m.offset, m.numel, false)).ViewAs(g, false)))
				}
			}
		}
	})
	return nil
}

// Free frees the buckets.
func (r *Reducer) Free() {
	for _, b := range r.buckets {
		b.flat.MustDrop()
	}
	r.buckets = nil
}

// BroadcastParams copies rank 0's parameter values into every other rank's
// (the start of data-parallel training: all ranks from the same weights).
// params are borrowed.
func (g *Group) BroadcastParams(params []*torch.Tensor) (err error) {
	defer tensor.Catch(&err, "dist: broadcast parameters")
	var s tensor.Scope
	defer s.Free()
	views := make([]*torch.Tensor, len(params))
	for i, p := range params {
		views[i] = s.M(p.Detach(false)) // same storage, outside autograd
	}
	return g.Broadcast(0, views...)
}

// SumFloat64s returns the element-wise sums of values over the ranks (each
// rank passes the same number of values): the way to reduce metrics, or to
// agree on a flag (a rank that wants to stop passes 1).
func (g *Group) SumFloat64s(values []float64) (sums []float64, err error) {
	defer tensor.Catch(&err, "dist: sum")
	t := tensor.Must(ts.OfSlice(values))
	defer t.MustDrop()
	if g.device.IsCuda() {
		moved := tensor.Must(t.To(g.device, false))
		defer moved.MustDrop()
		t = moved
	}
	if err := g.SumInPlace(t); err != nil {
		return nil, err
	}
	return t.Float64Values(), nil
}
