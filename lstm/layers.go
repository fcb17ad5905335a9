package lstm

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Embedding maps ids to vectors. The row PadID gets no gradient, as in
// nn.Embedding(padding_idx=PadID); it is zero when NewEmbedding made it. An
// Embedding built by hand keeps that row as Weight holds it (as PyTorch's
// from_pretrained does), so its output at padding is that row.
type Embedding struct {
	Weight *ts.Tensor // [V, E]
	PadID  int64      // -1: no padding row
}

// EmbeddingOptions are NewEmbedding's optional settings; the zero value is
// a trainable embedding drawn from N(0, 1).
type EmbeddingOptions struct {
	// Vectors, when set, are the initial rows ([V][E], e.g. pretrained
	// word vectors) instead of N(0, 1); the padding row is zeroed all the same.
	Vectors [][]float32
	// Frozen makes the weight need no gradient: it stays in the parameter
	// set (saved and loaded with it), but backward gives it no gradient, so
	// an optimizer leaves it as it is.
	Frozen bool
}

// NewEmbedding adds name.weight [vocab, dim] to p, drawn from N(0, 1) as
// nn.Embedding or copied from opt.Vectors, with row padID (-1: none) zero
// and without gradient. The weight belongs to p.
func NewEmbedding(p *Params, name string, vocab, dim, padID int64, opt EmbeddingOptions) (e *Embedding, err error) {
	switch {
	case vocab < 1 || dim < 1:
		return nil, fmt.Errorf("lstm: new embedding %s: size %dx%d must be at least 1x1", name, vocab, dim)
	case padID < -1 || padID >= vocab:
		return nil, fmt.Errorf("lstm: new embedding %s: padding id %d outside the vocabulary of %d (-1: none)", name, padID, vocab)
	case opt.Vectors != nil && int64(len(opt.Vectors)) != vocab:
		return nil, fmt.Errorf("lstm: new embedding %s: %d vectors for a vocabulary of %d", name, len(opt.Vectors), vocab)
	}
	var flat []float32
	if opt.Vectors != nil {
		flat = make([]float32, 0, vocab*dim)
		for i, v := range opt.Vectors {
			if int64(len(v)) != dim {
				return nil, fmt.Errorf("lstm: new embedding %s: vector %d has %d values, want %d", name, i, len(v), dim)
			}
			flat = append(flat, v...)
		}
	}
	defer tensor.Catch(&err, "lstm: new embedding "+name)
	return newEmbedding(p, name, vocab, dim, padID, flat, opt.Frozen), nil
}

// newEmbedding adds name.weight, drawn from N(0, 1) (PyTorch's init) or
// copied from init [V*E], with the padding row zeroed.
func newEmbedding(p *Params, name string, V, E, padID int64, init []float32, frozen bool) *Embedding {
	var w *ts.Tensor
	if init != nil {
		w = tensor.Must(tensor.Float32(init, []int64{V, E}, p.Device))
	} else {
		w = tensor.Must(ts.Randn([]int64{V, E}, gotch.Float, p.Device))
	}
	e := &Embedding{Weight: p.addTensor(name+".weight", w, !frozen), PadID: padID}
	if padID >= 0 {
		tensor.NoGrad(func() {
			row := tensor.Must(e.Weight.Select(0, padID, false))
			tensor.InPlace(row, row.Zero_)
			row.MustDrop()
		})
	}
	return e
}

// Forward looks the ids up: [B, T] int64 -> [B, T, E]. The caller frees
// the result.
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
// The caller frees the result; x stays the caller's.
func (l *Linear) Forward(x *ts.Tensor) (*ts.Tensor, error) {
	return ts.Linear(x, l.W, l.B)
}

// NewLinear adds name.weight and name.bias to p, initialised as nn.Linear.
func NewLinear(p *Params, name string, in, out int64) (l *Linear, err error) {
	defer tensor.Catch(&err, "lstm: new linear")
	return newLinear(p, name, in, out), nil
}
