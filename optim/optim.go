package optim

import (
	"fmt"
	"math"

	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// Param is a named tensor to optimize, the type lstm.Params lists; names
// key the saved state.
type Param = torch.Param

// Config holds the hyperparameters. A zero field means its default.
type Config struct {
	Algorithm   string  // "adam" (default) or "sgd"
	LR          float64 // learning rate (default 1e-3)
	Beta1       float64 // Adam (default 0.9)
	Beta2       float64 // Adam (default 0.999)
	Eps         float64 // Adam (default 1e-8)
	Momentum    float64 // SGD (default 0)
	WeightDecay float64 // L2 penalty added to the gradient, as PyTorch's weight_decay
}

func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if c.Algorithm == "" {
		c.Algorithm = "adam"
	}
	def(&c.LR, 1e-3)
	def(&c.Beta1, 0.9)
	def(&c.Beta2, 0.999)
	def(&c.Eps, 1e-8)
	return c
}

// Optimizer updates a fixed list of parameters from their gradients.
type Optimizer struct {
	cfg    Config
	params []Param
	m, v   []*ts.Tensor // Adam's moments, or SGD's momentum buffer in m
	Steps  int64        // updates done so far
}

// New returns an optimizer over params.
func New(params []Param, cfg Config) (*Optimizer, error) {
	cfg = cfg.withDefaults()
	switch {
	case cfg.Algorithm != "adam" && cfg.Algorithm != "sgd":
		return nil, fmt.Errorf("optim: algorithm %q: want adam or sgd", cfg.Algorithm)
	case cfg.LR <= 0 || math.IsNaN(cfg.LR):
		return nil, fmt.Errorf("optim: learning rate %g must be positive", cfg.LR)
	case cfg.WeightDecay < 0:
		return nil, fmt.Errorf("optim: weight decay %g must not be negative", cfg.WeightDecay)
	}
	return &Optimizer{cfg: cfg, params: params}, nil
}

// SetLR changes the learning rate.
func (o *Optimizer) SetLR(lr float64) { o.cfg.LR = lr }

// LR returns the learning rate.
func (o *Optimizer) LR() float64 { return o.cfg.LR }

// ZeroGrad clears the parameters' gradients. (gotch's Tensor.ZeroGrad
// leaves a tensor handle to the finalizers each call.)
func (o *Optimizer) ZeroGrad() {
	for _, p := range o.params {
		g, err := p.Tensor.Grad(false)
		if err != nil {
			continue
		}
		if g.MustDefined() {
			tensor.InPlace(g, func() error { g.Detach_(); return nil })
			tensor.InPlace(g, g.Zero_)
		}
		g.MustDrop()
	}
}

// Step applies one update from the current gradients.
func (o *Optimizer) Step() (err error) {
	defer tensor.Catch(&err, "optim: step")
	o.Steps++
	if o.m == nil {
		o.initState()
	}
	tensor.NoGrad(func() {
		for i, p := range o.params {
			g := tensor.Must(p.Tensor.Grad(false))
			if g.MustDefined() {
				o.update(i, p.Tensor, g)
			}
			g.MustDrop()
		}
	})
	return nil
}

func (o *Optimizer) initState() {
	o.m = make([]*ts.Tensor, len(o.params))
	o.v = make([]*ts.Tensor, len(o.params))
	for i, p := range o.params {
		o.m[i] = tensor.Must(p.Tensor.ZerosLike(false))
		if o.cfg.Algorithm == "adam" {
			o.v[i] = tensor.Must(p.Tensor.ZerosLike(false))
		}
	}
}

// update is PyTorch's Adam (or SGD with momentum) for one parameter:
//
//	g ← g + λ p;  m ← β1 m + (1-β1) g;  v ← β2 v + (1-β2) g²
//	p ← p - lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + ε)
func (o *Optimizer) update(i int, p, g *ts.Tensor) {
	var s tensor.Scope
	defer s.Free()
	c := o.cfg
	if c.WeightDecay != 0 {
		g = s.M(g.Add(s.M(p.MulScalar(s.Scalar(c.WeightDecay), false)), false))
	}
	m := o.m[i]
	if c.Algorithm == "sgd" {
		if c.Momentum == 0 {
			sub(p, s.M(g.MulScalar(scalar(&s, c.LR), false)))
			return
		}
		tensor.InPlace(m, func() error { return m.MulScalar_(scalar(&s, c.Momentum)) })
		tensor.InPlace(m, func() error { return m.Add_(g) })
		sub(p, s.M(m.MulScalar(scalar(&s, c.LR), false)))
		return
	}
	v := o.v[i]
	tensor.InPlace(m, func() error { return m.Lerp_(g, scalar(&s, 1-c.Beta1)) })
	tensor.InPlace(v, func() error { return v.MulScalar_(scalar(&s, c.Beta2)) })
	g2 := s.M(g.MulScalar(scalar(&s, 1-c.Beta2), false))
	tensor.InPlace(v, func() error { return v.Addcmul_(g, g2) })
	if c.LR == 0 {
		return
	}
	t := float64(o.Steps)
	bc1, bc2 := 1-math.Pow(c.Beta1, t), 1-math.Pow(c.Beta2, t)
	// p ← p + m/d, d = -(sqrt(v)/sqrt(bc2) + ε)·bc1/lr: one temporary, the
	// rest in place (torch.optim.Adam makes its denom and calls addcdiv_).
	d := s.M(v.Sqrt(false))
	tensor.InPlace(d, func() error { return d.DivScalar_(scalar(&s, math.Sqrt(bc2))) })
	tensor.InPlace(d, func() error { return d.AddScalar_(scalar(&s, c.Eps)) })
	tensor.InPlace(d, func() error { return d.MulScalar_(scalar(&s, -bc1/c.LR)) })
	tensor.InPlace(p, func() error { return p.Addcdiv_(m, d) })
}

// sub is p -= d, in place.
func sub(p, d *ts.Tensor) { tensor.InPlace(p, func() error { return p.Sub_(d) }) }

// scalar makes a libtorch scalar freed with the scope's tensors.
func scalar(s *tensor.Scope, v float64) *ts.Scalar { return s.Scalar(v) }
