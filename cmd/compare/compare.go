package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/study"
	"github.com/torchrnn/torchrnn/train"
)

// compareDefaults are cmd/train's classifier defaults with a budget that
// runs the three cells on the built-in sample in a few minutes: 3 epochs,
// 200 tokens per review, no early stopping (every cell gets every epoch).
// The model reads the last state of one direction, 128 wide, without
// dropout (lstm.DefaultConfig): what each cell carries to its final step is
// what the comparison is about; -bidirectional adds the two-way runs.
func compareDefaults() (train.Config, lstm.Config) {
	cfg, model := train.DefaultConfig("classify"), lstm.DefaultConfig()
	cfg.Epochs, cfg.MaxLen, cfg.Patience = 3, 200, 0
	return cfg, model
}

// compare runs the IMDB comparison.
func compare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, model := compareDefaults()
	cells := []lstm.Cell{lstm.RNNTanh, lstm.LSTM, lstm.GRU}
	registerTrainFlags(fs, &cfg, &model)
	fs.Func("cells", "comma-separated cells to compare: rnn_tanh, rnn_relu, lstm, gru (default rnn_tanh,lstm,gru)", func(s string) error {
		var err error
		cells, err = parseCells(s)
		return err
	})
	fs.String("study", "", "gradients: run the memory-task gradient study instead (its own flags: -study gradients -help)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cmp, err := study.Compare(ctx, cfg, model, cells, stdout)
	if cmp != nil && len(cmp.Entries) > 0 {
		fmt.Fprintln(stdout)
		if terr := cmp.Table(stdout); terr != nil {
			return terr
		}
		dir := cmp.Train.Out
		fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(dir, study.CompareJSON), filepath.Join(dir, study.ComparePNG))
	}
	return err
}

// registerTrainFlags binds cmd/train's flags, except -task (always
// classify), the language model's and -cell (the comparison picks it),
// with this command's help for -out, -bidirectional and -epochs.
func registerTrainFlags(fs *flag.FlagSet, cfg *train.Config, model *lstm.Config) {
	all := flag.NewFlagSet("train", flag.ContinueOnError)
	cfg.RegisterFlags(all)
	model.RegisterFlags(all)
	help := map[string]string{
		"out":           "comparison folder: compare.json, compare.png and a run folder per cell; empty: runs/compare-<date>-<time>",
		"bidirectional": "also train each cell bidirectional",
		"epochs":        "epochs to train each cell (the same for all)",
	}
	all.VisitAll(func(f *flag.Flag) {
		switch f.Name {
		case "task", "cell", "text", "level", "bptt", "tie":
			return
		}
		usage := f.Usage
		if h, ok := help[f.Name]; ok {
			usage = h
		}
		fs.Var(f.Value, f.Name, usage)
	})
}

// parseCells reads "rnn_tanh,lstm,gru".
func parseCells(s string) ([]lstm.Cell, error) {
	var cells []lstm.Cell
	for _, f := range splitComma(s) {
		c := lstm.Cell(f)
		if c != lstm.RNNTanh && c != lstm.RNNReLU && c != lstm.LSTM && c != lstm.GRU {
			return nil, fmt.Errorf("%q: want rnn_tanh, rnn_relu, lstm or gru", f)
		}
		cells = append(cells, c)
	}
	if len(cells) == 0 {
		return nil, fmt.Errorf("no cells")
	}
	return cells, nil
}
