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
	cfg := train.DefaultConfig("classify")
	cfg.DryRun, cfg.Out = true, filepath.Join(dir, "run")
	model := train.DefaultModel("classify")
	model.Hidden, model.Embed = 8, 8
	if err := train.Run(context.Background(), cfg, model, io.Discard); err != nil {
		fmt.Println(err)
		return
	}

	p, err := infer.LoadPredictor(cfg.Out, torch.CPU)
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
		cfg := train.DefaultConfig("classify")
		cfg.DryRun, cfg.Seed, cfg.Out = true, 1+seed, filepath.Join(dir, fmt.Sprint("run", seed))
		model := train.DefaultModel("classify")
		model.Hidden, model.Embed = 8, 8
		if err := train.Run(context.Background(), cfg, model, io.Discard); err != nil {
			fmt.Println(err)
			return
		}
		p, err := infer.LoadPredictor(cfg.Out, torch.CPU)
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
