// Package decode turns a step-by-step sequence model into output
// sequences: greedy decoding and beam search, both over a batch at once,
// with length normalisation and a maximum length per sequence, and the
// attention weights of each output token when the model gives them.
//
// The model is anything that advances a batch of rows by one token
// (Model); lstm.Seq2Seq fits through NewSeq2Seq.
//
// # Ownership and threads
//
// Greedy and Beam free every tensor they make; the initial state passed in
// stays the caller's. The results are plain Go values. A search runs the
// model on the calling goroutine, which must stay on its OS thread (see
// package torch); run it with gradients off.
package decode

import (
	"fmt"
	"github.com/torchrnn/torchrnn/torch"
	"math"
)

// Model advances a batch of rows, one token each.
type Model[S any] interface {
	// Step feeds tokens [N] int64 to the rows in state and returns the
	// log-probabilities of the next token [N, V], the attention weights
	// [N, S] (nil when the model has none) and the next state. The caller
	// frees all three; tokens and state stay the caller's.
	Step(tokens *torch.Tensor, state S) (logp, attention *torch.Tensor, next S, err error)
	// Expand returns a state of k copies of each row, in order (row b
	// becomes rows b*k ... b*k+k-1). The caller frees it.
	Expand(state S, k int) (S, error)
	// Reorder returns the state of rows idx [N] int64. Beam search only
	// moves rows within the group of copies Expand made of one row. The
	// caller frees it.
	Reorder(state S, idx *torch.Tensor) (S, error)
	// Drop frees a state.
	Drop(state S)
}

// Options control a search.
type Options struct {
	BOS, EOS int64 // the first input, and the token that ends a sequence
	// MaxLen is each row's most output tokens, <eos> included: a sequence
	// that reaches it ends there.
	MaxLen []int
	// Alpha is the length normalisation: hypotheses are ranked by their
	// log-probability divided by length^Alpha (length with <eos>); 0 ranks
	// by log-probability alone.
	Alpha float64
	// Attention keeps each output token's attention weights.
	Attention bool
	// Device is the model's (the zero value: the CPU).
	Device torch.Device
}

func (o Options) device() torch.Device {
	if o.Device.Name == "" {
		return torch.CPU
	}
	return o.Device
}

// Hypothesis is one output sequence.
type Hypothesis struct {
	Tokens    []int64     // without <bos> and <eos>
	LogProb   float64     // sum of the log-probabilities of the tokens and <eos>
	Score     float64     // LogProb / (len(Tokens)+1)^Alpha
	Attention [][]float32 // per output token, <eos> included: weights over the source (with Options.Attention)
}

// MaxLen is the usual length limit: ratio times the source length plus
// extra, at least 1, for each of lengths.
func MaxLen(lengths []int64, ratio float64, extra int) []int {
	out := make([]int, len(lengths))
	for i, l := range lengths {
		out[i] = max(1, int(math.Ceil(ratio*float64(l)))+extra)
	}
	return out
}

func (o Options) check(B int) error {
	if len(o.MaxLen) != B {
		return fmt.Errorf("decode: %d maximum lengths for a batch of %d", len(o.MaxLen), B)
	}
	for i, n := range o.MaxLen {
		if n < 1 {
			return fmt.Errorf("decode: row %d: maximum length %d, want at least 1", i, n)
		}
	}
	if math.IsNaN(o.Alpha) || math.IsInf(o.Alpha, 0) || o.Alpha < 0 {
		return fmt.Errorf("decode: length normalisation %v: want 0 or more", o.Alpha)
	}
	return nil
}

func (o Options) score(logp float64, n int) float64 {
	if o.Alpha == 0 {
		return logp
	}
	return logp / math.Pow(float64(n), o.Alpha)
}
