package train

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/vocab"
)

// Word dropout feeds a training word of count n as <unk> with probability
// α/(α+n), the same words for the same example and epoch, never padding
// or <unk>; without -word-dropout there is none.
func TestWordDropout(t *testing.T) {
	texts := [][]int64{{2, 3, 3, 4}, {3, 5, vocab.UnkID}}
	if newWordDrop(0, 7, texts).epoch(1) != nil {
		t.Fatal("word dropout without -word-dropout")
	}
	w := newWordDrop(1, 7, texts)
	drop := w.epoch(1)
	batch := func(example int) []int64 {
		ids := []int64{2, 3, 3, 4, vocab.PadID, vocab.UnkID}
		drop(example, ids)
		return ids
	}
	if a, b := batch(5), batch(5); !slices.Equal(a, b) || a[4] != vocab.PadID || a[5] != vocab.UnkID {
		t.Errorf("the same example dropped %v, then %v (padding and <unk> must stay)", a, b)
	}
	// Word 3 is seen 3 times: p = 1/(1+3); word 2 once: p = 1/2.
	var dropped [2]int
	const n = 20000
	for first := range n {
		ids := batch(first)
		for k, at := range []int{0, 1} {
			if ids[at] == vocab.UnkID {
				dropped[k]++
			}
		}
	}
	for k, want := range []float64{0.5, 0.25} {
		if got := float64(dropped[k]) / n; math.Abs(got-want) > 0.015 {
			t.Errorf("word %d dropped at rate %.3f, want %.2f", []int{2, 3}[k], got, want)
		}
	}
	other := w.epoch(2)
	same := 0
	for first := range 200 {
		x, y := batch(first), []int64{2, 3, 3, 4, vocab.PadID, vocab.UnkID}
		other(first, y)
		if slices.Equal(x, y) {
			same++
		}
	}
	if same == 200 {
		t.Error("epochs 1 and 2 drop the same words in every example")
	}
}

// The classifier's batches drop words in a copy: the training texts stay
// as they were, and a batch built without dropout keeps every word.
func TestClassifierWordDropoutCopies(t *testing.T) {
	e := encoded{ids: [][]int64{{2, 3, 4}, {5, 6}}, labels: []int64{0, 1}, lengths: []int{3, 2}}
	pad := DefaultConfig("classify").text().Padding()
	all := func(_ int, ids []int64) {
		for i := range ids {
			ids[i] = vocab.UnkID
		}
	}
	order := [][]int{{0, 1}}
	for b := range batches(t.Context(), e, order, pad, all) {
		if b.err != nil {
			t.Fatal(b.err)
		}
		for i, s := range b.seqs {
			if len(s) != len(e.ids[i]) || slices.ContainsFunc(s, func(id int64) bool { return id != vocab.UnkID }) {
				t.Errorf("text %d after dropping every word: %v", i, s)
			}
		}
	}
	if !slices.Equal(e.ids[0], []int64{2, 3, 4}) || !slices.Equal(e.ids[1], []int64{5, 6}) {
		t.Errorf("word dropout changed the training texts: %v", e.ids)
	}
	for b := range batches(t.Context(), e, order, pad, nil) {
		if !slices.Equal(b.seqs[0], e.ids[0]) || !slices.Equal(b.seqs[1], e.ids[1]) {
			t.Errorf("without dropout: %v, want %v", b.seqs, e.ids)
		}
	}
}

// -word-dropout and -lr-final out of range are errors naming the flag, for
// every task that reads them.
func TestWordDropoutAndLRFinalFlags(t *testing.T) {
	for _, task := range []string{"classify", "tag", "seq2seq"} {
		for _, tc := range []struct {
			set  func(*Config)
			want string
		}{
			{func(c *Config) { c.WordDropout = -1 }, "-word-dropout -1"},
			{func(c *Config) { c.WordDropout = math.NaN() }, "-word-dropout NaN"},
			{func(c *Config) { c.LRFinal = 2 }, "-lr-final 2"},
		} {
			c := DefaultConfig(task)
			tc.set(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %v, want one naming %q", task, err, tc.want)
			}
		}
	}
}

// A schedule of -lr-final replaces -anneal's division, but for the
// language model, which has no -lr-final.
func TestLRFinalReplacesAnneal(t *testing.T) {
	for _, c := range []struct {
		task          string
		anneal, final float64
		want          bool
	}{{"classify", 4, 0, true}, {"classify", 4, 1, true}, {"classify", 4, 0.1, false}, {"tag", 0, 0.1, false},
		{"classify", 1, 0, false}, {"lm", 4, 0.1, true}} {
		cfg := Config{Task: c.task, recipeSettings: recipeSettings{Anneal: c.anneal}, tagSettings: tagSettings{LRFinal: c.final}}
		if got := cfg.annealing(); got != c.want {
			t.Errorf("%s -anneal %v -lr-final %v: annealing %v, want %v", c.task, c.anneal, c.final, got, c.want)
		}
	}
}
