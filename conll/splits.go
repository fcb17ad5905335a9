package conll

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/torchrnn/torchrnn/internal/tarball"
)

// Splits are a corpus's train, dev and test sentences.
type Splits struct {
	Train, Dev, Test []Sentence
	Files            [3]string // where each came from
}

// split names a file's split from its name: train; dev (also valid, testa);
// test (also testb); -1 for none. README, LICENSE and metadata files are
// none.
func split(name string) int {
	base := strings.ToLower(path.Base(name))
	switch path.Ext(base) {
	case ".md", ".xml", ".json", ".html", ".py", ".pl", ".sh":
		return -1
	}
	switch {
	case strings.HasPrefix(base, "readme") || strings.HasPrefix(base, "license"):
		return -1
	case strings.Contains(base, "train"):
		return 0
	case strings.Contains(base, "dev") || strings.Contains(base, "valid") || strings.Contains(base, "testa"):
		return 1
	case strings.Contains(base, "test"):
		return 2
	}
	return -1
}

// ReadSplits reads a folder or a .tar, .tar.gz or .tar.xz archive holding
// one train, one dev and one test file, told apart by their names (as
// en_ewt-ud-train.conllu, eng.testa, test.txt). A split without a file is
// left nil; two files for one split are an error.
func ReadSplits(src string, opt Options) (*Splits, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("conll: %w", err)
	}
	s := &Splits{}
	parts := [3]*[]Sentence{&s.Train, &s.Dev, &s.Test}
	take := func(name string, r io.Reader) error {
		k := split(name)
		if k < 0 {
			return nil
		}
		if s.Files[k] != "" {
			return fmt.Errorf("conll: %s: two files for one split: %s and %s", src, s.Files[k], name)
		}
		sents, err := Read(r, name, opt)
		if err != nil {
			return err
		}
		*parts[k], s.Files[k] = sents, name
		return nil
	}
	if fi.IsDir() {
		err = readDir(src, take)
	} else {
		err = tarball.Walk(src, "conll", func(member string, r io.Reader) error {
			if split(member) < 0 {
				return nil
			}
			return take(src+":"+member, r)
		})
	}
	if err != nil {
		return nil, err
	}
	if s.Files == [3]string{} {
		return nil, fmt.Errorf("conll: %s: no train, dev or test file (names must contain train, dev or test)", src)
	}
	return s, nil
}

func readDir(dir string, take func(string, io.Reader) error) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("conll: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || split(e.Name()) < 0 {
			continue
		}
		p := filepath.Join(dir, e.Name())
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("conll: %w", err)
		}
		err = take(p, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
