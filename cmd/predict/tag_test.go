package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/train"
)

// A tagger's run folder tags a CoNLL-U file (the tag appended to every
// token row, comments and multiword rows kept) and plain text lines.
func TestTagRun(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	cfg, model := train.DefaultConfig("tag"), train.DefaultModel("tag")
	cfg.TrainFile, cfg.Out, cfg.Epochs, cfg.MinFreq = "../../conll/testdata/tiny.conllu", dir, 1, 1
	model.Embed, model.Hidden, model.CharEmbed, model.CharHidden = 8, 8, 4, 4
	if err := train.Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	in, err := os.ReadFile(cfg.TrainFile)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run([]string{"-run", dir, "-conll", cfg.TrainFile}, nil, &out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	inLines := strings.Split(strings.TrimRight(string(in), "\n"), "\n")
	outLines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(inLines) != len(outLines) {
		t.Fatalf("%d lines in, %d out:\n%s", len(inLines), len(outLines), out.String())
	}
	for i, l := range inLines {
		token := l != "" && !strings.HasPrefix(l, "#") && !strings.ContainsAny(strings.SplitN(l, "\t", 2)[0], "-.")
		got := outLines[i]
		switch {
		case token && (!strings.HasPrefix(got, l+"\t") || strings.Count(got, "\t") != 10):
			t.Errorf("line %d: %q, want %q and a tag", i+1, got, l)
		case !token && got != l:
			t.Errorf("line %d: %q, want it unchanged", i+1, got)
		}
	}
	out.Reset()
	if code := run([]string{"-run", dir}, strings.NewReader("Cats sleep .\n\nBirds sing\n"), &out); code != 0 {
		t.Fatalf("plain text: exit %d", code)
	}
	if rows := strings.Split(strings.TrimSpace(out.String()), "\n"); len(rows) != 6 || !strings.HasPrefix(rows[0], "Cats\t") || rows[3] != "" {
		t.Errorf("plain text output:\n%s", out.String())
	}
	if code := run([]string{"-run", dir, "-conll", filepath.Join(dir, "none.conllu")}, nil, &out); code != 2 {
		t.Errorf("a missing -conll file: exit %d, want 2", code)
	}
}
