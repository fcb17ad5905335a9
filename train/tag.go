package train

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/conll"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/vocab"
)

// tagPad marks padding in a batch's tags: the loss and the metrics skip it.
const tagPad = -1

// tagged is a split as ids: words, tags and the words' text (for the
// character features), one row per sentence.
type tagged struct {
	ids, tags [][]int64
	words     [][]string
	lengths   []int
}

// encodeTagged maps sentences to ids; tagID holds every tag of the corpus.
func encodeTagged(sents []conll.Sentence, v *vocab.Vocab, tagID map[string]int64) tagged {
	var e tagged
	for _, s := range sents {
		e.ids = append(e.ids, v.Encode(s.Tokens))
		ts := make([]int64, len(s.Tags))
		for i, t := range s.Tags {
			ts[i] = tagID[t]
		}
		e.tags = append(e.tags, ts)
		e.words = append(e.words, s.Tokens)
		e.lengths = append(e.lengths, len(s.Tokens))
	}
	return e
}

// tagBatch is one padded batch of sentences.
type tagBatch struct {
	ids, tags []int64 // [B, T], padding 0 and tagPad
	lengths   []int64
	words     *lstm.Words // nil without character features
	B, T      int
	tokens    int64
	gold      [][]int64 // each sentence's tags, unpadded
}

// tagBatches builds the batches of order, ahead of the consumer; drop, when
// not nil, replaces words of each batch with <unk> (word dropout).
func tagBatches(ctx context.Context, e tagged, order [][]int, spell func(string) []int64, drop func(example int, ids []int64)) <-chan tagBatch {
	return ahead(ctx, order, func(idx []int) tagBatch {
		b := tagBatch{B: len(idx)}
		for _, j := range idx {
			b.T = max(b.T, len(e.ids[j]))
		}
		b.ids, b.tags = make([]int64, b.B*b.T), make([]int64, b.B*b.T)
		words := make([][]string, 0, b.B)
		for i, j := range idx {
			copy(b.ids[i*b.T:], e.ids[j])
			row := b.tags[i*b.T : (i+1)*b.T]
			for t := range row {
				row[t] = tagPad
			}
			copy(row, e.tags[j])
			b.lengths = append(b.lengths, int64(len(e.ids[j])))
			b.tokens += int64(len(e.ids[j]))
			b.gold = append(b.gold, e.tags[j])
			words = append(words, e.words[j])
		}
		if spell != nil {
			b.words = lstm.SpellWords(words, b.T, spell)
		}
		if drop != nil {
			for i, j := range idx {
				drop(j, b.ids[i*b.T:i*b.T+len(e.ids[j])])
			}
		}
		return b
	})
}

// tagger trains lstm.Tagger on tagged sentences.
type tagger struct {
	cfg                Config
	model              *lstm.Tagger
	step               *Stepper
	device             gotch.Device
	train, valid, test tagged
	tags               []string
	chunks             bool // the tags are chunk tags: score by chunk F1
	spell              func(string) []int64
	sampler            *seq.Sampler
	out                io.Writer
	guard              guard
	last               *tagScore // the last evaluation's details
	drop               *wordDrop // -word-dropout; nil: none
}

func (c *tagger) params() *lstm.Params { return c.model.Params }

// score is the validation chunk F1 for chunk tags, else token accuracy; it
// is kept in ValidAcc's place through c.last.
func (c *tagger) score(e rundir.Epoch) float64 {
	if c.chunks && c.last != nil {
		return c.last.chunk.All.F1()
	}
	return e.ValidAcc
}

func (c *tagger) epochMetrics(epoch int, tr, va phase) rundir.Epoch { return epochOf(epoch, tr, va) }

func (c *tagger) trainEpoch(ctx context.Context, epoch int) (phase, error) {
	c.step.Opt.SetLR(epochLR(c.cfg.LR, c.cfg.LRFinal, epoch, c.cfg.Epochs))
	drop := c.drop.epoch(epoch)
	feed := func(f context.Context, order [][]int) <-chan tagBatch {
		return tagBatches(f, c.train, order, c.spell, drop)
	}
	return trainPass(ctx, c.out, epoch, c.sampler.Epoch(epoch-1), c.cfg, &c.guard, feed,
		func(b tagBatch) (batchStats, error) {
			loss, right, _, err := c.batch(b, true)
			return batchStats{loss: loss, right: right, counted: b.tokens, tokens: b.tokens}, err // accuracy over tokens
		})
}

// evaluate measures loss (per token), token accuracy, and per-tag and
// chunk scores (kept in c.last) on "valid" or "test".
func (c *tagger) evaluate(name string, epoch int) (phase, error) {
	e := c.valid
	if name == "test" {
		e = c.test
	}
	order, prog := evalPlan(c.cfg, c.out, name, epoch, e.lengths)
	defer prog.Finish()
	sc := newTagScore(c.tags)
	var sum phase
	start := time.Now()
	i := 0
	for b := range tagBatches(context.Background(), e, order, c.spell, nil) {
		loss, _, guess, err := c.batch(b, false)
		if err != nil {
			return sum, err
		}
		i++
		sum.loss += loss * float64(b.tokens)
		sum.tokens += b.tokens
		sum.examples += int64(b.B)
		if err := sc.add(b.gold, guess); err != nil {
			return sum, err
		}
		prog.Update(i, sum.loss/float64(sum.tokens), sc.chunk.Accuracy(), sum.tokens)
	}
	sum.loss /= float64(max(sum.tokens, 1))
	sum.acc = sc.chunk.Accuracy()
	sum.seconds = time.Since(start).Seconds()
	c.last = sc
	if c.chunks {
		fmt.Fprintf(c.out, "%s chunks: precision %.2f%%, recall %.2f%%, F1 %.2f\n", name,
			100*sc.chunk.All.Precision(), 100*sc.chunk.All.Recall(), 100*sc.chunk.All.F1())
	}
	return sum, nil
}

// batch runs one batch: forward and loss, and when training the step. It
// returns the loss per token, how many tags were right, and (evaluating)
// the decoded tags.
func (c *tagger) batch(b tagBatch, train bool) (loss float64, correct int64, guess [][]int64, err error) {
	var s tensor.Scope
	defer s.Free()
	var step *Stepper
	if train {
		step = c.step
	}
	loss, err = step.Batch(func() (*torch.Tensor, error) {
		shape := []int64{int64(b.B), int64(b.T)}
		ids := s.M(tensor.Int64(b.ids, shape, c.device))
		tags := s.M(tensor.Int64(b.tags, shape, c.device))
		scores := s.M(c.model.Forward(ids, b.words, b.lengths, train)) // [B, T] -> [B, T, C]
		if train && c.model.CRF == nil {                               // argmax per token, on the device
			var err error
			correct, _, err = torch.Accuracy(scores, tags, tagPad)
			tensor.Check(err)
		} else { // evaluating, or a CRF's accuracy: its Viterbi paths
			guess = tensor.Val(c.model.Decode(scores, b.lengths))
			for i, g := range guess {
				for t, y := range g {
					if y == b.gold[i][t] {
						correct++
					}
				}
			}
		}
		return s.M(c.model.Loss(scores, tags, b.lengths, tagPad)), nil
	})
	return loss, correct, guess, err
}

func describeTagger(m *lstm.Tagger, hw hardware) string {
	c := m.Config
	dir := "uni"
	if c.Bidirectional {
		dir = "bi"
	}
	chars := "no character features"
	if c.Chars > 0 {
		chars = fmt.Sprintf("character BiLSTM %d->%d over %d characters", c.CharEmbed, c.CharHidden, c.Chars)
	}
	out := "softmax"
	if c.CRF {
		out = "CRF"
	}
	return fmt.Sprintf("model: %s %s, %d layer(s), embed %d, hidden %d, %s, %s over %d tags; %d parameters; %v, strategy %s, %d thread(s)",
		c.Cell, dir, c.Layers, c.Embed, c.Hidden, chars, out, c.Classes, m.Params.Count(), hw.device, hw.strategy, hw.threads)
}
