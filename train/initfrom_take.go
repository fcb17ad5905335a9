package train

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

// pretrainedLM is one language model -init-from names.
type pretrainedLM struct {
	dir     string
	vocab   *vocab.Vocab
	model   *lstm.LM // the caller drops its Params
	sha256  string   // of its model.pt
	reverse bool     // a backward model (-reverse)
}

// classifierName maps a language model's parameter name to a classifier's:
// the encoder is the embedding (taken only when embedding is set), the
// recurrent layers keep their names, a backward model's going to the
// reverse direction ("rnn.weight_ih_l0" -> "rnn.weight_ih_l0_reverse").
// The decoder has no counterpart.
func classifierName(name string, reverse, embedding bool) (string, bool) {
	switch {
	case name == "encoder.weight":
		return "embedding.weight", embedding
	case strings.HasPrefix(name, "rnn.") && reverse:
		return name + "_reverse", true
	case strings.HasPrefix(name, "rnn."):
		return name, true
	}
	return "", false
}

// initFromErr is an error about one of -init-from's folders, naming it.
func initFromErr(dir string, format string, args ...any) error {
	return UsageError{fmt.Errorf("-init-from %s: "+format, append([]any{dir}, args...)...)}
}

// openLM loads the word-level language model of the run folder dir.
func openLM(dir string, device gotch.Device) (*pretrainedLM, error) {
	run, info, err := rundir.OpenFolder(dir)
	if err != nil {
		return nil, initFromErr(dir, "%v", err)
	}
	text, err := info.Text()
	if err != nil {
		return nil, initFromErr(dir, "%v", err)
	}
	if info.Task != "lm" || text.Level != "word" {
		return nil, initFromErr(dir, "holds a %s run (level %q), not a word-level language model (-task lm -level word)", info.Task, text.Level)
	}
	sum, err := run.Sum(rundir.BestFile)
	if err != nil {
		return nil, initFromErr(dir, "%v", err)
	}
	v, lm, err := rundir.LoadModel(run, info, device, lstm.NewLM, func(m *lstm.LM) *lstm.Params { return m.Params })
	if err != nil {
		return nil, initFromErr(dir, "%v", err)
	}
	return &pretrainedLM{dir: dir, vocab: v, model: lm, sha256: sum.SHA256, reverse: text.Reverse}, nil
}

// takeFromLM copies the embedding rows and recurrent layers of the
// language models cfg.InitFrom names into m (a forward model's layers to
// the forward direction, a backward model's to the reverse one, the first
// model's embedding), prints what it took and returns cfg with the
// weights' checksums and the names of the tensors taken.
func takeFromLM(cfg Config, m *lstm.Classifier, v *vocab.Vocab, device gotch.Device, out io.Writer) (Config, error) {
	var sums, copied []string
	seen := map[bool]string{} // reverse -> folder
	for i, dir := range strings.Split(cfg.InitFrom, ",") {
		lm, err := openLM(dir, device)
		if err != nil {
			return cfg, err
		}
		took, err := func() ([]string, error) {
			defer lm.model.Params.Drop()
			if other, ok := seen[lm.reverse]; ok {
				return nil, initFromErr(dir, "%s is a %s language model too: give at most one forward and one backward (-reverse)", other, direction(lm.reverse))
			}
			seen[lm.reverse] = dir
			return takeOne(lm, i == 0, m, v, out)
		}()
		if err != nil {
			return cfg, err
		}
		copied, sums = append(copied, took...), append(sums, lm.sha256)
	}
	var fresh []string
	for _, name := range m.Params.Names() {
		if !slices.Contains(copied, name) {
			fresh = append(fresh, name)
		}
	}
	fmt.Fprintf(out, "init-from: %d tensors taken; new: %s\n", len(copied), strings.Join(fresh, ", "))
	cfg.InitFromSHA256, cfg.InitFromTaken = strings.Join(sums, ","), strings.Join(copied, ",")
	return cfg, nil
}

func direction(reverse bool) string {
	if reverse {
		return "backward"
	}
	return "forward"
}

// takeOne copies lm's weights into m (its embedding when embedding is set)
// and returns the names of the classifier's tensors it set.
func takeOne(lm *pretrainedLM, embedding bool, m *lstm.Classifier, v *vocab.Vocab, out io.Writer) ([]string, error) {
	var mismatched, unused, copied []string
	rows, known := 0, 0
	for _, p := range lm.model.Params.List() {
		name, ok := classifierName(p.Name, lm.reverse, embedding)
		dst := m.Params.Get(name)
		if !ok || dst == nil {
			unused = append(unused, p.Name)
			continue
		}
		src, err := torch.Shape(p.Tensor)
		if err != nil {
			return nil, err
		}
		shape, err := torch.Shape(dst)
		if err != nil {
			return nil, err
		}
		isEmbedding := name == "embedding.weight"
		switch {
		case isEmbedding && src[1] != shape[1]:
			mismatched = append(mismatched, fmt.Sprintf("%s: %d dimensions, -embed %d", p.Name, src[1], shape[1]))
			continue
		case !isEmbedding && !slices.Equal(src, shape):
			mismatched = append(mismatched, fmt.Sprintf("%s: %v in the language model, %v here as %s", p.Name, src, shape, name))
			continue
		case isEmbedding:
			rows, known, err = copyRows(m.Params, name, v, p.Tensor, lm.vocab, m.Config.PadID)
		default:
			var values []float32
			if values, err = torch.Float32s(p.Tensor); err == nil {
				err = m.Params.Set(name, values)
			}
		}
		if err != nil {
			return nil, err
		}
		copied = append(copied, name)
	}
	if len(mismatched) > 0 {
		return nil, initFromErr(lm.dir, "shapes differ (the classifier needs the language model's -cell, -embed, -hidden and -layers):\n  %s", strings.Join(mismatched, "\n  "))
	}
	if len(copied) == 0 {
		return nil, initFromErr(lm.dir, "no weight matches the classifier's")
	}
	fmt.Fprintf(out, "init-from %s (%s): ", lm.dir, direction(lm.reverse))
	if embedding {
		fmt.Fprintf(out, "embedding rows of %d of %d tokens found in its vocabulary of %d; ", known, rows, lm.vocab.Len())
	}
	fmt.Fprintf(out, "%d tensors taken (%s); not used: %s\n", len(copied), strings.Join(copied, ", "), strings.Join(unused, ", "))
	return copied, nil
}

// embeddingFromLM starts a language model's embedding from the word-level
// language model cfg.InitFrom names, row by row through the tokens both
// vocabularies hold: a backward model trained on a forward model's
// embedding (-reverse -init-from FWD -freeze-embed) reads the same input
// features as the forward one, so that both can start one bidirectional
// classifier. A resumed run has the rows in its checkpoint.
func embeddingFromLM(cfg Config, m *lstm.LM, v *vocab.Vocab, device gotch.Device, resumed bool, out io.Writer) (Config, error) {
	if cfg.InitFrom == "" || resumed {
		return cfg, nil
	}
	lm, err := openLM(cfg.InitFrom, device)
	if err != nil {
		return cfg, err
	}
	defer lm.model.Params.Drop()
	if got, want := lm.model.Config.Embed, m.Config.Embed; got != want {
		return cfg, initFromErr(cfg.InitFrom, "encoder.weight: %d dimensions, -embed %d", got, want)
	}
	rows, known, err := copyRows(m.Params, "encoder.weight", v, lm.model.Encoder.Weight, lm.vocab, -1)
	if err != nil {
		return cfg, err
	}
	fmt.Fprintf(out, "init-from %s: embedding rows of %d of %d tokens found in its vocabulary of %d\n", cfg.InitFrom, known, rows, lm.vocab.Len())
	cfg.InitFromSHA256, cfg.InitFromTaken = lm.sha256, "encoder.weight"
	return cfg, nil
}

// copyRows sets the rows of the embedding name of p, for every token of v
// that srcV holds, to that token's row of src [len(srcV), E]; other rows
// and the padding row keep their values. It returns how many tokens v has
// (specials left out) and how many were found.
func copyRows(p *lstm.Params, name string, v *vocab.Vocab, src *torch.Tensor, srcV *vocab.Vocab, padID int64) (tokens, found int, err error) {
	from, err := torch.Float32s(src)
	if err != nil {
		return 0, 0, err
	}
	to, err := torch.Float32s(p.Get(name))
	if err != nil {
		return 0, 0, err
	}
	E := len(to) / v.Len()
	for id := range int64(v.Len()) {
		tok := v.Token(id)
		if id == padID {
			continue
		}
		special := vocab.IsSpecial(tok)
		if !special {
			tokens++
		}
		j, ok := srcV.Lookup(tok)
		if !ok {
			continue
		}
		if !special {
			found++
		}
		copy(to[id*int64(E):(id+1)*int64(E)], from[j*int64(E):(j+1)*int64(E)])
	}
	return tokens, found, p.Set(name, to)
}
