package train

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/report"
	"github.com/torchrnn/torchrnn/rundir"
)

// phase is what one pass over a split measured.
type phase struct {
	loss, acc float64 // mean loss; accuracy in 0..1, or -1 for none
	examples  int64
	tokens    int64
	seconds   float64
}

// task is what the loop trains: the classifier or the language model.
type task interface {
	trainEpoch(ctx context.Context, epoch int) (phase, error)
	evaluate(name string, epoch int) (phase, error)
	params() *lstm.Params
	epochMetrics(epoch int, train, valid phase) rundir.Epoch
	score(e rundir.Epoch) float64 // higher is better
}

// loop runs epochs of t until cfg.Epochs, early stopping or ctx's end
// (Ctrl-C): each epoch is validated, logged, plotted and checkpointed.
// Interrupted, it still validates and saves, then returns ctx's error.
func loop(ctx context.Context, run *rundir.Folder, t task, opt *optim.Optimizer, cfg Config, st *rundir.State, out io.Writer) error {
	for st.Epoch < cfg.Epochs && !st.Done {
		epoch := st.Epoch + 1
		libtorch.Seed(cfg.Seed*1000 + int64(epoch)) // dropout masks replay on resume
		tr, err := t.trainEpoch(ctx, epoch)
		if err != nil {
			return err
		}
		va, err := t.evaluate("valid", epoch)
		if err != nil {
			return err
		}
		e := t.epochMetrics(epoch, tr, va)
		e.LR = opt.LR()
		fmt.Fprintln(out, report.EpochLine(e))
		interrupted := ctx.Err() != nil
		if !interrupted {
			st.Epoch = epoch
		}
		if err := checkpoint(run, t, opt, st, e, t.score(e)); err != nil {
			return err
		}
		if cfg.Patience > 0 && st.Stale >= cfg.Patience {
			fmt.Fprintf(out, "early stop: no better validation score for %d epochs (best: epoch %d)\n", st.Stale, st.BestEpoch)
			st.Done = true
		}
		if interrupted {
			fmt.Fprintf(out, "interrupted during epoch %d: saved %s (resume repeats the epoch)\n", epoch, run.Dir)
			st.Done = true
		}
		st.Done = st.Done || cfg.DryRun || st.Epoch >= cfg.Epochs
		if err := run.WriteJSON(rundir.StateFile, st); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// checkpoint writes last.pt and optim.pt, model.pt when the score is the
// best so far, the epoch's metrics and the curves.
func checkpoint(run *rundir.Folder, t task, opt *optim.Optimizer, st *rundir.State, e rundir.Epoch, score float64) error {
	p := t.params()
	if err := p.Save(run.Path(rundir.LastFile)); err != nil {
		return err
	}
	if err := opt.Save(run.Path(rundir.OptimFile)); err != nil {
		return err
	}
	st.Steps = opt.Steps
	if st.BestEpoch == 0 || score > st.Best {
		st.Best, st.BestEpoch, st.Stale = score, e.Epoch, 0
		if err := p.Save(run.Path(rundir.BestFile)); err != nil {
			return err
		}
	} else {
		st.Stale++
	}
	if err := run.AppendMetrics(e); err != nil {
		return err
	}
	all, err := run.Metrics()
	if err != nil {
		return err
	}
	return report.PlotCurves(run.Path(rundir.CurvesFile), all, run.Dir)
}

// guard stops training on a loss that is not a number or explodes.
type guard struct{ first float64 }

func (g *guard) check(loss float64, epoch, batch int) error {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fmt.Errorf("loss is %v at epoch %d, batch %d: training diverged; lower -lr or set -clip", loss, epoch, batch)
	}
	if g.first == 0 {
		g.first = math.Max(loss, 1)
	}
	if loss > 50*g.first {
		return fmt.Errorf("loss %.4g at epoch %d, batch %d is over 50x the first batch's (%.4g): training exploded; lower -lr or set -clip", loss, epoch, batch, g.first)
	}
	return nil
}
