package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/train"
)

// -eval scores a labelled file with the run: its accuracy is the share of
// the file's labels that predicting its texts one by one gives, each class
// gets a line, and with positive and negative classes their mean F1 is
// printed. A label the run does not know is an error naming it.
func TestEval(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	words := map[string]string{"positive": "a good great film", "negative": "a bad dull film", "neutral": "a film on tuesday"}
	labels := []string{"positive", "negative", "neutral"}
	var rows strings.Builder
	for i := range 60 {
		fmt.Fprintf(&rows, "%s %d\t%s\n", words[labels[i%3]], i%7, labels[i%3])
	}
	data := filepath.Join(dir, "data.tsv")
	if err := os.WriteFile(data, []byte(rows.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	runDir := tinyClassifier(t, data, filepath.Join(dir, "run"), 2, train.DefaultModel("classify").Pooling)
	// An id column first and a header, as the tweets' files have.
	texts := []string{"good great", "bad dull film", "tuesday", "a film", "great film", "dull", "on tuesday film"}
	gold := []string{"positive", "negative", "neutral", "neutral", "negative", "negative", "neutral"}
	var file strings.Builder
	file.WriteString("id\tlabel\ttext\n")
	for i, text := range texts {
		fmt.Fprintf(&file, "%d\t%s\t%s\n", 100+i, gold[i], text)
	}
	evalFile := filepath.Join(dir, "eval.tsv")
	if err := os.WriteFile(evalFile, []byte(file.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var pred bytes.Buffer
	if code := run(append([]string{"-run", runDir}, texts...), nil, &pred); code != 0 {
		t.Fatalf("predict: exit %d", code)
	}
	right := 0
	for i, line := range strings.Split(strings.TrimSpace(pred.String()), "\n") {
		if strings.Split(line, "\t")[0] == gold[i] {
			right++
		}
	}
	var out bytes.Buffer
	if code := run([]string{"-run", runDir, "-eval", evalFile, "-text-column", "text", "-label-column", "label"}, nil, &out); code != 0 {
		t.Fatalf("-eval: exit %d", code)
	}
	got := out.String()
	want := fmt.Sprintf("eval %s: 7 texts, accuracy %.2f%% (%d right)\n", evalFile, 100*float64(right)/7, right)
	if !strings.HasPrefix(got, want) {
		t.Errorf("-eval output:\n%s\nwant it to start with %q", got, want)
	}
	for _, l := range labels {
		if !strings.Contains(got, "\neval  "+l) {
			t.Errorf("-eval output has no line for class %s:\n%s", l, got)
		}
	}
	if !strings.Contains(got, "F1 of positive and negative") {
		t.Errorf("-eval output has no F1 of positive and negative:\n%s", got)
	}
	// A label the run was not trained on.
	if err := os.WriteFile(evalFile, []byte("id\tlabel\ttext\n1\tmixed\tgood\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"-run", runDir, "-eval", evalFile, "-text-column", "text", "-label-column", "label"}, nil, io.Discard); code != 1 {
		t.Errorf("-eval with an unknown label: exit %d, want 1", code)
	}
	// -eval with texts is a usage error.
	if code := run([]string{"-run", runDir, "-eval", evalFile, "good"}, nil, io.Discard); code != 2 {
		t.Errorf("-eval with texts: exit %d, want 2", code)
	}
}

// Two -run folders classify as one: each text's label and probability are
// those of the mean of the two runs' probabilities, -eval scores that, and
// -explain (one run's attention) or a missing folder is a usage error.
func TestEnsembleRuns(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	data := posNegTSV(t, dir)
	a := tinyClassifier(t, data, filepath.Join(dir, "a"), 1, lstm.Max)
	b := tinyClassifier(t, data, filepath.Join(dir, "b"), 2, lstm.Mean)
	texts := []string{"good great", "bad dull film", "a film", "great 3", "dull dull good"}
	var out bytes.Buffer
	if code := run(append([]string{"-run", a, "-run", b}, texts...), nil, &out); code != 0 {
		t.Fatalf("predict -run a -run b: exit %d", code)
	}
	var mean [][]float64 // [text][class]: the two runs' mean
	var labels []string
	for _, dir := range []string{a, b} {
		p, err := infer.LoadPredictor(dir, gotch.CPU)
		if err != nil {
			t.Fatal(err)
		}
		preds, err := p.Predict(texts)
		if err != nil {
			t.Fatal(err)
		}
		labels = p.Info.Labels
		for i, pr := range preds {
			if len(mean) <= i {
				mean = append(mean, make([]float64, len(pr.Probs)))
			}
			for k, q := range pr.Probs {
				mean[i][k] += q / 2
			}
		}
	}
	for i, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		best := 0
		for k, q := range mean[i] {
			if q > mean[i][best] {
				best = k
			}
		}
		if want := fmt.Sprintf("%s\t%.4f\t", labels[best], mean[i][best]); !strings.HasPrefix(line, want) {
			t.Errorf("text %d: %q, want the mean's %q", i, line, want)
		}
	}
	evalFile := filepath.Join(dir, "eval.tsv")
	if err := os.WriteFile(evalFile, []byte("good great\tpos\nbad dull\tneg\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ev bytes.Buffer
	if code := run([]string{"-run", a, "-run", b, "-eval", evalFile}, nil, &ev); code != 0 || !strings.Contains(ev.String(), "accuracy") {
		t.Errorf("-eval with two runs: exit %d\n%s", code, &ev)
	}
	for _, args := range [][]string{{"-run", a, "-run", b, "-explain", "good"}, {"-run", a, "-run", filepath.Join(dir, "none"), "good"}} {
		if code := run(args, nil, io.Discard); code != 2 {
			t.Errorf("predict %v: exit %d, want 2", args, code)
		}
	}
}

// An ensemble's folder (cmd/train -members 2) predicts as its members
// given with -run each, and -explain refuses it.
func TestEnsembleFolder(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	cfg, model := train.DefaultConfig("classify"), train.DefaultModel("classify")
	cfg.Data, cfg.Out, cfg.Epochs, cfg.MinFreq, cfg.Tokenizer, cfg.Members = posNegTSV(t, dir), filepath.Join(dir, "ens"), 1, 1, "whitespace", 2
	model.Embed, model.Hidden, model.Head = 4, 4, 4
	if err := train.Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	texts := []string{"good great", "bad dull film", "a film"}
	var whole, each bytes.Buffer
	if code := run(append([]string{"-run", cfg.Out}, texts...), nil, &whole); code != 0 {
		t.Fatalf("predict -run ensemble: exit %d", code)
	}
	members := []string{"-run", filepath.Join(cfg.Out, "member-1"), "-run", filepath.Join(cfg.Out, "member-2")}
	if code := run(append(members, texts...), nil, &each); code != 0 || whole.String() != each.String() {
		t.Errorf("-run ensemble:\n%s-run member-1 -run member-2 (exit %d):\n%s", &whole, code, &each)
	}
	if code := run([]string{"-run", cfg.Out, "-explain", "good"}, nil, io.Discard); code != 2 {
		t.Errorf("-explain with an ensemble: exit %d, want 2", code)
	}
}
