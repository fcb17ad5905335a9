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
	fail := func(code int, err error) int { fmt.Fprintln(stderr, "generate:", err); return code }
	o, help, err := parse(args, stderr)
	if help {
		return 0
	} else if err != nil {
		return fail(2, err)
	}
	dev, err := torch.ParseDevice(sampleDevice(o.device, o.samples))
	if err != nil {
		return fail(2, fmt.Errorf("-device: %w", err))
	}
	g, err := infer.LoadGenerator(o.dir, dev)
	if err != nil {
		return fail(2, fmt.Errorf("-run: %w", err))
	}
	ids, warnings, err := g.Encode(o.prompt)
	if err != nil {
		return fail(2, err)
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "generate: warning:", w)
	}
	if err := o.write(g, ids, stdout, stderr); err != nil {
		return fail(1, err)
	}
	return 0
}

// options are the command's flags.
type options struct {
	dir, prompt, device string
	n, samples          int // tokens per sample, samples
	seed                uint64
	stats               bool
	sample              sample.Options
}

// parse reads the flags into o and checks them; help reports -help (the
// usage is then printed).
func parse(args []string, stderr io.Writer) (o options, help bool, err error) {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.StringVar(&o.dir, "run", "", "run folder written by cmd/train -task lm (required)")
	fs.StringVar(&o.prompt, "prompt", "", "text that primes the model (every token is fed before sampling)")
	fs.IntVar(&o.n, "len", 500, "tokens to generate per sample")
	fs.IntVar(&o.samples, "n", 1, "number of samples, drawn as one batch (seeds -seed, -seed+1, ...)")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed: the same seed gives the same text")
	fs.StringVar(&o.device, "device", "auto", "auto (the CPU for one sample, faster than a GPU at batch 1; else the GPU if any), cpu, cuda or cuda:N")
	fs.BoolVar(&o.stats, "stats", false, "print the sampling speed (tokens/s, model load excluded) on stderr")
	fs.Float64Var(&o.sample.Temperature, "temperature", 0.8, "softmax temperature; 0: greedy")
	fs.IntVar(&o.sample.TopK, "top-k", 0, "sample among the k most likely tokens; 0: all")
	fs.Float64Var(&o.sample.TopP, "top-p", 0, "sample among the most likely tokens that reach this mass; 0: all")
	fs.SetOutput(io.Discard)
	err = fs.Parse(args)
	fs.SetOutput(stderr)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return o, true, nil
	} else if err != nil {
		return o, false, fmt.Errorf("%w (-help lists the flags)", err)
	}
	switch {
	case o.dir == "":
		return o, false, fmt.Errorf("-run is required")
	case o.n < 1:
		return o, false, fmt.Errorf("-len %d: must be at least 1", o.n)
	case o.samples < 1:
		return o, false, fmt.Errorf("-n %d: must be at least 1", o.samples)
	case fs.NArg() > 0:
		return o, false, fmt.Errorf("unexpected argument %q (use -prompt)", fs.Arg(0))
	}
	for _, f := range []struct {
		flag string
		o    sample.Options
	}{{"temperature", sample.Options{Temperature: o.sample.Temperature}}, {"top-k", sample.Options{TopK: o.sample.TopK}}, {"top-p", sample.Options{TopP: o.sample.TopP}}} {
		if err := f.o.Validate(); err != nil {
			return o, false, fmt.Errorf("-%s: %w", f.flag, err)
		}
	}
	return o, false, nil
}

// write samples the texts after the prompt's ids to stdout, in batches of
// up to infer.MaxStreams, and with -stats the speed to stderr.
func (o options) write(g *infer.Generator, ids []int64, stdout, stderr io.Writer) error {
	w := bufio.NewWriter(stdout)
	start := time.Now()
	batch := infer.MaxStreams
	if o.n > maxBuffered {
		batch = 1 // every sample streams, none is held in memory
	}
	for first := 0; first < o.samples; first += batch {
		k := min(o.samples-first, batch)
		if err := sampleGroup(g, w, ids, o.prompt, o.n, first, k, o.sample, o.seed); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	if err := w.Flush(); err != nil {
		return err
	}
	if o.stats {
		secs := time.Since(start).Seconds()
		fmt.Fprintf(stderr, "generate: %d sample(s) of %d tokens after a prompt of %d in %.2fs: %.0f tokens/s per sample, %.0f in all on %s\n",
			o.samples, o.n, len(ids), secs, float64(o.samples*o.n)/secs/float64(min(o.samples, batch)), float64(o.samples*o.n)/secs, o.device)
	}
	return nil
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

// sampleDevice is the device -device names for samples streams: auto is
// the CPU for one stream, whose step is a chain of small ops that one CPU
// core runs faster than they are launched on a GPU (H100: 4,114 chars/s on
// its CPU against 2,982 on the GPU; BENCHMARKS.md, CUDA), and libtorch's
// choice (the GPU if any) for a batch of streams.
func sampleDevice(device string, samples int) string {
	if device == "auto" && samples == 1 {
		return "cpu"
	}
	return device
}
