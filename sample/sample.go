package sample

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Options shape the distribution sampled from.
type Options struct {
	Temperature float64 // 0: greedy (argmax); otherwise logits are divided by it
	TopK        int     // keep the k most likely tokens; 0: all
	TopP        float64 // keep the most likely tokens until their mass reaches p; 0 or 1: all
	Never       []int64 // ids never drawn, whatever their logits: a vocabulary's <pad> and <unk>
}

// Validate reports the first option out of range.
func (o Options) Validate() error {
	switch {
	case o.Temperature < 0 || math.IsNaN(o.Temperature) || math.IsInf(o.Temperature, 0):
		return fmt.Errorf("sample: temperature %g: must be 0 (greedy) or positive", o.Temperature)
	case o.TopK < 0:
		return fmt.Errorf("sample: top-k %d: must be 0 (all) or positive", o.TopK)
	case o.TopP < 0 || o.TopP > 1 || math.IsNaN(o.TopP):
		return fmt.Errorf("sample: top-p %g: must be in [0, 1]", o.TopP)
	}
	return nil
}

// Next draws one token per row of logits [B, V] (any device).
func Next(logits *ts.Tensor, o Options, rng *rand.Rand) ([]int64, error) {
	s, err := NewSampler(o)
	if err != nil {
		return nil, err
	}
	shape, err := logits.Size()
	if err != nil || len(shape) != 2 {
		return nil, fmt.Errorf("sample: logits shape %v, want [B, V]", shape)
	}
	vals, err := tensor.Float32s(logits)
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	V := int(shape[1])
	out := make([]int64, shape[0])
	for b := range out {
		out[b] = int64(s.Pick(vals[b*V:(b+1)*V], rng))
	}
	return out, nil
}

// Pick draws one index from one row of logits.
func Pick(logits []float32, o Options, rng *rand.Rand) int {
	s := Sampler{o: o}
	return s.pick(logits, rng)
}

// A Sampler draws tokens as Pick does, keeping its buffers from draw to
// draw: no garbage per token. It is not safe for concurrent use: one per
// goroutine (as a *rand.Rand).
type Sampler struct {
	o     Options
	p     []float64
	order []int
}

// NewSampler checks o and returns a Sampler drawing with it.
func NewSampler(o Options) (*Sampler, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Sampler{o: o}, nil
}

// Pick draws one index from one row of logits as Pick does, after setting
// the logits of the ids in Options.Never to -Inf: it changes the row.
func (s *Sampler) Pick(logits []float32, rng *rand.Rand) int {
	for _, id := range s.o.Never {
		if id >= 0 && int(id) < len(logits) {
			logits[id] = float32(math.Inf(-1))
		}
	}
	return s.pick(logits, rng)
}

func (s *Sampler) pick(logits []float32, rng *rand.Rand) int {
	if s.o.Temperature == 0 {
		return argmax(logits)
	}
	if cap(s.p) < len(logits) {
		s.p, s.order = make([]float64, len(logits)), make([]int, len(logits))
	}
	s.p, s.order = s.p[:len(logits)], s.order[:len(logits)]
	probs := probabilities(logits, s.o, s.p, s.order)
	u := rng.Float64()
	last := 0
	for i, p := range probs {
		if p == 0 {
			continue
		}
		if u < p {
			return i
		}
		u -= p
		last = i
	}
	return last // rounding left u just above the total
}

// Probabilities is the distribution Pick samples from: softmax of logits /
// temperature, zero outside the top-k and top-p sets, renormalised.
// Temperature must be positive.
func Probabilities(logits []float32, o Options) []float64 {
	return probabilities(logits, o, make([]float64, len(logits)), make([]int, len(logits)))
}

// probabilities is Probabilities into p, with order as scratch space (both
// of len(logits)).
func probabilities(logits []float32, o Options, p []float64, order []int) []float64 {
	peak := float64(logits[argmax(logits)])
	var sum float64
	for i, l := range logits {
		p[i] = math.Exp((float64(l) - peak) / o.Temperature)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	for i := range order { // most likely first, ties by index
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p[b], p[a]) })
	keep := len(order)
	if o.TopK > 0 && o.TopK < keep {
		keep = o.TopK
	}
	if o.TopP > 0 && o.TopP < 1 {
		mass := 0.0
		for n, i := range order[:keep] {
			mass += p[i]
			if mass >= o.TopP {
				keep = n + 1
				break
			}
		}
	}
	sum = 0
	for _, i := range order[keep:] {
		p[i] = 0
	}
	for _, i := range order[:keep] {
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
