package vectors

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/torchrnn/torchrnn/vocab"
)

// FuzzScanner: any bytes in any format give words and vectors that keep
// the Scanner's promises, or an error; never a panic.
func FuzzScanner(f *testing.F) {
	f.Add([]byte("2 3\nthe 1 2 3\nof 4 5 6\n"), uint8(0))
	f.Add([]byte("the 1 2\n. . . 3 4\nof 5 6"), uint8(1))
	f.Add([]byte("3 2\na 1 2\nb 3 x\n"), uint8(2))
	f.Add(encode(f, Word2VecBinary, []string{"a", "bé"}, [][]float32{{1, 2}, {3, 4}}), uint8(0))
	f.Add(encode(f, Word2VecBinary, []string{"a", "b"}, [][]float32{{1, 2}, {3, 4}}), uint8(3))
	v := vocab.New(counter("the", "The", "b", "A"), vocab.Options{})
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		format := []Format{Auto, GloVe, Word2VecText, Word2VecBinary}[which%4]
		sc := NewScanner(bytes.NewReader(data), format)
		for sc.Scan() {
			word := sc.Word()
			if len(word) == 0 || !utf8.Valid(word) || sc.Dim() < 1 || sc.Dim() > maxDim {
				t.Fatalf("word %q, dim %d", word, sc.Dim())
			}
			vec, err := sc.Vector()
			if err != nil {
				if sc.Format() != Word2VecBinary && !strings.Contains(err.Error(), "outside float32's range") {
					t.Fatalf("a checked line failed to convert: %v", err)
				}
				continue
			}
			if len(vec) != sc.Dim() {
				t.Fatalf("%d values, dim %d", len(vec), sc.Dim())
			}
			for _, x := range vec {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					t.Fatalf("value %g", x)
				}
			}
		}
		m, err := Read(bytes.NewReader(data), v, Options{Format: format})
		if err == nil {
			if len(m.Rows) != v.Len() || len(m.Rows[0]) != m.Dim || slices.ContainsFunc(m.Rows[0], func(x float32) bool { return x != 0 }) {
				t.Fatalf("%d rows of %d, pad row %v", len(m.Rows), m.Dim, m.Rows[0])
			}
			if m.Found()+len(m.Missing) != m.Tokens || m.Tokens != 4 {
				t.Fatalf("coverage %+v", m.Coverage)
			}
		}
	})
}

// FuzzNumbers: the checker accepts a decimal field exactly when
// strconv.ParseFloat can read it.
func FuzzNumbers(f *testing.F) {
	for _, s := range []string{"1", "-1.5", ".5", "5.", "+.5e-3", "1e", "e1", "1.2.3", "--1", "1e+", "0.1e-07", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Trim(s, "0123456789.eE+-") != "" {
			return // other characters: the checker rejects them, strconv reads some (inf, 0x1p3)
		}
		_, err := strconv.ParseFloat(s, 64)
		syntaxOK := err == nil || errors.Is(err, strconv.ErrRange)
		if got := numbers([]byte(s)) == 1; got != syntaxOK {
			t.Fatalf("numbers(%q) accepts: %v, strconv: %v", s, got, err)
		}
	})
}

// FuzzRoundTrip: what Write writes, the Scanner reads back exactly, in
// every format, detected.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint64(1), uint8(3), uint8(4), uint8(0))
	f.Add(uint64(2), uint8(0), uint8(1), uint8(2))
	f.Fuzz(func(t *testing.T, seed uint64, n, dim, which uint8) {
		format := formats[which%3]
		words, vecs := randomVectors(int(n), int(dim%50)+1, seed)
		data := encode(t, format, words, vecs)
		sc, gotWords, gotVecs, err := scanAll(data, Auto)
		if n == 0 {
			if format == GloVe && err == nil {
				t.Fatal("an empty GloVe file read without error")
			}
			return
		}
		if err != nil || sc.Format() != format || !slices.Equal(gotWords, words) {
			t.Fatalf("%s: %v, format %s", format, err, sc.Format())
		}
		for i := range vecs {
			if !slices.Equal(gotVecs[i], vecs[i]) {
				t.Fatalf("%s: %s = %v, wrote %v", format, words[i], gotVecs[i], vecs[i])
			}
		}
	})
}

// FuzzAllNumbers: the four-lane check agrees with the one-lane count.
func FuzzAllNumbers(f *testing.F) {
	for _, s := range []string{"1 2 3 4 5", "1", "1 ", " 1", "1  2", "-1.5 2e3 .5 5. 7", "1 2 x 4 5 6 7 8", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := numbers(b) == bytes.Count(b, []byte{' '})+1
		if got := allNumbers(b); got != want {
			t.Fatalf("allNumbers(%q) = %v, numbers = %d", b, got, numbers(b))
		}
	})
}
