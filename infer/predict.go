package infer

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/vocab"
)

// Predictor classifies texts with the best model of a classifier run.
type Predictor struct {
	Info   *rundir.RunInfo
	Model  *lstm.Classifier
	vocab  *vocab.Vocab
	tok    vocab.Tokenizer
	pad    seq.Padding
	device gotch.Device
}

// Prediction is a class and its probability, with every class's.
type Prediction struct {
	Label string
	Prob  float64
	Probs []float64 // per class id
}

// LoadPredictor reads a run folder: config.json, vocab.txt and model.pt.
// The model's weights live on device until the process ends.
func LoadPredictor(dir string, device gotch.Device) (*Predictor, error) {
	run, info, text, err := open(dir, "classify", "a classifier (use cmd/generate for language models)")
	if err != nil {
		return nil, err
	}
	if len(info.Labels) != info.Model.Classes {
		return nil, fmt.Errorf("infer: %s: %d labels for %d classes", run.Path(rundir.ConfigFile), len(info.Labels), info.Model.Classes)
	}
	tok, err := rundir.Tokenizer(text.Tokenizer)
	if err != nil {
		return nil, err
	}
	v, m, err := rundir.LoadModel(run, info, device, lstm.NewClassifier, func(m *lstm.Classifier) *lstm.Params { return m.Params })
	if err != nil {
		return nil, err
	}
	return &Predictor{Info: info, Model: m, vocab: v, tok: tok, pad: text.Padding(), device: device}, nil
}

// predictBatch is how many texts Predict runs at once.
const predictBatch = 64

// Predict classifies texts, in batches of up to 64 texts of similar length
// (sorted by length, so that a batch holds little padding); the
// predictions are in the order of texts.
func (p *Predictor) Predict(texts []string) ([]Prediction, error) {
	preds, _, err := p.predict(texts, false)
	return preds, err
}

// predict classifies texts as Predict does; with explain, also each
// text's row of step weights (length T of its batch; nil rows for a
// pooling without weights).
func (p *Predictor) predict(texts []string, explain bool) ([]Prediction, [][]float32, error) {
	if len(texts) == 0 {
		return nil, nil, nil
	}
	seqs := p.vocab.EncodeAll(vocab.TokenizeAll(texts, p.tok))
	lengths := make([]int, len(seqs))
	for i, s := range seqs {
		lengths[i] = len(s)
	}
	sampler, err := seq.NewSampler(lengths, seq.Options{Batch: predictBatch, Bucket: true})
	if err != nil {
		return nil, nil, fmt.Errorf("infer: predict: %w", err)
	}
	out := make([]Prediction, len(texts))
	var rows [][]float32
	if explain {
		rows = make([][]float32, len(texts))
	}
	C := len(p.Info.Labels)
	for _, idx := range sampler.Epoch(0) {
		batch := make([][]int64, len(idx))
		for i, j := range idx {
			batch[i] = seqs[j]
		}
		probs, weights, T, err := p.probabilities(batch, explain)
		if err != nil {
			return nil, nil, err
		}
		for i, j := range idx {
			out[j] = prediction(p.Info.Labels, probs[i*C:(i+1)*C])
			if weights != nil {
				rows[j] = weights[i*T : (i+1)*T]
			}
		}
	}
	return out, rows, nil
}

// prediction is the most probable of labels given their probabilities.
func prediction(labels []string, probs []float32) Prediction {
	row := make([]float64, len(probs))
	for k, q := range probs {
		row[k] = float64(q)
	}
	return mostLikely(labels, row)
}

// mostLikely is the prediction of probabilities row (kept) over labels: the
// first most probable class.
func mostLikely(labels []string, row []float64) Prediction {
	best := 0
	for k, q := range row {
		if q > row[best] {
			best = k
		}
	}
	return Prediction{Label: labels[best], Prob: row[best], Probs: row}
}

// probabilities runs one batch of encoded texts in evaluation mode: [B, C]
// flattened; with explain also the pooling's step weights [B, T] flattened
// (nil for poolings without weights) and T.
func (p *Predictor) probabilities(seqs [][]int64, explain bool) (probs, weights []float32, T int, err error) {
	defer tensor.Catch(&err, "infer: predict")
	ids, lengths, T, err := p.pad.Pad(seqs)
	tensor.Check(err)
	tensor.NoGrad(func() {
		var s tensor.Scope
		defer s.Free()
		x := s.M(tensor.Int64(ids, []int64{int64(len(seqs)), int64(T)}, p.device))
		logits, w, err := p.Model.Explain(x, lengths, false)
		tensor.Check(err)
		s.T(logits)
		if w != nil {
			s.T(w)
			if explain {
				weights = tensor.Val(tensor.Float32s(w))
			}
		}
		probs = tensor.Val(tensor.Float32s(s.M(p.Model.Probabilities(logits))))
	})
	return probs, weights, T, nil
}
