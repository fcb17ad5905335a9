package lstm

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

func TestParseCell(t *testing.T) {
	for _, c := range []Cell{RNNTanh, RNNReLU, LSTM, GRU} {
		if got, err := ParseCell(string(c)); err != nil || got != c {
			t.Errorf("ParseCell(%q) = %q, %v", c, got, err)
		}
	}
	for _, s := range []string{"", "LSTM", "transformer", "rnn"} {
		if _, err := ParseCell(s); err == nil || !strings.Contains(err.Error(), "rnn_tanh, rnn_relu, lstm or gru") {
			t.Errorf("ParseCell(%q): error %v, want one listing the cells", s, err)
		}
	}
}

// TestUnknownCellIsAnError checks every place that takes a cell: flags,
// Validate, the constructors and a forward pass of a stack whose Cell was
// changed after it was built (never a silent fallback to another cell).
func TestUnknownCellIsAnError(t *testing.T) {
	lockThread(t)
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := DefaultConfig()
	cfg.RegisterFlags(fs)
	if err := fs.Parse([]string{"-cell", "transformer"}); err == nil {
		t.Error("-cell transformer parsed")
	}
	if err := fs.Parse([]string{"-cell", "gru"}); err != nil || cfg.Cell != GRU {
		t.Errorf("-cell gru: cell %q, error %v", cfg.Cell, err)
	}
	cfg = Config{Vocab: 5, Cell: "transformer"}.WithDefaults()
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `"transformer"`) {
		t.Errorf("Validate: %v, want an error naming the cell", err)
	}
	if _, err := NewClassifier(cfg, gotch.CPU); err == nil {
		t.Error("NewClassifier accepted cell transformer")
	}
	if _, err := NewRNN(NewParams(gotch.CPU), "", "transformer", 3, 4, 1, false, 0); err == nil {
		t.Error("NewRNN accepted cell transformer")
	}
	r, err := NewRNN(NewParams(gotch.CPU), "", RNNTanh, 3, 4, 1, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Cell = "transformer"
	x := ts.MustZeros([]int64{2, 5, 3}, gotch.Float, gotch.CPU)
	defer x.MustDrop()
	for _, s := range []Strategy{Packed, Padded} {
		r.Strategy = s
		for _, lengths := range [][]int64{nil, {5, 2}} {
			if _, _, err := r.Forward(x, lengths, State{}, false); err == nil || !strings.Contains(err.Error(), "unknown cell") {
				t.Errorf("%s, lengths %v: forward with an unknown cell: %v", s, lengths, err)
			}
		}
	}
}

// TestCellShapes checks the table's gate counts through the weights'
// shapes, PyTorch's: [gates*hidden, input].
func TestCellShapes(t *testing.T) {
	lockThread(t)
	for cell, gates := range map[Cell]int64{RNNTanh: 1, RNNReLU: 1, LSTM: 4, GRU: 3} {
		p := NewParams(gotch.CPU)
		if _, err := NewRNN(p, "", cell, 3, 5, 1, false, 0); err != nil {
			t.Fatal(err)
		}
		if got := p.Get("weight_ih_l0").MustSize(); got[0] != gates*5 || got[1] != 3 {
			t.Errorf("%s: weight_ih_l0 %v, want [%d 3]", cell, got, gates*5)
		}
	}
}
