package lstm

import (
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// run calls libtorch's op for the cell on padded batch-first input.
//
//	x [B, T, in], h, c [layers*dirs, B, H] -> out [B, T, dirs*H], h_n, c_n
func (r *RNN) run(x, h, c *ts.Tensor, w []*ts.Tensor, layers int64, bi, train bool) (out, hn, cn *ts.Tensor) {
	p := r.Dropout
	var err error
	switch r.Cell {
	case LSTM:
		out, hn, cn, err = ts.Lstm(x, []*ts.Tensor{h, c}, w, true, layers, p, train, bi, true)
	case GRU:
		out, hn, err = ts.Gru(x, h, w, true, layers, p, train, bi, true)
	case RNNReLU:
		out, hn, err = ts.RnnRelu(x, h, w, true, layers, p, train, bi, true)
	default:
		out, hn, err = ts.RnnTanh(x, h, w, true, layers, p, train, bi, true)
	}
	tensor.Check(err)
	return out, hn, cn
}

// runData calls the cell's op on packed input.
//
//	data [sum(lengths), in], batchSizes [T] -> out [sum(lengths), dirs*H], h_n, c_n
func (r *RNN) runData(data, batchSizes, h, c *ts.Tensor, train bool) (out, hn, cn *ts.Tensor) {
	p, L, bi, w := r.Dropout, r.Layers, r.Dirs == 2, r.weights
	var err error
	switch r.Cell {
	case LSTM:
		out, hn, cn, err = ts.LstmData(data, batchSizes, []*ts.Tensor{h, c}, w, true, L, p, train, bi)
	case GRU:
		out, hn, err = ts.GruData(data, batchSizes, h, w, true, L, p, train, bi)
	case RNNReLU:
		out, hn, err = ts.RnnReluData(data, batchSizes, h, w, true, L, p, train, bi)
	default:
		out, hn, err = ts.RnnTanhData(data, batchSizes, h, w, true, L, p, train, bi)
	}
	tensor.Check(err)
	return out, hn, cn
}

// padded runs the stack when every sequence fills the batch: one op call.
func (r *RNN) padded(x *ts.Tensor, h0 State, w []*ts.Tensor, layers int64, bi, train bool) (*ts.Tensor, State) {
	out, hn, cn := r.run(x, h0.H, h0.C, w, layers, bi, train)
	return out, State{H: hn, C: cn}
}
