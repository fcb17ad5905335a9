package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/sample"
)

// TestStreamsMatchForward: B streams fed T tokens one Step at a time give
// the logits and final state of one Forward over the whole [B, T], for
// every cell, one and two layers, one stream and three, through the
// one-call step and through the tensor API.
func TestStreamsMatchForward(t *testing.T) {
	runtime.LockOSThread()
	const V, T = 11, 6
	for _, cell := range []Cell{LSTM, GRU, RNNTanh, RNNReLU} {
		for _, layers := range []int{1, 2} {
			for _, B := range []int{1, 3} {
				for _, viaTensors := range []bool{false, true} {
					name := fmt.Sprintf("%s/layers=%d/B=%d/tensors=%v", cell, layers, B, viaTensors)
					t.Run(name, func(t *testing.T) { checkStreams(t, cell, layers, B, V, T, viaTensors) })
				}
			}
		}
	}
}

func checkStreams(t *testing.T, cell Cell, layers, B, V, T int, viaTensors bool) {
	libtorch.Seed(3)
	m, err := NewLM(Config{Vocab: V, Embed: 5, Hidden: 7, Layers: layers, Cell: cell}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]int64, B*T) // [B, T]
	for i := range ids {
		ids[i] = rng.Int64N(int64(V))
	}
	var want []float32 // [B, T, V]
	var final State
	tensor.NoGrad(func() {
		x := tensor.Must(tensor.Int64(ids, []int64{int64(B), int64(T)}, gotch.CPU))
		defer x.MustDrop()
		logits, next, err := m.Forward(x, State{}, false)
		if err != nil {
			t.Fatal(err)
		}
		defer logits.MustDrop()
		final = next
		want = tensor.Val(tensor.Float32s(logits))
	})
	defer final.Drop()
	s, err := m.NewStreams(tensor.Val(m.RNN.ZeroState(int64(B), gotch.CPU)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Free()
	if got := s.step != nil; got == viaTensors {
		if !viaTensors {
			t.Skipf("the fitted gotch lacks the one-call step: %v", libtorch.ErrNoStep)
		}
		s.step.Free()
		s.step = nil
	}
	step := make([]int64, B)
	for i := 0; i < T; i++ {
		for b := range step {
			step[b] = ids[b*T+i]
		}
		got, err := s.Step(step)
		if err != nil {
			t.Fatal(err)
		}
		for b := 0; b < B; b++ {
			row := want[(b*T+i)*V : (b*T+i+1)*V]
			if d := maxDiff(got[b*V:(b+1)*V], row); d > 1e-5 {
				t.Fatalf("step %d stream %d: logits differ from Forward's by %g", i, b, d)
			}
		}
	}
	if d := maxDiff(tensor.Val(tensor.Float32s(s.state.H)), tensor.Val(tensor.Float32s(final.H))); d > 1e-5 {
		t.Errorf("final H differs from Forward's by %g", d)
	}
	if cell == LSTM {
		if d := maxDiff(tensor.Val(tensor.Float32s(s.state.C)), tensor.Val(tensor.Float32s(final.C))); d > 1e-5 {
			t.Errorf("final C differs from Forward's by %g", d)
		}
	}
}

func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// TestStreamsSampleAsTensorAPI: sampling 400 tokens from the one-call step
// and from the tensor API (LM.Step) gives the same text for the same seed.
func TestStreamsSampleAsTensorAPI(t *testing.T) {
	runtime.LockOSThread()
	libtorch.Seed(5)
	m, err := NewLM(Config{Vocab: 30, Embed: 8, Hidden: 32}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	draw := func(viaTensors bool) string {
		s, err := m.NewStreams(tensor.Val(m.RNN.ZeroState(1, gotch.CPU)))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Free()
		if s.step == nil && !viaTensors {
			t.Skipf("the fitted gotch lacks the one-call step: %v", libtorch.ErrNoStep)
		}
		if viaTensors {
			s.step.Free()
			s.step = nil
		}
		sampler, _ := sample.NewSampler(sample.Options{Temperature: 1.2, Never: []int64{0, 1}})
		rng := rand.New(rand.NewPCG(9, 9))
		var b strings.Builder
		id := []int64{2}
		for i := 0; i < 400; i++ {
			logits, err := s.Step(id)
			if err != nil {
				t.Fatal(err)
			}
			id[0] = int64(sampler.Pick(logits, rng))
			fmt.Fprintf(&b, "%c", 'A'+id[0])
		}
		return b.String()
	}
	fast, slow := draw(false), draw(true)
	if fast != slow {
		t.Errorf("one-call step:\n%s\ntensor API:\n%s", fast, slow)
	}
}

// TestStreamsErrors: a bad id or batch is an error, not a crash.
func TestStreamsErrors(t *testing.T) {
	runtime.LockOSThread()
	m, err := NewLM(Config{Vocab: 10, Embed: 4, Hidden: 6}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewStreams(tensor.Val(m.RNN.ZeroState(2, gotch.CPU)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Free()
	for _, ids := range [][]int64{{1}, {1, 10}, {-1, 0}} {
		if _, err := s.Step(ids); err == nil {
			t.Errorf("Step(%v): no error", ids)
		}
	}
	state := tensor.Val(m.RNN.ZeroState(2, gotch.CPU))
	state.C.MustDrop()
	state.C = nil // an LSTM needs its C
	if _, err := m.NewStreams(state); err == nil {
		t.Error("NewStreams without C: no error")
	}
}
