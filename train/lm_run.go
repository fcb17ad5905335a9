package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

// runLM trains a character- or word-level language model: a new run, or the
// one in prev.
func runLM(ctx context.Context, cfg Config, model lstm.Config, hw hardware, prev *resumed, out io.Writer) error {
	start := time.Now()
	tokens, err := lmTokens(&cfg)
	if err != nil {
		return UsageError{err}
	}
	if cfg.Reverse { // a backward model: the stream right to left, <eos> now before each document
		slices.Reverse(tokens)
	}
	nValid := int(cfg.Valid * float64(len(tokens)))
	nTrain := len(tokens) - nValid
	var v *vocab.Vocab
	if prev != nil {
		if v, err = vocab.Load(prev.run.Path(prev.info.Vocab)); err != nil {
			return err
		}
	} else {
		v = lmVocab(tokens, nTrain, cfg)
	}
	ids := v.Encode(tokens)
	m := &languageModel{cfg: cfg, device: hw.device, out: out, train: ids[:nTrain], valid: ids[nTrain:]}
	if cfg.Batch > min(nTrain, nValid)/2 {
		need := min(cfg.Batch, math.MaxInt/2) * 2
		return UsageError{fmt.Errorf("-batch %d: the text has %d training and %d validation tokens: need at least %d of each, 2 per row (a longer -text or a smaller -batch)", cfg.Batch, nTrain, nValid, need)}
	}
	fmt.Fprintf(out, "data: %d train, %d valid %s tokens, vocabulary %d; read in %s\n",
		nTrain, nValid, cfg.Level, v.Len(), time.Since(start).Round(time.Millisecond))
	model.Vocab = v.Len()
	if err := checkMemory(cfg, model, lstm.LMHead, cfg.Batch, min(cfg.BPTT, nTrain/cfg.Batch)); err != nil {
		return err
	}
	if cfg, err = m.build(cfg, model, v, hw, prev != nil, out); err != nil {
		return err
	}
	run, st, err := openRun(cfg, m, m.step.Opt, m.model.Config, v, nil, prev)
	if err != nil {
		return err
	}
	if m.cluster = hw.cluster; m.cluster != nil {
		if err := m.cluster.attach(m.step, m.model.Params); err != nil {
			return err
		}
	}
	c := m.model.Config
	fmt.Fprintf(out, "model: %s language model, %d layer(s), embed %d, hidden %d, tied %v, dropout %g; %d parameters; %v, %d thread(s)\n",
		c.Cell, c.Layers, c.Embed, c.Hidden, c.Tie, c.Dropout, m.model.Params.Count(), hw.device, hw.threads)
	fmt.Fprintf(out, "run folder: %s\n", run.Dir)
	err = loop(ctx, run, m, m.step.Opt, cfg, st, out)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	fmt.Fprintf(out, "best: epoch %d, validation loss %.4f (%s)\n", st.BestEpoch, -st.Best, run.Path(rundir.BestFile))
	return err
}

// build makes m's model, its sampled softmax (-softmax-samples), its
// embedding (-init-from, -embeddings, -freeze-embed; a resumed run's is in
// its checkpoint) and its training step, and returns cfg with what the
// embedding's sources recorded.
func (m *languageModel) build(cfg Config, model lstm.Config, v *vocab.Vocab, hw hardware, resumed bool, out io.Writer) (Config, error) {
	var err error
	if m.model, err = lstm.NewLM(model, hw.device); err != nil {
		return cfg, UsageError{modelErr(err)}
	}
	m.model.RNN.Strategy = hw.strategy
	if m.sampled, err = newSampled(cfg, v.Len(), out); err != nil {
		return cfg, err
	}
	if cfg, err = embeddingFromLM(cfg, m.model, v, hw.device, resumed, out); err != nil {
		return cfg, err
	}
	if cfg, err = pretrained(cfg, m.model.Encoder, v, resumed, out); err != nil {
		return cfg, err
	}
	if m.step, err = newStepper(m.model.Params, cfg); err != nil {
		return cfg, UsageError{err}
	}
	return cfg, nil
}
