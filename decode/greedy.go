package decode

import (
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// Greedy decodes each of the B rows of init by taking the most likely
// token at every step, until <eos> or the row's MaxLen (where <eos> is
// taken whatever its probability).
func Greedy[S any](m Model[S], init S, B int, opt Options) (hyps []Hypothesis, err error) {
	if err := opt.check(B); err != nil {
		return nil, err
	}
	defer tensor.Catch(&err, "decode: greedy")
	hyps = make([]Hypothesis, B)
	done := make([]bool, B)
	left := B
	tokens := make([]int64, B)
	for i := range tokens {
		tokens[i] = opt.BOS
	}
	state, owned := init, false // owned: state is ours to free
	defer func() {
		if owned {
			m.Drop(state)
		}
	}()
	for t := 0; left > 0; t++ {
		best, bestLP, eosLP, attn, next := greedyStep(m, state, tokens, opt)
		if owned {
			m.Drop(state)
		}
		state, owned = next, true
		for b := range B {
			if done[b] {
				continue
			}
			h := &hyps[b]
			if attn != nil {
				h.Attention = append(h.Attention, attn[b])
			}
			if best[b] == opt.EOS || t+1 >= opt.MaxLen[b] {
				h.LogProb += eosLP[b]
				h.Score = opt.score(h.LogProb, len(h.Tokens)+1)
				done[b] = true
				left--
				continue
			}
			h.Tokens = append(h.Tokens, best[b])
			h.LogProb += bestLP[b]
		}
		copy(tokens, best)
	}
	return hyps, nil
}

// greedyStep runs one step: each row's best token and its log-probability,
// the log-probability of <eos>, the attention rows (with opt.Attention).
func greedyStep[S any](m Model[S], state S, tokens []int64, opt Options) (best []int64, bestLP, eosLP []float64, attn [][]float32, next S) {
	var s tensor.Scope
	defer s.Free()
	N := int64(len(tokens))
	in := s.M(tensor.Int64(tokens, []int64{N}, opt.device()))
	logp, w, next, err := m.Step(in, state)
	tensor.Check(err)
	s.T(logp)
	s.T(w)
	v, i, err := logp.MaxDim(1, false, false) // [N, V] -> [N], [N]
	tensor.Check(err)
	s.T(v)
	s.T(i)
	best = tensor.Val(torch.Int64s(i))
	bestLP = float64s(tensor.Val(torch.Float32s(v)))
	eos := s.M(logp.Select(1, opt.EOS, false))
	eosLP = float64s(tensor.Val(torch.Float32s(eos)))
	if opt.Attention && w != nil {
		attn = rows(tensor.Val(torch.Float32s(w)), int(N))
	}
	return best, bestLP, eosLP, attn, next
}

func float64s(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// rows cuts flat into n rows.
func rows(flat []float32, n int) [][]float32 {
	out := make([][]float32, n)
	w := len(flat) / max(n, 1)
	for i := range out {
		out[i] = flat[i*w : (i+1)*w]
	}
	return out
}
