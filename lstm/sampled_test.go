package lstm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
)

// TestSampledSoftmaxDraws checks that Draw follows Q(k) = log((k+2)/(k+1)) /
// log(V+1).
func TestSampledSoftmaxDraws(t *testing.T) {
	const V, draws = 10, 200_000
	s, err := NewSampledSoftmax(V, draws)
	if err == nil {
		t.Fatalf("NewSampledSoftmax(%d, %d) took more negatives than ids", V, draws)
	}
	if s, err = NewSampledSoftmax(V, 5); err != nil {
		t.Fatal(err)
	}
	seen := make([]int, V)
	rng := rand.New(rand.NewPCG(1, 2))
	for range draws / s.S {
		for _, k := range s.Draw(rng) {
			seen[k]++
		}
	}
	for k, n := range seen {
		q := math.Log(float64(k+2)/float64(k+1)) / math.Log(V+1)
		if got := float64(n) / draws; math.Abs(got-q) > 0.005 {
			t.Errorf("id %d drawn %.4f of the time, want Q = %.4f", k, got, q)
		}
	}
}

// TestSampledSoftmaxLoss checks the loss and its gradient against the
// formula computed here in float64: logits <h, W[k]> + b[k] - log(S Q(k))
// for the target (class 0) and each negative, a negative equal to the
// row's target left out.
func TestSampledSoftmaxLoss(t *testing.T) {
	dev := device(t)
	const V, H, B, T = 7, 3, 2, 2
	p := &Params{Device: dev}
	dec := newLinear(p, "decoder", H, V)
	rng := rand.New(rand.NewPCG(3, 4))
	hv := make([]float32, B*T*H)
	for i := range hv {
		hv[i] = float32(rng.NormFloat64())
	}
	h := leafOf(t, hv, []int64{B, T, H}, dev)
	defer h.MustDrop()
	targets := []int64{2, 0, 5, 2}
	negatives := []int64{0, 3, 2, 6, 0} // 2 and 0 are some rows' targets
	s, err := NewSampledSoftmax(V, len(negatives))
	if err != nil {
		t.Fatal(err)
	}
	loss, err := s.Loss(dec, h, targets, negatives)
	if err != nil {
		t.Fatal(err)
	}
	defer loss.MustDrop()
	if err := loss.Backward(); err != nil {
		t.Fatal(err)
	}
	W, b := floats(t, dec.W), floats(t, dec.B)
	gh := grad(t, h)
	defer gh.MustDrop()
	gotGrad := floats(t, gh)
	// The formula, row by row: the loss is the mean of -log softmax(z)[0].
	logCount := func(k int64) float64 {
		return math.Log(float64(len(negatives)) * math.Log(float64(k+2)/float64(k+1)) / math.Log(V+1))
	}
	var want float64
	wantGrad := make([]float64, len(hv))
	for n, y := range targets {
		row := hv[n*H : (n+1)*H]
		ids := append([]int64{y}, negatives...)
		z := make([]float64, len(ids))
		for j, k := range ids {
			z[j] = float64(b[k]) - logCount(k)
			for i := range H {
				z[j] += float64(row[i]) * float64(W[int(k)*H+i])
			}
			if j > 0 && k == y {
				z[j] = math.Inf(-1) // an accidental hit
			}
		}
		var sum float64
		for _, v := range z {
			sum += math.Exp(v - z[0])
		}
		want += math.Log(sum) / float64(len(targets))
		for j, k := range ids { // d loss / d h = sum_j (softmax_j - [j = 0]) W[k] / N
			g := math.Exp(z[j]-z[0]) / sum
			if j == 0 {
				g--
			}
			for i := range H {
				wantGrad[n*H+i] += g * float64(W[int(k)*H+i]) / float64(len(targets))
			}
		}
	}
	if got := loss.Float64Values()[0]; math.Abs(got-want) > 1e-5 {
		t.Errorf("loss %.6f, want %.6f", got, want)
	}
	for i, g := range wantGrad {
		if math.Abs(float64(gotGrad[i])-g) > 1e-5 {
			t.Errorf("d loss / d h[%d] = %.6f, want %.6f", i, gotGrad[i], g)
		}
	}
}

// leafOf is a float32 tensor of data that requires its gradient.
func leafOf(t *testing.T, data []float32, shape []int64, dev gotch.Device) *ts.Tensor {
	t.Helper()
	x, err := tensor.Float32(data, shape, dev)
	if err != nil {
		t.Fatal(err)
	}
	return x.MustSetRequiresGrad(true, true)
}
