package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/train"
)

func TestJobs(t *testing.T) {
	for _, tc := range []struct {
		clip float64
		want string
	}{
		{2, "lstm/5/2 lstm/9/2 gru/5/2 gru/9/2 rnn_relu clip/7/2 rnn_relu no clip/7/0"},
		{-1, "lstm/5/0 lstm/9/0 gru/5/0 gru/9/0 rnn_relu clip/7/1 rnn_relu no clip/7/0"},
	} {
		cfg := Config{Cells: []lstm.Cell{lstm.LSTM, lstm.GRU}, Lengths: []int{5, 9}, ReLU: []int{7}, Clip: tc.clip}
		var got []string
		for _, j := range jobs(cfg) {
			got = append(got, fmt.Sprintf("%s/%d/%g", j.name, j.T, j.clip))
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("clip %g:\n got %s\nwant %s", tc.clip, s, tc.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		ok   bool
	}{
		{"defaults", func(*Config) {}, true},
		{"no relu pair", func(c *Config) { c.ReLU = []int{} }, true},
		{"length 0", func(c *Config) { c.Lengths = []int{10, 0} }, false},
		{"odd batch", func(c *Config) { c.Batch = 5 }, false},
		{"odd eval", func(c *Config) { c.Eval = 7 }, false},
		{"bad cell", func(c *Config) { c.Cells = []lstm.Cell{"transformer"} }, false},
		{"nothing", func(c *Config) { c.Cells, c.ReLU = []lstm.Cell{}, []int{} }, false},
		{"bad init", func(c *Config) { c.Init = "xavier" }, false},
		{"negative lr", func(c *Config) { c.LR = -1 }, false},
		{"bad optimizer", func(c *Config) { c.Optimizer = "lbfgs" }, false},
	} {
		c := Config{}
		tc.edit(&c)
		if err := c.WithDefaults().Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestRunTiny runs the whole study at toy sizes and checks its rows.
func TestRunTiny(t *testing.T) {
	runtime.LockOSThread()
	cfg := Config{Cells: []lstm.Cell{lstm.RNNTanh, lstm.LSTM}, Lengths: []int{3}, ReLU: []int{4},
		Hidden: 4, Batch: 4, Steps: 3, Seeds: 2, Eval: 8}
	var log bytes.Buffer
	rep, err := Run(context.Background(), cfg, &log)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"rnn_tanh", "lstm", "rnn_relu clip", "rnn_relu no clip"}
	if len(rep.Rows) != len(names) {
		t.Fatalf("%d rows, want %d", len(rep.Rows), len(names))
	}
	for i, r := range rep.Rows {
		if r.Name != names[i] || len(r.Runs) != 2 || r.Runs[0].Seed == r.Runs[1].Seed || !(r.Init.Input0 > 0) {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	if lines := strings.Count(log.String(), "\n"); lines != 1+len(names) {
		t.Errorf("log has %d lines, want a header and a line per row:\n%s", lines, log.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, cfg, &log); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
	var usage train.UsageError
	if _, err := Run(context.Background(), Config{Batch: 3}, &log); !errors.As(err, &usage) {
		t.Errorf("odd batch: %v, want a usage error", err)
	}
}
