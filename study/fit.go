package study

import (
	"context"
	"fmt"
	"math"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/train"
)

// Budget is how the memory task is trained: a fixed number of steps, each
// on a fresh batch.
type Budget struct {
	Steps     int     // optimizer steps
	Batch     int     // examples per step, even
	LR        float64 // learning rate
	Optimizer string  // adam or sgd
	Clip      float64 // clip the gradient norm to this; 0: no clipping
	Seed      uint64  // seeds the batches
}

// Fit is what training measured.
type Fit struct {
	Steps    int  `json:"steps"`    // steps taken: fewer when the loss diverged
	Loss     Num  `json:"loss"`     // mean loss of the last steps (the last tenth)
	MaxNorm  Num  `json:"max_norm"` // largest gradient norm seen, before clipping
	Diverged bool `json:"diverged"` // the loss or the gradient became NaN or infinite
}

// Fit trains the model on task k for b.Steps steps. A loss or gradient
// norm that is not finite ends training early with Diverged set (the
// exploding-gradient case), which is a result, not an error; ctx's end
// stops it with ctx's error.
func (m *Model) Fit(ctx context.Context, k Task, b Budget) (f Fit, err error) {
	st, err := train.NewStepper(m.Params, optim.Config{Algorithm: b.Optimizer, LR: b.LR}, b.Clip)
	if err != nil {
		return f, fmt.Errorf("study: fit: %w", err)
	}
	st.SkipNonFinite = true // a diverging run is a result
	rng := newRand(b.Seed, trainStream)
	tail := max(b.Steps/10, 1)
	var sum float64
	for step := range b.Steps {
		if err := ctx.Err(); err != nil {
			return f, err
		}
		x, y, err := k.Batch(b.Batch, rng)
		if err != nil {
			return f, err
		}
		loss, gnorm, err := m.step(st, x, y, k.T)
		if err != nil {
			return f, fmt.Errorf("study: fit %s, T %d, step %d: %w", m.Cell, k.T, step+1, err)
		}
		f.Steps, f.MaxNorm = step+1, Num(math.Max(float64(f.MaxNorm), gnorm))
		if bad(loss) || bad(gnorm) {
			f.Diverged, f.Loss, f.MaxNorm = true, Num(loss), Num(gnorm)
			return f, nil
		}
		if step >= b.Steps-tail {
			sum += loss
		}
	}
	f.Loss = Num(sum / float64(tail))
	return f, nil
}

// step is one update: forward and loss, then the trainer's step
// (backward, clip, optimizer step). It returns the loss and the gradient
// norm before clipping; a non-finite one skips the update.
func (m *Model) step(st *train.Stepper, x []float32, y []int64, T int) (loss, gnorm float64, err error) {
	defer tensor.Catch(&err, "step")
	var s tensor.Scope
	defer s.Free()
	xt := s.M(input(x, len(y), T, m.Params.Device, false))
	l := s.M(Loss(s.M(m.Forward(xt)), y))
	return st.Step(l)
}

// Evaluate is the accuracy on n fresh examples (n even) drawn with seed.
func (m *Model) Evaluate(k Task, n int, seed uint64) (acc float64, err error) {
	defer tensor.Catch(&err, "study: evaluate")
	x, y, err := k.Batch(n, newRand(seed, evalStream))
	tensor.Check(err)
	tensor.NoGrad(func() {
		var s tensor.Scope
		defer s.Free()
		xt := s.M(input(x, n, k.T, m.Params.Device, false))
		logits := tensor.Val(tensor.Float32s(s.M(m.Forward(xt))))
		acc = Accuracy(logits, y)
	})
	return acc, nil
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
