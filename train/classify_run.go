package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

// runClassifier trains a sentiment (or any text) classifier: a new run, or
// the one in prev.
func runClassifier(ctx context.Context, cfg Config, model lstm.Config, hw hardware, prev *resumed, out io.Writer) error {
	start := time.Now()
	data, err := loadTexts(ctx, cfg)
	if err != nil {
		return UsageError{err}
	}
	for _, w := range data.warnings {
		fmt.Fprintln(out, "warning:", w)
	}
	tok, err := rundir.Tokenizer(cfg.Tokenizer)
	if err != nil {
		return UsageError{err}
	}
	if prev != nil {
		v, err := vocab.Load(prev.run.Path(prev.info.Vocab))
		if err != nil {
			return err
		}
		return trainClassifier(ctx, cfg, model, hw, prev, &readData{data, v, encode(v, tok, data.train, cfg.MaxLen), start}, out)
	}
	// One pass tokenizes and counts; encoding is then a slice lookup.
	counts := vocab.CountTexts(data.train.Texts(), tok)
	if cfg.Adapt {
		cfg, model = adapt(cfg, model, measure(counts, data.train.LabelIDs(), len(data.labels)), givenFlags(cfg.Flags))
		cfg.Recipe.print(out)
	}
	fit := func(cfg Config) error {
		v := vocab.New(counts.Counter, vocab.Options{MinFreq: cfg.MinFreq, MaxSize: cfg.MaxVocab})
		d := &readData{data, v, withLabels(v.EncodeIndexed(counts), data.train, cfg.MaxLen), start}
		return trainClassifier(ctx, cfg, model, hw, nil, d, out)
	}
	if cfg.Members > 1 { // member 1 trains on the data read
		return runEnsemble(ctx, cfg, model, data.labels, fit, out)
	}
	return fit(cfg)
}

// readData is a classifier's data, read: the splits, the vocabulary and
// the training split encoded with it.
type readData struct {
	*texts
	v     *vocab.Vocab
	ids   encoded   // the training split
	start time.Time // when reading began
}

// trainClassifier trains the classifier on d: a new run, or the one in
// prev.
func trainClassifier(ctx context.Context, cfg Config, model lstm.Config, hw hardware, prev *resumed, d *readData, out io.Writer) error {
	v, train := d.v, d.ids
	tok, err := rundir.Tokenizer(cfg.Tokenizer)
	if err != nil {
		return UsageError{err}
	}
	c := &classifier{cfg: cfg, device: hw.device, out: out, pad: cfg.text().Padding(),
		scores: newClassScores(d.labels), train: train,
		valid: encode(v, tok, d.valid, cfg.MaxLen),
		test:  encode(v, tok, d.test, cfg.MaxLen)}
	c.drop = newWordDrop(cfg.WordDropout, cfg.Seed, c.train.ids)
	fmt.Fprintf(out, "data: %d train, %d valid, %d test examples, %d classes %v, vocabulary %d; read in %s\n",
		len(c.train.ids), len(c.valid.ids), len(c.test.ids), len(d.labels), d.labels, v.Len(), time.Since(d.start).Round(time.Millisecond))
	model.Vocab, model.Classes = v.Len(), len(d.labels)
	if err := checkMemory(cfg, model, lstm.ClassifierHead, min(cfg.Batch, len(train.ids)), slices.Max(append(train.lengths, 1))); err != nil {
		return err
	}
	if c.model, err = lstm.NewClassifier(model, hw.device); err != nil {
		return UsageError{modelErr(err)}
	}
	c.model.RNN.Strategy = hw.strategy
	if w := classWeights(cfg.ClassWeights, d.train.LabelIDs(), model.Classes); w != nil {
		if c.weights, err = tensor.Float32(w, []int64{int64(len(w))}, hw.device); err != nil {
			return err
		}
		defer c.weights.MustDrop()
	}
	if cfg, err = pretrained(cfg, c.model.Embedding, v, prev != nil, out); err != nil {
		return err
	}
	if cfg, c.fromLM, err = initFrom(cfg, c.model, v, hw.device, prev != nil, out); err != nil {
		return err
	}
	if c.step, err = newStepper(c.model.Params, cfg); err != nil {
		return UsageError{err}
	}
	if c.sampler, err = trainSampler(c.train.lengths, cfg); err != nil {
		return UsageError{err}
	}
	run, st, err := openRun(cfg, c, c.step.Opt, c.model.Config, v, d.labels, prev)
	if err != nil {
		return err
	}
	if c.cluster = hw.cluster; c.cluster != nil {
		if err := c.cluster.attach(c.step, c.model.Params); err != nil {
			return err
		}
	}
	fmt.Fprintln(out, describe(c.model, hw))
	fmt.Fprintf(out, "run folder: %s\n", run.Dir)
	loopErr := loop(ctx, run, c, c.step.Opt, cfg, st, out)
	if loopErr != nil && !errors.Is(loopErr, context.Canceled) {
		return loopErr
	}
	if err := testBest(run, c, st, out); err != nil {
		return err
	}
	return loopErr
}

// openRun creates the run folder (vocabulary, config, state), or loads the
// resumed run's last committed checkpoint (none: a run killed before its
// first epoch ended starts afresh in its folder).
func openRun(cfg Config, t task, opt *optim.Optimizer, model lstm.Config, v *vocab.Vocab, labels []string, prev *resumed) (*rundir.Folder, *rundir.State, error) {
	if prev != nil {
		run, st := prev.run, &prev.state
		if err := loadCheckpoint(run, t, opt, st); err != nil {
			return nil, nil, err
		}
		return run, st, run.WriteJSON(rundir.ConfigFile, prev.info)
	}
	run, err := newFolder(cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := v.Save(run.Path(rundir.VocabFile)); err != nil {
		return nil, nil, err
	}
	info, err := rundir.NewInfo(cfg.Task, model, cfg, labels)
	if err != nil {
		return nil, nil, err
	}
	sum, err := run.Sum(rundir.VocabFile)
	if err != nil {
		return nil, nil, err
	}
	info.VocabSHA256 = sum.SHA256
	if err := run.WriteJSON(rundir.ConfigFile, info); err != nil {
		return nil, nil, err
	}
	st := &rundir.State{}
	return run, st, run.Commit(st)
}

// newFolder creates the run folder cfg.Out (rundir.NewFolder), the flag
// named in its errors.
func newFolder(cfg Config) (*rundir.Folder, error) {
	run, err := rundir.NewFolder(cfg.Out, cfg.Task)
	if errors.Is(err, rundir.ErrNotEmpty) {
		return nil, UsageError{fmt.Errorf("-out %s: %w (use -resume %s to continue it)", cfg.Out, rundir.ErrNotEmpty, cfg.Out)}
	}
	if err != nil {
		return nil, UsageError{fmt.Errorf("-out %s: %w", cfg.Out, err)}
	}
	return run, nil
}

// loadCheckpoint restores the folder to its committed state st (rundir's
// Folder.Restore) and loads st's weights and optimizer state, checked
// against their checksums. A state before the first epoch loads nothing.
func loadCheckpoint(run *rundir.Folder, t task, opt *optim.Optimizer, st *rundir.State) error {
	st.Interrupted = nil
	if err := run.Restore(st); err != nil {
		return err
	}
	if st.Epoch == 0 {
		return nil
	}
	w, o := rundir.File{Name: rundir.LastFile}, rundir.File{Name: rundir.OptimFile} // older folders
	if st.Weights != nil {
		w, o = *st.Weights, *st.Optim
	}
	path, err := run.Verify(w)
	if err != nil {
		return err
	}
	if err := t.params().Load(path); err != nil {
		return err
	}
	if err := rundir.CheckFinite(t.params(), path); err != nil {
		return err
	}
	if path, err = run.Verify(o); err != nil {
		return err
	}
	return opt.Load(path)
}

// testBest evaluates model.pt on the test split and records the result.
func testBest(run *rundir.Folder, c *classifier, st *rundir.State, out io.Writer) error {
	te, ok, err := testPhase(run, c.model.Params, st, out, c.evaluate)
	if !ok || err != nil {
		return err
	}
	fmt.Fprintf(out, "test: loss %.4f, accuracy %.2f%% (%d examples, best epoch %d, %s)\n",
		te.loss, 100*te.acc, te.examples, st.BestEpoch, run.Path(rundir.BestFile))
	if st.TestClasses = c.scores.get("test"); st.TestClasses != nil {
		st.TestClasses.Write(out, "test")
	}
	return run.WriteJSON(rundir.StateFile, st)
}
