package torch

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

func TestRoundTrip(t *testing.T) {
	LockThread() // libtorch keeps errors per thread: see the package doc
	ids, err := FromInt64s([]int64{1, 2, 3, 4, 5, 6}, CPU, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer Free(ids)
	if s, _ := Shape(ids); !slices.Equal(s, []int64{2, 3}) {
		t.Fatalf("shape %v, want [2 3]", s)
	}
	back, err := Int64s(ids)
	if err != nil || !slices.Equal(back, []int64{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("Int64s = %v, %v", back, err)
	}
	f, err := FromFloat32s([]float32{0.5, -1.25, 3}, CPU)
	if err != nil {
		t.Fatal(err)
	}
	defer Free(f)
	if got, _ := Float32s(f); !slices.Equal(got, []float32{0.5, -1.25, 3}) {
		t.Fatalf("Float32s = %v", got)
	}
	if got, _ := Int64s(f); !slices.Equal(got, []int64{0, -1, 3}) {
		t.Fatalf("Int64s of floats = %v, want truncation [0 -1 3]", got)
	}
	if _, err := FromInt64s([]int64{1, 2, 3}, CPU, 2, 2); err == nil {
		t.Fatal("3 values for shape [2 2]: no error")
	}
	one, _ := FromFloat32s([]float32{2.5}, CPU, 1)
	defer Free(one)
	if v, err := Item(one); err != nil || v != 2.5 {
		t.Fatalf("Item = %v, %v", v, err)
	}
	if _, err := Item(f); err == nil {
		t.Fatal("Item of 3 elements: no error")
	}
	Free(nil, one) // nil and double frees are skipped
}

// crossEntropy is the reference: -log softmax(row)[target], averaged over
// the targets that are not ignored.
func crossEntropy(logits [][]float64, targets []int64, ignore int64) float64 {
	var sum float64
	var n int
	for i, row := range logits {
		if targets[i] == ignore {
			continue
		}
		m := slices.Max(row)
		var z float64
		for _, v := range row {
			z += math.Exp(v - m)
		}
		sum += -(row[targets[i]] - m - math.Log(z))
		n++
	}
	return sum / float64(n)
}

func TestCrossEntropyIgnoresPadding(t *testing.T) {
	LockThread()
	rows := [][]float64{{1, 2, 0.5}, {0.1, -1, 3}, {2, 2, 2}, {-0.5, 0.25, 1}}
	targets := []int64{1, 2, 0, 0} // [2, 2] with the last step padding (id 0)
	var flat []float32
	for _, r := range rows {
		for _, v := range r {
			flat = append(flat, float32(v))
		}
	}
	logits, _ := FromFloat32s(flat, CPU, 2, 2, 3)
	y, _ := FromInt64s(targets, CPU, 2, 2)
	defer Free(logits, y)
	for _, ignore := range []int64{0, NoIgnore} {
		loss, err := CrossEntropy(logits, y, ignore)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := Item(loss)
		Free(loss)
		want := crossEntropy(rows, targets, ignore)
		if math.Abs(got-want) > 1e-6 {
			t.Errorf("ignore %d: loss %v, want %v", ignore, got, want)
		}
	}
	bad, _ := FromInt64s([]int64{1, 2, 0}, CPU)
	defer Free(bad)
	if _, err := CrossEntropy(logits, bad, NoIgnore); err == nil || !strings.Contains(err.Error(), "targets") {
		t.Fatalf("mismatched shapes: err %v", err)
	}
}

func TestBCEWithLogits(t *testing.T) {
	LockThread()
	x := []float64{-2, 0.5, 3}
	labels := []int64{0, 1, 0}
	logits, _ := FromFloat32s([]float32{-2, 0.5, 3}, CPU, 3, 1)
	y, _ := FromInt64s(labels, CPU)
	defer Free(logits, y)
	loss, err := BCEWithLogits(logits, y)
	if err != nil {
		t.Fatal(err)
	}
	defer Free(loss)
	var want float64
	for i, v := range x {
		p := 1 / (1 + math.Exp(-v))
		if labels[i] == 1 {
			want -= math.Log(p)
		} else {
			want -= math.Log(1 - p)
		}
	}
	want /= 3
	if got, _ := Item(loss); math.Abs(got-want) > 1e-6 {
		t.Fatalf("loss %v, want %v", got, want)
	}
}

func TestAccuracyAndArgmax(t *testing.T) {
	LockThread()
	logits, _ := FromFloat32s([]float32{0, 1, 0, 5, 0, 0, 0.2, 0.1, 0.3, 1, 1, 0}, CPU, 4, 3)
	labels, _ := FromInt64s([]int64{1, 1, 2, 0}, CPU)
	defer Free(logits, labels)
	correct, total, err := Accuracy(logits, labels, NoIgnore)
	if err != nil || correct != 3 || total != 4 {
		t.Fatalf("Accuracy = %d/%d, %v; want 3/4", correct, total, err)
	}
	if correct, total, _ = Accuracy(logits, labels, 1); correct != 2 || total != 2 {
		t.Fatalf("Accuracy ignoring class 1 = %d/%d, want 2/2", correct, total)
	}
	am, err := Argmax(logits, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer Free(am)
	if got, _ := Int64s(am); !slices.Equal(got, []int64{1, 0, 2, 0}) {
		t.Fatalf("Argmax = %v", got)
	}
	one, _ := FromFloat32s([]float32{-1, 2, 0.5}, CPU, 3, 1)
	bin, _ := FromInt64s([]int64{0, 1, 0}, CPU)
	defer Free(one, bin)
	if c, n, _ := Accuracy(one, bin, NoIgnore); c != 2 || n != 3 {
		t.Fatalf("one-logit Accuracy = %d/%d, want 2/3", c, n)
	}
}

// TestCorrectMatchesAccuracy: the count left on the device equals
// Accuracy's host count, for argmax over classes (ties included: logits on
// a coarse grid), one logit per example, and an ignored class.
func TestCorrectMatchesAccuracy(t *testing.T) {
	LockThread()
	rng := uint64(7)
	next := func(n int) int { rng = rng*6364136223846793005 + 1442695040888963407; return int(rng>>33) % n }
	for _, c := range []struct {
		N, C   int
		ignore int64
	}{{40, 5, NoIgnore}, {40, 5, 2}, {33, 1, NoIgnore}, {0, 3, NoIgnore}} {
		x := make([]float32, c.N*c.C)
		for i := range x {
			x[i] = float32(next(5) - 2) // -2..2: ties and zero logits
		}
		y := make([]int64, c.N)
		for i := range y {
			y[i] = int64(next(max(c.C, 2)))
		}
		logits, err := FromFloat32s(x, CPU, int64(c.N), int64(c.C))
		if err != nil {
			t.Fatal(err)
		}
		labels, _ := FromInt64s(y, CPU)
		want, _, err := Accuracy(logits, labels, c.ignore)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Correct(logits, labels, c.ignore)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if v, _ := Item(got); int64(v) != want || got.DType() != gotch.Int64 {
			t.Errorf("%+v: Correct = %v (%v), Accuracy counts %d", c, v, got.DType(), want)
		}
		Free(logits, labels, got)
	}
	logits, _ := FromFloat32s([]float32{1, 2, 3}, CPU, 3, 1)
	labels, _ := FromInt64s([]int64{1, 0}, CPU)
	defer Free(logits, labels)
	if _, err := Correct(logits, labels, NoIgnore); err == nil || !strings.Contains(err.Error(), "3 logits for 2 labels") {
		t.Fatalf("3 logits for 2 labels: err %v", err)
	}
}

func TestNoGradRestores(t *testing.T) {
	LockThread()
	if !GradEnabled() {
		t.Fatal("gradients off at the start")
	}
	err := NoGrad(func() error {
		if GradEnabled() {
			t.Error("gradients on inside NoGrad")
		}
		return NoGrad(func() error { return errors.New("inner") })
	})
	if err == nil || err.Error() != "inner" {
		t.Fatalf("NoGrad error %v, want inner", err)
	}
	if !GradEnabled() {
		t.Fatal("gradients still off after NoGrad")
	}
	func() {
		defer func() { recover() }()
		_ = NoGrad(func() error { panic("boom") })
	}()
	if !GradEnabled() {
		t.Fatal("gradients off after a panic in NoGrad")
	}
}

func TestSeedRepeats(t *testing.T) {
	LockThread()
	draw := func() []float32 {
		Seed(42)
		r := ts.MustRandn([]int64{5}, gotch.Float, CPU)
		defer Free(r)
		v, _ := Float32s(r)
		return v
	}
	a, b := draw(), draw()
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different draws: %v vs %v", a, b)
	}
}

func TestParseDevice(t *testing.T) {
	for _, s := range []string{"cpu", "auto", ""} {
		d, err := ParseDevice(s)
		if err != nil || (s == "cpu" && d != CPU) {
			t.Errorf("ParseDevice(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"gpu", "cuda:-1", "cuda:x", "cuda:1x"} {
		if _, err := ParseDevice(s); err == nil || !strings.Contains(err.Error(), "want auto, cpu, cuda or cuda:N") {
			t.Errorf("ParseDevice(%q): err %v", s, err)
		}
	}
	if !CUDAAvailable() {
		if _, err := ParseDevice("cuda"); err == nil || !strings.Contains(err.Error(), "not available") {
			t.Errorf("ParseDevice(cuda) without a GPU: err %v", err)
		}
	}
}

func TestRunLocksAndReturns(t *testing.T) {
	want := errors.New("from fn")
	if err := Run(func() error { return want }); err != want {
		t.Fatalf("Run = %v", err)
	}
}
