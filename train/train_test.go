package train

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
)

// small is a quick configuration on the built-in sample.
func small(dir string) (Config, lstm.Config) {
	cfg := DefaultConfig("classify")
	cfg.Out, cfg.MaxLen, cfg.Epochs, cfg.Batch, cfg.Patience = dir, 40, 2, 64, 0
	return cfg, lstm.Config{Embed: 16, Hidden: 16, Head: 8, Dropout: 0.2}
}

// TestDryRunEveryCell trains one batch per phase for each cell, uni- and
// bidirectional, and checks the run folder.
func TestDryRunEveryCell(t *testing.T) {
	runtime.LockOSThread()
	for _, cell := range []lstm.Cell{lstm.RNNTanh, lstm.LSTM, lstm.GRU} {
		for _, bi := range []bool{false, true} {
			dir := t.TempDir()
			cfg, model := small(dir)
			cfg.DryRun = true
			model.Cell, model.Bidirectional = cell, bi
			if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
				t.Fatalf("%s bi=%v: %v", cell, bi, err)
			}
			for _, f := range []string{rundir.ConfigFile, rundir.VocabFile, rundir.MetricsFile, rundir.TimesFile, rundir.CurvesFile, rundir.BestFile, rundir.WeightsName(1), rundir.OptimName(1), rundir.StateFile} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s bi=%v: %v", cell, bi, err)
				}
			}
		}
	}
}

// TestResumeMatchesStraightRun: 2 epochs straight equal 1 epoch, resume, 1
// epoch (same batches, dropout masks and optimizer state), bit for bit,
// also when a crash during epoch 2's checkpoint left its files, a metrics
// line and a temporary file behind.
func TestResumeMatchesStraightRun(t *testing.T) {
	runtime.LockOSThread()
	straight, split := t.TempDir(), t.TempDir()
	cfg, model := small(straight)
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg.Out, cfg.Epochs = split, 1
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	crashed := rundir.Folder{Dir: split}
	for _, f := range []string{rundir.WeightsName(2), rundir.OptimName(2), ".state.json.12345"} {
		if err := os.WriteFile(crashed.Path(f), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := crashed.AppendMetrics(rundir.Epoch{Epoch: 2, TrainLoss: 9}); err != nil {
		t.Fatal(err)
	}
	if err := Resume(context.Background(), split, 2, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, b := weights(t, straight), weights(t, split)
	for name, va := range a {
		vb := b[name]
		for i := range va {
			if va[i] != vb[i] {
				t.Fatalf("%s[%d]: straight %g, resumed %g", name, i, va[i], vb[i])
			}
		}
	}
	for _, f := range []string{rundir.MetricsFile, rundir.BestFile, rundir.WeightsName(2), rundir.OptimName(2)} {
		if x, y := read(t, straight, f), read(t, split, f); !bytes.Equal(x, y) {
			t.Errorf("%s differs after resume:\n%s\n%s", f, x, y)
		}
	}
	if _, err := os.Stat(crashed.Path(".state.json.12345")); !os.IsNotExist(err) {
		t.Errorf("the temporary file of a crash is still there (%v)", err)
	}
	var st rundir.State
	if err := crashed.ReadJSON(rundir.StateFile, &st); err != nil {
		t.Fatal(err)
	}
	pts, _ := filepath.Glob(crashed.Path("*-0*.pt"))
	if want := map[bool]int{true: 2, false: 3}[st.BestEpoch == 2]; len(pts) != want {
		t.Errorf("checkpoint files %v, want %d (best epoch %d)", pts, want, st.BestEpoch)
	}
	// A kill after the last commit, while curves.png was drawn: resuming
	// the finished run says so and leaves the folder as committed.
	late := filepath.Join(split, ".curves.png.67890")
	if err := os.WriteFile(late, []byte("part"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Resume(context.Background(), split, 0, io.Discard); err == nil || !strings.Contains(err.Error(), "all 2 epochs are done") {
		t.Errorf("resuming a finished run: %v", err)
	}
	if _, err := os.Stat(late); !os.IsNotExist(err) {
		t.Errorf("a finished run's temporary file is still there after -resume (%v)", err)
	}
	// A kill after the last commit and before the test's record: the
	// committed state has no test result; -resume tests model.pt, trains
	// nothing, and records what the finished run had recorded.
	done := read(t, split, rundir.StateFile)
	var untested rundir.State
	if err := crashed.ReadJSON(rundir.StateFile, &untested); err != nil {
		t.Fatal(err)
	}
	if !untested.Tested || untested.TestAcc == 0 {
		t.Fatalf("a finished run's state.json: tested %v, test accuracy %v", untested.Tested, untested.TestAcc)
	}
	untested.Tested, untested.TestLoss, untested.TestAcc = false, 0, 0
	if err := crashed.WriteJSON(rundir.StateFile, &untested); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := Resume(context.Background(), split, 0, &log); err != nil {
		t.Fatalf("resuming a run killed before its test: %v\n%s", err, &log)
	}
	if l := log.String(); !strings.Contains(l, "no test result was recorded") || !strings.Contains(l, "test: loss") || strings.Contains(l, "train loss") {
		t.Errorf("resuming a run killed before its test printed:\n%s", &log)
	}
	if got := read(t, split, rundir.StateFile); !bytes.Equal(got, done) {
		t.Errorf("state.json after the test on resume:\n%s\nwant (the finished run's):\n%s", got, done)
	}
	if x, y := read(t, straight, rundir.MetricsFile), read(t, split, rundir.MetricsFile); !bytes.Equal(x, y) {
		t.Errorf("metrics.jsonl changed by the test on resume:\n%s\n%s", x, y)
	}
	// The same with -epochs 3: the user asks for more training, which the
	// test then follows.
	if err := crashed.WriteJSON(rundir.StateFile, &untested); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if err := Resume(context.Background(), split, 3, &log); err != nil {
		t.Fatalf("resuming a run killed before its test with -epochs 3: %v\n%s", err, &log)
	}
	var more rundir.State
	if err := crashed.ReadJSON(rundir.StateFile, &more); err != nil {
		t.Fatal(err)
	}
	if l := log.String(); more.Epoch != 3 || !more.Tested || !strings.Contains(l, "train loss") || strings.Contains(l, "no test result") {
		t.Errorf("-resume -epochs 3 of a run killed before its test: epoch %d, tested %v, printed:\n%s", more.Epoch, more.Tested, l)
	}
}

// TestResumeStoppedEarly: a plain -resume of a run that stopped early
// says so and trains nothing; -epochs trains on.
func TestResumeStoppedEarly(t *testing.T) {
	runtime.LockOSThread()
	cfg := DefaultConfig("lm")
	cfg.Text, cfg.Level, cfg.Tokenizer = wordCycle(t, 2000), "word", "whitespace"
	cfg.Out, cfg.Batch, cfg.BPTT, cfg.Epochs, cfg.Patience, cfg.Threads = filepath.Join(t.TempDir(), "run"), 8, 20, 2, 0, 1
	model := lstm.Config{Embed: 8, Hidden: 8, Dropout: 0}
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	// As if -epochs 4 -patience 1 had stopped it after epoch 2.
	run := rundir.Folder{Dir: cfg.Out}
	var info rundir.RunInfo
	if err := run.ReadJSON(rundir.ConfigFile, &info); err != nil {
		t.Fatal(err)
	}
	cfg.Epochs, cfg.Patience = 4, 1
	if err := info.SetTrain(cfg); err != nil {
		t.Fatal(err)
	}
	if err := run.WriteJSON(rundir.ConfigFile, &info); err != nil {
		t.Fatal(err)
	}
	var st rundir.State
	if err := run.ReadJSON(rundir.StateFile, &st); err != nil {
		t.Fatal(err)
	}
	st.Stale = 1
	if err := run.WriteJSON(rundir.StateFile, &st); err != nil {
		t.Fatal(err)
	}
	err := Resume(context.Background(), cfg.Out, 0, io.Discard)
	var usage UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "stopped early after epoch 2 of 4") {
		t.Errorf("-resume of a run stopped early: %v, want a usage error saying so", err)
	}
	if err := Resume(context.Background(), cfg.Out, 3, io.Discard); err != nil {
		t.Fatalf("-resume -epochs 3: %v", err)
	}
	if err := run.ReadJSON(rundir.StateFile, &st); err != nil || st.Epoch != 3 {
		t.Errorf("after -resume -epochs 3: epoch %d (%v), want 3", st.Epoch, err)
	}
}

func weights(t *testing.T, dir string) map[string][]float32 {
	t.Helper()
	_, info, err := rundir.OpenFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := lstm.NewClassifier(info.Model, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Params.Load(filepath.Join(dir, rundir.WeightsName(2))); err != nil {
		t.Fatal(err)
	}
	out := map[string][]float32{}
	for _, p := range m.Params.List() {
		if out[p.Name], err = tensor.Float32s(p.Tensor); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPredictMatchesEvaluation: the predictor, loading only the run folder,
// gives the test set the same accuracy and loss as the evaluation at the
// end of training.
func TestPredictMatchesEvaluation(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	cfg, model := small(dir)
	cfg.Epochs = 1
	if err := Run(context.Background(), cfg, model, io.Discard); err != nil {
		t.Fatal(err)
	}
	var st rundir.State
	run := &rundir.Folder{Dir: dir}
	if err := run.ReadJSON(rundir.StateFile, &st); err != nil {
		t.Fatal(err)
	}
	data, err := loadTexts(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := infer.LoadPredictor(dir, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	preds, err := p.Predict(data.test.Texts())
	if err != nil {
		t.Fatal(err)
	}
	var loss, correct float64
	for i, pr := range preds {
		y := data.test.Examples[i].Label
		loss -= math.Log(pr.Probs[y])
		if pr.Label == data.labels[y] {
			correct++
		}
	}
	n := float64(len(preds))
	if acc := correct / n; acc != st.TestAcc {
		t.Errorf("predict accuracy %.4f, training's test evaluation %.4f", acc, st.TestAcc)
	}
	if math.Abs(loss/n-st.TestLoss) > 1e-4 {
		t.Errorf("predict loss %.6f, training's test evaluation %.6f", loss/n, st.TestLoss)
	}
}

func TestBadInput(t *testing.T) {
	runtime.LockOSThread()
	dir := t.TempDir()
	cfg, model := small(filepath.Join(dir, "run"))
	for _, tc := range []struct {
		name string
		edit func(*Config, *lstm.Config)
		want string
	}{
		{"missing data", func(c *Config, _ *lstm.Config) { c.Data = filepath.Join(dir, "nope.tar.xz") }, "nope.tar.xz"},
		{"lr", func(c *Config, _ *lstm.Config) { c.LR = -1 }, "-lr -1"},
		{"valid", func(c *Config, _ *lstm.Config) { c.Valid = 1.5 }, "-valid 1.5"},
		{"dropout", func(_ *Config, m *lstm.Config) { m.Dropout = 1 }, "dropout 1"},
		{"device", func(c *Config, _ *lstm.Config) { c.Device = "tpu" }, "-device tpu"},
	} {
		c, m := cfg, model
		tc.edit(&c, &m)
		err := Run(context.Background(), c, m, io.Discard)
		var usage UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want a usage error naming %q", tc.name, err, tc.want)
		}
	}
}

// TestOldConfigDecodes: the training settings of a run folder written
// before package rundir (../rundir/testdata) decode into Config, as
// -resume reads them.
func TestOldConfigDecodes(t *testing.T) {
	_, info, err := rundir.OpenFolder(filepath.Join("..", "rundir", "testdata", "classify"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg Config
	if err := info.ReadTrain(&cfg); err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig("classify")
	want.Out, want.DryRun = "runs/classify-20261129-111402", true
	want.Adapt, want.Select, want.ClassWeights = false, "", ""             // older folders: fixed defaults, accuracy, no weights
	want.MaxLen, want.Epochs, want.Anneal, want.WordDropout = 400, 8, 0, 0 // the defaults of its day
	if cfg != want {
		t.Errorf("settings\n got %+v\nwant %+v", cfg, want)
	}
}
