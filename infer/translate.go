package infer

import (
	"encoding/json"
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/decode"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

// Translator translates text with the best model of a seq2seq run.
type Translator struct {
	Info      *rundir.RunInfo
	Model     *lstm.Seq2Seq
	Tokenizer vocab.Tokenizer // the run's
	Beam      int             // the run's beam width for its test translation
	Alpha     float64         // the run's length normalisation
	src, tgt  *vocab.Vocab
	bos, eos  int64
}

// Translation is one sentence translated.
type Translation struct {
	Source    []string    // the source tokens
	Unknown   []string    // source tokens outside the vocabulary, fed as <unk>
	Tokens    []string    // the translation
	LogProb   float64     // its log-probability (with <eos>)
	Attention [][]float32 // with attention asked for: one row per output token (<eos> last), one weight per source token
}

// LoadTranslator reads a seq2seq run folder: config.json, vocab.txt (the
// source vocabulary), vocab-target.txt and model.pt. The model's weights
// live on device until the process ends.
func LoadTranslator(dir string, device gotch.Device) (*Translator, error) {
	run, info, text, err := open(dir, "seq2seq", "a translator")
	if err != nil {
		return nil, err
	}
	tok, err := rundir.Tokenizer(text.Tokenizer)
	if err != nil {
		return nil, err
	}
	tgt, err := vocab.Load(run.Path(rundir.TargetVocabFile))
	if err != nil {
		return nil, err
	}
	if tgt.Len() != info.Model.TargetVocab {
		return nil, fmt.Errorf("infer: %s has %d tokens, the model %d: files of different runs?", run.Path(rundir.TargetVocabFile), tgt.Len(), info.Model.TargetVocab)
	}
	bos, okB := tgt.BOSID()
	eos, okE := tgt.EOSID()
	if !okB || !okE {
		return nil, fmt.Errorf("infer: %s has no <bos> or <eos>", run.Path(rundir.TargetVocabFile))
	}
	src, m, err := rundir.LoadModel(run, info, device, lstm.NewSeq2Seq, func(m *lstm.Seq2Seq) *lstm.Params { return m.Params })
	if err != nil {
		return nil, err
	}
	var settings struct {
		Beam  int     `json:"beam"`
		Alpha float64 `json:"alpha"`
	}
	if err := json.Unmarshal(info.Train, &settings); err != nil {
		return nil, fmt.Errorf("infer: %s: %w", run.Path(rundir.ConfigFile), err)
	}
	return &Translator{Info: info, Model: m, Tokenizer: tok, Beam: max(settings.Beam, 1), Alpha: settings.Alpha,
		src: src, tgt: tgt, bos: bos, eos: eos}, nil
}

// Translate translates texts, tokenised with the run's tokenizer, with
// beam search of width beam (1: greedy), in the batches the trainer's test
// evaluation uses (decode.TranslateAll), so the same sentences give the
// same translations. An empty text gets an empty translation. With
// attention, each translation keeps its attention weights. Call it on a
// goroutine locked to its OS thread (package torch).
func (t *Translator) Translate(texts []string, beam int, attention bool) (out []Translation, err error) {
	out = make([]Translation, len(texts))
	var ids [][]int64
	var idx []int
	for i, text := range texts {
		toks := t.Tokenizer(text)
		out[i].Source = toks
		for _, w := range toks {
			if _, ok := t.src.Lookup(w); !ok {
				out[i].Unknown = append(out[i].Unknown, w)
			}
		}
		if len(toks) > 0 {
			ids, idx = append(ids, t.src.Encode(toks)), append(idx, i)
		}
	}
	var hyps []decode.Hypothesis
	tensor.NoGrad(func() {
		hyps, err = decode.TranslateAll(t.Model, ids, beam, decode.Options{BOS: t.bos, EOS: t.eos, Alpha: t.Alpha, Attention: attention})
	})
	if err != nil {
		return nil, err
	}
	for k, i := range idx {
		out[i].Tokens = t.tgt.Decode(hyps[k].Tokens)
		out[i].LogProb = hyps[k].LogProb
		out[i].Attention = hyps[k].Attention
	}
	return out, nil
}
