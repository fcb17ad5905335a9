package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/train"
)

// tinyLM trains a char model on "abcdefg" repeated, which it learns to
// continue, and returns its run folder.
func tinyLM(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	text := filepath.Join(dir, "text.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("abcdefg", 600)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := train.DefaultConfig("lm")
	cfg.Text, cfg.Out = text, filepath.Join(dir, "run")
	cfg.Batch, cfg.BPTT, cfg.Epochs, cfg.LR, cfg.Patience, cfg.Threads = 8, 20, 4, 0.02, 0, 1
	if err := train.Run(context.Background(), cfg, lstm.Config{Embed: 8, Hidden: 24, Dropout: 0}, io.Discard); err != nil {
		t.Fatal(err)
	}
	return cfg.Out
}

// generate runs the command and returns its exit code and output.
func generate(args ...string) (int, string, string) {
	var out, errs bytes.Buffer
	code := run(args, &out, &errs)
	return code, out.String(), errs.String()
}

// TestGenerate: greedy decoding continues the learnt cycle after the
// prompt; a seed gives the same sample every time; -n 3 prints three
// samples, the first of them -n 1's.
func TestGenerate(t *testing.T) {
	run := tinyLM(t)
	code, out, errs := generate("-run", run, "-prompt", "cde", "-len", "14", "-temperature", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "cdefgabcdefgabcde\n"; out != want {
		t.Errorf("greedy: %q, want %q", out, want)
	}
	_, one, _ := generate("-run", run, "-prompt", "a", "-len", "40", "-seed", "5", "-temperature", "1.5")
	_, again, _ := generate("-run", run, "-prompt", "a", "-len", "40", "-seed", "5", "-temperature", "1.5")
	if one != again || len(one) != len("a")+40+1 {
		t.Errorf("seed 5 twice: %q and %q, want one text of 41 characters", one, again)
	}
	code, three, errs := generate("-run", run, "-prompt", "a", "-len", "40", "-seed", "5", "-temperature", "1.5", "-n", "3", "-stats")
	if code != 0 || !strings.Contains(errs, "3 sample(s) of 40 tokens") {
		t.Fatalf("-n 3: exit %d, stderr %q", code, errs)
	}
	samples := strings.Split(three, "\n----\n")
	if len(samples) != 3 || samples[0]+"\n" != one {
		t.Errorf("-n 3 gave %d samples, the first %q; want 3, the first %q", len(samples), samples[0], one)
	}
}

// TestUsageErrors: bad flags exit 2 with a message naming the flag.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "-run is required"},
		{[]string{"-run", "x", "-len", "0"}, "-len 0"},
		{[]string{"-run", "x", "-n", "0"}, "-n 0"},
		{[]string{"-run", "x", "-temperature", "-1"}, "-temperature"},
		{[]string{"-run", "x", "-top-p", "2"}, "-top-p"},
		{[]string{"-run", "x", "stray"}, `unexpected argument "stray"`},
		{[]string{"-run", "x", "-device", "tpu"}, "-device"},
		{[]string{"-run", filepath.Join(t.TempDir(), "none")}, "-run"},
		{[]string{"-bogus"}, "-help lists the flags"},
	} {
		code, _, errs := generate(c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// TestSampleDevice: -device auto samples one stream on the CPU and leaves
// a batch of streams, and every named device, as asked.
func TestSampleDevice(t *testing.T) {
	for _, c := range []struct {
		device  string
		samples int
		want    string
	}{{"auto", 1, "cpu"}, {"auto", 16, "auto"}, {"cuda", 1, "cuda"}, {"cpu", 4, "cpu"}, {"cuda:1", 1, "cuda:1"}} {
		if got := sampleDevice(c.device, c.samples); got != c.want {
			t.Errorf("sampleDevice(%q, %d) = %q, want %q", c.device, c.samples, got, c.want)
		}
	}
}
