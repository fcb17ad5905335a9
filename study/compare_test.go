package study

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/rundir"
	"github.com/torchrnn/torchrnn/train"
)

// TestCompareDryRun compares two cells with one batch per phase and
// checks the folders, compare.json and the table.
func TestCompareDryRun(t *testing.T) {
	runtime.LockOSThread()
	dir := filepath.Join(t.TempDir(), "cmp")
	cfg := train.DefaultConfig("classify")
	cfg.Out, cfg.MaxLen, cfg.Epochs, cfg.Batch, cfg.DryRun = dir, 30, 2, 32, true
	model := lstm.Config{Embed: 8, Hidden: 8, Head: 4}
	cmp, err := Compare(context.Background(), cfg, model, []lstm.Cell{lstm.RNNTanh, lstm.GRU}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var saved Comparison
	b, err := os.ReadFile(filepath.Join(dir, CompareJSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	if len(saved.Entries) != 2 || saved.Entries[0].Name != "rnn_tanh" || saved.Entries[1].Name != "gru" {
		t.Fatalf("compare.json entries %+v, want rnn_tanh and gru", saved.Entries)
	}
	for _, e := range saved.Entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name, rundir.StateFile)); err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
		if e.Epochs != 1 || len(e.ValidAcc) != 1 || e.Parameters <= 0 || !(e.TestLoss > 0) || e.Seconds <= 0 {
			t.Errorf("%s: %+v", e.Name, e)
		}
	}
	// rnn_tanh has one block of weights, the GRU three: 2 x (E*H + H*H + 2H) more.
	if d, want := saved.Entries[1].Parameters-saved.Entries[0].Parameters, int64(2*(8*8+8*8+2*8)); d != want {
		t.Errorf("gru has %d parameters more than rnn_tanh, want %d", d, want)
	}
	if _, err := os.Stat(filepath.Join(dir, ComparePNG)); err != nil {
		t.Error(err)
	}
	var table bytes.Buffer
	if err := cmp.Table(&table); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "cell") || !strings.HasPrefix(lines[1], "rnn_tanh") || !strings.HasPrefix(lines[2], "gru") {
		t.Errorf("table:\n%s", table.String())
	}
	for _, col := range []string{"parameters", "epochs", "time", "tok/s", "best valid", "test acc"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("table header %q lacks %q", lines[0], col)
		}
	}
	var usage train.UsageError
	if _, err := Compare(context.Background(), cfg, model, []lstm.Cell{lstm.LSTM}, io.Discard); !errors.As(err, &usage) {
		t.Errorf("comparing into a finished comparison: %v, want a usage error", err)
	}
}

func TestEntries(t *testing.T) {
	cells := []lstm.Cell{lstm.RNNTanh, lstm.LSTM}
	for _, tc := range []struct {
		bi   bool
		want string
	}{{false, "rnn_tanh lstm"}, {true, "rnn_tanh lstm rnn_tanh-bi lstm-bi"}} {
		var names []string
		for _, e := range entries(cells, tc.bi) {
			if e.Bidirectional != strings.HasSuffix(e.Name, "-bi") {
				t.Errorf("%s: bidirectional %v", e.Name, e.Bidirectional)
			}
			names = append(names, e.Name)
		}
		if got := strings.Join(names, " "); got != tc.want {
			t.Errorf("bi=%v: %s, want %s", tc.bi, got, tc.want)
		}
	}
}
