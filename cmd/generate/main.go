// Command generate samples text from a language model trained by
// cmd/train -task lm, streaming it to stdout as it is produced:
//
//	go run ./cmd/generate -run runs/lm-... -prompt "ROMEO:" -len 500 -temperature 0.8
//
// -temperature 0 decodes greedily; -top-k and -top-p restrict the sampling;
// the same -seed gives the same text. -n K draws K samples as one batch
// (seeds -seed, -seed+1, ...; each the text -n 1 gives with its seed): the
// first streams out as it comes, the others follow when the batch is done.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
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
	samples := fs.Int("n", 1, "number of samples, drawn as one batch (seeds -seed, -seed+1, ...)")
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
	batch := infer.MaxStreams
	if *n > maxBuffered {
		batch = 1 // every sample streams, none is held in memory
	}
	for first := 0; first < *samples; first += batch {
		k := min(*samples-first, batch)
		if err := sampleGroup(g, w, ids, *prompt, *n, first, k, o, *seed); err != nil {
			return fail(1, err)
		}
	}
	fmt.Fprintln(w)
	if err := w.Flush(); err != nil {
		return fail(1, err)
	}
	if *stats {
		secs := time.Since(start).Seconds()
		fmt.Fprintf(stderr, "generate: %d sample(s) of %d tokens after a prompt of %d in %.2fs: %.0f tokens/s per sample, %.0f in all on %s\n",
			*samples, *n, len(ids), secs, float64(*samples**n)/secs/float64(min(*samples, batch)), float64(*samples**n)/secs, *device)
	}
	return 0
}

// maxBuffered is the longest sample (in tokens) held in memory while the
// first of a batch streams out; longer ones are sampled one at a time.
const maxBuffered = 1 << 20

// sampleGroup samples k streams as one batch, samples first..first+k-1
// (seeds seed+first...), and writes them in order with "----" between: the
// group's first streams out as it comes, the others when all are done.
func sampleGroup(g *infer.Generator, w *bufio.Writer, ids []int64, prompt string, n, first, k int, o sample.Options, seed uint64) error {
	if first > 0 {
		fmt.Fprintln(w, "\n----")
	}
	fmt.Fprint(w, prompt)
	held := make([]strings.Builder, k)
	err := g.GenerateStreams(ids, n, k, o, seed+uint64(first), func(s int, id int64) error {
		if s > 0 {
			held[s].WriteString(g.Text(id))
			return nil
		}
		if _, err := w.WriteString(g.Text(id)); err != nil {
			return err
		}
		return w.Flush() // stream as it comes
	})
	if err != nil {
		return err
	}
	for s := 1; s < k; s++ {
		fmt.Fprintf(w, "\n----\n%s%s", prompt, held[s].String())
	}
	return nil
}
