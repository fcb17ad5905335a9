// Command train trains a recurrent text model: an IMDB-style sentiment
// classifier (-task classify, the default) or a language model (-task lm).
//
//	go run ./cmd/train                              # LSTM on the built-in IMDB sample
//	go run ./cmd/train -data aclImdb_v1.tar.xz      # the full IMDB
//	go run ./cmd/train -resume runs/classify-...    # continue a run
//
// -resume continues with the folder's own settings (checked as strictly as
// flags); -epochs may raise the number of epochs, and every other flag
// given with it is ignored with a warning on stderr.
//
// Every run writes a folder (config.json, vocab.txt, metrics.jsonl,
// curves.png, model.pt, the last checkpoint, state.json) that cmd/predict and
// cmd/generate read. A classifier with -members N (the default on data sets
// of a million training tokens or more: 2) trains N models one after
// another, each such a folder (member-1, ...) inside the run folder, and
// tests the mean of their probabilities (ensemble.json). Ctrl-C (or
// SIGTERM) finishes the batch, keeps the last finished epoch as the resume
// point, evaluates and exits with status 130 (143 for SIGTERM); a second
// signal exits at once, leaving the last committed checkpoint.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
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
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "train: unexpected argument %q (flags start with -)\n", fs.Arg(0))
		return 2
	}
	ctx, interrupted := onSignal()
	var err error
	if *resume != "" {
		epochs := 0
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "epochs":
				epochs = cfg.Epochs
			case "resume":
			default:
				fmt.Fprintf(os.Stderr, "train: warning: -resume ignores -%s %s: the run keeps its own settings (only -epochs may change)\n", f.Name, f.Value)
			}
		})
		err = train.Resume(ctx, *resume, epochs, os.Stdout)
	} else {
		cfg.Flags = fs // the classifier's recipe leaves the flags given alone
		err = train.Run(ctx, cfg, model, os.Stdout)
	}
	return exitCode(err, interrupted)
}

// parse parses args into fs. A bad flag is one line on stderr (exit 2);
// -help prints the usage (exit 0).
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return 0, false
	case err != nil:
		fmt.Fprintf(os.Stderr, "train: %v (-help lists the flags)\n", err)
		return 2, false
	}
	return 0, true
}

// onSignal returns a context cancelled by the first SIGINT or SIGTERM and
// the exit status that signal calls for (128 + its number); a second
// signal exits the process at once.
func onSignal() (context.Context, *atomic.Int32) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var code atomic.Int32
	go func() {
		s := <-sigs
		code.Store(status(s))
		fmt.Fprintf(os.Stderr, "\ntrain: %v: finishing the batch (send it again to stop at once)\n", s)
		cancel()
		s = <-sigs
		fmt.Fprintf(os.Stderr, "train: %v again: stopping now; the last finished epoch stays the resume point\n", s)
		os.Exit(int(status(s)))
	}()
	return ctx, &code
}

func status(s os.Signal) int32 {
	if s == syscall.SIGTERM {
		return 128 + int32(syscall.SIGTERM)
	}
	return 128 + int32(syscall.SIGINT)
}

func cut(arg string) (string, bool) {
	for _, p := range []string{"-task=", "--task="} {
		if len(arg) > len(p) && arg[:len(p)] == p {
			return arg[len(p):], true
		}
	}
	return "", false
}

func exitCode(err error, interrupted *atomic.Int32) int {
	var usage train.UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "train: interrupted; -resume continues from the last finished epoch")
		return int(max(interrupted.Load(), 130))
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "train:", err)
		return 2
	}
	fmt.Fprintln(os.Stderr, "train:", err)
	return 1
}
