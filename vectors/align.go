package vectors

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/torchrnn/torchrnn/vocab"
)

// Options shape Read. The zero value detects the format, takes the file's
// dimension and draws the rows of tokens not found from N(0, 1) with seed 0.
type Options struct {
	Format Format
	// Dim is the embedding size the vectors must have; 0 takes the file's.
	Dim int
	// Seed seeds the N(0, 1) draws for tokens the file lacks.
	Seed uint64
	// Zeros makes the rows of tokens the file lacks zero instead.
	Zeros bool
}

// Matrix is a vectors file aligned with a vocabulary: row i is the vector
// of token id i.
type Matrix struct {
	Rows [][]float32 // [vocab size][Dim], rows of one backing array
	Coverage
}

// Coverage says how much of a vocabulary a vectors file covers. Special
// tokens (<pad>, <unk>, <bos>, <eos>) count in neither Found nor Tokens.
type Coverage struct {
	File    string // the file's path (Load), for the report
	Format  Format
	Words   int // vectors in the file
	Dim     int
	Tokens  int      // vocabulary tokens, specials left out
	Exact   int      // tokens found as they are
	Folded  int      // tokens found only case-folded ("The" through "the")
	Missing []string // tokens not found, by id (most frequent first)
	Zeros   bool     // missing rows are zero (else N(0, 1))
}

// Found is the number of tokens that got a vector from the file.
func (c Coverage) Found() int { return c.Exact + c.Folded }

// String is a one-line report:
//
//	vectors: glove.6B.50d.txt: 9,821 of 10,000 tokens found (97.2%; 9,650 exact, 171 case-folded), 179 drawn from N(0, 1); 400,000 words of 50 dimensions (glove)
func (c Coverage) String() string {
	pct := 0.0
	if c.Tokens > 0 {
		pct = 100 * float64(c.Found()) / float64(c.Tokens)
	}
	init := "drawn from N(0, 1)"
	if c.Zeros {
		init = "set to zero"
	}
	file := ""
	if c.File != "" {
		file = c.File + ": "
	}
	return fmt.Sprintf("vectors: %s%s of %s tokens found (%.1f%%; %s exact, %s case-folded), %s %s; %s words of %d dimensions (%s)",
		file, group(c.Found()), group(c.Tokens), pct, group(c.Exact), group(c.Folded), group(len(c.Missing)), init,
		group(c.Words), c.Dim, c.Format)
}

// DimError is Read's error for vectors of another size than Options.Dim.
type DimError struct{ File, Want int }

func (e *DimError) Error() string {
	return fmt.Sprintf("vectors: the file has %d dimensions, the embedding %d", e.File, e.Want)
}

// Load reads the vectors file at path for the tokens of v (see Read).
func Load(path string, v *vocab.Vocab, opt Options) (*Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	defer f.Close()
	m, err := Read(f, v, opt)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	m.File = path
	return m, nil
}

// Read streams a vectors file and returns a row for each id of v, as
// PyTorch users fill nn.Embedding.from_pretrained: a token's vector when
// the file has the token, else the vector of its case-folded form (the
// first in the file, which lists frequent words first), else a draw from
// N(0, 1) (nn.Embedding's init; zeros with opt.Zeros). The <pad> row is
// zero. Only the vectors of the vocabulary's words are kept in memory.
func Read(r io.Reader, v *vocab.Vocab, opt Options) (*Matrix, error) {
	sc := NewScanner(r, opt.Format)
	folded := foldIndex(v)
	var rows [][]float32
	found := []byte(nil) // per id: 0 not yet, 1 case-folded, 2 exact
	for sc.Scan() {
		if rows == nil {
			if opt.Dim > 0 && sc.Dim() != opt.Dim {
				return nil, &DimError{File: sc.Dim(), Want: opt.Dim}
			}
			rows = newRows(v.Len(), sc.Dim())
			found = make([]byte, v.Len())
		}
		word := sc.Word()
		exact, ok := v.Lookup(string(word))
		ok = ok && found[exact] < 2
		ids := lookupFolded(folded, word)
		if !ok && !anyZero(found, ids) {
			continue // a word the vocabulary does not need: checked, not converted
		}
		vec, err := sc.Vector()
		if err != nil {
			return nil, err
		}
		if ok {
			copy(rows[exact], vec)
			found[exact] = 2
		}
		for _, id := range ids {
			if found[id] == 0 {
				copy(rows[id], vec)
				found[id] = 1
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if rows == nil {
		return nil, fmt.Errorf("vectors: the file holds no vectors")
	}
	m := &Matrix{Rows: rows, Coverage: Coverage{Format: sc.Format(), Words: sc.Count(), Dim: sc.Dim(), Zeros: opt.Zeros}}
	m.fillMissing(v, found, opt)
	return m, nil
}

// fillMissing counts the rows of m that the file gave (found: 2 exact, 1
// case-folded, 0 not) and fills the others with draws from N(0, 1), or
// zeros with opt.Zeros; the <pad> row is zero.
func (m *Matrix) fillMissing(v *vocab.Vocab, found []byte, opt Options) {
	rows := m.Rows
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	for id := range rows {
		tok := v.Token(int64(id))
		if !vocab.IsSpecial(tok) {
			m.Tokens++
			switch found[id] {
			case 2:
				m.Exact++
			case 1:
				m.Folded++
			default:
				m.Missing = append(m.Missing, tok)
			}
		}
		if found[id] == 0 && id != vocab.PadID && !opt.Zeros {
			for k := range rows[id] {
				rows[id][k] = float32(rng.NormFloat64())
			}
		}
	}
	clear(rows[vocab.PadID])
}

// newRows returns n zero rows of dim values over one backing array.
func newRows(n, dim int) [][]float32 {
	flat := make([]float32, n*dim)
	rows := make([][]float32, n)
	for i := range rows {
		rows[i] = flat[i*dim : (i+1)*dim : (i+1)*dim]
	}
	return rows
}

// foldIndex maps each case-folded token of v to its ids.
func foldIndex(v *vocab.Vocab) map[string][]int64 {
	index := make(map[string][]int64, v.Len())
	for id := range int64(v.Len()) {
		if tok := v.Token(id); !vocab.IsSpecial(tok) {
			k := fold([]byte(tok))
			index[k] = append(index[k], id)
		}
	}
	return index
}

// fold is the case-folded form of a word.
func fold(word []byte) string { return strings.ToLower(string(word)) }

// lookupFolded returns the ids of the tokens whose case-folded form is
// word's; plain lower-case ASCII (most words) is looked up without a copy.
func lookupFolded(index map[string][]int64, word []byte) []int64 {
	for _, c := range word {
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return index[fold(word)]
		}
	}
	return index[string(word)]
}

// anyZero reports whether found is 0 for one of ids.
func anyZero(found []byte, ids []int64) bool {
	for _, id := range ids {
		if found[id] == 0 {
			return true
		}
	}
	return false
}

// group writes n with thousands separators: 12,345.
func group(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
