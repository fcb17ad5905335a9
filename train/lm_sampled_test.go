package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
)

// wordCycle writes n words that walk a fixed cycle of 60 words, a text a
// word model can learn to predict exactly.
func wordCycle(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i, w := 0, 0; i < n; i++ {
		fmt.Fprintf(&b, "w%d ", w)
		w = (w + 17) % 60 // 17 and 60 are coprime: every word, in one cycle
	}
	path := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSampledSoftmaxLM trains a word model with 8 sampled negatives per
// window: the exact validation loss falls far below a uniform guess's, a
// run resumed after its first epoch draws the same negatives (the same
// weights as a straight run), and a sample as large as the vocabulary is an
// error naming the flag.
func TestSampledSoftmaxLM(t *testing.T) {
	runtime.LockOSThread()
	cfg := DefaultConfig("lm")
	cfg.Text, cfg.Level, cfg.Tokenizer = wordCycle(t, 6000), "word", "whitespace"
	cfg.Batch, cfg.BPTT, cfg.Epochs, cfg.LR, cfg.Patience, cfg.Threads = 8, 20, 3, 0.01, 0, 1
	cfg.SoftmaxSamples = 8
	model := lstm.Config{Embed: 16, Hidden: 32, Dropout: 0}
	straight, resumed := filepath.Join(t.TempDir(), "straight"), filepath.Join(t.TempDir(), "resumed")
	cfg.Out = straight
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	run, _, err := rundir.OpenFolder(straight)
	if err != nil {
		t.Fatal(err)
	}
	epochs, err := run.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	uniform := math.Log(60) // a guess among the 60 words
	first, last := epochs[0].ValidLoss, epochs[len(epochs)-1].ValidLoss
	t.Logf("exact validation loss by epoch: %.3f ... %.3f (uniform over the words: %.3f)", first, last, uniform)
	if !(last < first && last < uniform/4) {
		t.Errorf("validation loss %.3f after %d epochs (first %.3f): want it to fall below %.3f", last, len(epochs), first, uniform/4)
	}
	cfg.Epochs, cfg.Out = 1, resumed
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := Resume(context.Background(), resumed, 3, io.Discard); err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(t, straight, resumed, 3); d != 0 {
		t.Errorf("resumed after epoch 1: weights differ by %g from the straight run's, want equal", d)
	}
	cfg.Out, cfg.SoftmaxSamples = filepath.Join(t.TempDir(), "all"), 1000
	err = Run(context.Background(), cfg, model, io.Discard)
	var usage UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "-softmax-samples 1000") {
		t.Errorf("1000 samples of a smaller vocabulary: %v, want a usage error naming -softmax-samples", err)
	}
}
