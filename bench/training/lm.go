package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/seq"
	trainer "github.com/torchrnn/torchrnn/train"
	"github.com/torchrnn/torchrnn/vocab"
)

// lmConfig is one language-model run. The defaults are those of
// `cmd/train -task lm` (one LSTM layer of 256, embedding 64, BPTT 100,
// batch 64, Adam 2e-3, clip 5), without dropout, whose masks the two sides
// could not draw alike.
type lmConfig struct {
	Text        string
	Chars       int // the text's first Chars characters; 0: all
	Threads     int
	Batch, BPTT int
	LR, Clip    float64
	Seed        int64
	Sample      int // characters to generate after training, per stream
	Streams     int // streams sampled as one batch
	NoTrain     bool
	Temperature float64
	Prompt      string
	Model       lstm.Config
}

func defaultLM() lmConfig {
	return lmConfig{
		Text:    filepath.Join("..", "shared", "data", "corpus", "tinyshakespeare.txt"),
		Threads: 1, Batch: 64, BPTT: 100, LR: 2e-3, Clip: 5, Seed: 1,
		Sample: 500, Streams: 1, Temperature: 0.8, Prompt: "First Citizen:",
		Model: lstm.Config{Embed: 64, Hidden: 256, Layers: 1, Cell: lstm.LSTM},
	}
}

func (c *lmConfig) registerFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Text, "text", c.Text, "UTF-8 text file (relative to the repository root)")
	fs.IntVar(&c.Chars, "chars", c.Chars, "use the text's first N characters; 0: all")
	fs.IntVar(&c.Threads, "threads", c.Threads, "libtorch threads")
	fs.IntVar(&c.Batch, "batch", c.Batch, "parallel streams")
	fs.IntVar(&c.BPTT, "bptt", c.BPTT, "steps per truncated-backpropagation window")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate")
	fs.Float64Var(&c.Clip, "clip", c.Clip, "clip the gradient norm to this; 0: no clipping")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seeds the initial weights and the sampling")
	fs.IntVar(&c.Sample, "sample", c.Sample, "characters to generate after training, per stream")
	fs.IntVar(&c.Streams, "streams", c.Streams, "streams sampled as one batch (seeds -seed, -seed+1, ...)")
	fs.BoolVar(&c.NoTrain, "no-train", c.NoTrain, "sample from the initial weights: no training, no evaluation")
	fs.Float64Var(&c.Temperature, "temperature", c.Temperature, "sampling temperature")
	fs.StringVar(&c.Prompt, "prompt", c.Prompt, "text fed before sampling")
	fs.IntVar(&c.Model.Embed, "embed", c.Model.Embed, "embedding size")
	fs.IntVar(&c.Model.Hidden, "hidden", c.Model.Hidden, "LSTM hidden size")
}

// languageModel trains one epoch of truncated backpropagation through time
// on the first 90% of the text, evaluates on the rest and samples.
func languageModel(args []string) (Result, error) {
	cfg := defaultLM()
	fs := flag.NewFlagSet("training lm", flag.ContinueOnError)
	cfg.registerFlags(fs)
	if err := fs.Parse(args); err != nil {
		return Result{}, err
	}
	if cfg.Threads < 1 || cfg.Chars < 0 || cfg.Sample < 0 || cfg.Streams < 1 {
		return Result{}, fmt.Errorf("-threads and -streams must be positive, -chars and -sample not negative")
	}
	if _, warning := libtorch.CapThreads(cfg.Threads); warning != "" {
		fmt.Fprintf(os.Stderr, "warning: -threads: %s\n", warning)
	}
	libtorch.SetThreads(cfg.Threads)
	start := time.Now()
	ids, v, err := loadChars(cfg.Text, cfg.Chars)
	if err != nil {
		return Result{}, err
	}
	prompt, err := encodePrompt(v, cfg.Prompt)
	if err != nil {
		return Result{}, err
	}
	nTrain := len(ids) - int(0.1*float64(len(ids))) // the last 10% is validation, as cmd/train's
	r := Result{Strategy: string(lstm.Padded), Threads: cfg.Threads, Examples: len(ids), Vocab: v.Len(),
		LoadSec: time.Since(start).Seconds()}

	libtorch.Seed(cfg.Seed)
	cfg.Model.Vocab = v.Len()
	m, err := lstm.NewLM(cfg.Model, gotch.CPU)
	if err != nil {
		return r, err
	}
	step, err := trainer.NewStepper(m.Params, optim.Config{LR: cfg.LR}, cfg.Clip) // Adam
	if err != nil {
		return r, err
	}
	run := &lmRun{model: m, step: step}
	var tr, va phase
	if !cfg.NoTrain {
		if tr, err = run.pass(ids[:nTrain], cfg, true); err != nil {
			return r, err
		}
		if va, err = run.pass(ids[nTrain:], cfg, false); err != nil {
			return r, err
		}
	}
	clock := startClock()
	if err := run.generate(prompt, v, cfg); err != nil {
		return r, err
	}
	var sampling phase
	clock.stop(&sampling)
	r.Batches, r.Tokens, r.TrainSec, r.TrainCPU = tr.batches, tr.tokens, tr.seconds, tr.cpu
	r.TrainLoss = tr.loss
	if tr.seconds > 0 {
		r.TokensPerS = float64(tr.tokens) / tr.seconds
	}
	r.EvalSec, r.EvalExamples, r.EvalTokens, r.EvalLoss = va.seconds, len(ids)-nTrain, va.tokens, va.loss
	r.SampleChars, r.SampleSec, r.Streams = cfg.Sample, sampling.seconds, cfg.Streams
	return r, nil
}

// loadChars reads the text's first n characters (0: all) and encodes them
// with a vocabulary of every character (<pad> 0, <unk> 1, then by count),
// as cmd/train does at character level.
func loadChars(path string, n int) ([]int64, *vocab.Vocab, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("-text: %w", err)
	}
	tokens := vocab.Chars(string(text))
	if n > 0 && n < len(tokens) {
		tokens = tokens[:n]
	}
	v := vocab.New(vocab.CountTokens([][]string{tokens}), vocab.Options{})
	return v.Encode(tokens), v, nil
}

func encodePrompt(v *vocab.Vocab, prompt string) ([]int64, error) {
	var ids []int64
	for _, ch := range vocab.Chars(prompt) {
		id, ok := v.Lookup(ch)
		if !ok {
			return nil, fmt.Errorf("-prompt: %q is not in the text", ch)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("-prompt: empty")
	}
	return ids, nil
}

// lmRun trains, evaluates and samples one model.
type lmRun struct {
	model *lstm.LM
	step  *trainer.Stepper
}

// pass runs stream as cfg.Batch rows in BPTT windows, carrying the state
// from window to window. The loss is the mean over tokens.
func (m *lmRun) pass(stream []int64, cfg lmConfig, train bool) (p phase, err error) {
	data, N, err := seq.Batchify(stream, cfg.Batch) // [B, N]
	if err != nil {
		return p, err
	}
	w := seq.NewWindows(data, cfg.Batch, N, cfg.BPTT)
	var state lstm.State
	defer func() { state.Drop() }()
	clock := startClock()
	for w.Next() {
		x, y, L := w.Window() // [B, L] each
		loss, next, err := m.window(x, y, cfg.Batch, L, state, train)
		if err != nil {
			return p, err
		}
		state.Drop()
		state = next
		tokens := int64(cfg.Batch * L)
		p.batches++
		p.tokens += tokens
		p.loss += loss * float64(tokens)
	}
	if err := w.Err(); err != nil {
		return p, err
	}
	clock.stop(&p)
	p.loss /= float64(max(p.tokens, 1))
	return p, nil
}

// window runs one window from state with the trainer's own code
// (train.WindowStep): forward, loss, and when training backward, clipping
// and an Adam step. It returns the mean loss and the state after the
// window, cut from the graph.
func (m *lmRun) window(x, y []int64, B, L int, state lstm.State, train bool) (float64, lstm.State, error) {
	var step *trainer.Stepper
	if train {
		step = m.step
	}
	return trainer.WindowStep(m.model, step, gotch.CPU, x, y, B, L, state, nil)
}
