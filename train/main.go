package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/rundir"
)

// UsageError is a bad flag or argument: the commands exit with status 2.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// DefaultModel returns the model shape each task trains by default.
//
// The language model's is one LSTM layer of 512 with dropout 0.2: on tiny
// shakespeare, with the LM's defaults (15 epochs, learning rate divided by 4
// after an epoch without a better validation loss), it reaches a validation
// loss under 1.47 nats/char in about half an hour on 2 cores, where one
// layer of 256 stopped at 1.563 after 10 epochs (BENCHMARKS.md).
//
// The classifier's is a bidirectional LSTM of 96 per direction, max-pooled
// over time, with dropout 0.3 before and after the head: on the full IMDB it
// passes 87% validation accuracy in its second epoch (BENCHMARKS.md), where
// lstm.DefaultConfig's one-way LSTM read from its last state stays near 85%.
func DefaultModel(task string) lstm.Config {
	m := lstm.DefaultConfig()
	if task == "lm" {
		m.Embed, m.Hidden, m.Layers, m.Dropout = 64, 512, 1, 0.2
		return m
	}
	if task == "tag" {
		return tagModel(m)
	}
	if task == "seq2seq" {
		return seq2seqModel(m)
	}
	m.Bidirectional, m.Hidden, m.Pooling, m.Dropout = true, 96, lstm.Max, 0.3
	return m
}

// Run trains a new model as cfg and model say, writing a run folder, and
// reports on out. Its error wraps context.Canceled after a Ctrl-C (the
// run is saved and evaluated first).
func Run(ctx context.Context, cfg Config, model lstm.Config, out io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return UsageError{err}
	}
	cfg = cfg.normalized()
	if err := cfg.absPaths(); err != nil {
		return UsageError{err}
	}
	model = withTaskDefaults(model, cfg.Task)
	model.Vocab = 2 // checked again once the vocabulary is built
	if err := model.Validate(); err != nil {
		return UsageError{modelErr(err)}
	}
	return runTask(ctx, cfg, model, nil, out)
}

// withTaskDefaults fills model's zero sizes from the task's defaults
// (DefaultModel), then from lstm's: a size flag at 0 means the default.
func withTaskDefaults(model lstm.Config, task string) lstm.Config {
	d := DefaultModel(task)
	for _, f := range []struct{ v, def *int }{
		{&model.Embed, &d.Embed}, {&model.Hidden, &d.Hidden}, {&model.Layers, &d.Layers},
		{&model.Head, &d.Head}, {&model.CharEmbed, &d.CharEmbed}, {&model.CharHidden, &d.CharHidden},
	} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	return model.WithDefaults()
}

// modelErr names the flag of the model setting that err (from lstm's
// Config.Validate or NumParams) is about.
func modelErr(err error) error {
	var ce *lstm.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	flag := strings.ReplaceAll(ce.Field, "_", "-")
	switch ce.Field {
	case "vocab", "chars", "classes", "pad_id":
		return err // from the data, not a flag
	case "tie":
		flag = "tie"
	}
	return fmt.Errorf("-%s: %w", flag, err)
}

// Resume continues the run in dir from its last finished epoch; epochs > 0
// raises the number of epochs to train. An ensemble's folder continues
// its members in turn, then tests the ensemble.
func Resume(ctx context.Context, dir string, epochs int, out io.Writer) error {
	if rundir.IsEnsemble(dir) {
		return resumeEnsemble(ctx, dir, epochs, out)
	}
	run, info, err := rundir.OpenFolder(dir)
	if err != nil {
		return UsageError{fmt.Errorf("-resume: %w", err)}
	}
	var cfg Config
	if err := info.ReadTrain(&cfg); err != nil {
		return UsageError{fmt.Errorf("-resume %s: %w", dir, err)}
	}
	// The folder's settings are checked as strictly as flags.
	if err := cfg.Validate(); err != nil {
		return UsageError{fmt.Errorf("-resume: %s: training settings: %w", run.Path(rundir.ConfigFile), err)}
	}
	if cfg.Task != info.Task {
		return UsageError{fmt.Errorf("-resume: %s: task %q, but the training settings say %q", run.Path(rundir.ConfigFile), info.Task, cfg.Task)}
	}
	if err := info.Model.Validate(); err != nil {
		return UsageError{fmt.Errorf("-resume: %s: model: %w", run.Path(rundir.ConfigFile), modelErr(err))}
	}
	if epochs > 0 {
		cfg.Epochs = epochs
		if err := info.SetTrain(cfg); err != nil {
			return err
		}
	}
	var st rundir.State
	if err := run.ReadJSON(rundir.StateFile, &st); err != nil {
		return fmt.Errorf("-resume: %w", err)
	}
	if err := st.Validate(); err != nil {
		return UsageError{fmt.Errorf("-resume: %s: %w", run.Path(rundir.StateFile), err)}
	}
	if _, err := run.Verify(rundir.File{Name: info.Vocab, SHA256: info.VocabSHA256}); err != nil {
		return fmt.Errorf("-resume: %w", err)
	}
	more := epochs > 0 && st.Epoch < cfg.Epochs // -epochs asks for more training
	if !more && (st.Done || st.Epoch >= cfg.Epochs) && testPending(cfg.Task, &st) {
		// Killed after the last epoch's commit, before the test's record:
		// no epoch trains, model.pt is tested.
		fmt.Fprintf(out, "resume: training finished at epoch %d, but no test result was recorded: testing %s\n",
			st.Epoch, run.Path(rundir.BestFile))
		return runTask(ctx, cfg, info.Model, &resumed{run: run, info: info, state: st}, out)
	}
	if st.Epoch >= cfg.Epochs || (st.Done && !more) {
		// A kill after the last commit (drawing curves.png, say) may have
		// left a temporary file: the folder is made what st committed.
		if err := run.Restore(&st); err != nil {
			return err
		}
		return UsageError{fmt.Errorf("-resume %s: %s", dir, finished(cfg, st))}
	}
	st.Done = false
	return runTask(ctx, cfg, info.Model, &resumed{run: run, info: info, state: st}, out)
}

// finished says why the run st committed has nothing left to train.
func finished(cfg Config, st rundir.State) string {
	switch {
	case st.Epoch >= cfg.Epochs:
		return fmt.Sprintf("all %d epochs are done (raise -epochs to train more)", cfg.Epochs)
	case cfg.DryRun:
		return "a dry run (-dry-run) has nothing to resume"
	}
	return fmt.Sprintf("training stopped early after epoch %d of %d: no better validation score for %d epochs (best: epoch %d); -epochs N trains on", st.Epoch, cfg.Epochs, st.Stale, st.BestEpoch)
}

// testPending reports whether a finished run of task has a model.pt whose
// test result st does not hold. The language model has no test split.
// Folders written before state.json had "tested" count as tested when
// they hold a result.
func testPending(task string, st *rundir.State) bool {
	recorded := st.Tested || st.TestLoss != 0 || st.TestAcc != 0 || st.TestBLEU != 0
	return task != "lm" && st.BestEpoch > 0 && !recorded
}

// runTask sets the machine up as cfg says and trains cfg's task: a new run, or
// the one in prev.
func runTask(ctx context.Context, cfg Config, model lstm.Config, prev *resumed, out io.Writer) (err error) {
	hw, err := setup(cfg, out)
	if err != nil {
		return err
	}
	ctx, hw.cluster, out, err = joinCluster(ctx, cfg, model, hw, out)
	if err != nil {
		return err
	}
	defer func() { hw.cluster.close(err == nil || errors.Is(err, context.Canceled)) }()
	if cfg, prev, err = hw.cluster.privateRun(cfg, prev); err != nil {
		return err
	}
	if cfg.Task == "lm" {
		return runLM(ctx, cfg, model, hw, prev, out)
	}
	if cfg.Task == "tag" {
		return runTagger(ctx, cfg, model, hw, prev, out)
	}
	if cfg.Task == "seq2seq" {
		return runSeq2Seq(ctx, cfg, model, hw, prev, out)
	}
	return runClassifier(ctx, cfg, model, hw, prev, out)
}

type resumed struct {
	run   *rundir.Folder
	info  *rundir.RunInfo
	state rundir.State
}

// hardware is where and how a run computes.
type hardware struct {
	device   gotch.Device
	strategy lstm.Strategy // packed or padded
	threads  int           // libtorch's CPU threads
	cluster  *cluster      // data-parallel ranks (dist.go); nil alone
}

// setup applies the device, thread and strategy settings, and tunes glibc's
// malloc for libtorch's tensors (libtorch.TuneMalloc).
func setup(cfg Config, out io.Writer) (hardware, error) {
	dev, err := Device(cfg.Device)
	if err != nil {
		return hardware{}, UsageError{err}
	}
	strategy := lstm.Strategy(cfg.Strategy)
	if strategy == lstm.Auto {
		strategy = lstm.Padded
		// On CUDA the classifier's padded batches train 2.8x faster than
		// packed ones (H200, BENCHMARKS.md); the other tasks were not
		// measured there and stay packed.
		if dev.IsCuda() && cfg.Task != "classify" {
			strategy = lstm.Packed
		}
	}
	threads := cfg.Threads
	if threads == 0 {
		// Measured on a 2-core machine (BENCHMARKS.md): the padded kernel is
		// fastest with one OpenMP thread, the packed path with all cores.
		threads = 1
		if strategy == lstm.Packed {
			threads = runtime.NumCPU()
		}
	}
	threads, warning := libtorch.CapThreads(threads)
	if warning != "" {
		fmt.Fprintf(out, "warning: -threads: %s\n", warning)
	}
	libtorch.SetThreads(threads)
	libtorch.TuneMalloc()
	libtorch.Seed(cfg.Seed) // the initial weights
	return hardware{device: dev, strategy: strategy, threads: threads}, nil
}

func newStepper(p *lstm.Params, cfg Config) (*Stepper, error) {
	return NewStepper(p, optim.Config{Algorithm: cfg.Optimizer, LR: cfg.LR, WeightDecay: cfg.WeightDecay}, cfg.Clip)
}
