package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/torchrnn/torchrnn/bitext"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

// loadBitext reads -src/-tgt, a TSV, a Multi30k folder or archive, or
// makes a toy task. Without a validation split, cfg.Valid of the training
// pairs (seeded) is held out; a test split exists for Multi30k and toys.
func loadBitext(cfg Config) (*bitext.Splits, string, error) {
	var d *bitext.Splits
	var err error
	from := cfg.Data
	switch {
	case cfg.Src != "":
		from = cfg.Src
		d = &bitext.Splits{}
		if d.Train, err = bitext.ReadFiles(cfg.Src, cfg.Tgt); err != nil {
			return nil, "", fmt.Errorf("-src/-tgt: %w", err)
		}
	case strings.HasPrefix(cfg.Data, "toy:"):
		d = toyTask(strings.TrimPrefix(cfg.Data, "toy:"), cfg.Seed)
	case strings.HasSuffix(strings.ToLower(cfg.Data), ".tsv"):
		d = &bitext.Splits{}
		if d.Train, err = bitext.ReadTSV(cfg.Data); err != nil {
			return nil, "", fmt.Errorf("-data: %w", err)
		}
	default:
		if d, err = bitext.ReadMulti30k(cfg.Data, cfg.SrcLang, cfg.TgtLang, false); err != nil {
			return nil, "", fmt.Errorf("-data: %w", err)
		}
	}
	if len(d.Train) < 2 {
		return nil, "", fmt.Errorf("-data %s: %d training pairs: too few", from, len(d.Train))
	}
	if len(d.Valid) == 0 {
		n := max(1, int(cfg.Valid*float64(len(d.Train))))
		order := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5e9)).Perm(len(d.Train))
		var train, valid []bitext.Pair
		for i, j := range order {
			if i < n {
				valid = append(valid, d.Train[j])
			} else {
				train = append(train, d.Train[j])
			}
		}
		d.Train, d.Valid = train, valid
	}
	return d, from, nil
}

// tokenized is a split's pairs as tokens.
type tokenized struct{ src, tgt [][]string }

func tokenizePairs(pairs []bitext.Pair, tok vocab.Tokenizer) tokenized {
	var t tokenized
	for _, p := range pairs {
		t.src = append(t.src, tok(p.Src))
		t.tgt = append(t.tgt, tok(p.Tgt))
	}
	return t
}

// encodePairs maps a split to ids: targets end with <eos>. A side that
// tokenises to nothing is an error naming the pair.
func encodePairs(t tokenized, src, tgt *vocab.Vocab, name string) (parallel, error) {
	eos, _ := tgt.EOSID()
	var e parallel
	for i := range t.src {
		if len(t.src[i]) == 0 || len(t.tgt[i]) == 0 {
			return e, fmt.Errorf("%s pair %d: a side has no tokens", name, i+1)
		}
		e.src = append(e.src, src.Encode(t.src[i]))
		e.tgt = append(e.tgt, append(tgt.Encode(t.tgt[i]), eos))
		e.refs = append(e.refs, t.tgt[i])
		e.lengths = append(e.lengths, len(t.src[i]))
	}
	return e, nil
}

// runSeq2Seq trains an encoder-decoder translator: a new run, or the one
// in prev.
func runSeq2Seq(ctx context.Context, cfg Config, model lstm.Config, hw hardware, prev *resumed, out io.Writer) error {
	start := time.Now()
	data, from, err := loadBitext(cfg)
	if err != nil {
		return UsageError{err}
	}
	tok, err := rundir.Tokenizer(cfg.Tokenizer)
	if err != nil {
		return UsageError{fmt.Errorf("-tokenizer: %w", err)}
	}
	tr, va, te := tokenizePairs(data.Train, tok), tokenizePairs(data.Valid, tok), tokenizePairs(data.Test, tok)
	srcV, tgtV, err := seq2seqVocabs(cfg, tr, prev)
	if err != nil {
		return err
	}
	c, err := newTranslator(cfg, [3]tokenized{tr, va, te}, srcV, tgtV, from, hw, out)
	if err != nil {
		return UsageError{err}
	}
	fmt.Fprintf(out, "data: %d train, %d valid, %d test pairs (%d source, %d target train tokens), vocabularies %d source, %d target; read in %s\n",
		len(c.train.src), len(c.valid.src), len(c.test.src), sumInts(c.train.lengths), sumLens(c.train.tgt), srcV.Len(), tgtV.Len(), time.Since(start).Round(time.Millisecond))
	model.Vocab, model.TargetVocab = srcV.Len(), tgtV.Len()
	if err := model.Validate(); err != nil {
		return UsageError{modelErr(err)}
	}
	if err := checkMemory(cfg, model, lstm.Seq2SeqHead, min(cfg.Batch, len(c.train.src)), 2*slices.Max(c.train.lengths)); err != nil {
		return err
	}
	if c.model, err = lstm.NewSeq2Seq(model, hw.device); err != nil {
		return UsageError{modelErr(err)}
	}
	c.model.SetStrategy(hw.strategy)
	if c.step, err = newStepper(c.model.Params, cfg); err != nil {
		return UsageError{err}
	}
	if c.sampler, err = trainSampler(c.train.lengths, cfg); err != nil {
		return UsageError{err}
	}
	run, st, err := openRun(cfg, c, c.step.Opt, c.model.Config, srcV, nil, prev)
	if err != nil {
		return err
	}
	if prev == nil {
		if err := tgtV.Save(run.Path(rundir.TargetVocabFile)); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "model: %s; %v, strategy %s, %d thread(s)\n", c.model, hw.device, hw.strategy, hw.threads)
	fmt.Fprintf(out, "run folder: %s\n", run.Dir)
	loopErr := budgeted(ctx, run, c, cfg, st, out, start)
	if loopErr != nil && !errors.Is(loopErr, context.Canceled) {
		return loopErr
	}
	if len(c.test.src) > 0 {
		if err := testTranslator(run, c, st, out); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "whole run: %s\n", time.Since(start).Round(time.Second))
	return loopErr
}

// newTranslator encodes the training, validation and test pairs of splits
// (read from from) with the run's vocabularies.
func newTranslator(cfg Config, splits [3]tokenized, srcV, tgtV *vocab.Vocab, from string, hw hardware, out io.Writer) (*translator, error) {
	c := &translator{cfg: cfg, device: hw.device, out: out, tgtVocab: tgtV}
	c.bos, _ = tgtV.BOSID()
	c.eos, _ = tgtV.EOSID()
	var err error
	for i, sp := range []struct {
		name string
		dst  *parallel
	}{{"training", &c.train}, {"validation", &c.valid}, {"test", &c.test}} {
		if *sp.dst, err = encodePairs(splits[i], srcV, tgtV, from+": "+sp.name); err != nil {
			return nil, fmt.Errorf("-data %w", err)
		}
	}
	return c, nil
}

// seq2seqVocabs are the run's source and target vocabularies: built from
// the training pairs, or the resumed run's.
func seq2seqVocabs(cfg Config, tr tokenized, prev *resumed) (src, tgt *vocab.Vocab, err error) {
	if prev != nil {
		if src, err = vocab.Load(prev.run.Path(prev.info.Vocab)); err != nil {
			return nil, nil, err
		}
		tgt, err = vocab.Load(prev.run.Path(rundir.TargetVocabFile))
		return src, tgt, err
	}
	opt := vocab.Options{MinFreq: cfg.MinFreq, MaxSize: cfg.MaxVocab}
	src = vocab.New(vocab.CountTokens(tr.src), opt)
	opt.BOS, opt.EOS = true, true
	return src, vocab.New(vocab.CountTokens(tr.tgt), opt), nil
}

func sumLens(xs [][]int64) (n int) {
	for _, x := range xs {
		n += len(x)
	}
	return n
}

// testTranslator evaluates model.pt on the test split (beam search), saves
// the translations and records the test BLEU.
func testTranslator(run *rundir.Folder, c *translator, st *rundir.State, out io.Writer) error {
	te, ok, err := testPhase(run, c.model.Params, st, out, c.evaluate)
	if !ok || err != nil {
		return err
	}
	st.TestBLEU = c.bleu.BLEU
	fmt.Fprintf(out, "test: loss %.4f, token accuracy %.2f%%, BLEU %.2f (beam %d, %d sentences, best epoch %d, %s)\n",
		te.loss, 100*te.acc, c.bleu.BLEU, c.cfg.Beam, te.examples, st.BestEpoch, run.Path(rundir.BestFile))
	var b strings.Builder
	for _, h := range c.hyps {
		b.WriteString(strings.Join(h, " "))
		b.WriteByte('\n')
	}
	if err := os.WriteFile(run.Path(rundir.TranslationFile), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return run.WriteJSON(rundir.StateFile, st)
}

// budgeted is loop under cfg.MaxTime: it runs one epoch at a time and
// starts none that, judged by the longest epoch so far (training and
// validation), would end past cfg.MaxTime since start.
func budgeted(ctx context.Context, run *rundir.Folder, c *translator, cfg Config, st *rundir.State, out io.Writer, start time.Time) error {
	if cfg.MaxTime <= 0 {
		return loop(ctx, run, c, c.step.Opt, cfg, st, out)
	}
	var longest time.Duration
	for st.Epoch < cfg.Epochs && !st.Done {
		if elapsed := time.Since(start); longest > 0 && elapsed+longest > cfg.MaxTime {
			fmt.Fprintf(out, "time limit: %s since the start, and an epoch takes up to %s: no epoch %d within -max-time %s\n",
				elapsed.Round(time.Second), longest.Round(time.Second), st.Epoch+1, cfg.MaxTime)
			return nil
		}
		one := cfg
		one.Epochs = st.Epoch + 1 // loop commits the epoch as the last one...
		t0 := time.Now()
		if err := loop(ctx, run, c, c.step.Opt, one, st, out); err != nil {
			return err
		}
		longest = max(longest, time.Since(t0))
		// ... which it is only after all epochs, an early stop or a dry run.
		st.Done = st.Epoch >= cfg.Epochs || cfg.DryRun || (cfg.Patience > 0 && st.Stale >= cfg.Patience)
	}
	return nil
}
