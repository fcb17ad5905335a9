package conll

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadCoNLLU(t *testing.T) {
	for _, tc := range []struct {
		column string
		want   [][]string
	}{
		{"", [][]string{{"NOUN", "AUX", "PART", "VERB", "PUNCT"}, {"NOUN", "VERB"}}},
		{"xpos", [][]string{{"NNS", "VBP", "RB", "VB", "."}, {"NNS", "VBP"}}},
		{"deprel", [][]string{{"nsubj", "aux", "advmod", "root", "punct"}, {"nsubj", "root"}}},
		{"3", [][]string{{"cat", "do", "not", "sleep", "."}, {"bird", "sing"}}},
	} {
		s, err := ReadFile("testdata/tiny.conllu", Options{Column: tc.column})
		if err != nil {
			t.Fatalf("column %q: %v", tc.column, err)
		}
		if len(s) != 2 {
			t.Fatalf("column %q: %d sentences, want 2", tc.column, len(s))
		}
		if !slices.Equal(s[0].Tokens, []string{"Cats", "do", "n't", "sleep", "."}) || !slices.Equal(s[1].Tokens, []string{"Birds", "sing"}) {
			t.Errorf("tokens %q %q: the range 2-3 and the empty node 2.1 must be skipped", s[0].Tokens, s[1].Tokens)
		}
		for i := range s {
			if !slices.Equal(s[i].Tags, tc.want[i]) {
				t.Errorf("column %q sentence %d: tags %q, want %q", tc.column, i, s[i].Tags, tc.want[i])
			}
		}
		if s[0].Line != 1 || s[1].Line != 10 {
			t.Errorf("first lines %d, %d; want 1, 10", s[0].Line, s[1].Line)
		}
	}
}

func TestReadColumns(t *testing.T) {
	s, err := ReadFile("testdata/tiny.conll", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 {
		t.Fatalf("%d sentences, want 2 (-DOCSTART- is no sentence)", len(s))
	}
	if !slices.Equal(s[0].Tags, []string{"B-NP", "I-NP", "I-NP", "B-VP", "B-PP", "B-NP", "O"}) {
		t.Errorf("tags %q", s[0].Tags)
	}
	if !slices.Equal(s[1].Tokens, []string{"Anna", "reads", "books"}) || s[1].Line != 11 {
		t.Errorf("last sentence %q at line %d (no blank line after it is fine in columns)", s[1].Tokens, s[1].Line)
	}
	pos, err := ReadFile("testdata/tiny.conll", Options{Column: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pos[1].Tags, []string{"NNP", "VBZ", "NNS"}) {
		t.Errorf("column 2: %q", pos[1].Tags)
	}
}

func TestReadErrors(t *testing.T) {
	row := "1\tA\ta\tDET\tDT\t_\t0\troot\t_\t_\n"
	for _, tc := range []struct {
		name, file, in, want string
		opt                  Options
	}{
		{"columns", "x.conllu", row + "2\tb\tb\tNOUN\n\n", "x.conllu:2: 4 tab-separated columns", Options{}},
		{"no tag", "x.conllu", row + "2\tb\tb\t_\tNN\t_\t1\tdep\t_\t_\n\n", "x.conllu:2: no tag in column 4 (upos)", Options{}},
		{"unterminated", "x.conllu", "\n" + row, "x.conllu:2: the sentence starting here has no blank line", Options{}},
		{"mid-line", "x.conll", "a B\nb C", "x.conll:2: the last line has no newline", Options{}},
		{"utf-8", "x.conll", "a B\n\xffb C\n", "x.conll:2: invalid UTF-8", Options{}},
		{"ragged", "x.conll", "a X B\nb C\n", "x.conll:2: 2 columns, earlier rows have 3", Options{}},
		{"token only", "x.conll", "a\n", "x.conll:1: no tag", Options{}},
		{"bad id", "x.conllu", "x\tA\ta\tDET\tDT\t_\t0\troot\t_\t_\n\n", `x.conllu:1: ID "x"`, Options{}},
		{"bad column", "x.conllu", row, `tag column "feet"`, Options{Column: "feet"}},
	} {
		_, err := Read(strings.NewReader(tc.in), tc.file, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestReadSplits(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/tiny.conllu")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"x-train.conllu", "x-dev.conllu", "x-test.conllu", "README.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := ReadSplits(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Train) != 2 || len(s.Dev) != 2 || len(s.Test) != 2 {
		t.Errorf("splits %d/%d/%d sentences, want 2 each", len(s.Train), len(s.Dev), len(s.Test))
	}
	os.WriteFile(filepath.Join(dir, "y-train.conllu"), src, 0o644)
	if _, err := ReadSplits(dir, Options{}); err == nil || !strings.Contains(err.Error(), "two files for one split") {
		t.Errorf("two train files: %v", err)
	}
}

// Write appends the tag column to every token row and keeps the rest; the
// output reads back with the new column as the tags.
func TestWriteRoundTrip(t *testing.T) {
	in, err := ReadFile("testdata/tiny.conllu", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, s := range in {
		guess := make([]string, len(s.Tokens))
		for i := range guess {
			guess[i] = "G" + s.Tags[i]
		}
		if err := Write(&buf, s, guess); err != nil {
			t.Fatal(err)
		}
	}
	text := buf.String()
	lines := strings.Split(text, "\n")
	if lines[0] != "# sent_id = a-1" || lines[2] != "1\tCats\tcat\tNOUN\tNNS\t_\t3\tnsubj\t_\t_\tGNOUN" || !strings.HasPrefix(lines[3], "2-3\tdon't") || strings.HasSuffix(lines[3], "GAUX") {
		t.Errorf("written:\n%s", text)
	}
	back, err := Read(strings.NewReader(text), "out.conllu", Options{Format: CoNLLU, NoTags: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || !slices.Equal(back[0].Tokens, in[0].Tokens) {
		t.Errorf("read back %v", back)
	}
	// Plain text sentences write token<TAB>tag and read back as columns.
	buf.Reset()
	Write(&buf, Sentence{Tokens: []string{"Dogs", "bark"}}, []string{"NOUN", "VERB"})
	cols, err := Read(&buf, "p.conll", Options{})
	if err != nil || !slices.Equal(cols[0].Tags, []string{"NOUN", "VERB"}) {
		t.Errorf("plain round trip: %v %v", cols, err)
	}
}

func FuzzRead(f *testing.F) {
	for _, p := range []string{"testdata/tiny.conllu", "testdata/tiny.conll"} {
		b, _ := os.ReadFile(p)
		f.Add(b, strings.HasSuffix(p, "u"))
	}
	f.Add([]byte("a B\n\nb\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, conllu bool) {
		name := "f.conll"
		if conllu {
			name = "f.conllu"
		}
		sents, err := Read(bytes.NewReader(data), name, Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "conll: f.conll") {
				t.Fatalf("error without file name: %v", err)
			}
			return
		}
		for _, s := range sents {
			if len(s.Tokens) == 0 || len(s.Tags) != len(s.Tokens) || len(s.Token) != len(s.Tokens) {
				t.Fatalf("sentence at line %d: %d tokens, %d tags, %d token lines", s.Line, len(s.Tokens), len(s.Tags), len(s.Token))
			}
			for i, tok := range s.Tokens {
				if tok == "" || s.Tags[i] == "" || strings.ContainsAny(tok, "\n") {
					t.Fatalf("empty or multi-line token or tag %q/%q", tok, s.Tags[i])
				}
			}
			// Written back with a column, it reads again with the same tokens.
			var buf bytes.Buffer
			if err := Write(&buf, s, s.Tags); err != nil {
				t.Fatal(err)
			}
			again, err := Read(&buf, name, Options{NoTags: true})
			if err != nil || len(again) != 1 || !slices.Equal(again[0].Tokens, s.Tokens) {
				t.Fatalf("round trip of %q: %v %v", s.Tokens, again, err)
			}
		}
	})
}
