package lstm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// TestInitialStateShape gives each strategy initial states of the wrong
// shape: each must be an error naming the shape wanted and the one given
// (the packed path used to take the first rows of a state too large).
func TestInitialStateShape(t *testing.T) {
	lockThread(t)
	const B, T, In, H = 3, 5, 2, 4
	for _, cell := range []Cell{LSTM, GRU} {
		for _, bi := range []bool{false, true} {
			r, err := NewRNN(NewParams(gotch.CPU), "", cell, In, H, 2, bi, 0)
			if err != nil {
				t.Fatal(err)
			}
			LD := 2 * r.Dirs
			x := ts.MustRandn([]int64{B, T, In}, gotch.Float, gotch.CPU)
			defer x.MustDrop()
			for _, shape := range [][]int64{{LD, B + 1, H}, {LD, B - 1, H}, {LD + 1, B, H}, {LD, B, H + 1}, {B, H}} {
				h := ts.MustZeros(shape, gotch.Float, gotch.CPU)
				defer h.MustDrop()
				state := State{H: h}
				if cell == LSTM {
					state.C = h
				}
				for _, s := range []Strategy{Packed, Padded} {
					r.Strategy = s
					for _, lengths := range [][]int64{nil, {5, 2, 4}} {
						_, _, err := r.Forward(x, lengths, state, false)
						want, got := fmt.Sprint([]int64{LD, B, H}), fmt.Sprint(shape)
						if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), got) {
							t.Errorf("%s bi=%v %s lengths %v: state %v: error %v, want one naming %s and %s",
								cell, bi, s, lengths, shape, err, want, got)
						}
					}
				}
			}
		}
	}
}

// TestIncompleteState gives an LSTM H without C and C without H, and a GRU
// a C: each is an error, not a nil pointer or a C silently dropped.
func TestIncompleteState(t *testing.T) {
	lockThread(t)
	const B, T, In, H = 2, 4, 3, 5
	x := ts.MustRandn([]int64{B, T, In}, gotch.Float, gotch.CPU)
	defer x.MustDrop()
	z := ts.MustZeros([]int64{1, B, H}, gotch.Float, gotch.CPU)
	defer z.MustDrop()
	for _, tc := range []struct {
		cell  Cell
		state State
		want  string
	}{
		{LSTM, State{H: z}, "no C"},
		{LSTM, State{C: z}, "no H"},
		{GRU, State{H: z, C: z}, "no C"},
		{RNNTanh, State{C: z}, "no H"},
	} {
		r, err := NewRNN(NewParams(gotch.CPU), "", tc.cell, In, H, 1, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []Strategy{Packed, Padded} {
			r.Strategy = s
			for _, lengths := range [][]int64{nil, {4, 2}} {
				var err error
				func() {
					defer func() {
						if p := recover(); p != nil {
							err = fmt.Errorf("panic: %v", p)
						}
					}()
					_, _, err = r.Forward(x, lengths, tc.state, false)
				}()
				if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "panic") {
					t.Errorf("%s %s lengths %v, H set %v, C set %v: error %v, want one saying %q",
						tc.cell, s, lengths, tc.state.H != nil, tc.state.C != nil, err, tc.want)
				}
			}
		}
	}
}
