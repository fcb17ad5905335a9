package seq_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/seq"
)

// iota64 returns 0, 1, ..., n-1.
func iota64(n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = int64(i)
	}
	return s
}

func TestBatchify(t *testing.T) {
	tests := []struct {
		n, B int
		want []int64
		N    int
	}{
		{10, 2, iota64(10), 5},
		{11, 2, iota64(10), 5}, // tail token dropped
		{26, 4, iota64(24), 6},
		{4, 2, iota64(4), 2}, // smallest: 2 per row
		{7, 1, iota64(7), 7},
	}
	for _, tt := range tests {
		stream := iota64(tt.n)
		data, N, err := seq.Batchify(stream, tt.B)
		if err != nil {
			t.Fatal(err)
		}
		if N != tt.N || !slices.Equal(data, tt.want) {
			t.Errorf("Batchify(%d tokens, %d) = %v, N %d; want %v, N %d", tt.n, tt.B, data, N, tt.want, tt.N)
		}
		data[0] = 99
		if stream[0] != 0 {
			t.Errorf("Batchify shares memory with its input")
		}
	}
}

func TestBatchifyErrors(t *testing.T) {
	tests := []struct {
		n, B int
		want string
	}{
		{10, 0, "seq: batch size 0 must be positive"},
		{10, -1, "seq: batch size -1 must be positive"},
		{7, 4, "seq: stream of 7 tokens is too short for 4 rows: need at least 8 (2 per row)"},
		{0, 1, "seq: stream of 0 tokens is too short for 1 rows: need at least 2 (2 per row)"},
	}
	for _, tt := range tests {
		if _, _, err := seq.Batchify(iota64(tt.n), tt.B); err == nil || err.Error() != tt.want {
			t.Errorf("Batchify(%d tokens, %d) error = %v, want %q", tt.n, tt.B, err, tt.want)
		}
	}
}

// window is one step of Windows, for comparing whole walks.
type window struct {
	x, y []int64
	L    int
}

func walk(t *testing.T, data []int64, B, N, bptt int) []window {
	t.Helper()
	w := seq.NewWindows(data, B, N, bptt)
	var got []window
	for w.Next() {
		x, y, L := w.Window()
		got = append(got, window{x, y, L})
	}
	if err := w.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != w.Len() {
		t.Errorf("%d windows, Len() = %d", len(got), w.Len())
	}
	return got
}

func TestWindowsValues(t *testing.T) {
	// data [2, 8]: row 0 = 0..7, row 1 = 10..17
	data := []int64{0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17}
	tests := []struct {
		bptt int
		want []window
	}{
		{3, []window{
			{[]int64{0, 1, 2, 10, 11, 12}, []int64{1, 2, 3, 11, 12, 13}, 3},
			{[]int64{3, 4, 5, 13, 14, 15}, []int64{4, 5, 6, 14, 15, 16}, 3},
			{[]int64{6, 16}, []int64{7, 17}, 1},
		}},
		{7, []window{
			{[]int64{0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16}, []int64{1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17}, 7},
		}},
		{100, []window{
			{[]int64{0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16}, []int64{1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17}, 7},
		}},
	}
	for _, tt := range tests {
		got := walk(t, data, 2, 8, tt.bptt)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("bptt %d:\ngot  %v\nwant %v", tt.bptt, got, tt.want)
		}
	}
}

func TestWindowsShapes(t *testing.T) {
	for _, tt := range []struct{ B, N, bptt, windows, lastL int }{
		{1, 2, 1, 1, 1},
		{3, 36, 35, 1, 35},
		{3, 37, 35, 2, 1},
		{4, 100, 10, 10, 9},
		{2, 50, 1, 49, 1},
	} {
		data := iota64(tt.B * tt.N)
		got := walk(t, data, tt.B, tt.N, tt.bptt)
		if len(got) != tt.windows || got[len(got)-1].L != tt.lastL {
			t.Errorf("%+v: %d windows, last L %d", tt, len(got), got[len(got)-1].L)
		}
		seen := 0
		for i, w := range got {
			if len(w.x) != tt.B*w.L || len(w.y) != tt.B*w.L || w.L > tt.bptt {
				t.Fatalf("%+v window %d: len(x) %d, len(y) %d, L %d", tt, i, len(w.x), len(w.y), w.L)
			}
			for j := range w.x {
				if w.y[j] != w.x[j]+1 { // iota data: the target is the next id
					t.Fatalf("%+v window %d: y[%d] = %d for x %d", tt, i, j, w.y[j], w.x[j])
				}
			}
			seen += w.L
		}
		if seen != tt.N-1 { // every input column once
			t.Errorf("%+v: windows cover %d columns, want %d", tt, seen, tt.N-1)
		}
	}
}

func TestWindowsErrors(t *testing.T) {
	tests := []struct {
		data       []int64
		B, N, bptt int
		want       string
	}{
		{iota64(4), 0, 4, 2, "seq: batch size 0 must be positive"},
		{iota64(4), 2, 2, 0, "seq: bptt 0 must be positive"},
		{iota64(5), 2, 2, 3, "seq: data has 5 tokens, not B*N = 2*2"},
		{iota64(3), 3, 1, 3, "seq: 1 tokens per row are too short for one window: need at least 2 per row, 6 in all for 3 rows"},
		{nil, 2, 0, 3, "seq: 0 tokens per row are too short for one window: need at least 2 per row, 4 in all for 2 rows"},
	}
	for _, tt := range tests {
		w := seq.NewWindows(tt.data, tt.B, tt.N, tt.bptt)
		if err := w.Err(); err == nil || err.Error() != tt.want {
			t.Errorf("NewWindows(%d tokens, %d, %d, %d).Err() = %v, want %q", len(tt.data), tt.B, tt.N, tt.bptt, err, tt.want)
		}
		if w.Next() || w.Len() != 0 {
			t.Errorf("NewWindows(%d, %d, %d): Next or Len despite error", tt.B, tt.N, tt.bptt)
		}
	}
}

func ExampleBatchify() {
	stream := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
	data, N, err := seq.Batchify(stream, 3) // [3, N]; 13 and 14 dropped
	if err != nil {
		fmt.Println(err)
		return
	}
	for b := range 3 {
		fmt.Println(data[b*N : (b+1)*N])
	}
	// Output:
	// [1 2 3 4]
	// [5 6 7 8]
	// [9 10 11 12]
}

func ExampleNewWindows() {
	data, N, _ := seq.Batchify([]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2) // [2, 6]
	w := seq.NewWindows(data, 2, N, 3)
	for w.Next() {
		x, y, L := w.Window() // [2, L], [2, L]
		fmt.Println("x", x[:L], x[L:], "y", y[:L], y[L:])
	}
	if err := w.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// x [1 2 3] [7 8 9] y [2 3 4] [8 9 10]
	// x [4 5] [10 11] y [5 6] [11 12]
}
