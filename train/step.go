package train

import (
	"fmt"
	"math"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/torch"
)

// Stepper is the training step after a forward pass and its loss, shared by
// this package's tasks, package study and the benchmarks:
//
//	zero the gradients -> backward -> clip the gradient norm -> optimizer step
//
// Batch puts the forward pass in front; Backward and Update are Step's
// halves, for callers that time them apart.
//
// Call it on the goroutine (locked to its OS thread) that ran the forward
// pass; a Stepper is not safe for concurrent use.
type Stepper struct {
	Opt    *optim.Optimizer
	Params []optim.Param // the optimizer's, for clipping
	Clip   float64       // clip the gradient norm to this; 0 or negative: no clipping
	// SkipNonFinite measures the gradient norm even without clipping and
	// skips the optimizer step when the loss or the norm is not finite,
	// leaving the weights as they were (package study's diverging runs are
	// a result). Without it the step is always taken, and the caller stops
	// on a loss that is not finite.
	SkipNonFinite bool
	// Sync, when set, runs between backward and clipping: data-parallel
	// training averages the gradients over its ranks there.
	Sync func() error
}

// NewStepper makes a Stepper over p's parameters, with an optimizer of cfg.
func NewStepper(p *lstm.Params, cfg optim.Config, clip float64) (*Stepper, error) {
	var params []optim.Param
	for _, q := range p.List() {
		params = append(params, optim.Param{Name: q.Name, Tensor: q.Tensor})
	}
	opt, err := optim.New(params, cfg)
	if err != nil {
		return nil, err
	}
	return &Stepper{Opt: opt, Params: params, Clip: clip}, nil
}

// Batch runs one batch: fwd makes the forward pass and returns the scalar
// mean loss (the caller keeps owning it). With a Stepper (training), fwd
// runs with gradients on and Step follows; a nil Stepper evaluates: fwd
// runs with gradients off and nothing is updated. It returns the loss's
// value.
func (s *Stepper) Batch(fwd func() (*torch.Tensor, error)) (loss float64, err error) {
	defer tensor.Catch(&err, "train: batch")
	if s == nil {
		tensor.NoGrad(func() { loss = tensor.Val(tensor.Must(fwd()).Float64Value([]int64{})) })
		return loss, nil
	}
	loss, _, err = s.Step(tensor.Must(fwd()))
	return loss, err
}

// Step is Backward then Update: one training step from loss, the scalar
// mean loss of a forward pass with gradients on (the caller keeps owning
// it). It returns the loss's value and the gradient norm before clipping
// (0 unless clipping or SkipNonFinite).
func (s *Stepper) Step(loss *torch.Tensor) (value, norm float64, err error) {
	if err := s.Backward(loss); err != nil {
		return 0, 0, err
	}
	return s.Update(loss)
}

// Backward is Step's first half, for callers that time the halves apart:
// it clears the parameters' gradients and runs backward from loss.
func (s *Stepper) Backward(loss *torch.Tensor) error {
	s.Opt.ZeroGrad()
	if err := loss.Backward(); err != nil {
		return fmt.Errorf("train: backward: %w", torch.Err(err))
	}
	return nil
}

// Update is Step's second half, after Backward: it reads the loss, clips
// the gradients and takes the optimizer step.
func (s *Stepper) Update(loss *torch.Tensor) (value, norm float64, err error) {
	defer tensor.Catch(&err, "train: step")
	value = tensor.Val(loss.Float64Value([]int64{}))
	if s.Sync != nil {
		tensor.Check(s.Sync())
	}
	if s.Clip > 0 || s.SkipNonFinite {
		norm = tensor.Val(optim.ClipGradNorm(s.Params, s.Clip))
	}
	if s.SkipNonFinite && !(finite(value) && finite(norm)) {
		return value, norm, nil
	}
	tensor.Check(s.Opt.Step())
	return value, norm, nil
}

// Train is Step without reading the loss back: the caller reads it when
// it likes (package train every few batches). On CUDA the gradients are
// clipped by a factor computed on their device
// (optim.ClipGradNormOnDevice), so the host queues the next batch while the
// GPU still runs this one; on the CPU, where a read costs no wait, by
// ClipGradNorm. With SkipNonFinite, which needs the values on the host, it
// is Step.
func (s *Stepper) Train(loss *torch.Tensor) error {
	if s.SkipNonFinite {
		_, _, err := s.Step(loss)
		return err
	}
	return s.train(loss, tensor.OnCPU(loss))
}

// train is Train's step; hostClip says whether to clip with a read norm.
func (s *Stepper) train(loss *torch.Tensor, hostClip bool) (err error) {
	if err := s.Backward(loss); err != nil {
		return err
	}
	defer tensor.Catch(&err, "train: step")
	if s.Sync != nil {
		tensor.Check(s.Sync())
	}
	switch {
	case s.Clip > 0 && hostClip:
		tensor.Val(optim.ClipGradNorm(s.Params, s.Clip))
	case s.Clip > 0:
		if norm := tensor.Val(optim.ClipGradNormOnDevice(s.Params, s.Clip)); norm != nil {
			norm.MustDrop()
		}
	}
	tensor.Check(s.Opt.Step())
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
