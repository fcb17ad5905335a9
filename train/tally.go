package train

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/report"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/seq"
)

// tally sums the batches of one training pass and shows them on a progress
// bar as they come: the mean of the batches' losses, and accuracy as right
// predictions over those counted (examples or tokens, as the task counts).
type tally struct {
	prog           *report.Progress
	start          time.Time
	n              int // batches so far
	loss           float64
	right, counted int64
	tokens         int64
}

// trainPass runs one training epoch over the batches feed makes from order
// (only the first on a dry run): step trains on each and says what it
// measured, g checks its loss, the totals are tallied. On ctx's end it
// finishes the batch at hand and returns what it measured so far.
func trainPass[B any](ctx context.Context, out io.Writer, epoch int, order [][]int, dryRun bool, g *guard,
	feed func(context.Context, [][]int) <-chan B,
	step func(B) (loss float64, right, counted, tokens int64, err error)) (phase, error) {
	if dryRun {
		order = order[:min(1, len(order))]
	}
	f, stop := context.WithCancel(context.Background())
	defer stop() // ends the feed when the pass returns early
	t := newTally(out, "train", epoch, len(order))
	defer t.prog.Finish()
	for b := range feed(f, order) {
		loss, right, counted, tokens, err := step(b)
		if err != nil {
			return phase{}, err
		}
		if err := t.add(g, epoch, loss, right, counted, tokens); err != nil {
			return phase{}, err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return t.phase(), nil
}

// trainSampler batches the training examples of the given lengths: shuffled
// every epoch, bucketed by length when cfg.Bucket.
func trainSampler(lengths []int, cfg Config) (*seq.Sampler, error) {
	return seq.NewSampler(lengths, seq.Options{Batch: cfg.Batch, Seed: uint64(cfg.Seed), Shuffle: true, Bucket: cfg.Bucket})
}

// newTally starts a pass of batches; the caller defers t.prog.Finish().
func newTally(out io.Writer, name string, epoch, batches int) *tally {
	return &tally{prog: report.NewProgress(out, name, epoch, batches, 10*time.Second), start: time.Now()}
}

// add records one batch, after g has checked its loss (a NaN or exploding
// loss is an error that ends the pass).
func (t *tally) add(g *guard, epoch int, loss float64, right, counted, tokens int64) error {
	if err := g.check(loss, epoch, t.n+1); err != nil {
		return err
	}
	t.n++
	t.loss += loss
	t.right, t.counted, t.tokens = t.right+right, t.counted+counted, t.tokens+tokens
	t.prog.Update(t.n, t.loss/float64(t.n), float64(t.right)/float64(max(t.counted, 1)), t.tokens)
	return nil
}

// phase is what the pass measured.
func (t *tally) phase() phase {
	return phase{
		loss:    t.loss / float64(max(t.n, 1)),
		acc:     float64(t.right) / float64(max(t.counted, 1)),
		tokens:  t.tokens,
		seconds: time.Since(t.start).Seconds(),
	}
}

// epochOf is an epoch's metrics line from its training and validation
// passes, for tasks that report loss and accuracy.
func epochOf(epoch int, tr, va phase) rundir.Epoch {
	return rundir.Epoch{Epoch: epoch, TrainLoss: tr.loss, TrainAcc: tr.acc, ValidLoss: va.loss, ValidAcc: va.acc,
		Seconds: tr.seconds, TokensPerSec: float64(tr.tokens) / tr.seconds}
}

// testPhase loads the committed best weights (model.pt, checked against
// the checksum state.json recorded) into p, evaluates them on the test
// split and records loss and accuracy in st. ok is false, and out says so,
// when no epoch finished: there is nothing to test.
func testPhase(run *rundir.Folder, p *lstm.Params, st *rundir.State, out io.Writer,
	evaluate func(name string, epoch int) (phase, error)) (te phase, ok bool, err error) {
	if st.BestEpoch == 0 {
		fmt.Fprintln(out, "test: skipped, no epoch finished")
		return phase{}, false, nil
	}
	best := rundir.File{Name: rundir.BestFile}
	if st.BestWeights != nil {
		best.SHA256 = st.BestWeights.SHA256
	}
	path, err := run.Verify(best)
	if err != nil {
		return phase{}, false, err
	}
	if err := p.Load(path); err != nil {
		return phase{}, false, err
	}
	if te, err = evaluate("test", st.BestEpoch); err != nil {
		return phase{}, false, err
	}
	st.TestLoss, st.TestAcc, st.Tested = te.loss, te.acc, true
	return te, true, nil
}
