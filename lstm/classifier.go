package lstm

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// Classifier is embedding -> embedding dropout -> recurrent stack ->
// pooling -> dropout -> fc1 -> ReLU -> dropout -> fc2, with PyTorch's names
// (embedding.weight, rnn.weight_ih_l0, pool.proj.weight, fc1.weight, ...).
// Two classes give one logit, more give one per class.
type Classifier struct {
	Config    Config
	Params    *Params
	Embedding *Embedding
	RNN       *RNN
	Attention *AttentionPool // attention pooling's parameters; nil for the others
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
	if build := cfg.Pooling.kind().build; build != nil {
		m.Attention = build(p, "pool.", D*int64(cfg.Hidden))
	}
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
	logits, weights, err := m.Explain(ids, lengths, train)
	if weights != nil {
		weights.MustDrop()
	}
	return logits, err
}

// Explain is Forward that also returns how much each step counted in the
// pooling, for poolings that weigh steps (attention):
//
//	-> logits as Forward, weights [B, T] (each row sums to 1 over its
//	   lengths[b] steps, 0 at padding); nil weights for other poolings
//
// The caller frees logits and weights; ids stay the caller's.
func (m *Classifier) Explain(ids *ts.Tensor, lengths []int64, train bool) (logits, weights *ts.Tensor, err error) {
	defer tensor.Catch(&err, "lstm: classifier forward")
	kind := m.Config.Pooling.kind()
	if kind == nil {
		tensor.Fail("pooling %q: want %s", m.Config.Pooling, poolingNames())
	}
	var s tensor.Scope
	defer s.Free()
	x := s.M(m.Embedding.Forward(ids)) // [B, T] -> [B, T, E]
	if train && m.Config.EmbedDropout > 0 {
		x = s.M(ts.Dropout(x, m.Config.EmbedDropout, true))
	}
	out, hn := m.RNN.forward(x, lengths, State{}, train, kind.outputs, false) // no C: no pooling needs it
	defer hn.Drop()
	if out != nil {
		s.T(out)
	}
	feat, weights := kind.pool(m, out, hn, lengths) // [B, D*H], [B, T] or nil
	s.T(feat)
	if train && m.Config.Dropout > 0 {
		feat = s.M(ts.Dropout(feat, m.Config.Dropout, true))
	}
	h := s.M(m.FC1.Forward(feat))
	h = s.M(h.Relu(false))
	if train && m.Config.Dropout > 0 {
		h = s.M(ts.Dropout(h, m.Config.Dropout, true))
	}
	return tensor.Must(m.FC2.Forward(h)), weights, nil
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

// WeightedLoss is Loss with each example weighted by its class's weight
// (weights [C] float, on logits' device; nil: Loss) and the sum divided by
// the batch's total weight, as PyTorch's weighted cross_entropy does.
// The caller frees the scalar loss; weights stay the caller's.
func (m *Classifier) WeightedLoss(logits, labels, weights *ts.Tensor) (loss *ts.Tensor, err error) {
	if weights == nil {
		return m.Loss(logits, labels)
	}
	defer tensor.Catch(&err, "lstm: classifier weighted loss")
	if m.Config.Classes != 2 {
		return tensor.Must(logits.CrossEntropyLoss(labels, weights, 1, -100, 0, false)), nil
	}
	var s tensor.Scope
	defer s.Free()
	flat := s.M(logits.View([]int64{-1}, false))
	target := s.M(labels.Totype(gotch.Float, false))
	w := s.M(weights.IndexSelect(0, labels, false))                             // [B]
	sum := s.M(flat.BinaryCrossEntropyWithLogits(target, w, ts.None, 2, false)) // reduction sum
	return tensor.Must(sum.Div(s.M(w.Sum(gotch.Float, false)), false)), nil
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
