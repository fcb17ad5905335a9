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

// Predict classifies texts, in batches of up to 64.
func (p *Predictor) Predict(texts []string) ([]Prediction, error) {
	preds, _, err := p.predict(texts, false)
	return preds, err
}

// predict classifies texts, in batches of up to 64; with explain, also
// each text's row of step weights (length T of its batch; nil rows for a
// pooling without weights).
func (p *Predictor) predict(texts []string, explain bool) ([]Prediction, [][]float32, error) {
	var out []Prediction
	var rows [][]float32
	for lo := 0; lo < len(texts); lo += 64 {
		hi := min(lo+64, len(texts))
		probs, weights, T, err := p.probabilities(texts[lo:hi], explain)
		if err != nil {
			return nil, nil, err
		}
		C := len(p.Info.Labels)
		for i := range texts[lo:hi] {
			row := make([]float64, C)
			best := 0
			for k := range row {
				row[k] = float64(probs[i*C+k])
				if row[k] > row[best] {
					best = k
				}
			}
			out = append(out, Prediction{Label: p.Info.Labels[best], Prob: row[best], Probs: row})
			if weights != nil {
				rows = append(rows, weights[i*T:(i+1)*T])
			} else if explain {
				rows = append(rows, nil)
			}
		}
	}
	return out, rows, nil
}

// probabilities runs one batch in evaluation mode: [B, C] flattened; with
// explain also the pooling's step weights [B, T] flattened (nil for
// poolings without weights) and T.
func (p *Predictor) probabilities(texts []string, explain bool) (probs, weights []float32, T int, err error) {
	defer tensor.Catch(&err, "infer: predict")
	seqs := p.vocab.EncodeAll(vocab.TokenizeAll(texts, p.tok))
	ids, lengths, T, err := p.pad.Pad(seqs)
	tensor.Check(err)
	tensor.NoGrad(func() {
		var s tensor.Scope
		defer s.Free()
		x := s.M(tensor.Int64(ids, []int64{int64(len(texts)), int64(T)}, p.device))
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
