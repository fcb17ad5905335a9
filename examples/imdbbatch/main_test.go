package main

import (
	"io"
	"math"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/torch"
)

func TestIMDBBatch(t *testing.T) {
	torch.LockThread()
	res, err := run(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ids) != 2 || res.ids[0] != 32 || res.ids[1] < 1 || res.ids[1] > 400 {
		t.Errorf("ids shape %v, want [32, T] with T <= 400", res.ids)
	}
	if !slices.Equal(res.logits, []int64{32, 1}) {
		t.Errorf("logits shape %v, want [32 1]", res.logits)
	}
	// An untrained classifier is close to a coin: BCE near ln 2.
	if math.Abs(res.loss-math.Ln2) > 0.1 {
		t.Errorf("loss %.4f, want ln 2 ± 0.1", res.loss)
	}
}
