package vectors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Format is the layout of a vectors file.
type Format string

const (
	// Auto detects the format from the first lines.
	Auto Format = ""
	// GloVe is text with no header: "word v1 v2 ... vD" per line.
	GloVe Format = "glove"
	// Word2VecText is text with a "count dim" header line, then GloVe's
	// lines; fastText's .vec files are this format.
	Word2VecText Format = "word2vec"
	// Word2VecBinary is word2vec's binary format: a "count dim" header
	// line, then per word its bytes, a space and dim little-endian float32
	// (each record may end with a newline).
	Word2VecBinary Format = "word2vec-binary"
)

// ParseFormat reads a format name: auto (or ""), glove, word2vec (also
// fasttext, vec, text) or word2vec-binary (also binary, bin).
func ParseFormat(s string) (Format, error) {
	switch s {
	case "", "auto":
		return Auto, nil
	case "glove":
		return GloVe, nil
	case "word2vec", "fasttext", "vec", "text":
		return Word2VecText, nil
	case "word2vec-binary", "binary", "bin":
		return Word2VecBinary, nil
	}
	return Auto, fmt.Errorf("vectors: format %q: want auto, glove, word2vec (fastText .vec) or word2vec-binary", s)
}

// Limits on one record.
const (
	maxLine = 64 << 20 // bytes of a text line
	maxWord = 1 << 20  // bytes of a binary record's word
	maxDim  = 1 << 20  // dimensions
)

// A Scanner reads a vectors file one word at a time, like bufio.Scanner:
//
//	sc := vectors.NewScanner(r, vectors.Auto)
//	for sc.Scan() {
//		word := sc.Word()
//		v, err := sc.Vector() // only for the words one needs
//	}
//	err := sc.Err()
//
// Scan checks every record (its word is UTF-8, it has Dim values, each
// written as a number), so a damaged file fails at the damaged line, named
// in the error, even where Vector is never called. Vector converts the
// values, which costs more than checking them.
type Scanner struct {
	r      *bufio.Reader
	format Format
	dim    int
	count  int   // words the header announces, -1 without header
	n      int   // records read
	line   int64 // line of the current record (text) or record number (binary)
	long   []byte
	word   []byte
	values []byte // the current record's values: text after the word, or 4*dim bytes
	err    error
	vec    []float32
}

// NewScanner returns a Scanner reading r in format (Auto: detected from
// the first lines).
func NewScanner(r io.Reader, format Format) *Scanner {
	return &Scanner{r: bufio.NewReaderSize(r, 1<<20), format: format, count: -1}
}

// Format is the file's format, known after the first Scan.
func (s *Scanner) Format() Format { return s.format }

// Dim is the number of values per word, known after the first Scan.
func (s *Scanner) Dim() int { return s.dim }

// Count is the number of words read so far.
func (s *Scanner) Count() int { return s.n }

// Err is the first error met, nil at a clean end of file.
func (s *Scanner) Err() error { return s.err }

// Word returns the current word. It is valid until the next Scan.
func (s *Scanner) Word() []byte { return s.word }

// Line is the line of the current word in a text file, or its record
// number (from 1) in a binary one.
func (s *Scanner) Line() int64 { return s.line }

// Vector converts the current word's values. The slice is reused by the
// next call; copy it to keep it. A value outside float32's range is an
// error naming the line.
func (s *Scanner) Vector() ([]float32, error) {
	if cap(s.vec) < s.dim {
		s.vec = make([]float32, s.dim)
	}
	v := s.vec[:s.dim]
	if s.format == Word2VecBinary {
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(s.values[4*i:]))
			if math.IsNaN(float64(v[i])) || math.IsInf(float64(v[i]), 0) {
				return nil, s.errorf("value %d of %q is %g", i+1, s.word, v[i])
			}
		}
		return v, nil
	}
	rest := s.values
	for i := range v {
		end := bytes.IndexByte(rest, ' ')
		if end < 0 {
			end = len(rest)
		}
		f, err := strconv.ParseFloat(string(rest[:end]), 32)
		if err != nil {
			return nil, s.errorf("value %d of %q: %q is outside float32's range", i+1, s.word, rest[:end])
		}
		v[i] = float32(f)
		rest = rest[min(end+1, len(rest)):]
	}
	return v, nil
}

func (s *Scanner) errorf(format string, args ...any) error {
	what := "line"
	if s.format == Word2VecBinary {
		what = "record"
	}
	return fmt.Errorf("vectors: %s %d: %s", what, s.line, fmt.Sprintf(format, args...))
}

// Scan reads the next word and checks its record. It returns false at the
// end of the file or at an error (see Err).
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	var err error
	if s.n == 0 && s.line == 0 {
		err = s.start()
		if err == nil && s.format == GloVe {
			return s.finish(nil) // start read the first record
		}
	}
	if err == nil {
		if s.format == Word2VecBinary {
			err = s.nextBinary()
		} else {
			err = s.nextText()
		}
	}
	return s.finish(err)
}

// finish counts a record read, or records why none was.
func (s *Scanner) finish(err error) bool {
	if err == nil {
		s.n++
		if s.count >= 0 && s.n > s.count {
			s.err = s.errorf("more words than the %d the header announces", s.count)
			return false
		}
		return true
	}
	if errors.Is(err, io.EOF) {
		if s.count >= 0 && s.n != s.count {
			s.err = fmt.Errorf("vectors: the header announces %d words, the file holds %d (cut short?)", s.count, s.n)
		}
		return false
	}
	s.err = err
	return false
}
