package bitext

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAlign(t *testing.T) {
	pairs, err := Align([]byte("ein hund .\r\nzwei katzen .\n"), []byte("a dog .\ntwo cats ."), "s", "t")
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{"ein hund .", "a dog ."}, {"zwei katzen .", "two cats ."}}
	if len(pairs) != 2 || pairs[0] != want[0] || pairs[1] != want[1] {
		t.Errorf("pairs %q, want %q", pairs, want)
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct{ src, tgt, want string }{
		{"a\nb\nc\n", "x\ny\n", "train.de has 3 lines but train.en has 2"},
		{"a\n\nc\n", "x\ny\nz\n", "train.de:2: empty line"},
		{"a\nb\n", "x\n  \n", "train.en:2: empty line"},
		{"", "x\n", "train.de is empty"},
		{"a\xff\n", "x\n", "train.de:1: not valid UTF-8"},
	}
	for _, c := range cases {
		_, err := Align([]byte(c.src), []byte(c.tgt), "train.de", "train.en")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q / %q: error %v, want %q", c.src, c.tgt, err, c.want)
		}
	}
	for _, c := range []struct{ tsv, want string }{
		{"a\tb\nc d\n", "pairs.tsv:2: no tab"},
		{"a\tb\tc\n", "pairs.tsv:1: more than one tab"},
		{"a\t\n", "pairs.tsv:1: empty line"},
		{"", "pairs.tsv holds no sentence pairs"},
	} {
		_, err := ParseTSV(strings.NewReader(c.tsv), "pairs.tsv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.tsv, err, c.want)
		}
	}
}

func TestReadFilesAndTSV(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pairs, err := ReadFiles(write("a.de", "hallo welt\n"), write("a.en", "hello world\n"))
	if err != nil || len(pairs) != 1 || pairs[0] != (Pair{"hallo welt", "hello world"}) {
		t.Errorf("ReadFiles: %q, %v", pairs, err)
	}
	pairs, err = ReadTSV(write("p.tsv", "hallo\thello\nwelt\tworld\n"))
	if err != nil || len(pairs) != 2 || pairs[1] != (Pair{"welt", "world"}) {
		t.Errorf("ReadTSV: %q, %v", pairs, err)
	}
	if _, err := ReadFiles(filepath.Join(dir, "missing.de"), filepath.Join(dir, "a.en")); err == nil || !strings.Contains(err.Error(), "missing.de") {
		t.Errorf("missing file: %v", err)
	}
}

// The shared Multi30k archive, when present: 29,000 / 1,014 / 1,000 pairs
// (PROVENANCE.md).
func TestMulti30k(t *testing.T) {
	path := "../../shared/data/translation/multi30k-en-de.tar.xz"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no Multi30k archive at", path)
	}
	if testing.Short() {
		t.Skip("reads a 1.5 MB xz archive")
	}
	d, err := ReadMulti30k(path, "de", "en", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Train) != 29000 || len(d.Valid) != 1014 || len(d.Test) != 1000 {
		t.Errorf("%d/%d/%d pairs, want 29000/1014/1000", len(d.Train), len(d.Valid), len(d.Test))
	}
	if d.Train[0].Src != "zwei junge weiße männer sind im freien in der nähe vieler büsche ." ||
		d.Train[0].Tgt != "two young , white males are outside near many bushes ." {
		t.Errorf("first pair %q", d.Train[0])
	}
	if _, err := ReadMulti30k(path, "de", "xx", false); err == nil || !strings.Contains(err.Error(), "tok/train.lc.norm.tok.xx") {
		t.Errorf("missing language: %v", err)
	}
}

// FuzzAlign: any two inputs give pairs or an error, never a panic; pairs
// are never empty on either side and there are as many as lines.
func FuzzAlign(f *testing.F) {
	f.Add([]byte("a\nb\n"), []byte("x\ny\n"))
	f.Add([]byte("a\r\n\n"), []byte("x"))
	f.Add([]byte(""), []byte("\n"))
	f.Fuzz(func(t *testing.T, src, tgt []byte) {
		pairs, err := Align(src, tgt, "s", "t")
		if err != nil {
			return
		}
		if n := strings.Count(strings.TrimSuffix(string(src), "\n"), "\n") + 1; len(pairs) != n {
			t.Fatalf("%d pairs from %d lines", len(pairs), n)
		}
		for _, p := range pairs {
			if strings.TrimSpace(p.Src) == "" || strings.TrimSpace(p.Tgt) == "" {
				t.Fatalf("empty side in %q", p)
			}
		}
	})
}

// FuzzParseTSV: any input gives pairs or an error, never a panic; no side
// is empty or holds a tab or newline.
func FuzzParseTSV(f *testing.F) {
	f.Add("a\tb\n")
	f.Add("a\tb\tc")
	f.Add("\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		pairs, err := ParseTSV(strings.NewReader(in), "f")
		if err != nil {
			return
		}
		for _, p := range pairs {
			for _, side := range []string{p.Src, p.Tgt} {
				if strings.TrimSpace(side) == "" || strings.ContainsAny(side, "\t\n") {
					t.Fatalf("bad side %q", side)
				}
			}
		}
	})
}
