package vectors

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/vocab"
)

var formats = []Format{GloVe, Word2VecText, Word2VecBinary}

// randomVectors makes n words w0, w1 ... with random values of every
// magnitude float32 has.
func randomVectors(n, dim int, seed uint64) ([]string, [][]float32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	words := make([]string, n)
	vecs := make([][]float32, n)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i)
		vecs[i] = make([]float32, dim)
		for k := range vecs[i] {
			vecs[i][k] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10)))
		}
	}
	return words, vecs
}

func encode(t testing.TB, format Format, words []string, vecs [][]float32) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, words, vecs); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// scanAll reads every word and vector of data.
func scanAll(data []byte, format Format) (*Scanner, []string, [][]float32, error) {
	sc := NewScanner(bytes.NewReader(data), format)
	var words []string
	var vecs [][]float32
	for sc.Scan() {
		v, err := sc.Vector()
		if err != nil {
			return sc, words, vecs, err
		}
		words = append(words, string(sc.Word()))
		vecs = append(vecs, slices.Clone(v))
	}
	return sc, words, vecs, sc.Err()
}

func TestRoundTrip(t *testing.T) {
	words, vecs := randomVectors(50, 7, 1)
	for _, f := range formats {
		for _, read := range []Format{f, Auto} {
			sc, gotWords, gotVecs, err := scanAll(encode(t, f, words, vecs), read)
			if err != nil {
				t.Fatalf("%s read as %q: %v", f, read, err)
			}
			if sc.Format() != f || sc.Dim() != 7 || sc.Count() != 50 {
				t.Errorf("%s read as %q: format %s, dim %d, count %d", f, read, sc.Format(), sc.Dim(), sc.Count())
			}
			if !slices.Equal(gotWords, words) {
				t.Errorf("%s: words %v", f, gotWords[:3])
			}
			for i := range vecs {
				if !slices.Equal(gotVecs[i], vecs[i]) { // exact: text holds the shortest round-tripping decimal
					t.Fatalf("%s: %s = %v, wrote %v", f, words[i], gotVecs[i], vecs[i])
				}
			}
		}
	}
}

func TestTextVariants(t *testing.T) {
	cases := []struct {
		name, data string
		format     Format
		words      []string
	}{
		{"fastText trailing space, CRLF", "2 2\r\nthe 1 2 \r\nof -3.5 4e-2 \r\n", Word2VecText, []string{"the", "of"}},
		{"GloVe word with spaces", "the 1 2\n. . . 3 4\nof 5 6\n", GloVe, []string{"the", ". . .", "of"}},
		{"GloVe blank last line", "the 1 2\nof 3 4\n\n", GloVe, []string{"the", "of"}},
		{"GloVe without final newline", "the 1 2\nof .5 +6.", GloVe, []string{"the", "of"}},
		{"unicode words", "2 1\nnaïve 1\n日本 2\n", Word2VecText, []string{"naïve", "日本"}},
	}
	for _, c := range cases {
		sc, words, _, err := scanAll([]byte(c.data), Auto)
		if err != nil || sc.Format() != c.format || !slices.Equal(words, c.words) {
			t.Errorf("%s: %v, format %s, words %q; want %s %q", c.name, err, sc.Format(), words, c.format, c.words)
		}
	}
}

func TestBadFiles(t *testing.T) {
	bin := encode(t, Word2VecBinary, []string{"a", "b"}, [][]float32{{1, 2}, {3, 4}})
	nan := append(slices.Clone(bin[:len(bin)-5]), 0, 0, 0xc0, 0x7f, '\n') // b's last value NaN
	cases := []struct {
		name, data string
		format     Format
		want       string
	}{
		{"empty", "", Auto, "the file is empty"},
		{"count too high", "3 2\na 1 2\nb 3 4\n", Auto, "the header announces 3 words, the file holds 2"},
		{"count too low", "1 2\na 1 2\nb 3 4\n", Auto, "line 3: more words than the 1 the header announces"},
		{"short row", "a 1 2 3\nb 1 2\nc 1 2 3\n", Auto, `line 2: 2 values, want 3`},
		{"long row", "a 1 2\nb 1 2 3\n", Auto, `line 2: 3 values, want 2`},
		{"not a number", "2 3\na 1 2 3\nb 1 x2 3\n", Auto, `line 3: value 2 of "b" is "x2", not a number`},
		{"two points", "a 1 2\nb 1.2.3 3\n", Auto, `line 2: value 1 of "b" is "1.2.3", not a number`},
		{"nan", "a 1 nan\n", GloVe, `line 1: value 2 of "a" is "nan", not a number`},
		{"double space", "a 1  2\n", GloVe, `line 1: value 2 of "a" is "", not a number`},
		{"out of range", "a 1 1e39\n", GloVe, `line 1: value 2 of "a": "1e39" is outside float32's range`},
		{"invalid UTF-8", "a 1 2\n\xff\xfe 1 2\n", Auto, `line 2: the word "\xff\xfe" is not valid UTF-8`},
		{"bad header", "3 x\na 1 2\n", Word2VecText, `line 1: "3 x" is not a header`},
		{"zero dims", "2 0\n", Auto, `header "2 0": want a word count and 1 to`},
		{"binary cut short", string(bin[:len(bin)-3]), Auto, `record 2: the file ends inside the values of "b"`},
		{"binary NaN", string(nan), Auto, `record 2: value 2 of "b" is NaN`},
		{"binary no space", "1 2\n" + strings.Repeat("x", 2<<20), Word2VecBinary, "record 1: no space after"},
	}
	for _, c := range cases {
		_, _, _, err := scanAll([]byte(c.data), c.format)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// A bad line deep in a large file is named, also when its word is one
// nobody asked for.
func TestBadLineInTheMiddle(t *testing.T) {
	words, vecs := randomVectors(60000, 5, 2)
	lines := strings.Split(string(encode(t, GloVe, words, vecs)), "\n")
	lines[41234] = "w41234 0.1 0.2 0.3 oops 0.5"
	v := vocab.New(counter("w0", "w1"), vocab.Options{})
	_, err := Read(strings.NewReader(strings.Join(lines, "\n")), v, Options{})
	want := `vectors: line 41235: value 4 of "w41234" is "oops", not a number`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}

func counter(tokens ...string) *vocab.Counter {
	c := vocab.NewCounter()
	c.Add(tokens)
	return c
}

func TestRead(t *testing.T) {
	// ids: <pad> 0, <unk> 1, the 2, The 3, Paris 4, zzz 5
	v := vocab.New(counter("the", "The", "Paris", "zzz"), vocab.Options{})
	file := "4 3\nthe 1 1 1\nparis 2 2 2\nThe 3 3 3\nPARIS 4 4 4\n"
	m, err := Read(strings.NewReader(file), v, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]float32{0: {0, 0, 0}, 2: {1, 1, 1}, 3: {3, 3, 3}, 4: {2, 2, 2}}
	for id, w := range want {
		if !slices.Equal(m.Rows[id], w) {
			t.Errorf("row %d (%s) = %v, want %v", id, v.Token(int64(id)), m.Rows[id], w)
		}
	}
	if m.Exact != 2 || m.Folded != 1 || m.Tokens != 4 || !slices.Equal(m.Missing, []string{"zzz"}) || m.Words != 4 || m.Dim != 3 {
		t.Errorf("coverage %+v", m.Coverage)
	}
	if m.Rows[5][0] == 0 || m.Rows[1][0] == 0 {
		t.Errorf("missing rows %v %v: want N(0, 1) draws", m.Rows[1], m.Rows[5])
	}
	again, _ := Read(strings.NewReader(file), v, Options{Seed: 7})
	other, _ := Read(strings.NewReader(file), v, Options{Seed: 8})
	if !slices.Equal(again.Rows[5], m.Rows[5]) || slices.Equal(other.Rows[5], m.Rows[5]) {
		t.Error("the draws do not follow the seed")
	}
	zeros, _ := Read(strings.NewReader(file), v, Options{Zeros: true})
	if !slices.Equal(zeros.Rows[5], []float32{0, 0, 0}) {
		t.Errorf("Zeros: row %v", zeros.Rows[5])
	}
	want2 := "vectors: 3 of 4 tokens found (75.0%; 2 exact, 1 case-folded), 1 drawn from N(0, 1); 4 words of 3 dimensions (word2vec)"
	if got := m.Coverage.String(); got != want2 {
		t.Errorf("report\n%s\nwant\n%s", got, want2)
	}
	var de *DimError
	if _, err := Read(strings.NewReader(file), v, Options{Dim: 4}); !errors.As(err, &de) || de.File != 3 || de.Want != 4 || !strings.Contains(err.Error(), "the file has 3 dimensions, the embedding 4") {
		t.Errorf("dim mismatch: %v", err)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vec.bin")
	words, vecs := randomVectors(20, 4, 3)
	os.WriteFile(path, encode(t, Word2VecBinary, words, vecs), 0o644)
	v := vocab.New(counter("w3", "W7", "nope"), vocab.Options{})
	m, err := Load(path, v, Options{Dim: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Rows[2], vecs[3]) || !slices.Equal(m.Rows[3], vecs[7]) || m.File != path || m.Format != Word2VecBinary {
		t.Errorf("rows %v %v, coverage %+v", m.Rows[2], m.Rows[3], m.Coverage)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none"), v, Options{}); err == nil {
		t.Error("a missing file loaded")
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %s", n, got)
		}
	}
}
