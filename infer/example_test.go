package infer_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/torch"
	"github.com/torchrnn/torchrnn/train"
)

// A run folder holds all a predictor needs: here one made by a dry run (one
// batch per phase) on the built-in IMDB sample, then loaded and used with
// nothing but its path.
func Example() {
	torch.LockThread()
	dir, _ := os.MkdirTemp("", "infer-example")
	defer os.RemoveAll(dir)
	run, err := dryRun(filepath.Join(dir, "run"), 1)
	if err != nil {
		fmt.Println(err)
		return
	}

	p, err := infer.LoadPredictor(run, torch.CPU)
	if err != nil {
		fmt.Println(err)
		return
	}
	preds, _ := p.Predict([]string{"A wonderful, moving film.", "Dull and far too long."})
	for _, pr := range preds {
		fmt.Println(pr.Label == "pos" || pr.Label == "neg", len(pr.Probs))
	}
	// Output:
	// true 2
	// true 2
}

// Several classifier runs with the same labels classify as one: the mean of
// their probabilities. Here two dry runs on the built-in sample, with
// different seeds.
func ExampleNewEnsemble() {
	torch.LockThread()
	dir, _ := os.MkdirTemp("", "infer-ensemble")
	defer os.RemoveAll(dir)
	var members []*infer.Predictor
	for seed := range int64(2) {
		run, err := dryRun(filepath.Join(dir, fmt.Sprint("run", seed)), 1+seed)
		if err != nil {
			fmt.Println(err)
			return
		}
		p, err := infer.LoadPredictor(run, torch.CPU)
		if err != nil {
			fmt.Println(err)
			return
		}
		members = append(members, p)
	}
	e, err := infer.NewEnsemble(members...)
	if err != nil {
		fmt.Println(err)
		return
	}
	preds, _ := e.Predict([]string{"A wonderful, moving film."})
	fmt.Println(e.Labels(), len(preds[0].Probs))
	// Output:
	// [neg pos] 2
}

// dryRun makes a classifier run folder at out with a dry run (one batch per
// phase) of a small model on the built-in IMDB sample, and returns out.
func dryRun(out string, seed int64) (string, error) {
	cfg := train.DefaultConfig("classify")
	cfg.DryRun, cfg.Seed, cfg.Out = true, seed, out
	model := train.DefaultModel("classify")
	model.Hidden, model.Embed = 8, 8
	return out, train.Run(context.Background(), cfg, model, io.Discard)
}
