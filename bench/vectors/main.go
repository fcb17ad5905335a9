// Command vectors measures how fast package vectors reads a large word
// vectors file, against `wc -l` on the same file (the yardstick:
// within 2x):
//
//	go run ./bench/vectors                      # 1 GiB GloVe-style file in $TMPDIR
//	go run ./bench/vectors -size 256 -dim 100   # MiB, dimensions
//
// It writes the file once (random values with 6 decimals, as GloVe's; words
// word0, word1 ...), then times each reader -reps times from the page
// cache and prints a Markdown table for BENCHMARKS.md. The vocabulary holds
// -vocab of the file's words (every 7th), as a run's would.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/torchrnn/torchrnn/vectors"
	"github.com/torchrnn/torchrnn/vocab"
)

func main() {
	sizeMiB := flag.Int("size", 1024, "file size in MiB")
	dim := flag.Int("dim", 300, "dimensions")
	nvocab := flag.Int("vocab", 20000, "vocabulary tokens the read keeps")
	reps := flag.Int("reps", 3, "timed reads per reader (the best counts)")
	path := flag.String("file", filepath.Join(os.TempDir(), "torchrnn-vectors-bench.txt"), "the file (written when missing or of another size)")
	flag.Parse()
	if err := run(*path, int64(*sizeMiB)<<20, *dim, *nvocab, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "vectors bench:", err)
		os.Exit(1)
	}
}

func run(path string, size int64, dim, nvocab, reps int) error {
	words, err := ensure(path, size, dim)
	if err != nil {
		return err
	}
	c := vocab.NewCounter()
	for i := 0; i < nvocab && i*7 < words; i++ {
		c.Add([]string{"word" + strconv.Itoa(i*7)})
	}
	v := vocab.New(c, vocab.Options{})
	wc := best(reps, func() error { return exec.Command("wc", "-l", path).Run() })
	var cov vectors.Coverage
	read := best(reps, func() error {
		m, err := vectors.Load(path, v, vectors.Options{Dim: dim})
		if err == nil {
			cov = m.Coverage
		}
		return err
	})
	if wc.err != nil || read.err != nil {
		return fmt.Errorf("wc: %v; read: %v", wc.err, read.err)
	}
	st, _ := os.Stat(path)
	mb := float64(st.Size()) / 1e6
	fmt.Printf("%s\n\n", cov)
	fmt.Printf("| %s, %d words of %d dims, %d CPUs | best of %d | MB/s | x wc -l |\n| --- | --- | --- | --- |\n", human(st.Size()), words, dim, runtime.NumCPU(), reps)
	fmt.Printf("| `wc -l` | %.2f s | %.0f | 1.0 |\n", wc.d.Seconds(), mb/wc.d.Seconds())
	fmt.Printf("| `vectors.Load` (%d-token vocabulary) | %.2f s | %.0f | %.1f |\n", v.Len(), read.d.Seconds(), mb/read.d.Seconds(), read.d.Seconds()/wc.d.Seconds())
	return nil
}

type timing struct {
	d   time.Duration
	err error
}

func best(reps int, f func() error) timing {
	var ds []time.Duration
	for range reps {
		start := time.Now()
		if err := f(); err != nil {
			return timing{err: err}
		}
		ds = append(ds, time.Since(start))
	}
	return timing{d: slices.Min(ds)}
}

// ensure writes a GloVe-style file of about size bytes unless path holds
// one of that size already; it returns the number of words.
func ensure(path string, size int64, dim int) (int, error) {
	if st, err := os.Stat(path); err == nil && st.Size() >= size && st.Size() < size+int64(dim)*16 {
		return countLines(path)
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	var line []byte
	var n int64
	words := 0
	for ; n < size; words++ {
		line = append(line[:0], "word"...)
		line = strconv.AppendInt(line, int64(words), 10)
		for range dim {
			line = append(line, ' ')
			line = strconv.AppendFloat(line, rng.NormFloat64()*0.4, 'f', 6, 32)
		}
		line = append(line, '\n')
		w.Write(line)
		n += int64(len(line))
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return words, f.Close()
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := vectors.NewScanner(f, vectors.GloVe)
	for sc.Scan() {
	}
	return sc.Count(), sc.Err()
}

func human(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}
