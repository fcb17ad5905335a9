package infer

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"slices"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/sample"
	"github.com/torchrnn/torchrnn/vocab"
)

// Generator samples text from the best model of a language-model run.
type Generator struct {
	Info   *rundir.RunInfo
	Model  *lstm.LM
	vocab  *vocab.Vocab
	text   rundir.Text // its Level: char or word
	device gotch.Device
}

// NewGenerator samples from a model in memory, whose tokens are v's at
// level ("char" or "word"); LoadGenerator reads one from a run folder.
func NewGenerator(m *lstm.LM, v *vocab.Vocab, level string, device gotch.Device) *Generator {
	info := &rundir.RunInfo{Task: "lm", Model: m.Config}
	return &Generator{Info: info, Model: m, vocab: v, text: rundir.Text{Level: level}, device: device}
}

// LoadGenerator reads a run folder: config.json, vocab.txt and model.pt.
func LoadGenerator(dir string, device gotch.Device) (*Generator, error) {
	run, info, text, err := open(dir, "lm", "a language model (use cmd/predict for classifiers)")
	if err != nil {
		return nil, err
	}
	v, m, err := load(run, info, device, lstm.NewLM, func(m *lstm.LM) *lstm.Params { return m.Params })
	if err != nil {
		return nil, err
	}
	return &Generator{Info: info, Model: m, vocab: v, text: text, device: device}, nil
}

// Encode turns a prompt into ids. At char level a character outside the
// vocabulary is an error that names it; at word level an unknown word
// becomes <unk> and is reported in warnings.
func (g *Generator) Encode(prompt string) (ids []int64, warnings []string, err error) {
	tokens := g.text.Tokens(prompt)
	for i, tok := range tokens {
		if g.text.Level == "word" && tok == vocab.EOS && i == len(tokens)-1 {
			continue // the prompt's last line is not finished
		}
		id, ok := g.vocab.Lookup(tok)
		if !ok && g.text.Level == "char" {
			return nil, nil, fmt.Errorf("infer: prompt: the character %q (U+%04X) is not in the model's vocabulary", tok, []rune(tok)[0])
		}
		if !ok {
			warnings = append(warnings, fmt.Sprintf("prompt: %q is not in the vocabulary: fed as <unk>", tok))
			id = vocab.UnkID
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		ids = []int64{g.defaultStart()}
	}
	return ids, warnings, nil
}

// defaultStart is the token an empty prompt starts from: a newline, else
// the most frequent token.
func (g *Generator) defaultStart() int64 {
	tok := "\n"
	if g.text.Level == "word" {
		tok = vocab.EOS
	}
	if id, ok := g.vocab.Lookup(tok); ok {
		return id
	}
	return 2
}

// Text is how a token reads in generated text.
func (g *Generator) Text(id int64) string {
	tok := g.vocab.Token(id)
	if g.text.Level == "char" {
		return tok
	}
	if tok == vocab.EOS {
		return "\n"
	}
	return tok + " "
}

// Generate feeds every prompt token, then samples n tokens one at a time,
// feeding each back, and calls emit with each as it comes. The same seed,
// prompt and model give the same tokens.
func (g *Generator) Generate(prompt []int64, n int, o sample.Options, seed uint64, emit func(id int64) error) (err error) {
	if err := o.Validate(); err != nil {
		return err
	}
	defer tensor.Catch(&err, "infer: generate")
	o.Never = append(slices.Clone(o.Never), vocab.PadID, vocab.UnkID) // never real text
	rng := rand.New(rand.NewPCG(seed, 0x67656e))
	tensor.NoGrad(func() {
		x := tensor.Must(tensor.Int64(slices.Clone(prompt), []int64{1, int64(len(prompt))}, g.device))
		all, state, err := g.Model.Forward(x, lstm.State{}, false) // [1, P] -> [1, P, V]
		tensor.Check(err)
		x.MustDrop()
		logits := tensor.Must(all.Select(1, int64(len(prompt)-1), false)) // [1, V]
		all.MustDrop()
		for i := 0; i < n; i++ {
			id := tensor.Val(sample.Next(logits, o, rng))
			logits.MustDrop()
			tensor.Check(emit(id[0]))
			in := tensor.Must(tensor.Int64(id, []int64{1}, g.device))
			var next lstm.State
			logits, next, err = g.Model.Step(in, state)
			tensor.Check(err)
			in.MustDrop()
			state.Drop()
			state = next
		}
		logits.MustDrop()
		state.Drop()
	})
	return nil
}

// SamplingGC sets Go's GC percent for sampling (800) unless GOGC is set.
// Each step makes about ten tensors, each with gotch's 100 KB Go
// allocation, over a live heap of a few MB: at the default GOGC=100 the
// collector runs every few steps and the runtime spends most of its time
// zeroing and returning pages. Measured (BenchmarkGenerate, default char
// model, one stream): GOGC=100 816 chars/s, 400 1,994, 800 2,932, 1600 2,307.
func SamplingGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(800)
	}
}
