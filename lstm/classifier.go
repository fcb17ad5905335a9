package lstm

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Pooling is how a classifier turns the outputs of a sequence into one vector.
type Pooling string

const (
	Last Pooling = "last" // final hidden state of the last layer, both directions concatenated
	Mean Pooling = "mean" // mean of the outputs over the real steps
	Max  Pooling = "max"  // elementwise max of the outputs over the real steps
)

func (p Pooling) valid() bool { return p == Last || p == Mean || p == Max }

// Classifier is embedding -> recurrent stack -> pooling -> fc1 -> ReLU ->
// dropout -> fc2, with PyTorch's names (embedding.weight, rnn.weight_ih_l0,
// fc1.weight, ...). Two classes give one logit, more give one per class.
type Classifier struct {
	Config    Config
	Params    *Params
	Embedding *Embedding
	RNN       *RNN
	FC1, FC2  *Linear
}

// NewClassifier builds a classifier on device with PyTorch's initialisation.
func NewClassifier(cfg Config, device gotch.Device) (m *Classifier, err error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	defer tensor.Catch(&err, "lstm: new classifier")
	p := &Params{Device: device}
	D := cfg.directions()
	m = &Classifier{Config: cfg, Params: p}
	m.Embedding = newEmbedding(p, "embedding", int64(cfg.Vocab), int64(cfg.Embed), cfg.PadID, nil, false)
	m.RNN = newRNN(p, "rnn.", cfg.Cell, int64(cfg.Embed), int64(cfg.Hidden), int64(cfg.Layers), cfg.Bidirectional, cfg.Dropout)
	m.FC1 = newLinear(p, "fc1", D*int64(cfg.Hidden), int64(cfg.Head))
	m.FC2 = newLinear(p, "fc2", int64(cfg.Head), m.outputs())
	return m, nil
}

func (m *Classifier) outputs() int64 {
	if m.Config.Classes == 2 {
		return 1
	}
	return int64(m.Config.Classes)
}

// Forward computes logits for a padded batch.
//
//	ids [B, T] int64, lengths [B] (each 1..T, any order) -> logits [B, 1] or [B, C]
//
// The caller frees logits; ids stay the caller's.
func (m *Classifier) Forward(ids *ts.Tensor, lengths []int64, train bool) (logits *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: classifier forward")
	var s tensor.Scope
	defer s.Free()
	x := s.M(m.Embedding.Forward(ids)) // [B, T] -> [B, T, E]
	var feat *ts.Tensor                // [B, D*H]
	if m.Config.Pooling == Last {
		_, hn := m.RNN.forward(x, lengths, State{}, train, false, false) // neither the outputs nor C are needed
		defer hn.Drop()
		feat = s.T(m.last(hn))
	} else {
		out, hn := m.RNN.forward(x, lengths, State{}, train, true, false)
		s.T(out)
		hn.Drop()
		feat = s.T(m.pool(out, lengths))
	}
	if train && m.Config.Dropout > 0 {
		feat = s.M(ts.Dropout(feat, m.Config.Dropout, true))
	}
	h := s.M(m.FC1.Forward(feat))
	h = s.M(h.Relu(false))
	if train && m.Config.Dropout > 0 {
		h = s.M(ts.Dropout(h, m.Config.Dropout, true))
	}
	return tensor.Must(m.FC2.Forward(h)), nil
}

// pool reduces out [B, T, D*H] (zero past each length) to [B, D*H] by mean
// or max pooling.
func (m *Classifier) pool(out *ts.Tensor, lengths []int64) *ts.Tensor {
	var s tensor.Scope
	defer s.Free()
	shape := tensor.Val(out.Size())
	B, T := shape[0], shape[1]
	if lengths == nil {
		lengths = make([]int64, B)
		for i := range lengths {
			lengths[i] = T
		}
	}
	device := out.MustDevice()
	switch m.Config.Pooling {
	case Mean:
		lens := make([]float32, B)
		for b, l := range lengths {
			lens[b] = float32(l)
		}
		n := s.M(tensor.Float32(lens, []int64{B, 1}, device))
		sum := s.M(out.SumDimIntlist([]int64{1}, false, gotch.Float, false))
		return tensor.Must(sum.Div(n, false))
	case Max:
		mask := s.M(tensor.Float32(stepMask(lengths, T, 0, 1), []int64{B, T, 1}, device)) // 1 past each length
		masked := s.M(out.MaskedFill(s.M(mask.Totype(gotch.Bool, false)), s.Scalar(math.Inf(-1)), false))
		return tensor.Must(masked.Amax([]int64{1}, false, false))
	}
	tensor.Fail("pooling %q over outputs", m.Config.Pooling)
	return nil
}

// last is the last layer's final hidden state, both directions
// concatenated: [layers*D, B, H] -> [B, D*H].
func (m *Classifier) last(hn State) *ts.Tensor {
	var s tensor.Scope
	defer s.Free()
	L := tensor.Val(hn.H.Size())[0]
	if m.RNN.Dirs == 2 {
		fwd, bwd := s.M(hn.H.Select(0, L-2, false)), s.M(hn.H.Select(0, L-1, false))
		return tensor.Must(ts.Cat([]*ts.Tensor{fwd, bwd}, 1))
	}
	return tensor.Must(hn.H.Select(0, L-1, false))
}

// Loss is the mean binary cross-entropy with logits for two classes, or the
// mean cross-entropy for more. labels [B] are class ids.
// The caller frees the scalar loss.
func (m *Classifier) Loss(logits *ts.Tensor, labels *ts.Tensor) (loss *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: classifier loss")
	if m.Config.Classes == 2 {
		var s tensor.Scope
		defer s.Free()
		flat := s.M(logits.View([]int64{-1}, false))
		target := s.M(labels.Totype(gotch.Float, false))
		return tensor.Must(flat.BinaryCrossEntropyWithLogits(target, ts.None, ts.None, 1, false)), nil
	}
	return tensor.Must(logits.CrossEntropyLoss(labels, ts.None, 1, -100, 0, false)), nil
}

// Probabilities turns logits into class probabilities [B, C] (C = 2 for the
// one-logit form: [1-p, p]).
// The caller frees p.
func (m *Classifier) Probabilities(logits *ts.Tensor) (p *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: probabilities")
	if m.Config.Classes == 2 {
		var s tensor.Scope
		defer s.Free()
		pos := s.M(logits.Sigmoid(false))
		neg := s.M(s.M(logits.Neg(false)).Sigmoid(false)) // σ(-x) = 1 - σ(x)
		return tensor.Must(ts.Cat([]*ts.Tensor{neg, pos}, 1)), nil
	}
	return tensor.Must(logits.Softmax(1, gotch.Float, false)), nil
}
