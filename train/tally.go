package train

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/report"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
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
	pend           pending // batches whose values are still on the device
	every          int     // batches summed between reads; 0: readEvery on a GPU, 1 on the CPU
}

// trainPass runs one training epoch over the batches feed makes from order
// (only the first on a dry run): step trains on each and says what it
// measured, g checks its loss, the totals are tallied (read from a GPU
// every cfg.ReadEvery batches: see batchStats). On ctx's end it finishes
// the batch at hand and returns what it measured so far.
func trainPass[B any](ctx context.Context, out io.Writer, epoch int, order [][]int, cfg Config, g *guard,
	feed func(context.Context, [][]int) <-chan B,
	step func(B) (batchStats, error)) (phase, error) {
	if cfg.DryRun {
		order = order[:min(1, len(order))]
	}
	f, stop := context.WithCancel(context.Background())
	defer stop() // ends the feed when the pass returns early
	t := newTally(out, "train", epoch, len(order))
	t.every = cfg.ReadEvery
	defer t.prog.Finish()
	defer t.pend.free()
	for b := range feed(f, order) {
		m, err := step(b)
		if err != nil {
			torch.Free(m.lossT, m.rightT)
			return phase{}, err
		}
		if err := t.add(g, epoch, m); err != nil {
			return phase{}, err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := t.flush(g, epoch); err != nil {
		return phase{}, err
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
// loss is an error that ends the pass). A batch whose values are on a GPU
// waits on the device (pending) until every batches have; see batchStats.
func (t *tally) add(g *guard, epoch int, m batchStats) error {
	every := t.every
	if every == 0 {
		every = 1
		if m.lossT != nil && !tensor.OnCPU(m.lossT) {
			every = readEvery
		}
	}
	if m.lossT != nil && every > 1 {
		if err := t.pend.add(m); err != nil {
			return err
		}
		if t.pend.n < every {
			return nil
		}
		return t.flush(g, epoch)
	}
	m, err := m.read()
	if err != nil {
		return err
	}
	return t.record(g, epoch, m, 1)
}

// flush reads and records the batches waiting on the device, if any.
func (t *tally) flush(g *guard, epoch int) error {
	if t.pend.n == 0 {
		return nil
	}
	m, n, err := t.pend.take()
	if err != nil {
		return err
	}
	return t.record(g, epoch, m, n)
}

// record adds m, the sums of n batches read back, after g has checked
// their mean loss.
func (t *tally) record(g *guard, epoch int, m batchStats, n int) error {
	if err := g.check(m.loss/float64(n), epoch, t.n+n); err != nil {
		return err
	}
	t.n += n
	t.loss += m.loss
	t.right, t.counted, t.tokens = t.right+m.right, t.counted+m.counted, t.tokens+m.tokens
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
