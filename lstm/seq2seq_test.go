package lstm

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// s2sBatch is a fixed batch: sources of lengths 5, 3, 4 (padding 0) and
// decoder inputs of 4 steps.
func s2sBatch(t *testing.T) (src, tgt *ts.Tensor, lengths []int64) {
	t.Helper()
	src = must(t)(tensor.Int64([]int64{
		3, 4, 5, 6, 7,
		8, 9, 3, 0, 0,
		4, 4, 5, 6, 0}, []int64{3, 5}, gotch.CPU))
	tgt = must(t)(tensor.Int64([]int64{
		2, 5, 6, 7,
		2, 8, 0, 0,
		2, 9, 10, 0}, []int64{3, 4}, gotch.CPU))
	return src, tgt, []int64{5, 3, 4}
}

func s2sModel(t *testing.T, cell Cell, attn Attention, feed bool) *Seq2Seq {
	t.Helper()
	libtorch.Seed(3)
	m, err := NewSeq2Seq(Config{Vocab: 12, TargetVocab: 11, Embed: 8, Hidden: 10, Layers: 2, Cell: cell, Attention: attn, InputFeed: feed, Dropout: 0.1}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Every cell and attention: logits [B, T, V]; the one-step Step, fed the
// same tokens, gives the log-softmax of Forward's logits at every step; the
// parameter count matches NumParams.
func TestSeq2SeqShapesAndSteps(t *testing.T) {
	runtime.LockOSThread()
	src, tgt, lengths := s2sBatch(t)
	for _, cell := range []Cell{RNNTanh, RNNReLU, LSTM, GRU} {
		for _, attn := range []Attention{Additive, General, Dot} {
			for _, feed := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/feed=%v", cell, attn, feed), func(t *testing.T) {
					m := s2sModel(t, cell, attn, feed)
					defer m.Params.Drop()
					if n, err := m.Config.NumParams(Seq2SeqHead); err != nil || n != m.Params.Count() {
						t.Errorf("NumParams %d (%v), Params.Count %d", n, err, m.Params.Count())
					}
					logits := must(t)(m.Forward(src, lengths, tgt, false, 1))
					defer logits.MustDrop()
					if got := tensor.Val(logits.Size()); fmt.Sprint(got) != "[3 4 11]" {
						t.Fatalf("logits %v, want [3 4 11]", got)
					}
					want := must(t)(logits.LogSoftmax(2, gotch.Float, false))
					defer want.MustDrop()
					tensor.NoGrad(func() { checkSteps(t, m, src, tgt, lengths, want) })
				})
			}
		}
	}
}

func checkSteps(t *testing.T, m *Seq2Seq, src, tgt *ts.Tensor, lengths []int64, want *ts.Tensor) {
	t.Helper()
	mem, st, err := m.Encode(src, lengths, false)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.DropAll()
	for step := int64(0); step < 4; step++ {
		tok := must(t)(tgt.Select(1, step, false))
		logp, w, next, err := m.Step(tok, st, mem)
		if err != nil {
			t.Fatal(err)
		}
		st.Drop()
		st = next
		wantStep := must(t)(want.Select(1, step, false))
		diff := must(t)(logp.Sub(wantStep, false))
		if d := maxAbs(t, diff); d > 1e-5 {
			t.Errorf("step %d: Step and Forward differ by %g", step, d)
		}
		checkWeights(t, w, lengths)
		freeAll(tok, logp, w, wantStep, diff)
	}
	st.Drop()
}

// checkWeights: each row of weights [B, S] sums to 1 and is 0 past its
// source's length.
func checkWeights(t *testing.T, w *ts.Tensor, lengths []int64) {
	t.Helper()
	vals := tensor.Val(tensor.Float32s(w))
	S := len(vals) / len(lengths)
	for b, l := range lengths {
		sum := 0.0
		for s := range S {
			v := float64(vals[b*S+s])
			if int64(s) >= l && v != 0 {
				t.Errorf("row %d: weight %g at padding position %d", b, v, s)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("row %d: weights sum to %g", b, sum)
		}
	}
}

func maxAbs(t *testing.T, x *ts.Tensor) float64 {
	vals := tensor.Val(tensor.Float32s(x))
	m := 0.0
	for _, v := range vals {
		m = math.Max(m, math.Abs(float64(v)))
	}
	return m
}

func freeAll(xs ...*ts.Tensor) {
	for _, x := range xs {
		x.MustDrop()
	}
}

// The whole-sequence decoder (no input feeding, teacher forcing) and the
// step-by-step one give the same logits.
func TestSeq2SeqStepwiseEqualsParallel(t *testing.T) {
	runtime.LockOSThread()
	src, tgt, lengths := s2sBatch(t)
	m := s2sModel(t, GRU, Additive, false)
	defer m.Params.Drop()
	tensor.NoGrad(func() {
		a := must(t)(m.Forward(src, lengths, tgt, false, 1))
		mem, st, err := m.Encode(src, lengths, false)
		if err != nil {
			t.Fatal(err)
		}
		b := m.stepwise(tgt, st, mem, false, 1)
		d := maxAbs(t, must(t)(a.Sub(b, false)))
		if d > 1e-5 {
			t.Errorf("parallel and stepwise logits differ by %g", d)
		}
		mem.DropAll()
		st.Drop()
	})
}

// A tiny model learns to copy 3-token sequences: the loss falls below 0.05.
func TestSeq2SeqOverfits(t *testing.T) {
	runtime.LockOSThread()
	libtorch.Seed(1)
	src := must(t)(tensor.Int64([]int64{3, 4, 5, 6, 7, 8, 9, 3, 5, 4, 8, 6}, []int64{4, 3}, gotch.CPU))
	in := must(t)(tensor.Int64([]int64{2, 3, 4, 2, 6, 7, 2, 9, 3, 2, 4, 8}, []int64{4, 3}, gotch.CPU))
	out := must(t)(tensor.Int64([]int64{3, 4, 1, 6, 7, 1, 9, 3, 1, 4, 8, 1}, []int64{4, 3}, gotch.CPU)) // 1 ends
	m, err := NewSeq2Seq(Config{Vocab: 10, TargetVocab: 10, Embed: 16, Hidden: 32, Attention: General}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	o := optimizer(t, m.Params, 0.01)
	var loss float64
	for step := 0; step < 300 && (step == 0 || loss > 0.05); step++ {
		logits := must(t)(m.Forward(src, []int64{3, 3, 3, 3}, in, true, 1))
		l := must(t)(m.Loss(logits, out, 0))
		o.ZeroGrad()
		if err := l.Backward(); err != nil {
			t.Fatal(err)
		}
		if err := o.Step(); err != nil {
			t.Fatal(err)
		}
		loss = tensor.Val(l.Float64Value([]int64{}))
		freeAll(logits, l)
	}
	if loss > 0.05 {
		t.Errorf("loss %.4f after 300 steps, want < 0.05", loss)
	}
}

func TestSeq2SeqConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Vocab: 10, TargetVocab: 10, Hidden: 7}, "must be even"},
		{Config{Vocab: 10, TargetVocab: 1}, "target vocabulary size 1"},
		{Config{Vocab: 10, TargetVocab: 10, Attention: "cosine"}, "attention \"cosine\""},
		{Config{Vocab: 10}, "needs a target vocabulary"},
		{Config{Vocab: 10, TargetVocab: 10, Embed: 8, Hidden: 10, Tie: true}, "tied"},
	} {
		_, err := NewSeq2Seq(c.cfg, gotch.CPU)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
}
