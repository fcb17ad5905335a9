package lstm

import (
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// run calls libtorch's op for the cell on padded batch-first input.
//
//	x [B, T, in], h, c [layers*dirs, B, H] -> out [B, T, dirs*H], h_n, c_n
func (r *RNN) run(x, h, c *ts.Tensor, w []*ts.Tensor, layers int64, bi, train bool) (out, hn, cn *ts.Tensor) {
	spec := tensor.Val(r.Cell.spec())
	out, hn, cn, err := spec.padded(x, h, c, w, layers, r.Dropout, train, bi)
	tensor.Check(err)
	return out, hn, cn
}

// runData calls the cell's op on packed input.
//
//	data [sum(lengths), in], batchSizes [T] -> out [sum(lengths), dirs*H], h_n, c_n
func (r *RNN) runData(data, batchSizes, h, c *ts.Tensor, train bool) (out, hn, cn *ts.Tensor) {
	spec := tensor.Val(r.Cell.spec())
	out, hn, cn, err := spec.packed(data, batchSizes, h, c, r.weights, r.Layers, r.Dropout, train, r.Dirs == 2)
	tensor.Check(err)
	return out, hn, cn
}

// padded runs the stack when every sequence fills the batch: one op call.
func (r *RNN) padded(x *ts.Tensor, h0 State, w []*ts.Tensor, layers int64, bi, train bool) (*ts.Tensor, State) {
	out, hn, cn := r.run(x, h0.H, h0.C, w, layers, bi, train)
	return out, State{H: hn, C: cn}
}
