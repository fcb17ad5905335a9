package train

import (
	"flag"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/torchrnn/torchrnn/lstm"
)

// seq2seqSettings are Config's settings for -task seq2seq.
type seq2seqSettings struct {
	Src     string `json:"src,omitempty"`      // seq2seq: source side of the training pairs, one sentence a line
	Tgt     string `json:"tgt,omitempty"`      // seq2seq: target side, aligned with Src
	SrcLang string `json:"src_lang,omitempty"` // seq2seq: Multi30k source language
	TgtLang string `json:"tgt_lang,omitempty"` // seq2seq: Multi30k target language
	// Teacher is the share of decoder steps fed the gold previous token
	// (teacher forcing); below 1 the decoder runs one step at a time.
	Teacher   float64 `json:"teacher,omitempty"`
	Smoothing float64 `json:"label_smoothing,omitempty"` // seq2seq: label smoothing of the loss
	Beam      int     `json:"beam,omitempty"`            // seq2seq: beam width of the final test translation (1: greedy)
	Alpha     float64 `json:"alpha,omitempty"`           // seq2seq: length normalisation of beam search
	// MaxTime stops starting epochs when the next one, judged by the
	// longest so far, would end past this much wall time since the start;
	// the test evaluation still runs. 0: no limit.
	MaxTime time.Duration `json:"max_time,omitempty"`
}

// seq2seqDefaults are -task seq2seq's training defaults, sized for
// Multi30k on a 2-core CPU within an hour (BENCHMARKS.md): Adam 2e-3
// falling linearly to 2e-4 over 10 epochs, batches of 64 pairs, label
// smoothing 0.1, gradient norm clipped at 1, beam 5 for the test, and no
// epoch started that would end past 50 minutes.
func (c *Config) seq2seqDefaults() {
	c.Tokenizer, c.SrcLang, c.TgtLang, c.Teacher, c.Beam, c.Alpha = "fields", "de", "en", 1, 5, 1
	c.Batch, c.Epochs, c.LR, c.LRFinal, c.MinFreq, c.Valid, c.Patience = 64, 10, 2e-3, 0.1, 2, 0.05, 0
	c.Smoothing, c.Clip, c.MaxTime = 0.1, 1, 50*time.Minute
}

// seq2seqModel is -task seq2seq's default model: a GRU encoder-decoder
// (embeddings 256, encoder 128 each way, decoder 256) with additive
// attention and dropout 0.3.
func seq2seqModel(m lstm.Config) lstm.Config {
	m.Cell, m.Embed, m.Hidden, m.Layers, m.Dropout, m.Attention = lstm.GRU, 256, 256, 1, 0.3, lstm.Additive
	return m
}

func (c *Config) registerSeq2SeqFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Src, "src", c.Src, "seq2seq: training sources, one sentence a line (with -tgt, instead of -data)")
	fs.StringVar(&c.Tgt, "tgt", c.Tgt, "seq2seq: training targets, line by line the translations of -src")
	fs.StringVar(&c.SrcLang, "src-lang", c.SrcLang, "seq2seq: Multi30k source language (de, en, fr, cs)")
	fs.StringVar(&c.TgtLang, "tgt-lang", c.TgtLang, "seq2seq: Multi30k target language")
	fs.Float64Var(&c.Teacher, "teacher-forcing", c.Teacher, "seq2seq: share of decoder steps fed the gold previous token, in (0, 1]; below 1 decodes step by step")
	fs.Float64Var(&c.Smoothing, "label-smoothing", c.Smoothing, "seq2seq: label smoothing of the cross-entropy, in [0, 1)")
	fs.IntVar(&c.Beam, "beam", c.Beam, "seq2seq: beam width of the final test translation (1: greedy)")
	fs.Float64Var(&c.Alpha, "alpha", c.Alpha, "seq2seq: beam search length normalisation: score = log-probability / length^alpha")
	fs.DurationVar(&c.MaxTime, "max-time", c.MaxTime, "seq2seq: start no epoch that would end past this wall time since the start (the test still runs); 0: no limit")
}

func (c Config) validateSeq2Seq() error {
	switch {
	case (c.Src == "") != (c.Tgt == ""):
		return fmt.Errorf("-src and -tgt go together")
	case c.Src != "" && c.Data != "":
		return fmt.Errorf("-data and -src/-tgt: give one")
	case c.Src == "" && c.Data == "":
		return fmt.Errorf("-task seq2seq needs -data (a Multi30k folder or archive, a source<TAB>target .tsv, or toy:reverse / toy:sort) or -src and -tgt")
	case strings.HasPrefix(c.Data, "toy:") && !validToy(c.Data):
		return fmt.Errorf("-data %s: want toy:reverse or toy:sort", c.Data)
	case !(c.Teacher > 0 && c.Teacher <= 1):
		return fmt.Errorf("-teacher-forcing %v: must be in (0, 1]", c.Teacher)
	case !(c.Smoothing >= 0 && c.Smoothing < 1):
		return fmt.Errorf("-label-smoothing %v: must be in [0, 1)", c.Smoothing)
	case c.Beam < 1 || c.Beam > 1000:
		return fmt.Errorf("-beam %d: must be in 1..1000", c.Beam)
	case !(c.Alpha >= 0) || math.IsInf(c.Alpha, 0):
		return fmt.Errorf("-alpha %v: must be 0 or positive and finite", c.Alpha)
	case c.SrcLang == "" || c.TgtLang == "" || c.SrcLang == c.TgtLang:
		return fmt.Errorf("-src-lang %q -tgt-lang %q: want two different languages", c.SrcLang, c.TgtLang)
	case c.MaxTime < 0:
		return fmt.Errorf("-max-time %v: must not be negative", c.MaxTime)
	}
	return nil
}
