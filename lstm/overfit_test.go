package lstm

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/seq"
)

func optimizer(t *testing.T, p *Params, lr float64) *optim.Optimizer {
	t.Helper()
	var ps []optim.Param
	for _, q := range p.List() {
		ps = append(ps, optim.Param{Name: q.Name, Tensor: q.Tensor})
	}
	o, err := optim.New(ps, optim.Config{LR: lr})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestClassifierOverfits drives the loss on 64 fixed examples below 0.05,
// with variable lengths and each strategy.
func TestClassifierOverfits(t *testing.T) {
	for _, strategy := range []Strategy{Padded, Packed} {
		t.Run(string(strategy), func(t *testing.T) {
			runtime.LockOSThread()
			libtorch.Seed(7)
			rng := rand.New(rand.NewPCG(1, 2))
			var seqs [][]int64
			labels := make([]int64, 64)
			for i := range labels {
				s := make([]int64, 5+rng.IntN(16))
				for j := range s {
					s[j] = 1 + rng.Int64N(29)
				}
				seqs, labels[i] = append(seqs, s), rng.Int64N(2)
			}
			flat, lengths, T, err := seq.Pad(seqs, 0, seq.KeepHead, 0)
			if err != nil {
				t.Fatal(err)
			}
			x := must(t)(tensor.Int64(flat, []int64{64, int64(T)}, gotch.CPU))
			y := must(t)(tensor.Int64(labels, []int64{64}, gotch.CPU))
			m, err := NewClassifier(Config{Vocab: 30, Embed: 16, Hidden: 32, Head: 16}, gotch.CPU)
			if err != nil {
				t.Fatal(err)
			}
			m.RNN.Strategy = strategy
			o := optimizer(t, m.Params, 0.01)
			var loss float64
			for step := 0; step < 300 && (step == 0 || loss > 0.05); step++ {
				logits := must(t)(m.Forward(x, lengths, true))
				l := must(t)(m.Loss(logits, y))
				o.ZeroGrad()
				if err := l.Backward(); err != nil {
					t.Fatal(err)
				}
				if err := o.Step(); err != nil {
					t.Fatal(err)
				}
				loss = l.MustFloat64Value([]int64{})
				logits.MustDrop()
				l.MustDrop()
			}
			if loss > 0.05 {
				t.Errorf("loss %.4f after 300 steps, want < 0.05", loss)
			}
		})
	}
}

// TestLMMemorises trains on one short string until greedy decoding from its
// first character gives the string back.
func TestLMMemorises(t *testing.T) {
	runtime.LockOSThread()
	libtorch.Seed(3)
	text := []rune("to be, or not to be: that is the question.")
	index := map[rune]int64{}
	var chars []rune
	var ids []int64
	for _, r := range text {
		if _, ok := index[r]; !ok {
			index[r] = int64(len(chars))
			chars = append(chars, r)
		}
		ids = append(ids, index[r])
	}
	n := int64(len(ids) - 1)
	x := must(t)(tensor.Int64(ids[:n], []int64{1, n}, gotch.CPU))
	y := must(t)(tensor.Int64(ids[1:], []int64{1, n}, gotch.CPU))
	m, err := NewLM(Config{Vocab: len(chars), Embed: 16, Hidden: 64, Cell: GRU}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	o := optimizer(t, m.Params, 0.01)
	for step := 0; step < 300; step++ {
		logits, state, err := m.Forward(x, State{}, true)
		if err != nil {
			t.Fatal(err)
		}
		l := must(t)(m.Loss(logits, y))
		o.ZeroGrad()
		l.MustBackward()
		o.Step()
		logits.MustDrop()
		l.MustDrop()
		state.Drop()
	}
	got := []rune{text[0]}
	tensor.NoGrad(func() {
		var state State
		id := ids[0]
		for len(got) < len(text) {
			in := must(t)(tensor.Int64([]int64{id}, []int64{1}, gotch.CPU))
			logits, next, err := m.Step(in, state)
			if err != nil {
				t.Fatal(err)
			}
			state.Drop()
			state = next
			id = logits.MustArgmax([]int64{1}, false, true).Int64Values()[0]
			got = append(got, chars[id])
		}
	})
	if string(got) != string(text) {
		t.Errorf("greedy decoding gives %q, want %q", string(got), string(text))
	}
}

func must(t *testing.T) func(x *ts.Tensor, err error) *ts.Tensor {
	return func(x *ts.Tensor, err error) *ts.Tensor {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
}
