package vocab_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/vocab"
)

type golden struct {
	Text       string   `json:"text"`
	IMDB       []string `json:"imdb"`
	Whitespace []string `json:"whitespace"`
}

func readGolden(t *testing.T, path string) []golden {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var g []golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return g
}

// TestGolden compares with testdata/tokenizer_golden.json, the Python
// output for testdata/tokenizer_cases.json (see TestGoldenIsFresh).
func TestGolden(t *testing.T) {
	for _, g := range readGolden(t, filepath.Join("testdata", "tokenizer_golden.json")) {
		if got := vocab.IMDB(g.Text); !slices.Equal(got, g.IMDB) {
			t.Errorf("IMDB(%q)\n got %q\nwant %q", g.Text, got, g.IMDB)
		}
		if got := vocab.Whitespace(g.Text); !slices.Equal(got, g.Whitespace) {
			t.Errorf("Whitespace(%q)\n got %q\nwant %q", g.Text, got, g.Whitespace)
		}
	}
}

// TestGoldenIsFresh regenerates the golden file with python3.
func TestGoldenIsFresh(t *testing.T) {
	cases, err := os.ReadFile(filepath.Join("testdata", "tokenizer_cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	python3(t)
	out := filepath.Join(t.TempDir(), "golden.json")
	cmd := pythonCmd(t, "golden")
	cmd.Stdin = strings.NewReader(string(cases))
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fresh, committed := readGolden(t, out), readGolden(t, filepath.Join("testdata", "tokenizer_golden.json"))
	if !slices.EqualFunc(fresh, committed, func(a, b golden) bool {
		return a.Text == b.Text && slices.Equal(a.IMDB, b.IMDB) && slices.Equal(a.Whitespace, b.Whitespace)
	}) {
		t.Errorf("testdata/tokenizer_golden.json is stale; regenerate: python3 testdata/seed_tokenizer.py golden < testdata/tokenizer_cases.json > testdata/tokenizer_golden.json")
	}
}

func TestInvalidUTF8(t *testing.T) {
	// Invalid bytes read as U+FFFD, which is not a word character.
	if got, want := vocab.IMDB("bad\xffbyte\xe2\x82 end"), []string{"bad", "byte", "end"}; !slices.Equal(got, want) {
		t.Errorf("IMDB: got %q, want %q", got, want)
	}
	if got, want := vocab.Whitespace("A\xffB c"), []string{"a\uFFFDb", "c"}; !slices.Equal(got, want) {
		t.Errorf("Whitespace: got %q, want %q", got, want)
	}
	if got, want := vocab.Chars("a\xffé"), []string{"a", "\uFFFD", "é"}; !slices.Equal(got, want) {
		t.Errorf("Chars: got %q, want %q", got, want)
	}
}

func TestChars(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Ab c", []string{"A", "b", " ", "c"}},
		{"日本\n", []string{"日", "本", "\n"}},
		{"e\u0301😀", []string{"e", "\u0301", "😀"}},
	} {
		if got := vocab.Chars(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Chars(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTokenizersConcurrent(t *testing.T) {
	texts := []string{"Good movie :)", "ΟΔΥΣΣΕΥΣ<br />İ", "a<b>c d:-("}
	want := make([][]string, len(texts))
	for i, s := range texts {
		want[i] = vocab.IMDB(s)
	}
	for range 4 {
		got := vocab.TokenizeAll(slices.Repeat(texts, 300), vocab.IMDB)
		for i, g := range got {
			if !slices.Equal(g, want[i%len(texts)]) {
				t.Fatalf("doc %d: got %q, want %q", i, g, want[i%len(texts)])
			}
		}
	}
}

func BenchmarkIMDB(b *testing.B) {
	text := strings.Repeat("This movie was GREAT, really<br /><br />the best film of 2011 :-) but ", 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		vocab.IMDB(text)
	}
}
