package infer

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/confusion"
	"github.com/torchrnn/torchrnn/rundir"
)

// Ensemble classifies texts with several classifier runs at once and
// averages their class probabilities (soft voting). Two runs of the
// default IMDB classifier, 89.32% and 89.38% on the test reviews alone,
// give 90.45% together (BENCHMARKS.md). Each member keeps its own
// vocabulary, tokenizer and truncation; the members share their labels.
type Ensemble struct {
	Members []*Predictor
}

// NewEnsemble makes an ensemble of members, at least one, whose labels must
// be the same, in the same order. The ensemble holds the members; their
// weights live until the process ends, as a Predictor's do.
func NewEnsemble(members ...*Predictor) (*Ensemble, error) {
	if len(members) == 0 {
		return nil, errors.New("infer: an ensemble needs at least one run")
	}
	for i, m := range members[1:] {
		if !slices.Equal(m.Info.Labels, members[0].Info.Labels) {
			return nil, fmt.Errorf("infer: ensemble: run %d has the labels %q, run 1 %q (the runs must have the same classes, in the same order)",
				i+2, m.Info.Labels, members[0].Info.Labels)
		}
	}
	return &Ensemble{Members: members}, nil
}

// LoadEnsemble reads the classifier runs in dirs as one ensemble: a run
// folder is one member, an ensemble's folder (rundir.EnsembleFile, as
// cmd/train -members writes) all of its members. The members' weights live
// on device until the process ends.
func LoadEnsemble(device gotch.Device, dirs ...string) (*Ensemble, error) {
	var members []*Predictor
	for _, dir := range dirs {
		runs := []string{dir}
		if rundir.IsEnsemble(dir) {
			top, e, err := rundir.OpenEnsemble(dir)
			if err != nil {
				return nil, err
			}
			if e.Task != "classify" {
				return nil, fmt.Errorf("infer: %s holds a %q ensemble, not a classifier's", dir, e.Task)
			}
			runs = e.MemberDirs(top)
		}
		for _, run := range runs {
			p, err := LoadPredictor(run, device)
			if err != nil {
				return nil, err
			}
			members = append(members, p)
		}
	}
	return NewEnsemble(members...)
}

// Labels are the class names, by class id.
func (e *Ensemble) Labels() []string { return e.Members[0].Info.Labels }

// Predict classifies texts with every member (Predictor.Predict) and
// averages their probabilities; the predictions are in the order of texts.
// An ensemble of one run predicts what that run does.
func (e *Ensemble) Predict(texts []string) ([]Prediction, error) {
	var sum [][]float64 // [text][class]
	for _, m := range e.Members {
		preds, err := m.Predict(texts)
		if err != nil {
			return nil, err
		}
		if sum == nil {
			sum = make([][]float64, len(preds))
			for i, p := range preds {
				sum[i] = make([]float64, len(p.Probs))
			}
		}
		for i, p := range preds {
			for k, q := range p.Probs {
				sum[i][k] += q
			}
		}
	}
	out := make([]Prediction, len(sum))
	for i, row := range sum {
		for k := range row {
			row[k] /= float64(len(e.Members))
		}
		out[i] = mostLikely(e.Labels(), row)
	}
	return out, nil
}

// Score is how a classifier did on labelled texts.
type Score struct {
	Texts, Right int
	Loss         float64          // mean negative log-probability of the gold class
	Classes      confusion.Scores // per class precision, recall and F1; macro F1
}

// Acc is the share of the texts classified right.
func (s Score) Acc() float64 { return float64(s.Right) / float64(max(s.Texts, 1)) }

// Score classifies texts (Predict) and scores the predictions against
// gold, the texts' class ids in the order of Labels.
func (e *Ensemble) Score(texts []string, gold []int) (Score, error) {
	if len(gold) != len(texts) {
		return Score{}, fmt.Errorf("infer: score: %d labels for %d texts", len(gold), len(texts))
	}
	preds, err := e.Predict(texts)
	if err != nil {
		return Score{}, err
	}
	m := confusion.New(e.Labels())
	s := Score{Texts: len(preds)}
	for i, p := range preds {
		guess := slices.Index(e.Labels(), p.Label)
		if err := m.Add(int64(gold[i]), int64(guess)); err != nil {
			return Score{}, err
		}
		if gold[i] == guess {
			s.Right++
		}
		s.Loss -= math.Log(max(p.Probs[gold[i]], 1e-30))
	}
	s.Loss /= float64(max(s.Texts, 1))
	s.Classes = m.Scores()
	return s, nil
}
