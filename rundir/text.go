package rundir

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/vocab"
)

// Text is how a run turns text into tokens: the part of its training
// settings (config.json's "train") that using its model needs. Training
// and inference encode through it, so they cannot drift apart.
type Text struct {
	Tokenizer string `json:"tokenizer"` // classifier: a name of Tokenizer
	Level     string `json:"level"`     // language model: char or word
	MaxLen    int    `json:"max_len"`   // classifier: tokens kept per text; 0 or negative: all
	Truncate  string `json:"truncate"`  // classifier: keep the head or the tail of longer texts
	// Documents marks a language model trained on documents: at word
	// level each text is tokenized by Tokenizer and ends with <eos>.
	Documents bool `json:"documents,omitempty"`
	// Reverse marks a backward language model: it read the text right to
	// left, predicting each token from those after it.
	Reverse bool `json:"reverse,omitempty"`
}

// Text reads the text settings from the training settings.
func (i *RunInfo) Text() (Text, error) {
	var t Text
	if err := json.Unmarshal(i.Train, &t); err != nil {
		return t, fmt.Errorf("rundir: training settings: %w", err)
	}
	return t, nil
}

// tokenizers are the classifier's tokenizers by name.
var tokenizers = map[string]vocab.Tokenizer{
	"imdb":       vocab.IMDB, // the seed notebook's
	"whitespace": vocab.Whitespace,
	"fields":     vocab.Fields, // white space, case kept (the tagger's)
	"chars":      vocab.Chars,
	"moses":      vocab.Moses, // lower-cased, punctuation split as Multi30k's tok/ files
}

// Tokenizer returns the tokenizer named imdb, whitespace, fields or chars.
func Tokenizer(name string) (vocab.Tokenizer, error) {
	if tok, ok := tokenizers[name]; ok {
		return tok, nil
	}
	return nil, fmt.Errorf("rundir: tokenizer %q: want imdb, whitespace, fields, moses or chars", name)
}

// Padding pads a batch of the classifier's id sequences, cutting each to
// MaxLen tokens from its head or tail.
func (t Text) Padding() seq.Padding {
	trunc := seq.KeepTail
	if t.Truncate == "head" {
		trunc = seq.KeepHead
	}
	return seq.Padding{MaxLen: max(t.MaxLen, 0), Truncate: trunc, PadID: vocab.PadID, Empty: seq.PadEmpty}
}

// Tokens splits text for a language model: into characters, or into words
// with <eos> ending each line (as pytorch/examples word_language_model);
// with Documents, into Tokenizer's words with <eos> ending the text.
func (t Text) Tokens(text string) []string {
	if t.Level == "char" {
		if t.Documents {
			text += "\n"
		}
		return vocab.Chars(text)
	}
	if tok, err := Tokenizer(t.Tokenizer); t.Documents && err == nil {
		return append(tok(text), vocab.EOS)
	}
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			out = append(append(out, f...), vocab.EOS)
		}
	}
	return out
}
