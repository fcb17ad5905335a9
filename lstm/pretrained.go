package lstm

import (
	"fmt"

	"github.com/torchrnn/torchrnn/internal/tensor"
)

// SetVectors copies rows ([V][E], pretrained word vectors aligned with the
// vocabulary, as vectors.Read gives them) into the embedding's weight, on
// its device and without gradient; the padding row stays zero. It is for
// models whose constructor made the embedding (NewClassifier, NewLM,
// NewTagger); NewEmbedding takes the vectors itself. No tensor is left to
// free.
func (e *Embedding) SetVectors(rows [][]float32) (err error) {
	shape, err := e.Weight.Size()
	if err != nil {
		return fmt.Errorf("lstm: set vectors: %w", err)
	}
	V, E := shape[0], shape[1]
	if int64(len(rows)) != V {
		return fmt.Errorf("lstm: set vectors: %d rows for a vocabulary of %d", len(rows), V)
	}
	flat := make([]float32, 0, V*E)
	for i, r := range rows {
		if int64(len(r)) != E {
			return fmt.Errorf("lstm: set vectors: row %d has %d values, the embedding %d", i, len(r), E)
		}
		if int64(i) == e.PadID {
			r = make([]float32, E)
		}
		flat = append(flat, r...)
	}
	defer tensor.Catch(&err, "lstm: set vectors")
	src := tensor.Must(tensor.Float32(flat, shape, tensor.Val(e.Weight.Device())))
	defer src.MustDrop()
	tensor.NoGrad(func() { e.Weight.Copy_(src) })
	return nil
}

// Freeze makes the embedding's weight need no gradient, as
// EmbeddingOptions.Frozen does: it stays in the parameter set (saved and
// loaded with it) and an optimizer leaves it as it is. A weight shared with
// another layer (a tied language model's decoder) is frozen there too.
func (e *Embedding) Freeze() (err error) {
	defer tensor.Catch(&err, "lstm: freeze embedding")
	w := e.Weight
	tensor.InPlace(w, func() error { return w.RequiresGrad_(false) })
	return nil
}
