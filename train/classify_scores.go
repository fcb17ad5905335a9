package train

import (
	"fmt"
	"io"
	"strings"

	"github.com/torchrnn/torchrnn/confusion"
	"github.com/torchrnn/torchrnn/torch"
)

// classScores tallies a multi-class classifier's evaluations class by
// class: precision, recall and F1 per class and macro F1 (package
// confusion). A nil *classScores (two classes) tallies nothing.
type classScores struct {
	labels []string
	m      *confusion.Matrix            // the evaluation under way
	done   map[string]*confusion.Scores // the last finished evaluation of each split
}

// newClassScores returns a tally for more than two labels, else nil.
func newClassScores(labels []string) *classScores {
	if len(labels) <= 2 {
		return nil
	}
	return &classScores{labels: labels, done: map[string]*confusion.Scores{}}
}

// start begins an evaluation.
func (s *classScores) start() {
	if s != nil {
		s.m = confusion.New(s.labels)
	}
}

// add counts a batch: logits [B, C], gold class ids [B].
func (s *classScores) add(logits *torch.Tensor, gold []int64) error {
	if s == nil || s.m == nil {
		return nil
	}
	x, err := torch.Float32s(logits)
	if err != nil {
		return err
	}
	C := len(s.labels)
	if len(x) != C*len(gold) {
		return fmt.Errorf("per-class scores: %d logits for %d examples of %d classes", len(x), len(gold), C)
	}
	for i, g := range gold {
		row, best := x[i*C:(i+1)*C], 0
		for k, v := range row {
			if v > row[best] {
				best = k
			}
		}
		if err := s.m.Add(g, int64(best)); err != nil {
			return err
		}
	}
	return nil
}

// finish ends the evaluation of split name and keeps its scores.
func (s *classScores) finish(name string) {
	if s != nil && s.m != nil {
		sc := s.m.Scores()
		s.done[name], s.m = &sc, nil
	}
}

// get returns the scores of split name's last evaluation (nil: none).
func (s *classScores) get(name string) *confusion.Scores {
	if s == nil {
		return nil
	}
	return s.done[name]
}

// line prints split name's last scores on one line:
//
//	valid F1  negative 0.5401  neutral 0.6012  positive 0.7000  macro 0.6138  F1^PN 0.6200
func (s *classScores) line(out io.Writer, name string) {
	sc := s.get(name)
	if sc == nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s F1", name)
	for _, c := range sc.Classes {
		fmt.Fprintf(&b, "  %s %.4f", c.Label, c.F1)
	}
	fmt.Fprintf(&b, "  macro %.4f", sc.MacroF1)
	if sc.PosNegF1 != nil {
		fmt.Fprintf(&b, "  F1^PN %.4f", *sc.PosNegF1)
	}
	fmt.Fprintln(out, b.String())
}
