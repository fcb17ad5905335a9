package vectors

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// The records of the three formats: the header and format detection, text
// lines split into a word and its values, binary records.

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
