package seq_test

import (
	"math"
	"math/bits"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/seq"
)

// FuzzSampler builds a sampler from fuzzed lengths (one per byte) and
// fuzzed sizes, huge ones included, and checks the documented contract:
// NewSampler fails exactly on invalid options, and otherwise every epoch
// has Len() batches of 1..Batch examples (all full under DropLast), every
// example once (but for n % Batch DropLast leftovers), batches sorted
// longest first under Bucket, and the same epoch twice gives the same
// batches. Nothing may panic.
func FuzzSampler(f *testing.F) {
	f.Add([]byte{5, 80, 12, 7, 75, 10, 90, 6}, int64(3), int64(0), uint64(1), uint8(3), int64(0))
	f.Add([]byte{1, 2, 3}, int64(math.MaxInt64), int64(math.MaxInt64), uint64(2), uint8(7), int64(-1))
	f.Add([]byte{9, 9, 1, 4, 2}, int64(1<<62), int64(0), uint64(3), uint8(3), int64(5))
	f.Add([]byte{9, 9, 1, 4, 2}, int64(2), int64(1<<62), uint64(3), uint8(7), int64(math.MinInt64))
	f.Add([]byte{}, int64(0), int64(-1), uint64(0), uint8(0), int64(0))
	f.Add([]byte{4, 4}, int64(-1), int64(1), uint64(0), uint8(1), int64(1))
	f.Fuzz(func(t *testing.T, raw []byte, batch, poolFactor int64, seed uint64, flags uint8, epoch int64) {
		lengths := make([]int, len(raw))
		for i, c := range raw {
			lengths[i] = int(c)
		}
		opt := seq.Options{Batch: int(batch), PoolFactor: int(poolFactor), Seed: seed,
			Shuffle: flags&1 != 0, Bucket: flags&2 != 0, DropLast: flags&4 != 0}
		n := len(lengths)
		s, err := seq.NewSampler(lengths, opt)
		invalid := opt.Batch <= 0 || opt.PoolFactor < 0 || n == 0 || opt.DropLast && n < opt.Batch
		if invalid != (err != nil) {
			t.Fatalf("NewSampler(%d lengths, %+v) error = %v", n, opt, err)
		}
		if err != nil {
			return
		}
		batches := s.Epoch(int(epoch))
		if len(batches) != s.Len() {
			t.Fatalf("%d batches, Len() = %d", len(batches), s.Len())
		}
		dropped := 0
		if opt.DropLast {
			dropped = n % opt.Batch
		}
		seen := make([]int, n)
		for _, b := range batches {
			if len(b) == 0 || len(b) > opt.Batch || opt.DropLast && len(b) != opt.Batch {
				t.Fatalf("batch of %d for Batch %d (DropLast %v)", len(b), opt.Batch, opt.DropLast)
			}
			for _, i := range b {
				seen[i]++
			}
			if opt.Bucket && !slices.IsSortedFunc(b, func(i, j int) int { return lengths[j] - lengths[i] }) {
				t.Fatalf("batch %v is not longest first", b)
			}
		}
		if slices.Max(append(seen, 1)) != 1 || n-count(seen, 1) != dropped {
			t.Fatalf("index counts %v, want each once but %d", seen, dropped)
		}
		if again := s.Epoch(int(epoch)); !slices.EqualFunc(batches, again, slices.Equal) {
			t.Fatalf("epoch %d differs between calls", epoch)
		}
	})
}

// FuzzWindows batchifies a stream of n tokens into B rows and walks it in
// windows of bptt, with B and bptt from fuzzed int64s (huge ones included),
// and checks the documented contract: Batchify fails exactly when B <= 0 or
// B > n/2, the windows number Len(), each has 1..bptt columns, their inputs
// cover columns 0..N-2 of every row in order and their targets are the next
// column. It also hands NewWindows a fuzzed N directly: unless B*N (in
// exact arithmetic) is the data's length and the sizes are valid, it must
// report an error and yield nothing. Nothing may panic.
func FuzzWindows(f *testing.F) {
	f.Add(uint16(26), int64(4), int64(3), int64(6))
	f.Add(uint16(16), int64(2), int64(math.MaxInt64), int64(8))
	f.Add(uint16(16), int64(2), int64(1<<62), int64(1<<62))
	f.Add(uint16(10), int64(math.MaxInt64), int64(35), int64(0))
	f.Add(uint16(0), int64(1<<32), int64(2), int64(1<<32))
	f.Add(uint16(7), int64(-1), int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, n uint16, B, bptt, N int64) {
		stream := iota64(int(n % 4096))
		b, window := int(B), int(bptt)
		data, rowLen, err := seq.Batchify(stream, b)
		if (b <= 0 || b > len(stream)/2) != (err != nil) {
			t.Fatalf("Batchify(%d tokens, %d) error = %v", len(stream), b, err)
		}
		if err == nil {
			if rowLen != len(stream)/b || !slices.Equal(data, stream[:b*rowLen]) {
				t.Fatalf("Batchify(%d tokens, %d): N %d, %d tokens", len(stream), b, rowLen, len(data))
			}
			checkWalk(t, data, b, rowLen, window)
		}
		// Any N: NewWindows must refuse every shape that is not exactly [B, N].
		w := seq.NewWindows(stream, b, int(N), window)
		hi, lo := bits.Mul64(uint64(B), uint64(N))
		exact := B > 0 && N >= 0 && hi == 0 && lo == uint64(len(stream))
		if !exact || N < 2 || bptt <= 0 {
			if w.Err() == nil || w.Next() || w.Len() != 0 {
				t.Fatalf("NewWindows(%d tokens, %d, %d, %d): no error", len(stream), B, N, bptt)
			}
			return
		}
		checkWalk(t, stream, b, int(N), window)
	})
}

// checkWalk walks data [B, N] in windows of bptt and checks each against
// the data: window i starts at column i*bptt, x = data[:, s:s+L] and
// y = data[:, s+1:s+1+L], L = min(bptt, N-1-s).
func checkWalk(t *testing.T, data []int64, B, N, bptt int) {
	t.Helper()
	w := seq.NewWindows(data, B, N, bptt)
	if (bptt <= 0) != (w.Err() != nil) {
		t.Fatalf("NewWindows(%d tokens, %d, %d, %d).Err() = %v", len(data), B, N, bptt, w.Err())
	}
	s, k := 0, 0
	for w.Next() {
		x, y, L := w.Window()
		if L < 1 || L > bptt || L != min(bptt, N-1-s) || len(x) != B*L || len(y) != B*L {
			t.Fatalf("window %d at column %d: L %d, len(x) %d, len(y) %d (B %d, N %d, bptt %d)",
				k, s, L, len(x), len(y), B, N, bptt)
		}
		for r := range B {
			row := data[r*N : (r+1)*N]
			if !slices.Equal(x[r*L:(r+1)*L], row[s:s+L]) || !slices.Equal(y[r*L:(r+1)*L], row[s+1:s+1+L]) {
				t.Fatalf("window %d row %d: x %v y %v, want data[%d:%d] and one later", k, r, x[r*L:(r+1)*L], y[r*L:(r+1)*L], s, s+L)
			}
		}
		s, k = s+L, k+1
	}
	if w.Err() == nil && s != N-1 {
		t.Fatalf("windows cover %d input columns, want N-1 = %d", s, N-1)
	}
	if k != w.Len() {
		t.Fatalf("%d windows, Len() = %d", k, w.Len())
	}
}
