package bitext

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/torchrnn/torchrnn/internal/tarball"
)

// Splits are a corpus's training, validation and test pairs.
type Splits struct{ Train, Valid, Test []Pair }

// Multi30k's split names, as its files name them.
var multi30kSplits = [3]string{"train", "val", "test_2016_flickr"}

// ReadMulti30k reads Multi30k task 1 (github.com/multi30k/dataset) in
// languages src and tgt ("de", "en", ...) from a folder or a tar archive
// (plain, .gz or .xz) holding, at any depth, the folder tok/ with the
// lower-cased tokenised files (train.lc.norm.tok.de, val...,
// test_2016_flickr...), or with raw the folder raw/ (train.de ...).
func ReadMulti30k(src string, srcLang, tgtLang string, raw bool) (*Splits, error) {
	want := map[string]int{} // file name -> split*2 + side
	for i, sp := range multi30kSplits {
		for side, lang := range []string{srcLang, tgtLang} {
			name := "tok/" + sp + ".lc.norm.tok." + lang
			if raw {
				name = "raw/" + sp + "." + lang
			}
			want[name] = 2*i + side
		}
	}
	var files [6][]byte
	var names [6]string
	take := func(name string, r io.Reader) error {
		slash := filepath.ToSlash(name)
		for w, k := range want {
			if slash == w || strings.HasSuffix(slash, "/"+w) {
				b, err := io.ReadAll(io.LimitReader(r, 1<<30))
				if err != nil {
					return fmt.Errorf("bitext: %s: %w", name, err)
				}
				files[k], names[k] = b, name
			}
		}
		return nil
	}
	if err := walkSource(src, take); err != nil {
		return nil, err
	}
	var err error
	var out [3][]Pair
	for i := range out {
		for side := range 2 {
			if files[2*i+side] == nil {
				return nil, fmt.Errorf("bitext: %s: no Multi30k file %s (want tok/ or raw/ with %s and %s files)", src, missing(want, 2*i+side), srcLang, tgtLang)
			}
		}
		if out[i], err = Align(files[2*i], files[2*i+1], names[2*i], names[2*i+1]); err != nil {
			return nil, err
		}
	}
	return &Splits{Train: out[0], Valid: out[1], Test: out[2]}, nil
}

// walkSource calls take with each regular file below the folder src, or
// each member of the archive src (named src:member).
func walkSource(src string, take func(name string, r io.Reader) error) error {
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("bitext: %w", err)
	}
	if !fi.IsDir() {
		return tarball.Walk(src, "bitext", func(member string, r io.Reader) error {
			return take(src+":"+member, r)
		})
	}
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return take(p, f)
	})
	if err != nil {
		return fmt.Errorf("bitext: %w", err)
	}
	return nil
}

func missing(want map[string]int, k int) string {
	for name, v := range want {
		if v == k {
			return path.Clean(name)
		}
	}
	return "?"
}
