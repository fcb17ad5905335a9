package study

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
)

func TestNumJSON(t *testing.T) {
	for _, v := range []float64{0, 1.5e-40, -3, math.Inf(1), math.Inf(-1)} {
		b, err := json.Marshal(Num(v))
		if err != nil {
			t.Fatal(err)
		}
		var back Num
		if err := json.Unmarshal(b, &back); err != nil || float64(back) != v {
			t.Errorf("%g -> %s -> %g (%v)", v, b, back, err)
		}
	}
	b, _ := json.Marshal(Num(math.NaN()))
	var back Num
	if err := json.Unmarshal(b, &back); string(b) != "null" || err != nil || !math.IsNaN(float64(back)) {
		t.Errorf("NaN -> %s -> %g (%v)", b, back, err)
	}
}

// smallReport is a small study with an underflow, a divergence and a NaN.
func smallReport() *Report {
	cfg := DefaultConfig()
	cfg.Lengths, cfg.ReLU, cfg.Cells = []int{10, 100}, []int{100}, []lstm.Cell{lstm.RNNTanh}
	rows := []Row{
		{Name: "rnn_tanh", T: 10, Init: Norms{Input0: 1e-3, WHH: 0.02}, Trained: Norms{Input0: 2e-5, WHH: 1e-3}, Accuracy: 1, MaxNorm: 1.2, Runs: make([]Result, 2)},
		{Name: "rnn_tanh", T: 100, Init: Norms{WHH: 0.01}, Accuracy: 0.5, MaxNorm: 0.1, Runs: make([]Result, 2)},
		{Name: "rnn_relu no clip", T: 100, Init: Norms{Input0: 2e-3, WHH: 0.9}, Trained: Norms{Input0: Num(math.NaN())}, Accuracy: 0.5, MaxNorm: Num(math.Inf(1)), Diverged: 1, Runs: make([]Result, 2)},
	}
	return &Report{Config: cfg, Rows: rows}
}

func TestReportTable(t *testing.T) {
	var b bytes.Buffer
	if err := smallReport().Table(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	want := [][]string{
		{"cell", "T", "x0 init", "Whh init", "x0 trained", "Whh trained", "max|g|", "acc", "div", "time"},
		{"rnn_tanh", "10", "1.00e-03", "2.00e-02", "2.00e-05", "1.00e-03", "1.20e+00", "100.0%", "0/2"},
		{"rnn_tanh", "100", " 0 ", "1.00e-02", "50.0%"},
		{"rnn_relu no clip", "100", "NaN", "+Inf", "1/2"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), b.String())
	}
	for i, fields := range want {
		if len(lines[i]) != len(lines[0]) {
			t.Errorf("line %d is %d wide, the header %d", i, len(lines[i]), len(lines[0]))
		}
		for _, f := range fields {
			if !strings.Contains(lines[i], f) {
				t.Errorf("line %q lacks %q", lines[i], f)
			}
		}
	}
}

func TestReportSave(t *testing.T) {
	dir := t.TempDir()
	if err := smallReport().Save(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, GradientsJSON))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != 3 || !math.IsInf(float64(back.Rows[2].MaxNorm), 1) || back.Rows[1].Init.Input0 != 0 {
		t.Errorf("rows read back: %+v", back.Rows)
	}
	if st, err := os.Stat(filepath.Join(dir, GradientsPNG)); err != nil || st.Size() == 0 {
		t.Errorf("%s: %v", GradientsPNG, err)
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{clock(4.25), "4.2s"}, {clock(187), "3m07s"}, {clock(3725), "1h02m"},
		{sci(0), "0"}, {sci(1.5e-20), "1.50e-20"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
