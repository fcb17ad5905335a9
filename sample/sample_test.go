package sample

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

func close(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestProbabilities(t *testing.T) {
	logits := []float32{1, 3, 2, 0}
	soft := func(temp float64, idx ...int) []float64 {
		out := make([]float64, len(logits))
		var z float64
		for _, i := range idx {
			out[i] = math.Exp(float64(logits[i]) / temp)
			z += out[i]
		}
		for i := range out {
			out[i] /= z
		}
		return out
	}
	for _, tc := range []struct {
		name string
		o    Options
		want []float64
	}{
		{"softmax", Options{Temperature: 1}, soft(1, 0, 1, 2, 3)},
		{"temperature", Options{Temperature: 0.5}, soft(0.5, 0, 1, 2, 3)},
		{"top-k 2", Options{Temperature: 1, TopK: 2}, soft(1, 1, 2)},
		// softmax(1,3,2,0) = .087 .644 .237 .032: the top two reach 0.88
		{"top-p 0.8", Options{Temperature: 1, TopP: 0.8}, soft(1, 1, 2)},
		{"top-p 0.5", Options{Temperature: 1, TopP: 0.5}, soft(1, 1)},
		{"top-k and top-p", Options{Temperature: 1, TopK: 3, TopP: 0.95}, soft(1, 0, 1, 2)},
	} {
		got := Probabilities(logits, tc.o)
		for i := range got {
			if !close(got[i], tc.want[i]) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}

func TestGreedyIsArgmax(t *testing.T) {
	runtime.LockOSThread()
	x, _ := tensor.Float32([]float32{0.1, 2, -1, 2.5, 0, 0, 7, 1}, []int64{2, 4}, gotch.CPU)
	got, err := Next(x, Options{}, rand.New(rand.NewPCG(1, 1)))
	if err != nil || got[0] != 3 || got[1] != 2 {
		t.Errorf("greedy = %v, %v; want [3 2]", got, err)
	}
}

func TestSamplingFrequenciesAndSeed(t *testing.T) {
	logits := []float32{0, 1, 2}
	o := Options{Temperature: 1}
	want := Probabilities(logits, o)
	rng := rand.New(rand.NewPCG(42, 0))
	counts := make([]float64, 3)
	const n = 200000
	for i := 0; i < n; i++ {
		counts[Pick(logits, o, rng)]++
	}
	for i := range counts {
		if math.Abs(counts[i]/n-want[i]) > 0.005 {
			t.Errorf("frequency of %d: %.4f, want %.4f", i, counts[i]/n, want[i])
		}
	}
	a, b := rand.New(rand.NewPCG(7, 0)), rand.New(rand.NewPCG(7, 0))
	for i := 0; i < 100; i++ {
		if Pick(logits, o, a) != Pick(logits, o, b) {
			t.Fatal("same seed, different draws")
		}
	}
	if Pick(logits, Options{Temperature: 1, TopK: 1}, rng) != 2 {
		t.Error("top-k 1 is not the argmax")
	}
}

func TestValidate(t *testing.T) {
	for _, o := range []Options{{Temperature: -1}, {TopP: 1.5}, {TopK: -2}, {Temperature: math.NaN()}} {
		if o.Validate() == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func TestNeverDrawsExcludedIDs(t *testing.T) {
	runtime.LockOSThread()
	// ids 0 and 1 (<pad>, <unk>) carry most of the mass of both rows.
	x, _ := tensor.Float32([]float32{9, 8, 1, 0, 8, 9, 0, 1}, []int64{2, 4}, gotch.CPU)
	o := Options{Never: []int64{0, 1, 7}} // 7 is out of range: ignored
	got, err := Next(x, o, rand.New(rand.NewPCG(1, 1)))
	if err != nil || got[0] != 2 || got[1] != 3 {
		t.Errorf("greedy without ids 0, 1 = %v, %v; want [2 3]", got, err)
	}
	o.Temperature = 5
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 1000; i++ {
		got, err := Next(x, o, rng)
		if err != nil || got[0] < 2 || got[1] < 2 {
			t.Fatalf("draw %d = %v, %v: an excluded id", i, got, err)
		}
	}
}
