package train

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/torchrnn/torchrnn/lstm"
)

// tagSettings are Config's settings for -task tag.
type tagSettings struct {
	TrainFile string `json:"train_file,omitempty"` // tag: training file (instead of -data)
	DevFile   string `json:"dev_file,omitempty"`   // tag: validation file; "": -valid of the training sentences
	TestFile  string `json:"test_file,omitempty"`  // tag: test file
	Format    string `json:"format,omitempty"`     // tag: auto, conllu or columns
	TagColumn string `json:"tag_column,omitempty"` // tag: upos, xpos, deprel... or a column number; "": upos / the last
	Chars     bool   `json:"chars,omitempty"`      // tag: character-level word features
}

// tagDefaults are -task tag's training defaults: Adam at 2e-3 over batches
// of 32 sentences for 8 epochs; words seen once are <unk> in training, so
// that the <unk> row and the character features learn unseen words.
func (c *Config) tagDefaults() {
	c.Format, c.Chars, c.Tokenizer = "auto", true, "whitespace"
	c.Batch, c.Epochs, c.LR, c.MinFreq, c.Valid, c.Patience = 32, 8, 2e-3, 2, 0.1, 3
}

// tagModel is -task tag's default model: a bidirectional LSTM over word
// embeddings and character BiLSTM features.
func tagModel(m lstm.Config) lstm.Config {
	m.Bidirectional, m.Embed, m.Hidden, m.Layers, m.Dropout = true, 100, 128, 1, 0.33
	m.CharEmbed, m.CharHidden = 32, 48
	return m
}

func (c *Config) registerTagFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.TrainFile, "train", c.TrainFile, "tag: training file (CoNLL-U or CoNLL columns), instead of -data")
	fs.StringVar(&c.DevFile, "dev", c.DevFile, "tag: validation file; empty: -valid of the training sentences")
	fs.StringVar(&c.TestFile, "test", c.TestFile, "tag: test file")
	fs.StringVar(&c.Format, "format", c.Format, "tag: file format: auto (conllu for .conllu files, else columns), conllu or columns")
	fs.StringVar(&c.TagColumn, "tag-column", c.TagColumn, "tag: tag column: upos, xpos, deprel (CoNLL-U) or a column number from 1; empty: upos, or the last column")
	fs.BoolVar(&c.Chars, "chars", c.Chars, "tag: character-level word features (a BiLSTM over each word's characters)")
}

func (c Config) validateTag() error {
	switch c.Format {
	case "", "auto", "conllu", "columns":
	default:
		return fmt.Errorf("-format %s: want auto, conllu or columns", c.Format)
	}
	if n, err := strconv.Atoi(c.TagColumn); err == nil && n < 1 {
		return fmt.Errorf("-tag-column %d: columns count from 1", n)
	}
	if c.TrainFile == "" && (c.DevFile != "" || c.TestFile != "") {
		return fmt.Errorf("-dev and -test need -train")
	}
	return nil
}
