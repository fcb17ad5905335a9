package lstm

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/seq"
)

// Benchmarks of the two ways to run variable lengths (Packed, Padded) on
// IMDB-like batches, and a long check that training memory levels off.
// bench/strategies/run.sh runs them and writes BENCHMARKS.md; none needs
// the data set.

// Vocabulary sizes of the 25,000 aclImdb training reviews under the seed
// notebook's tokenizer: every token (the seed notebook), and tokens seen
// twice or more (the trainer's -min-freq 2), specials included.
const (
	imdbVocabAll   = 75979
	imdbVocabFreq2 = 47042
)

// imdbLengths draws n review lengths, in tokens of the seed notebook's
// tokenizer, from a log-normal fitted to the aclImdb training reviews:
// log-mean 5.258 and log-sd 0.645 give median 192, mean 236, 90th
// percentile 439 and 99th 861 (the reviews: 178, 238, 466, 927). Lengths
// run from 10 (the shortest review) to maxLen, where longer ones are cut.
func imdbLengths(rng *rand.Rand, n, maxLen int) []int {
	out := make([]int, n)
	for i := range out {
		l := int(math.Round(math.Exp(5.258 + 0.645*rng.NormFloat64())))
		out[i] = min(max(l, 10), maxLen)
	}
	return out
}

// benchBatch is one batch of random token ids with labels.
type benchBatch struct {
	ids, labels *ts.Tensor // [B, T] int64, [B] int64
	lengths     []int64    // [B], each 1..T
	tokens      int64      // real tokens: the sum of lengths
	slots       int64      // B*T, padding included
}

// newBenchBatch pads random ids in 1..vocab-1 to the longest of lengths.
func newBenchBatch(rng *rand.Rand, lengths []int, vocab int) (b benchBatch, err error) {
	defer tensor.Catch(&err, "bench batch")
	seqs := make([][]int64, len(lengths))
	labels := make([]int64, len(lengths))
	for i, l := range lengths {
		seqs[i] = make([]int64, l)
		for j := range seqs[i] {
			seqs[i][j] = 1 + rng.Int64N(int64(vocab-1))
		}
		labels[i] = rng.Int64N(2)
	}
	flat, lens, T, err := seq.Pad(seqs, 0, seq.KeepTail, 0)
	tensor.Check(err)
	B := int64(len(lengths))
	b = benchBatch{lengths: lens, slots: B * int64(T)}
	for _, l := range lens {
		b.tokens += l
	}
	b.ids = tensor.Must(tensor.Int64(flat, []int64{B, int64(T)}, gotch.CPU))
	b.labels = tensor.Must(tensor.Int64(labels, []int64{B}, gotch.CPU))
	return b, nil
}

func (b benchBatch) drop() {
	b.ids.MustDrop()
	b.labels.MustDrop()
}

// benchOrder returns the examples' batches: shuffled with bucket false,
// the seed notebook's shuffled loader; bucketed as the trainer's sampler.
func benchOrder(tb testing.TB, lengths []int, batch int, bucket bool, epoch int) [][]int {
	s, err := seq.NewSampler(lengths, seq.Options{Batch: batch, Seed: 1, Shuffle: true, Bucket: bucket, DropLast: true})
	if err != nil {
		tb.Fatal(err)
	}
	return s.Epoch(epoch)
}

// trainStep is one step as the trainer takes it: forward, loss, backward,
// gradient clipping (clip > 0), optimizer step; every tensor it makes is
// freed before it returns. fwdBwd is the time of forward, loss and backward.
func trainStep(m *Classifier, o *optim.Optimizer, params []optim.Param, b benchBatch, clip float64) (fwdBwd time.Duration, err error) {
	defer tensor.Catch(&err, "train step")
	var s tensor.Scope
	defer s.Free()
	o.ZeroGrad()
	start := time.Now()
	logits := s.M(m.Forward(b.ids, b.lengths, true)) // [B, T] -> [B, 1]
	loss := s.M(m.Loss(logits, b.labels))
	tensor.Check(loss.Backward())
	fwdBwd = time.Since(start)
	if clip > 0 {
		tensor.Val(optim.ClipGradNorm(params, clip))
	}
	tensor.Check(o.Step())
	tensor.Val(loss.Float64Value([]int64{}))
	return fwdBwd, nil
}

// cpuTime is the process's user and system time so far, every thread's.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// newBenchModel builds a seeded classifier, its optimizer and its parameter list.
func newBenchModel(tb testing.TB, cfg Config, strategy Strategy, lr float64) (*Classifier, *optim.Optimizer, []optim.Param) {
	libtorch.Seed(1)
	m, err := NewClassifier(cfg, gotch.CPU)
	if err != nil {
		tb.Fatal(err)
	}
	m.RNN.Strategy = strategy
	var params []optim.Param
	for _, p := range m.Params.List() {
		params = append(params, optim.Param{Name: p.Name, Tensor: p.Tensor})
	}
	o, err := optim.New(params, optim.Config{LR: lr})
	if err != nil {
		tb.Fatal(err)
	}
	return m, o, params
}

// BenchmarkStrategies trains the seed notebook's model (embedding 20, LSTM
// 64 one way, fc 64, one logit; Adam 1e-3, batch 32) on a fixed pool of 20
// IMDB-like batches, op i on batch i mod 20, for each length setting,
// strategy and libtorch thread count. Its metrics count real tokens, not
// padding: tokens/s of whole steps; fb-tokens/s of forward and backward
// alone; cpu-tokens/s per second of the process's CPU time, which load
// from other processes barely moves (with one thread it is about what an
// idle machine gives; with two it also counts OpenMP's waiting). pad-% is
// the padding's share of the [B, T] slots run.
func BenchmarkStrategies(b *testing.B) {
	settings := []struct {
		name   string
		maxLen int
		bucket bool
	}{
		{"max400", 400, false},   // reviews cut at 400 tokens, shuffled batches
		{"max1000", 1000, false}, // nearly whole reviews (0.5% are longer), shuffled
		{"whole", 2498, false},   // not cut, as the seed notebook feeds them (2,498: the longest training review)
		{"bucket400", 400, true}, // as the trainer batches: similar lengths together
	}
	for _, set := range settings {
		for _, strategy := range []Strategy{Packed, Padded} {
			for _, threads := range []int{1, 2} {
				name := fmt.Sprintf("%s/%s/threads%d", set.name, strategy, threads)
				b.Run(name, func(b *testing.B) {
					benchStrategy(b, set.maxLen, set.bucket, strategy, threads)
				})
			}
		}
	}
}

func benchStrategy(b *testing.B, maxLen int, bucket bool, strategy Strategy, threads int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer libtorch.SetThreads(libtorch.Threads())
	libtorch.SetThreads(threads)
	libtorch.TuneMalloc() // as the trainer
	const pool, batch = 20, 32
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := imdbLengths(rng, 100*batch, maxLen)
	order := benchOrder(b, lengths, batch, bucket, 0)[:pool]
	batches := make([]benchBatch, pool)
	for i, idx := range order {
		ls := make([]int, len(idx))
		for j, k := range idx {
			ls[j] = lengths[k]
		}
		var err error
		if batches[i], err = newBenchBatch(rng, ls, imdbVocabAll); err != nil {
			b.Fatal(err)
		}
		defer batches[i].drop()
	}
	cfg := Config{Vocab: imdbVocabAll, Embed: 20, Hidden: 64, Head: 64}
	m, o, params := newBenchModel(b, cfg, strategy, 1e-3)
	if _, err := trainStep(m, o, params, batches[pool-1], 0); err != nil { // warm-up
		b.Fatal(err)
	}
	b.ResetTimer()
	var done, slots int64
	var fwdBwd time.Duration
	cpu := cpuTime(b)
	for i := 0; i < b.N; i++ {
		batch := batches[i%pool]
		d, err := trainStep(m, o, params, batch, 0)
		if err != nil {
			b.Fatal(err)
		}
		done, slots, fwdBwd = done+batch.tokens, slots+batch.slots, fwdBwd+d
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "tokens/s")
	b.ReportMetric(float64(done)/fwdBwd.Seconds(), "fb-tokens/s")
	b.ReportMetric(float64(done)/(cpuTime(b)-cpu).Seconds(), "cpu-tokens/s")
	b.ReportMetric(100*float64(slots-done)/float64(slots), "pad-%")
}

// TestMemoryLevelsOff trains an IMDB classifier (the trainer's first default:
// embedding 64, LSTM 128, head 64; batch 32, reviews cut at 400 tokens and
// bucketed, Adam 2e-3, clip 5, padded, one thread, malloc tuned) for 2,000
// steps and checks that resident memory after step 2,000 is within 10% of
// that after step 200. It takes minutes, so it runs only with TORCHRNN_LONG=1:
//
//	TORCHRNN_LONG=1 go test -run MemoryLevelsOff -v ./lstm
func TestMemoryLevelsOff(t *testing.T) {
	if os.Getenv("TORCHRNN_LONG") == "" {
		t.Skip("takes minutes: set TORCHRNN_LONG=1")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer libtorch.SetThreads(libtorch.Threads())
	libtorch.SetThreads(1)
	libtorch.TuneMalloc() // as the trainer
	const steps, first, batch = 2000, 200, 32
	rng := rand.New(rand.NewPCG(3, 4))
	lengths := imdbLengths(rng, 20000, 400) // the training split's size
	m, o, params := newBenchModel(t, Config{Vocab: imdbVocabFreq2}, Padded, 2e-3)
	var order [][]int
	var rss0, rss float64
	for step := 1; step <= steps; step++ {
		if len(order) == 0 {
			order = benchOrder(t, lengths, batch, true, step)
		}
		ls := make([]int, batch)
		for j, k := range order[0] {
			ls[j] = lengths[k]
		}
		order = order[1:]
		b, err := newBenchBatch(rng, ls, imdbVocabFreq2)
		if err == nil {
			_, err = trainStep(m, o, params, b, 5)
			b.drop()
		}
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if step%20 == 0 && residentMiB(t) > memCeilingMiB {
			t.Fatalf("resident memory over %d MiB at step %d: a leak; stopped before the machine runs out", memCeilingMiB, step)
		}
		if step%first == 0 {
			rss = residentMiB(t)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			t.Logf("step %4d  rss %7.1f MiB  go heap %6.1f MiB  gc %4d", step, rss, float64(ms.HeapAlloc)/(1<<20), ms.NumGC)
			if step == first {
				rss0 = rss
			}
		}
	}
	growth := 100 * (rss - rss0) / rss0
	t.Logf("rss growth from step %d to %d: %+.1f%%", first, steps, growth)
	if growth > 10 {
		t.Errorf("resident memory grew %.1f%% from step %d to %d, want at most 10%%", growth, first, steps)
	}
}

// memCeilingMiB stops TestMemoryLevelsOff early: the model needs under 1 GiB.
const memCeilingMiB = 3072

// residentMiB reads VmRSS from /proc/self/status.
func residentMiB(t *testing.T) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(rest, "%f kB", &kb); err != nil {
				t.Fatal(err)
			}
			return kb / 1024
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// BenchmarkLSTMState runs a bidirectional LSTM (embedding-sized input 64,
// hidden 64 or 96) forward and backward through its outputs and its whole
// final state, H and C, as an encoder handing (h, c) on does, on bucketed
// IMDB-like batches of 32 cut at 400 tokens, one libtorch thread. On the
// padded strategy C costs extra work when lengths differ (see paddedExact);
// a classifier's pooling does not ask for C and does not pay it.
// lengths/batch is the mean number of distinct lengths in a batch.
func BenchmarkLSTMState(b *testing.B) {
	for _, hidden := range []int64{64, 96} {
		for _, strategy := range []Strategy{Packed, Padded} {
			b.Run(fmt.Sprintf("hidden%d/%s", hidden, strategy), func(b *testing.B) {
				benchState(b, hidden, strategy)
			})
		}
	}
}

func benchState(b *testing.B, hidden int64, strategy Strategy) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer libtorch.SetThreads(libtorch.Threads())
	libtorch.SetThreads(1)
	libtorch.TuneMalloc()
	const pool, batch, input = 10, 32, 64
	rng := rand.New(rand.NewPCG(5, 6))
	lengths := imdbLengths(rng, 40*batch, 400)
	libtorch.Seed(1)
	r, err := NewRNN(NewParams(gotch.CPU), "", LSTM, input, hidden, 1, true, 0)
	if err != nil {
		b.Fatal(err)
	}
	r.Strategy = strategy
	type item struct {
		x       *ts.Tensor
		lengths []int64
		tokens  int64
	}
	var items []item
	var distinct int
	for _, idx := range benchOrder(b, lengths, batch, true, 0)[:pool] {
		it := item{lengths: make([]int64, len(idx))}
		for j, k := range idx {
			it.lengths[j] = int64(lengths[k])
			it.tokens += int64(lengths[k])
		}
		distinct += len(slices.Compact(slices.Sorted(slices.Values(it.lengths))))
		it.x = ts.MustRandn([]int64{batch, slices.Max(it.lengths), input}, gotch.Float, gotch.CPU)
		defer it.x.MustDrop()
		items = append(items, it)
	}
	step := func(it item) (err error) {
		defer tensor.Catch(&err, "state step")
		var s tensor.Scope
		defer s.Free()
		out, hn, err := r.Forward(it.x, it.lengths, State{}, true)
		tensor.Check(err)
		s.T(out)
		s.T(hn.H)
		s.T(hn.C)
		loss := s.M(out.Sum(gotch.Float, false))
		loss = s.M(loss.Add(s.M(hn.H.Sum(gotch.Float, false)), false))
		loss = s.M(loss.Add(s.M(hn.C.Sum(gotch.Float, false)), false))
		return loss.Backward()
	}
	if err := step(items[0]); err != nil { // warm-up
		b.Fatal(err)
	}
	b.ResetTimer()
	var done int64
	cpu := cpuTime(b)
	for i := 0; i < b.N; i++ {
		it := items[i%pool]
		if err := step(it); err != nil {
			b.Fatal(err)
		}
		done += it.tokens
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "tokens/s")
	b.ReportMetric(float64(done)/(cpuTime(b)-cpu).Seconds(), "cpu-tokens/s")
	b.ReportMetric(float64(distinct)/pool, "lengths/batch") // distinct lengths: the padded LSTM's segments
}
