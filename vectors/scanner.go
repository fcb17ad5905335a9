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
	"unicode/utf8"
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

// start reads the header, if any, and settles the format and dimension.
// For GloVe it reads the first record too.
func (s *Scanner) start() error {
	line, err := s.readLine()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("vectors: the file is empty")
		}
		return err
	}
	count, dim, isHeader := header(line)
	switch {
	case s.format == GloVe || (s.format == Auto && !isHeader):
		s.format = GloVe
		fields := bytes.Count(line, []byte{' '}) // "word v1 ... vD"
		if fields < 1 || fields > maxDim {
			return s.errorf("%d values: a GloVe line is a word and its values, separated by spaces", fields)
		}
		s.dim = fields
		return s.splitText(line)
	case !isHeader:
		return s.errorf("%q is not a header \"count dimensions\"", clip(line))
	case count < 0 || dim < 1 || dim > maxDim:
		return s.errorf("header %q: want a word count and 1 to %d dimensions", clip(line), maxDim)
	}
	s.count, s.dim = count, dim
	if s.format == Auto {
		s.format = s.detect()
	}
	if s.format == Word2VecBinary {
		s.line = 0 // binary records are numbered from 1, after the header
	}
	return nil
}

// detect tells word2vec text from binary by the first record: text if it
// is one line of a word and Dim numbers.
func (s *Scanner) detect() Format {
	peek, _ := s.r.Peek(s.r.Size())
	if i := bytes.IndexByte(peek, '\n'); i >= 0 {
		line := bytes.TrimRight(peek[:i], " \r")
		if bytes.Count(line, []byte{' '}) >= s.dim && utf8.Valid(line) {
			sp := len(line)
			for range s.dim {
				sp = bytes.LastIndexByte(line[:sp], ' ')
			}
			if sp > 0 && numbers(line[sp+1:]) == s.dim {
				return Word2VecText
			}
		}
	}
	if s.count == 0 && len(peek) == 0 {
		return Word2VecText
	}
	return Word2VecBinary
}

// header parses "count dim".
func header(line []byte) (count, dim int, ok bool) {
	a, b, found := bytes.Cut(line, []byte{' '})
	if !found {
		return 0, 0, false
	}
	c, err1 := strconv.Atoi(string(a))
	d, err2 := strconv.Atoi(string(b))
	return c, d, err1 == nil && err2 == nil
}

// readLine returns the next line without its end ("\n", "\r\n") and
// trailing spaces (fastText writes one), counting lines. It is valid
// until the next read.
func (s *Scanner) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		s.long = append(s.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) && len(s.long) <= maxLine {
			line, err = s.r.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		if len(s.long) > maxLine {
			return nil, fmt.Errorf("vectors: line %d: longer than %d bytes", s.line+1, maxLine)
		}
		line = s.long
	}
	if err != nil && (!errors.Is(err, io.EOF) || len(line) == 0) {
		return nil, err
	}
	s.line++
	return bytes.TrimRight(line, " \r\n"), nil
}

// nextText reads one text record.
func (s *Scanner) nextText() error {
	for {
		line, err := s.readLine()
		if err != nil {
			return err
		}
		if len(line) == 0 && s.format == GloVe { // a blank line, at the end say
			continue
		}
		return s.splitText(line)
	}
}

// splitText checks a text record and splits it into the word and its
// values: the last Dim fields are the values, the rest the word (a few
// GloVe words hold spaces).
func (s *Scanner) splitText(line []byte) error {
	spaces := bytes.Count(line, []byte{' '})
	if spaces < s.dim {
		return s.errorf("%d values, want %d", max(spaces, 0), s.dim)
	}
	sp := bytes.IndexByte(line, ' ')
	if spaces > s.dim { // the last Dim fields are the values
		sp = len(line)
		for range s.dim {
			sp = bytes.LastIndexByte(line[:sp], ' ')
		}
	}
	s.word, s.values = line[:sp], line[sp+1:]
	if len(s.word) == 0 {
		return s.errorf("an empty word")
	}
	if spaces > s.dim { // a word with spaces, unless its last part is a number: a value too many
		if last := s.word[bytes.LastIndexByte(s.word, ' ')+1:]; numbers(last) == 1 {
			return s.errorf("%d values, want %d", spaces, s.dim)
		}
	}
	if !utf8.Valid(s.word) {
		return s.errorf("the word %q is not valid UTF-8", s.word)
	}
	if !allNumbers(s.values) {
		k := numbers(s.values)
		field := bytes.Split(s.values, []byte{' '})[k]
		return s.errorf("value %d of %q is %q, not a number", k+1, s.word, clip(field))
	}
	return nil
}

// nextBinary reads one binary record: [whitespace] word ' ' 4*dim bytes.
func (s *Scanner) nextBinary() error {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return err // io.EOF: a clean end
		}
		if b != '\n' && b != '\r' && b != ' ' {
			s.r.UnreadByte()
			break
		}
	}
	s.line++
	s.long = s.long[:0]
	for {
		chunk, err := s.r.ReadSlice(' ')
		s.long = append(s.long, chunk...)
		if err == nil {
			break
		}
		if errors.Is(err, io.EOF) {
			return s.errorf("the file ends inside a word")
		}
		if !errors.Is(err, bufio.ErrBufferFull) || len(s.long) > maxWord {
			return s.errorf("no space after %d bytes: not a word2vec binary record", len(s.long))
		}
	}
	word := s.long[:len(s.long)-1]
	if !utf8.Valid(word) {
		return s.errorf("the word %q is not valid UTF-8", clip(word))
	}
	need := 4 * s.dim
	if cap(s.values) < need || len(s.values) != need {
		s.values = make([]byte, need)
	}
	if _, err := io.ReadFull(s.r, s.values); err != nil {
		return s.errorf("the file ends inside the values of %q", clip(word))
	}
	s.word = word
	return nil
}

// clip shortens a long field for an error message.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return append(b[:37:37], "..."...)
	}
	return b
}
