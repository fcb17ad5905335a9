package train

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/sample"
)

// verse is 200 characters of Shakespeare.
const verse = "Shall I compare thee to a summer's day? Thou art more lovely and more temperate: " +
	"rough winds do shake the darling buds of May, and summer's lease hath all too short a date; " +
	"sometime too hot the eye of"

func lmConfig(t *testing.T, text string) (Config, lstm.Config) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "text.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig("lm")
	cfg.Text, cfg.Out, cfg.Batch, cfg.BPTT, cfg.Epochs, cfg.LR, cfg.Patience = path, filepath.Join(t.TempDir(), "run"), 4, 50, 40, 0.01, 0
	return cfg, lstm.Config{Embed: 16, Hidden: 128, Cell: lstm.GRU}
}

// TestLMOverfitsAndRegenerates trains on the verse (repeated, so that the
// validation tail holds it too) and decodes it greedily from its first
// character.
func TestLMOverfitsAndRegenerates(t *testing.T) {
	runtime.LockOSThread()
	if len([]rune(verse)) != 200 {
		t.Fatalf("verse has %d characters", len([]rune(verse)))
	}
	cfg, model := lmConfig(t, strings.Repeat(verse, 10))
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	g, err := infer.LoadGenerator(cfg.Out, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	gen := func(o sample.Options, seed uint64) string {
		ids, _, err := g.Encode(verse[:1])
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		b.WriteString(verse[:1])
		err = g.Generate(ids, len(verse)-1, o, seed, func(id int64) error { b.WriteString(g.Text(id)); return nil })
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if got := gen(sample.Options{}, 1); got != verse {
		t.Errorf("greedy decoding:\n got %q\nwant %q", got, verse)
	}
	// Temperature 0 is argmax: the same as keeping only the top token.
	if a, b := gen(sample.Options{}, 1), gen(sample.Options{Temperature: 1, TopK: 1}, 9); a != b {
		t.Errorf("temperature 0 %q differs from top-k 1 %q", a, b)
	}
	// Same seed, same text; another seed, another text.
	hot := sample.Options{Temperature: 2}
	if a, b := gen(hot, 5), gen(hot, 5); a != b {
		t.Errorf("same seed, different text:\n%q\n%q", a, b)
	}
	if a, b := gen(hot, 5), gen(hot, 6); a == b {
		t.Errorf("seeds 5 and 6 give the same text at temperature 2: %q", a)
	}
}

func TestLMBadInput(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte(" \n"), 0o644)
	short := filepath.Join(dir, "short.txt")
	os.WriteFile(short, []byte("a tiny text"), 0o644)
	for _, tc := range []struct{ text, want string }{
		{filepath.Join(dir, "missing.txt"), "missing.txt"},
		{empty, "empty"},
		{short, "need at least"},
	} {
		cfg, model := lmConfig(t, "unused")
		cfg.Text = tc.text
		err := Run(context.Background(), cfg, model, io.Discard)
		var usage UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("-text %s: %v, want a usage error with %q", tc.text, err, tc.want)
		}
	}
	// A sentiment run folder is not a language model.
	cfg, model := small(filepath.Join(dir, "classify"))
	cfg.DryRun = true
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := infer.LoadGenerator(cfg.Out, gotch.CPU); err == nil || !strings.Contains(err.Error(), "not a language model") {
		t.Errorf("generate from a classifier run: %v", err)
	}
}

// TestBackwardLM trains a word model right to left (-reverse) on a cycle
// of words: it learns to predict the word before, which a forward model
// would not.
func TestBackwardLM(t *testing.T) {
	runtime.LockOSThread()
	cfg := DefaultConfig("lm")
	cfg.Text, cfg.Level, cfg.Tokenizer, cfg.Reverse = wordCycle(t, 3000), "word", "whitespace", true
	cfg.Out, cfg.Batch, cfg.BPTT, cfg.Epochs, cfg.LR, cfg.Patience, cfg.Threads = filepath.Join(t.TempDir(), "bwd"), 8, 20, 4, 0.01, 0, 1
	if err := Run(context.Background(), cfg, lstm.Config{Embed: 16, Hidden: 32, Dropout: 0}, io.Discard); err != nil {
		t.Fatal(err)
	}
	v, m := loadLM(t, cfg.Out)
	defer m.Params.Drop()
	// In the text w0 is followed by w17, w17 by w34: read right to left,
	// w34 then w17 come before w0.
	var ids []int64
	for _, w := range []string{"w34", "w17"} {
		id, ok := v.Lookup(w)
		if !ok {
			t.Fatalf("%s is not in the vocabulary", w)
		}
		ids = append(ids, id)
	}
	x := tensor.Must(tensor.Int64(ids, []int64{1, 2}, gotch.CPU))
	defer x.MustDrop()
	logits, state, err := m.Forward(x, lstm.State{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer state.Drop()
	defer logits.MustDrop()
	last := tensor.Must(logits.Select(1, 1, false))
	defer last.MustDrop()
	best := tensor.Must(last.Argmax([]int64{-1}, false, false)).Int64Values()[0]
	if got := v.Token(best); got != "w0" {
		t.Errorf("after w34 w17 read right to left the model predicts %q, want w0", got)
	}
}
