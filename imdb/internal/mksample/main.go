// Command mksample writes the built-in sample of package imdb: a balanced,
// seeded random subset of aclImdb, as an xz-compressed tar in the aclImdb
// layout, so imdb.Sample reads it with the archive reader. From package
// imdb run go generate, or:
//
//	go run ./internal/mksample -src ../../shared/data/imdb/aclImdb_v1.tar.xz -out sample.tar.xz
//
// Package imdb embeds the file, so it must exist for this command to build:
// it is overwritten. The choice depends only on the source data and the flags: for each split
// and label, Dataset.Split(n, seed) over that label's reviews in reader
// order picks n of them. The output bytes are deterministic too.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/torchrnn/torchrnn/imdb"
	"github.com/ulikunitz/xz"
)

func main() {
	src := flag.String("src", "../../shared/data/imdb/aclImdb_v1.tar.xz", "aclImdb folder or archive to take the reviews from")
	out := flag.String("out", "sample.tar.xz", "output file")
	nTrain := flag.Int("train", 1250, "training reviews per label")
	nTest := flag.Int("test", 500, "test reviews per label")
	seed := flag.Uint64("seed", 1, "selection seed")
	flag.Parse()
	if err := run(*src, *out, *nTrain, *nTest, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "mksample:", err)
		os.Exit(1)
	}
}

// modTime is the date of aclImdb v1.0, for reproducible tar headers.
var modTime = time.Date(2011, 6, 12, 0, 0, 0, 0, time.UTC)

const readme = `Sample of the Large Movie Review Dataset v1.0 (aclImdb),
https://ai.stanford.edu/~amaas/data/sentiment/, written by
github.com/torchrnn/torchrnn/imdb/internal/mksample (%d train and %d test
reviews per label, seed %d). Cite: Maas, Daly, Pham, Huang, Ng, Potts,
"Learning Word Vectors for Sentiment Analysis", ACL-HLT 2011, pp. 142-150.
`

func run(src, out string, nTrain, nTest int, seed uint64) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := addFile(tw, "aclImdb/README", []byte(fmt.Sprintf(readme, nTrain, nTest, seed))); err != nil {
		return err
	}
	for _, sp := range []struct {
		split imdb.Split
		n     int
	}{{imdb.Test, nTest}, {imdb.Train, nTrain}} {
		d, err := imdb.Read(src, sp.split)
		if err != nil {
			return err
		}
		for label := range d.Labels {
			picked, err := pick(d, label, sp.n, seed)
			if err != nil {
				return err
			}
			for _, e := range picked {
				name := path.Join("aclImdb", string(sp.split), d.Labels[label], path.Base(filepath.ToSlash(e.Source)))
				if err := addFile(tw, name, []byte(e.Text)); err != nil {
					return err
				}
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return writeXZ(out, buf.Bytes())
}

// pick returns n seeded random examples with the given label, in order.
func pick(d *imdb.Dataset, label, n int, seed uint64) ([]imdb.Example, error) {
	sub := &imdb.Dataset{Labels: d.Labels}
	for _, e := range d.Examples {
		if e.Label == label {
			sub.Examples = append(sub.Examples, e)
		}
	}
	_, picked, err := sub.Split(n, seed)
	if err != nil {
		return nil, err
	}
	return picked.Examples, nil
}

func addFile(tw *tar.Writer, name string, data []byte) error {
	hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: modTime, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err := tw.Write(data)
	return err
}

func writeXZ(out string, data []byte) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w, err := xz.WriterConfig{DictCap: 8 << 20}.NewWriter(f)
	if err == nil {
		_, err = w.Write(data)
	}
	if err == nil {
		err = w.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
