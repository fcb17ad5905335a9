package decode

import (
	"math"
	"slices"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// beamHyp is a live or finished hypothesis of one row.
type beamHyp struct {
	tokens  []int64
	attn    [][]float32
	logProb float64
}

// Beam decodes each of the B rows of init with beam search of width k:
// every step extends each row's k live hypotheses by every token and keeps
// the k best extensions that do not end in <eos>; an extension ending in
// <eos> that ranks among the k best finishes (the k best finished are
// kept). A row is done when its best live hypothesis is unlikely to beat
// the k finished ones (rowDone), or at its MaxLen, where its live
// hypotheses end with <eos>. It returns each row's finished hypothesis of the best Score.
// Width 1 is Greedy.
func Beam[S any](m Model[S], init S, B, k int, opt Options) (hyps []Hypothesis, err error) {
	if err := opt.check(B); err != nil {
		return nil, err
	}
	if k < 1 {
		return Greedy(m, init, B, opt) // callers check k; never reached from the tools
	}
	defer tensor.Catch(&err, "decode: beam")
	state := tensor.Val(m.Expand(init, k))
	defer func() { m.Drop(state) }()
	live := make([][]beamHyp, B)
	for b := range live {
		live[b] = []beamHyp{{}}
	}
	finished := make([][]beamHyp, B)
	done := make([]bool, B)
	left := B
	tokens, scores := startSlots(B, k, opt.BOS)
	for t := 0; left > 0; t++ {
		st := beamStep(m, state, tokens, scores, B, k, opt)
		reorder := make([]int64, B*k)
		for b := range B {
			for j := range k {
				reorder[b*k+j] = int64(b*k + j) // done rows and empty slots stay
			}
			if done[b] {
				continue
			}
			next := extend(&st.ranked, b, k, t, live[b], &finished[b], opt)
			if rowDone(finished[b], next, b, k, t, opt) {
				done[b] = true
				left--
				continue
			}
			for j := range k {
				scores[b*k+j] = float32(math.Inf(-1))
				tokens[b*k+j] = opt.EOS
			}
			for j, c := range next {
				reorder[b*k+j] = int64(b*k + c.from)
				tokens[b*k+j] = c.token
				scores[b*k+j] = float32(c.hyp.logProb)
			}
			live[b] = hypsOf(next)
		}
		idx := tensor.Must(tensor.Int64(reorder, []int64{int64(B * k)}, opt.device()))
		moved, err := m.Reorder(st.next, idx)
		idx.MustDrop()
		m.Drop(st.next)
		tensor.Check(err)
		m.Drop(state)
		state = moved
	}
	return bestFinished(finished, opt), nil
}

// startSlots returns the first step's B*k slots: <bos> in each, and the
// live hypotheses' log-probabilities, 0 in each row's first slot and -Inf
// in the empty others.
func startSlots(B, k int, bos int64) (tokens []int64, scores []float32) {
	tokens, scores = make([]int64, B*k), make([]float32, B*k)
	for i := range tokens {
		tokens[i] = bos
		if i%k != 0 {
			scores[i] = float32(math.Inf(-1))
		}
	}
	return tokens, scores
}

// bestFinished returns each row's finished hypothesis of the best Score.
func bestFinished(finished [][]beamHyp, opt Options) []Hypothesis {
	hyps := make([]Hypothesis, len(finished))
	for b, fs := range finished {
		best := slices.MaxFunc(fs, func(x, y beamHyp) int {
			return cmpFloat(opt.score(x.logProb, len(x.tokens)+1), opt.score(y.logProb, len(y.tokens)+1))
		})
		hyps[b] = Hypothesis{Tokens: best.tokens, LogProb: best.logProb, Score: opt.score(best.logProb, len(best.tokens)+1), Attention: best.attn}
	}
	return hyps
}

// finish adds h to a row's finished hypotheses, keeping the k best by
// score.
func finish(finished *[]beamHyp, h beamHyp, k int, opt Options) {
	*finished = append(*finished, h)
	if len(*finished) > k {
		worst := 0
		for i, f := range *finished {
			if opt.score(f.logProb, len(f.tokens)+1) < opt.score((*finished)[worst].logProb, len((*finished)[worst].tokens)+1) {
				worst = i
			}
		}
		*finished = slices.Delete(*finished, worst, worst+1)
	}
}

// rowDone says whether row b's search is over after step t: at its
// maximum length, without live hypotheses, or with k finished ones none of
// which the best live one is likely to beat: its log-probability over its
// length at the next step (with <eos>) is no better than the worst kept
// score (Hugging Face's test; for Alpha 0 it is exact, as log-probabilities
// only fall). Width 1 stops at the first finished hypothesis, as Greedy.
func rowDone(finished []beamHyp, next []candidate, b, k, t int, opt Options) bool {
	switch {
	case t+1 >= opt.MaxLen[b] || len(next) == 0:
		return true
	case len(finished) < k:
		return false
	case k == 1:
		return true
	}
	worst := math.Inf(1)
	for _, f := range finished {
		worst = math.Min(worst, opt.score(f.logProb, len(f.tokens)+1))
	}
	return opt.score(next[0].hyp.logProb, t+2) <= worst
}

// candidate is an extension of live hypothesis from by token.
type candidate struct {
	from  int
	token int64
	hyp   beamHyp
}

func hypsOf(cs []candidate) []beamHyp {
	out := make([]beamHyp, len(cs))
	for i, c := range cs {
		out[i] = c.hyp
	}
	return out
}

// extend ranks row b's extensions at step t: those ending in <eos> among
// the first k finish (all live ones at the row's last step); it returns the
// (at most k) best that go on.
func extend(st *ranked, b, k, t int, live []beamHyp, finished *[]beamHyp, opt Options) []candidate {
	grow := func(j int, token int64, lp float64) beamHyp {
		h := live[j]
		n := beamHyp{tokens: slices.Clip(h.tokens), attn: slices.Clip(h.attn), logProb: lp}
		if token != opt.EOS {
			n.tokens = append(n.tokens, token)
		}
		if st.attn != nil {
			n.attn = append(n.attn, st.attn[b*k+j])
		}
		return n
	}
	if t+1 >= opt.MaxLen[b] {
		for j := range live {
			finish(finished, grow(j, opt.EOS, st.eos[b*k+j]), k, opt)
		}
		return nil
	}
	var next []candidate
	for r := range 2 * k {
		lp := st.topLP[b*2*k+r]
		if math.IsInf(lp, -1) || len(next) == k {
			break
		}
		j, token := int(st.topIdx[b*2*k+r]/st.V), st.topIdx[b*2*k+r]%st.V
		if j >= len(live) {
			continue
		}
		if token == opt.EOS {
			if r < k {
				finish(finished, grow(j, token, lp), k, opt)
			}
			continue
		}
		next = append(next, candidate{from: j, token: token, hyp: grow(j, token, lp)})
	}
	return next
}

// ranked is one beam step's ranking, on the host.
type ranked struct {
	V      int64
	topLP  []float64   // [B, 2k]: the best extensions' log-probabilities (-Inf past k*V)
	topIdx []int64     // [B, 2k]: j*V + token
	eos    []float64   // [B*k]: each live hypothesis extended by <eos>
	attn   [][]float32 // [B*k][S], with opt.Attention
}

// stepOut is one beam step: the ranking and the model's next state.
type stepOut[S any] struct {
	ranked
	next S
}

// beamStep runs the model one step and ranks every row's extensions:
//
//	logp [B*k, V] + scores [B*k, 1] -> [B, k*V] -> top 2k
func beamStep[S any](m Model[S], state S, tokens []int64, scores []float32, B, k int, opt Options) (out stepOut[S]) {
	var s tensor.Scope
	defer s.Free()
	N := int64(B * k)
	in := s.M(tensor.Int64(tokens, []int64{N}, opt.device()))
	logp, w, next, err := m.Step(in, state)
	tensor.Check(err)
	out.next = next
	s.T(logp)
	s.T(w)
	V := tensor.Val(logp.Size())[1]
	sc := s.M(tensor.Float32(scores, []int64{N, 1}, opt.device()))
	total := s.M(logp.Add(sc, false)) // [N, V]
	flat := s.M(total.View([]int64{int64(B), int64(k) * V}, false))
	width := min(int64(2*k), int64(k)*V)
	top, idx, err := flat.Topk(width, 1, true, true, false) // [B, 2k]
	tensor.Check(err)
	s.T(top)
	s.T(idx)
	out.V = V
	out.topLP = pad(float64s(tensor.Val(torch.Float32s(top))), B, int(width), 2*k)
	out.topIdx = padInt(tensor.Val(torch.Int64s(idx)), B, int(width), 2*k)
	out.eos = float64s(tensor.Val(torch.Float32s(s.M(total.Select(1, opt.EOS, false)))))
	if opt.Attention && w != nil {
		out.attn = rows(tensor.Val(torch.Float32s(w)), int(N))
	}
	return out
}

// pad widens each of B rows of w values to width n with -Inf.
func pad(xs []float64, B, w, n int) []float64 {
	out := make([]float64, 0, B*n)
	for b := range B {
		out = append(out, xs[b*w:(b+1)*w]...)
		for range n - w {
			out = append(out, math.Inf(-1))
		}
	}
	return out
}

// padInt widens each of B rows of w ids to width n with zeros.
func padInt(xs []int64, B, w, n int) []int64 {
	out := make([]int64, 0, B*n)
	for b := range B {
		out = append(out, xs[b*w:(b+1)*w]...)
		out = append(out, make([]int64, n-w)...)
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
