package lstm

import (
	"fmt"
	"slices"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Strategy is how a batch of variable-length sequences runs through libtorch.
type Strategy string

const (
	// Auto picks Packed on CUDA and Padded on the CPU.
	Auto Strategy = "auto"
	// Packed sorts the batch by length, packs it with _pack_padded_sequence
	// and runs the *_data ops (cuDNN on CUDA), like PyTorch's
	// pack_padded_sequence(..., enforce_sorted=False).
	Packed Strategy = "packed"
	// Padded runs the fast padded kernel and reads each sequence's outputs
	// and final state at its own length; a reverse direction runs on each
	// sequence reversed within its own length. Outputs and final state equal
	// the packed ones. An LSTM's final C, when lengths differ, takes one
	// kernel call per distinct length, layer and direction (see
	// paddedExact); a classifier, which needs H alone, does not pay it.
	// On this CPU it is several times faster than Packed (see BENCHMARKS.md).
	Padded Strategy = "padded"
)

// State is a recurrent state, [layers*directions, B, hidden] each, rows in
// PyTorch's order (layer 0 forward, layer 0 reverse, layer 1 forward, ...).
// C is the LSTM cell state; it is nil for GRU and RNN cells.
type State struct{ H, C *ts.Tensor }

// Drop frees the state's tensors.
func (s State) Drop() {
	for _, t := range []*ts.Tensor{s.H, s.C} {
		if t != nil {
			t.MustDrop()
		}
	}
}

// Detach returns the state cut from the autograd graph (for truncated BPTT).
// The caller frees the new state; s is unchanged and still the caller's.
func (s State) Detach() (State, error) {
	var d State
	var err error
	if d.H, err = s.H.Detach(false); err != nil || s.C == nil {
		return d, err
	}
	d.C, err = s.C.Detach(false)
	return d, err
}

// RNN is a stack of recurrent layers over batch-first input.
type RNN struct {
	Cell     Cell
	Input    int64 // input size of the first layer
	Hidden   int64 // hidden size per direction
	Layers   int64
	Dirs     int64   // 1, or 2 when bidirectional
	Dropout  float64 // between layers, when training
	Strategy Strategy
	weights  []*ts.Tensor // per layer and direction: w_ih, w_hh, b_ih, b_hh
}

// newRNN adds the layer's parameters to p under prefix ("rnn." or ""), with
// PyTorch's names (weight_ih_l0, bias_hh_l1_reverse, ...) and init
// U(-1/sqrt(hidden), 1/sqrt(hidden)).
func newRNN(p *Params, prefix string, cell Cell, input, hidden, layers int64, bidirectional bool, dropout float64) *RNN {
	r := &RNN{Cell: cell, Input: input, Hidden: hidden, Layers: layers, Dirs: 1, Dropout: dropout, Strategy: Auto}
	if bidirectional {
		r.Dirs = 2
	}
	spec := tensor.Val(cell.spec())
	bound, rows := invSqrt(hidden), spec.gates*hidden
	for l := int64(0); l < layers; l++ {
		in := input
		if l > 0 {
			in = hidden * r.Dirs
		}
		for d := int64(0); d < r.Dirs; d++ {
			suffix := fmt.Sprintf("_l%d", l)
			if d == 1 {
				suffix += "_reverse"
			}
			r.weights = append(r.weights,
				p.uniform(prefix+"weight_ih"+suffix, []int64{rows, in}, bound),
				p.uniform(prefix+"weight_hh"+suffix, []int64{rows, hidden}, bound),
				p.uniform(prefix+"bias_ih"+suffix, []int64{rows}, bound),
				p.uniform(prefix+"bias_hh"+suffix, []int64{rows}, bound))
		}
	}
	if p.Device.IsCuda() {
		tensor.Check(tensor.FlattenRNNWeights(r.weights, 4, input, spec.cudnnMode, hidden, layers, bidirectional))
	}
	return r
}

// ZeroState returns a zero initial state for a batch of B.
// The caller frees s.
func (r *RNN) ZeroState(B int64, device gotch.Device) (s State, err error) {
	defer tensor.Catch(&err, "lstm: zero state")
	spec := tensor.Val(r.Cell.spec())
	shape := []int64{r.Layers * r.Dirs, B, r.Hidden}
	s.H = tensor.Must(ts.Zeros(shape, gotch.Float, device))
	if spec.hasC {
		s.C = tensor.Must(ts.Zeros(shape, gotch.Float, device))
	}
	return s, nil
}

// Forward runs the stack over x.
//
//	x [B, T, input] float, lengths [B] (nil: all T), h0 (zero value: zeros)
//	  -> out [B, T, dirs*hidden] (zero past each length), final state
//
// Lengths may come in any order; each must be in 1..T. The final state is
// each sequence's at its own length, H and (LSTM) C equal to PyTorch's for
// a packed batch on every strategy. A given h0 holds H, and C for an LSTM
// alone, each [layers*dirs, B, hidden]; anything else is an error. The
// caller frees out and the final state; x and h0 stay the caller's.
func (r *RNN) Forward(x *ts.Tensor, lengths []int64, h0 State, train bool) (out *ts.Tensor, hn State, err error) {
	defer tensor.Catch(&err, "lstm: rnn forward")
	out, hn = r.forward(x, lengths, h0, train, true, true)
	return out, hn, nil
}

// Final runs the stack over x as Forward does but returns the final state
// alone: the outputs [B, T, dirs*hidden] are never put together, which
// saves a pass or two over memory of that size when only the final state
// is used. The caller frees the state.
func (r *RNN) Final(x *ts.Tensor, lengths []int64, h0 State, train bool) (hn State, err error) {
	defer tensor.Catch(&err, "lstm: rnn forward")
	_, hn = r.forward(x, lengths, h0, train, false, true)
	return hn, nil
}

// forward is Forward; out is nil unless outputs, and the final C is nil
// unless cellState (which spares the padded strategy the segments that an
// LSTM's C takes when lengths differ: a classifier needs H alone).
func (r *RNN) forward(x *ts.Tensor, lengths []int64, h0 State, train, outputs, cellState bool) (out *ts.Tensor, hn State) {
	shape := tensor.Val(x.Size())
	if len(shape) != 3 || shape[2] != r.Input {
		tensor.Fail("input shape %v, want [B, T, %d]", shape, r.Input)
	}
	B, T := shape[0], shape[1]
	if h0.H == nil && h0.C == nil {
		h0 = tensor.Val(r.ZeroState(B, x.MustDevice()))
		defer h0.Drop()
	}
	r.checkState(h0, B)
	defer func() {
		if !cellState && hn.C != nil {
			hn.C.MustDrop()
			hn.C = nil
		}
	}()
	if lengths == nil || allEqual(lengths, T) {
		if lengths != nil && int64(len(lengths)) != B {
			tensor.Fail("%d lengths for a batch of %d", len(lengths), B)
		}
		out, hn = r.padded(x, h0, r.weights, r.Layers, r.Dirs == 2, train)
		if !outputs {
			out.MustDrop()
			out = nil
		}
		return out, hn
	}
	checkLengths(lengths, B, T)
	if r.strategy(x.MustDevice()) == Packed {
		return r.packed(x, lengths, h0, train, outputs)
	}
	raw, hn := r.paddedExact(x, lengths, h0, train, outputs, cellState)
	if raw == nil {
		return nil, hn
	}
	defer raw.MustDrop()
	return zeroPast(raw, lengths), hn
}

// checkState fails unless s is a whole state for a batch of B: H, and C
// for a cell that has one, each [layers*dirs, B, hidden].
func (r *RNN) checkState(s State, B int64) {
	spec := tensor.Val(r.Cell.spec())
	switch {
	case s.H == nil:
		tensor.Fail("the initial state has C but no H")
	case spec.hasC && s.C == nil:
		tensor.Fail("the initial state has H but no C: an %s state needs both", r.Cell)
	case !spec.hasC && s.C != nil:
		tensor.Fail("the initial state has a C, but a %s cell has no C", r.Cell)
	}
	want := []int64{r.Layers * r.Dirs, B, r.Hidden}
	for _, t := range []struct {
		name string
		x    *ts.Tensor
	}{{"H", s.H}, {"C", s.C}} {
		if t.x == nil {
			continue
		}
		if got := tensor.Val(t.x.Size()); !slices.Equal(got, want) {
			tensor.Fail("the initial state's %s has shape %v, want [layers*directions, B, hidden] = %v", t.name, got, want)
		}
	}
}

func (r *RNN) strategy(device gotch.Device) Strategy {
	if r.Strategy == Auto || r.Strategy == "" {
		if device.IsCuda() {
			return Packed
		}
		return Padded
	}
	return r.Strategy
}

func allEqual(lengths []int64, T int64) bool {
	for _, l := range lengths {
		if l != T {
			return false
		}
	}
	return true
}

func checkLengths(lengths []int64, B, T int64) {
	if int64(len(lengths)) != B {
		tensor.Fail("%d lengths for a batch of %d", len(lengths), B)
	}
	for b, l := range lengths {
		if l < 1 || l > T {
			tensor.Fail("sequence %d of the batch has length %d, want 1..%d (pad empty sequences to length 1)", b, l, T)
		}
	}
}

// NewRNN adds a recurrent stack's parameters to p under prefix (e.g. "rnn."),
// with PyTorch's names and initialisation, for models built by hand.
func NewRNN(p *Params, prefix string, cell Cell, input, hidden, layers int64, bidirectional bool, dropout float64) (r *RNN, err error) {
	if _, err := ParseCell(string(cell)); err != nil {
		return nil, err
	}
	if input < 1 || hidden < 1 || layers < 1 || dropout < 0 || dropout >= 1 {
		return nil, fmt.Errorf("lstm: new rnn: bad shape (input %d, hidden %d, layers %d, dropout %g)", input, hidden, layers, dropout)
	}
	defer tensor.Catch(&err, "lstm: new rnn")
	return newRNN(p, prefix, cell, input, hidden, layers, bidirectional, dropout), nil
}
