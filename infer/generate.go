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
	if text.Reverse {
		return nil, fmt.Errorf("infer: %s holds a backward language model (-reverse): it predicts each token from those after it, to start a classifier's reverse direction (-init-from); generate from a forward one", dir)
	}
	v, m, err := rundir.LoadModel(run, info, device, lstm.NewLM, func(m *lstm.LM) *lstm.Params { return m.Params })
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
func (g *Generator) Generate(prompt []int64, n int, o sample.Options, seed uint64, emit func(id int64) error) error {
	return g.GenerateStreams(prompt, n, 1, o, seed, func(_ int, id int64) error { return emit(id) })
}

// MaxStreams is the most streams GenerateStreams runs as one batch.
const MaxStreams = 256

// GenerateStreams samples k streams of n tokens from the same prompt as one
// batch (1 <= k <= MaxStreams): each step feeds the k tokens drawn last
// together. Stream s draws from its own source seeded with seed+s, so it
// gives the tokens Generate gives with seed+s, up to the rounding of a
// batch's matrix products. emit gets each token as it comes, stream by
// stream within a step; an error from it stops the sampling.
func (g *Generator) GenerateStreams(prompt []int64, n, k int, o sample.Options, seed uint64, emit func(stream int, id int64) error) (err error) {
	switch {
	case k < 1 || k > MaxStreams:
		return fmt.Errorf("infer: generate: %d streams, want 1 to %d", k, MaxStreams)
	case len(prompt) == 0:
		return fmt.Errorf("infer: generate: empty prompt")
	}
	o.Never = append(slices.Clone(o.Never), vocab.PadID, vocab.UnkID) // never real text
	sampler, err := sample.NewSampler(o)
	if err != nil {
		return err
	}
	defer tensor.Catch(&err, "infer: generate")
	var streams *lstm.Streams
	defer func() { streams.Free() }()
	V := g.Model.Config.Vocab
	logits := make([]float32, k*V) // [k, V]
	tensor.NoGrad(func() {
		last, state := g.feed(prompt)
		for s := 0; s < k; s++ {
			copy(logits[s*V:], last)
		}
		streams = tensor.Val(g.Model.NewStreams(repeat(state, k)))
	})
	rngs := make([]*rand.Rand, k)
	for s := range rngs {
		rngs[s] = rand.New(rand.NewPCG(seed+uint64(s), 0x67656e))
	}
	ids := make([]int64, k)
	for i := 0; i < n; i++ {
		for s := range ids {
			ids[s] = int64(sampler.Pick(logits[s*V:(s+1)*V], rngs[s]))
			tensor.Check(emit(s, ids[s]))
		}
		if i < n-1 {
			logits = tensor.Val(streams.Step(ids))
		}
	}
	return nil
}

// promptChunk is the most prompt tokens fed in one forward call: a longer
// prompt runs in pieces with the state carried over, so that memory stays
// bounded (the logits of a piece are [1, promptChunk, V]).
const promptChunk = 4096

// feed runs the prompt through the model: the logits after its last token
// [V] and the state then, [layers, 1, H], which the caller frees.
// Call it with gradients off.
func (g *Generator) feed(prompt []int64) (last []float32, state lstm.State) {
	for start := 0; start < len(prompt); start += promptChunk {
		piece := prompt[start:min(start+promptChunk, len(prompt))]
		x := tensor.Must(tensor.Int64(piece, []int64{1, int64(len(piece))}, g.device))
		all, next, err := g.Model.Forward(x, state, false) // [1, P] -> [1, P, V]
		x.MustDrop()
		state.Drop()
		tensor.Check(err)
		state = next
		if start+len(piece) == len(prompt) {
			row := tensor.Must(all.Select(1, int64(len(piece)-1), false)) // [1, V]
			last = tensor.Val(tensor.Float32s(row))
			row.MustDrop()
		}
		all.MustDrop()
	}
	return last, state
}

// repeat returns state [layers, 1, H] repeated for k streams, [layers, k,
// H], and frees state (k = 1: state itself).
func repeat(state lstm.State, k int) lstm.State {
	if k == 1 {
		return state
	}
	defer state.Drop()
	var out lstm.State
	out.H = tensor.Must(state.H.Repeat([]int64{1, int64(k), 1}, false))
	if state.C != nil {
		out.C = tensor.Must(state.C.Repeat([]int64{1, int64(k), 1}, false))
	}
	return out
}

// SamplingGC sets Go's GC percent for sampling (800) unless GOGC is set.
// Each step makes about ten tensors, which used to carry gotch's 100 KB Go
// allocation each, over a live heap of a few MB: at the default GOGC=100
// the collector ran every few steps. Measured then (BenchmarkGenerate,
// default char model, one stream): GOGC=100 816 chars/s, 400 1,994, 800
// 2,932, 1600 2,307. The fitted gotch no longer makes that allocation
// (fitgotch.Pace), and the setting only spares the few collections left.
func SamplingGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(800)
	}
}
