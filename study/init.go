package study

import (
	"fmt"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
)

// Init is how a study model starts.
type Init string

const (
	// PyTorchInit keeps nn.RNN's, nn.LSTM's and nn.GRU's initialisation,
	// every weight and bias from U(-1/sqrt(H), 1/sqrt(H)): a gated cell keeps
	// about half its state per step, so its memory fades like a vanilla one's.
	PyTorchInit Init = "pytorch"
	// MemoryInit starts each cell as the long-memory recipes do, with b the
	// gate bias:
	//
	//	lstm:      forget gate bias +b, input gate bias -b: c' ≈ σ(b) c + σ(-b) g
	//	gru:       update gate bias +b:                     h' ≈ σ(-b) n + σ(b) h
	//	rnn_relu:  W_hh = I, biases 0 (Le et al. 2015):     h' = relu(h + W_ih x)
	//	rnn_tanh:  PyTorch's init: no weight setting keeps tanh's gain at 1
	//
	// With b = 3, σ(b) ≈ 0.95: the gated cells keep 95% of their state per
	// step, a memory of about 20 steps that training can lengthen.
	MemoryInit Init = "memory"
)

// Initialise applies init to the freshly built model.
func (m *Model) Initialise(init Init, bias float64) (err error) {
	if init != MemoryInit {
		return nil
	}
	defer tensor.Catch(&err, "study: memory init")
	switch m.Cell {
	case lstm.LSTM:
		m.addBias(0, -bias) // i
		m.addBias(1, bias)  // f
	case lstm.GRU:
		m.addBias(1, bias) // z
	case lstm.RNNReLU:
		tensor.Check(m.identity())
	}
	return nil
}

// addBias adds v to block k of rnn.bias_ih_l0 (rows k*H..(k+1)*H), in
// PyTorch's gate order: i f g o for the LSTM, r z n for the GRU.
func (m *Model) addBias(k int64, v float64) {
	H := m.RNN.Hidden
	b := m.Params.Get("rnn.bias_ih_l0") // [gates*H]
	tensor.NoGrad(func() {
		var s tensor.Scope
		defer s.Free()
		rows := s.M(b.Narrow(0, k*H, H, false)) // a view of the block
		tensor.InPlace(rows, func() error { return rows.AddScalar_(s.Scalar(v)) })
	})
}

// identity sets W_hh = I and both biases to zero.
func (m *Model) identity() error {
	H := int(m.RNN.Hidden)
	eye := make([]float32, H*H)
	for i := range H {
		eye[i*H+i] = 1
	}
	for name, v := range map[string][]float32{
		"rnn.weight_hh_l0": eye,
		"rnn.bias_ih_l0":   make([]float32, H),
		"rnn.bias_hh_l0":   make([]float32, H),
	} {
		if err := m.Params.Set(name, v); err != nil {
			return fmt.Errorf("identity: %w", err)
		}
	}
	return nil
}
