package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/train"
)

// tinyClassifier trains a classifier of size 4 with whitespace tokens on
// data (text<TAB>label lines) for epochs into out, and returns out.
func tinyClassifier(t *testing.T, data, out string, epochs int, pooling lstm.Pooling) string {
	t.Helper()
	cfg, model := train.DefaultConfig("classify"), train.DefaultModel("classify")
	cfg.Data, cfg.Out, cfg.Epochs, cfg.MinFreq, cfg.Tokenizer = data, out, epochs, 1, "whitespace"
	model.Embed, model.Hidden, model.Head, model.Pooling = 4, 4, 4, pooling
	if err := train.Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	return out
}

// posNegTSV writes dir/data.tsv, 40 rows of a positive and a negative
// phrase taking turns, and returns its path.
func posNegTSV(t *testing.T, dir string) string {
	t.Helper()
	data := filepath.Join(dir, "data.tsv")
	var rows strings.Builder
	for i := range 40 {
		label, words := "pos", "a good great film"
		if i%2 == 1 {
			label, words = "neg", "a bad dull film"
		}
		fmt.Fprintf(&rows, "%s %d\t%s\n", words, i%5, label)
	}
	if err := os.WriteFile(data, []byte(rows.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return data
}

// -explain on a run trained with -pooling attention prints each text's
// line, then each token with a weight; the weights of a text sum to 1.
// On a run with another pooling it is a usage error naming the flag.
func TestExplain(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	data := posNegTSV(t, dir)
	runDir := func(name string, pooling lstm.Pooling) string {
		return tinyClassifier(t, data, filepath.Join(dir, name), 1, pooling)
	}
	var out bytes.Buffer
	if code := run([]string{"-run", runDir("attention", lstm.AttentionPooling), "-explain", "a good film", "bad"}, nil, &out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 || !strings.HasSuffix(lines[0], "\ta good film") || !strings.HasSuffix(lines[4], "\tbad") {
		t.Fatalf("output:\n%s", out.String())
	}
	sum := 0.0
	for i, tok := range []string{"a", "good", "film"} {
		f := strings.Split(lines[1+i], "\t")
		w, err := strconv.ParseFloat(f[len(f)-2], 64)
		if len(f) != 3 || f[0] != "" || f[2] != tok || err != nil {
			t.Errorf("token line %q, want a tab, a weight and %q", lines[1+i], tok)
		}
		sum += w
	}
	if sum < 0.999 || sum > 1.001 || !strings.HasSuffix(lines[5], "\t1.0000\tbad") {
		t.Errorf("weights sum to %g; a one-token text's line %q", sum, lines[5])
	}
	if code := run([]string{"-run", runDir("max", lstm.Max), "-explain", "good"}, nil, io.Discard); code != 2 {
		t.Errorf("-explain on a max-pooling run: exit %d, want 2", code)
	}
}
