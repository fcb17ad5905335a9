package infer

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

var texts = []string{"a good film", "a bad , bad film", "good", "film film film film film film"}

// writeRun writes a classifier run folder by hand: a fresh model's weights
// as model.pt, its vocabulary and config.json with the text settings.
func writeRun(t *testing.T, dir string, text rundir.Text) *lstm.Classifier {
	t.Helper()
	return writePooledRun(t, dir, text, lstm.Last)
}

// writePooledRun is writeRun with the model's pooling.
func writePooledRun(t *testing.T, dir string, text rundir.Text, pooling lstm.Pooling) *lstm.Classifier {
	t.Helper()
	return writeSeededRun(t, dir, text, pooling, 7)
}

// writeSeededRun is writePooledRun with the seed of the model's weights.
func writeSeededRun(t *testing.T, dir string, text rundir.Text, pooling lstm.Pooling, seed int64) *lstm.Classifier {
	t.Helper()
	v := vocab.New(vocab.CountTexts(texts, vocab.Whitespace).Counter, vocab.Options{})
	libtorch.Seed(seed)
	m, err := lstm.NewClassifier(lstm.Config{Vocab: v.Len(), Embed: 6, Hidden: 5, Head: 4, Classes: 3, Pooling: pooling}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	run, err := rundir.NewFolder(dir, "classify")
	if err != nil {
		t.Fatal(err)
	}
	info, err := rundir.NewInfo("classify", m.Config, text, []string{"neg", "neutral", "pos"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.WriteJSON(rundir.ConfigFile, info); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(run.Path(rundir.VocabFile)); err != nil {
		t.Fatal(err)
	}
	if err := m.Params.Save(run.Path(rundir.BestFile)); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPredictorLoadsRun: a predictor built from the folder alone (other
// initial weights, the vocabulary from vocab.txt, the tokenizer and
// truncation from config.json) gives the saved model's probabilities.
func TestPredictorLoadsRun(t *testing.T) {
	runtime.LockOSThread()
	dir := filepath.Join(t.TempDir(), "run")
	text := rundir.Text{Tokenizer: "whitespace", MaxLen: 3, Truncate: "head"}
	m := writeRun(t, dir, text)
	libtorch.Seed(8) // the loaded model starts from other weights
	p, err := LoadPredictor(dir, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	preds, err := p.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	want := probabilities(t, m, p, texts)
	for i, pr := range preds {
		best := 0
		for k, q := range pr.Probs {
			if math.Abs(q-float64(want[i*3+k])) > 1e-6 {
				t.Errorf("text %d class %d: probability %g, the saved model's %g", i, k, q, want[i*3+k])
			}
			if q > pr.Probs[best] {
				best = k
			}
		}
		if pr.Label != p.Info.Labels[best] || pr.Prob != pr.Probs[best] {
			t.Errorf("text %d: %s %g, want the most likely class %s", i, pr.Label, pr.Prob, p.Info.Labels[best])
		}
	}
}

// probabilities runs m, the model as saved, on texts encoded by hand: split
// at white space, the first 3 ids kept.
func probabilities(t *testing.T, m *lstm.Classifier, p *Predictor, texts []string) []float32 {
	t.Helper()
	var seqs [][]int64
	for _, s := range texts {
		ids := p.vocab.Encode(strings.Fields(s))
		seqs = append(seqs, ids[:min(len(ids), 3)])
	}
	ids, lengths, T, err := p.pad.Pad(seqs)
	if err != nil {
		t.Fatal(err)
	}
	var probs []float32
	tensor.NoGrad(func() {
		var s tensor.Scope
		defer s.Free()
		x := s.M(tensor.Int64(ids, []int64{int64(len(texts)), int64(T)}, gotch.CPU))
		logits := s.M(m.Forward(x, lengths, false))
		probs, err = tensor.Float32s(s.M(m.Probabilities(logits)))
	})
	if err != nil {
		t.Fatal(err)
	}
	return probs
}

func TestLoadErrors(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	writeRun(t, good, rundir.Text{Tokenizer: "whitespace"})
	damaged := filepath.Join(dir, "damaged")
	os.MkdirAll(damaged, 0o755)
	os.WriteFile(filepath.Join(damaged, rundir.ConfigFile), []byte(`{"torchrnn": "0.1.0", "task": `), 0o644)
	other := filepath.Join(dir, "other")
	writeRun(t, other, rundir.Text{Tokenizer: "whitespace"})
	small := vocab.New(vocab.CountTexts([]string{"film"}, vocab.Whitespace).Counter, vocab.Options{})
	if err := small.Save(filepath.Join(other, rundir.VocabFile)); err != nil {
		t.Fatal(err)
	}
	unknown := filepath.Join(dir, "unknown")
	writeRun(t, unknown, rundir.Text{Tokenizer: "bpe"})
	for _, tc := range []struct {
		name, dir, want string
		load            func(string, gotch.Device) error
	}{
		{"damaged", damaged, "damaged", predictor},
		{"no folder", filepath.Join(dir, "missing"), "no such file", predictor},
		{"vocabulary of another run", other, "files of different runs", predictor},
		{"unknown tokenizer", unknown, `tokenizer "bpe"`, predictor},
		{"classifier as language model", good, "not a language model", generator},
	} {
		if err := tc.load(tc.dir, gotch.CPU); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

func predictor(dir string, d gotch.Device) error { _, err := LoadPredictor(dir, d); return err }
func generator(dir string, d gotch.Device) error { _, err := LoadGenerator(dir, d); return err }

// TestPredictSortsBatchesKeepsOrder: Predict runs texts in batches sorted
// by length, yet each prediction is the one of its own text, as predicted
// alone, in the order given: 150 texts of 1 to 40 words (three batches).
func TestPredictSortsBatchesKeepsOrder(t *testing.T) {
	runtime.LockOSThread()
	dir := filepath.Join(t.TempDir(), "run")
	writeRun(t, dir, rundir.Text{Tokenizer: "whitespace"})
	p, err := LoadPredictor(dir, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(strings.Join(texts, " "))
	many := make([]string, 150)
	for i := range many {
		n := 1 + (i*37)%40 // lengths out of order
		w := make([]string, n)
		for j := range w {
			w[j] = words[(i+j*7)%len(words)]
		}
		many[i] = strings.Join(w, " ")
	}
	preds, err := p.Predict(many)
	if err != nil {
		t.Fatal(err)
	}
	if len(preds) != len(many) {
		t.Fatalf("%d predictions for %d texts", len(preds), len(many))
	}
	for i, text := range many {
		alone, err := p.Predict([]string{text})
		if err != nil {
			t.Fatal(err)
		}
		for k, q := range preds[i].Probs {
			if math.Abs(q-alone[0].Probs[k]) > 1e-5 {
				t.Fatalf("text %d (%d words) class %d: %g in the batch, %g alone", i, len(strings.Fields(text)), k, q, alone[0].Probs[k])
			}
		}
	}
}
