package seq_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/seq"
)

// sizes are the batch, pool-factor and bptt values every size argument is
// tried with: zero, negative, and past any data (2^62, MaxInt64).
var sizes = []int{0, -1, math.MinInt, 1 << 62, math.MaxInt}

func TestSamplerExtremeBatch(t *testing.T) {
	lengths := []int{4, 9, 1, 7, 3, 8, 2}
	for _, batch := range sizes {
		for _, opt := range []seq.Options{{}, {Shuffle: true}, {Bucket: true}, {Shuffle: true, Bucket: true, Seed: 3}} {
			opt.Batch = batch
			t.Run(fmt.Sprintf("batch %d %+v", batch, opt), func(t *testing.T) {
				s, err := seq.NewSampler(lengths, opt)
				if batch <= 0 {
					want := fmt.Sprintf("seq: batch size %d must be positive", batch)
					if err == nil || err.Error() != want {
						t.Fatalf("err = %v, want %q", err, want)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				// A batch larger than the set: one batch of everything, as DataLoader.
				got := s.Epoch(1)
				if s.Len() != 1 || len(got) != 1 || len(got[0]) != len(lengths) {
					t.Fatalf("Len %d, batches %v; want one batch of all %d", s.Len(), got, len(lengths))
				}
				if all := slices.Sorted(slices.Values(got[0])); !slices.Equal(all, []int{0, 1, 2, 3, 4, 5, 6}) {
					t.Errorf("batch %v is not every example once", got[0])
				}
			})
		}
	}
}

func TestSamplerExtremeBatchDropLast(t *testing.T) {
	for _, batch := range []int{1 << 62, math.MaxInt} {
		_, err := seq.NewSampler([]int{1, 2, 3}, seq.Options{Batch: batch, DropLast: true})
		want := fmt.Sprintf("seq: 3 examples make no full batch of %d (DropLast)", batch)
		if err == nil || err.Error() != want {
			t.Errorf("batch %d: err = %v, want %q", batch, err, want)
		}
	}
}

// With a pool factor past the set, one pool holds every example, so the
// shuffled batches are the set sorted longest first, cut in threes.
func TestSamplerExtremePoolFactor(t *testing.T) {
	lengths := skewed(50)
	for _, pf := range sizes {
		t.Run(fmt.Sprint(pf), func(t *testing.T) {
			s, err := seq.NewSampler(lengths, seq.Options{Batch: 3, PoolFactor: pf, Shuffle: true, Bucket: true, Seed: 1})
			if pf < 0 {
				want := fmt.Sprintf("seq: pool factor %d must not be negative", pf)
				if err == nil || err.Error() != want {
					t.Fatalf("err = %v, want %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			batches := s.Epoch(0)
			if len(batches) != 17 {
				t.Fatalf("%d batches, want 17", len(batches))
			}
			// pf 0 is DefaultPoolFactor: 3*100 > 50, one pool too.
			// Across one pool, a batch's shortest is at least the next batch's longest.
			slices.SortFunc(batches, func(a, b []int) int { return lengths[b[0]] - lengths[a[0]] })
			for i := 1; i < len(batches); i++ {
				prev, cur := batches[i-1], batches[i]
				if lengths[prev[len(prev)-1]] < lengths[cur[0]] {
					t.Fatalf("batches %v and %v overlap in length: more than one pool", prev, cur)
				}
			}
		})
	}
}

func TestBatchifyExtremeBatch(t *testing.T) {
	for _, B := range sizes {
		_, _, err := seq.Batchify(iota64(10), B)
		want := fmt.Sprintf("seq: batch size %d must be positive", B)
		if B > 0 {
			want = fmt.Sprintf("seq: stream of 10 tokens is too short for %d rows: need at least 2*%d (2 per row)", B, B)
		}
		if err == nil || err.Error() != want {
			t.Errorf("Batchify(10 tokens, %d) error = %v, want %q", B, err, want)
		}
	}
}

func TestWindowsExtremeBPTT(t *testing.T) {
	data := iota64(16) // [2, 8]
	for _, bptt := range sizes {
		w := seq.NewWindows(data, 2, 8, bptt)
		if bptt <= 0 {
			want := fmt.Sprintf("seq: bptt %d must be positive", bptt)
			if err := w.Err(); err == nil || err.Error() != want {
				t.Errorf("bptt %d: err = %v, want %q", bptt, err, want)
			}
			continue
		}
		got := walk(t, data, 2, 8, bptt) // checks Len against the walk
		want := []window{{[]int64{0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14}, []int64{1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15}, 7}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("bptt %d: got %v, want one window of all %v", bptt, got, want)
		}
	}
}

func TestWindowsExtremeShape(t *testing.T) {
	tests := []struct {
		n, B, N int
		want    string
	}{
		{16, 1 << 62, 8, "seq: data has 16 tokens, not B*N = 4611686018427387904*8"},
		{16, math.MaxInt, 2, "seq: data has 16 tokens, not B*N = 9223372036854775807*2"},
		{16, 2, math.MaxInt, "seq: data has 16 tokens, not B*N = 2*9223372036854775807"},
		{0, 1 << 32, 1 << 32, "seq: data has 0 tokens, not B*N = 4294967296*4294967296"}, // B*N wraps to 0
		{0, 1 << 62, 4, "seq: data has 0 tokens, not B*N = 4611686018427387904*4"},       // B*N wraps to 0
		{0, math.MaxInt, 0, "seq: 0 tokens per row are too short for one window: need at least 2 per row, 2*9223372036854775807 in all for 9223372036854775807 rows"},
		{16, 2, -8, "seq: data has 16 tokens, not B*N = 2*-8"},
		{16, -1, 8, "seq: batch size -1 must be positive"},
	}
	for _, tt := range tests {
		w := seq.NewWindows(iota64(tt.n), tt.B, tt.N, 3)
		if err := w.Err(); err == nil || err.Error() != tt.want {
			t.Errorf("NewWindows(%d tokens, %d, %d).Err() = %v, want %q", tt.n, tt.B, tt.N, err, tt.want)
		}
		if w.Next() || w.Len() != 0 {
			t.Errorf("NewWindows(%d tokens, %d, %d): Next or Len despite error", tt.n, tt.B, tt.N)
		}
	}
}
