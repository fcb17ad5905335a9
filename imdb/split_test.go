package imdb

import (
	"fmt"
	"slices"
	"testing"
)

func numbered(n int) *Dataset {
	d := &Dataset{Labels: []string{"neg", "pos"}}
	for i := range n {
		d.Examples = append(d.Examples, Example{Text: fmt.Sprint(i), Label: i % 2})
	}
	return d
}

// TestPermutationGolden pins the shuffle, so a change of algorithm (or of
// math/rand/v2's PCG) that would move examples between splits is caught.
func TestPermutationGolden(t *testing.T) {
	if got, want := permutation(10, 1), []int{5, 4, 2, 1, 3, 9, 8, 6, 0, 7}; !slices.Equal(got, want) {
		t.Errorf("permutation(10, 1) = %v, want %v", got, want)
	}
}

func TestSplit(t *testing.T) {
	d := numbered(25000)
	train, valid, err := d.SplitFraction(DefaultValidFraction, 1)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 20000 || valid.Len() != 5000 {
		t.Fatalf("sizes %d/%d, want 20000/5000", train.Len(), valid.Len())
	}
	seen := make(map[string]bool)
	for _, part := range []*Dataset{train, valid} {
		if !slices.IsSortedFunc(part.Examples, func(a, b Example) int { return atoiT(a.Text) - atoiT(b.Text) }) {
			t.Error("a part is not in dataset order")
		}
		for _, e := range part.Examples {
			seen[e.Text] = true
		}
	}
	if len(seen) != 25000 {
		t.Errorf("parts cover %d examples, want 25000", len(seen))
	}
	again, _, _ := d.Split(5000, 1)
	other, _, _ := d.Split(5000, 2)
	if !slices.Equal(again.Examples, train.Examples) || slices.Equal(other.Examples, train.Examples) {
		t.Error("split not determined by the seed")
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if _, _, err := d.SplitFraction(bad, 1); err == nil {
			t.Errorf("SplitFraction(%v) did not fail", bad)
		}
	}
	if _, _, err := d.Split(25001, 1); err == nil {
		t.Error("Split(25001) did not fail")
	}
}

func atoiT(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
