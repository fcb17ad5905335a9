package study

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/train"
)

// Row is one cell at one length, averaged over the seeds: norms by their
// geometric mean (they span dozens of orders of magnitude; one seed whose
// norm underflows to 0 makes it 0), accuracy by its mean.
type Row struct {
	Name     string    `json:"name"` // the cell, "rnn_relu clip" or "rnn_relu no clip" for the pair
	Cell     lstm.Cell `json:"cell"`
	T        int       `json:"t"`
	Clip     float64   `json:"clip"`    // 0: no clipping
	Init     Norms     `json:"init"`    // at initialisation
	Trained  Norms     `json:"trained"` // after training
	Accuracy float64   `json:"accuracy"`
	MaxNorm  Num       `json:"max_norm"` // largest gradient norm in training, over the seeds
	Diverged int       `json:"diverged"` // seeds whose training went NaN or infinite
	Seconds  float64   `json:"seconds"`
	Runs     []Result  `json:"runs"`
}

// Result is one seed's run.
type Result struct {
	Seed     uint64  `json:"seed"`
	Init     Norms   `json:"init"`
	Trained  Norms   `json:"trained"`
	Fit      Fit     `json:"fit"`
	Accuracy float64 `json:"accuracy"`
}

// Report is the whole study, gradients.json.
type Report struct {
	Config   Config    `json:"config"`
	Libtorch string    `json:"libtorch"`
	Created  time.Time `json:"created"`
	Seconds  float64   `json:"seconds"`
	Rows     []Row     `json:"rows"`
}

// job is one row to run.
type job struct {
	name string
	cell lstm.Cell
	clip float64
	T    int
}

// Run trains every cell at every length for each seed and measures its
// gradients before and after, printing a line per row to log. On ctx's end
// it returns the rows done so far with ctx's error.
func Run(ctx context.Context, cfg Config, log io.Writer) (*Report, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, train.UsageError{Err: err}
	}
	if _, warning := libtorch.CapThreads(cfg.Threads); warning != "" {
		fmt.Fprintf(log, "warning: threads: %s\n", warning)
	}
	libtorch.SetThreads(cfg.Threads)
	libtorch.TuneMalloc() // as the trainer
	rep := &Report{Config: cfg, Libtorch: libtorch.Version, Created: time.Now().UTC()}
	start := time.Now()
	fmt.Fprintln(log, RowHeader())
	for _, j := range jobs(cfg) {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		row, err := runRow(ctx, cfg, j)
		if err != nil {
			return rep, err
		}
		rep.Rows = append(rep.Rows, row)
		rep.Seconds = time.Since(start).Seconds()
		fmt.Fprintln(log, row.Line())
	}
	return rep, nil
}

// jobs lists the rows: each cell at each length, then the rnn_relu pair,
// clipped at -clip (or the default when -clip is off) and not clipped.
func jobs(cfg Config) []job {
	clip := max(cfg.Clip, 0)
	var out []job
	for _, cell := range cfg.Cells {
		for _, T := range cfg.Lengths {
			out = append(out, job{string(cell), cell, clip, T})
		}
	}
	pairClip := cfg.Clip
	if pairClip <= 0 {
		pairClip = DefaultConfig().Clip
	}
	for _, pair := range []job{{"rnn_relu clip", lstm.RNNReLU, pairClip, 0}, {"rnn_relu no clip", lstm.RNNReLU, 0, 0}} {
		for _, T := range cfg.ReLU {
			pair.T = T
			out = append(out, pair)
		}
	}
	return out
}

// runRow runs one row's seeds and averages them.
func runRow(ctx context.Context, cfg Config, j job) (Row, error) {
	row := Row{Name: j.name, Cell: j.cell, T: j.T, Clip: j.clip}
	start := time.Now()
	for i := range cfg.Seeds {
		r, err := runSeed(ctx, cfg, j, cfg.Seed+uint64(i))
		if err != nil {
			return row, err
		}
		row.Runs = append(row.Runs, r)
		row.MaxNorm = Num(math.Max(float64(row.MaxNorm), float64(r.Fit.MaxNorm)))
		if r.Fit.Diverged {
			row.Diverged++
		}
		row.Accuracy += r.Accuracy / float64(cfg.Seeds)
	}
	row.Init = meanNorms(row.Runs, func(r Result) Norms { return r.Init })
	row.Trained = meanNorms(row.Runs, func(r Result) Norms { return r.Trained })
	row.Seconds = time.Since(start).Seconds()
	return row, nil
}

// runSeed builds a model with seed, measures its gradients on a probe
// batch, trains it, measures again and tests it.
func runSeed(ctx context.Context, cfg Config, j job, seed uint64) (r Result, err error) {
	r.Seed = seed
	libtorch.Seed(int64(seed))
	m, err := NewModel(j.cell, int64(cfg.Hidden), gotch.CPU)
	if err != nil {
		return r, err
	}
	defer m.Drop()
	if err := m.Initialise(cfg.Init, cfg.GateBias); err != nil {
		return r, err
	}
	task := Task{T: j.T, Noise: max(cfg.Noise, 0)}
	x, y, err := task.Batch(cfg.Batch, newRand(seed, probeStream))
	if err != nil {
		return r, err
	}
	if r.Init, err = m.Gradients(x, y, j.T); err != nil {
		return r, err
	}
	budget := Budget{Steps: cfg.Steps, Batch: cfg.Batch, LR: cfg.LR, Optimizer: cfg.Optimizer, Clip: j.clip, Seed: seed}
	if r.Fit, err = m.Fit(ctx, task, budget); err != nil {
		return r, err
	}
	if r.Trained, err = m.Gradients(x, y, j.T); err != nil {
		return r, err
	}
	r.Accuracy, err = m.Evaluate(task, cfg.Eval, seed)
	return r, err
}

// meanNorms is the geometric mean of each norm over the runs.
func meanNorms(runs []Result, f func(Result) Norms) Norms {
	var logs [5]float64
	for _, r := range runs {
		n := f(r)
		for i, v := range []Num{n.Loss, n.Input0, n.Last, n.WHH, n.Reach} {
			logs[i] += math.Log(float64(v)) / float64(len(runs))
		}
	}
	g := func(i int) Num { return Num(math.Exp(logs[i])) }
	return Norms{Loss: g(0), Input0: g(1), Last: g(2), WHH: g(3), Reach: g(4)}
}
