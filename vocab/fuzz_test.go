package vocab_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/torchrnn/torchrnn/vocab"
)

// The seed tokenizer written with regular expressions, as in Python: a
// slow, independent reference for FuzzIMDB. Python's \W is the class
// [^\p{L}\p{N}_] (see TestUnicodeMatchesPython).
var (
	tagRE     = regexp.MustCompile(`<[^>]*>`)
	emoRE     = regexp.MustCompile(`(?::|;|=)(?:-)?(?:\)|\(|D|P)`)
	nonWordRE = regexp.MustCompile(`[^\p{L}\p{N}_]+`)
)

func refIMDB(text string) []string {
	text = vocab.PyLower(tagRE.ReplaceAllString(text, ""))
	emoticons := emoRE.FindAllString(text, -1)
	text = nonWordRE.ReplaceAllString(text, " ") + strings.ReplaceAll(strings.Join(emoticons, " "), "-", "")
	return strings.FieldsFunc(text, vocab.IsSpace)
}

func FuzzIMDB(f *testing.F) {
	for _, s := range []string{"Great :) movie<br />ΟΔΥΣΣΕΥΣ İ", "a<b", ":-)x", "\xff:(", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, want := vocab.IMDB(text), refIMDB(text)
		if !slices.Equal(got, want) {
			t.Fatalf("IMDB(%q)\n got %q\nwant %q", text, got, want)
		}
	})
}

func FuzzWhitespace(f *testing.F) {
	f.Add("Hello\u00a0WORLD\x1c ΣΑΣ\tİ")
	f.Fuzz(func(t *testing.T, text string) {
		got := vocab.Whitespace(text)
		if want := strings.FieldsFunc(vocab.PyLower(text), vocab.IsSpace); !slices.Equal(got, want) {
			t.Fatalf("Whitespace(%q)\n got %q\nwant %q", text, got, want)
		}
	})
}

func FuzzChars(f *testing.F) {
	f.Add("né 😀\xff")
	f.Fuzz(func(t *testing.T, text string) {
		got := vocab.Chars(text)
		var want []string
		for _, r := range text { // ranging a string yields U+FFFD per invalid byte
			want = append(want, string(r))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Chars(%q) = %q, want %q", text, got, want)
		}
		for _, c := range got {
			if utf8.RuneCountInString(c) != 1 {
				t.Fatalf("token %q is not one rune", c)
			}
		}
	})
}

// FuzzVocabFile round-trips tokens through the file format and reads
// arbitrary bytes as a file without panicking.
func FuzzVocabFile(f *testing.F) {
	f.Add("a\x00b c\x00\"q\"\x00#h\x00\xff", []byte("#vocab v1 size=2 bos=false eos=false\n<pad>\n<unk>\n"))
	f.Fuzz(func(t *testing.T, tokens string, file []byte) {
		c := vocab.NewCounter()
		c.Add(strings.Split(tokens, "\x00"))
		v := vocab.New(c, vocab.Options{BOS: len(tokens)%2 == 0})
		var buf bytes.Buffer
		if _, err := v.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		w, err := vocab.Read(&buf, "v.txt")
		if err != nil {
			t.Fatalf("reading back: %v\n%s", err, buf.Bytes())
		}
		for id := range int64(v.Len()) {
			if w.Token(id) != v.Token(id) {
				t.Fatalf("id %d: %q became %q", id, v.Token(id), w.Token(id))
			}
		}
		if w.Len() != v.Len() {
			t.Fatalf("Len %d became %d", v.Len(), w.Len())
		}
		if _, err := vocab.Read(bytes.NewReader(file), "f.txt"); err != nil && !strings.HasPrefix(err.Error(), "vocab: f.txt") {
			t.Fatalf("error without file name: %v", err)
		}
	})
}
