package vocab_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/torchrnn/torchrnn/vocab"
)

// Flag bits written by seed_tokenizer.py unicode.
const (
	flagWord = 1 << iota
	flagSpace
	flagIgnorable
	flagCased
	flagLower
	flagUnassigned
)

// goFlags computes for r the flags Python reports.
func goFlags(r rune) byte {
	var f byte
	if vocab.IsWord(r) {
		f |= flagWord
	}
	if vocab.IsSpace(r) {
		f |= flagSpace
	}
	if vocab.CaseIgnorable(r) {
		f |= flagIgnorable
	} else if vocab.Cased(r) {
		f |= flagCased
	}
	if vocab.LowerRune(r) != string(r) {
		f |= flagLower
	}
	return f
}

// TestUnicodeMatchesPython compares, for every code point, the \w class,
// isspace, the final sigma context classes and lower() with python3's.
// Code points Python's (older) Unicode database leaves unassigned may
// differ; they are counted, not failed.
func TestUnicodeMatchesPython(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs python3 over all code points")
	}
	out := filepath.Join(t.TempDir(), "unicode.bin")
	runPython(t, "unicode", out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	flags, lowers := data[:utf8.MaxRune+1], pyLowers(t, data[utf8.MaxRune+1:])
	var bad, newer int
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue // surrogates are not runes in Go
		}
		py := flags[r] &^ flagUnassigned
		same := py == goFlags(r)
		if same && py&flagLower != 0 {
			same = lowers[r] == vocab.LowerRune(r)
		}
		switch {
		case same:
		case flags[r]&flagUnassigned != 0:
			newer++
		default:
			if bad++; bad <= 20 {
				t.Errorf("U+%04X: python flags %06b lower %q, go %06b lower %q",
					r, py, lowers[r], goFlags(r), vocab.LowerRune(r))
			}
		}
	}
	t.Logf("%d code points differ, all unassigned in python's Unicode database", newer)
	if bad > 0 {
		t.Errorf("%d code points differ", bad)
	}
}

// pyLowers parses the "<hex cp> <hex cps>" lines.
func pyLowers(t *testing.T, data []byte) map[rune]string {
	m := make(map[rune]string)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		cp, cps, _ := strings.Cut(sc.Text(), " ")
		r, err := strconv.ParseUint(cp, 16, 32)
		if err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		var b strings.Builder
		for _, c := range strings.Split(cps, ",") {
			x, err := strconv.ParseUint(c, 16, 32)
			if err != nil {
				t.Fatalf("bad line %q", sc.Text())
			}
			b.WriteRune(rune(x))
		}
		m[rune(r)] = b.String()
	}
	return m
}
