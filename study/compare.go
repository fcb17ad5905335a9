package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/train"
)

// Files of a comparison folder, beside one run folder per cell.
const (
	CompareJSON = "compare.json" // Comparison
	ComparePNG  = "compare.png"  // validation accuracy per epoch, a line per cell
)

// Entry is one cell's run of a comparison.
type Entry struct {
	Name          string    `json:"name"` // the cell, with "-bi" when bidirectional; also its folder
	Cell          lstm.Cell `json:"cell"`
	Bidirectional bool      `json:"bidirectional"`
	Dir           string    `json:"dir"` // its run folder
	Parameters    int64     `json:"parameters"`
	Epochs        int       `json:"epochs"`
	Seconds       float64   `json:"seconds"`        // wall time of the whole run: data, training, test
	TokensPerSec  float64   `json:"tokens_per_sec"` // training tokens per second, mean over the epochs
	BestEpoch     int       `json:"best_epoch"`
	BestValidAcc  float64   `json:"best_valid_acc"`
	TestAcc       float64   `json:"test_acc"` // of the best epoch's weights
	TestLoss      float64   `json:"test_loss"`
	ValidAcc      []float64 `json:"valid_acc"` // per epoch
}

// Comparison is compare.json: the same data, vocabulary, seed, epochs and
// head for every cell.
type Comparison struct {
	Libtorch string       `json:"libtorch"`
	Created  time.Time    `json:"created"`
	Train    train.Config `json:"train"`
	Model    lstm.Config  `json:"model"` // the shared shape; each entry sets its cell and direction
	Entries  []Entry      `json:"entries"`
}

// Compare trains a classifier per cell with train.Run (one model each, not
// an ensemble), each into
// <cfg.Out>/<name>, and writes compare.json and compare.png into cfg.Out
// (default runs/compare-<date>-<time>). model.Bidirectional adds each
// cell's bidirectional form. Training logs go to log. On ctx's end
// (Ctrl-C) the cell at hand is saved and tested, and the comparison so far
// written, before ctx's error returns.
func Compare(ctx context.Context, cfg train.Config, model lstm.Config, cells []lstm.Cell, log io.Writer) (*Comparison, error) {
	if err := validate(cfg, model, cells); err != nil {
		return nil, train.UsageError{Err: err}
	}
	if cfg.Members > 1 {
		return nil, train.UsageError{Err: fmt.Errorf("-members %d: the study compares one model per cell", cfg.Members)}
	}
	cfg.Members = 1 // whatever the data's size
	dir := cfg.Out
	if dir == "" {
		dir = filepath.Join("runs", "compare-"+time.Now().Format("20060102-150405"))
	}
	for _, name := range []string{CompareJSON, ComparePNG} { // never overwrite a user's file
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return nil, train.UsageError{Err: fmt.Errorf("-out %s: %s exists already (choose another -out, or move it)", dir, name)}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("study: compare: %w", err)
	}
	cmp := &Comparison{Libtorch: libtorch.Version, Created: time.Now().UTC(), Train: cfg, Model: model.WithDefaults()}
	cmp.Model.Cell = "" // each entry's
	cmp.Train.Out = dir
	var runErr error
	for _, e := range entries(cells, model.Bidirectional) {
		c, m := cfg, model
		c.Out, m.Cell, m.Bidirectional = filepath.Join(dir, e.Name), e.Cell, e.Bidirectional
		fmt.Fprintf(log, "== %s: %s\n", e.Name, c.Out)
		start := time.Now()
		runErr = train.Run(ctx, c, m, log)
		if runErr != nil && !errors.Is(runErr, context.Canceled) {
			return cmp, fmt.Errorf("study: compare %s: %w", e.Name, runErr)
		}
		e.Dir, e.Seconds = c.Out, time.Since(start).Seconds()
		if err := e.read(); err != nil {
			return cmp, err
		}
		cmp.Entries = append(cmp.Entries, e)
		if runErr != nil {
			break
		}
	}
	if err := cmp.Save(dir); err != nil {
		return cmp, err
	}
	return cmp, runErr
}

// validate checks the settings before any folder is made, as train.Run
// will for each cell.
func validate(cfg train.Config, model lstm.Config, cells []lstm.Cell) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Task != "classify" {
		return fmt.Errorf("-task %s: the comparison trains classifiers", cfg.Task)
	}
	if len(cells) == 0 {
		return fmt.Errorf("-cells: no cells to compare")
	}
	for _, c := range cells {
		m := model.WithDefaults()
		m.Cell, m.Vocab = c, 2 // the vocabulary comes from the data
		if err := m.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// entries names the runs: each cell, then each cell bidirectional when bi.
func entries(cells []lstm.Cell, bi bool) []Entry {
	var out []Entry
	for _, c := range cells {
		out = append(out, Entry{Name: string(c), Cell: c})
	}
	if bi {
		for _, c := range cells {
			out = append(out, Entry{Name: string(c) + "-bi", Cell: c, Bidirectional: true})
		}
	}
	return out
}

// read fills the entry from its finished run folder.
func (e *Entry) read() error {
	run, info, err := rundir.OpenFolder(e.Dir)
	if err != nil {
		return fmt.Errorf("study: compare %s: %w", e.Name, err)
	}
	var st rundir.State
	if err := run.ReadJSON(rundir.StateFile, &st); err != nil {
		return fmt.Errorf("study: compare %s: %w", e.Name, err)
	}
	epochs, err := run.Metrics()
	if err != nil {
		return fmt.Errorf("study: compare %s: %w", e.Name, err)
	}
	e.Epochs, e.BestEpoch, e.BestValidAcc, e.TestAcc, e.TestLoss = st.Epoch, st.BestEpoch, st.Best, st.TestAcc, st.TestLoss
	e.ValidAcc, e.TokensPerSec = nil, 0
	for _, ep := range epochs {
		e.ValidAcc = append(e.ValidAcc, ep.ValidAcc)
		e.TokensPerSec += ep.TokensPerSec / float64(len(epochs))
	}
	e.Parameters, err = countParams(info.Model)
	return err
}

// countParams builds the run's model to count its parameters.
func countParams(model lstm.Config) (int64, error) {
	m, err := lstm.NewClassifier(model, gotch.CPU)
	if err != nil {
		return 0, fmt.Errorf("study: count parameters: %w", err)
	}
	defer func() {
		for _, t := range m.Params.Tensors() {
			t.MustDrop()
		}
	}()
	return m.Params.Count(), nil
}
