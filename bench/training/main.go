// Command training times torchrnn's training and evaluation against the
// PyTorch scripts next to it, which train the same models on the same data
// with the same batches: classify.py (the seed notebook's IMDB classifier)
// and charlm.py (a character-level language model on tiny shakespeare).
// bench/run.sh runs the two sides alternately and writes BENCHMARKS.md.
//
//	training classify -data DIR -strategy packed|padded [-bucket] [-threads N] [-batches N]
//	training lm -text FILE [-chars N] [-threads N] [-sample N]
//
// Each run prints one JSON line, a Result; the Python scripts print the same
// keys. Initial weights come from libtorch's generator seeded with -seed,
// as torch.manual_seed seeds PyTorch's: both sides start from the same
// weights and, on the same batches, reach the same losses.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/torchrnn/torchrnn/internal/libtorch"
)

// libtorch calls must stay on the thread that set the thread count and the
// gradient mode.
func init() { runtime.LockOSThread() }

const usage = `usage:
  training classify [flags]   the seed notebook's IMDB classifier (-h for flags)
  training lm [flags]         a character-level language model (-h for flags)`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	libtorch.TuneMalloc() // as cmd/train (train.setup)
	var r Result
	var err error
	switch os.Args[1] {
	case "classify":
		r, err = classify(os.Args[2:])
	case "lm":
		r, err = languageModel(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "training:", err)
		os.Exit(1)
	}
	r.Lang, r.Task = "go", os.Args[1]
	r.PeakRSS = peakRSS()
	r.Libtorch, r.Version = libtorchPath(), libtorch.Version
	r.BLAS, r.BLASFitted = libtorch.BLASCore()
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, "training:", err)
		os.Exit(1)
	}
}

// Result is what one run measured. Tokens are real tokens: padding is not
// counted. Times are wall clock; CPU times are user + system, all threads.
type Result struct {
	Lang             string  `json:"lang"`     // go or python
	Task             string  `json:"task"`     // classify or lm
	Strategy         string  `json:"strategy"` // packed or padded
	Bucket           bool    `json:"bucket"`   // batches of similar lengths
	Threads          int     `json:"threads"`  // libtorch intra-op threads
	Examples         int     `json:"examples"` // training reviews, or characters of text
	Vocab            int     `json:"vocab"`
	Batches          int     `json:"batches"` // training batches (or windows) run
	Tokens           int64   `json:"tokens"`  // training tokens
	LoadSec          float64 `json:"load_s"`  // read, tokenize, build the vocabulary, encode
	TrainSec         float64 `json:"train_s"`
	TrainCPU         float64 `json:"train_cpu_s"`
	TokensPerS       float64 `json:"tokens_per_s"`
	FwdBwdTokensPerS float64 `json:"fwd_bwd_tokens_per_s"` // over forward and backward alone (classify only)
	TrainLoss        float64 `json:"train_loss"`           // mean over examples (classify) or tokens (lm)
	TrainAcc         float64 `json:"train_acc"`            // classify only
	EvalSec          float64 `json:"eval_s"`
	EvalExamples     int     `json:"eval_examples"` // test reviews, or validation characters
	EvalTokens       int64   `json:"eval_tokens"`
	EvalLoss         float64 `json:"eval_loss"`
	EvalAcc          float64 `json:"eval_acc"`     // classify only
	SampleChars      int     `json:"sample_chars"` // lm only, per stream
	Streams          int     `json:"streams"`      // lm only: streams sampled as one batch
	SampleSec        float64 `json:"sample_s"`
	PeakRSS          float64 `json:"peak_rss_mib"` // VmHWM at the end of the run
	Libtorch         string  `json:"libtorch"`     // the libtorch_cpu library mapped into the process
	Version          string  `json:"version"`      // libtorch's version
	BLAS             string  `json:"blas"`         // OpenBLAS's kernel set ("" without OpenBLAS)
	BLASFitted       bool    `json:"blas_fitted"`  // torchrnn chose it: OpenBLAS did not know the CPU
}

// phase is what one pass over a split measured.
type phase struct {
	batches      int
	examples     int64
	tokens       int64
	loss, acc    float64
	seconds, cpu float64
	fwdBwd       float64 // seconds in forward and backward (classify only)
}

// clock measures a phase: wall and CPU seconds since start.
type clock struct {
	wall time.Time
	cpu  float64
}

func startClock() clock { return clock{time.Now(), cpuSeconds()} }

func (c clock) stop(p *phase) {
	p.seconds, p.cpu = time.Since(c.wall).Seconds(), cpuSeconds()-c.cpu
}

// cpuSeconds is the process's CPU time so far: user plus system, all threads.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// peakRSS is the process's peak resident set (VmHWM) in MiB, 0 if unknown.
func peakRSS() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kib / 1024
		}
	}
	return 0
}

// libtorchPath names the libtorch_cpu library the process has mapped, so a
// report can show both sides ran the same build.
func libtorchPath() string {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(maps), "\n") {
		if f := strings.Fields(line); len(f) == 6 && strings.Contains(f[5], "libtorch_cpu") {
			return f[5]
		}
	}
	return ""
}
