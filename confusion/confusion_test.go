package confusion

import (
	"math"
	"strings"
	"testing"
)

func fill(t *testing.T, labels []string, counts [][]int64) *Matrix {
	t.Helper()
	m := New(labels)
	for g, row := range counts {
		for p, n := range row {
			for range n {
				if err := m.Add(int64(g), int64(p)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return m
}

// Hand-computed: negative P 3/5 R 3/4, neutral P 2/4 R 2/4, positive
// P 4/4 R 4/5.
func TestScores(t *testing.T) {
	m := fill(t, []string{"negative", "neutral", "Positive"}, [][]int64{{3, 1, 0}, {2, 2, 0}, {0, 1, 4}})
	s := m.Scores()
	want := []Class{
		{"negative", 0.6, 0.75, 2 * 0.6 * 0.75 / 1.35, 4},
		{"neutral", 0.5, 0.5, 0.5, 4},
		{"Positive", 1, 0.8, 1.6 / 1.8, 5},
	}
	for i, w := range want {
		g := s.Classes[i]
		if g.Label != w.Label || g.Support != w.Support || !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F1, w.F1) {
			t.Errorf("class %d: %+v, want %+v", i, g, w)
		}
	}
	if macro := (want[0].F1 + want[1].F1 + want[2].F1) / 3; !near(s.MacroF1, macro) {
		t.Errorf("macro F1 %g, want %g", s.MacroF1, macro)
	}
	if s.PosNegF1 == nil || !near(*s.PosNegF1, (want[0].F1+want[2].F1)/2) {
		t.Errorf("F1^PN %v, want %g", s.PosNegF1, (want[0].F1+want[2].F1)/2)
	}
	var b strings.Builder
	s.Write(&b, "test")
	if !strings.Contains(b.String(), "test  negative     60.00%   75.00%  0.6667        4\n") ||
		!strings.HasSuffix(b.String(), "test  macro F1 0.6852, F1 of positive and negative 0.7778\n") {
		t.Errorf("table:\n%s", b.String())
	}
}

// A class never predicted nor present scores 0, not NaN, and still
// counts in the macro average; labels without positive/negative have no
// F1^PN; ids outside the labels are errors.
func TestEdges(t *testing.T) {
	m := fill(t, []string{"a", "b", "c"}, [][]int64{{2, 0, 0}, {1, 1, 0}, {0, 0, 0}})
	s := m.Scores()
	if c := s.Classes[2]; c.Precision != 0 || c.Recall != 0 || c.F1 != 0 {
		t.Errorf("empty class: %+v", c)
	}
	if f := (0.8 + 2.0/3) / 3; !near(s.MacroF1, f) || s.PosNegF1 != nil {
		t.Errorf("macro F1 %g (want %g), F1^PN %v", s.MacroF1, f, s.PosNegF1)
	}
	if err := m.Add(3, 0); err == nil {
		t.Error("gold id 3 of 3 classes: no error")
	}
	if _, ok := PosNegF1([]Class{{Label: "positive"}}); ok {
		t.Error("F1^PN without a negative class")
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
