package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/torchrnn/torchrnn/imdb"
)

// trainDir writes the training reviews to a temporary aclImdb folder: the
// full split from the shared archive ($TORCHRNN_DATA or ../../../shared/data)
// when present, else the built-in sample.
func trainDir(tb testing.TB) (dir string, full bool) {
	tb.Helper()
	base := os.Getenv("TORCHRNN_DATA")
	if base == "" {
		base = filepath.Join("..", "..", "..", "shared", "data")
	}
	d, err := imdb.ReadArchive(filepath.Join(base, "imdb", "aclImdb_v1.tar.xz"), imdb.Train)
	if err != nil {
		tb.Logf("no shared data (%v); using the built-in sample", err)
		if d, _, err = imdb.Sample(); err != nil {
			tb.Fatal(err)
		}
	}
	dir = tb.TempDir()
	for _, e := range d.Examples {
		path := filepath.Join(dir, "train", d.Labels[e.Label], filepath.Base(e.Source))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(e.Text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir, d.Len() == 25000
}

func TestPipeline(t *testing.T) {
	t.Setenv("TORCHRNN_DATA", filepath.Join(t.TempDir(), "none")) // the sample is enough here
	dir, _ := trainDir(t)
	tm, err := run(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tm.Reviews != imdb.SampleTrain || tm.Tokens < 100*tm.Reviews || tm.Vocab < 1000 {
		t.Errorf("%+v", tm)
	}
	if _, err := run(filepath.Join(dir, "missing")); err == nil {
		t.Error("no error for a missing folder")
	}
}

// BenchmarkPipeline times read + tokenize + count + sort + encode of the
// training reviews (25,000 with the shared data, else the 2,500 of the
// sample), reporting each stage in ms.
func BenchmarkPipeline(b *testing.B) {
	dir, _ := trainDir(b)
	var sum Timing
	for b.Loop() {
		tm, err := run(dir)
		if err != nil {
			b.Fatal(err)
		}
		sum.Read += tm.Read
		sum.Tokenize += tm.Tokenize
		sum.Count += tm.Count
		sum.Sort += tm.Sort
		sum.Encode += tm.Encode
		sum.Collate += tm.Collate
		sum.Reviews = tm.Reviews
	}
	n := float64(b.N) / 1000
	b.ReportMetric(sum.Read/n, "read-ms")
	b.ReportMetric(sum.Tokenize/n, "tokenize-ms")
	b.ReportMetric(sum.Count/n, "count-ms")
	b.ReportMetric(sum.Sort/n, "sort-ms")
	b.ReportMetric(sum.Encode/n, "encode-ms")
	b.ReportMetric(sum.Collate/n, "collate-ms")
	b.ReportMetric(float64(sum.Reviews), "reviews")
}
