package seq

import (
	"fmt"
	"math"
	"slices"
)

// Batchify cuts a token stream into B parallel rows of N = len(stream)/B
// tokens each, dropping the len(stream) % B tokens at the end. Row b is the
// contiguous chunk stream[b*N:(b+1)*N], so a model carrying its hidden state
// from one window to the next reads each row as one long text. For the
// alphabet and B = 4:
//
//	stream a b c d e f g h i j k l m n o p q r s t u v w x y z
//
//	data [B=4, N=6]       (y z dropped)
//	row 0   a b c d e f
//	row 1   g h i j k l
//	row 2   m n o p q r
//	row 3   s t u v w x
//
// This is word_language_model's batchify, but batch-first: data is
// row-major [B, N] (row b is data[b*N:(b+1)*N]) where batchify returns its
// transpose. Rows are independent: the model never learns that f precedes g.
// data is a copy; stream is not modified. A row needs at least 2 tokens (an
// input and its target), so the stream needs at least 2*B: a larger B is an
// error, not clamped, since B is the model's batch dimension.
func Batchify(stream []int64, B int) (data []int64, N int, err error) {
	if B <= 0 {
		return nil, 0, fmt.Errorf("seq: batch size %d must be positive", B)
	}
	if B > len(stream)/2 { // len(stream) < 2*B, without overflow
		return nil, 0, fmt.Errorf("seq: stream of %d tokens is too short for %d rows: need at least %s (2 per row)",
			len(stream), B, twice(B))
	}
	N = len(stream) / B
	return slices.Clone(stream[:B*N]), N, nil // [B, N]
}

// Windows walks Batchify's [B, N] data in windows of at most bptt steps for
// truncated backpropagation through time. Window i starts at column s = i*bptt
// and has L = min(bptt, N-1-s) columns; its targets are its inputs shifted one
// step left, so the last column of data is only ever a target. For B = 2,
// N = 8, bptt = 3:
//
//	data    a b c d e f g h
//	        i j k l m n o p
//
//	window  x [2, L]   y [2, L]   L
//	0       a b c      b c d      3
//	        i j k      j k l
//	1       d e f      e f g      3
//	        l m n      m n o
//	2       g          h          1   (the last window may be shorter)
//	        o          p
//
// Use it like bufio.Scanner:
//
//	w := seq.NewWindows(data, B, N, bptt)
//	for w.Next() {
//		x, y, L := w.Window() // [B, L], [B, L]
//	}
//	if err := w.Err(); err != nil { ... }
type Windows struct {
	data []int64
	b, n int
	bptt int
	next int // first column of the next window
	x, y []int64
	l    int
	err  error
}

// NewWindows returns an iterator over the BPTT windows of data, a row-major
// [B, N] slice such as [Batchify] returns. Invalid arguments (B <= 0,
// bptt <= 0, len(data) != B*N, N < 2) make Next return false at once and
// Err report why; Err may be checked before the first Next. A bptt of N-1
// or more gives one window of all N-1 input columns.
func NewWindows(data []int64, B, N, bptt int) *Windows {
	w := &Windows{data: data, b: B, n: N, bptt: bptt}
	switch {
	case B <= 0:
		w.err = fmt.Errorf("seq: batch size %d must be positive", B)
	case bptt <= 0:
		w.err = fmt.Errorf("seq: bptt %d must be positive", bptt)
	case N < 0 || N > 0 && B > math.MaxInt/N || len(data) != B*N:
		w.err = fmt.Errorf("seq: data has %d tokens, not B*N = %d*%d", len(data), B, N)
	case N < 2:
		w.err = fmt.Errorf("seq: %d tokens per row are too short for one window: need at least 2 per row, %s in all for %d rows",
			N, twice(B), B)
	}
	return w
}

// twice formats 2*B, which may not fit an int.
func twice(B int) string {
	if B > math.MaxInt/2 {
		return fmt.Sprintf("2*%d", B)
	}
	return fmt.Sprint(2 * B)
}

// Len returns the number of windows in a full pass: ceil((N-1) / bptt).
func (w *Windows) Len() int {
	if w.err != nil {
		return 0
	}
	return ceilDiv(w.n-1, w.bptt)
}

// Next advances to the next window, reporting whether there is one.
func (w *Windows) Next() bool {
	if w.err != nil {
		return false
	}
	s := w.next
	if s >= w.n-1 {
		w.x, w.y, w.l = nil, nil, 0
		return false
	}
	w.l = min(w.bptt, w.n-1-s)
	w.next = s + w.l
	w.x = make([]int64, w.b*w.l) // [B, L]
	w.y = make([]int64, w.b*w.l) // [B, L]
	for r := range w.b {
		row := w.data[r*w.n : (r+1)*w.n]
		copy(w.x[r*w.l:], row[s:s+w.l])     // data[r, s:s+L]
		copy(w.y[r*w.l:], row[s+1:s+1+w.l]) // data[r, s+1:s+1+L]
	}
	return true
}

// Window returns the current window: inputs x and targets y, both row-major
// [B, L], where y[b, t] is the token after x[b, t]. The slices are fresh
// copies the caller may keep.
func (w *Windows) Window() (x, y []int64, L int) {
	return w.x, w.y, w.l
}

// Err returns the configuration error, if any. Walking valid data never fails.
func (w *Windows) Err() error {
	return w.err
}
