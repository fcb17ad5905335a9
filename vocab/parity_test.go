package vocab_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/vocab"
)

// seedRun holds the Python reference outputs and the Go reading of the
// same archive.
type seedRun struct {
	pyTokens string // file: "<member>\t<tokens>" per review
	pyVocab  string // file: token per line, id order from 2
	train    *imdb.Dataset
	test     *imdb.Dataset
}

// TestSeedParity runs seed_tokenizer.py on the shared archive while Go
// reads the same archive, then compares tokens and vocabulary.
func TestSeedParity(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: tokenizes 50,000 reviews in Python")
	}
	archive := filepath.Join(dataDir(t), "imdb", "aclImdb_v1.tar.xz")
	dir := t.TempDir()
	run := seedRun{pyTokens: filepath.Join(dir, "tokens.txt"), pyVocab: filepath.Join(dir, "vocab.txt")}
	cmd := pythonCmd(t, "corpus", archive, run.pyTokens, run.pyVocab)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	train, test, err := imdb.ReadArchiveSplits(archive)
	if werr := cmd.Wait(); werr != nil {
		t.Fatalf("python3 seed_tokenizer.py corpus: %v", werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	run.train, run.test = train, test
	t.Run("tokenizer", run.tokenizerParity)
	t.Run("vocab", run.vocabParity)
}

// tokenizerParity compares IMDB with the seed's Python tokenizer on all
// 50,000 labelled reviews.
func (seed *seedRun) tokenizerParity(t *testing.T) {
	texts := map[string]string{}
	for _, d := range []*imdb.Dataset{seed.train, seed.test} {
		for _, e := range d.Examples {
			texts[e.Source] = e.Text
		}
	}
	f, err := os.Open(seed.pyTokens)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	n, diffs := 0, 0
	for sc.Scan() {
		name, toks, _ := strings.Cut(sc.Text(), "\t")
		text, ok := texts[name]
		if !ok {
			t.Fatalf("python tokenized %s, which the Go reader did not return", name)
		}
		delete(texts, name)
		n++
		want := strings.Fields(toks)
		if got := vocab.IMDB(text); !slices.Equal(got, want) {
			if diffs++; diffs <= 10 {
				i := firstDiff(got, want)
				t.Errorf("%s: token %d: go %q, python %q", name, i, got[i:min(i+3, len(got))], want[i:min(i+3, len(want))])
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 50000 || len(texts) != 0 {
		t.Errorf("python tokenized %d reviews; %d Go reviews unmatched", n, len(texts))
	}
	t.Logf("%d reviews compared, %d differ", n, diffs)
}

func firstDiff(a, b []string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// vocabParity compares the vocabulary of the 25,000 train reviews, in the
// reader's order (neg then pos, by id), with the seed's word_to_int.
func (seed *seedRun) vocabParity(t *testing.T) {
	v := vocab.New(vocab.Count(seed.train.Texts(), vocab.IMDB), vocab.Options{})
	data, err := os.ReadFile(seed.pyVocab)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if v.Len() != len(want)+2 {
		t.Errorf("go vocabulary has %d ids, python %d + 2 specials", v.Len(), len(want))
	}
	bad := 0
	for i, tok := range want {
		if id := int64(i + 2); v.Token(id) != tok {
			if bad++; bad <= 10 {
				t.Errorf("id %d: go %q, python %q", id, v.Token(id), tok)
			}
		}
	}
	t.Logf("%d ids compared, %d differ", len(want)+2, bad)
}
