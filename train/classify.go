package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/report"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
)

// classifier trains lstm.Classifier on labelled texts.
type classifier struct {
	cfg                Config
	model              *lstm.Classifier
	step               *Stepper
	device             gotch.Device
	train, valid, test encoded
	sampler            *seq.Sampler
	pad                seq.Padding
	out                io.Writer
	guard              guard
	cluster            *cluster       // data-parallel ranks; nil alone
	scores             *classScores   // per-class scores of evaluations, more than two classes (classify_scores.go)
	weights            *torch.Tensor  // [C] loss weight per class (-class-weights); nil: none
	fromLM             *pretrainedSet // weights taken from -init-from, unfrozen by epoch (initfrom.go)
	drop               *wordDrop      // -word-dropout; nil: none
}

func (c *classifier) params() *lstm.Params { return c.model.Params }

// score is the validation accuracy, minus the loss for -select loss, or
// the macro F1 for -select f1 (more than two classes; else accuracy).
func (c *classifier) score(e rundir.Epoch) float64 {
	switch {
	case c.cfg.Select == "loss":
		return -e.ValidLoss
	case c.cfg.Select == "f1" && e.ValidClasses != nil:
		return e.ValidClasses.MacroF1
	}
	return e.ValidAcc
}

// epochMetrics also prints the validation's per-class F1 line (more than
// two classes).
func (c *classifier) epochMetrics(epoch int, tr, va phase) rundir.Epoch {
	e := epochOf(epoch, tr, va)
	e.ValidClasses = c.scores.get("valid")
	c.scores.line(c.out, "valid")
	return e
}

// trainEpoch runs one epoch of bucketed, shuffled batches; on ctx's end it
// finishes the batch at hand and returns what it measured so far.
// With data-parallel ranks, each trains on its share of every batch and the
// batch's measures are summed over the ranks (cluster).
func (c *classifier) trainEpoch(ctx context.Context, epoch int) (phase, error) {
	if err := c.fromLM.epoch(epoch); err != nil {
		return phase{}, err
	}
	if c.cfg.scheduled() { // else -anneal's rate stands
		c.step.Opt.SetLR(epochLR(c.cfg.LR, c.cfg.LRFinal, epoch, c.cfg.Epochs))
	}
	order := c.sampler.Epoch(epoch - 1)
	sizes := make(chan int, len(order)) // the global batches' sizes, in order
	for _, b := range order {
		sizes <- len(b)
	}
	drop := c.drop.epoch(epoch)
	feed := func(f context.Context, order [][]int) <-chan batch { return batches(f, c.train, order, c.pad, drop) }
	return trainPass(ctx, c.out, epoch, c.cluster.shardOrder(order), c.cfg, &c.guard, feed,
		func(b batch) (batchStats, error) {
			if b.B == 0 { // this rank's share of a batch smaller than the job
				<-sizes
				if err := c.cluster.idle(c.step, c.device); err != nil {
					return batchStats{}, err
				}
				return c.cluster.reduced(batchStats{})
			}
			if b.err != nil {
				return batchStats{}, b.err
			}
			c.cluster.setShare(b.B, <-sizes)
			m, err := c.trainBatch(b) // accuracy over examples
			if err != nil || c.cluster == nil {
				return m, err
			}
			return c.cluster.reduced(m)
		})
}

// evaluate measures loss and accuracy on "valid" or "test", batches sorted
// by length, without gradients.
func (c *classifier) evaluate(name string, epoch int) (phase, error) {
	e := c.valid
	if name == "test" {
		e = c.test
	}
	order, prog := evalPlan(c.cfg, c.out, name, epoch, e.lengths)
	defer prog.Finish()
	var sum phase
	var correct, seen int64
	start := time.Now()
	i := 0
	c.scores.start()
	defer c.scores.finish(name)
	for b := range batches(context.Background(), e, order, c.pad, nil) {
		if b.err != nil {
			return sum, b.err
		}
		loss, ok, err := c.batch(b)
		if err != nil {
			return sum, err
		}
		i++
		sum.loss += loss * float64(b.B)
		correct, seen, sum.tokens = correct+ok, seen+int64(b.B), sum.tokens+b.tokens
		prog.Update(i, sum.loss/float64(seen), float64(correct)/float64(seen), sum.tokens)
	}
	sum.loss /= float64(max(seen, 1))
	sum.acc = float64(correct) / float64(max(seen, 1))
	sum.examples = seen
	sum.seconds = time.Since(start).Seconds()
	return sum, nil
}

// evalPlan is an evaluation's batches over examples of lengths (every one
// once, by length, twice the training batch; the first batch alone in a dry
// run) and its progress line, which the caller finishes.
func evalPlan(cfg Config, out io.Writer, name string, epoch int, lengths []int) ([][]int, *report.Progress) {
	order := evalOrder(lengths, min(cfg.Batch, math.MaxInt/2)*2)
	if cfg.DryRun {
		order = order[:min(1, len(order))]
	}
	return order, report.NewProgress(out, name, epoch, len(order), 10*time.Second)
}

// evalOrder is every example once, in batches of similar length.
func evalOrder(lengths []int, batch int) [][]int {
	s, err := seq.NewSampler(lengths, seq.Options{Batch: batch, Bucket: true})
	if err != nil {
		return nil
	}
	return s.Epoch(0)
}

// trainBatch runs one training batch: forward, loss and the Stepper's
// step, reading nothing back (batchStats: the loss and the right count stay
// on the device).
func (c *classifier) trainBatch(b batch) (m batchStats, err error) {
	defer tensor.Catch(&err, "train: batch")
	var s tensor.Scope
	defer s.Free()
	logits, labels := c.forward(&s, b, true)
	loss := s.M(c.model.WeightedLoss(logits, labels, c.weights))
	right := s.M(torch.Correct(logits, labels, torch.NoIgnore))
	tensor.Check(c.step.Train(loss))
	s.Free(loss, right) // kept: the batchStats's
	return batchStats{lossT: loss, rightT: right, counted: int64(b.B), tokens: b.tokens}, nil
}

// batch evaluates one batch without gradients. It returns the mean loss
// and how many predictions were right.
func (c *classifier) batch(b batch) (loss float64, correct int64, err error) {
	var s tensor.Scope
	defer s.Free()
	var eval *Stepper // nil: evaluate
	loss, err = eval.Batch(func() (*torch.Tensor, error) {
		logits, labels := c.forward(&s, b, false)
		var err error
		correct, _, err = torch.Accuracy(logits, labels, torch.NoIgnore)
		tensor.Check(err)
		tensor.Check(c.scores.add(logits, b.labels))
		return s.M(c.model.WeightedLoss(logits, labels, c.weights)), nil
	})
	return loss, correct, err
}

// forward makes b's ids and labels on the device and runs the model:
// logits [B, 1] or [B, C] and labels [B], freed with s. It panics on
// error (tensor.Catch).
func (c *classifier) forward(s *tensor.Scope, b batch, train bool) (logits, labels *torch.Tensor) {
	ids := s.M(tensor.Int64Fill([]int64{int64(b.B), int64(b.T)}, c.device, func(data []int64) error {
		return c.pad.PadInto(data, b.seqs, b.T) // padded straight into the tensor
	}))
	labels = s.M(tensor.Int64(b.labels, []int64{int64(b.B)}, c.device))
	return s.M(c.model.Forward(ids, b.lengths, train)), labels
}

func describe(m *lstm.Classifier, hw hardware) string {
	c := m.Config
	dir := "uni"
	if c.Bidirectional {
		dir = "bi"
	}
	return fmt.Sprintf("model: %s %s, %d layer(s), embed %d, hidden %d, pooling %s, head %d, %d classes; %d parameters; %v, strategy %s, %d thread(s)",
		c.Cell, dir, c.Layers, c.Embed, c.Hidden, c.Pooling, c.Head, c.Classes, m.Params.Count(), hw.device, hw.strategy, hw.threads)
}
