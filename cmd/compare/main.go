// Command compare sets recurrent cells side by side.
//
//	go run ./cmd/compare                    # rnn_tanh, lstm, gru on the built-in IMDB sample
//	go run ./cmd/compare -bidirectional     # and their bidirectional forms
//	go run ./cmd/compare -data aclImdb_v1.tar.xz -epochs 5 -hidden 256
//	go run ./cmd/compare -study gradients   # the memory task: how far gradients reach back
//
// The comparison trains one classifier per cell with cmd/train's code and
// flags, the same data, vocabulary, seed, epochs and head for each, into
// <out>/<cell>, then prints a table and writes compare.json and compare.png
// into <out>. The gradient study writes gradients.json and gradients.png.
// Ctrl-C stops after saving what is done, with status 130.
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
	"strings"
	"syscall"

	"github.com/torchrnn/torchrnn/train"
)

// libtorch keeps per-thread state: torch work stays on main's thread.
func init() { runtime.LockOSThread() }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run picks the mode from -study: its flags and defaults differ.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch mode := studyArg(args); mode {
	case "":
		return exitCode(compare(ctx, args, stdout, stderr), stderr)
	case "gradients":
		return exitCode(gradients(ctx, args, stdout, stderr), stderr)
	default:
		fmt.Fprintf(stderr, "compare: -study %q: want gradients (or no -study for the IMDB comparison)\n", mode)
		return 2
	}
}

// studyArg finds the value of -study among args before the flags are
// parsed ("" when absent).
func studyArg(args []string) string {
	mode := ""
	for i, a := range args {
		a = strings.TrimPrefix(a, "-")
		switch {
		case a == "-":
			return mode
		case (a == "study" || a == "-study") && i+1 < len(args):
			mode = args[i+1]
		case strings.HasPrefix(a, "study="), strings.HasPrefix(a, "-study="):
			mode = a[strings.Index(a, "=")+1:]
		}
	}
	return mode
}

// errFlags is a flag parsing error, already reported by package flag.
var errFlags = errors.New("bad flags")

// parse parses args into fs; a stray argument is a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errFlags
	}
	if fs.NArg() > 0 {
		return train.UsageError{Err: fmt.Errorf("unexpected argument %q (flags start with -)", fs.Arg(0))}
	}
	return nil
}

func exitCode(err error, stderr io.Writer) int {
	var usage train.UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFlags): // the flag package has said why
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "compare: interrupted; what was done is saved")
		return 130
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "compare:", err)
		return 2
	}
	fmt.Fprintln(stderr, "compare:", err)
	return 1
}
