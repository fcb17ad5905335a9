package infer

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/vocab"
)

// Tagger tags tokenised sentences with the best model of a tagger run.
type Tagger struct {
	Info      *rundir.RunInfo
	Model     *lstm.Tagger
	Tokenizer vocab.Tokenizer // the run's, for plain text
	vocab     *vocab.Vocab
	spell     func(string) []int64 // nil without character features
	device    gotch.Device
}

// LoadTagger reads a tagger's run folder: config.json, vocab.txt,
// chars.txt (with character features) and model.pt. The model's weights
// live on device until the process ends.
func LoadTagger(dir string, device gotch.Device) (*Tagger, error) {
	run, info, text, err := open(dir, "tag", "a tagger")
	if err != nil {
		return nil, err
	}
	if len(info.Labels) != info.Model.Classes {
		return nil, fmt.Errorf("infer: %s: %d tags for %d outputs", run.Path(rundir.ConfigFile), len(info.Labels), info.Model.Classes)
	}
	tok, err := rundir.Tokenizer(text.Tokenizer)
	if err != nil {
		return nil, err
	}
	v, m, err := rundir.LoadModel(run, info, device, lstm.NewTagger, func(m *lstm.Tagger) *lstm.Params { return m.Params })
	if err != nil {
		return nil, err
	}
	t := &Tagger{Info: info, Model: m, Tokenizer: tok, vocab: v, device: device}
	if info.Model.Chars > 0 {
		chars, err := vocab.Load(run.Path(rundir.CharsFile))
		if err != nil {
			return nil, err
		}
		if chars.Len() != info.Model.Chars {
			return nil, fmt.Errorf("infer: %s has %d characters, the model %d: files of different runs?", run.Path(rundir.CharsFile), chars.Len(), info.Model.Chars)
		}
		t.spell = chars.Spell
	}
	return t, nil
}

// Tag returns one tag per token of each sentence, in batches of up to 64.
// An empty sentence gets no tags.
func (t *Tagger) Tag(sents [][]string) ([][]string, error) {
	out := make([][]string, len(sents))
	var idx []int
	for i, s := range sents {
		if len(s) > 0 {
			idx = append(idx, i)
		}
	}
	for lo := 0; lo < len(idx); lo += 64 {
		group := idx[lo:min(lo+64, len(idx))]
		batch := make([][]string, len(group))
		for k, i := range group {
			batch[k] = sents[i]
		}
		ids, err := t.batch(batch)
		if err != nil {
			return nil, err
		}
		for k, i := range group {
			out[i] = make([]string, len(ids[k]))
			for j, id := range ids[k] {
				out[i][j] = t.Info.Labels[id]
			}
		}
	}
	return out, nil
}

// batch tags one padded batch in evaluation mode.
func (t *Tagger) batch(sents [][]string) (tags [][]int64, err error) {
	defer tensor.Catch(&err, "infer: tag")
	B, T := len(sents), 0
	for _, s := range sents {
		T = max(T, len(s))
	}
	flat, lengths := make([]int64, B*T), make([]int64, B)
	for b, s := range sents {
		copy(flat[b*T:], t.vocab.Encode(s))
		lengths[b] = int64(len(s))
	}
	var words *lstm.Words
	if t.spell != nil {
		words = lstm.SpellWords(sents, T, t.spell)
	}
	tensor.NoGrad(func() {
		var s tensor.Scope
		defer s.Free()
		x := s.M(tensor.Int64(flat, []int64{int64(B), int64(T)}, t.device))
		scores := s.M(t.Model.Forward(x, words, lengths, false))
		tags = tensor.Val(t.Model.Decode(scores, lengths))
	})
	return tags, nil
}
