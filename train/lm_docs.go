package train

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/torchrnn/torchrnn/internal/tarball"
)

// docSettings let a language model learn from documents, as for
// pretraining a classifier on unlabelled reviews: -text names folders or
// tar archives (comma-separated) whose files are the documents. At word
// level each document is tokenized with -tokenizer (the classifier's, so
// that the vocabularies agree) and ends with <eos>.
type docSettings struct {
	TextFiles string `json:"text_files,omitempty"` // lm: which files of -text's folders and archives are documents (a path pattern)
	Documents bool   `json:"documents,omitempty"`  // lm: -text held documents (recorded: prompts are tokenized alike)
	Reverse   bool   `json:"reverse,omitempty"`    // lm: read the text right to left (a backward model)
}

func (c *docSettings) registerDocFlags(fs *flag.FlagSet) {
	fs.BoolVar(&c.Reverse, "reverse", c.Reverse, "lm: learn the text right to left, each token from those after it (a backward language model, to start a bidirectional classifier's reverse direction with -init-from)")
	fs.StringVar(&c.TextFiles, "text-files", c.TextFiles, "lm: when -text names folders or tar archives (comma-separated), the files read as documents: a pattern matched against each file's path inside (path.Match: * stops at /), e.g. 'aclImdb/train/*/*.txt'; empty: every .txt file")
}

func (c docSettings) validateDocs(task string) error {
	if _, err := path.Match(c.TextFiles, ""); err != nil {
		return fmt.Errorf("-text-files %q: %w", c.TextFiles, err)
	}
	if c.Reverse && task != "lm" {
		return fmt.Errorf("-reverse is for -task lm (a backward language model), not %s", task)
	}
	return nil
}

// lmTokens reads -text into the language model's tokens: one text file's
// (loadCorpus), or the documents of folders and archives, shuffled by
// -seed, each ending with <eos> (cfg.Documents is then set, for
// config.json).
func lmTokens(cfg *Config) ([]string, error) {
	if !documentSources(cfg.Text) {
		text, err := loadCorpus(cfg.Text)
		if err != nil {
			return nil, err
		}
		return cfg.text().Tokens(text), nil
	}
	docs, err := readDocuments(cfg.Text, cfg.TextFiles)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x646f6373))
	rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	cfg.Documents = true
	t := cfg.text()
	var tokens []string
	for _, d := range docs {
		tokens = append(tokens, t.Tokens(d)...)
	}
	return tokens, nil
}

// documentSources reports whether -text names documents (a folder, a tar
// archive, or several sources) rather than one text file.
func documentSources(text string) bool {
	if text == "" {
		return false
	}
	if strings.Contains(text, ",") {
		return true
	}
	if st, err := os.Stat(text); err == nil && st.IsDir() {
		return true
	}
	return isArchive(text)
}

func isArchive(name string) bool {
	name = strings.ToLower(name)
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// readDocuments reads the documents of -text's sources, in order: a folder's
// files sorted by path, an archive's in its order. A file matching pattern
// ("": any .txt) is a document; one that is not valid UTF-8 is an error
// naming it; white-space-only ones are skipped.
func readDocuments(text, pattern string) ([]string, error) {
	match := func(name string) bool {
		if pattern == "" {
			return strings.HasSuffix(name, ".txt")
		}
		ok, _ := path.Match(pattern, name)
		return ok
	}
	var docs []string
	add := func(where string, b []byte) error {
		if !utf8.Valid(b) {
			return fmt.Errorf("-text: %s: not valid UTF-8 (line %d)", where, badLine(b))
		}
		if s := strings.TrimSpace(string(b)); s != "" {
			docs = append(docs, s)
		}
		return nil
	}
	for _, src := range strings.Split(text, ",") {
		st, err := os.Stat(src)
		if err != nil {
			return nil, fmt.Errorf("-text: %w", err)
		}
		before := len(docs)
		switch {
		case st.IsDir():
			err = readFolder(src, match, add)
		case isArchive(src):
			err = tarball.Walk(src, "-text", func(member string, r io.Reader) error {
				if !match(member) {
					return nil
				}
				b, err := io.ReadAll(r)
				if err != nil {
					return fmt.Errorf("-text: %s: %s: %w", src, member, err)
				}
				return add(src+": "+member, b)
			})
		default:
			return nil, fmt.Errorf("-text %s: with several sources each must be a folder or a tar archive (.tar, .tar.gz, .tgz, .tar.xz)", src)
		}
		if err != nil {
			return nil, err
		}
		if len(docs) == before {
			want := "no .txt file"
			if pattern != "" {
				want = "no file matching -text-files " + pattern
			}
			return nil, fmt.Errorf("-text %s: %s holds text", src, want)
		}
	}
	return docs, nil
}

// readFolder hands add each matching regular file below dir, sorted by
// path (relative to dir, with /).
func readFolder(dir string, match func(string) bool, add func(string, []byte) error) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("-text: %w", err)
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type().IsRegular() && match(filepath.ToSlash(rel)) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, p := range names {
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("-text: %w", err)
		}
		if err := add(p, b); err != nil {
			return err
		}
	}
	return nil
}
