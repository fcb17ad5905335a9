package weights

import (
	"fmt"
	"slices"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
)

// ModelParams returns the tensors PyTorch's state_dict() holds for a
// torchrnn model, in its order and under its names: the parameters of an
// *lstm.Classifier, *lstm.LM, *lstm.Tagger or *lstm.Params (a model of
// one's own).
// A language model with tied weights lists its embedding twice, as
// encoder.weight and decoder.weight, as PyTorch does. The model keeps
// owning the tensors.
func ModelParams(model any) ([]torch.Param, error) {
	switch m := model.(type) {
	case *lstm.Classifier:
		return slices.Clone(m.Params.List()), nil
	case *lstm.Tagger:
		return slices.Clone(m.Params.List()), nil
	case *lstm.Params:
		return slices.Clone(m.List()), nil
	case *lstm.LM:
		list := m.Params.List()
		if !m.Config.Tie {
			return slices.Clone(list), nil
		}
		out := make([]torch.Param, 0, len(list)+1)
		for _, p := range list {
			if p.Name == "decoder.bias" { // state_dict order: decoder.weight, decoder.bias
				out = append(out, torch.Param{Name: "decoder.weight", Tensor: m.Encoder.Weight})
			}
			out = append(out, p)
		}
		return out, nil
	}
	return nil, fmt.Errorf("weights: a %T is not a torchrnn model (want *lstm.Classifier, *lstm.LM, *lstm.Tagger or *lstm.Params)", model)
}

// FromParams copies the values of params (any device) into a StateDict
// in Go memory, in order; a tensor under two names is copied under each.
func FromParams(params []torch.Param) (*StateDict, error) {
	sd := &StateDict{}
	seen := map[string]bool{}
	for _, p := range params {
		shape, err := torch.Shape(p.Tensor)
		if err != nil {
			return nil, fmt.Errorf("weights: %s: %w", p.Name, err)
		}
		values, err := torch.Float32s(p.Tensor)
		if err != nil {
			return nil, fmt.Errorf("weights: %s: %w", p.Name, err)
		}
		if err := sd.addUnique(Tensor{Name: p.Name, DType: F32, Shape: shape, Values: values}, seen); err != nil {
			return nil, fmt.Errorf("weights: %w", err)
		}
	}
	return sd, nil
}
