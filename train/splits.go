package train

import (
	"fmt"

	"github.com/torchrnn/torchrnn/imdb"
)

// loadSplits reads the classifier's -train, -dev and -test, each a CSV, a
// TSV or an aclImdb split folder (imdb.ReadSplit), the dev and test
// classes mapped onto the training file's. Without -test a seeded fifth
// of the training file is the test set; without -dev, cfg.Valid of the
// rest validates (as for -data).
func loadSplits(cfg Config) (*texts, error) {
	cols := cfg.columns()
	all, err := imdb.ReadSplit(cfg.TrainFile, cols)
	if err != nil {
		return nil, fmt.Errorf("-train: %w", err)
	}
	t := &texts{labels: all.Labels, warnings: summary(nil, cfg.TrainFile, all)}
	read := func(flag, path string) (*imdb.Dataset, error) {
		d, err := imdb.ReadSplit(path, cols)
		if err == nil {
			err = d.Relabel(all.Labels)
		}
		if err != nil {
			return nil, fmt.Errorf("-%s: %w", flag, err)
		}
		t.warnings = summary(t.warnings, path, d)
		return d, nil
	}
	seed := uint64(cfg.Seed)
	if cfg.TestFile != "" {
		t.test, err = read("test", cfg.TestFile)
	} else if all, t.test, err = all.SplitFraction(0.2, cfg.testSeed()); err != nil {
		err = fmt.Errorf("-train: %w", err)
	}
	if err != nil {
		return nil, err
	}
	if cfg.DevFile != "" {
		t.train = all
		t.valid, err = read("dev", cfg.DevFile)
	} else if t.train, t.valid, err = all.SplitFraction(cfg.Valid, seed); err != nil {
		err = fmt.Errorf("-valid: %w", err)
	}
	if err != nil {
		return nil, err
	}
	if t.train.Len() < 2 || t.valid.Len() < 1 || t.test.Len() < 1 {
		return nil, fmt.Errorf("-train %s: %d training, %d validation and %d test examples: too few", cfg.TrainFile, t.train.Len(), t.valid.Len(), t.test.Len())
	}
	return t, nil
}
