package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/torchrnn/torchrnn/imdb"
	"github.com/torchrnn/torchrnn/infer"
)

// evalOptions are the flags of -eval: a labelled file scored with the run.
type evalOptions struct {
	file, textColumn, labelColumn *string
}

func evalFlags(fs *flag.FlagSet) evalOptions {
	return evalOptions{
		file:        fs.String("eval", "", "classifier: score the run on this labelled split (a .csv or .tsv file, or a folder with neg/ and pos/ folders): accuracy, per-class precision, recall and F1, macro F1"),
		textColumn:  fs.String("text-column", "", "with -eval: the text column of a CSV/TSV, by header name or number from 1 (with -label-column); empty: the file's own layout"),
		labelColumn: fs.String("label-column", "", "with -eval: the label column, by header name or number from 1"),
	}
}

// evaluate classifies every text of o's file and prints its scores: the
// accuracy, then one line per class and the macro F1 (and the F1 of
// positive and negative where those classes exist), as cmd/train prints a
// test split.
func evaluate(p *infer.Ensemble, o evalOptions, stdout io.Writer) error {
	cols := imdb.Columns{Text: *o.textColumn, Label: *o.labelColumn}
	if (cols.Text == "") != (cols.Label == "") {
		return fmt.Errorf("-text-column %q and -label-column %q: give both or neither", cols.Text, cols.Label)
	}
	ds, err := imdb.ReadSplit(*o.file, cols)
	if err != nil {
		return fmt.Errorf("-eval: %w", err)
	}
	if err := ds.Relabel(p.Labels()); err != nil {
		return fmt.Errorf("-eval %s: %w", *o.file, err)
	}
	sc, err := p.Score(ds.Texts(), ds.LabelIDs())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "eval %s: %d texts, accuracy %.2f%% (%d right)\n", *o.file, sc.Texts, 100*sc.Acc(), sc.Right)
	if w := ds.WarningSummary(); w != "" {
		fmt.Fprintf(stdout, "eval %s: %s\n", *o.file, w)
	}
	sc.Classes.Write(stdout, "eval")
	return nil
}
