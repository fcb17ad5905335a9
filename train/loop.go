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
// (Ctrl-C): each epoch is validated, logged, checkpointed and plotted.
// Interrupted, it finishes the batch, keeps the last committed epoch as the
// resume point (the partial epoch's weights go to interrupted.pt) and
// returns ctx's error.
func loop(ctx context.Context, run *rundir.Folder, t task, opt *optim.Optimizer, cfg Config, st *rundir.State, out io.Writer) error {
	if err := resumeLR(run, opt, cfg, st); err != nil {
		return err
	}
	defer TrainingGC()()
	for st.Epoch < cfg.Epochs && !st.Done {
		epoch := st.Epoch + 1
		libtorch.Seed(cfg.Seed*1000 + int64(epoch)) // dropout masks replay on resume
		tr, err := t.trainEpoch(ctx, epoch)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return interrupt(ctx, run, t, st, epoch, out)
		}
		va, err := t.evaluate("valid", epoch)
		if err != nil {
			return err
		}
		e := t.epochMetrics(epoch, tr, va)
		if !(finite(e.TrainLoss) && finite(e.ValidLoss) && finite(e.ValidPPL) && finite(e.ValidBPC)) {
			return fmt.Errorf("epoch %d: training loss %v, validation loss %v (perplexity %v): training diverged; lower -lr or set -clip", epoch, e.TrainLoss, e.ValidLoss, e.ValidPPL)
		}
		e.LR = opt.LR()
		fmt.Fprintln(out, report.EpochLine(e))
		if err := checkpoint(run, t, opt, cfg, st, e, out); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// interrupt saves the weights of the epoch cut short by ctx's end as
// interrupted.pt, recorded in state.json but never resumed from.
func interrupt(ctx context.Context, run *rundir.Folder, t task, st *rundir.State, epoch int, out io.Writer) error {
	f, err := saveFile(run, rundir.InterruptedFile, t.params().Save)
	if err != nil {
		return err
	}
	next := *st
	next.Interrupted = &f
	if err := run.Commit(&next); err != nil {
		return err
	}
	*st = next
	fmt.Fprintf(out, "interrupted during epoch %d: -resume %s continues from epoch %d, its last finished one (epoch %d so far: %s)\n",
		epoch, run.Dir, st.Epoch, epoch, run.Path(rundir.InterruptedFile))
	return ctx.Err()
}

// checkpoint commits epoch e: its weights and optimizer state under new
// names, model.pt when its score is the best so far, its metrics, and then
// state.json naming them all (rundir.Folder.Commit). A failure at any point
// leaves the previous checkpoint committed.
func checkpoint(run *rundir.Folder, t task, opt *optim.Optimizer, cfg Config, st *rundir.State, e rundir.Epoch, out io.Writer) error {
	w, err := saveFile(run, rundir.WeightsName(e.Epoch), t.params().Save)
	if err != nil {
		return err
	}
	o, err := saveFile(run, rundir.OptimName(e.Epoch), opt.Save)
	if err != nil {
		return err
	}
	next := *st
	next.Epoch, next.Steps, next.Weights, next.Optim, next.Interrupted = e.Epoch, opt.Steps, &w, &o, nil
	// A test result (of a run stopped by Ctrl-C, say) was model.pt's before
	// this epoch: the next test records the result anew.
	next.Tested, next.TestLoss, next.TestAcc, next.TestBLEU, next.TestClasses = false, 0, 0, 0, nil
	if score := t.score(e); st.BestEpoch == 0 || score > st.Best {
		next.Best, next.BestEpoch, next.Stale, next.BestWeights = score, e.Epoch, 0, &w
		if err := run.SetBest(w); err != nil {
			return err
		}
	} else {
		next.Stale++
		if cfg.annealing() {
			fmt.Fprintf(out, "anneal: no better validation score: learning rate %.2e -> %.2e\n", opt.LR(), opt.LR()/cfg.Anneal)
			opt.SetLR(opt.LR() / cfg.Anneal)
		}
	}
	if cfg.Patience > 0 && next.Stale >= cfg.Patience {
		fmt.Fprintf(out, "early stop: no better validation score for %d epochs (best: epoch %d)\n", next.Stale, next.BestEpoch)
		next.Done = true
	}
	next.Done = next.Done || cfg.DryRun || next.Epoch >= cfg.Epochs
	if err := run.AppendMetrics(e); err != nil {
		return err
	}
	// The curves are drawn before the commit, so that a kill while they are
	// drawn leaves a temporary file that the next commit removes.
	all, err := run.Metrics()
	if err == nil {
		err = report.PlotCurves(run.Path(rundir.CurvesFile), all, run.Dir)
	}
	if err != nil {
		fmt.Fprintf(out, "warning: learning curves not drawn (epoch %d): %v\n", e.Epoch, err)
	}
	if err := run.Commit(&next); err != nil {
		return err
	}
	*st = next
	return nil
}

// resumeLR sets a resumed run's learning rate under -anneal: its last
// epoch's (metrics.jsonl), annealed when that epoch was not the best.
func resumeLR(run *rundir.Folder, opt *optim.Optimizer, cfg Config, st *rundir.State) error {
	if !cfg.annealing() || st.Epoch == 0 {
		return nil
	}
	all, err := run.Metrics()
	if err != nil {
		return err
	}
	if len(all) == 0 || all[len(all)-1].Epoch != st.Epoch || !(all[len(all)-1].LR > 0) {
		return fmt.Errorf("-anneal: %s: no learning rate recorded for epoch %d", run.Path(rundir.MetricsFile), st.Epoch)
	}
	lr := all[len(all)-1].LR
	if st.Stale > 0 {
		lr /= cfg.Anneal
	}
	opt.SetLR(lr)
	return nil
}

// saveFile writes a file of the run with save and returns its checksum.
func saveFile(run *rundir.Folder, name string, save func(path string) error) (rundir.File, error) {
	if err := save(run.Path(name)); err != nil {
		return rundir.File{}, err
	}
	return run.Sum(name)
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
