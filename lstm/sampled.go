package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// SampledSoftmax trains a language model's decoder against a sample of the
// vocabulary instead of all of it: the sampled softmax of Jean et al. (2015),
// as TensorFlow's sampled_softmax_loss. A word model's decoder over tens of
// thousands of ids costs far more than its recurrent layers; with S samples
// a training step scores S+1 ids per token. Evaluation stays exact (LM.Loss).
//
// The S negatives of a step are drawn with replacement from the log-uniform
// (Zipfian) distribution over ids,
//
//	Q(k) = log((k+2)/(k+1)) / log(V+1),
//
// which follows a vocabulary sorted by frequency, as package vocab sorts it.
// Every logit, the target's and the negatives', is corrected by
// log(S·Q(k)), the id's expected count in the sample, so that the loss's
// gradient estimates the full softmax's; a negative equal to a token's
// target is masked out of that token's row.
type SampledSoftmax struct {
	V, S int
	logV float64 // log(V+1)
}

// NewSampledSoftmax returns the sampled softmax of S negatives over a
// vocabulary of V ids; S must be at least 1 and below V.
func NewSampledSoftmax(V, S int) (*SampledSoftmax, error) {
	if S < 1 || S >= V {
		return nil, fmt.Errorf("lstm: a sampled softmax of %d negatives over %d ids: need 1 to %d", S, V, V-1)
	}
	return &SampledSoftmax{V: V, S: S, logV: math.Log(float64(V) + 1)}, nil
}

// Draw returns S ids drawn from Q with rng.
func (s *SampledSoftmax) Draw(rng *rand.Rand) []int64 {
	ids := make([]int64, s.S)
	for i := range ids {
		k := int64(math.Exp(rng.Float64()*s.logV)) - 1 // exp(u log(V+1)) - 1 is Q-distributed once floored
		ids[i] = min(max(k, 0), int64(s.V-1))
	}
	return ids
}

// logCount is log(S·Q(k)) for each id.
func (s *SampledSoftmax) logCount(ids []int64) []float32 {
	out := make([]float32, len(ids))
	for i, k := range ids {
		out[i] = float32(math.Log(float64(s.S) * math.Log1p(1/float64(k+1)) / s.logV))
	}
	return out
}

// Loss is the mean sampled-softmax cross-entropy of the decoder dec on the
// recurrent outputs out [B, T, H] (LM.Features) against targets (B·T ids,
// row-major), with the negatives from Draw. The caller frees the scalar
// loss; out stays the caller's.
func (s *SampledSoftmax) Loss(dec *Linear, out *ts.Tensor, targets, negatives []int64) (loss *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: sampled softmax")
	var sc tensor.Scope
	defer sc.Free()
	shape := tensor.Val(out.Size())
	H, N, S := shape[len(shape)-1], int64(len(targets)), int64(len(negatives))
	dev := out.MustDevice()
	h := sc.M(out.Reshape([]int64{N, H}, false)) // [B, T, H] -> [N, H]
	y := sc.M(tensor.Int64(targets, []int64{N}, dev))
	neg := sc.M(tensor.Int64(negatives, []int64{S}, dev))
	// The target's logit: <h, W[y]> + b[y] - log(S·Q(y))   [N, 1]
	wy := sc.M(dec.W.IndexSelect(0, y, false))                                              // [N, H]
	dot := sc.M(sc.M(h.Mul(wy, false)).SumDimIntlist([]int64{1}, true, gotch.Float, false)) // [N, 1]
	by := sc.M(sc.M(dec.B.IndexSelect(0, y, false)).Unsqueeze(1, false))
	qy := sc.M(tensor.Float32(s.logCount(targets), []int64{N, 1}, dev))
	pos := sc.M(sc.M(dot.Add(by, false)).Sub(qy, false))
	// The negatives' logits: h W[neg]^T + b[neg] - log(S·Q(neg))   [N, S]
	wn := sc.M(dec.W.IndexSelect(0, neg, false)) // [S, H]
	bn := sc.M(dec.B.IndexSelect(0, neg, false)) // [S]
	qn := sc.M(tensor.Float32(s.logCount(negatives), []int64{S}, dev))
	logits := sc.M(sc.M(sc.M(h.Mm(sc.M(wn.T(false)), false)).Add(bn, false)).Sub(qn, false))
	hit := sc.M(sc.M(y.Unsqueeze(1, false)).EqTensor(sc.M(neg.Unsqueeze(0, false)), false)) // [N, S]
	logits = sc.M(logits.MaskedFill(hit, sc.Scalar(-1e9), false))
	all := sc.M(ts.Cat([]*ts.Tensor{pos, logits}, 1)) // [N, 1+S]: the target is class 0
	zero := sc.M(ts.Zeros([]int64{N}, gotch.Int64, dev))
	return tensor.Must(all.CrossEntropyLoss(zero, ts.None, 1, -100, 0, false)), nil
}
