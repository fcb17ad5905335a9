// Package bitext reads parallel text: sentence pairs from two aligned
// files (line i of one translates line i of the other), from a TSV of
// source<TAB>target lines, or from the Multi30k layout (a folder or
// archive with tok/ and raw/ files per split and language).
//
// Every reader checks the alignment: the line counts must match (the error
// names both) and no side may be empty (the error names the file and line).
// Text must be UTF-8. Nothing here touches libtorch.
package bitext

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Pair is a source sentence and its translation.
type Pair struct{ Src, Tgt string }

// maxLine bounds one line (a sentence) in bytes.
const maxLine = 1 << 20

// ReadFiles reads two aligned files: one sentence per line each.
func ReadFiles(srcPath, tgtPath string) ([]Pair, error) {
	src, err := os.ReadFile(srcPath)
	if err != nil {
		return nil, fmt.Errorf("bitext: %w", err)
	}
	tgt, err := os.ReadFile(tgtPath)
	if err != nil {
		return nil, fmt.Errorf("bitext: %w", err)
	}
	return Align(src, tgt, srcPath, tgtPath)
}

// Align pairs the lines of src and tgt (file contents, named srcName and
// tgtName in errors). A final newline ends the last line; "\r\n" counts as
// "\n".
func Align(src, tgt []byte, srcName, tgtName string) ([]Pair, error) {
	s, err := lines(src, srcName)
	if err != nil {
		return nil, err
	}
	t, err := lines(tgt, tgtName)
	if err != nil {
		return nil, err
	}
	if len(s) != len(t) {
		return nil, fmt.Errorf("bitext: %s has %d lines but %s has %d: the files are not aligned", srcName, len(s), tgtName, len(t))
	}
	pairs := make([]Pair, len(s))
	for i := range s {
		pairs[i] = Pair{s[i], t[i]}
	}
	return pairs, nil
}

// lines splits data into lines, refusing invalid UTF-8, over-long and
// empty (blank) lines.
func lines(data []byte, name string) ([]string, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("bitext: %s is empty", name)
	}
	text := strings.TrimSuffix(string(data), "\n")
	out := strings.Split(text, "\n")
	for i, l := range out {
		l = strings.TrimSuffix(l, "\r")
		out[i] = l
		if err := checkLine(l, name, i+1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func checkLine(l, name string, n int) error {
	switch {
	case strings.TrimSpace(l) == "":
		return fmt.Errorf("bitext: %s:%d: empty line (every line must hold a sentence)", name, n)
	case len(l) > maxLine:
		return fmt.Errorf("bitext: %s:%d: line of %d bytes is longer than %d", name, n, len(l), maxLine)
	case !utf8.ValidString(l):
		return fmt.Errorf("bitext: %s:%d: not valid UTF-8", name, n)
	}
	return nil
}

// ReadTSV reads source<TAB>target lines from path.
func ReadTSV(path string) ([]Pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bitext: %w", err)
	}
	defer f.Close()
	return ParseTSV(f, path)
}

// ParseTSV reads source<TAB>target lines from r (named name in errors).
// Each line holds exactly one tab; empty sides are errors.
func ParseTSV(r io.Reader, name string) ([]Pair, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine+2)
	var pairs []Pair
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimSuffix(sc.Text(), "\r")
		src, tgt, ok := strings.Cut(l, "\t")
		switch {
		case !ok:
			return nil, fmt.Errorf("bitext: %s:%d: no tab: want source<TAB>target", name, n)
		case strings.Contains(tgt, "\t"):
			return nil, fmt.Errorf("bitext: %s:%d: more than one tab: want source<TAB>target", name, n)
		}
		for _, side := range []string{src, tgt} {
			if err := checkLine(side, name, n); err != nil {
				return nil, err
			}
		}
		pairs = append(pairs, Pair{src, tgt})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("bitext: %s:%d: line longer than %d bytes", name, n+1, maxLine)
		}
		return nil, fmt.Errorf("bitext: %s: %w", name, err)
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("bitext: %s holds no sentence pairs", name)
	}
	return pairs, nil
}
