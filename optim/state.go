package optim

import (
	"fmt"
	"math"
	"os"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/atomic"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// ClipGradNorm scales the gradients so that their joint L2 norm is at most
// max, as torch.nn.utils.clip_grad_norm_, and returns the norm before
// clipping. max <= 0 only measures.
func ClipGradNorm(params []Param, max float64) (norm float64, err error) {
	defer tensor.Catch(&err, "optim: clip gradients")
	var s tensor.Scope
	defer s.Free()
	grads, total := jointNorm(&s, params)
	if total == nil {
		return 0, nil
	}
	norm = tensor.Val(s.T(total).Float64Value([]int64{}))
	if max > 0 && norm > max {
		scale := s.Scalar(max / (norm + 1e-6))
		for _, g := range grads {
			tensor.InPlace(g, func() error { return g.MulScalar_(scale) })
		}
	}
	return norm, nil
}

// ClipGradNormOnDevice is ClipGradNorm without reading the norm back:
// every gradient is multiplied by min(1, max/(norm+1e-6)) computed on the
// gradients' device, exactly as torch.nn.utils.clip_grad_norm_ does, so on
// CUDA the host does not wait for the GPU. It returns the norm before
// clipping as a scalar tensor on that device, which the caller frees; nil
// when no parameter has a gradient. max must be positive.
func ClipGradNormOnDevice(params []Param, max float64) (norm *ts.Tensor, err error) {
	defer tensor.Catch(&err, "optim: clip gradients")
	if max <= 0 {
		tensor.Fail("max norm %v, want > 0", max)
	}
	var s tensor.Scope
	defer s.Free()
	grads, total := jointNorm(&s, params)
	if total == nil {
		return nil, nil
	}
	defer func() {
		if err != nil {
			total.MustDrop()
		}
	}()
	coef := s.M(s.M(total.AddScalar(s.Scalar(1e-6), false)).Reciprocal(false))
	tensor.InPlace(coef, func() error { return coef.MulScalar_(s.Scalar(max)) })
	tensor.InPlace(coef, func() error { return coef.ClampMax_(s.Scalar(1)) })
	for _, g := range grads {
		tensor.InPlace(g, func() error { return g.Mul_(coef) })
	}
	return total, nil
}

// jointNorm returns the parameters' gradients that are defined (freed with
// s) and their joint L2 norm, a scalar tensor on their device that the
// caller frees; nil, nil when none is defined.
func jointNorm(s *tensor.Scope, params []Param) (grads []*ts.Tensor, total *ts.Tensor) {
	var norms []*ts.Tensor
	for _, p := range params {
		g := s.M(p.Tensor.Grad(false))
		if g.MustDefined() {
			grads = append(grads, g)
			norms = append(norms, s.M(g.Norm(false)))
		}
	}
	if len(grads) == 0 {
		return nil, nil
	}
	return grads, tensor.Must(s.M(ts.Stack(norms, 0)).Norm(false))
}

// Save writes the optimizer state (step count and moments, keyed by
// parameter name) to path atomically.
func (o *Optimizer) Save(path string) (err error) {
	defer tensor.Catch(&err, "optim: save "+path)
	if o.m == nil {
		o.initState()
	}
	step := tensor.Must(tensor.Float32([]float32{float32(o.Steps)}, []int64{1}, gotch.CPU))
	defer step.MustDrop()
	named := []ts.NamedTensor{{Name: "step", Tensor: step}}
	for i, p := range o.params {
		named = append(named, ts.NamedTensor{Name: "m." + p.Name, Tensor: o.m[i]})
		if o.v[i] != nil {
			named = append(named, ts.NamedTensor{Name: "v." + p.Name, Tensor: o.v[i]})
		}
	}
	b, err := libtorch.SaveMulti(named)
	tensor.Check(err)
	tensor.Check(atomic.WriteFile(path, b))
	return nil
}

// Load restores a state written by Save for the same parameters.
func (o *Optimizer) Load(path string) (err error) {
	defer tensor.Catch(&err, "optim: load "+path)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("optim: load: %w", err)
	}
	device := o.params[0].Tensor.MustDevice()
	named := tensor.Val(ts.LoadMultiWithDevice(path, device))
	byName := map[string]*ts.Tensor{}
	for _, n := range named {
		byName[n.Name] = n.Tensor
	}
	if o.m == nil {
		o.initState()
	}
	step, ok := byName["step"]
	if !ok {
		tensor.Fail("no step count: not an optimizer state")
	}
	o.Steps = int64(math.Round(tensor.Val(step.Float64Value([]int64{0}))))
	for i, p := range o.params {
		for _, slot := range []struct {
			prefix string
			dst    *ts.Tensor
		}{{"m.", o.m[i]}, {"v.", o.v[i]}} {
			if slot.dst == nil {
				continue
			}
			src, ok := byName[slot.prefix+p.Name]
			if !ok {
				tensor.Fail("no %s%s: a state of another model or optimizer?", slot.prefix, p.Name)
			}
			if want, got := tensor.Val(slot.dst.Size()), tensor.Val(src.Size()); fmt.Sprint(want) != fmt.Sprint(got) {
				tensor.Fail("%s%s has shape %v, the parameter %v", slot.prefix, p.Name, got, want)
			}
			tensor.NoGrad(func() { slot.dst.Copy_(src) })
		}
	}
	for _, n := range named {
		n.Tensor.MustDrop()
	}
	return nil
}
