package train

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/vocab"
)

// texts holds the three splits of a classification data set.
type texts struct {
	train, valid, test *imdb.Dataset
	labels             []string
	warnings           []string // rows replaced or dropped while reading, with counts
}

// loadTexts reads the data named by cfg: the built-in sample, an aclImdb
// folder or archive (its train and test splits), a CSV/TSV file, of which
// a seeded fifth becomes the test set, or -train/-dev/-test (loadSplits).
// Validation is cfg.Valid of the training data, split with cfg.Seed.
func loadTexts(ctx context.Context, cfg Config) (*texts, error) {
	if cfg.TrainFile != "" {
		return loadSplits(cfg) // -train, -dev, -test (splits.go)
	}
	if !cfg.columns().IsZero() && !isTable(cfg.Data) {
		return nil, fmt.Errorf("-text-column and -label-column: only for CSV and TSV files, not %s", cmp.Or(cfg.Data, "the built-in sample"))
	}
	var train, test *imdb.Dataset
	var warnings []string
	var err error
	path := cfg.Data
	switch {
	case cfg.Download:
		dir := path
		if dir == "" {
			dir = "data"
		}
		if path, err = imdb.Download(ctx, dir); err != nil {
			return nil, fmt.Errorf("-download: %w", err)
		}
		fallthrough
	case path != "" && !isTable(path):
		if train, err = imdb.Read(path, imdb.Train); err == nil {
			test, err = imdb.Read(path, imdb.Test)
		}
		if err == nil {
			warnings = summary(summary(warnings, path+" (train)", train), path+" (test)", test)
		}
	case path != "":
		var all *imdb.Dataset
		if all, err = imdb.ReadSplit(path, cfg.columns()); err == nil {
			warnings = summary(warnings, path, all)
			train, test, err = all.SplitFraction(0.2, cfg.testSeed())
		}
	default:
		train, test, err = imdb.Sample()
	}
	if err != nil {
		return nil, fmt.Errorf("-data: %w", err)
	}
	if train.Len() < 2 || test.Len() < 1 {
		return nil, fmt.Errorf("-data %s: %d training and %d test examples: too few", path, train.Len(), test.Len())
	}
	t := &texts{test: test, labels: train.Labels, warnings: warnings}
	if t.train, t.valid, err = train.SplitFraction(cfg.Valid, uint64(cfg.Seed)); err != nil {
		return nil, fmt.Errorf("-valid: %w", err)
	}
	return t, nil
}

// summary appends ds's warning summary (rows replaced or dropped while
// reading, with counts), if any, to warnings.
func summary(warnings []string, name string, ds *imdb.Dataset) []string {
	if s := ds.WarningSummary(); s != "" {
		warnings = append(warnings, name+": "+s)
	}
	return warnings
}

func isTable(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".csv" || ext == ".tsv"
}

// encoded is a split as id sequences with their labels.
type encoded struct {
	ids     [][]int64
	labels  []int64
	lengths []int // after truncation, for bucketing
}

func encode(v *vocab.Vocab, tok vocab.Tokenizer, ds *imdb.Dataset, maxLen int) encoded {
	return withLabels(v.EncodeAll(vocab.TokenizeAll(ds.Texts(), tok)), ds, maxLen)
}

// withLabels pairs the ids of ds's texts with its labels and their
// lengths after truncation to maxLen.
func withLabels(ids [][]int64, ds *imdb.Dataset, maxLen int) encoded {
	e := encoded{ids: ids, labels: make([]int64, ds.Len()), lengths: make([]int, ds.Len())}
	for i, ex := range ds.Examples {
		e.labels[i] = int64(ex.Label)
		e.lengths[i] = len(e.ids[i])
		if maxLen > 0 && e.lengths[i] > maxLen {
			e.lengths[i] = maxLen
		}
	}
	return e
}

// batch is one batch, measured in Go ahead of the training loop; the
// consumer pads seqs straight into the ids tensor [B, T] (seq's PadInto).
type batch struct {
	seqs    [][]int64 // [B] the examples' ids, not padded
	lengths []int64   // [B]
	labels  []int64   // [B]
	B, T    int
	tokens  int64 // real (unpadded) tokens
	err     error
}

// ahead builds the batch of each index set of order on a goroutine of its
// own (the spare core), a few ahead of the consumer, until ctx ends; every
// task's batches come through it.
func ahead[B any](ctx context.Context, order [][]int, build func(idx []int) B) <-chan B {
	out := make(chan B, 4)
	go func() {
		defer close(out)
		for _, idx := range order {
			select {
			case out <- build(idx):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// batches measures the classifier's batches of an epoch (lengths, width),
// ahead of the consumer; drop, when not nil, replaces words of each batch
// with <unk> (word dropout) in a copy of its texts.
func batches(ctx context.Context, e encoded, order [][]int, pad seq.Padding, drop func(example int, ids []int64)) <-chan batch {
	return ahead(ctx, order, func(idx []int) batch {
		seqs, labels := make([][]int64, len(idx)), make([]int64, len(idx))
		for i, j := range idx {
			seqs[i], labels[i] = e.ids[j], e.labels[j]
		}
		if drop != nil {
			seqs = dropWords(seqs, idx, drop)
		}
		lengths, T, err := pad.Shape(seqs)
		b := batch{seqs: seqs, lengths: lengths, labels: labels, B: len(idx), T: T, err: err}
		for _, l := range lengths {
			b.tokens += l
		}
		return b
	})
}

// dropWords returns copies of seqs (the texts of examples idx), in one
// buffer for the batch, after drop.
func dropWords(seqs [][]int64, idx []int, drop func(example int, ids []int64)) [][]int64 {
	n := 0
	for _, s := range seqs {
		n += len(s)
	}
	flat, out := make([]int64, 0, n), make([][]int64, len(seqs))
	for i, s := range seqs {
		flat = append(flat, s...)
		out[i] = flat[len(flat)-len(s):]
		drop(idx[i], out[i])
	}
	return out
}
