package seq

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// DefaultPoolFactor is the number of batches per sorting pool when
// Options.PoolFactor is zero (torchtext's BucketIterator uses 100 too).
const DefaultPoolFactor = 100

// Options configures a [Sampler]. The zero value (apart from Batch) gives
// evaluation order: the examples in dataset order, cut into batches.
type Options struct {
	Batch      int    // examples per batch; must be > 0; more than the set gives one batch of all
	Seed       uint64 // seeds the shuffles; the epoch number is mixed in
	Shuffle    bool   // new random order every epoch; false keeps dataset order
	Bucket     bool   // batch similar lengths together; without Shuffle, sort the whole set
	PoolFactor int    // batches per sorting pool when shuffling; 0 means DefaultPoolFactor
	DropLast   bool   // drop the final partial batch
}

// A Sampler decides which examples share a batch, one epoch at a time.
//
// With Shuffle and Bucket set, an epoch shuffles the examples, cuts them into
// pools of PoolFactor batches, sorts each pool by length (longest first,
// stable), cuts the pools into batches and shuffles the batch order. Batches
// then hold similar lengths, so little of a padded [B, T] batch is padding,
// while which examples meet still changes every epoch. For Batch 2 and
// PoolFactor 2, with the numbers standing for lengths:
//
//	shuffled        7 2 9 3 | 5 8 1 4 | 6        pools of 2*2 examples
//	pools sorted    9 7 3 2 | 8 5 4 1 | 6        longest first
//	batches         [9 7] [3 2] [8 5] [4 1] [6]
//	batch order     [4 1] [9 7] [6] [8 5] [3 2]  shuffled
//
// Shuffle alone gives plain shuffled batches. Bucket alone (evaluation) sorts
// the whole set longest first, which pads least and needs no randomness.
// Neither gives the dataset order. Batches are sorted longest first whenever
// Bucket is set, as pack_padded_sequence with enforce_sorted wants.
//
// DropLast drops the examples left over after the last full batch, chosen
// after shuffling, so different examples miss out each epoch.
//
// A Batch larger than the set gives one batch of every example, as
// PyTorch's DataLoader does (with DropLast it is an error: no full batch).
// Sizes are checked, never multiplied past the largest int: any Batch and
// PoolFactor either work or make NewSampler fail.
type Sampler struct {
	lengths []int
	opt     Options
}

// NewSampler returns a sampler over examples whose token counts are lengths.
func NewSampler(lengths []int, opt Options) (*Sampler, error) {
	if opt.Batch <= 0 {
		return nil, fmt.Errorf("seq: batch size %d must be positive", opt.Batch)
	}
	if opt.PoolFactor < 0 {
		return nil, fmt.Errorf("seq: pool factor %d must not be negative", opt.PoolFactor)
	}
	if opt.PoolFactor == 0 {
		opt.PoolFactor = DefaultPoolFactor
	}
	if len(lengths) == 0 {
		return nil, errors.New("seq: no examples to sample")
	}
	if opt.DropLast && len(lengths) < opt.Batch {
		return nil, fmt.Errorf("seq: %d examples make no full batch of %d (DropLast)", len(lengths), opt.Batch)
	}
	for i, n := range lengths {
		if n < 0 {
			return nil, fmt.Errorf("seq: example %d has negative length %d", i, n)
		}
	}
	opt.Batch = min(opt.Batch, len(lengths)) // one batch of everything
	return &Sampler{lengths: slices.Clone(lengths), opt: opt}, nil
}

// Len returns the number of batches in every epoch.
func (s *Sampler) Len() int {
	n, b := len(s.lengths), s.opt.Batch
	if s.opt.DropLast {
		return n / b
	}
	return ceilDiv(n, b)
}

// ceilDiv returns ceil(n / d) for n >= 0 and d > 0, without overflow.
func ceilDiv(n, d int) int {
	q := n / d
	if n%d != 0 {
		q++
	}
	return q
}

// mulCapped returns a*b for a, b >= 0, or limit if the product exceeds
// limit (or would overflow int).
func mulCapped(a, b, limit int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt/b || a*b > limit {
		return limit
	}
	return a * b
}

// Epoch returns the batches of epoch e as lists of example indices. Every
// example appears exactly once (but for DropLast leftovers). The result
// depends only on the lengths, the options and e, so a run can be resumed.
func (s *Sampler) Epoch(e int) [][]int {
	idx := make([]int, len(s.lengths))
	for i := range idx {
		idx[i] = i
	}
	r := s.rng(e)
	if s.opt.Shuffle {
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	if s.opt.DropLast {
		idx = idx[:len(idx)-len(idx)%s.opt.Batch]
	}
	if s.opt.Bucket {
		pool := len(idx) // evaluation: one pool, the whole set
		if s.opt.Shuffle {
			pool = max(1, mulCapped(s.opt.Batch, s.opt.PoolFactor, len(idx)))
		}
		for p := range slices.Chunk(idx, pool) {
			slices.SortStableFunc(p, func(a, b int) int {
				return cmp.Compare(s.lengths[b], s.lengths[a]) // longest first
			})
		}
	}
	batches := slices.Collect(slices.Chunk(idx, s.opt.Batch))
	if s.opt.Shuffle && s.opt.Bucket {
		r.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	}
	return batches
}

// rng returns the generator for epoch e, a pure function of (Seed, e).
func (s *Sampler) rng(e int) *rand.Rand {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[0:], s.opt.Seed)
	binary.LittleEndian.PutUint64(seed[8:], uint64(e))
	return rand.New(rand.NewChaCha8(seed))
}

// PaddingFraction returns the share of padding in batches once each is
// padded to its longest example, capped at maxLen (<= 0: no cap), as [Pad]
// does: padded slots / all slots, 0 when there are no slots. lengths holds
// the token count of every example that batches index into.
func PaddingFraction(batches [][]int, lengths []int, maxLen int) float64 {
	var slots, tokens int
	for _, b := range batches {
		T, sum := 0, 0
		for _, i := range b {
			n := lengths[i]
			if maxLen > 0 {
				n = min(n, maxLen)
			}
			T, sum = max(T, n), sum+n
		}
		slots += T * len(b)
		tokens += sum
	}
	if slots == 0 {
		return 0
	}
	return float64(slots-tokens) / float64(slots)
}
