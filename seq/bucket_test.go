package seq_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/seq"
)

// skewed returns n lengths from a log-normal distribution (median ~150,
// long tail), like IMDB review lengths in tokens.
func skewed(n int) []int {
	r := rand.New(rand.NewPCG(1, 2))
	lengths := make([]int, n)
	for i := range lengths {
		lengths[i] = 1 + int(math.Exp(5+0.8*r.NormFloat64()))
	}
	return lengths
}

var samplerCases = []struct {
	name string
	n    int
	opt  seq.Options
}{
	{"sequential", 10, seq.Options{Batch: 3}},
	{"sequential drop last", 10, seq.Options{Batch: 3, DropLast: true}},
	{"sorted eval", 10, seq.Options{Batch: 3, Bucket: true}},
	{"shuffled", 10, seq.Options{Batch: 3, Seed: 1, Shuffle: true}},
	{"bucketed", 1000, seq.Options{Batch: 32, Seed: 1, Shuffle: true, Bucket: true, PoolFactor: 5}},
	{"bucketed drop last", 1000, seq.Options{Batch: 32, Seed: 1, Shuffle: true, Bucket: true, DropLast: true}},
	{"batch larger than set", 5, seq.Options{Batch: 8, Shuffle: true, Bucket: true}},
}

func TestSamplerCoversEveryIndexOnce(t *testing.T) {
	for _, tt := range samplerCases {
		t.Run(tt.name, func(t *testing.T) {
			lengths := skewed(tt.n)
			s, err := seq.NewSampler(lengths, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			for e := range 3 {
				batches := s.Epoch(e)
				if len(batches) != s.Len() {
					t.Fatalf("epoch %d: %d batches, Len() = %d", e, len(batches), s.Len())
				}
				seen := make([]int, tt.n)
				for _, b := range batches {
					if len(b) == 0 || len(b) > tt.opt.Batch || tt.opt.DropLast && len(b) != tt.opt.Batch {
						t.Fatalf("epoch %d: batch of %d", e, len(b))
					}
					for _, i := range b {
						seen[i]++
					}
				}
				dropped := 0
				if tt.opt.DropLast {
					dropped = tt.n % tt.opt.Batch
				}
				if got := slices.Max(seen); got != 1 || tt.n-count(seen, 1) != dropped {
					t.Fatalf("epoch %d: index counts %v, want each once (%d dropped)", e, seen, dropped)
				}
				if tt.opt.Bucket {
					checkSortedWithin(t, batches, lengths)
				}
			}
		})
	}
}

func count(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}

func checkSortedWithin(t *testing.T, batches [][]int, lengths []int) {
	t.Helper()
	for _, b := range batches {
		if !slices.IsSortedFunc(b, func(i, j int) int { return lengths[j] - lengths[i] }) {
			t.Fatalf("batch %v is not longest first", b)
		}
	}
}

func TestSamplerOrders(t *testing.T) {
	lengths := []int{3, 1, 4, 1, 5, 9, 2}
	tests := []struct {
		opt  seq.Options
		want [][]int
	}{
		{seq.Options{Batch: 3}, [][]int{{0, 1, 2}, {3, 4, 5}, {6}}},
		{seq.Options{Batch: 3, DropLast: true}, [][]int{{0, 1, 2}, {3, 4, 5}}},
		{seq.Options{Batch: 3, Bucket: true}, [][]int{{5, 4, 2}, {0, 6, 1}, {3}}}, // stable: 1 before 3
	}
	for _, tt := range tests {
		s, err := seq.NewSampler(lengths, tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Epoch(0); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v: got %v, want %v", tt.opt, got, tt.want)
		}
	}
}

func TestSamplerDeterminism(t *testing.T) {
	lengths := skewed(500)
	opt := seq.Options{Batch: 16, Seed: 42, Shuffle: true, Bucket: true, PoolFactor: 4}
	a, _ := seq.NewSampler(lengths, opt)
	b, _ := seq.NewSampler(lengths, opt)
	if !reflect.DeepEqual(a.Epoch(3), b.Epoch(3)) || !reflect.DeepEqual(a.Epoch(3), a.Epoch(3)) {
		t.Error("same seed and epoch gave different batches")
	}
	if reflect.DeepEqual(a.Epoch(0), a.Epoch(1)) {
		t.Error("epochs 0 and 1 gave the same batches")
	}
	opt.Seed = 43
	c, _ := seq.NewSampler(lengths, opt)
	if reflect.DeepEqual(a.Epoch(0), c.Epoch(0)) {
		t.Error("seeds 42 and 43 gave the same batches")
	}
}

func TestBucketingReducesPadding(t *testing.T) {
	lengths := skewed(5000)
	frac := func(opt seq.Options) float64 {
		s, err := seq.NewSampler(lengths, opt)
		if err != nil {
			t.Fatal(err)
		}
		return seq.PaddingFraction(s.Epoch(0), lengths, 400)
	}
	plain := frac(seq.Options{Batch: 32, Seed: 7, Shuffle: true})
	bucketed := frac(seq.Options{Batch: 32, Seed: 7, Shuffle: true, Bucket: true, PoolFactor: 50})
	sorted := frac(seq.Options{Batch: 32, Bucket: true})
	t.Logf("padding fraction: plain %.3f, bucketed %.3f, sorted %.3f", plain, bucketed, sorted)
	if bucketed >= plain/2 {
		t.Errorf("bucketed padding %.3f is not below half of plain %.3f", bucketed, plain)
	}
	if sorted > bucketed {
		t.Errorf("fully sorted padding %.3f above bucketed %.3f", sorted, bucketed)
	}
}

func TestPaddingFraction(t *testing.T) {
	lengths := []int{4, 2, 3, 10, 0}
	tests := []struct {
		batches [][]int
		maxLen  int
		want    float64
	}{
		{[][]int{{0, 1, 2}}, 0, 3.0 / 12}, // T 4: 12 slots, 9 tokens
		{[][]int{{0}, {1}, {2}}, 0, 0},    // one example per batch
		{[][]int{{0, 3}}, 0, 6.0 / 20},    // T 10
		{[][]int{{0, 3}}, 5, 1.0 / 10},    // cap: T 5, 4+5 tokens
		{[][]int{{1, 4}}, 0, 2.0 / 4},     // empty example
		{nil, 0, 0},                       // no slots
		{[][]int{{4}}, 0, 0},              // zero-length only: no slots
	}
	for _, tt := range tests {
		if got := seq.PaddingFraction(tt.batches, lengths, tt.maxLen); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("PaddingFraction(%v, maxLen %d) = %v, want %v", tt.batches, tt.maxLen, got, tt.want)
		}
	}
}

func TestNewSamplerErrors(t *testing.T) {
	tests := []struct {
		lengths []int
		opt     seq.Options
		want    string
	}{
		{[]int{1}, seq.Options{}, "seq: batch size 0 must be positive"},
		{[]int{1}, seq.Options{Batch: 1, PoolFactor: -1}, "seq: pool factor -1 must not be negative"},
		{nil, seq.Options{Batch: 1}, "seq: no examples to sample"},
		{[]int{1, 2}, seq.Options{Batch: 3, DropLast: true}, "seq: 2 examples make no full batch of 3 (DropLast)"},
		{[]int{1, -2}, seq.Options{Batch: 1}, "seq: example 1 has negative length -2"},
	}
	for _, tt := range tests {
		if _, err := seq.NewSampler(tt.lengths, tt.opt); err == nil || err.Error() != tt.want {
			t.Errorf("NewSampler(%v, %+v) error = %v, want %q", tt.lengths, tt.opt, err, tt.want)
		}
	}
}

func TestSamplerCopiesLengths(t *testing.T) {
	lengths := []int{1, 2, 3}
	s, _ := seq.NewSampler(lengths, seq.Options{Batch: 1, Bucket: true})
	lengths[0] = 100
	if got := s.Epoch(0); got[0][0] != 2 {
		t.Errorf("sampler saw a later change to lengths: %v", got)
	}
}

func ExampleSampler_Epoch() {
	lengths := []int{5, 80, 12, 7, 75, 10, 90, 6}
	eval, _ := seq.NewSampler(lengths, seq.Options{Batch: 3, Bucket: true})
	fmt.Println(eval.Epoch(0)) // longest first
	fmt.Printf("padding %.2f sorted, %.2f in dataset order\n",
		seq.PaddingFraction(eval.Epoch(0), lengths, 0),
		seq.PaddingFraction([][]int{{0, 1, 2}, {3, 4, 5}, {6, 7}}, lengths, 0))
	// Output:
	// [[6 1 4] [2 5 3] [7 0]]
	// padding 0.10 sorted, 0.56 in dataset order
}
