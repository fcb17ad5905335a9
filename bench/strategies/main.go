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
