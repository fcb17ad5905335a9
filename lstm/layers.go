package lstm

import (
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Embedding maps ids to vectors; the padding row is zero and gets no gradient.
type Embedding struct {
	Weight *ts.Tensor // [V, E]
	PadID  int64      // -1: no padding row
}

// newEmbedding adds name.weight drawn from N(0, 1), PyTorch's init, with the
// padding row zeroed.
func newEmbedding(p *Params, name string, V, E, padID int64) *Embedding {
	e := &Embedding{Weight: p.normal(name+".weight", []int64{V, E}), PadID: padID}
	if padID >= 0 {
		tensor.NoGrad(func() {
			row := tensor.Must(e.Weight.Select(0, padID, false))
			tensor.InPlace(row, row.Zero_)
			row.MustDrop()
		})
	}
	return e
}

// Forward looks the ids up: [B, T] int64 -> [B, T, E].
func (e *Embedding) Forward(ids *ts.Tensor) (*ts.Tensor, error) {
	return ts.Embedding(e.Weight, ids, e.PadID, false, false)
}

// Linear is y = x Wᵀ + b.
type Linear struct {
	W, B *ts.Tensor // [out, in], [out]
}

// newLinear adds name.weight and name.bias drawn from U(±1/sqrt(in)), the
// bounds of PyTorch's nn.Linear init.
func newLinear(p *Params, name string, in, out int64) *Linear {
	bound := invSqrt(in)
	return &Linear{
		W: p.uniform(name+".weight", []int64{out, in}, bound),
		B: p.uniform(name+".bias", []int64{out}, bound),
	}
}

// Forward applies the layer: [*, in] -> [*, out].
func (l *Linear) Forward(x *ts.Tensor) (*ts.Tensor, error) {
	return ts.Linear(x, l.W, l.B)
}

// NewLinear adds name.weight and name.bias to p, initialised as nn.Linear.
func NewLinear(p *Params, name string, in, out int64) (l *Linear, err error) {
	defer tensor.Catch(&err, "lstm: new linear")
	return newLinear(p, name, in, out), nil
}
