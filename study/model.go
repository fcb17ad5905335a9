package study

import (
	"fmt"
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
)

// Model reads the memory task's answer from the final hidden state of a
// one-layer recurrent cell:
//
//	x [B, T, 1] -> rnn -> h_{T-1} [B, H] -> out (Linear H -> 1) -> logit [B]
//
// Parameters are named as PyTorch's (rnn.weight_ih_l0, out.weight, ...) and
// initialised as nn.RNN / nn.LSTM / nn.GRU and nn.Linear.
type Model struct {
	Cell   lstm.Cell
	Params *lstm.Params
	RNN    *lstm.RNN
	Out    *lstm.Linear
}

// NewModel builds a model on device; libtorch's seed decides the weights.
func NewModel(cell lstm.Cell, hidden int64, device gotch.Device) (*Model, error) {
	p := lstm.NewParams(device)
	r, err := lstm.NewRNN(p, "rnn.", cell, Input, hidden, 1, false, 0)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	out, err := lstm.NewLinear(p, "out", hidden, 1)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	return &Model{Cell: cell, Params: p, RNN: r, Out: out}, nil
}

// Forward computes the logits: x [B, T, 1] -> [B].
func (m *Model) Forward(x *ts.Tensor) (logits *ts.Tensor, err error) {
	defer tensor.Catch(&err, "study: forward")
	var s tensor.Scope
	defer s.Free()
	out, hn, err := m.RNN.Forward(x, nil, lstm.State{}, true)
	tensor.Check(err)
	s.T(out)
	defer hn.Drop()
	h := s.M(hn.H.Select(0, 0, false)) // [1, B, H] -> [B, H]
	z := s.M(m.Out.Forward(h))         // [B, H] -> [B, 1]
	return tensor.Must(z.View([]int64{-1}, false)), nil
}

// Loss is the mean binary cross-entropy of logits [B] against labels y.
func Loss(logits *ts.Tensor, y []int64) (loss *ts.Tensor, err error) {
	defer tensor.Catch(&err, "study: loss")
	target := make([]float32, len(y))
	for i, v := range y {
		target[i] = float32(v)
	}
	t := tensor.Must(tensor.Float32(target, []int64{int64(len(y))}, logits.MustDevice()))
	defer t.MustDrop()
	return tensor.Must(logits.BinaryCrossEntropyWithLogits(t, ts.None, ts.None, 1, false)), nil
}

// input makes x [B, T, 1] on device, a leaf that records its gradient when
// grad is set.
func input(x []float32, B, T int, device gotch.Device, grad bool) (*ts.Tensor, error) {
	t, err := tensor.Float32(x, []int64{int64(B), int64(T), Input}, device)
	if err != nil || !grad {
		return t, err
	}
	leaf, err := t.SetRequiresGrad(true, true)
	if err != nil {
		return nil, fmt.Errorf("study: input: %w", err)
	}
	return leaf, nil
}

// Accuracy is the share of y that the logits get right (logit > 0 means 1);
// a NaN logit is wrong.
func Accuracy(logits []float32, y []int64) float64 {
	right := 0
	for i, z := range logits {
		if !math.IsNaN(float64(z)) && (z > 0) == (y[i] == 1) {
			right++
		}
	}
	return float64(right) / float64(max(len(y), 1))
}

// Drop frees the model's parameters.
func (m *Model) Drop() {
	for _, t := range m.Params.Tensors() {
		t.MustDrop()
	}
}
