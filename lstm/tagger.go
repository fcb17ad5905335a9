package lstm

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// Tagger labels every token: word embedding, optionally concatenated with
// character features of each word (a BiLSTM over its runes, final states of
// both directions), then dropout -> recurrent stack -> dropout -> a linear
// layer per token, with an optional CRF on top:
//
//	ids [B, T] -> [B, T, E] ⧺ chars [B, T, 2*CH] -> rnn [B, T, D*H] -> out [B, T, C]
//
// Names: embedding.weight, char_embedding.weight, char_rnn.weight_ih_l0...,
// rnn.*, out.weight, crf.transitions....
type Tagger struct {
	Config    Config
	Params    *Params
	Embedding *Embedding
	CharEmbed *Embedding // nil without character features
	CharRNN   *RNN       // nil without character features
	RNN       *RNN
	Out       *Linear
	CRF       *CRF // nil unless Config.CRF
}

// NewTagger builds a tagger of cfg.Classes tags on device with PyTorch's
// initialisation.
func NewTagger(cfg Config, device gotch.Device) (m *Tagger, err error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	defer tensor.Catch(&err, "lstm: new tagger")
	p := &Params{Device: device}
	m = &Tagger{Config: cfg, Params: p}
	m.Embedding = newEmbedding(p, "embedding", int64(cfg.Vocab), int64(cfg.Embed), cfg.PadID, nil, false)
	input := int64(cfg.Embed)
	if cfg.Chars > 0 {
		m.CharEmbed = newEmbedding(p, "char_embedding", int64(cfg.Chars), int64(cfg.CharEmbed), 0, nil, false)
		m.CharRNN = newRNN(p, "char_rnn.", LSTM, int64(cfg.CharEmbed), int64(cfg.CharHidden), 1, true, 0)
		input += 2 * int64(cfg.CharHidden)
	}
	m.RNN = newRNN(p, "rnn.", cfg.Cell, input, int64(cfg.Hidden), int64(cfg.Layers), cfg.Bidirectional, cfg.Dropout)
	m.Out = newLinear(p, "out", cfg.directions()*int64(cfg.Hidden), int64(cfg.Classes))
	if cfg.CRF {
		m.CRF = newCRF(p, "crf.", int64(cfg.Classes))
	}
	return m, nil
}

// SetStrategy sets how both recurrent stacks run variable lengths.
func (m *Tagger) SetStrategy(s Strategy) {
	m.RNN.Strategy = s
	if m.CharRNN != nil {
		m.CharRNN.Strategy = s
	}
}

// Forward computes per-token tag scores (logits, or a CRF's emissions) for
// a padded batch:
//
//	ids [B, T] int64, words (nil without character features), lengths [B]
//	  -> scores [B, T, C]
//
// The caller frees scores; ids stay the caller's.
func (m *Tagger) Forward(ids *ts.Tensor, words *Words, lengths []int64, train bool) (scores *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: tagger forward")
	var s tensor.Scope
	defer s.Free()
	x := s.M(m.Embedding.Forward(ids)) // [B, T] -> [B, T, E]
	if m.CharRNN != nil {
		if words == nil {
			tensor.Fail("a tagger with character features needs the batch's words")
		}
		x = s.M(ts.Cat([]*ts.Tensor{x, s.T(m.chars(words, tensor.Val(ids.Size())))}, 2)) // [B, T, E+2*CH]
	}
	drop := train && m.Config.Dropout > 0
	if drop {
		x = s.M(ts.Dropout(x, m.Config.Dropout, true))
	}
	out, hn := m.RNN.forward(x, lengths, State{}, train, true, false) // [B, T, D*H], zero past each length
	s.T(out)
	hn.Drop()
	if drop {
		out = s.M(ts.Dropout(out, m.Config.Dropout, true))
	}
	return tensor.Must(m.Out.Forward(out)), nil // [B, T, D*H] -> [B, T, C]
}

// chars runs the character BiLSTM over the batch's distinct words and
// places each word's features at its positions, zeros at padding:
//
//	chars [N, L] -> [N, L, CE] -> final H [2, N, CH] -> [N, 2*CH] ⧺ zero row -> [B, T, 2*CH]
func (m *Tagger) chars(w *Words, shape []int64) *ts.Tensor {
	var s tensor.Scope
	defer s.Free()
	device := m.Params.Device
	if int64(len(w.Index)) != shape[0]*shape[1] {
		tensor.Fail("%d word positions for a batch of %v", len(w.Index), shape)
	}
	c := s.M(tensor.Int64(w.Chars, []int64{int64(w.N), int64(w.L)}, device))
	x := s.M(m.CharEmbed.Forward(c)) // [N, L] -> [N, L, CE]
	_, hn := m.CharRNN.forward(x, w.Lengths, State{}, true, false, false)
	s.T(hn.H)
	fwd, bwd := s.M(hn.H.Select(0, 0, false)), s.M(hn.H.Select(0, 1, false))
	CH := m.CharRNN.Hidden
	zero := s.M(ts.Zeros([]int64{1, 2 * CH}, gotch.Float, device))
	feat := s.M(ts.Cat([]*ts.Tensor{fwd, bwd}, 1))  // [N, 2*CH]
	feat = s.M(ts.Cat([]*ts.Tensor{feat, zero}, 0)) // row N: padding
	idx := s.M(tensor.Int64(w.Index, []int64{int64(len(w.Index))}, device))
	at := s.M(feat.IndexSelect(0, idx, false)) // [B*T, 2*CH]
	return tensor.Must(at.View([]int64{shape[0], shape[1], 2 * CH}, false))
}

// Loss is the mean loss per real token: cross-entropy of scores [B, T, C]
// against tags [B, T] (padding ignoreIndex), or with a CRF its negative log
// likelihood summed over the sentences and divided by their tokens.
// The caller frees the scalar loss.
func (m *Tagger) Loss(scores, tags *ts.Tensor, lengths []int64, ignoreIndex int64) (*ts.Tensor, error) {
	if m.CRF != nil {
		return m.CRF.Loss(scores, tags, lengths)
	}
	return torch.CrossEntropy(scores, tags, ignoreIndex)
}

// Decode returns each sentence's best tags: the argmax per token, or the
// CRF's Viterbi path.
func (m *Tagger) Decode(scores *ts.Tensor, lengths []int64) (tags [][]int64, err error) {
	if m.CRF != nil {
		return m.CRF.Decode(scores, lengths)
	}
	defer tensor.Catch(&err, "lstm: tagger decode")
	shape := tensor.Val(scores.Size())
	best := tensor.Must(scores.Argmax([]int64{2}, false, false))
	defer best.MustDrop()
	flat := tensor.Val(torch.Int64s(best)) // [B, T]
	T := shape[1]
	for b, l := range lengths {
		tags = append(tags, flat[int64(b)*T:int64(b)*T+l])
	}
	return tags, nil
}
