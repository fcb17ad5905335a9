package study

import (
	"fmt"
	"math/rand/v2"
)

// Task is the memory task: remember the sign shown at the first step of a
// sequence of T steps and report it after the last one. Inputs have one
// feature:
//
//	step:   0     1      2      ...   T-1
//	x:      ±1    ε₁     ε₂     ...   ε_{T-1}     ε_t ~ N(0, Noise²)
//	y:      1 when x₀ = +1, 0 when x₀ = -1        (read from h_{T-1})
//
// Noise 0 makes the distractors zeros. Nothing after step 0 carries
// information about y, so the model must carry it for T-1 steps.
type Task struct {
	T     int     // steps per sequence, at least 1
	Noise float64 // standard deviation of the distractor steps 1..T-1
}

// Input is the task's feature count per step.
const Input = 1

// Batch draws B examples, B even, from rng: x [B, T, 1] row-major and y [B].
// Exactly half the labels are 1, in a shuffled order; the same rng state
// gives the same batch.
func (k Task) Batch(B int, rng *rand.Rand) (x []float32, y []int64, err error) {
	if k.T < 1 || B < 2 || B%2 != 0 || k.Noise < 0 {
		return nil, nil, fmt.Errorf("study: memory batch: T %d, batch %d, noise %g: want T >= 1, an even batch >= 2, noise >= 0", k.T, B, k.Noise)
	}
	y = make([]int64, B)
	for b := range y {
		y[b] = int64(b % 2)
	}
	rng.Shuffle(B, func(i, j int) { y[i], y[j] = y[j], y[i] })
	x = make([]float32, B*k.T*Input)
	for b := range B {
		row := x[b*k.T : (b+1)*k.T]
		row[0] = float32(2*y[b] - 1) // label 1 -> +1, 0 -> -1
		for t := 1; t < k.T && k.Noise > 0; t++ {
			row[t] = float32(k.Noise * rng.NormFloat64())
		}
	}
	return x, y, nil
}

// newRand is the generator of one stream of batches: the same seed and
// stream give the same batches.
func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// Streams of newRand, so that training, probe and evaluation batches never
// share draws.
const (
	trainStream uint64 = iota + 1
	probeStream
	evalStream
)
