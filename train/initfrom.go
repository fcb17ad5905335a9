package train

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

// initSettings start a classifier from word-level language models' runs
// (pretraining on unlabelled text, then fine-tuning): a forward model, a
// backward one (-reverse) or one of each; their embedding, row by row
// through the tokens both vocabularies hold, and their recurrent layers,
// tensor by tensor (initfrom_take.go). config.json records the run folders
// and the checksums of the weights taken; a resumed run takes its weights
// from its checkpoint and does not read the folders again.
type initSettings struct {
	InitFrom       string `json:"init_from,omitempty"`        // classify: word-level language models' run folders, comma-separated
	InitFromSHA256 string `json:"init_from_sha256,omitempty"` // their model.pt, recorded in the same order
	// InitFromTaken names the tensors taken from it, comma-separated (a
	// string keeps Config comparable); a resumed run unfreezes these.
	InitFromTaken string `json:"init_from_taken,omitempty"`
	// Unfreeze is gradual unfreezing: for this many epochs the weights
	// taken from InitFrom get no gradient (the rest of the model learns
	// around them), then every weight trains.
	Unfreeze int `json:"unfreeze,omitempty"`
}

func (c *initSettings) registerInitFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.InitFrom, "init-from", c.InitFrom, "classify: start the embedding and recurrent layers from this word-level language model's run folder (lm: the embedding alone, e.g. a backward model on a forward one's with -freeze-embed) (cmd/train -task lm -level word): rows matched by token, layers by name, shapes checked; two folders, comma-separated: a forward model and a backward one (-reverse) for the reverse direction of a bidirectional classifier, the embedding from the first")
	fs.IntVar(&c.Unfreeze, "unfreeze", c.Unfreeze, "classify with -init-from: keep the weights taken from -init-from fixed for this many epochs, then train them too (gradual unfreezing); 0: train them from the start")
}

func (c initSettings) validateInit(task string) error {
	switch {
	case c.InitFrom != "" && task != "classify" && task != "lm":
		return fmt.Errorf("-init-from is for -task classify (a classifier started from language models) or lm (an embedding taken from another), not %s", task)
	case task == "lm" && strings.Contains(c.InitFrom, ","):
		return fmt.Errorf("-init-from %s: a language model takes the embedding of one language model", c.InitFrom)
	case task == "lm" && c.Unfreeze > 0:
		return fmt.Errorf("-unfreeze %d is for -task classify", c.Unfreeze)
	case c.Unfreeze < 0:
		return fmt.Errorf("-unfreeze %d: must not be negative", c.Unfreeze)
	case c.Unfreeze > 0 && c.InitFrom == "":
		return fmt.Errorf("-unfreeze %d needs -init-from", c.Unfreeze)
	}
	return nil
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
