package infer

import (
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
)

// TestExplainWeighsKeptTokens: Explain names the tokens the model read
// (the last 3 of longer texts) with the saved model's attention weights
// on that text alone, and the same predictions as Predict.
func TestExplainWeighsKeptTokens(t *testing.T) {
	runtime.LockOSThread()
	dir := filepath.Join(t.TempDir(), "run")
	m := writePooledRun(t, dir, rundir.Text{Tokenizer: "whitespace", MaxLen: 3, Truncate: "tail"}, lstm.AttentionPooling)
	p, err := LoadPredictor(dir, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	exps, err := p.Explain(texts)
	if err != nil {
		t.Fatal(err)
	}
	preds, err := p.Predict(texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range exps {
		f := strings.Fields(texts[i])
		if want := f[max(0, len(f)-3):]; !slices.Equal(e.Tokens, want) {
			t.Errorf("text %d: tokens %q, want %q", i, e.Tokens, want)
		}
		if e.Label != preds[i].Label || e.Prob != preds[i].Prob {
			t.Errorf("text %d: %s %g, Predict says %s %g", i, e.Label, e.Prob, preds[i].Label, preds[i].Prob)
		}
		want := weightsAlone(t, m, p, e.Tokens)
		sum := 0.0
		for j, w := range e.Weights {
			sum += w
			if math.Abs(w-float64(want[j])) > 1e-6 {
				t.Errorf("text %d token %d: weight %g, the saved model alone %g", i, j, w, want[j])
			}
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("text %d: weights sum to %g", i, sum)
		}
	}
	lastDir := filepath.Join(t.TempDir(), "last")
	writeRun(t, lastDir, rundir.Text{Tokenizer: "whitespace"})
	last, err := LoadPredictor(lastDir, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := last.Explain(texts); err == nil || !strings.Contains(err.Error(), "-pooling attention") {
		t.Errorf("explain with last pooling: %v, want an error naming -pooling attention", err)
	}
}

// weightsAlone runs m, the model as saved, on one text's tokens: a batch
// of one without padding.
func weightsAlone(t *testing.T, m *lstm.Classifier, p *Predictor, tokens []string) []float32 {
	t.Helper()
	ids := p.vocab.Encode(tokens)
	var w []float32
	var err error
	tensor.NoGrad(func() {
		var s tensor.Scope
		defer s.Free()
		x := s.M(tensor.Int64(ids, []int64{1, int64(len(ids))}, gotch.CPU))
		logits, weights, e := m.Explain(x, []int64{int64(len(ids))}, false)
		tensor.Check(e)
		s.T(logits)
		w, err = tensor.Float32s(s.T(weights))
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}
