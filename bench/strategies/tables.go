package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// settings are BenchmarkStrategies' kinds of batches, in its order.
var settings = []struct{ name, what string }{
	{"max400", "cut at 400 tokens, shuffled batches"},
	{"max1000", "cut at 1000 tokens, shuffled batches"},
	{"whole", "whole reviews, shuffled batches: the seed notebook's"},
	{"bucket400", "cut at 400 tokens, bucketed as the trainer does"},
}

// metrics are the tables of strategyTables: a unit of the benchmark and
// what it measures.
var metrics = []struct{ unit, what string }{
	{"tokens/s", "Whole training steps (forward, backward, Adam step), tokens per second"},
	{"fb-tokens/s", "Forward and backward alone, tokens per second"},
	{"cpu-tokens/s", "Whole training steps, tokens per second of the process's CPU time (user + system, all threads): " +
		"load from other processes moves it much less than wall time, and with one thread it is close to what an idle machine gives"},
}

// strategyTables prints, for each metric, each strategy and thread count,
// and the speed-up of the padded path (best thread count against best
// thread count, medians); then whether forward and backward meet 5x.
func strategyTables(b *strings.Builder, r results) {
	runs := 0
	for _, v := range r {
		runs = max(runs, len(v["tokens/s"]))
	}
	fmt.Fprintf(b, "The seed notebook's model (embedding 20, LSTM 64 one way, fc 64, one logit; batch 32, "+
		"vocabulary 75,979, Adam 1e-3) training on 20 synthetic batches whose lengths follow aclImdb's (median 178 "+
		"tokens, mean 238, long tail). Real tokens only (padding not counted); median (min-max) of %d runs.\n\n", runs)
	var verdicts []string
	for _, m := range metrics {
		fmt.Fprintf(b, "%s:\n\n", m.what)
		b.WriteString("| batches | padding | packed, 1 thread | packed, 2 threads | padded, 1 thread | padded, 2 threads | padded / packed |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
		for _, s := range settings {
			get := func(strategy string, threads int) []float64 {
				return r[fmt.Sprintf("%s/%s/threads%d", s.name, strategy, threads)][m.unit]
			}
			best := func(strategy string) float64 {
				return max(median(get(strategy, 1)), median(get(strategy, 2)))
			}
			ratio := "-"
			if p := best("packed"); p > 0 {
				x := best("padded") / p
				ratio = fmt.Sprintf("**%.1fx**", x)
				if m.unit == "fb-tokens/s" {
					verdict := "met"
					if x < 5 {
						verdict = "not met"
					}
					verdicts = append(verdicts, fmt.Sprintf("%s %s (%.1fx)", s.name, verdict, x))
				}
			}
			pad := median(r[s.name+"/padded/threads1"]["pad-%"])
			fmt.Fprintf(b, "| %s (%s) | %.0f%% | %s | %s | %s | %s | %s |\n", s.name, s.what, pad,
				cell(get("packed", 1)), cell(get("packed", 2)), cell(get("padded", 1)), cell(get("padded", 2)), ratio)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "Target: the exact padded path at least 5x the packed path's tokens/s in forward and backward, "+
		"the best thread count of each (medians): %s. These batches are synthetic, and malloc is tuned as the "+
		"trainer tunes it, which speeds the packed path up most (below). On the real IMDB batches of the "+
		"side-by-side section the target is checked again (\"Forward and backward alone\").\n\n",
		strings.Join(verdicts, "; "))
}

// gcTable prints the padded path's tokens/s (max400, one thread) under
// each runtime setting, against the first, by wall and by CPU time.
func gcTable(b *strings.Builder, paths []string) error {
	b.WriteString("Runtime settings, padded path, one libtorch thread, max400 batches, whole steps; tokens per second " +
		"of wall time and of CPU time (the trainer runs with Go's default collector settings; cmd/generate " +
		"raises GOGC to 800 while sampling):\n\n")
	b.WriteString("| setting | tokens/s | vs first | tokens/CPU-s | vs first |\n|---|---:|---:|---:|---:|\n")
	var base, baseCPU float64
	for _, path := range paths {
		label, err := settingLabel(path)
		if err != nil {
			return err
		}
		r, err := readBench(path)
		if err != nil {
			return err
		}
		wall, cpu := r["max400/padded/threads1"]["tokens/s"], r["max400/padded/threads1"]["cpu-tokens/s"]
		if base == 0 {
			base, baseCPU = median(wall), median(cpu)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", label, cell(wall), relative(wall, base), cell(cpu), relative(cpu, baseCPU))
	}
	b.WriteString("\n")
	return nil
}

// mallocTable compares forward and backward with one thread with malloc
// tuned as the trainer tunes it (from r) and under the setting of path.
func mallocTable(b *strings.Builder, r results, path string) error {
	label, err := settingLabel(path)
	if err != nil {
		return err
	}
	m, err := readBench(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "glibc malloc, one thread, forward and backward, tokens per second. The tables above run with "+
		"malloc tuned as the trainer tunes it (`libtorch.TuneMalloc`: blocks up to 32 MiB from the heap, up to "+
		"64 MiB of freed memory kept); under %s glibc maps big blocks on their own and gives them back "+
		"when freed, so the next step faults them in again:\n\n", label)
	b.WriteString("| batches | packed, tuned | packed, glibc's defaults | padded, tuned | padded, glibc's defaults " +
		"| tuned: padded / packed | defaults: padded / packed |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range settings {
		get := func(r results, strategy string) []float64 {
			return r[s.name+"/"+strategy+"/threads1"]["fb-tokens/s"]
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", s.name, cell(get(r, "packed")), cell(get(m, "packed")),
			cell(get(r, "padded")), cell(get(m, "padded")),
			ratio(get(r, "padded"), get(r, "packed")), ratio(get(m, "padded"), get(m, "packed")))
	}
	b.WriteString("\n")
	return nil
}

// ratio is median(a) / median(b) as "2.5x", or "-".
func ratio(a, b []float64) string {
	if len(a) == 0 || len(b) == 0 || median(b) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fx", median(a)/median(b))
}

// relative is the median of v against base, as "+5%", or "-" without both.
func relative(v []float64, base float64) string {
	if len(v) == 0 || base == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.0f%%", 100*(median(v)/base-1))
}

var memLine = regexp.MustCompile(`step\s+(\d+)\s+rss\s+([\d.]+) MiB\s+go heap\s+([\d.]+) MiB`)

// memTable prints resident memory at each logged step of each run, and the
// growth from the first logged step to the last.
func memTable(b *strings.Builder, path string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	type point struct {
		step      int
		rss, heap float64
	}
	var runs [][]point
	for _, m := range memLine.FindAllStringSubmatch(string(text), -1) {
		step, _ := strconv.Atoi(m[1])
		rss, _ := strconv.ParseFloat(m[2], 64)
		heap, _ := strconv.ParseFloat(m[3], 64)
		if len(runs) == 0 || step <= runs[len(runs)-1][len(runs[len(runs)-1])-1].step {
			runs = append(runs, nil)
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], point{step, rss, heap})
	}
	if len(runs) == 0 {
		return fmt.Errorf("%s: no \"step N rss X MiB go heap Y MiB\" lines", path)
	}
	b.WriteString("Memory of 2,000 training steps of an IMDB classifier (the trainer's first default: embedding 64, LSTM 128, " +
		"head 64; batch 32, reviews cut at 400 tokens and bucketed, vocabulary 47,042, Adam 2e-3, clip 5; padded, " +
		"one thread, default GOGC, malloc tuned as the trainer tunes it), resident set (VmRSS) in MiB, Go heap " +
		"in brackets; target: at most 10% growth from step 200 to step 2,000.\n\n")
	b.WriteString("| run |")
	for _, p := range runs[0] {
		fmt.Fprintf(b, " step %d |", p.step)
	}
	b.WriteString(" growth |\n|---|")
	b.WriteString(strings.Repeat("---:|", len(runs[0])+1) + "\n")
	for i, run := range runs {
		fmt.Fprintf(b, "| %d |", i+1)
		for _, p := range run {
			fmt.Fprintf(b, " %.0f (%.0f) |", p.rss, p.heap)
		}
		first, last := run[0], run[len(run)-1]
		growth := 100 * (last.rss/first.rss - 1)
		verdict := "ok"
		if growth > 10 {
			verdict = "over 10%"
		}
		fmt.Fprintf(b, " **%+.1f%%** (%s) |\n", growth, verdict)
	}
	b.WriteString("\n")
	return nil
}
