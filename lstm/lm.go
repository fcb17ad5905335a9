package lstm

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// LM is a recurrent language model, as pytorch/examples word_language_model:
// encoder (embedding) -> recurrent stack -> dropout -> decoder (linear over
// the vocabulary), with the decoder optionally tied to the encoder.
type LM struct {
	Config  Config
	Params  *Params
	Encoder *Embedding
	RNN     *RNN
	Decoder *Linear
}

// NewLM builds a language model on device. Every id is a real token: the
// embedding has no padding row. It runs left to right only: a bidirectional
// cfg is an error.
func NewLM(cfg Config, device gotch.Device) (m *LM, err error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Bidirectional {
		return nil, fmt.Errorf("lstm: a language model cannot be bidirectional: its reverse direction would read the tokens it is to predict")
	}
	defer tensor.Catch(&err, "lstm: new language model")
	p := &Params{Device: device}
	V, E, H := int64(cfg.Vocab), int64(cfg.Embed), int64(cfg.Hidden)
	m = &LM{Config: cfg, Params: p}
	m.Encoder = newEmbedding(p, "encoder", V, E, -1, nil, false)
	m.RNN = newRNN(p, "rnn.", cfg.Cell, E, H, int64(cfg.Layers), false, cfg.Dropout)
	if cfg.Tie {
		bound := invSqrt(H)
		m.Decoder = &Linear{W: m.Encoder.Weight, B: p.uniform("decoder.bias", []int64{V}, bound)}
	} else {
		m.Decoder = newLinear(p, "decoder", H, V)
	}
	return m, nil
}

// StateDictKeys are the names PyTorch's state_dict() gives the same module:
// a tied decoder weight appears under both of its names.
func (m *LM) StateDictKeys() []string {
	keys := m.Params.Names()
	if !m.Config.Tie {
		return keys
	}
	out := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		if k == "decoder.bias" {
			out = append(out, "decoder.weight")
		}
		out = append(out, k)
	}
	return out
}

// Forward predicts the next token at every step.
//
//	ids [B, T] int64, state (zero value: zeros) -> logits [B, T, V], state after step T
//
// The caller frees logits and next; ids and state stay the caller's.
func (m *LM) Forward(ids *ts.Tensor, state State, train bool) (logits *ts.Tensor, next State, err error) {
	out, next, err := m.Features(ids, state, train)
	if err != nil {
		return nil, State{}, err
	}
	defer out.MustDrop()
	defer tensor.Catch(&err, "lstm: language model forward")
	return tensor.Must(m.Decoder.Forward(out)), next, nil // [B, T, H] -> [B, T, V]
}

// Features runs every layer but the decoder: what the decoder reads.
//
//	ids [B, T] int64, state (zero value: zeros) -> out [B, T, H], state after step T
//
// The caller frees out and next; ids and state stay the caller's.
func (m *LM) Features(ids *ts.Tensor, state State, train bool) (out *ts.Tensor, next State, err error) {
	defer tensor.Catch(&err, "lstm: language model forward")
	var s tensor.Scope
	defer s.Free()
	x := s.M(m.Encoder.Forward(ids)) // [B, T] -> [B, T, E]
	if train && m.Config.Dropout > 0 {
		x = s.M(ts.Dropout(x, m.Config.Dropout, true))
	}
	out, next, err = m.RNN.Forward(x, nil, state, train) // [B, T, E] -> [B, T, H]
	tensor.Check(err)
	if train && m.Config.Dropout > 0 {
		s.T(out)
		out = tensor.Must(ts.Dropout(out, m.Config.Dropout, true))
	}
	return out, next, nil
}

// Step advances one token per stream: ids [B] -> logits [B, V], next state.
// It runs in evaluation mode; call it with gradients off when sampling.
// The caller frees logits and next; ids and state stay the caller's.
func (m *LM) Step(ids *ts.Tensor, state State) (logits *ts.Tensor, next State, err error) {
	defer tensor.Catch(&err, "lstm: language model step")
	x := tensor.Must(ids.Unsqueeze(1, false)) // [B] -> [B, 1]
	defer x.MustDrop()
	out, next, err := m.Forward(x, state, false)
	tensor.Check(err)
	defer out.MustDrop()
	return tensor.Must(out.Select(1, 0, false)), next, nil // [B, 1, V] -> [B, V]
}

// Loss is the mean cross-entropy of logits [B, T, V] against targets [B, T].
// The caller frees the scalar loss.
func (m *LM) Loss(logits, targets *ts.Tensor) (loss *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: language model loss")
	var s tensor.Scope
	defer s.Free()
	flat := s.M(logits.View([]int64{-1, int64(m.Config.Vocab)}, false))
	y := s.M(targets.View([]int64{-1}, false))
	return tensor.Must(flat.CrossEntropyLoss(y, ts.None, 1, -100, 0, false)), nil
}
