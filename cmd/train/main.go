// Command train trains a recurrent text model: an IMDB-style sentiment
// classifier (-task classify, the default) or a language model (-task lm).
//
//	go run ./cmd/train                              # LSTM on the built-in IMDB sample
//	go run ./cmd/train -data aclImdb_v1.tar.xz      # the full IMDB
//	go run ./cmd/train -resume runs/classify-...    # continue a run
//
// Every run writes a folder (config.json, vocab.txt, metrics.jsonl,
// curves.png, model.pt, last.pt, optim.pt, state.json) that cmd/predict and
// cmd/generate read. Ctrl-C finishes the batch, saves, evaluates and exits
// with status 130.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/torchrnn/torchrnn/train"
)

// libtorch keeps per-thread state: torch work stays on main's thread.
func init() { runtime.LockOSThread() }

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	task := "classify"
	for i, a := range args { // -task picks the defaults of the other flags
		if (a == "-task" || a == "--task") && i+1 < len(args) {
			task = args[i+1]
		} else if v, ok := cut(a); ok {
			task = v
		}
	}
	cfg, model := train.DefaultConfig(task), train.DefaultModel(task)
	cfg.RegisterFlags(fs)
	model.RegisterFlags(fs)
	resume := fs.String("resume", "", "continue the run in this folder (its own settings; -epochs may raise the count)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "train: unexpected argument %q (flags start with -)\n", fs.Arg(0))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if *resume != "" {
		epochs := 0
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "epochs" {
				epochs = cfg.Epochs
			}
		})
		err = train.Resume(ctx, *resume, epochs, os.Stdout)
	} else {
		err = train.Run(ctx, cfg, model, os.Stdout)
	}
	return exitCode(err)
}

func cut(arg string) (string, bool) {
	for _, p := range []string{"-task=", "--task="} {
		if len(arg) > len(p) && arg[:len(p)] == p {
			return arg[len(p):], true
		}
	}
	return "", false
}

func exitCode(err error) int {
	var usage train.UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "train: interrupted; the run is saved")
		return 130
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "train:", err)
		return 2
	}
	fmt.Fprintln(os.Stderr, "train:", err)
	return 1
}
