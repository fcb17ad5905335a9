package lstm

import (
	"errors"
	"fmt"

	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Streams advances B token streams of a language model together, one token
// each per Step, for sampling. The state stays in two tensors updated in
// place and the logits come back in one Go slice reused from step to step:
// a step is one call into libtorch (torchrnn_lm_step, which fitgotch adds
// to gotch) and makes no tensor and no Go garbage. Where the fitted gotch
// lacks that call, Step falls back to LM.Step through the tensor API, with
// the same logits. The logits equal LM.Forward's for the same tokens bit
// for bit on the CPU.
//
// A Streams is used from one goroutine, locked to its OS thread; its owner
// calls Free. It borrows the model's weights: free the model after it.
type Streams struct {
	m      *LM
	B      int
	state  State            // [layers, B, H], owned
	step   *libtorch.LMStep // nil: the tensor API (LM.Step)
	logits []float32        // [B, V], returned by Step
}

// stepCells numbers the cells as torchrnn_lm_step does.
var stepCells = map[Cell]int{RNNTanh: libtorch.StepRNNTanh, RNNReLU: libtorch.StepRNNReLU, LSTM: libtorch.StepLSTM, GRU: libtorch.StepGRU}

// NewStreams starts streams from state, [layers, B, H] each (as Forward
// returns it), which it takes over: the Streams frees it. B comes from its
// shape. The caller frees the Streams.
func (m *LM) NewStreams(state State) (s *Streams, err error) {
	if state.H == nil || (state.C == nil) == (m.Config.Cell == LSTM) {
		state.Drop()
		return nil, fmt.Errorf("lstm: streams: the state does not fit a %s language model", m.Config.Cell)
	}
	s = &Streams{m: m, state: state}
	defer func() {
		if err != nil {
			s.Free()
		}
	}()
	shape, err := state.H.Size()
	if err != nil {
		return nil, fmt.Errorf("lstm: streams: %w", err)
	}
	L, H := int64(m.Config.Layers), int64(m.Config.Hidden)
	if len(shape) != 3 || shape[0] != L || shape[2] != H || shape[1] < 1 {
		return nil, fmt.Errorf("lstm: streams: state shape %v, want [%d, B, %d]", shape, L, H)
	}
	s.B = int(shape[1])
	s.logits = make([]float32, s.B*m.Config.Vocab)
	s.step, err = libtorch.NewLMStep(stepCells[m.Config.Cell], m.Encoder.Weight, m.RNN.weights, m.Decoder.W, m.Decoder.B)
	if errors.Is(err, libtorch.ErrNoStep) {
		return s, nil // the tensor API
	}
	return s, err
}

// Step feeds ids [B], one token per stream, and returns the logits for the
// next token, [B, V] row-major. They stay valid until the next Step or
// Free; the slice belongs to s.
func (s *Streams) Step(ids []int64) ([]float32, error) {
	if len(ids) != s.B {
		return nil, fmt.Errorf("lstm: streams: %d ids for %d streams", len(ids), s.B)
	}
	if s.step != nil {
		if err := s.step.Run(ids, s.state.H, s.state.C, s.logits); err != nil {
			return nil, fmt.Errorf("lstm: streams: %w", err)
		}
		return s.logits, nil
	}
	return s.logits, s.tensorStep(ids)
}

// tensorStep is Step through LM.Step.
func (s *Streams) tensorStep(ids []int64) (err error) {
	defer tensor.Catch(&err, "lstm: streams")
	var scope tensor.Scope
	defer scope.Free()
	tensor.NoGrad(func() {
		x := scope.M(tensor.Int64(ids, []int64{int64(s.B)}, s.m.Params.Device))
		logits, next, err := s.m.Step(x, s.state) // [B] -> [B, V]
		tensor.Check(err)
		scope.T(logits)
		s.state.Drop()
		s.state = next
		copy(s.logits, tensor.Val(tensor.Float32s(logits)))
	})
	return nil
}

// Free releases the state and the step's handles; the model stays.
func (s *Streams) Free() {
	if s == nil {
		return
	}
	s.step.Free()
	s.step = nil
	s.state.Drop()
	s.state = State{}
}
