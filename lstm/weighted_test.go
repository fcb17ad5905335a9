package lstm

import (
	"math"
	"testing"

	"github.com/torchrnn/torchrnn/internal/tensor"
)

// TestWeightedLoss: each example counts by its class's weight, normalised by
// the batch's total weight (PyTorch's weighted cross_entropy), for one logit
// (BCE) and for three classes; no weights is Loss.
func TestWeightedLoss(t *testing.T) {
	lockThread(t)
	dev := device(t)
	for _, c := range []struct {
		name    string
		logits  []float32
		labels  []int64
		weights []float32
		want    float64
	}{
		{"two classes", []float32{0.5, -1, 2}, []int64{1, 0, 0}, []float32{3, 1},
			(1*softplus(-0.5) + 3*softplus(-1) + 3*softplus(2)) / 7},
		{"three classes", []float32{1, 0, -1, 0.5, 0.5, 2}, []int64{0, 2}, []float32{1, 0.5, 4},
			(1*(lse(1, 0, -1)-1) + 4*(lse(0.5, 0.5, 2)-2)) / 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			classes := max(len(c.weights), 2)
			m := &Classifier{Config: Config{Classes: classes}}
			rows := int64(len(c.labels))
			logits := tensor.Val(tensor.Float32(c.logits, []int64{rows, int64(len(c.logits)) / rows}, dev))
			labels := tensor.Val(tensor.Int64(c.labels, []int64{rows}, dev))
			w := tensor.Val(tensor.Float32(c.weights, []int64{int64(len(c.weights))}, dev))
			defer logits.MustDrop()
			defer labels.MustDrop()
			defer w.MustDrop()
			loss, err := m.WeightedLoss(logits, labels, w)
			if err != nil {
				t.Fatal(err)
			}
			if got := loss.Float64Values()[0]; math.Abs(got-c.want) > 1e-5 {
				t.Errorf("weighted loss %.6f, want %.6f", got, c.want)
			}
			plain, err := m.Loss(logits, labels)
			if err != nil {
				t.Fatal(err)
			}
			none, err := m.WeightedLoss(logits, labels, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := plain.Float64Values()[0], none.Float64Values()[0]; a != b || math.Abs(a-c.want) < 1e-3 {
				t.Errorf("no weights %.6f, Loss %.6f (weighted %.6f): want Loss, unlike the weighted", b, a, c.want)
			}
		})
	}
}

func softplus(x float64) float64 { return math.Log1p(math.Exp(x)) } // BCE of label 1 at -x, of label 0 at x

func lse(xs ...float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += math.Exp(x)
	}
	return math.Log(s)
}
