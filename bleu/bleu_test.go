package bleu

import (
	"math"
	"strings"
	"testing"
)

// Each case is worked by hand in its comment.
func TestCorpusByHand(t *testing.T) {
	cases := []struct {
		name       string
		hyps, refs []string
		want       float64
		precisions [4]float64
		bp         float64
	}{
		{"identical", []string{"the cat sat on the mat"}, []string{"the cat sat on the mat"}, 100,
			[4]float64{100, 100, 100, 100}, 1},
		// unigrams: the(2, clipped to 1) cat sat on mat = 5/6; bigrams: the cat,
		// cat sat, sat on = 3/5; trigrams: the cat sat, cat sat on = 2/4;
		// 4-grams: the cat sat on = 1/3. BLEU = (5/6 · 3/5 · 2/4 · 1/3)^¼ = (1/12)^¼.
		{"one word off", []string{"the cat sat on the mat"}, []string{"the cat sat on a mat"}, 100 * math.Pow(1.0/12, 0.25),
			[4]float64{500.0 / 6, 60, 50, 100.0 / 3}, 1},
		// 3/4, 1/3, then no 3- or 4-gram matches: sacreBLEU's exp smoothing gives
		// 100/(2·2) and 100/(4·1); BP = exp(1 - 5/4).
		{"smoothed and short", []string{"a b c d"}, []string{"a b x d e"},
			math.Exp(1-5.0/4) * math.Pow(75*(100.0/3)*25*25, 0.25),
			[4]float64{75, 100.0 / 3, 25, 25}, math.Exp(-0.25)},
		// Counts add over the corpus before dividing: 2+2 words, all four
		// unigrams and both bigrams match, no trigram exists: BLEU 0 (sacreBLEU
		// stops at the first order with no n-grams).
		{"no trigrams", []string{"a b", "c d"}, []string{"a b", "c d"}, 0, [4]float64{100, 100, 0, 0}, 1},
		{"empty hypothesis", []string{""}, []string{"a b c d"}, 0, [4]float64{}, 0},
	}
	for _, c := range cases {
		s, err := CorpusText(c.hyps, c.refs)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.BLEU-c.want) > 1e-9 || math.Abs(s.BP-c.bp) > 1e-12 {
			t.Errorf("%s: BLEU %.6f BP %.6f, want %.6f and %.6f", c.name, s.BLEU, s.BP, c.want, c.bp)
		}
		for n := range 4 {
			if math.Abs(s.Precisions[n]-c.precisions[n]) > 1e-9 {
				t.Errorf("%s: precisions %v, want %v", c.name, s.Precisions, c.precisions)
				break
			}
		}
	}
}

// Corpus BLEU is not the mean of sentence BLEUs: the statistics add first.
func TestStatsAdd(t *testing.T) {
	hyps := [][]string{strings.Fields("a b c d e"), strings.Fields("x y z w")}
	refs := [][]string{strings.Fields("a b c d e"), strings.Fields("x y q w v")}
	var s Stats
	for i := range hyps {
		s.Add(hyps[i], refs[i])
	}
	// unigrams 5+3 of 9, bigrams 4+1 of 7, trigrams 3+0 of 5, 4-grams 2+0 of 3
	want := Stats{HypLen: 9, RefLen: 10, Matches: [4]int{8, 5, 3, 2}, Totals: [4]int{9, 7, 5, 3}}
	if s != want {
		t.Errorf("stats %+v, want %+v", s, want)
	}
	if _, err := Corpus(hyps, refs[:1]); err == nil {
		t.Error("1 reference for 2 hypotheses: no error")
	}
}
