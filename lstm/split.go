package lstm

import (
	"cmp"
	"slices"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// stepCost is what one time step of the padded kernel costs beyond its
// sequences, in sequence-steps: splitting a batch into groups saves the
// padded steps of the short sequences but pays this once per step of
// every extra group. 2-4 measured best for the seed model on this CPU
// (forward and backward of shuffled IMDB batches, cut at 400 or 1000
// tokens: about 2.5x the tokens/s of one group; 16 was slower).
var stepCost = 4

// lengthGroups splits a batch, longest first, into groups that each run
// padded to their own longest length, choosing the cut points that
// minimise sum over groups of (stepCost + size) * longest. For a batch
// of one review of 900 tokens and 31 of 190 it cuts after the long one:
// 5*900 + 35*190 sequence-steps instead of 36*900.
func lengthGroups(lengths []int64) [][]int {
	order := make([]int, len(lengths))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(lengths[b], lengths[a]) })
	n := len(order)
	// best[i]: the cheapest cost of order[i:]; cut[i]: where its first group ends.
	best, cut := make([]int64, n+1), make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		T := lengths[order[i]]
		best[i] = -1
		for j := i + 1; j <= n; j++ {
			c := int64(stepCost+j-i)*T + best[j]
			if best[i] < 0 || c <= best[i] { // ties: the larger group
				best[i], cut[i] = c, j
			}
		}
	}
	var groups [][]int
	for i := 0; i < n; i = cut[i] {
		groups = append(groups, order[i:cut[i]])
	}
	return groups
}

// paddedSplit runs paddedExact on each length group of the batch, every
// group cut to its own longest length, and puts the outputs and final
// states back in the batch's order (outputs zero past each length, as
// paddedExact gives).
func (r *RNN) paddedSplit(x *ts.Tensor, lengths []int64, h0 State, train bool) (*ts.Tensor, State) {
	groups := lengthGroups(lengths)
	if len(groups) == 1 {
		return r.paddedExact(x, lengths, h0, train)
	}
	var s tensor.Scope
	defer s.Free()
	device := x.MustDevice()
	T := tensor.Val(x.Size())[1]
	var outs, hs, cs []*ts.Tensor
	order := make([]int64, 0, len(lengths))
	for _, g := range groups {
		idx := make([]int64, len(g))
		lens := make([]int64, len(g))
		for k, b := range g {
			idx[k], lens[k] = int64(b), lengths[b]
		}
		order = append(order, idx...)
		Tg := slices.Max(lens)
		rows := s.M(tensor.Int64(idx, []int64{int64(len(g))}, device))
		xg := s.M(s.M(x.IndexSelect(0, rows, false)).Narrow(1, 0, Tg, false))
		hg := State{H: s.M(h0.H.IndexSelect(1, rows, false))}
		if h0.C != nil {
			hg.C = s.M(h0.C.IndexSelect(1, rows, false))
		}
		out, hn := r.paddedExact(xg, lens, hg, train)
		s.T(out)
		s.T(hn.H)
		hs = append(hs, hn.H)
		if hn.C != nil {
			cs = append(cs, s.T(hn.C))
		}
		if Tg < T { // pad the group's outputs back to T steps
			shape := tensor.Val(out.Size())
			zeros := s.M(ts.Zeros([]int64{shape[0], T - Tg, shape[2]}, gotch.Float, device))
			out = s.M(ts.Cat([]*ts.Tensor{out, zeros}, 1))
		}
		outs = append(outs, out)
	}
	inv := make([]int64, len(order))
	for i, b := range order {
		inv[b] = int64(i)
	}
	back := s.M(tensor.Int64(inv, []int64{int64(len(inv))}, device))
	out := tensor.Must(s.M(ts.Cat(outs, 0)).IndexSelect(0, back, false))
	final := State{H: tensor.Must(s.M(ts.Cat(hs, 1)).IndexSelect(1, back, false))}
	if cs != nil {
		final.C = tensor.Must(s.M(ts.Cat(cs, 1)).IndexSelect(1, back, false))
	}
	return out, final
}
