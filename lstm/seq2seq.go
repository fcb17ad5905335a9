package lstm

import (
	"cmp"
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Seq2Seq is an encoder-decoder with attention (Bahdanau et al. 2015,
// Luong et al. 2015):
//
//	src [B, S] -> embed [B, S, E] -> bidirectional encoder (Hidden/2 each way) -> keys [B, S, H]
//	encoder final H (both directions) [L, B, H] -> bridge: tanh(W h + b) -> decoder initial H (and C)
//	tgt [B, T] -> embed [B, T, E] (⧺ h̃_{t-1}, input feeding) -> decoder -> h_t [B, T, H]
//	attention(h_t, keys) -> context c_t [B, T, H];  h̃_t = tanh(W_c [c_t; h_t] + b_c)
//	logits = out(dropout(h̃_t)) [B, T, V_tgt]   (out.weight tied to the target embedding with Tie)
//
// Names: src_embedding.weight, tgt_embedding.weight, encoder.*, bridge.*,
// bridge_c.* (LSTM), decoder.*, attention.*, combine.*, out.*.
type Seq2Seq struct {
	Config             Config
	Params             *Params
	SrcEmbed, TgtEmbed *Embedding
	Encoder            *RNN
	Bridge, BridgeC    *Linear // BridgeC: the LSTM's C; nil for other cells
	Decoder            *RNN
	Attend             *Attend
	Combine            *Linear
	Out                *Linear
}

// NewSeq2Seq builds an encoder-decoder on device with PyTorch's
// initialisation: cfg.Vocab source and cfg.TargetVocab target ids (both
// with padding id cfg.PadID), cfg.Layers layers in encoder and decoder.
func NewSeq2Seq(cfg Config, device gotch.Device) (m *Seq2Seq, err error) {
	cfg = cfg.WithDefaults()
	cfg.Attention = cmp.Or(cfg.Attention, Additive)
	if cfg.TargetVocab == 0 {
		return nil, fieldErr("target_vocab", "lstm: an encoder-decoder needs a target vocabulary")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	defer tensor.Catch(&err, "lstm: new seq2seq")
	p := &Params{Device: device}
	E, H, L := int64(cfg.Embed), int64(cfg.Hidden), int64(cfg.Layers)
	m = &Seq2Seq{Config: cfg, Params: p}
	m.SrcEmbed = newEmbedding(p, "src_embedding", int64(cfg.Vocab), E, cfg.PadID, nil, false)
	m.TgtEmbed = newEmbedding(p, "tgt_embedding", int64(cfg.TargetVocab), E, cfg.PadID, nil, false)
	m.Encoder = newRNN(p, "encoder.", cfg.Cell, E, H/2, L, true, cfg.Dropout)
	m.Bridge = newLinear(p, "bridge", H, H)
	if tensor.Val(cfg.Cell.spec()).hasC {
		m.BridgeC = newLinear(p, "bridge_c", H, H)
	}
	in := E
	if cfg.InputFeed {
		in += H
	}
	m.Decoder = newRNN(p, "decoder.", cfg.Cell, in, H, L, false, cfg.Dropout)
	m.Attend = newAttend(p, "attention.", cfg.Attention, H, H, H)
	m.Combine = newLinear(p, "combine", 2*H, H)
	if cfg.Tie {
		m.Out = &Linear{W: m.TgtEmbed.Weight, B: p.uniform("out.bias", []int64{int64(cfg.TargetVocab)}, invSqrt(H))}
	} else {
		m.Out = newLinear(p, "out", H, int64(cfg.TargetVocab))
	}
	return m, nil
}

// SetStrategy sets how the encoder runs variable lengths (the decoder's
// inputs all have the batch's length).
func (m *Seq2Seq) SetStrategy(s Strategy) { m.Encoder.Strategy = s }

// Encode runs the encoder over src [B, S] int64 with lengths [B] (each
// 1..S): the attention memory over its outputs [B, S, H] and the decoder's
// initial state. The caller frees mem (mem.DropAll: it owns its keys) and
// st; src stays the caller's.
func (m *Seq2Seq) Encode(src *ts.Tensor, lengths []int64, train bool) (mem Memory, st DecoderState, err error) {
	defer tensor.Catch(&err, "lstm: seq2seq encode")
	var s tensor.Scope
	defer s.Free()
	x := m.dropout(&s, s.M(m.SrcEmbed.Forward(src)), train) // [B, S] -> [B, S, E]
	keys, hn := m.Encoder.forward(x, lengths, State{}, train, true, true)
	defer hn.Drop()
	mem = tensor.Val(m.Attend.Memory(keys, lengths)) // owns keys from here
	st.State.H = m.bridge(m.Bridge, hn.H)
	if m.BridgeC != nil {
		st.State.C = m.bridge(m.BridgeC, hn.C)
	}
	return mem, st, nil
}

// bridge maps the encoder's final states to the decoder's:
//
//	[L*2, B, H/2] (l0 fwd, l0 rev, ...) -> [L, 2, B, H/2] -> [L, B, 2, H/2] -> [L, B, H] -> tanh(W x + b)
func (m *Seq2Seq) bridge(l *Linear, h *ts.Tensor) *ts.Tensor {
	var s tensor.Scope
	defer s.Free()
	shape := tensor.Val(h.Size())
	L, B, Hd := shape[0]/2, shape[1], shape[2]
	x := s.M(h.View([]int64{L, 2, B, Hd}, false))
	x = s.M(x.Permute([]int64{0, 2, 1, 3}, false))
	x = s.M(x.Reshape([]int64{L, B, 2 * Hd}, false))
	y := s.M(l.Forward(x))
	y = s.M(y.Tanh(false))
	return tensor.Must(y.Contiguous(false))
}

// Forward scores every target position given the source:
//
//	src [B, S] int64, srcLengths [B], tgt [B, T] int64 (<bos> y1 ... : the
//	decoder's inputs) -> logits [B, T, V_tgt]
//
// teacher is the share of steps (drawn with libtorch's generator) whose
// input is the gold token rather than the model's own previous guess; 1
// (or more) always feeds the gold one. Without input feeding and with
// teacher 1, the decoder runs over all T steps in one call; otherwise one
// step at a time. The caller frees logits; inputs stay the caller's.
func (m *Seq2Seq) Forward(src *ts.Tensor, srcLengths []int64, tgt *ts.Tensor, train bool, teacher float64) (logits *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: seq2seq forward")
	var s tensor.Scope
	defer s.Free()
	mem, st, err := m.Encode(src, srcLengths, train)
	tensor.Check(err)
	defer mem.DropAll()
	defer st.Drop()
	if !m.Config.InputFeed && teacher >= 1 {
		x := m.dropout(&s, s.M(m.TgtEmbed.Forward(tgt)), train) // [B, T] -> [B, T, E]
		att, w, next := m.decode(x, st, mem, train)
		s.T(att)
		s.T(w)
		next.Drop()
		return m.logits(att, train), nil
	}
	return m.stepwise(tgt, st, mem, train, teacher), nil
}

// stepwise is Forward one step at a time (input feeding, or a teacher
// ratio below 1), from the initial state st, which stays the caller's.
func (m *Seq2Seq) stepwise(tgt *ts.Tensor, st DecoderState, mem Memory, train bool, teacher float64) *ts.Tensor {
	var s tensor.Scope
	defer s.Free()
	T := tensor.Val(tgt.Size())[1]
	var outs []*ts.Tensor
	var prev *ts.Tensor // [B, 1] the previous step's guess
	cur := st
	for t := int64(0); t < T; t++ {
		in := s.M(tgt.Narrow(1, t, 1, false)) // [B, 1]
		if prev != nil && !coin(teacher) {
			in = prev
		}
		x := m.dropout(&s, s.M(m.TgtEmbed.Forward(in)), train) // [B, 1, E]
		att, w, next := m.decode(x, cur, mem, train)
		s.T(w)
		if cur != st {
			cur.Drop()
		}
		cur = next
		logit := s.T(m.logits(s.T(att), train)) // [B, 1, V]
		outs = append(outs, logit)
		if teacher < 1 {
			tensor.NoGrad(func() { prev = s.M(logit.Argmax([]int64{2}, false, false)) })
		}
	}
	if cur != st {
		cur.Drop()
	}
	return tensor.Must(ts.Cat(outs, 1)) // [B, T, V]
}

// coin is true with probability p, drawn from libtorch's generator (seeded
// per epoch, so a resumed run draws the same).
func coin(p float64) bool {
	if p >= 1 {
		return true
	}
	r := tensor.Must(ts.Rand([]int64{1}, gotch.Float, gotch.CPU))
	defer r.MustDrop()
	return tensor.Val(r.Float64Value([]int64{0})) < p
}

// dropout is x after dropout when training (the new tensor joins s), else
// x itself.
func (m *Seq2Seq) dropout(s *tensor.Scope, x *ts.Tensor, train bool) *ts.Tensor {
	if !train || m.Config.Dropout == 0 {
		return x
	}
	return s.M(ts.Dropout(x, m.Config.Dropout, true))
}

// String describes the model in one line.
func (m *Seq2Seq) String() string {
	c := m.Config
	feed := ""
	if c.InputFeed {
		feed = ", input feeding"
	}
	return fmt.Sprintf("%s encoder-decoder, %d layer(s), embed %d, hidden %d (encoder %d each way), %s attention%s, vocabularies %d -> %d; %d parameters",
		c.Cell, c.Layers, c.Embed, c.Hidden, c.Hidden/2, c.Attention, feed, c.Vocab, c.TargetVocab, m.Params.Count())
}
