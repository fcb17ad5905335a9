// Command generate samples text from a language model trained by
// cmd/train -task lm, streaming it to stdout as it is produced:
//
//	go run ./cmd/generate -run runs/lm-... -prompt "ROMEO:" -len 500 -temperature 0.8
//
// -temperature 0 decodes greedily; -top-k and -top-p restrict the sampling;
// the same -seed gives the same text.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/sample"
	"github.com/torchrnn/torchrnn/torch"
)

func init() { runtime.LockOSThread() }

func main() {
	infer.SamplingGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("run", "", "run folder written by cmd/train -task lm (required)")
	prompt := fs.String("prompt", "", "text that primes the model (every token is fed before sampling)")
	n := fs.Int("len", 500, "tokens to generate per sample")
	samples := fs.Int("n", 1, "number of samples")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same text")
	device := fs.String("device", "auto", "auto, cpu, cuda or cuda:N")
	stats := fs.Bool("stats", false, "print the sampling speed (tokens/s, model load excluded) on stderr")
	var o sample.Options
	fs.Float64Var(&o.Temperature, "temperature", 0.8, "softmax temperature; 0: greedy")
	fs.IntVar(&o.TopK, "top-k", 0, "sample among the k most likely tokens; 0: all")
	fs.Float64Var(&o.TopP, "top-p", 0, "sample among the most likely tokens that reach this mass; 0: all")
	fail := func(code int, err error) int { fmt.Fprintln(stderr, "generate:", err); return code }
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return 0
	} else if err != nil {
		return fail(2, fmt.Errorf("%w (-help lists the flags)", err))
	}
	switch {
	case *dir == "":
		return fail(2, fmt.Errorf("-run is required"))
	case *n < 1:
		return fail(2, fmt.Errorf("-len %d: must be at least 1", *n))
	case *samples < 1:
		return fail(2, fmt.Errorf("-n %d: must be at least 1", *samples))
	case fs.NArg() > 0:
		return fail(2, fmt.Errorf("unexpected argument %q (use -prompt)", fs.Arg(0)))
	}
	for _, f := range []struct {
		flag string
		o    sample.Options
	}{{"temperature", sample.Options{Temperature: o.Temperature}}, {"top-k", sample.Options{TopK: o.TopK}}, {"top-p", sample.Options{TopP: o.TopP}}} {
		if err := f.o.Validate(); err != nil {
			return fail(2, fmt.Errorf("-%s: %w", f.flag, err))
		}
	}
	dev, err := torch.ParseDevice(*device)
	if err != nil {
		return fail(2, fmt.Errorf("-device: %w", err))
	}
	g, err := infer.LoadGenerator(*dir, dev)
	if err != nil {
		return fail(2, fmt.Errorf("-run: %w", err))
	}
	ids, warnings, err := g.Encode(*prompt)
	if err != nil {
		return fail(2, err)
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "generate: warning:", w)
	}
	w := bufio.NewWriter(stdout)
	start := time.Now()
	for s := 0; s < *samples; s++ {
		if s > 0 {
			fmt.Fprintln(w, "\n----")
		}
		fmt.Fprint(w, *prompt)
		err := g.Generate(ids, *n, o, *seed+uint64(s), func(id int64) error {
			if _, err := w.WriteString(g.Text(id)); err != nil {
				return err
			}
			return w.Flush() // stream as it comes
		})
		if err != nil {
			return fail(1, err)
		}
	}
	fmt.Fprintln(w)
	if err := w.Flush(); err != nil {
		return fail(1, err)
	}
	if *stats {
		secs := time.Since(start).Seconds()
		tokens := *samples * (*n + len(ids))
		fmt.Fprintf(stderr, "generate: %d tokens (prompt included) in %.2fs: %.0f tokens/s on %s\n", tokens, secs, float64(tokens)/secs, *device)
	}
	return 0
}
