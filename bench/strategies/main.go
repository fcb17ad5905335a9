// Command strategies summarises the runs of run.sh (go test -bench output of
// lstm's BenchmarkStrategies and the log of TestMemoryLevelsOff) into the
// "Recurrent strategies and memory (issue 4)" section of BENCHMARKS.md.
//
//	strategies -bench FILE [-malloc FILE] [-gc FILE]... [-mem FILE] [-info FILE] [-write BENCHMARKS.md]
//
// The -malloc and -gc files start with a line "# setting: <label>". The
// -info file holds lines to print before the tables (machine, versions,
// load). The section goes to stdout, and with -write replaces the section
// of that name in the file (or is appended; the file is created if missing).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const heading = "## Recurrent strategies and memory (issue 4)"

// inputs are the files of one run.sh run; "" (or none) leaves a table out.
type inputs struct {
	bench  string   // BenchmarkStrategies, default settings
	malloc string   // its one-thread runs under another glibc malloc setting
	gc     []string // the padded max400 one-thread runs, one file per Go runtime setting
	mem    string   // go test -v log of TestMemoryLevelsOff
	info   string   // markdown to print first
}

type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(s string) error { *f = append(*f, s); return nil }

func main() {
	var in inputs
	flag.StringVar(&in.bench, "bench", "", "go test -bench output of BenchmarkStrategies")
	flag.StringVar(&in.malloc, "malloc", "", "its one-thread runs under another glibc malloc setting")
	flag.Var((*files)(&in.gc), "gc", "output of the padded max400 one-thread benchmark under one Go runtime setting (repeatable)")
	flag.StringVar(&in.mem, "mem", "", "go test -v output of TestMemoryLevelsOff")
	flag.StringVar(&in.info, "info", "", "lines about the machine to print first")
	write := flag.String("write", "", "markdown file whose section to replace or append")
	flag.Parse()
	if err := run(in, *write); err != nil {
		fmt.Fprintln(os.Stderr, "strategies:", err)
		os.Exit(1)
	}
}

func run(in inputs, write string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", heading)
	if in.info != "" {
		text, err := os.ReadFile(in.info)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s\n", text)
	}
	if in.bench != "" {
		results, err := readBench(in.bench)
		if err != nil {
			return err
		}
		strategyTables(&b, results)
		if in.malloc != "" {
			if err := mallocTable(&b, results, in.malloc); err != nil {
				return err
			}
		}
	}
	if len(in.gc) > 0 {
		if err := gcTable(&b, in.gc); err != nil {
			return err
		}
	}
	if in.mem != "" {
		if err := memTable(&b, in.mem); err != nil {
			return err
		}
	}
	fmt.Print(b.String())
	if write == "" {
		return nil
	}
	return replaceSection(write, b.String())
}

// results maps a benchmark name without its -GOMAXPROCS suffix to the
// values of each run, by unit ("tokens/s", "ns/op", "pad-%").
type results map[string]map[string][]float64

var procSuffix = regexp.MustCompile(`-\d+$`)

// readBench parses lines such as
//
//	BenchmarkStrategies/max400/padded/threads1-2  10  311460625 ns/op  46.73 pad-%  21076 tokens/s
func readBench(path string) (results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := results{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(procSuffix.ReplaceAllString(fields[0], ""), "BenchmarkStrategies/")
		if r[name] == nil {
			r[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
			}
			r[name][fields[i+1]] = append(r[name][fields[i+1]], v)
		}
	}
	return r, sc.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// cell is "median (min-max)" of tokens/s, or "-" without runs.
func cell(v []float64) string {
	if len(v) == 0 {
		return "-"
	}
	if len(v) == 1 {
		return fmt.Sprintf("%.0f", v[0])
	}
	return fmt.Sprintf("%.0f (%.0f-%.0f)", median(v), slices.Min(v), slices.Max(v))
}

var settings = []struct{ name, what string }{
	{"max400", "cut at 400 tokens, shuffled batches"},
	{"max1000", "cut at 1000 tokens, shuffled batches"},
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
		"the best thread count of each (medians): %s.\n\n", strings.Join(verdicts, "; "))
}

// gcTable prints the padded path's tokens/s (max400, one thread) under
// each runtime setting, against the first, by wall and by CPU time.
func gcTable(b *strings.Builder, paths []string) error {
	b.WriteString("Runtime settings, padded path, one libtorch thread, max400 batches, whole steps; tokens per second " +
		"of wall time and of CPU time (the trainer itself turns Go's collector off with a memory limit of the live " +
		"heap + 256 MiB once its data is loaded):\n\n")
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

// mallocTable compares forward and backward with one thread under the
// default glibc malloc (from r) and under the setting of path.
func mallocTable(b *strings.Builder, r results, path string) error {
	label, err := settingLabel(path)
	if err != nil {
		return err
	}
	m, err := readBench(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "glibc malloc, one thread, forward and backward, tokens per second: by default glibc gives big "+
		"freed blocks back to the kernel, so the next step faults them in again; `%s` keeps them:\n\n", label)
	b.WriteString("| batches | packed | packed, kept | padded | padded, kept | padded / packed | kept: padded / packed |\n")
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

func settingLabel(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if sc.Scan() {
		if label, ok := strings.CutPrefix(sc.Text(), "# setting: "); ok {
			return label, nil
		}
	}
	return "", fmt.Errorf("%s: first line is not \"# setting: <label>\"", path)
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
	b.WriteString("Memory of 2,000 training steps of the trainer's default IMDB classifier (embedding 64, LSTM 128, " +
		"head 64; batch 32, reviews cut at 400 tokens and bucketed, vocabulary 47,042, Adam 2e-3, clip 5; padded, " +
		"one thread, default GOGC), resident set (VmRSS) in MiB, Go heap in brackets; target: at most 10% growth " +
		"from step 200 to step 2,000.\n\n")
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

// replaceSection puts section in place of the one under the same heading
// in path (up to the next "## " heading), or appends it.
func replaceSection(path, section string) error {
	old, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		old, err = []byte("# Benchmarks\n"), nil
	}
	if err != nil {
		return err
	}
	text := string(old)
	start := strings.Index(text, heading+"\n")
	if start < 0 {
		text = strings.TrimRight(text, "\n") + "\n\n" + section
	} else {
		rest := text[start+len(heading):]
		end := len(text)
		if i := strings.Index(rest, "\n## "); i >= 0 {
			end = start + len(heading) + i + 1
		}
		text = text[:start] + section + text[end:]
	}
	return os.WriteFile(path, []byte(strings.TrimRight(text, "\n")+"\n"), 0o644)
}
