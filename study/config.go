package study

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/torchrnn/torchrnn/lstm"
)

// Config is the gradient study: which cells and lengths, and the training
// budget of each run. A zero field means its default; a nil list too, while
// an empty one means none.
type Config struct {
	Cells     []lstm.Cell `json:"cells"`     // cells to compare
	Lengths   []int       `json:"lengths"`   // sequence lengths T
	ReLU      []int       `json:"relu"`      // lengths of the rnn_relu pair, with and without clipping
	Hidden    int         `json:"hidden"`    // hidden size
	Batch     int         `json:"batch"`     // examples per step (and in the gradient probe), even
	Steps     int         `json:"steps"`     // training steps per run
	Seeds     int         `json:"seeds"`     // runs per cell and length, seeds Seed, Seed+1, ...
	Seed      uint64      `json:"seed"`      // first seed
	LR        float64     `json:"lr"`        // learning rate
	Optimizer string      `json:"optimizer"` // adam or sgd
	Clip      float64     `json:"clip"`      // max gradient norm; negative: no clipping
	Noise     float64     `json:"noise"`     // std of the distractor steps; negative: zeros
	Eval      int         `json:"eval"`      // examples in the accuracy test, even
	Init      Init        `json:"init"`      // memory or pytorch
	GateBias  float64     `json:"gate_bias"` // the memory init's gate bias
	Threads   int         `json:"threads"`   // libtorch CPU threads
	Out       string      `json:"out"`       // folder for gradients.json and gradients.png
}

// DefaultConfig returns the defaults that zero fields take: on a busy
// 2-core CPU the whole study takes about six minutes.
func DefaultConfig() Config {
	return Config{
		Cells:   []lstm.Cell{lstm.RNNTanh, lstm.LSTM, lstm.GRU},
		Lengths: []int{10, 20, 50, 100, 200, 500, 1000},
		ReLU:    []int{50, 100, 200},
		Hidden:  32, Batch: 32, Steps: 100, Seeds: 2, Seed: 1, LR: 1e-2, Optimizer: "adam",
		Clip: 1, Noise: 0.1, Eval: 512, Init: MemoryInit, GateBias: 3, Threads: 1,
	}
}

// WithDefaults fills the zero fields from DefaultConfig.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.Cells == nil {
		c.Cells = d.Cells
	}
	if c.Lengths == nil {
		c.Lengths = d.Lengths
	}
	if c.ReLU == nil {
		c.ReLU = d.ReLU
	}
	zero := func(v *int, dv int) {
		if *v == 0 {
			*v = dv
		}
	}
	zero(&c.Hidden, d.Hidden)
	zero(&c.Batch, d.Batch)
	zero(&c.Steps, d.Steps)
	zero(&c.Seeds, d.Seeds)
	zero(&c.Eval, d.Eval)
	zero(&c.Threads, d.Threads)
	for _, f := range []struct {
		v *float64
		d float64
	}{{&c.LR, d.LR}, {&c.Clip, d.Clip}, {&c.Noise, d.Noise}, {&c.GateBias, d.GateBias}} {
		if *f.v == 0 {
			*f.v = f.d
		}
	}
	if c.Seed == 0 {
		c.Seed = d.Seed
	}
	if c.Optimizer == "" {
		c.Optimizer = d.Optimizer
	}
	if c.Init == "" {
		c.Init = d.Init
	}
	return c
}

// Validate reports the first field out of range, by its flag name.
func (c Config) Validate() error {
	for _, T := range append(append([]int{}, c.Lengths...), c.ReLU...) {
		if T < 1 {
			return fmt.Errorf("study: length %d: must be at least 1", T)
		}
	}
	switch {
	case len(c.Cells) == 0 && len(c.ReLU) == 0:
		return fmt.Errorf("study: -cells: no cell to study")
	case c.Hidden < 1 || c.Steps < 1 || c.Seeds < 1 || c.Threads < 1:
		return fmt.Errorf("study: -hidden %d, -steps %d, -seeds %d, -threads %d: each must be at least 1", c.Hidden, c.Steps, c.Seeds, c.Threads)
	case c.Batch < 2 || c.Batch%2 != 0 || c.Eval < 2 || c.Eval%2 != 0:
		return fmt.Errorf("study: -batch %d, -eval %d: each must be even and at least 2 (half the labels are +1)", c.Batch, c.Eval)
	case !(c.LR > 0):
		return fmt.Errorf("study: -lr %g: must be positive", c.LR)
	case c.Optimizer != "adam" && c.Optimizer != "sgd":
		return fmt.Errorf("study: -optimizer %q: want adam or sgd", c.Optimizer)
	case c.Init != MemoryInit && c.Init != PyTorchInit:
		return fmt.Errorf("study: -init %q: want memory or pytorch", c.Init)
	}
	for _, cell := range c.Cells {
		if cell != lstm.RNNTanh && cell != lstm.RNNReLU && cell != lstm.LSTM && cell != lstm.GRU {
			return fmt.Errorf("study: -cells: %q: want rnn_tanh, rnn_relu, lstm or gru", cell)
		}
	}
	return nil
}

// RegisterFlags binds c's fields to flags of fs, with c's values as defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.Func("cells", fmt.Sprintf("comma-separated cells: rnn_tanh, rnn_relu, lstm, gru (default %s)", joinCells(c.Cells)), func(s string) error {
		cells := []lstm.Cell{}
		for _, f := range splitList(s) {
			cells = append(cells, lstm.Cell(f))
		}
		c.Cells = cells
		return nil
	})
	fs.Func("lengths", fmt.Sprintf("comma-separated sequence lengths T (default %s)", joinInts(c.Lengths)), intList(&c.Lengths))
	fs.Func("relu", fmt.Sprintf("lengths of the rnn_relu pair trained with and without -clip; none: skip it (default %s)", joinInts(c.ReLU)), intList(&c.ReLU))
	fs.IntVar(&c.Hidden, "hidden", c.Hidden, "hidden size")
	fs.IntVar(&c.Batch, "batch", c.Batch, "examples per training step and in the gradient probe (even)")
	fs.IntVar(&c.Steps, "steps", c.Steps, "training steps per run")
	fs.IntVar(&c.Seeds, "seeds", c.Seeds, "runs per cell and length, averaged")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "first seed")
	fs.Float64Var(&c.LR, "lr", c.LR, "learning rate")
	fs.StringVar(&c.Optimizer, "optimizer", c.Optimizer, "adam or sgd")
	fs.Float64Var(&c.Clip, "clip", c.Clip, "clip the gradient norm to this; negative: no clipping")
	fs.Float64Var(&c.Noise, "noise", c.Noise, "standard deviation of the distractor steps; negative: zeros")
	fs.IntVar(&c.Eval, "eval", c.Eval, "examples in each accuracy test (even)")
	fs.Func("init", fmt.Sprintf("memory (gates biased to keep the state, identity rnn_relu) or pytorch (default %s)", c.Init), func(s string) error {
		c.Init = Init(s)
		return nil
	})
	fs.Float64Var(&c.GateBias, "gate-bias", c.GateBias, "memory init: bias added to the LSTM forget and GRU update gates, subtracted from the LSTM input gate (-init pytorch for none)")
	fs.IntVar(&c.Threads, "threads", c.Threads, "libtorch CPU threads")
	fs.StringVar(&c.Out, "out", c.Out, "folder for gradients.json and gradients.png; empty: runs/gradients-<date>-<time>")
}

func intList(dst *[]int) func(string) error {
	return func(s string) error {
		out := []int{}
		for _, f := range splitList(s) {
			n, err := strconv.Atoi(f)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", f)
			}
			out = append(out, n)
		}
		*dst = out
		return nil
	}
}

// splitList splits "a, b,c" at commas; "" and "none" are no items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" && f != "none" {
			out = append(out, f)
		}
	}
	return out
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func joinCells(v []lstm.Cell) string {
	s := make([]string, len(v))
	for i, c := range v {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}
