package lstm

import (
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// CRF is a linear-chain conditional random field over a tagger's emission
// scores e [B, T, C]. A tag path y of length n scores
//
//	s(y) = start[y_0] + Σ_t e[t, y_t] + Σ_{t≥1} trans[y_{t-1}, y_t] + end[y_{n-1}]
//
// and has probability exp(s(y)) / Z, Z summed over all C^n paths by the
// forward algorithm.
type CRF struct {
	Trans      *ts.Tensor // [C, C]: from row tag to column tag
	Start, End *ts.Tensor // [C]
}

func newCRF(p *Params, prefix string, C int64) *CRF {
	return &CRF{
		Trans: p.uniform(prefix+"transitions", []int64{C, C}, 0.1),
		Start: p.uniform(prefix+"start", []int64{C}, 0.1),
		End:   p.uniform(prefix+"end", []int64{C}, 0.1),
	}
}

// crfBatch is what the loss needs of the gold tags, built in Go: tags with
// padding set to 0, and the real-step mask.
type crfBatch struct {
	B, T, C   int64
	tags      []int64   // [B, T], padding 0
	mask, off []float32 // [B, T]: 1 at real steps (mask), 1 at padding (off)
	tokens    int64
}

func newCRFBatch(tags []int64, lengths []int64, B, T, C int64) crfBatch {
	c := crfBatch{B: B, T: T, C: C, tags: make([]int64, B*T), mask: make([]float32, B*T), off: make([]float32, B*T)}
	for b := int64(0); b < B; b++ {
		for t := int64(0); t < T; t++ {
			i := b*T + t
			if t < lengths[b] {
				c.tags[i], c.mask[i] = tags[i], 1
				if tags[i] < 0 || tags[i] >= C {
					tensor.Fail("tag %d at [%d, %d] outside 0..%d", tags[i], b, t, C-1)
				}
			} else {
				c.off[i] = 1
			}
		}
		c.tokens += lengths[b]
	}
	return c
}

// Loss is the negative log likelihood of the gold tags [B, T] (any value at
// padding) under emissions e [B, T, C], summed over the sentences and
// divided by their real tokens: logZ by the forward algorithm
//
//	α_0 = start + e_0;  α_t = logsumexp_i(α_{t-1}[i] + trans[i, ·]) + e_t  (kept past the length);
//	log Z = logsumexp(α_{T-1} + end)
//
// minus the gold path's score. The caller frees the scalar loss.
func (c *CRF) Loss(e, tags *ts.Tensor, lengths []int64) (loss *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: crf loss")
	var s tensor.Scope
	defer s.Free()
	shape := tensor.Val(e.Size())
	B, T, C := shape[0], shape[1], shape[2]
	checkLengths(lengths, B, T)
	y := tensor.Val(torch.Int64s(tags))
	k := newCRFBatch(y, lengths, B, T, C)
	dev := e.MustDevice()
	mask := s.M(tensor.Float32(k.mask, []int64{B, T}, dev))
	off := s.M(tensor.Float32(k.off, []int64{B, T}, dev))
	// The gold path: emissions, transitions, start and end, as index lookups.
	yt := s.M(tensor.Int64(k.tags, []int64{B, T, 1}, dev))
	emit := s.M(s.M(s.M(e.Gather(2, yt, false, false)).SqueezeDim(2, false)).Mul(mask, false)) // [B, T]
	score := s.M(emit.Sum(e.DType(), false))
	pairs, firsts, lasts := make([]int64, 0, B*(T-1)), make([]int64, B), make([]int64, B)
	for b := int64(0); b < B; b++ {
		firsts[b], lasts[b] = k.tags[b*T], k.tags[b*T+lengths[b]-1]
		for t := int64(1); t < T; t++ {
			pairs = append(pairs, k.tags[b*T+t-1]*C+k.tags[b*T+t])
		}
	}
	at := func(w *ts.Tensor, idx []int64) *ts.Tensor {
		flat := s.M(w.View([]int64{-1}, false))
		return s.M(flat.IndexSelect(0, s.M(tensor.Int64(idx, []int64{int64(len(idx))}, dev)), false))
	}
	if T > 1 {
		tr := s.M(at(c.Trans, pairs).View([]int64{B, T - 1}, false))
		tr = s.M(tr.Mul(s.M(mask.Narrow(1, 1, T-1, false)), false))
		score = s.M(score.Add(s.M(tr.Sum(e.DType(), false)), false))
	}
	score = s.M(score.Add(s.M(at(c.Start, firsts).Sum(e.DType(), false)), false))
	score = s.M(score.Add(s.M(at(c.End, lasts).Sum(e.DType(), false)), false))
	// The forward algorithm over all paths.
	trans := s.M(c.Trans.Unsqueeze(0, false))                                             // [1, C, C]
	alpha := s.M(s.M(c.Start.Unsqueeze(0, false)).Add(s.M(e.Select(1, 0, false)), false)) // [B, C]
	for t := int64(1); t < T; t++ {
		et := s.M(s.M(e.Select(1, t, false)).Unsqueeze(1, false))                        // [B, 1, C]
		sum := s.M(s.M(s.M(alpha.Unsqueeze(2, false)).Add(trans, false)).Add(et, false)) // [B, C, C]
		next := s.M(sum.Logsumexp([]int64{1}, false, false))                             // [B, C]
		m := s.M(s.M(mask.Select(1, t, false)).Unsqueeze(1, false))                      // [B, 1]
		o := s.M(s.M(off.Select(1, t, false)).Unsqueeze(1, false))
		alpha = s.M(s.M(next.Mul(m, false)).Add(s.M(alpha.Mul(o, false)), false))
	}
	final := s.M(alpha.Add(s.M(c.End.Unsqueeze(0, false)), false))
	logZ := s.M(s.M(final.Logsumexp([]int64{1}, false, false)).Sum(e.DType(), false))
	nll := s.M(logZ.Sub(score, false))
	return tensor.Must(nll.DivScalar(s.Scalar(float64(k.tokens)), false)), nil
}

// Decode returns each sentence's highest-scoring tag path (Viterbi), read
// from e [B, T, C] in Go.
func (c *CRF) Decode(e *ts.Tensor, lengths []int64) (paths [][]int64, err error) {
	defer tensor.Catch(&err, "lstm: crf decode")
	shape := tensor.Val(e.Size())
	B, T, C := shape[0], shape[1], shape[2]
	checkLengths(lengths, B, T)
	em := tensor.Val(tensor.Float32s(e))
	trans := tensor.Val(tensor.Float32s(c.Trans))
	start := tensor.Val(tensor.Float32s(c.Start))
	end := tensor.Val(tensor.Float32s(c.End))
	for b := int64(0); b < B; b++ {
		paths = append(paths, viterbi(em[b*T*C:(b+1)*T*C], lengths[b], C, trans, start, end))
	}
	return paths, nil
}

// viterbi is the best path of n steps through emissions e [n.., C].
func viterbi(e []float32, n, C int64, trans, start, end []float32) []int64 {
	score := make([]float32, C)
	for j := int64(0); j < C; j++ {
		score[j] = start[j] + e[j]
	}
	back := make([]int64, n*C)
	next := make([]float32, C)
	for t := int64(1); t < n; t++ {
		for j := int64(0); j < C; j++ {
			best, arg := score[0]+trans[j], int64(0)
			for i := int64(1); i < C; i++ {
				if v := score[i] + trans[i*C+j]; v > best {
					best, arg = v, i
				}
			}
			next[j], back[t*C+j] = best+e[t*C+j], arg
		}
		score, next = next, score
	}
	last := int64(0)
	for j := int64(0); j < C; j++ {
		if score[j]+end[j] > score[last]+end[last] {
			last = j
		}
	}
	path := make([]int64, n)
	path[n-1] = last
	for t := n - 1; t > 0; t-- {
		path[t-1] = back[t*C+path[t]]
	}
	return path
}
