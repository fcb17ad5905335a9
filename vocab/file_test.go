package vocab_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/vocab"
)

// odd holds tokens that need care in a line-based file.
var odd = []string{
	"hello world", "tab\there", "new\nline", "cr\r", `back\slash`, `"quoted"`,
	"#hash", "", " ", "\u200b", "e\u0301", "日本", "😀", "\xff\xfe", "\x00", "<pad>x", "trailing ",
}

func TestSaveLoad(t *testing.T) {
	c := vocab.NewCounter()
	c.Add(append([]string{"the", "the"}, odd...))
	v := vocab.New(c, vocab.Options{BOS: true, EOS: true})
	path := filepath.Join(t.TempDir(), "vocab.txt")
	if err := v.Save(path); err != nil {
		t.Fatal(err)
	}
	w, err := vocab.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if w.Len() != v.Len() {
		t.Fatalf("Len = %d, want %d", w.Len(), v.Len())
	}
	for id := range int64(v.Len()) {
		if w.Token(id) != v.Token(id) || w.ID(v.Token(id)) != id {
			t.Errorf("id %d: loaded %q, saved %q", id, w.Token(id), v.Token(id))
		}
	}
	if id, ok := w.EOSID(); !ok || id != 3 {
		t.Errorf("EOSID = %d, %t", id, ok)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "#vocab v1 size=22 bos=true eos=true\n<pad>\n<unk>\n<bos>\n<eos>\nthe\n\"hello world\"\n") {
		t.Errorf("file starts\n%s", data[:min(len(data), 120)])
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"", "v.txt:1: missing header"},
		{"#vocab v2\n<pad>\n<unk>\n", "v.txt:1: bad header"},
		{"#vocab v1 size=3 bos=false eos=false\n<pad>\n<unk>\n", "header says 3 tokens, file has 2"},
		{"#vocab v1 size=3 bos=false eos=false\n<pad>\n<unk>\n\"bad\n", `v.txt:4: bad quoted token`},
		{"#vocab v1 size=3 bos=false eos=false\n<pad>\n<unk>\nhas space\n", `v.txt:4: token "has space" must be written as a Go quoted string`},
		{"#vocab v1 size=4 bos=false eos=false\n<pad>\n<unk>\na\n\n", `v.txt:5: token ""`},
		{"#vocab v1 size=4 bos=false eos=false\n<pad>\n<unk>\na\na\n", `v.txt:5: token "a" already on line 4`},
		{"#vocab v1 size=3 bos=true eos=false\n<pad>\n<unk>\na\n", "v.txt:4: want special token <bos> (id 2)"},
		{"#vocab v1 size=2 bos=false eos=false\n<unk>\n<pad>\n", "v.txt:2: want special token <pad> (id 0)"},
	} {
		_, err := vocab.Read(strings.NewReader(tc.file), "v.txt")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Read(%q) error = %v, want it to contain %q", tc.file, err, tc.want)
		}
	}
	if _, err := vocab.Load(filepath.Join(t.TempDir(), "missing.txt")); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("Load(missing) error = %v", err)
	}
}

func TestReadCRLF(t *testing.T) {
	v, err := vocab.Read(strings.NewReader("#vocab v1 size=3 bos=false eos=false\r\n<pad>\r\n<unk>\r\nword"), "v.txt")
	if err != nil {
		t.Fatal(err)
	}
	if v.ID("word") != 2 {
		t.Errorf("ID(word) = %d", v.ID("word"))
	}
	var buf bytes.Buffer
	if _, err := v.WriteTo(&buf); err != nil || buf.String() != "#vocab v1 size=3 bos=false eos=false\n<pad>\n<unk>\nword\n" {
		t.Errorf("WriteTo = %q, %v", buf.String(), err)
	}
}
