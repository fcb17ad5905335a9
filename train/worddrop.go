package train

import (
	"math/rand/v2"

	"github.com/torchrnn/torchrnn/vocab"
)

// wordDrop is frequency-based word dropout (Kiperwasser and Goldberg 2016,
// -word-dropout α): in training, a word seen n times in the training texts
// is fed as <unk> with probability α/(α+n), so that the <unk> row learns
// the rare words and the model leans less on any one rare word. The
// tagger and the classifier share it.
type wordDrop struct {
	seed int64
	p    []float64 // by id: the probability of feeding it as <unk>; 0 for <unk> and padding
}

// newWordDrop counts the ids of texts (the training split); nil for
// alpha <= 0, which drops nothing.
func newWordDrop(alpha float64, seed int64, texts [][]int64) *wordDrop {
	if alpha <= 0 {
		return nil
	}
	var counts []int // by id
	for _, s := range texts {
		for _, id := range s {
			if int(id) >= len(counts) {
				counts = append(counts, make([]int, int(id)+1-len(counts))...)
			}
			counts[id]++
		}
	}
	w := &wordDrop{seed: seed, p: make([]float64, len(counts))}
	for id, n := range counts {
		if n > 0 && id != vocab.UnkID && id != vocab.PadID {
			w.p[id] = alpha / (alpha + float64(n))
		}
	}
	return w
}

// epoch returns epoch's dropout (nil for a nil w): it replaces ids of the
// training example numbered example with <unk> in place, drawn from a
// generator seeded by the seed, the epoch and the example, so that an
// example drops the same words whatever batch it is in and however the
// batch is split over data-parallel ranks, and whenever it is built
// (resume).
func (w *wordDrop) epoch(epoch int) func(example int, ids []int64) {
	if w == nil {
		return nil
	}
	return func(example int, ids []int64) {
		rng := rand.New(rand.NewPCG(uint64(w.seed)^uint64(epoch)<<32, uint64(example)))
		for i, id := range ids {
			if int(id) < len(w.p) && w.p[id] > 0 && rng.Float64() < w.p[id] {
				ids[i] = vocab.UnkID
			}
		}
	}
}
