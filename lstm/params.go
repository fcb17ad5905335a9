package lstm

import (
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/atomic"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// Param is a named trainable tensor; names are PyTorch's state_dict keys.
// It is torch.Param, the type optim.New takes: p.List() goes straight to
// an optimizer.
type Param = torch.Param

// Params is a model's parameters on one device, in creation order (which is
// PyTorch's named_parameters() order for the same module).
type Params struct {
	Device gotch.Device
	list   []Param
}

// NewParams returns an empty parameter set on device.
func NewParams(device gotch.Device) *Params { return &Params{Device: device} }

// uniform adds a parameter drawn from U(-bound, bound), PyTorch's init for
// RNN weights (bound 1/sqrt(hidden)) and Linear layers (1/sqrt(fan_in)).
func (p *Params) uniform(name string, shape []int64, bound float64) *ts.Tensor {
	t := tensor.Must(ts.Empty(shape, gotch.Float, p.Device))
	tensor.InPlace(t, func() error { return t.Uniform_(-bound, bound) })
	return p.add(name, t)
}

// normal adds a parameter drawn from N(0, 1), PyTorch's init for Embedding.
func (p *Params) normal(name string, shape []int64) *ts.Tensor {
	return p.add(name, tensor.Must(ts.Randn(shape, gotch.Float, p.Device)))
}

func (p *Params) add(name string, t *ts.Tensor) *ts.Tensor { return p.addTensor(name, t, true) }

// addTensor adds t under name, tracking its gradient when grad; p owns it.
func (p *Params) addTensor(name string, t *ts.Tensor, grad bool) *ts.Tensor {
	if p.Get(name) != nil {
		tensor.Fail("parameter %s defined twice", name)
	}
	t = tensor.Must(t.SetRequiresGrad(grad, true))
	p.list = append(p.list, Param{Name: name, Tensor: t})
	return t
}

// Add registers t, which the set then owns, as a trainable parameter
// named name (requires_grad on), for layers of one's own (a head on the
// recurrent stack, say) that the optimizer and Save should see. Names must
// be unique. It returns the registered tensor, t itself with gradients on.
func (p *Params) Add(name string, t *torch.Tensor) (out *torch.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: add parameter "+name)
	return p.add(name, t), nil
}

// Uniform adds a parameter of the given shape drawn from U(-bound, bound),
// PyTorch's init for recurrent weights (bound 1/sqrt(hidden)) and linear
// layers (1/sqrt(fan_in)). The set owns it.
func (p *Params) Uniform(name string, shape []int64, bound float64) (t *torch.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: add parameter "+name)
	return p.uniform(name, shape, bound), nil
}

// Normal adds a parameter of the given shape drawn from N(0, 1), PyTorch's
// init for embeddings. The set owns it.
func (p *Params) Normal(name string, shape []int64) (t *torch.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: add parameter "+name)
	return p.normal(name, shape), nil
}

// Drop frees every parameter; the set is empty afterwards.
func (p *Params) Drop() {
	for _, q := range p.list {
		torch.Free(q.Tensor)
	}
	p.list = nil
}

// List returns the parameters in order.
func (p *Params) List() []Param { return p.list }

// Names returns the parameter names in order.
func (p *Params) Names() []string {
	names := make([]string, len(p.list))
	for i, q := range p.list {
		names[i] = q.Name
	}
	return names
}

// Tensors returns the parameter tensors in order.
func (p *Params) Tensors() []*ts.Tensor {
	out := make([]*ts.Tensor, len(p.list))
	for i, q := range p.list {
		out[i] = q.Tensor
	}
	return out
}

// Get returns the named parameter, or nil.
// The tensor stays the set's: do not free it.
func (p *Params) Get(name string) *ts.Tensor {
	for _, q := range p.list {
		if q.Name == name {
			return q.Tensor
		}
	}
	return nil
}

// Count is the number of scalar parameters.
func (p *Params) Count() int64 {
	var n int64
	for _, q := range p.list {
		n += int64(q.Tensor.Numel())
	}
	return n
}

// Set copies values into the named parameter (e.g. weights from PyTorch).
func (p *Params) Set(name string, values []float32) (err error) {
	defer tensor.Catch(&err, "lstm: set "+name)
	dst := p.Get(name)
	if dst == nil {
		tensor.Fail("no such parameter")
	}
	shape := tensor.Val(dst.Size())
	src := tensor.Must(tensor.Float32(values, shape, p.Device))
	defer src.MustDrop()
	tensor.NoGrad(func() { dst.Copy_(src) })
	return nil
}

// Save writes the parameters to path atomically: a temporary file in the
// same folder, renamed over path, so a crash leaves the old file intact.
func (p *Params) Save(path string) error {
	named := make([]ts.NamedTensor, len(p.list))
	for i, q := range p.list {
		named[i] = ts.NamedTensor{Name: q.Name, Tensor: q.Tensor}
	}
	b, err := libtorch.SaveMulti(named)
	if err == nil {
		err = atomic.WriteFile(path, b)
	}
	if err != nil {
		return fmt.Errorf("lstm: %w", err)
	}
	return nil
}

// Load reads parameters saved by Save onto p's device. The file must hold
// exactly p's names with the same shapes.
func (p *Params) Load(path string) (err error) {
	defer tensor.Catch(&err, "lstm: load "+path)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("lstm: load: %w", err)
	}
	named := tensor.Val(ts.LoadMultiWithDevice(path, p.Device))
	defer func() {
		for _, n := range named {
			n.Tensor.MustDrop()
		}
	}()
	byName := map[string]*ts.Tensor{}
	for _, n := range named {
		byName[n.Name] = n.Tensor
	}
	for _, q := range p.list {
		src, ok := byName[q.Name]
		if !ok {
			tensor.Fail("the file has no %s (it holds %v): a checkpoint of another model?", q.Name, sortedKeys(byName))
		}
		if want, got := tensor.Val(q.Tensor.Size()), tensor.Val(src.Size()); !slices.Equal(want, got) {
			tensor.Fail("%s has shape %v in the file, the model wants %v", q.Name, got, want)
		}
		tensor.NoGrad(func() { q.Tensor.Copy_(src) })
	}
	if len(byName) != len(p.list) {
		tensor.Fail("the file holds %d tensors, the model %d: a checkpoint of another model?", len(byName), len(p.list))
	}
	return nil
}

func sortedKeys(m map[string]*ts.Tensor) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// invSqrt is 1/sqrt(n), the bound of PyTorch's uniform inits.
func invSqrt(n int64) float64 { return 1 / math.Sqrt(float64(n)) }
