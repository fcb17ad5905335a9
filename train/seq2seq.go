package train

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/bleu"
	"github.com/torchrnn/torchrnn/decode"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

// parallel is a split as ids: sources, targets (y1 ... <eos>) and the
// reference tokens that BLEU compares against.
type parallel struct {
	src, tgt [][]int64
	refs     [][]string
	lengths  []int // source lengths, for batching
}

// s2sBatch is one padded batch of pairs:
//
//	src    [B, S]  x1 x2 x3 ·          tgtIn  [B, T]  <bos> y1 y2 y3
//	                                   tgtOut [B, T]  y1 y2 y3 <eos>   (· = padding 0)
type s2sBatch struct {
	src, tgtIn, tgtOut []int64
	srcLen             []int64
	B, S, T            int
	tokens             int64 // target tokens, <eos> included
}

// s2sBatches builds the batches of order, ahead of the consumer.
func s2sBatches(ctx context.Context, e parallel, order [][]int, bos int64) <-chan s2sBatch {
	return ahead(ctx, order, func(idx []int) s2sBatch {
		b := s2sBatch{B: len(idx)}
		for _, j := range idx {
			b.S, b.T = max(b.S, len(e.src[j])), max(b.T, len(e.tgt[j]))
		}
		b.src, b.tgtIn, b.tgtOut = make([]int64, b.B*b.S), make([]int64, b.B*b.T), make([]int64, b.B*b.T)
		for i, j := range idx {
			copy(b.src[i*b.S:], e.src[j])
			b.srcLen = append(b.srcLen, int64(len(e.src[j])))
			y := e.tgt[j]
			b.tgtIn[i*b.T] = bos
			copy(b.tgtIn[i*b.T+1:], y[:len(y)-1])
			copy(b.tgtOut[i*b.T:], y)
			b.tokens += int64(len(y))
		}
		return b
	})
}

// translator trains lstm.Seq2Seq on sentence pairs.
type translator struct {
	cfg                Config
	model              *lstm.Seq2Seq
	step               *Stepper
	device             gotch.Device
	train, valid, test parallel
	tgtVocab           *vocab.Vocab
	bos, eos           int64
	sampler            *seq.Sampler
	out                io.Writer
	guard              guard
	bleu               bleu.Score // the last evaluation's
	hyps               [][]string // the last evaluation's translations
}

func (c *translator) params() *lstm.Params { return c.model.Params }

func (c *translator) score(e rundir.Epoch) float64 { return e.ValidBLEU }

func (c *translator) epochMetrics(epoch int, tr, va phase) rundir.Epoch {
	e := epochOf(epoch, tr, va)
	e.ValidBLEU = c.bleu.BLEU
	return e
}

func (c *translator) trainEpoch(ctx context.Context, epoch int) (phase, error) {
	c.step.Opt.SetLR(epochLR(c.cfg.LR, c.cfg.LRFinal, epoch, c.cfg.Epochs))
	feed := func(f context.Context, order [][]int) <-chan s2sBatch { return s2sBatches(f, c.train, order, c.bos) }
	return trainPass(ctx, c.out, epoch, c.sampler.Epoch(epoch-1), c.cfg, &c.guard, feed,
		func(b s2sBatch) (batchStats, error) {
			loss, right, err := c.batch(b, true)
			return batchStats{loss: loss, right: right, counted: b.tokens, tokens: b.tokens}, err
		})
}

// evaluate measures the teacher-forced loss per target token and token
// accuracy on "valid" or "test", then translates the split (greedy for
// validation, beam -beam for test) and scores it with corpus BLEU.
func (c *translator) evaluate(name string, epoch int) (phase, error) {
	e := c.valid
	if name == "test" {
		e = c.test
	}
	order, prog := evalPlan(c.cfg, c.out, name, epoch, e.lengths)
	var sum phase
	var right int64
	start := time.Now()
	i := 0
	for b := range s2sBatches(context.Background(), e, order, c.bos) {
		loss, r, err := c.batch(b, false)
		if err != nil {
			prog.Finish()
			return sum, err
		}
		i++
		sum.loss += loss * float64(b.tokens)
		sum.tokens += b.tokens
		sum.examples += int64(b.B)
		right += r
		prog.Update(i, sum.loss/float64(sum.tokens), float64(right)/float64(sum.tokens), sum.tokens)
	}
	prog.Finish()
	sum.loss /= float64(max(sum.tokens, 1))
	sum.acc = float64(right) / float64(max(sum.tokens, 1))
	beam := 1
	if name == "test" {
		beam = c.cfg.Beam
	}
	src, refs := e.src, e.refs
	if c.cfg.DryRun {
		n := min(len(src), 8)
		src, refs = src[:n], refs[:n]
	}
	if err := c.translate(name, src, refs, beam); err != nil {
		return sum, err
	}
	sum.seconds = time.Since(start).Seconds()
	return sum, nil
}

// translate decodes src and scores it against refs (c.bleu, c.hyps).
func (c *translator) translate(name string, src [][]int64, refs [][]string, beam int) error {
	start := time.Now()
	var hyps []decode.Hypothesis
	err := torch.NoGrad(func() (err error) {
		hyps, err = decode.TranslateAll(c.model, src, beam, decode.Options{BOS: c.bos, EOS: c.eos, Alpha: c.cfg.Alpha})
		return err
	})
	if err != nil {
		return err
	}
	c.hyps = make([][]string, len(hyps))
	for i, h := range hyps {
		c.hyps[i] = c.tgtVocab.Decode(h.Tokens)
	}
	if c.bleu, err = bleu.Corpus(c.hyps, refs); err != nil {
		return err
	}
	how := "greedy"
	if beam > 1 {
		how = fmt.Sprintf("beam %d", beam)
	}
	exact := 0
	for i, h := range c.hyps {
		if slices.Equal(h, refs[i]) {
			exact++
		}
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(c.out, "%s %s: %s, exact match %.2f%%  (%d sentences in %.1fs, %.1f sentences/s)\n",
		name, how, c.bleu, 100*float64(exact)/float64(max(len(src), 1)), len(src), secs, float64(len(src))/secs)
	return nil
}

// batch runs one batch: forward and loss, and when training the step. It
// returns the loss per target token and how many tokens the argmax got right.
func (c *translator) batch(b s2sBatch, train bool) (loss float64, correct int64, err error) {
	var s tensor.Scope
	defer s.Free()
	var step *Stepper
	if train {
		step = c.step
	}
	loss, err = step.Batch(func() (*torch.Tensor, error) {
		src := s.M(tensor.Int64(b.src, []int64{int64(b.B), int64(b.S)}, c.device))
		in := s.M(tensor.Int64(b.tgtIn, []int64{int64(b.B), int64(b.T)}, c.device))
		gold := s.M(tensor.Int64(b.tgtOut, []int64{int64(b.B), int64(b.T)}, c.device))
		teacher := 1.0
		if train {
			teacher = c.cfg.Teacher
		}
		logits := s.M(c.model.Forward(src, b.srcLen, in, train, teacher))               // [B, T, V]
		guess := tensor.Val(torch.Int64s(s.M(logits.Argmax([]int64{2}, false, false)))) // [B, T], on the device
		for i, y := range b.tgtOut {
			if y != vocab.PadID && guess[i] == y {
				correct++
			}
		}
		smoothing := 0.0
		if train {
			smoothing = c.cfg.Smoothing
		}
		return s.M(c.model.Loss(logits, gold, smoothing)), nil
	})
	return loss, correct, err
}
