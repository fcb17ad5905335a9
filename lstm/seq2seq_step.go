package lstm

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// DecoderState is what a Seq2Seq decoder carries from one step to the
// next: the recurrent state and, with input feeding, the last attentional
// vector h̃ [N, 1, H] (nil before the first step: zeros).
type DecoderState struct {
	State
	Feed *ts.Tensor
}

// Drop frees the state's tensors.
func (d DecoderState) Drop() {
	d.State.Drop()
	if d.Feed != nil {
		d.Feed.MustDrop()
	}
}

// Select returns the state of rows idx [N] int64, in that order (beam
// search reorders and repeats rows with it). The caller frees the new
// state; d stays the caller's.
func (d DecoderState) Select(idx *ts.Tensor) (out DecoderState, err error) {
	defer tensor.Catch(&err, "lstm: decoder state select")
	out.H = tensor.Must(d.H.IndexSelect(1, idx, false)) // [L, B, H] -> [L, N, H]
	if d.C != nil {
		out.C = tensor.Must(d.C.IndexSelect(1, idx, false))
	}
	if d.Feed != nil {
		out.Feed = tensor.Must(d.Feed.IndexSelect(0, idx, false))
	}
	return out, nil
}

// decode runs the decoder over embedded inputs x [B, T, E] from st (which
// stays the caller's), attending over mem:
//
//	-> h̃ [B, T, H], attention weights [B, T, S], the state after step T
//
// With input feeding T must be 1: x is joined with st.Feed (zeros at first).
func (m *Seq2Seq) decode(x *ts.Tensor, st DecoderState, mem Memory, train bool) (att, weights *ts.Tensor, next DecoderState) {
	var s tensor.Scope
	defer s.Free()
	if m.Config.InputFeed {
		feed := st.Feed
		if feed == nil {
			B := tensor.Val(x.Size())[0]
			feed = s.M(ts.Zeros([]int64{B, 1, int64(m.Config.Hidden)}, gotch.Float, x.MustDevice()))
		}
		x = s.M(ts.Cat([]*ts.Tensor{x, feed}, 2)) // [B, 1, E+H]
	}
	out, hn := m.Decoder.forward(x, nil, st.State, train, true, true) // [B, T, H]
	s.T(out)
	ctx, weights, err := m.Attend.Forward(out, mem) // [B, T, H], [B, T, S]
	tensor.Check(err)
	s.T(ctx)
	both := s.M(ts.Cat([]*ts.Tensor{ctx, out}, 2)) // [B, T, 2H]
	att = tensor.Must(s.M(m.Combine.Forward(both)).Tanh(false))
	next = DecoderState{State: hn}
	if m.Config.InputFeed {
		next.Feed = tensor.Must(att.ShallowClone())
	}
	return att, weights, next
}

// logits maps attentional vectors [B, T, H] to target scores [B, T, V].
func (m *Seq2Seq) logits(att *ts.Tensor, train bool) *ts.Tensor {
	var s tensor.Scope
	defer s.Free()
	return tensor.Must(m.Out.Forward(m.dropout(&s, att, train)))
}

// Step advances every row by one token, in evaluation mode (run it with
// gradients off):
//
//	tokens [N] int64, st, mem (N rows) -> log-probabilities [N, V_tgt],
//	attention weights [N, S], the next state
//
// The caller frees logp, weights and next; tokens, st and mem stay the
// caller's.
func (m *Seq2Seq) Step(tokens *ts.Tensor, st DecoderState, mem Memory) (logp, weights *ts.Tensor, next DecoderState, err error) {
	defer tensor.Catch(&err, "lstm: seq2seq step")
	var s tensor.Scope
	defer s.Free()
	in := s.M(tokens.Unsqueeze(1, false)) // [N] -> [N, 1]
	x := s.M(m.TgtEmbed.Forward(in))      // [N, 1, E]
	att, w, next := m.decode(x, st, mem, false)
	s.T(att)
	s.T(w)
	scores := s.T(m.logits(att, false))                 // [N, 1, V]
	lp := s.M(scores.LogSoftmax(2, gotch.Float, false)) // [N, 1, V]
	return tensor.Must(lp.SqueezeDim(1, false)), tensor.Must(w.SqueezeDim(1, false)), next, nil
}

// Loss is the mean cross-entropy per real target token of logits
// [B, T, V] against targets [B, T] (y1 ... <eos>, padding PadID ignored),
// with label smoothing in [0, 1). The caller frees the scalar loss.
func (m *Seq2Seq) Loss(logits, targets *ts.Tensor, smoothing float64) (loss *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: seq2seq loss")
	var s tensor.Scope
	defer s.Free()
	flat := s.M(logits.Reshape([]int64{-1, int64(m.Config.TargetVocab)}, false)) // [B*T, V]
	y := s.M(targets.Reshape([]int64{-1}, false))                                // [B*T]
	return tensor.Must(flat.CrossEntropyLoss(y, ts.None, 1, m.Config.PadID, smoothing, false)), nil
}
