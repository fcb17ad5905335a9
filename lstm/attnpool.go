package lstm

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// AttentionPool is additive attention pooling (Bahdanau's score with a
// learned context vector in place of a query, as Yang et al. 2016 pool
// words): for the outputs h_t [D*H] of a sequence of length L,
//
//	u_t = tanh(W h_t + b)              W [A, D*H], b [A]   (proj)
//	e_t = cᵀ u_t                       c [A]               (context, a [1, A] weight)
//	a_t = exp(e_t) / Σ_{s<L} exp(e_s)  for t < L, 0 at padding
//	feat = Σ_t a_t h_t                 [D*H]
//
// with A = D*H. Names under "pool.": proj.weight, proj.bias,
// context.weight (a PyTorch nn.Linear(D*H, A) and nn.Linear(A, 1,
// bias=False)).
//
// Seq2seq's Attend scores a query against keys; pooling has no query, so
// using it would need a dummy query with a projection that never gets a
// gradient, and a second bias that only duplicates b. This is the one
// projection, the one context vector and the same masked softmax.
type AttentionPool struct {
	Proj    *Linear    // W, b: [A, D*H], [A]
	Context *ts.Tensor // c: [1, A]
}

// newAttentionPool adds the pooling's parameters for outputs of size
// size, initialised as nn.Linear.
func newAttentionPool(p *Params, prefix string, size int64) *AttentionPool {
	return &AttentionPool{
		Proj:    newLinear(p, prefix+"proj", size, size),
		Context: p.uniform(prefix+"context.weight", []int64{1, size}, invSqrt(size)),
	}
}

// countAttentionPool adds the parameters of newAttentionPool (A = D*H).
func countAttentionPool(n *sizeSum, D, H int64) {
	n.add(term{"", D}, term{"hidden", H}, term{"", D}, term{"hidden", H}) // proj.weight
	n.add(term{"", 2 * D}, term{"hidden", H})                             // proj.bias, context.weight
}

// forward pools out [B, T, D*H] over each sequence's first lengths[b]
// steps: -> feat [B, D*H], weights [B, T] (rows sum to 1, exactly 0 at
// padding). The caller frees both; out stays the caller's.
func (a *AttentionPool) forward(out *ts.Tensor, lengths []int64) (feat, weights *ts.Tensor) {
	var s tensor.Scope
	defer s.Free()
	shape := tensor.Val(out.Size())
	B, T := shape[0], shape[1]
	lengths = allSteps(lengths, B, T)
	checkLengths(lengths, B, T)
	mask := s.M(tensor.Float32(stepMask(lengths, T, 0, float32(math.Inf(-1))), []int64{B, T}, out.MustDevice()))
	u := s.M(a.Proj.Forward(out))                           // [B, T, D*H] -> [B, T, A]
	u = s.M(u.Tanh(false))                                  //
	e := s.M(ts.Linear(u, a.Context, ts.None))              // [B, T, A] -> [B, T, 1]
	e = s.M(e.SqueezeDim(2, false))                         // [B, T]
	e = s.M(e.Add(mask, false))                             // -Inf at padding
	weights = tensor.Must(e.Softmax(1, gotch.Float, false)) // [B, T]
	w := s.M(weights.Unsqueeze(1, false))                   // [B, 1, T]
	f := s.M(w.Bmm(out, false))                             // [B, 1, T] x [B, T, D*H] -> [B, 1, D*H]
	return tensor.Must(f.SqueezeDim(1, false)), weights     // [B, D*H]
}
