package imdb

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// DefaultValidFraction is the share of a training set held out for
// validation: 5,000 of aclImdb's 25,000 training reviews.
const DefaultValidFraction = 0.2

// pcgStream is the fixed second PCG seed word of Split.
const pcgStream = 0x696d6462 // "imdb"

// SplitFraction is Split with round(frac * Len()) validation examples.
func (d *Dataset) SplitFraction(frac float64, seed uint64) (train, valid *Dataset, err error) {
	if !(frac >= 0 && frac <= 1) {
		return nil, nil, fmt.Errorf("imdb: split: validation fraction %v is not in [0, 1]", frac)
	}
	return d.Split(int(math.Round(frac*float64(len(d.Examples)))), seed)
}

// Split holds nValid examples out at random for validation. It is
// deterministic across runs, Go versions and platforms: it shuffles the
// indices 0..n-1 by Fisher-Yates (for i from n-1 down to 1 swap i with j
// uniform in [0, i], drawn from math/rand/v2's PCG seeded (seed, "imdb")
// by Lemire's multiply-and-reject) and takes the first nValid shuffled
// indices for validation, the rest for training. Both parts keep the
// dataset's order and labels; warnings stay with d.
func (d *Dataset) Split(nValid int, seed uint64) (train, valid *Dataset, err error) {
	n := len(d.Examples)
	if nValid < 0 || nValid > n {
		return nil, nil, fmt.Errorf("imdb: split: %d validation examples asked of %d", nValid, n)
	}
	held := make([]bool, n)
	for _, i := range permutation(n, seed)[:nValid] {
		held[i] = true
	}
	train = &Dataset{Labels: slices.Clone(d.Labels), Examples: make([]Example, 0, n-nValid)}
	valid = &Dataset{Labels: slices.Clone(d.Labels), Examples: make([]Example, 0, nValid)}
	for i, e := range d.Examples {
		if held[i] {
			valid.Examples = append(valid.Examples, e)
		} else {
			train.Examples = append(train.Examples, e)
		}
	}
	return train, valid, nil
}

// permutation returns a seeded random permutation of 0..n-1 (see Split).
func permutation(n int, seed uint64) []int {
	src := rand.NewPCG(seed, pcgStream)
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := uniform(src, uint64(i)+1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// uniform returns a uniform integer in [0, n) (Lemire 2019).
func uniform(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}
