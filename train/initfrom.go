package train

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

// initSettings start a classifier from a word-level language model's run
// (pretraining on unlabelled text, then fine-tuning): its embedding, row
// by row through the tokens both vocabularies hold, and its recurrent
// layers, tensor by tensor under the same names. config.json records the
// run folder and the checksum of the weights taken; a resumed run takes
// its weights from its checkpoint and does not read the folder again.
type initSettings struct {
	InitFrom       string `json:"init_from,omitempty"`        // classify: a word-level language model's run folder
	InitFromSHA256 string `json:"init_from_sha256,omitempty"` // its model.pt, recorded
	// InitFromTaken names the tensors taken from it, comma-separated (a
	// string keeps Config comparable); a resumed run unfreezes these.
	InitFromTaken string `json:"init_from_taken,omitempty"`
	// Unfreeze is gradual unfreezing: for this many epochs the weights
	// taken from InitFrom get no gradient (the rest of the model learns
	// around them), then every weight trains.
	Unfreeze int `json:"unfreeze,omitempty"`
}

func (c *initSettings) registerInitFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.InitFrom, "init-from", c.InitFrom, "classify: start the embedding and recurrent layers from this word-level language model's run folder (cmd/train -task lm -level word): rows matched by token, layers by name, shapes checked")
	fs.IntVar(&c.Unfreeze, "unfreeze", c.Unfreeze, "classify with -init-from: keep the weights taken from -init-from fixed for this many epochs, then train them too (gradual unfreezing); 0: train them from the start")
}

func (c initSettings) validateInit(task string) error {
	switch {
	case c.InitFrom != "" && task != "classify":
		return fmt.Errorf("-init-from is for -task classify (a classifier started from a language model), not %s", task)
	case c.Unfreeze < 0:
		return fmt.Errorf("-unfreeze %d: must not be negative", c.Unfreeze)
	case c.Unfreeze > 0 && c.InitFrom == "":
		return fmt.Errorf("-unfreeze %d needs -init-from", c.Unfreeze)
	}
	return nil
}

// lmNames maps a language model's parameter names to a classifier's: the
// embedding is the LM's encoder; the recurrent layers share their names.
// The decoder has no counterpart.
func lmNames(name string) (string, bool) {
	switch {
	case name == "encoder.weight":
		return "embedding.weight", true
	case strings.HasPrefix(name, "rnn."):
		return name, true
	}
	return "", false
}

// pretrainedSet is the weights a run took from -init-from, frozen for the
// first Unfreeze epochs (an embedding kept fixed by -freeze-embed is not
// among them: it stays frozen).
type pretrainedSet struct {
	tensors  []*torch.Tensor
	unfreeze int
}

// epoch sets whether the pretrained weights learn in epoch (from 1): not
// before epoch Unfreeze+1. A nil set does nothing.
func (p *pretrainedSet) epoch(epoch int) (err error) {
	if p == nil || p.unfreeze == 0 {
		return nil
	}
	defer tensor.Catch(&err, "train: -unfreeze")
	learn := epoch > p.unfreeze
	for _, t := range p.tensors {
		tensor.InPlace(t, func() error { return t.RequiresGrad_(learn) })
	}
	return nil
}

// initFrom starts m from cfg.InitFrom's language model in a new run
// (takeFromLM) and returns cfg with what it took, and the set to unfreeze by
// epoch (nil without -init-from). A resumed run has the weights in its
// checkpoint and the names of those taken in its config: it does not read
// the language model's folder again.
func initFrom(cfg Config, m *lstm.Classifier, v *vocab.Vocab, device gotch.Device, resumed bool, out io.Writer) (Config, *pretrainedSet, error) {
	if cfg.InitFrom == "" {
		return cfg, nil, nil
	}
	if !resumed {
		var err error
		if cfg, err = takeFromLM(cfg, m, v, device, out); err != nil {
			return cfg, nil, err
		}
	}
	set := &pretrainedSet{unfreeze: cfg.Unfreeze}
	for _, name := range strings.Split(cfg.InitFromTaken, ",") {
		if t := m.Params.Get(name); t != nil && !(name == "embedding.weight" && cfg.FreezeEmbed) {
			set.tensors = append(set.tensors, t)
		}
	}
	return cfg, set, nil
}

// initFromErr is an error about -init-from's folder, naming it.
func initFromErr(cfg Config, format string, args ...any) error {
	return UsageError{fmt.Errorf("-init-from %s: "+format, append([]any{cfg.InitFrom}, args...)...)}
}

// openLM loads the word-level language model of cfg.InitFrom's run folder:
// its vocabulary, its model (the caller drops its Params) and the checksum
// of its weights.
func openLM(cfg Config, device gotch.Device) (*vocab.Vocab, *lstm.LM, string, error) {
	run, info, err := rundir.OpenFolder(cfg.InitFrom)
	if err != nil {
		return nil, nil, "", initFromErr(cfg, "%v", err)
	}
	text, err := info.Text()
	if err != nil {
		return nil, nil, "", initFromErr(cfg, "%v", err)
	}
	if info.Task != "lm" || text.Level != "word" {
		return nil, nil, "", initFromErr(cfg, "holds a %s run (level %q), not a word-level language model (-task lm -level word)", info.Task, text.Level)
	}
	sum, err := run.Sum(rundir.BestFile)
	if err != nil {
		return nil, nil, "", initFromErr(cfg, "%v", err)
	}
	v, lm, err := rundir.LoadModel(run, info, device, lstm.NewLM, func(m *lstm.LM) *lstm.Params { return m.Params })
	if err != nil {
		return nil, nil, "", initFromErr(cfg, "%v", err)
	}
	return v, lm, sum.SHA256, nil
}

// takeFromLM copies the embedding rows and recurrent layers of
// cfg.InitFrom's language model into m, prints what it took and returns
// cfg with the weights' checksum and the names of the tensors taken.
func takeFromLM(cfg Config, m *lstm.Classifier, v *vocab.Vocab, device gotch.Device, out io.Writer) (Config, error) {
	srcV, lm, sum, err := openLM(cfg, device)
	if err != nil {
		return cfg, err
	}
	defer lm.Params.Drop()
	var mismatched, unused, copied []string
	rows, known := 0, 0
	for _, p := range lm.Params.List() {
		name, ok := lmNames(p.Name)
		dst := m.Params.Get(name)
		if !ok || dst == nil {
			unused = append(unused, p.Name)
			continue
		}
		src, err := torch.Shape(p.Tensor)
		if err != nil {
			return cfg, err
		}
		shape, err := torch.Shape(dst)
		if err != nil {
			return cfg, err
		}
		embedding := name == "embedding.weight"
		switch {
		case embedding && src[1] != shape[1]:
			mismatched = append(mismatched, fmt.Sprintf("%s: %d dimensions, -embed %d", p.Name, src[1], shape[1]))
			continue
		case !embedding && !slices.Equal(src, shape):
			mismatched = append(mismatched, fmt.Sprintf("%s: %v in the language model, %v here", p.Name, src, shape))
			continue
		case embedding:
			rows, known, err = copyRows(m.Params, name, v, p.Tensor, srcV, m.Config.PadID)
		default:
			var values []float32
			if values, err = torch.Float32s(p.Tensor); err == nil {
				err = m.Params.Set(name, values)
			}
		}
		if err != nil {
			return cfg, err
		}
		copied = append(copied, name)
	}
	if len(mismatched) > 0 {
		return cfg, initFromErr(cfg, "shapes differ (the classifier needs the language model's -cell, -embed, -hidden and -layers):\n  %s", strings.Join(mismatched, "\n  "))
	}
	if len(copied) == 0 {
		return cfg, initFromErr(cfg, "no weight matches the classifier's")
	}
	var fresh []string
	for _, name := range m.Params.Names() {
		if !slices.Contains(copied, name) {
			fresh = append(fresh, name)
		}
	}
	fmt.Fprintf(out, "init-from %s: embedding rows of %d of %d tokens found in its vocabulary of %d; %d tensors taken (%s); new: %s; not used: %s\n",
		cfg.InitFrom, known, rows, srcV.Len(), len(copied), strings.Join(copied, ", "), strings.Join(fresh, ", "), strings.Join(unused, ", "))
	cfg.InitFromSHA256, cfg.InitFromTaken = sum, strings.Join(copied, ",")
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
