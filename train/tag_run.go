package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/torchrnn/torchrnn/conll"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

// tagData is a tagging corpus's three splits.
type tagData struct {
	train, valid, test []conll.Sentence
	from               string
}

// loadTagged reads -train/-dev/-test, or -data (a folder or archive with
// train, dev and test files, or one file). Without a dev split, cfg.Valid
// of the training sentences (seeded) is held out.
func loadTagged(cfg Config) (*tagData, error) {
	opt := conll.Options{Format: conll.Format(cfg.Format), Column: cfg.TagColumn}
	d := &tagData{}
	read := func(flag, path string, dst *[]conll.Sentence) error {
		if path == "" {
			return nil
		}
		s, err := conll.ReadFile(path, opt)
		if err != nil {
			return fmt.Errorf("-%s: %w", flag, err)
		}
		*dst = s
		return nil
	}
	switch {
	case cfg.TrainFile != "":
		for _, f := range []struct {
			flag, path string
			dst        *[]conll.Sentence
		}{{"train", cfg.TrainFile, &d.train}, {"dev", cfg.DevFile, &d.valid}, {"test", cfg.TestFile, &d.test}} {
			if err := read(f.flag, f.path, f.dst); err != nil {
				return nil, err
			}
		}
		d.from = cfg.TrainFile
	case cfg.Data == "":
		return nil, errors.New("-task tag needs -data (a folder, archive or file) or -train")
	default:
		fi, err := os.Stat(cfg.Data)
		if err != nil {
			return nil, fmt.Errorf("-data: %w", err)
		}
		name := strings.ToLower(cfg.Data)
		if !fi.IsDir() && !strings.Contains(name, ".tar") && !strings.HasSuffix(name, ".tgz") {
			if err := read("data", cfg.Data, &d.train); err != nil {
				return nil, err
			}
		} else {
			s, err := conll.ReadSplits(cfg.Data, opt)
			if err != nil {
				return nil, fmt.Errorf("-data: %w", err)
			}
			d.train, d.valid, d.test = s.Train, s.Dev, s.Test
		}
		d.from = cfg.Data
	}
	if len(d.train) < 2 {
		return nil, fmt.Errorf("-data %s: %d training sentences: too few", d.from, len(d.train))
	}
	if len(d.valid) == 0 {
		d.train, d.valid = holdOut(d.train, cfg.Valid, cfg.Seed)
	}
	return d, nil
}

// holdOut splits off a seeded share of sentences for validation.
func holdOut(s []conll.Sentence, share float64, seed int64) (train, valid []conll.Sentence) {
	n := max(1, int(math.Round(share*float64(len(s)))))
	order := rand.New(rand.NewPCG(uint64(seed), 0x7a9)).Perm(len(s))
	for i, j := range order {
		if i < n {
			valid = append(valid, s[j])
		} else {
			train = append(train, s[j])
		}
	}
	return train, valid
}

// tagSet is every tag of the corpus, sorted, with its id.
func tagSet(splits ...[]conll.Sentence) []string {
	seen := map[string]bool{}
	for _, ss := range splits {
		for _, s := range ss {
			for _, t := range s.Tags {
				seen[t] = true
			}
		}
	}
	tags := make([]string, 0, len(seen))
	for t := range seen {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	return tags
}

// runTagger trains a sequence tagger: a new run, or the one in prev.
func runTagger(ctx context.Context, cfg Config, model lstm.Config, hw hardware, prev *resumed, out io.Writer) error {
	start := time.Now()
	data, err := loadTagged(cfg)
	if err != nil {
		return UsageError{err}
	}
	v, chars, tags, err := tagVocabs(cfg, model, data, prev)
	if err != nil {
		return err
	}
	c, err := newTagger(cfg, data, v, tags, hw, out)
	if err != nil {
		return UsageError{err}
	}
	fmt.Fprintf(out, "data: %d train, %d valid, %d test sentences (%d train tokens), %d tags, vocabulary %d; read in %s\n",
		len(data.train), len(data.valid), len(data.test), sumInts(c.train.lengths), len(tags), v.Len(), time.Since(start).Round(time.Millisecond))
	model.Vocab, model.Classes = v.Len(), len(tags)
	if chars != nil {
		model.Chars = chars.Len()
		c.spell = chars.Spell
	}
	if err := checkMemory(cfg, model, lstm.TaggerHead, min(cfg.Batch, len(c.train.lengths)), slices.Max(append(c.train.lengths, 1))); err != nil {
		return err
	}
	if c.model, err = lstm.NewTagger(model, hw.device); err != nil {
		return UsageError{modelErr(err)}
	}
	c.model.SetStrategy(hw.strategy)
	if cfg, err = pretrained(cfg, c.model.Embedding, v, prev != nil, out); err != nil {
		return err
	}
	if c.step, err = newStepper(c.model.Params, cfg); err != nil {
		return UsageError{err}
	}
	if c.sampler, err = trainSampler(c.train.lengths, cfg); err != nil {
		return UsageError{err}
	}
	run, st, err := openRun(cfg, c, c.step.Opt, c.model.Config, v, tags, prev)
	if err != nil {
		return err
	}
	if prev == nil && chars != nil {
		if err := chars.Save(run.Path(rundir.CharsFile)); err != nil {
			return err
		}
	}
	fmt.Fprintln(out, describeTagger(c.model, hw))
	fmt.Fprintf(out, "run folder: %s\n", run.Dir)
	loopErr := loop(ctx, run, c, c.step.Opt, cfg, st, out)
	if loopErr != nil && !errors.Is(loopErr, context.Canceled) {
		return loopErr
	}
	if len(c.test.ids) > 0 {
		if err := testTagger(run, c, st, out); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "whole run: %s\n", time.Since(start).Round(time.Second))
	return loopErr
}

// newTagger encodes the splits of data with the vocabulary v and the
// run's tags, which must hold every tag in data.
func newTagger(cfg Config, data *tagData, v *vocab.Vocab, tags []string, hw hardware, out io.Writer) (*tagger, error) {
	tagID := map[string]int64{}
	for i, t := range tags {
		tagID[t] = int64(i)
	}
	for _, split := range [][]conll.Sentence{data.train, data.valid, data.test} {
		if t := unknownTag(split, tagID); t != "" {
			return nil, fmt.Errorf("-data %s: tag %q is not among the run's %d tags", data.from, t, len(tags))
		}
	}
	c := &tagger{cfg: cfg, device: hw.device, out: out, tags: tags, chunks: conll.IsChunkScheme(tags),
		train: encodeTagged(data.train, v, tagID),
		valid: encodeTagged(data.valid, v, tagID),
		test:  encodeTagged(data.test, v, tagID)}
	c.drop = newWordDrop(cfg.WordDropout, cfg.Seed, c.train.ids)
	return c, nil
}

// tagVocabs are the run's words, characters (nil without character
// features) and tags: built from the training data, or the resumed run's.
func tagVocabs(cfg Config, model lstm.Config, data *tagData, prev *resumed) (v, chars *vocab.Vocab, tags []string, err error) {
	if prev != nil {
		if v, err = vocab.Load(prev.run.Path(prev.info.Vocab)); err != nil {
			return nil, nil, nil, err
		}
		if model.Chars > 0 {
			if chars, err = vocab.Load(prev.run.Path(rundir.CharsFile)); err != nil {
				return nil, nil, nil, err
			}
		}
		return v, chars, prev.info.Labels, nil
	}
	words, runes := vocab.NewCounter(), vocab.NewCounter()
	for _, s := range data.train {
		words.Add(s.Tokens)
		for _, w := range s.Tokens {
			runes.Add(strings.Split(w, ""))
		}
	}
	v = vocab.New(words, vocab.Options{MinFreq: cfg.MinFreq, MaxSize: cfg.MaxVocab})
	if cfg.Chars {
		chars = vocab.New(runes, vocab.Options{})
	}
	return v, chars, tagSet(data.train, data.valid, data.test), nil
}

func unknownTag(split []conll.Sentence, tagID map[string]int64) string {
	for _, s := range split {
		for _, t := range s.Tags {
			if _, ok := tagID[t]; !ok {
				return t
			}
		}
	}
	return ""
}

func sumInts(xs []int) (n int) {
	for _, x := range xs {
		n += x
	}
	return n
}

// testTagger evaluates model.pt on the test split, prints and saves the
// per-tag table and conlleval's summary (test.txt), and records the result.
func testTagger(run *rundir.Folder, c *tagger, st *rundir.State, out io.Writer) error {
	te, ok, err := testPhase(run, c.model.Params, st, out, c.evaluate)
	if !ok || err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "test: loss %.4f, token accuracy %.2f%% (%d sentences, %d tokens, best epoch %d, %s)\n\n",
		te.loss, 100*te.acc, te.examples, te.tokens, st.BestEpoch, run.Path(rundir.BestFile))
	c.last.chunk.TagTable(&b)
	if c.chunks {
		b.WriteString("\n")
		c.last.chunk.Report(&b)
	}
	fmt.Fprint(out, b.String())
	if err := os.WriteFile(run.Path(rundir.TestReportFile), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return run.WriteJSON(rundir.StateFile, st)
}
