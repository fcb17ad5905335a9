package lstm

import (
	"cmp"
	"flag"
	"fmt"
)

// Config is the shape of a model. A zero field means its default.
type Config struct {
	Vocab         int     `json:"vocab"`         // vocabulary size, padding id included (required)
	Embed         int     `json:"embed"`         // embedding size
	Hidden        int     `json:"hidden"`        // hidden size per direction
	Layers        int     `json:"layers"`        // stacked recurrent layers
	Cell          Cell    `json:"cell"`          // rnn_tanh, rnn_relu, lstm or gru
	Bidirectional bool    `json:"bidirectional"` // also run each layer right to left
	Dropout       float64 `json:"dropout"`       // dropout between layers and before the heads, when training
	PadID         int64   `json:"pad_id"`        // id of the padding token: its embedding is zero and gets no gradient
	// EmbedDropout drops embedding outputs before the recurrent stack, when
	// training (classifier only).
	EmbedDropout float64 `json:"embed_dropout,omitempty"`

	// Classifier head.
	Pooling Pooling `json:"pooling"` // how the sequence becomes one vector: last, mean, max or attention
	Head    int     `json:"head"`    // size of the head's hidden layer (fc1)
	Classes int     `json:"classes"` // number of classes; 2 gives one logit (BCE), more give one each (CE)

	// Language-model head.
	Tie bool `json:"tie"` // share the embedding with the output layer (needs Embed == Hidden)

	// Tagger: character-level word features and the output layer.
	Chars      int  `json:"chars,omitempty"`       // character vocabulary size, padding included; 0: no character features
	CharEmbed  int  `json:"char_embed,omitempty"`  // character embedding size
	CharHidden int  `json:"char_hidden,omitempty"` // hidden size per direction of the character BiLSTM
	CRF        bool `json:"crf,omitempty"`         // a CRF output layer: sentence-level loss, Viterbi decoding

	// Encoder-decoder (NewSeq2Seq): Vocab is the source vocabulary; Hidden
	// is the decoder's size and the encoder's two directions together.
	TargetVocab int       `json:"target_vocab,omitempty"` // target vocabulary size, padding included
	Attention   Attention `json:"attention,omitempty"`    // additive, general or dot; "": additive
	InputFeed   bool      `json:"input_feed,omitempty"`   // feed each step's attentional vector into the next step
}

// DefaultConfig returns the defaults that zero fields take.
func DefaultConfig() Config {
	return Config{Embed: 64, Hidden: 128, Layers: 1, Cell: LSTM, Pooling: Last, Head: 64, Classes: 2}
}

// WithDefaults fills the zero fields from DefaultConfig.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.Embed == 0 {
		c.Embed = d.Embed
	}
	if c.Hidden == 0 {
		c.Hidden = d.Hidden
	}
	if c.Layers == 0 {
		c.Layers = d.Layers
	}
	if c.Cell == "" {
		c.Cell = d.Cell
	}
	if c.Pooling == "" {
		c.Pooling = d.Pooling
	}
	if c.Head == 0 {
		c.Head = d.Head
	}
	if c.Classes == 0 {
		c.Classes = d.Classes
	}
	return c
}

// Validate reports the first field out of range (NaN included) as a
// *ConfigError, and a model whose size overflows int64 (NumParams).
func (c Config) Validate() error {
	_, cellErr := ParseCell(string(c.Cell))
	switch {
	case c.Vocab < 2:
		return fieldErr("vocab", "lstm: vocabulary size %d: need at least 2 (padding and one token)", c.Vocab)
	case c.Embed < 1:
		return fieldErr("embed", "lstm: embedding size %d: must be at least 1", c.Embed)
	case c.Hidden < 1:
		return fieldErr("hidden", "lstm: hidden size %d: must be at least 1", c.Hidden)
	case c.Layers < 1:
		return fieldErr("layers", "lstm: %d layers: must be at least 1", c.Layers)
	case cellErr != nil:
		return &ConfigError{Field: "cell", Err: cellErr}
	case !(c.Dropout >= 0 && c.Dropout < 1): // NaN too
		return fieldErr("dropout", "lstm: dropout %g: must be in [0, 1)", c.Dropout)
	case !(c.EmbedDropout >= 0 && c.EmbedDropout < 1):
		return fieldErr("embed_dropout", "lstm: embedding dropout %g: must be in [0, 1)", c.EmbedDropout)
	case c.PadID < 0 || c.PadID >= int64(c.Vocab):
		return fieldErr("pad_id", "lstm: padding id %d outside the vocabulary of %d", c.PadID, c.Vocab)
	case !c.Pooling.valid():
		return fieldErr("pooling", "lstm: pooling %q: want %s", c.Pooling, poolingNames())
	case c.Head < 1:
		return fieldErr("head", "lstm: head size %d: must be at least 1", c.Head)
	case c.Classes < 2:
		return fieldErr("classes", "lstm: %d classes: need at least 2", c.Classes)
	case c.Chars == 1 || c.Chars < 0:
		return fieldErr("chars", "lstm: character vocabulary size %d: need 0 (none) or at least 2", c.Chars)
	case c.Chars > 0 && c.CharEmbed < 1:
		return fieldErr("char_embed", "lstm: character embedding size %d: must be at least 1", c.CharEmbed)
	case c.Chars > 0 && c.CharHidden < 1:
		return fieldErr("char_hidden", "lstm: character hidden size %d: must be at least 1", c.CharHidden)
	case c.TargetVocab == 1 || c.TargetVocab < 0:
		return fieldErr("target_vocab", "lstm: target vocabulary size %d: need 0 (no decoder) or at least 2", c.TargetVocab)
	case c.Attention != "" && !c.Attention.valid():
		return fieldErr("attention", "lstm: attention %q: want additive, general or dot", c.Attention)
	case c.TargetVocab > 0 && c.Hidden%2 != 0:
		return fieldErr("hidden", "lstm: hidden size %d of an encoder-decoder must be even (half per encoder direction)", c.Hidden)
	case c.Tie && c.Embed != c.Hidden:
		return fieldErr("tie", "lstm: a tied decoder needs the embedding size (%d) equal to the hidden size (%d)", c.Embed, c.Hidden)
	}
	heads := []Head{ClassifierHead, LMHead, TaggerHead}
	if c.TargetVocab > 0 {
		heads = append(heads, Seq2SeqHead)
	}
	for _, head := range heads {
		if _, err := c.NumParams(head); err != nil {
			return err
		}
	}
	return nil
}

// directions is 2 for a bidirectional model, else 1.
func (c Config) directions() int64 {
	if c.Bidirectional {
		return 2
	}
	return 1
}

// RegisterFlags binds the model's shape to flags of fs, defaults from c.
// The vocabulary size and padding id come from the data, not from flags.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.IntVar(&c.Embed, "embed", c.Embed, "embedding size; 0: the default")
	fs.IntVar(&c.Hidden, "hidden", c.Hidden, "hidden size of each recurrent layer and direction; 0: the default")
	fs.IntVar(&c.Layers, "layers", c.Layers, "number of stacked recurrent layers; 0: the default")
	fs.Func("cell", fmt.Sprintf("recurrent cell: %s (default %s)", cellNames(), c.Cell), func(s string) error {
		cell, err := ParseCell(s)
		c.Cell = cmp.Or(cell, c.Cell)
		return err
	})
	fs.BoolVar(&c.Bidirectional, "bidirectional", c.Bidirectional, "run each layer in both directions")
	fs.Float64Var(&c.Dropout, "dropout", c.Dropout, "dropout probability between layers and before the head, in [0, 1)")
	fs.Float64Var(&c.EmbedDropout, "embed-dropout", c.EmbedDropout, "classifier: dropout probability on the embeddings, in [0, 1)")
	fs.Func("pooling", fmt.Sprintf("classifier pooling over time: %s (default %s)", poolingNames(), c.Pooling), func(s string) error {
		if !Pooling(s).valid() {
			return fmt.Errorf("want %s", poolingNames())
		}
		c.Pooling = Pooling(s)
		return nil
	})
	fs.IntVar(&c.Head, "head", c.Head, "size of the classifier head's hidden layer; 0: the default")
	fs.BoolVar(&c.Tie, "tie", c.Tie, "language model: tie the embedding and output weights (needs -embed = -hidden)")
	fs.IntVar(&c.CharEmbed, "char-embed", c.CharEmbed, "tagger: character embedding size; 0: the default")
	fs.IntVar(&c.CharHidden, "char-hidden", c.CharHidden, "tagger: hidden size per direction of the character BiLSTM; 0: the default")
	fs.BoolVar(&c.CRF, "crf", c.CRF, "tagger: a CRF output layer (for BIO-style tags)")
	fs.Func("attention", fmt.Sprintf("seq2seq: attention additive (Bahdanau), general or dot (Luong) (default %s)", cmp.Or(c.Attention, Additive)), func(s string) error {
		a, err := ParseAttention(s)
		c.Attention = cmp.Or(a, c.Attention)
		return err
	})
	fs.BoolVar(&c.InputFeed, "input-feed", c.InputFeed, "seq2seq: feed each step's attentional vector into the next decoder step (Luong; slower: one step at a time)")
}
