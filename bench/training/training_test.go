package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/corpus"
	"github.com/torchrnn/torchrnn/imdb"
)

// The permutations benchlib.shuffled gives in Python.
func TestShuffledMatchesPython(t *testing.T) {
	for _, c := range []struct {
		n    int
		seed uint64
		want []int
	}{
		{10, 1, []int{0, 8, 1, 6, 4, 7, 5, 2, 9, 3}},
		{7, 3, []int{0, 6, 4, 3, 5, 1, 2}},
	} {
		if got := shuffled(c.n, c.seed); !slices.Equal(got, c.want) {
			t.Errorf("shuffled(%d, %d) = %v, want %v", c.n, c.seed, got, c.want)
		}
	}
}

// sampleDir writes n training and n test reviews of the built-in sample,
// half of each label, as an aclImdb folder.
func sampleDir(t *testing.T, n int) string {
	t.Helper()
	train, test, err := imdb.Sample()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, d := range []*imdb.Dataset{train, test} {
		split := filepath.Base(filepath.Dir(filepath.Dir(d.Examples[0].Source)))
		kept := map[int]int{}
		for _, e := range d.Examples {
			if kept[e.Label] == n/2 {
				continue
			}
			kept[e.Label]++
			path := filepath.Join(dir, split, d.Labels[e.Label], filepath.Base(e.Source))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(e.Text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// Both strategies compute the same model on the same batches: the same
// losses, up to float rounding.
func TestClassifyStrategiesAgree(t *testing.T) {
	dir := sampleDir(t, 64)
	var losses []float64
	for _, strategy := range []string{"packed", "padded"} {
		r, err := classify([]string{"-data", dir, "-strategy", strategy, "-batches", "2", "-batch", "8"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Examples != 64 || r.EvalExamples != 64 || r.Batches != 2 || r.Tokens < 16 || r.TokensPerS <= 0 {
			t.Errorf("%s: %+v", strategy, r)
		}
		losses = append(losses, r.TrainLoss, r.EvalLoss)
	}
	for i := range 2 {
		if d := losses[i] - losses[i+2]; d > 1e-5 || d < -1e-5 {
			t.Errorf("packed loss %v, padded %v", losses[i], losses[i+2])
		}
	}
	if _, err := classify([]string{"-data", filepath.Join(dir, "missing")}); err == nil {
		t.Error("no error for missing data")
	}
}

func TestLanguageModel(t *testing.T) {
	text, err := corpus.TinyShakespeare()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "text.txt")
	if err := os.WriteFile(path, []byte(text[:5000]), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := languageModel([]string{"-text", path, "-batch", "8", "-bptt", "20", "-hidden", "16", "-sample", "5"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Examples != 5000 || r.Batches == 0 || r.EvalLoss <= 0 || r.SampleChars != 5 {
		t.Errorf("%+v", r)
	}
	if _, err := languageModel([]string{"-text", path, "-prompt", "§"}); err == nil {
		t.Error("no error for a prompt outside the vocabulary")
	}
}
