package imdb

import (
	"bytes"
	_ "embed"
)

//go:generate go run ./internal/mksample -src ../../shared/data/imdb/aclImdb_v1.tar.xz -out sample.tar.xz

// sampleArchive is a balanced random subset of aclImdb written by
// internal/mksample: 1,250 train and 500 test reviews per label.
//
//go:embed sample.tar.xz
var sampleArchive []byte

// Sample sizes.
const (
	SampleTrain = 2500
	SampleTest  = 1000
)

// Sample returns the built-in sample of aclImdb: 2,500 training and 1,000
// test reviews, half of each positive, picked at random with a fixed seed
// from the full dataset. It needs no files or network, so it suits quick
// runs and tests; it takes well under a second. Each call returns new
// Datasets that the caller may modify.
func Sample() (train, test *Dataset, err error) {
	ds, err := readArchive(bytes.NewReader(sampleArchive), "sample.tar.xz", Train, Test)
	if err != nil {
		return nil, nil, err
	}
	return ds[0], ds[1], nil
}
