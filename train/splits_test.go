package train

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

	"github.com/torchrnn/torchrnn/rundir"
)

// tweets writes n rows "id<TAB>label<TAB>text" of three classes whose
// words give the label away, starting at id first.
func tweets(t *testing.T, dir, name string, first, n int, labels []string) string {
	t.Helper()
	words := map[string]string{"positive": "love great happy", "negative": "hate awful sad", "neutral": "the a today"}
	var b strings.Builder
	for i := range n {
		l := labels[i%len(labels)]
		fmt.Fprintf(&b, "%d\t%s\t%s day %d\n", first+i, l, words[l], i%7)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// -train/-dev/-test TSV files with an id column: the splits are the
// files (the dev file lacks a class and still gets the training ids), and
// the per-class scores go to the output, metrics.jsonl and state.json.
func TestExplicitSplitsWithColumns(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	three := []string{"positive", "neutral", "negative"}
	cfg, model := small(filepath.Join(dir, "run"))
	cfg.TrainFile = tweets(t, dir, "train.tsv", 100, 60, three)
	cfg.DevFile = tweets(t, dir, "dev.tsv", 200, 10, []string{"negative", "positive"})
	cfg.TestFile = tweets(t, dir, "test.tsv", 300, 12, three)
	cfg.TextColumn, cfg.LabelColumn, cfg.MinFreq, cfg.Batch = "3", "2", 1, 8
	var out bytes.Buffer
	if err := Run(context.Background(), cfg, model, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		`data: 60 train, 10 valid, 12 test examples, 3 classes [negative neutral positive]`,
		"valid F1  negative ",
		"test  class     precision   recall      f1  support\n",
		"test  neutral ",
		", F1 of positive and negative ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	run := rundir.Folder{Dir: cfg.Out}
	epochs, err := run.Metrics()
	if err != nil || len(epochs) != 2 {
		t.Fatalf("metrics: %d epochs, %v", len(epochs), err)
	}
	v := epochs[1].ValidClasses
	if v == nil || len(v.Classes) != 3 || v.Classes[1].Support != 0 || v.Classes[0].Support != 5 || v.PosNegF1 == nil {
		t.Errorf("valid_classes of epoch 2: %+v (want 5 negative, 0 neutral in dev)", v)
	}
	var st rundir.State
	if err := run.ReadJSON(rundir.StateFile, &st); err != nil {
		t.Fatal(err)
	}
	if c := st.TestClasses; c == nil || c.Classes[2].Label != "positive" || c.Classes[2].Support != 4 || c.PosNegF1 == nil {
		t.Errorf("test_classes: %+v", c)
	}
}

// Without -dev and -test the training file is split as -data's tables
// are; an aclImdb split folder is a -train or -test on its own.
func TestExplicitSplitsDefaultsAndFolders(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	cfg, model := small(filepath.Join(dir, "tsv"))
	cfg.TrainFile = tweets(t, dir, "train.tsv", 1, 50, []string{"positive", "negative"})
	cfg.TextColumn, cfg.LabelColumn, cfg.DryRun, cfg.Valid = "3", "2", true, 0.25
	var out bytes.Buffer
	if err := Run(context.Background(), cfg, model, &out); err != nil {
		t.Fatal(err)
	}
	if want := "data: 30 train, 10 valid, 10 test examples, 2 classes [negative positive]"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
	if strings.Contains(out.String(), "valid F1") {
		t.Errorf("a two-class run printed per-class scores:\n%s", out.String())
	}
	cfg, model = small(filepath.Join(dir, "folders"))
	cfg.TrainFile, cfg.TestFile, cfg.DryRun = "../imdb/testdata/aclImdb/train", "../imdb/testdata/aclImdb/test", true
	out.Reset()
	if err := Run(context.Background(), cfg, model, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "2 classes [neg pos]") {
		t.Errorf("folders:\n%s", out.String())
	}
}

// Bad split flags and files are errors naming the flag (and the file,
// line or label).
func TestExplicitSplitErrors(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	three := []string{"positive", "neutral", "negative"}
	train := tweets(t, dir, "train.tsv", 1, 30, three)
	odd := tweets(t, dir, "odd.tsv", 1, 6, []string{"positive", "mixed"})
	for _, tc := range []struct {
		name string
		set  func(c *Config)
		want string
	}{
		{"dev without train", func(c *Config) { c.DevFile = train }, "-dev and -test need -train"},
		{"train and data", func(c *Config) { c.TrainFile, c.Data = train, train }, "-train " + train + " and -data"},
		{"one column", func(c *Config) { c.TrainFile, c.TextColumn = train, "3" }, "-text-column \"3\" and -label-column \"\": give both or neither"},
		{"column 0", func(c *Config) { c.TrainFile, c.TextColumn, c.LabelColumn = train, "0", "2" }, "-text-column 0: columns count from 1"},
		{"same column", func(c *Config) { c.TrainFile, c.TextColumn, c.LabelColumn = train, "2", "2" }, "-text-column and -label-column are both 2"},
		{"columns of a folder", func(c *Config) { c.Data, c.TextColumn, c.LabelColumn = "../imdb/testdata/aclImdb", "3", "2" }, "-text-column and -label-column: only for CSV and TSV files"},
		{"no header name", func(c *Config) { c.TrainFile, c.TextColumn, c.LabelColumn = train, "tweet", "2" }, `-train: imdb: ` + train + `:1: text column "tweet": not in the header`},
		{"two-field layout", func(c *Config) { c.TrainFile = train }, "-train: imdb: " + train + ":1: want 2 tab-separated fields"},
		{"unknown dev label", func(c *Config) { c.TrainFile, c.DevFile, c.TextColumn, c.LabelColumn = train, odd, "3", "2" }, `-dev: imdb: label "mixed" (first at ` + odd + `:2) is not one of the training labels`},
		{"missing test", func(c *Config) {
			c.TrainFile, c.TestFile, c.TextColumn, c.LabelColumn = train, filepath.Join(dir, "none.tsv"), "3", "2"
		}, "-test: imdb: read stat " + filepath.Join(dir, "none.tsv")},
	} {
		cfg, model := small(filepath.Join(dir, "run-"+strings.ReplaceAll(tc.name, " ", "-")))
		tc.set(&cfg)
		err := Run(context.Background(), cfg, model, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}
