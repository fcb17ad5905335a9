package lstm

import (
	"fmt"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Cell names the recurrence, as libtorch's ops do.
type Cell string

const (
	// RNNTanh: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).
	RNNTanh Cell = "rnn_tanh"
	// RNNReLU: h' = relu(W_ih x + b_ih + W_hh h + b_hh).
	RNNReLU Cell = "rnn_relu"
	// LSTM, gates in PyTorch's order i, f, g, o:
	//	i, f, o = σ(W_i· x + b_i· + U_i· h + c_i·);  g = tanh(W_g x + b_g + U_g h + c_g)
	//	c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c')
	LSTM Cell = "lstm"
	// GRU, gates in PyTorch's order r, z, n:
	//	r, z = σ(W_r· x + b_r· + U_r· h + c_r·);  n = tanh(W_n x + b_n + r ⊙ (U_n h + c_n))
	//	h' = (1 - z) ⊙ n + z ⊙ h
	GRU Cell = "gru"
)

// cellSpec is everything that differs from one cell to another.
type cellSpec struct {
	cell      Cell
	gates     int64 // blocks of hidden rows that each weight matrix stacks
	cudnnMode int64 // cuDNN's cudnnRNNMode_t
	hasC      bool  // the state has a cell state C besides H
	padded    paddedOp
	packed    packedOp
}

// paddedOp runs the cell's libtorch op on batch-first padded input:
//
//	x [B, T, in], h, c [layers*dirs, B, H] -> out [B, T, dirs*H], h_n, c_n
//
// c and c_n are nil unless the cell has a cell state.
type paddedOp func(x, h, c *ts.Tensor, w []*ts.Tensor, layers int64, dropout float64, train, bi bool) (out, hn, cn *ts.Tensor, err error)

// packedOp runs the cell's *_data op on packed input:
//
//	data [sum(lengths), in], batchSizes [T] -> out [sum(lengths), dirs*H], h_n, c_n
type packedOp func(data, batchSizes, h, c *ts.Tensor, w []*ts.Tensor, layers int64, dropout float64, train, bi bool) (out, hn, cn *ts.Tensor, err error)

// cells is the table of cells: adding a cell is adding a row.
var cells = []cellSpec{
	{cell: RNNTanh, gates: 1, cudnnMode: 1, padded: paddedH(ts.RnnTanh), packed: packedH(ts.RnnTanhData)},
	{cell: RNNReLU, gates: 1, cudnnMode: 0, padded: paddedH(ts.RnnRelu), packed: packedH(ts.RnnReluData)},
	{cell: LSTM, gates: 4, cudnnMode: 2, hasC: true, padded: lstmPadded, packed: lstmPacked},
	{cell: GRU, gates: 3, cudnnMode: 3, padded: paddedH(ts.Gru), packed: packedH(ts.GruData)},
}

// ParseCell returns the cell named s (rnn_tanh, rnn_relu, lstm or gru).
func ParseCell(s string) (Cell, error) {
	if _, err := Cell(s).spec(); err != nil {
		return "", err
	}
	return Cell(s), nil
}

// spec is the cell's row of the table, or an error for an unknown cell.
func (c Cell) spec() (*cellSpec, error) {
	for i := range cells {
		if cells[i].cell == c {
			return &cells[i], nil
		}
	}
	return nil, fmt.Errorf("lstm: unknown cell %q: want %s", c, cellNames())
}

// cellNames lists the cells for messages: "rnn_tanh, rnn_relu, lstm or gru".
func cellNames() string {
	names := make([]string, len(cells))
	for i, s := range cells {
		names[i] = string(s.cell)
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " or " + names[last]
}

// lstmPadded trains a one-direction float32 stack on the CPU with
// libtorch.LSTM, libtorch's op with a backward in one piece per layer (the
// same outputs, the gradients up to rounding, 1.2x the speed of a step's
// forward and backward: BENCHMARKS.md), everything else with libtorch's op.
func lstmPadded(x, h, c *ts.Tensor, w []*ts.Tensor, layers int64, p float64, train, bi bool) (out, hn, cn *ts.Tensor, err error) {
	if fusedLSTM && !bi && x.DType() == gotch.Float && tensor.OnCPU(x) {
		return libtorch.LSTM(x, h, c, w, layers, p, train, true)
	}
	return ts.Lstm(x, []*ts.Tensor{h, c}, w, true, layers, p, train, bi, true)
}

// fusedLSTM: lstmPadded may use libtorch.LSTM (tests turn it off to compare).
var fusedLSTM = libtorch.HasLSTM()

func lstmPacked(data, batchSizes, h, c *ts.Tensor, w []*ts.Tensor, layers int64, p float64, train, bi bool) (out, hn, cn *ts.Tensor, err error) {
	return ts.LstmData(data, batchSizes, []*ts.Tensor{h, c}, w, true, layers, p, train, bi)
}

// paddedH adapts the op of a cell whose state is H alone.
func paddedH(op func(x, h *ts.Tensor, w []*ts.Tensor, biases bool, layers int64, p float64, train, bi, batchFirst bool) (*ts.Tensor, *ts.Tensor, error)) paddedOp {
	return func(x, h, _ *ts.Tensor, w []*ts.Tensor, layers int64, p float64, train, bi bool) (out, hn, cn *ts.Tensor, err error) {
		out, hn, err = op(x, h, w, true, layers, p, train, bi, true)
		return out, hn, nil, err
	}
}

// packedH adapts the *_data op of a cell whose state is H alone.
func packedH(op func(data, batchSizes, h *ts.Tensor, w []*ts.Tensor, biases bool, layers int64, p float64, train, bi bool) (*ts.Tensor, *ts.Tensor, error)) packedOp {
	return func(data, batchSizes, h, _ *ts.Tensor, w []*ts.Tensor, layers int64, p float64, train, bi bool) (out, hn, cn *ts.Tensor, err error) {
		out, hn, err = op(data, batchSizes, h, w, true, layers, p, train, bi)
		return out, hn, nil, err
	}
}
