package conll

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// Chunk spans worked out by hand with conlleval's rules.
func TestChunks(t *testing.T) {
	for _, tc := range []struct {
		name string
		tags string
		want []Chunk
	}{
		{"IOB2", "B-NP I-NP O B-VP B-NP", []Chunk{{0, 2, "NP"}, {3, 4, "VP"}, {4, 5, "NP"}}},
		// IOB1: I- opens a chunk; B- only splits two chunks of one type.
		{"IOB1", "I-NP I-NP B-NP I-NP O I-VP", []Chunk{{0, 2, "NP"}, {2, 4, "NP"}, {5, 6, "VP"}}},
		// A stray I- (after O or another type) opens a chunk, as conlleval reads it.
		{"stray I after O", "O I-PER I-PER O", []Chunk{{1, 3, "PER"}}},
		{"stray I after other type", "B-LOC I-PER I-PER", []Chunk{{0, 1, "LOC"}, {1, 3, "PER"}}},
		{"at sentence start", "I-ORG", []Chunk{{0, 1, "ORG"}}},
		{"IOBES", "S-X B-Y E-Y S-Y O B-Z I-Z E-Z", []Chunk{{0, 1, "X"}, {1, 3, "Y"}, {3, 4, "Y"}, {5, 8, "Z"}}},
		{"E then I of one type", "I-NP E-NP I-NP", []Chunk{{0, 2, "NP"}, {2, 3, "NP"}}},
		{"all O", "O O", nil},
	} {
		if got := Chunks(strings.Fields(tc.tags)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %s -> %v, want %v", tc.name, tc.tags, got, tc.want)
		}
	}
}

// Score's counts, hand-worked: gold has 4 chunks, the guess 4, 2 of them
// exact (same start, end and type).
func TestScore(t *testing.T) {
	var s Score
	gold := [][]string{strings.Fields("B-NP I-NP O B-VP B-PP"), strings.Fields("B-PER I-PER")}
	guess := [][]string{strings.Fields("B-NP I-NP O B-NP I-NP"), strings.Fields("I-PER I-PER")}
	// guess chunks: (0,2,NP) ok, (3,5,NP) wrong; (0,2,PER) ok from a stray
	// I-; gold (3,4,VP), (4,5,PP) missed.
	for i := range gold {
		if err := s.Add(gold[i], guess[i]); err != nil {
			t.Fatal(err)
		}
	}
	if s.All != (Counts{Gold: 4, Guessed: 3, Correct: 2}) {
		t.Fatalf("counts %+v, want gold 4, guessed 3, correct 2", s.All)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if p, r, f := s.All.Precision(), s.All.Recall(), s.All.F1(); !near(p, 2.0/3) || !near(r, 0.5) || !near(f, 2*(2.0/3)*0.5/(2.0/3+0.5)) {
		t.Errorf("precision %v recall %v F1 %v", p, r, f)
	}
	if s.Tokens != 7 || s.CorrectTokens != 4 || !near(s.Accuracy(), 4.0/7) {
		t.Errorf("tokens %d correct %d", s.Tokens, s.CorrectTokens)
	}
	if np := *s.ByType["NP"]; np != (Counts{Gold: 1, Guessed: 2, Correct: 1}) {
		t.Errorf("NP %+v", np)
	}
	if pp := *s.ByTag["B-PP"]; pp != (Counts{Gold: 1, Guessed: 0, Correct: 0}) {
		t.Errorf("tag B-PP %+v", pp)
	}
	if err := s.Add([]string{"O"}, nil); err == nil {
		t.Error("tags of different lengths: no error")
	}
	var b strings.Builder
	s.Report(&b)
	if !strings.Contains(b.String(), "found: 3 phrases; correct: 2.") || !strings.Contains(b.String(), "FB1:  57.14") {
		t.Errorf("report:\n%s", b.String())
	}
}

func TestIsChunkScheme(t *testing.T) {
	if !IsChunkScheme([]string{"O", "B-NP", "I-NP"}) || IsChunkScheme([]string{"NOUN", "VERB"}) || IsChunkScheme([]string{"O"}) {
		t.Error("IsChunkScheme")
	}
}
