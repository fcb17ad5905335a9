package main

import (
	"cmp"
	"slices"

	"github.com/torchrnn/torchrnn/seq"
)

// trainOrder is the epoch's batches: the reviews in shuffled order (the
// permutation classify.py computes too) cut into batches, as the seed's
// DataLoader(shuffle=True) gives; or, with -bucket, torchrnn's sampler
// (shuffled pools of 100 batches sorted by length, batches shuffled).
func trainOrder(train reviews, cfg classifyConfig) ([][]int, error) {
	var batches [][]int
	if cfg.Bucket {
		s, err := seq.NewSampler(lengths(train), seq.Options{Batch: cfg.Batch, Seed: uint64(cfg.Seed), Shuffle: true, Bucket: true})
		if err != nil {
			return nil, err
		}
		batches = s.Epoch(0)
	} else {
		batches = slices.Collect(slices.Chunk(shuffled(len(train.ids), uint64(cfg.Seed)), cfg.Batch))
	}
	if cfg.Batches > 0 && cfg.Batches < len(batches) {
		batches = batches[:cfg.Batches]
	}
	return batches, nil
}

// evalOrder is the test reviews as torchrnn evaluates them, whatever the
// training order (-bucket or not): sorted by length, longest first, in
// batches of twice the training batch, as cmd/train's evaluation does.
// PyTorch's side (classify.py) evaluates as the seed does, in order, in
// batches of the training size; the mean loss and the accuracy do not
// depend on the order.
func evalOrder(test reviews, cfg classifyConfig) ([][]int, error) {
	s, err := seq.NewSampler(lengths(test), seq.Options{Batch: 2 * cfg.Batch, Bucket: true})
	if err != nil {
		return nil, err
	}
	return s.Epoch(0), nil
}

func lengths(r reviews) []int {
	out := make([]int, len(r.ids))
	for i, ids := range r.ids {
		out[i] = len(ids)
	}
	return out
}

// shuffled is 0..n-1 sorted by splitmix64(seed*n + i): a permutation that
// needs no generator state, so that classify.py computes the same one.
func shuffled(n int, seed uint64) []int {
	keys := make([]uint64, n)
	idx := make([]int, n)
	for i := range idx {
		idx[i], keys[i] = i, splitmix64(seed*uint64(n)+uint64(i))
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	return idx
}

// splitmix64 is Steele, Lea and Flood's mixing function, a bijection on
// 64-bit integers.
func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}
