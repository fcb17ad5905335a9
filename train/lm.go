package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/corpus"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/report"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

// languageModel trains lstm.LM with truncated backpropagation through time:
// the state flows across consecutive windows, cut from the graph between
// them.
type languageModel struct {
	cfg          Config
	model        *lstm.LM
	step         *Stepper
	device       gotch.Device
	train, valid []int64 // token streams
	out          io.Writer
	guard        guard
	cluster      *cluster             // data-parallel ranks; nil alone
	sampled      *lstm.SampledSoftmax // training's decoder scores sampled negatives; nil: the whole vocabulary
}

func (m *languageModel) params() *lstm.Params { return m.model.Params }

func (m *languageModel) score(e rundir.Epoch) float64 { return -e.ValidLoss }

func (m *languageModel) epochMetrics(epoch int, tr, va phase) rundir.Epoch {
	e := rundir.Epoch{Epoch: epoch, TrainLoss: tr.loss, ValidLoss: va.loss, ValidPPL: math.Exp(va.loss),
		Seconds: tr.seconds, TokensPerSec: float64(tr.tokens) / tr.seconds}
	if m.cfg.Level == "char" {
		e.ValidBPC = va.loss / math.Ln2
	}
	return e
}

func (m *languageModel) trainEpoch(ctx context.Context, epoch int) (phase, error) {
	return m.pass(ctx, "train", epoch, m.train, true)
}

func (m *languageModel) evaluate(name string, epoch int) (phase, error) {
	return m.pass(context.Background(), name, epoch, m.valid, false)
}

// pass runs the stream in B rows and BPTT windows; the loss is the mean
// over tokens.
func (m *languageModel) pass(ctx context.Context, name string, epoch int, stream []int64, train bool) (phase, error) {
	B := m.cfg.Batch
	data, N, err := seq.Batchify(stream, B)
	if err != nil {
		return phase{}, fmt.Errorf("%s text: %w", name, err)
	}
	w := seq.NewWindows(data, B, N, m.cfg.BPTT)
	total := w.Len()
	if m.cfg.DryRun {
		total = 1
	}
	prog := report.NewProgress(m.out, name, epoch, total, 10*time.Second)
	defer prog.Finish()
	var sum phase
	var state lstm.State
	defer func() { state.Drop() }()
	start := time.Now()
	lo, hi := 0, B // the rows of this rank (data-parallel: its share of the streams)
	if train {
		lo, hi = m.cluster.shard(B)
		m.cluster.setShare(hi-lo, B)
	}
	draw := m.samples(epoch, train)
	for n := 1; n <= total && w.Next(); n++ {
		x, y, L := w.Window()
		loss, next, err := m.window(x[lo*L:hi*L], y[lo*L:hi*L], hi-lo, L, state, train, draw())
		if err != nil {
			return sum, err
		}
		state.Drop()
		state = next
		if train {
			tokens := int64((hi - lo) * L)
			if loss, _, _, _, err = m.cluster.reduce(loss, tokens, 0, 0, tokens); err != nil {
				return sum, err
			}
			if err := m.guard.check(loss, epoch, n); err != nil {
				return sum, err
			}
		}
		tokens := int64(B * L)
		sum.loss += loss * float64(tokens)
		sum.tokens += tokens
		prog.Update(n, sum.loss/float64(sum.tokens), -1, sum.tokens)
		if ctx.Err() != nil {
			break
		}
	}
	if err := w.Err(); err != nil {
		return sum, err
	}
	sum.loss /= float64(max(sum.tokens, 1))
	sum.acc, sum.seconds = -1, time.Since(start).Seconds()
	return sum, nil
}

// samples returns the draws of a sampled softmax for epoch's training
// windows, one per call, seeded by -seed and the epoch so that a resumed
// epoch draws them again; without a sampled softmax, or outside training,
// nil ones.
func (m *languageModel) samples(epoch int, train bool) func() *Sample {
	if !train || m.sampled == nil {
		return func() *Sample { return nil }
	}
	rng := rand.New(rand.NewPCG(uint64(m.cfg.Seed), uint64(epoch)<<16|0x5a))
	return func() *Sample { return &Sample{Softmax: m.sampled, Negatives: m.sampled.Draw(rng)} }
}

// window runs one window x, y [B, L] from state and returns the mean loss
// and the state after the window, detached; sample is nil but for a
// sampled softmax's training.
func (m *languageModel) window(x, y []int64, B, L int, state lstm.State, train bool, sample *Sample) (loss float64, next lstm.State, err error) {
	var step *Stepper
	if train {
		step = m.step
	}
	return WindowStep(m.model, step, m.device, x, y, B, L, state, sample)
}

// Sample is one window's draw of a sampled softmax: training scores each
// target against Negatives only (lstm.SampledSoftmax).
type Sample struct {
	Softmax   *lstm.SampledSoftmax
	Negatives []int64
}

// WindowStep runs the language model over one window of truncated
// backpropagation: x, y [B, L] (targets shifted by one) from state,
// forward and loss, and with a Stepper its step; without one, no gradients
// at all. The loss is the cross-entropy over the whole vocabulary, or with
// a sample (when training) the sampled softmax's. It returns the window's
// mean loss and the state after it, cut from the graph for the next
// window: the caller owns it (and still owns state).
func WindowStep(model *lstm.LM, step *Stepper, device gotch.Device, x, y []int64, B, L int, state lstm.State, sample *Sample) (loss float64, next lstm.State, err error) {
	var s tensor.Scope
	defer s.Free()
	loss, err = step.Batch(func() (*torch.Tensor, error) {
		xt := s.M(tensor.Int64(x, []int64{int64(B), int64(L)}, device))
		out, after, err := model.Features(xt, state, step != nil) // [B, L] -> [B, L, H]
		tensor.Check(err)
		s.T(out)
		defer after.Drop()
		next = tensor.Val(after.Detach())
		if sample != nil {
			return s.M(sample.Softmax.Loss(model.Decoder, out, y, sample.Negatives)), nil
		}
		yt := s.M(tensor.Int64(y, []int64{int64(B), int64(L)}, device))
		logits := s.M(model.Decoder.Forward(out)) // [B, L, H] -> [B, L, V]
		return s.M(model.Loss(logits, yt)), nil
	})
	if err != nil {
		next.Drop()
		return 0, lstm.State{}, err
	}
	return loss, next, nil
}

// loadCorpus reads -text (or the built-in tiny shakespeare).
func loadCorpus(path string) (string, error) {
	if path == "" {
		return corpus.TinyShakespeare()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("-text: %w", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return "", fmt.Errorf("-text %s: the file is empty", path)
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("-text %s: not valid UTF-8 (line %d)", path, badLine(b))
	}
	return string(b), nil
}

func badLine(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[n:]
	}
	return line
}

// lmVocab builds the vocabulary: every character of the text at char level,
// words of the training part seen -min-freq times at word level.
func lmVocab(tokens []string, nTrain int, cfg Config) *vocab.Vocab {
	if cfg.Level == "char" {
		return vocab.New(vocab.CountTokens([][]string{tokens}), vocab.Options{})
	}
	return vocab.New(vocab.CountTokens([][]string{tokens[:nTrain]}), vocab.Options{EOS: true, MinFreq: cfg.MinFreq, MaxSize: cfg.MaxVocab})
}
