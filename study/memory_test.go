package study

import (
	"math"
	"slices"
	"testing"
)

func TestTaskBatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		task  Task
		B     int
		noise bool
	}{
		{"T=1", Task{T: 1, Noise: 0.1}, 2, false},
		{"zeros", Task{T: 7, Noise: 0}, 10, false},
		{"noise", Task{T: 50, Noise: 0.1}, 64, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y, err := tc.task.Batch(tc.B, newRand(1, trainStream))
			if err != nil {
				t.Fatal(err)
			}
			T := tc.task.T
			if len(x) != tc.B*T*Input || len(y) != tc.B {
				t.Fatalf("got %d inputs and %d labels, want %d and %d", len(x), len(y), tc.B*T, tc.B)
			}
			ones, sq, n := 0, 0.0, 0
			for b, label := range y {
				ones += int(label)
				if want := float32(2*label - 1); x[b*T] != want {
					t.Errorf("example %d: first step %g, label %d", b, x[b*T], label)
				}
				for _, v := range x[b*T+1 : (b+1)*T] {
					sq, n = sq+float64(v)*float64(v), n+1
				}
			}
			if ones != tc.B/2 {
				t.Errorf("%d of %d labels are 1, want half", ones, tc.B)
			}
			std := math.Sqrt(sq / float64(max(n, 1)))
			if tc.noise && math.Abs(std-tc.task.Noise) > 0.01 {
				t.Errorf("distractor std %.4f, want about %g", std, tc.task.Noise)
			}
			if !tc.noise && sq != 0 {
				t.Errorf("distractors are not zeros")
			}
		})
	}
}

func TestTaskBatchDeterministic(t *testing.T) {
	k := Task{T: 5, Noise: 0.1}
	x1, y1, _ := k.Batch(8, newRand(4, trainStream))
	x2, y2, _ := k.Batch(8, newRand(4, trainStream))
	x3, y3, _ := k.Batch(8, newRand(5, trainStream))
	if !slices.Equal(x1, x2) || !slices.Equal(y1, y2) {
		t.Error("the same seed gave different batches")
	}
	if slices.Equal(x1, x3) && slices.Equal(y1, y3) {
		t.Error("different seeds gave the same batch")
	}
	rng := newRand(4, trainStream)
	a, _, _ := k.Batch(8, rng)
	b, _, _ := k.Batch(8, rng)
	if slices.Equal(a, b) {
		t.Error("consecutive batches are equal")
	}
}

func TestTaskBatchRejects(t *testing.T) {
	for _, tc := range []struct {
		task Task
		B    int
	}{{Task{T: 0}, 2}, {Task{T: 3}, 3}, {Task{T: 3}, 0}, {Task{T: 3, Noise: -1}, 2}} {
		if _, _, err := tc.task.Batch(tc.B, newRand(1, 1)); err == nil {
			t.Errorf("%+v, batch %d: no error", tc.task, tc.B)
		}
	}
}
