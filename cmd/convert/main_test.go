package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
	"github.com/torchrnn/torchrnn/weights"
)

const fixtures = "../../weights/testdata/"

// shape is the fixtures' classifier: weights/testdata/gen_fixtures.py.
func shape(cell lstm.Cell, hidden, classes int) lstm.Config {
	return lstm.Config{Vocab: 12, Embed: 5, Hidden: hidden, Layers: 2, Cell: cell, Bidirectional: true,
		Head: 6, Classes: classes, Pooling: lstm.Last, PadID: vocab.PadID}
}

// template writes a classifier run folder of cfg's shape, with its own
// random weights, as cmd/train would.
func template(t *testing.T, cfg lstm.Config) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "template")
	f, err := rundir.NewFolder(dir, "classify")
	if err != nil {
		t.Fatal(err)
	}
	c := vocab.NewCounter()
	for i := range cfg.Vocab - 2 {
		c.Add([]string{fmt.Sprintf("w%d", i)})
	}
	if err := vocab.New(c, vocab.Options{}).Save(f.Path(rundir.VocabFile)); err != nil {
		t.Fatal(err)
	}
	labels := make([]string, cfg.Classes)
	for i := range labels {
		labels[i] = fmt.Sprint("class", i)
	}
	text := map[string]any{"tokenizer": "whitespace", "max_len": 0, "truncate": "tail"}
	info, err := rundir.NewInfo("classify", cfg, text, labels)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.WriteJSON(rundir.ConfigFile, info); err != nil {
		t.Fatal(err)
	}
	m, err := lstm.NewClassifier(cfg, torch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Params.Drop()
	if err := m.Params.Save(f.Path(rundir.BestFile)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func convert(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var out, errs bytes.Buffer
	code = run(args, &out, &errs)
	return code, out.String(), errs.String()
}

// weightsOf reads a run folder's model.pt as PyTorch-named values.
func weightsOf(t *testing.T, dir string) map[string][]float32 {
	t.Helper()
	out := t.TempDir() + "/w.safetensors"
	if code, _, errs := convert(t, "-run", dir, "-to", out); code != 0 {
		t.Fatalf("export %s: %s", dir, errs)
	}
	sd, err := weights.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Metadata["torchrnn_task"] != "classify" || !strings.Contains(sd.Metadata["torchrnn_model"], `"cell":"`) {
		t.Errorf("export metadata %v", sd.Metadata)
	}
	m := map[string][]float32{}
	for _, x := range sd.Tensors {
		m[x.Name] = x.Values
	}
	return m
}

// A PyTorch state_dict (recurrent module "lstm") imports into a new run
// folder that cmd/predict's loader uses; exporting it gives the file's
// tensors back under torchrnn's names.
func TestImportExport(t *testing.T) {
	tmpl := template(t, shape(lstm.LSTM, 4, 2))
	out := filepath.Join(t.TempDir(), "imported")
	code, stdout, stderr := convert(t, "-from", fixtures+"classifier_lstm.pt", "-run", tmpl, "-out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"21 loaded, 0 missing, 0 unexpected, 0 shape mismatches", "renamed:    lstm.weight_ih_l0 -> rnn.weight_ih_l0", "wrote " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	runtime.LockOSThread()
	p, err := infer.LoadPredictor(out, torch.CPU)
	runtime.UnlockOSThread()
	if err != nil {
		t.Fatal(err)
	}
	if preds, err := p.Predict([]string{"w1 w2 w3"}); err != nil || len(preds) != 1 {
		t.Fatalf("predict on the imported folder: %v %v", preds, err)
	}

	src, err := weights.ReadFile(fixtures + "classifier_lstm.pt")
	if err != nil {
		t.Fatal(err)
	}
	got := weightsOf(t, out)
	for _, x := range src.Tensors {
		name := strings.Replace(x.Name, "lstm.", "rnn.", 1)
		if !slices.Equal(got[name], x.Values) {
			t.Errorf("%s: the imported model's values differ from the file's", name)
		}
	}
}

// Strict is the default: a model of another shape gets every mismatch
// listed and no folder; -strict=false writes what matches.
func TestImportStrict(t *testing.T) {
	tmpl := template(t, shape(lstm.LSTM, 5, 2))
	out := filepath.Join(t.TempDir(), "imported")
	code, _, stderr := convert(t, "-from", fixtures+"classifier_lstm.pt", "-run", tmpl, "-out", out)
	if code != 1 || strings.Count(stderr, "mismatch:") != 17 || !strings.Contains(stderr, "fc1.weight: [6, 8] in the file, [6, 10] in the model") {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed strict import left %s", out)
	}
	code, stdout, stderr := convert(t, "-from", fixtures+"classifier_lstm.pt", "-run", tmpl, "-out", out, "-strict=false")
	if code != 0 || !strings.Contains(stdout, "4 loaded, 0 missing, 0 unexpected, 17 shape mismatches") {
		t.Fatalf("lenient: exit %d\n%s%s", code, stdout, stderr)
	}
	src, _ := weights.ReadFile(fixtures + "classifier_lstm.pt")
	if got := weightsOf(t, out); !slices.Equal(got["fc2.weight"], src.Get("fc2.weight").Values) {
		t.Error("lenient import did not write the matching tensors")
	}
}

// A checkpoint dict takes -prefix; -dry-run writes nothing.
func TestImportCheckpoint(t *testing.T) {
	tmpl := template(t, shape(lstm.GRU, 4, 3))
	out := filepath.Join(t.TempDir(), "imported")
	code, _, stderr := convert(t, "-from", fixtures+"checkpoint.pt", "-run", tmpl, "-out", out, "-dry-run")
	if code != 1 || !strings.Contains(stderr, "unexpected: optimizer.state.0.exp_avg") {
		t.Fatalf("without -prefix: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := convert(t, "-from", fixtures+"checkpoint.pt", "-run", tmpl, "-out", out, "-prefix", "model.", "-dry-run")
	if code != 0 || !strings.Contains(stdout, "21 loaded") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("-dry-run wrote %s", out)
	}
}

func TestList(t *testing.T) {
	code, stdout, _ := convert(t, "-list", fixtures+"classifier_gru.pt")
	if code != 0 || !strings.Contains(stdout, "gru.weight_ih_l1_reverse") || !strings.Contains(stdout, "F32  [12 8]") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
}

// A torchrnn run's own model.pt (TorchScript) lists and imports too.
func TestFromRunFolder(t *testing.T) {
	tmpl := template(t, shape(lstm.RNNTanh, 4, 2))
	code, stdout, stderr := convert(t, "-list", filepath.Join(tmpl, rundir.BestFile))
	if code != 0 || !strings.Contains(stdout, "rnn.weight_hh_l1_reverse") {
		t.Fatalf("list: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(t.TempDir(), "copy")
	if code, stdout, stderr := convert(t, "-from", filepath.Join(tmpl, rundir.BestFile), "-run", tmpl, "-out", out); code != 0 || !strings.Contains(stdout, "21 loaded, 0 missing") {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	a, b := weightsOf(t, tmpl), weightsOf(t, out)
	for name, v := range a {
		if !slices.Equal(v, b[name]) {
			t.Errorf("%s differs in the copy", name)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-run", "x"},
		{"-run", "x", "-to", "a", "-from", "b"},
		{"-run", "x", "-from", "b"},
		{"-list", "a", "-run", "x"},
		{"-rename", "nonsense", "-list", "a"},
		{"-run", "x", "-to", "a", "extra"},
	} {
		if code, _, stderr := convert(t, args...); code != 2 || !strings.Contains(stderr, "convert:") {
			t.Errorf("%q: exit %d, %q", args, code, stderr)
		}
	}
	if code, _, stderr := convert(t, "-list", "/nonexistent"); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: exit %d %q", code, stderr)
	}
}
