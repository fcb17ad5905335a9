package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/train"
)

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{}, {"-run", t.TempDir(), "text"}, {"-bogus"}, {"-run", "x", "-beam", "-1"},
		{"-run", "x", "-show-attention", "map.jpg"}, {"-run", "x", "-threads", "0"}} {
		var out, errs bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &errs); code != 2 || strings.Count(errs.String(), "\n") != 1 {
			t.Errorf("translate %v: exit %d, want 2 with one line; stderr %q", args, code, errs.String())
		}
	}
}

// A dry-run toy translator: sentences from arguments, a file (with -ref:
// BLEU) and stdin; unknown words and empty lines warned about; attention
// as text and as a PNG.
func TestTranslateRun(t *testing.T) {
	dir := t.TempDir()
	cfg, model := train.DefaultConfig("seq2seq"), train.DefaultModel("seq2seq")
	cfg.Data, cfg.Out, cfg.DryRun, cfg.MaxTime = "toy:reverse", dir, true, 0
	model.Embed, model.Hidden = 8, 16
	if err := train.Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "src.txt")
	ref := filepath.Join(t.TempDir(), "ref.txt")
	os.WriteFile(src, []byte("a b c\n\nd zz\n"), 0o644)
	os.WriteFile(ref, []byte("c b a\n\nzz d\n"), 0o644)
	var out, errs bytes.Buffer
	if code := run([]string{"-run", dir, "-file", src, "-ref", ref, "-beam", "2"}, nil, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if n := strings.Count(out.String(), "\n"); n != 3 {
		t.Errorf("%d output lines for 3 input lines:\n%s", n, out.String())
	}
	for _, want := range []string{"line 2 is empty", "line 3: 1 unknown word(s) fed as <unk>: zz", "BLEU = ", "(beam 2, 3 sentences)"} {
		if !strings.Contains(errs.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs.String())
		}
	}
	// Unknown words are listed for the first 10 sentences, then counted.
	errs.Reset()
	if code := run([]string{"-run", dir}, strings.NewReader(strings.Repeat("a zz\n", 11)+"b zz yy\n"), io.Discard, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if n := strings.Count(errs.String(), "unknown word(s) fed as <unk>: zz"); n != 10 || !strings.Contains(errs.String(), "2 more sentence(s) after the first 10 with unknown words: 3 word(s) in all") {
		t.Errorf("%d listed lines; stderr:\n%s", n, errs.String())
	}
	out.Reset()
	errs.Reset()
	png := filepath.Join(t.TempDir(), "att.png")
	if code := run([]string{"-run", dir, "-show-attention", png}, strings.NewReader("a b\nc d e\n"), &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, p := range []string{png, strings.TrimSuffix(png, ".png") + "-2.png"} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
	out.Reset()
	if code := run([]string{"-run", dir, "-show-attention", "text", "a b c"}, nil, &out, &errs); code != 0 || !strings.Contains(out.String(), "<eos>") {
		t.Errorf("exit %d, text attention:\n%s", code, out.String())
	}
	if code := run([]string{"-run", dir, "-file", src, "-ref", filepath.Join(dir, "config.json")}, nil, &out, &errs); code != 2 {
		t.Errorf("-ref of another length: exit %d, want 2", code)
	}
}
