// Package confusion counts a classifier's predictions by true and predicted
// class and derives the per-class scores: precision, recall and F1 of each
// class, their macro average, and SemEval-2016 Task 4A's measure for
// sentiment (the mean F1 of the positive and the negative class).
//
// A Matrix is not safe for concurrent use; Scores values are plain data.
package confusion

import (
	"fmt"
	"io"
	"strings"
)

// Matrix counts predictions: Counts[gold][guess].
type Matrix struct {
	Labels []string  // class id -> name
	Counts [][]int64 // [gold][guess]
}

// New returns an empty matrix over labels (class id -> name).
func New(labels []string) *Matrix {
	m := &Matrix{Labels: labels, Counts: make([][]int64, len(labels))}
	for i := range m.Counts {
		m.Counts[i] = make([]int64, len(labels))
	}
	return m
}

// Add counts one prediction. Ids outside the labels are an error.
func (m *Matrix) Add(gold, guess int64) error {
	n := int64(len(m.Labels))
	if gold < 0 || gold >= n || guess < 0 || guess >= n {
		return fmt.Errorf("confusion: class ids %d, %d outside 0..%d", gold, guess, n-1)
	}
	m.Counts[gold][guess]++
	return nil
}

// Class is one class's scores. Precision is 0 for a class never
// predicted, recall 0 for one that never occurs, and F1 0 when both are.
type Class struct {
	Label     string  `json:"label"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int64   `json:"support"` // examples of this class
}

// Scores are the per-class scores of a matrix and their macro average
// (the unweighted mean of the classes' F1, every class counted).
type Scores struct {
	Classes []Class `json:"classes"`
	MacroF1 float64 `json:"macro_f1"`
	// PosNegF1 is PosNegF1's value when the labels include positive and
	// negative (any case), else absent.
	PosNegF1 *float64 `json:"pos_neg_f1,omitempty"`
}

// Scores computes the per-class scores.
func (m *Matrix) Scores() Scores {
	var s Scores
	for c, label := range m.Labels {
		var predicted, support int64
		for g := range m.Labels {
			predicted += m.Counts[g][c]
			support += m.Counts[c][g]
		}
		right := m.Counts[c][c]
		k := Class{Label: label, Support: support}
		if predicted > 0 {
			k.Precision = float64(right) / float64(predicted)
		}
		if support > 0 {
			k.Recall = float64(right) / float64(support)
		}
		if k.Precision+k.Recall > 0 {
			k.F1 = 2 * k.Precision * k.Recall / (k.Precision + k.Recall)
		}
		s.Classes = append(s.Classes, k)
		s.MacroF1 += k.F1 / float64(len(m.Labels))
	}
	if f, ok := PosNegF1(s.Classes); ok {
		s.PosNegF1 = &f
	}
	return s
}

// PosNegF1 is the mean of the F1 of the classes labelled positive and
// negative (any case): SemEval-2016 Task 4 subtask A's official measure
// (F1^PN), which leaves the neutral class out. ok is false when either
// class is missing.
func PosNegF1(classes []Class) (f1 float64, ok bool) {
	var pos, neg *Class
	for i, c := range classes {
		switch strings.ToLower(c.Label) {
		case "positive":
			pos = &classes[i]
		case "negative":
			neg = &classes[i]
		}
	}
	if pos == nil || neg == nil {
		return 0, false
	}
	return (pos.F1 + neg.F1) / 2, true
}

// Write prints the scores as a table, one line per class, then the macro
// F1 (and F1^PN when present), each line starting with prefix:
//
//	valid  class     precision   recall      f1  support
//	valid  negative     61.20%   48.33%  0.5401      391
//	...
//	valid  macro F1 0.6012, F1 of positive and negative 0.5830
func (s Scores) Write(w io.Writer, prefix string) {
	width := len("class")
	for _, c := range s.Classes {
		width = max(width, len([]rune(c.Label)))
	}
	fmt.Fprintf(w, "%s  %-*s  %9s  %7s  %6s  %7s\n", prefix, width, "class", "precision", "recall", "f1", "support")
	for _, c := range s.Classes {
		fmt.Fprintf(w, "%s  %-*s  %8.2f%%  %6.2f%%  %6.4f  %7d\n", prefix, width, c.Label, 100*c.Precision, 100*c.Recall, c.F1, c.Support)
	}
	fmt.Fprintf(w, "%s  macro F1 %.4f", prefix, s.MacroF1)
	if s.PosNegF1 != nil {
		fmt.Fprintf(w, ", F1 of positive and negative %.4f", *s.PosNegF1)
	}
	fmt.Fprintln(w)
}
