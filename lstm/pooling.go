package lstm

import (
	"fmt"
	"math"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Pooling is how a classifier turns the outputs of a sequence into one vector.
type Pooling string

const (
	Last             Pooling = "last"      // final hidden state of the last layer, both directions concatenated
	Mean             Pooling = "mean"      // mean of the outputs over the real steps
	Max              Pooling = "max"       // elementwise max of the outputs over the real steps
	AttentionPooling Pooling = "attention" // additive attention over the real steps (AttentionPool)
)

// poolFunc reduces a batch's recurrent outputs out [B, T, D*H] (nil when
// the kind needs only the final state hn) to features [B, D*H]; weighted
// kinds also return each step's weight [B, T] (else nil). The caller frees
// both; out and hn stay the caller's.
type poolFunc func(m *Classifier, out *ts.Tensor, hn State, lengths []int64) (feat, weights *ts.Tensor)

// poolingKind is one pooling: everything that differs per kind. Adding a
// pooling is one entry of poolings.
type poolingKind struct {
	name    Pooling
	outputs bool                                                      // pools the outputs, not the final state
	build   func(p *Params, prefix string, size int64) *AttentionPool // its parameters; nil: none
	count   func(n *sizeSum, D, H int64)                              // adds its parameters to NumParams; nil: none
	pool    poolFunc
}

var poolings = []poolingKind{
	{name: Last, pool: func(m *Classifier, _ *ts.Tensor, hn State, _ []int64) (*ts.Tensor, *ts.Tensor) {
		return m.last(hn), nil
	}},
	{name: Mean, outputs: true, pool: meanPool},
	{name: Max, outputs: true, pool: maxPool},
	{name: AttentionPooling, outputs: true, build: newAttentionPool, count: countAttentionPool,
		pool: func(m *Classifier, out *ts.Tensor, _ State, lengths []int64) (*ts.Tensor, *ts.Tensor) {
			return m.Attention.forward(out, lengths)
		}},
}

func (p Pooling) kind() *poolingKind {
	for i := range poolings {
		if poolings[i].name == p {
			return &poolings[i]
		}
	}
	return nil
}

func (p Pooling) valid() bool { return p.kind() != nil }

// poolingNames is "last, mean, max or attention".
func poolingNames() string {
	names := make([]string, len(poolings))
	for i, k := range poolings {
		names[i] = string(k.name)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ParsePooling returns the pooling named s.
func ParsePooling(s string) (Pooling, error) {
	if p := Pooling(s); p.valid() {
		return p, nil
	}
	return "", fmt.Errorf("lstm: unknown pooling %q: want %s", s, poolingNames())
}

// allSteps is lengths, or T for each of B sequences when lengths is nil.
func allSteps(lengths []int64, B, T int64) []int64 {
	if lengths != nil {
		return lengths
	}
	lengths = make([]int64, B)
	for i := range lengths {
		lengths[i] = T
	}
	return lengths
}

// meanPool is the mean of out [B, T, D*H] (zero past each length) over
// each sequence's real steps.
func meanPool(_ *Classifier, out *ts.Tensor, _ State, lengths []int64) (*ts.Tensor, *ts.Tensor) {
	var s tensor.Scope
	defer s.Free()
	shape := tensor.Val(out.Size())
	B, T := shape[0], shape[1]
	lens := make([]float32, B)
	for b, l := range allSteps(lengths, B, T) {
		lens[b] = float32(l)
	}
	n := s.M(tensor.Float32(lens, []int64{B, 1}, out.MustDevice()))
	sum := s.M(out.SumDimIntlist([]int64{1}, false, gotch.Float, false)) // [B, T, D*H] -> [B, D*H]
	return tensor.Must(sum.Div(n, false)), nil
}

// maxPool is the elementwise max of out [B, T, D*H] over each sequence's
// real steps.
func maxPool(_ *Classifier, out *ts.Tensor, _ State, lengths []int64) (*ts.Tensor, *ts.Tensor) {
	var s tensor.Scope
	defer s.Free()
	shape := tensor.Val(out.Size())
	B, T := shape[0], shape[1]
	pad := stepMask(allSteps(lengths, B, T), T, 0, 1) // 1 past each length
	mask := s.M(tensor.Float32(pad, []int64{B, T, 1}, out.MustDevice()))
	masked := s.M(out.MaskedFill(s.M(mask.Totype(gotch.Bool, false)), s.Scalar(math.Inf(-1)), false))
	return tensor.Must(masked.Amax([]int64{1}, false, false)), nil
}
