package seq_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/seq"
)

func TestPad(t *testing.T) {
	tests := []struct {
		name    string
		seqs    [][]int64
		p       seq.Padding
		ids     []int64
		lengths []int64
		T       int
	}{
		{"no truncation", [][]int64{{1, 2, 3}, {4}}, seq.Padding{PadID: 9},
			[]int64{1, 2, 3, 4, 9, 9}, []int64{3, 1}, 3},
		{"keep head", [][]int64{{1, 2, 3, 4, 5}, {6, 7}}, seq.Padding{MaxLen: 3},
			[]int64{1, 2, 3, 6, 7, 0}, []int64{3, 2}, 3},
		{"keep tail", [][]int64{{1, 2, 3, 4, 5}, {6, 7}}, seq.Padding{MaxLen: 3, Truncate: seq.KeepTail},
			[]int64{3, 4, 5, 6, 7, 0}, []int64{3, 2}, 3},
		{"T below MaxLen", [][]int64{{1, 2}, {3}}, seq.Padding{MaxLen: 10, PadID: -1},
			[]int64{1, 2, 3, -1}, []int64{2, 1}, 2},
		{"exactly MaxLen", [][]int64{{1, 2}}, seq.Padding{MaxLen: 2, Truncate: seq.KeepTail},
			[]int64{1, 2}, []int64{2}, 2},
		{"zero MaxLen keeps all", [][]int64{{1, 2, 3}}, seq.Padding{MaxLen: 0},
			[]int64{1, 2, 3}, []int64{3}, 3},
		{"MaxLen 2^62", [][]int64{{1, 2, 3}, {4}}, seq.Padding{MaxLen: 1 << 62, Truncate: seq.KeepTail},
			[]int64{1, 2, 3, 4, 0, 0}, []int64{3, 1}, 3},
		{"MaxLen MaxInt", [][]int64{{1, 2, 3}, {4}}, seq.Padding{MaxLen: math.MaxInt},
			[]int64{1, 2, 3, 4, 0, 0}, []int64{3, 1}, 3},
		{"empty as pad", [][]int64{{1, 2}, {}}, seq.Padding{PadID: 7, Empty: seq.PadEmpty},
			[]int64{1, 2, 7, 7}, []int64{2, 1}, 2},
		{"all empty as pad", [][]int64{{}, {}}, seq.Padding{PadID: 7, Empty: seq.PadEmpty},
			[]int64{7, 7}, []int64{1, 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, lengths, T, err := tt.p.Pad(tt.seqs)
			if err != nil {
				t.Fatal(err)
			}
			if T != tt.T || !slices.Equal(ids, tt.ids) || !slices.Equal(lengths, tt.lengths) {
				t.Errorf("got ids %v lengths %v T %d, want %v %v %d", ids, lengths, T, tt.ids, tt.lengths, tt.T)
			}
			// Shape then PadInto over memory holding anything give the same.
			lengths, T, err = tt.p.Shape(tt.seqs)
			into := slices.Repeat([]int64{-99}, len(tt.seqs)*T)
			if err != nil || T != tt.T || !slices.Equal(lengths, tt.lengths) {
				t.Errorf("Shape: lengths %v T %d error %v", lengths, T, err)
			} else if err := tt.p.PadInto(into, tt.seqs, T); err != nil || !slices.Equal(into, tt.ids) {
				t.Errorf("PadInto: %v, error %v", into, err)
			}
		})
	}
}

// PadInto fails as Pad does, and on a width or a length that does not fit,
// leaving ids unchanged.
func TestPadIntoErrors(t *testing.T) {
	seqs := [][]int64{{1, 2, 3}, {4}}
	for _, c := range []struct {
		p    seq.Padding
		seqs [][]int64
		n, T int
		want string
	}{
		{seq.Padding{}, seqs, 4, 2, "seq: 4 values of width 2 for 2 sequences, want width >= 3 and width*2 values"},
		{seq.Padding{}, seqs, 5, 3, "seq: 5 values of width 3 for 2 sequences, want width >= 3 and width*2 values"},
		{seq.Padding{MaxLen: -1}, seqs, 6, 3, "seq: maximum length -1 must not be negative (0 keeps all)"},
		{seq.Padding{}, [][]int64{{1}, {}}, 2, 1, "seq: sequence 1 of batch is empty"},
	} {
		ids := slices.Repeat([]int64{-99}, c.n)
		if err := c.p.PadInto(ids, c.seqs, c.T); err == nil || err.Error() != c.want {
			t.Errorf("%d values, T %d: error %v, want %q", c.n, c.T, err, c.want)
		}
		if slices.ContainsFunc(ids, func(v int64) bool { return v != -99 }) {
			t.Errorf("%d values, T %d: ids changed: %v", c.n, c.T, ids)
		}
	}
	wide := make([]int64, 2*5) // a width above Shape's is allowed
	if err := (seq.Padding{PadID: 7}).PadInto(wide, seqs, 5); err != nil || !slices.Equal(wide, []int64{1, 2, 3, 7, 7, 4, 7, 7, 7, 7}) {
		t.Errorf("width 5: %v, error %v", wide, err)
	}
}

func TestPadDoesNotModifyInput(t *testing.T) {
	in := [][]int64{{1, 2, 3}, {4}}
	ids, _, _, err := seq.Pad(in, 0, seq.KeepHead, 0)
	if err != nil {
		t.Fatal(err)
	}
	ids[0] = 100
	if in[0][0] != 1 || len(in[1]) != 1 {
		t.Errorf("input changed: %v", in)
	}
}

func TestPadErrors(t *testing.T) {
	tests := []struct {
		name string
		seqs [][]int64
		p    seq.Padding
		want string
	}{
		{"empty sequence", [][]int64{{1}, {2}, {3}, {}}, seq.Padding{}, "seq: sequence 3 of batch is empty"},
		{"empty batch", nil, seq.Padding{}, "seq: no sequences to pad"},
		{"MaxLen -1", [][]int64{{1}}, seq.Padding{MaxLen: -1}, "seq: maximum length -1 must not be negative (0 keeps all)"},
		{"MaxLen MinInt", [][]int64{{1}}, seq.Padding{MaxLen: math.MinInt},
			"seq: maximum length -9223372036854775808 must not be negative (0 keeps all)"},
		{"bad truncation", [][]int64{{1}}, seq.Padding{Truncate: 5}, "seq: unknown truncation Truncate(5)"},
		{"bad empty policy", [][]int64{{1}}, seq.Padding{Empty: 5}, "seq: unknown empty-sequence policy 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, lengths, T, err := tt.p.Pad(tt.seqs)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if ids != nil || lengths != nil || T != 0 {
				t.Errorf("results on error: %v %v %d", ids, lengths, T)
			}
		})
	}
}

func TestPadEmptySequenceError(t *testing.T) {
	_, _, _, err := seq.Pad([][]int64{{1}, {}}, 0, seq.KeepHead, 0)
	var e *seq.EmptySequenceError
	if !errors.As(err, &e) || e.Index != 1 {
		t.Fatalf("err = %v, want *EmptySequenceError at 1", err)
	}
}

func TestTruncateString(t *testing.T) {
	for tr, want := range map[seq.Truncate]string{seq.KeepHead: "KeepHead", seq.KeepTail: "KeepTail", 7: "Truncate(7)"} {
		if got := tr.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(tr), got, want)
		}
	}
}

// FuzzPad splits data into sequences at zero bytes (so runs of zeros make
// empty sequences) and checks Pad's invariants against a direct model.
func FuzzPad(f *testing.F) {
	f.Add([]byte{1, 2, 3, 0, 4}, 2, false, false)
	f.Add([]byte{0, 0, 5}, 0, true, true)
	f.Add([]byte{}, -3, true, false)
	f.Add([]byte{1, 2}, math.MaxInt, true, false)
	f.Fuzz(func(t *testing.T, data []byte, maxLen int, tail, padEmpty bool) {
		var seqs [][]int64
		cur := []int64{}
		for _, c := range data {
			if c == 0 {
				seqs, cur = append(seqs, cur), []int64{}
				continue
			}
			cur = append(cur, int64(c))
		}
		seqs = append(seqs, cur)
		p := seq.Padding{MaxLen: maxLen, PadID: -1}
		if tail {
			p.Truncate = seq.KeepTail
		}
		if padEmpty {
			p.Empty = seq.PadEmpty
		}
		ids, lengths, T, err := p.Pad(seqs)
		if maxLen < 0 {
			if err == nil {
				t.Fatalf("MaxLen %d: no error", maxLen)
			}
			return
		}
		if err != nil {
			var e *seq.EmptySequenceError
			if padEmpty || !errors.As(err, &e) || len(seqs[e.Index]) != 0 {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkPadded(t, p, seqs, ids, lengths, T)
	})
}

func checkPadded(t *testing.T, p seq.Padding, seqs [][]int64, ids, lengths []int64, T int) {
	t.Helper()
	if len(lengths) != len(seqs) || len(ids) != len(seqs)*T {
		t.Fatalf("shapes: %d lengths, %d ids, T %d for %d seqs", len(lengths), len(ids), T, len(seqs))
	}
	if slices.Max(lengths) != int64(T) {
		t.Fatalf("T %d is not the longest length %d", T, slices.Max(lengths))
	}
	for b, s := range seqs {
		want := s
		if p.MaxLen > 0 && len(s) > p.MaxLen {
			want = s[:p.MaxLen]
			if p.Truncate == seq.KeepTail {
				want = s[len(s)-p.MaxLen:]
			}
		}
		row := ids[b*T : (b+1)*T]
		if lengths[b] != int64(max(len(want), 1)) || !slices.Equal(row[:len(want)], want) {
			t.Fatalf("row %d = %v (length %d), want %v", b, row, lengths[b], want)
		}
		for _, id := range row[len(want):] {
			if id != p.PadID {
				t.Fatalf("row %d = %v: padding is not %d", b, row, p.PadID)
			}
		}
	}
}

func ExamplePad() {
	reviews := [][]int64{
		{11, 12, 13, 14, 15, 16},
		{21, 22},
		{31, 32, 33},
	}
	ids, lengths, T, err := seq.Pad(reviews, 4, seq.KeepTail, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for b := range lengths {
		fmt.Println(ids[b*T:(b+1)*T], lengths[b]) // row b of [B, T]
	}
	_, _, _, err = seq.Pad([][]int64{{1}, {}}, 4, seq.KeepTail, 0)
	fmt.Println(err)
	// Output:
	// [13 14 15 16] 4
	// [21 22 0 0] 2
	// [31 32 33 0] 3
	// seq: sequence 1 of batch is empty
}

func ExamplePadding_Pad() {
	p := seq.Padding{MaxLen: 3, PadID: -1, Empty: seq.PadEmpty}
	ids, lengths, T, _ := p.Pad([][]int64{{1, 2, 3, 4}, {}})
	fmt.Println(ids, lengths, T)
	// Output:
	// [1 2 3 -1 -1 -1] [3 1] 3
}

// Shape then PadInto write a batch into memory the caller has, such as a
// tensor's (tensor.Int64Fill in torchrnn's trainer).
func ExamplePadding_PadInto() {
	p := seq.Padding{MaxLen: 3, Truncate: seq.KeepTail, PadID: 0}
	reviews := [][]int64{{1, 2, 3, 4}, {5}}
	lengths, T, err := p.Shape(reviews)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids := make([]int64, len(reviews)*T) // [B, T]: a tensor's memory, say
	if err := p.PadInto(ids, reviews, T); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ids, lengths, T)
	// Output:
	// [2 3 4 5 0 0] [3 1] 3
}
